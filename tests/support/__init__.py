"""Test support shared by the test files (not shipped in the package): the fake OpenAI-compatible server and
the settings/clients pointed at it."""
