"""A real OpenAI-compatible HTTP server on 127.0.0.1 for tests: scripted replies and faults.

It speaks POST /v1/chat/completions (and GET /v1/models) over real HTTP on a random port, so tests exercise the
real `openai` client, its wire format and its error handling. Each request takes the next scripted `Reply`
(or, when the script is empty, asks `responder(request_body)`); every request body is recorded.

    with FakeOpenAIServer([Reply.error(429), Reply.code("x = 1")]) as server:
        settings = Settings(base_url=server.base_url, model="fake", api_key="k")
        ...
        assert len(server.requests) == 2
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pydantic import BaseModel, Field


class Reply(BaseModel):
    """One scripted answer: a chat message, an HTTP error, a malformed body, optionally after a delay."""

    status: int = 200
    content: str = ""
    headers: dict[str, str] = Field(default_factory=dict)
    raw_body: str | None = None  # sent as is (malformed replies)
    delay_s: float = 0.0
    prompt_tokens: int | None = None  # default: a word count of the request
    completion_tokens: int | None = None
    usage: bool = True  # False: no "usage" in the body, as some local servers do

    @classmethod
    def text(cls, content: str, **kw: Any) -> "Reply":
        return cls(content=content, **kw)

    @classmethod
    def code(cls, code: str, lang: str = "python", prose: str = "Here is the translation.", **kw: Any) -> "Reply":
        return cls(content=f"{prose}\n\n```{lang}\n{code.strip(chr(10))}\n```\n", **kw)

    @classmethod
    def error(cls, status: int, message: str = "", retry_after: float | None = None, **kw: Any) -> "Reply":
        body = json.dumps(
            {"error": {"message": message or f"scripted error {status}", "type": "fake_error", "code": status}}
        )
        headers = {"retry-after": str(retry_after)} if retry_after is not None else {}
        return cls(status=status, raw_body=body, headers=headers, **kw)

    @classmethod
    def malformed(cls, body: str = "this is not JSON {", **kw: Any) -> "Reply":
        return cls(raw_body=body, **kw)

    @classmethod
    def slow(cls, delay_s: float, content: str = "```python\nx = 1\n```") -> "Reply":
        return cls(content=content, delay_s=delay_s)


def _completion_body(reply: Reply, request: dict) -> dict:
    words = sum(len(str(m.get("content", "")).split()) for m in request.get("messages", []))
    prompt_tokens = reply.prompt_tokens if reply.prompt_tokens is not None else words
    completion_tokens = reply.completion_tokens if reply.completion_tokens is not None else len(reply.content.split())
    body = {
        "id": f"chatcmpl-fake-{int(time.time() * 1000)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "fake"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.content},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }
    if not reply.usage:
        del body["usage"]
    return body


class FakeOpenAIServer:
    """A threaded HTTP server on 127.0.0.1:<random port>. Use as a context manager, or start()/stop()."""

    def __init__(
        self,
        replies: list[Reply | str] | None = None,
        responder: Callable[[dict], Reply | str] | None = None,
    ):
        self._script: deque[Reply] = deque(self._as_reply(r) for r in (replies or []))
        self.responder = responder
        self.requests: list[dict] = []  # JSON bodies received on /chat/completions, in order
        self.headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @staticmethod
    def _as_reply(item: Reply | str) -> Reply:
        return item if isinstance(item, Reply) else Reply.text(item)

    def add(self, *replies: Reply | str) -> None:
        with self._lock:
            self._script.extend(self._as_reply(r) for r in replies)

    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def _next(self, request: dict) -> Reply:
        with self._lock:
            if self._script:
                return self._script.popleft()
        if self.responder is not None:
            return self._as_reply(self.responder(request))
        return Reply.error(500, "the fake server has no scripted reply left")

    def start(self) -> "FakeOpenAIServer":
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _send(self, status: int, body: str, headers: dict[str, str] | None = None) -> None:
                data = body.encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._send(200, json.dumps({"object": "list", "data": [{"id": "fake", "object": "model"}]}))
                else:
                    self._send(404, json.dumps({"error": {"message": f"no route {self.path}"}}))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8") if length else ""
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(404, json.dumps({"error": {"message": f"no route {self.path}"}}))
                    return
                try:
                    request = json.loads(raw)
                except ValueError:
                    self._send(400, json.dumps({"error": {"message": "request body is not JSON"}}))
                    return
                with owner._lock:
                    owner.requests.append(request)
                    owner.headers.append({k.lower(): v for k, v in self.headers.items()})
                reply = owner._next(request)
                if reply.delay_s and owner._stopping.wait(reply.delay_s):
                    return
                if reply.raw_body is not None:
                    self._send(reply.status, reply.raw_body, reply.headers)
                else:
                    self._send(reply.status, json.dumps(_completion_body(reply, request)), reply.headers)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-openai", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FakeOpenAIServer":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def user_prompts(self) -> list[str]:
        """The user messages of every request received, in order."""
        return [
            "\n".join(m.get("content", "") for m in r.get("messages", []) if m.get("role") == "user")
            for r in self.requests
        ]
