"""Errors of the LLM backends. Each message says what happened and what to do next."""

from __future__ import annotations


class LLMError(Exception):
    """The LLM could not give a usable answer (after retries)."""


class LLMNotConfigured(LLMError):
    """No model or server is configured."""


class LLMUnavailable(LLMError):
    """The server kept failing (429 / 5xx / timeouts) until the retries ran out, or refused the request."""


class NoCodeBlock(LLMError):
    """The reply holds no fenced code block."""
