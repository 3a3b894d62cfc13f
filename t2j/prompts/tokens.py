"""Count tokens with OpenAI's BPE encodings, offline.

`tiktoken.get_encoding` downloads its BPE file on first use, which fails on a machine without internet. The
`bpe-openai` package embeds the same encodings (cl100k_base, o200k_base, ...) and gives identical token ids, so it
is the fallback; tiktoken is used first when its cache already holds the file (no download is ever attempted).
Models that are not OpenAI's (Llama, Qwen... behind vLLM or Ollama) are counted with o200k_base: an estimate,
good enough for a prompt budget.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Protocol

DEFAULT_ENCODING = "o200k_base"

# The URLs tiktoken downloads from; its cache file name is the sha1 of the URL.
_TIKTOKEN_URLS = {
    "o200k_base": "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
    "cl100k_base": "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
    "p50k_base": "https://openaipublic.blob.core.windows.net/encodings/p50k_base.tiktoken",
    "r50k_base": "https://openaipublic.blob.core.windows.net/encodings/r50k_base.tiktoken",
}


class _Encoder(Protocol):
    name: str

    def encode(self, text: str, *, disallowed_special=...) -> list[int]: ...

    def decode(self, tokens: list[int]) -> str: ...


def _tiktoken_cache_dir() -> Path | None:
    if "TIKTOKEN_CACHE_DIR" in os.environ:
        value = os.environ["TIKTOKEN_CACHE_DIR"]
    elif "DATA_GYM_CACHE_DIR" in os.environ:
        value = os.environ["DATA_GYM_CACHE_DIR"]
    else:
        value = os.path.join(tempfile.gettempdir(), "data-gym-cache")
    return Path(value) if value else None


def tiktoken_cached(name: str) -> bool:
    """True when tiktoken can load encoding `name` without touching the network."""
    url = _TIKTOKEN_URLS.get(name)
    cache = _tiktoken_cache_dir()
    if url is None or cache is None:
        return False
    return (cache / hashlib.sha1(url.encode()).hexdigest()).is_file()


@lru_cache(maxsize=8)
def get_encoding(name: str = DEFAULT_ENCODING) -> _Encoder:
    """The encoding `name`, loaded without network access: tiktoken when cached, else bpe-openai."""
    if tiktoken_cached(name):
        try:
            import tiktoken

            return tiktoken.get_encoding(name)
        except Exception:  # a corrupt cache would make tiktoken try to download; use the embedded copy
            pass
    import bpe_openai

    try:
        return bpe_openai.get_encoding(name)
    except Exception as exc:
        known = ", ".join(bpe_openai.list_encoding_names())
        raise ValueError(f"unknown token encoding '{name}'; use one of: {known}") from exc


def encoding_name_for_model(model: str | None) -> str:
    """The encoding an OpenAI model uses; o200k_base for anything else (an estimate for other vendors)."""
    if not model:
        return DEFAULT_ENCODING
    try:
        import tiktoken.model

        return tiktoken.model.encoding_name_for_model(model)  # a lookup table, no download
    except Exception:
        return DEFAULT_ENCODING


def count_tokens(text: str, model: str | None = None, encoding: str | None = None) -> int:
    """Number of tokens in `text` (special-token text such as '<|endoftext|>' counted as ordinary text)."""
    if not text:
        return 0
    enc = get_encoding(encoding or encoding_name_for_model(model))
    return len(enc.encode(text, disallowed_special=()))


def count_message_tokens(messages: list[dict], model: str | None = None) -> int:
    """Tokens of a chat request, with OpenAI's per-message overhead (3 per message, 3 to prime the reply)."""
    total = 3
    for message in messages:
        total += (
            3 + count_tokens(str(message.get("content") or ""), model) + count_tokens(message.get("role", ""), model)
        )
    return total


def truncate_to_tokens(text: str, max_tokens: int, model: str | None = None) -> str:
    """The longest prefix of `text` holding at most `max_tokens` tokens."""
    if max_tokens <= 0:
        return ""
    enc = get_encoding(encoding_name_for_model(model))
    tokens = enc.encode(text, disallowed_special=())
    if len(tokens) <= max_tokens:
        return text
    return enc.decode(tokens[:max_tokens])
