"""An OpenAI-compatible chat-completions client (OpenAI, vLLM, Ollama, llama.cpp server) through `openai`.

The `openai` client is built with max_retries=0: retries are done here, bounded and with exponential backoff
(honouring Retry-After), so that their number and delays are configurable and fast in tests. 429, 5xx, timeouts
and connection errors are retried; other 4xx (bad key, unknown model) fail at once. Every answer is cached on
disk by the hash of the request, and its token usage and cost are recorded.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openai
from pydantic import BaseModel

from t2j.llm.cache import CachedReply, ResponseCache, request_key
from t2j.llm.errors import LLMError, LLMNotConfigured, LLMUnavailable
from t2j.llm.extract import extract_code
from t2j.llm.pricing import cost_usd, load_prices

CACHE_ENV = "T2J_CACHE_DIR"
LOCAL_API_KEY = "sk-no-key-needed"  # local servers ignore the key, but the openai client requires one


class Completion(BaseModel):
    """One answer with its accounting."""

    text: str
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None  # None: no price in the table (e.g. a local server); 0.0 on a cache hit
    cached: bool = False  # answered from the on-disk cache: no request was made
    attempts: int = 0  # HTTP requests made (0 on a cache hit)
    latency_s: float = 0.0
    finish_reason: str | None = None
    key: str = ""  # the request hash (cache key)

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


def _reasoning_model(model: str) -> bool:
    name = model.rsplit("/", 1)[-1].lower()
    return name.startswith(("o1", "o3", "o4", "gpt-5"))


def default_cache_dir(settings: Any = None) -> Path:
    configured = getattr(settings, "cache_dir", None) or os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured) / "llm"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "t2j" / "llm"


class MalformedReply(Exception):
    """The server answered 200 with a body that is not a chat completion (retried like a 5xx)."""


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, MalformedReply):
        return True
    if isinstance(exc, (openai.APITimeoutError, openai.APIConnectionError, openai.RateLimitError)):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code == 408 or exc.status_code == 409 or exc.status_code >= 500
    return False


def _describe(exc: Exception) -> str:
    if isinstance(exc, MalformedReply):
        return str(exc)
    if isinstance(exc, openai.APITimeoutError):
        return "timed out"
    if isinstance(exc, openai.APIConnectionError):
        return f"could not connect ({exc.__cause__ or exc})"
    if isinstance(exc, openai.APIStatusError):
        message = str(getattr(exc, "message", "") or exc).splitlines()[0][:200]
        return f"HTTP {exc.status_code}: {message}"
    return f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"


def _retry_after(exc: Exception) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    value = headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


# Knobs read from Settings when it has them, else from the environment, else these defaults.
OPTION_DEFAULTS = {
    "llm_max_retries": ("T2J_LLM_MAX_RETRIES", int, 4),
    "llm_backoff_s": ("T2J_LLM_BACKOFF_S", float, 1.0),
    "llm_timeout_s": ("T2J_LLM_TIMEOUT_S", float, 120.0),
    "llm_temperature": ("T2J_LLM_TEMPERATURE", float, 0.0),
}


def client_options(settings: Any) -> dict:
    """max_retries, backoff_s, request_timeout_s, temperature for `LLMClient`, from settings / environment."""
    values = {}
    for field, (env, kind, default) in OPTION_DEFAULTS.items():
        value = getattr(settings, field, None)
        if value is None and os.environ.get(env):
            try:
                value = kind(os.environ[env])
            except ValueError:
                raise LLMError(f"${env}={os.environ[env]!r} is not a number") from None
        values[field] = default if value is None else kind(value)
    return {
        "max_retries": values["llm_max_retries"],
        "backoff_s": values["llm_backoff_s"],
        "request_timeout_s": values["llm_timeout_s"],
        "temperature": values["llm_temperature"],
    }


class LLMClient:
    """Chat completions with bounded retries, an on-disk cache and cost accounting.

    settings: `t2j.settings.Settings` (base_url, api_key, model, cache_dir).
    """

    def __init__(
        self,
        settings: Any,
        *,
        max_retries: int = 4,
        backoff_s: float = 1.0,
        max_backoff_s: float = 30.0,
        request_timeout_s: float = 120.0,
        temperature: float = 0.0,
        max_tokens: int | None = 4096,
        cache_dir: str | Path | None = None,
        use_cache: bool = True,
        prices: dict[str, tuple[float, float]] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if not getattr(settings, "model", None):
            raise LLMNotConfigured(
                "no LLM model configured; pass --model (or set T2J_MODEL) with --base-url/--api-key "
                "(or OPENAI_BASE_URL / OPENAI_API_KEY)"
            )
        if not (getattr(settings, "base_url", None) or getattr(settings, "api_key", None)):
            raise LLMNotConfigured(
                "no LLM server configured; pass --base-url (or set OPENAI_BASE_URL) for a local server, "
                "or --api-key (OPENAI_API_KEY) for OpenAI"
            )
        self.settings = settings
        self.model: str = settings.model
        self.base_url: str | None = settings.base_url
        self.max_retries = max(0, int(max_retries))
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.request_timeout_s = request_timeout_s
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.cache = ResponseCache(cache_dir or default_cache_dir(settings)) if use_cache else None
        self.prices = load_prices(prices)
        self._sleep = sleep
        self._client = openai.OpenAI(
            base_url=self.base_url or None,
            api_key=settings.api_key or LOCAL_API_KEY,
            max_retries=0,
            timeout=request_timeout_s,
        )
        self.requests_made = 0

    def request(self, messages: list[dict]) -> dict:
        """The request body (also what the cache key hashes)."""
        body: dict = {"model": self.model, "messages": messages}
        if _reasoning_model(self.model):
            # OpenAI's reasoning models reject `temperature` and `max_tokens` (they take max_completion_tokens)
            if self.max_tokens:
                body["max_completion_tokens"] = self.max_tokens
            return body
        body["temperature"] = self.temperature
        if self.max_tokens:
            body["max_tokens"] = self.max_tokens
        return body

    def complete(self, messages: list[dict] | Any) -> Completion:
        """Send `messages` (OpenAI format, or a `Prompt`); return the answer, from the cache when possible."""
        if hasattr(messages, "as_openai"):
            messages = messages.as_openai()
        body = self.request(list(messages))
        key = request_key({**body, "base_url": self.base_url or "openai"})
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None:
                return Completion(
                    text=hit.text,
                    model=hit.model,
                    prompt_tokens=hit.prompt_tokens,
                    completion_tokens=hit.completion_tokens,
                    cost_usd=0.0,  # nothing was paid for this answer
                    cached=True,
                    attempts=0,
                    finish_reason=hit.finish_reason,
                    key=key,
                )
        started = time.monotonic()
        response, attempts = self._send(body)
        latency = time.monotonic() - started
        try:
            choice = response.choices[0]
            text = choice.message.content or ""
        except (AttributeError, IndexError, TypeError):
            raise LLMError(
                f"the server at {self.base_url or 'api.openai.com'} sent a reply with no message; "
                "check that it speaks the chat-completions protocol"
            ) from None
        usage = getattr(response, "usage", None)
        prompt_tokens = int(getattr(usage, "prompt_tokens", 0) or 0)
        completion_tokens = int(getattr(usage, "completion_tokens", 0) or 0)
        if usage is None:  # some local servers report no usage: count it ourselves (offline, an estimate)
            from t2j.prompts.tokens import count_message_tokens, count_tokens

            prompt_tokens = count_message_tokens(body["messages"], self.model)
            completion_tokens = count_tokens(text, self.model)
        model = getattr(response, "model", None) or self.model
        finish = getattr(choice, "finish_reason", None)
        if self.cache is not None and text:
            self.cache.put(
                CachedReply(
                    key=key,
                    model=model,
                    text=text,
                    prompt_tokens=prompt_tokens,
                    completion_tokens=completion_tokens,
                    finish_reason=finish,
                )
            )
        return Completion(
            text=text,
            model=model,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            cost_usd=cost_usd(model, prompt_tokens, completion_tokens, self.prices),
            cached=False,
            attempts=attempts,
            latency_s=latency,
            finish_reason=finish,
            key=key,
        )

    def complete_code(self, messages: list[dict] | Any) -> tuple[str, Completion]:
        """The code block of the answer (NoCodeBlock when there is none) and the completion."""
        completion = self.complete(messages)
        return extract_code(completion.text), completion

    def _send(self, body: dict):
        where = self.base_url or "api.openai.com"
        last: Exception | None = None
        for attempt in range(self.max_retries + 1):
            try:
                self.requests_made += 1
                return self._client.chat.completions.create(**body), attempt + 1
            except Exception as exc:  # noqa: BLE001 - classified below
                if isinstance(exc, ValueError) and not isinstance(exc, openai.OpenAIError):
                    exc = MalformedReply(f"malformed reply ({type(exc).__name__}: {str(exc)[:120]})")
                elif not isinstance(exc, openai.OpenAIError):
                    raise
                if not _retryable(exc):
                    raise LLMUnavailable(
                        f"LLM request to {where} (model {self.model}) failed: {_describe(exc)}; "
                        "check --base-url, --model and --api-key"
                    ) from None
                last = exc
                if attempt < self.max_retries:
                    delay = min(self.max_backoff_s, self.backoff_s * (2**attempt))
                    hinted = _retry_after(exc)
                    if hinted is not None:
                        delay = min(self.max_backoff_s, max(delay, hinted))
                    self._sleep(delay)
        raise LLMUnavailable(
            f"LLM request to {where} (model {self.model}) failed after {self.max_retries + 1} attempts: "
            f"{_describe(last)}; try again later or point --base-url at another server"
        )
