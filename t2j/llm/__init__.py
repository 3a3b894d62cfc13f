"""llm stage: an OpenAI-compatible chat client with retries, an on-disk cache, cost accounting, and code
extraction. `t2j.llm.testing` holds a real local HTTP server with scripted replies for tests."""

from t2j.llm.client import Completion, LLMClient, llm_configured
from t2j.llm.errors import LLMError, LLMNotConfigured, LLMUnavailable, NoCodeBlock
from t2j.llm.extract import extract_code

__all__ = [
    "Completion",
    "LLMClient",
    "LLMError",
    "LLMNotConfigured",
    "LLMUnavailable",
    "NoCodeBlock",
    "extract_code",
    "llm_configured",
]
