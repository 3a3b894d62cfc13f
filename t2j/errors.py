"""Errors that map to CLI exit codes."""


class BadInput(Exception):
    """The user's input cannot be processed (missing file, syntax error, no entry...). CLI exit code 2."""
