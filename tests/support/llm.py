"""Settings and LLM clients pointed at a FakeOpenAIServer (used by the LLM client, pipeline and eval tests)."""

from __future__ import annotations

from pathlib import Path

from support.fake_openai import FakeOpenAIServer
from t2j.llm import LLMClient
from t2j.settings import Settings


def settings_for(server: FakeOpenAIServer, model: str = "gpt-4o-mini", api_key: str = "test-key", **kw) -> Settings:
    return Settings(base_url=server.base_url, model=model, api_key=api_key, **kw)


def client_for(
    server: FakeOpenAIServer, cache_dir: Path | None = None, settings: Settings | None = None, **kw
) -> LLMClient:
    """A client with fast retries (backoff 10 ms); its cache in `cache_dir`, else where `settings` say."""
    kw.setdefault("backoff_s", 0.01)
    if cache_dir is not None:
        kw.setdefault("cache_dir", cache_dir)
    return LLMClient(settings or settings_for(server), **kw)
