"""The warm sandbox servers under several threads (benchmarks run their scripts on worker threads): a job of one
thread that needs other readable folders must not kill the server another thread's job is running on."""

from __future__ import annotations

import threading

from t2j.verify import sandbox


class _Stream:
    def close(self) -> None:
        pass


class _ExitedProcess:
    """A server process that has already exited (so the server no longer suits any job)."""

    pid = -1
    stdin = stdout = _Stream()

    def poll(self) -> int:
        return 0

    def wait(self) -> int:
        return 0


def test_a_server_in_use_is_discarded_only_when_its_job_is_done(tmp_path, monkeypatch):
    busy = sandbox.ForkServer("torch", frozenset(), sandbox.Limits())
    busy._process = _ExitedProcess()
    monkeypatch.setitem(sandbox._servers, "torch", busy)
    started: list[sandbox.ForkServer] = []
    monkeypatch.setattr(sandbox.ForkServer, "start", lambda self: started.append(self))

    def other_job() -> None:
        with sandbox.sandbox_job("torch", readable=[tmp_path]) as job:
            assert job.server is not busy

    with busy.lock:  # another thread's job is running on `busy`
        thread = threading.Thread(target=other_job)
        thread.start()
        thread.join(timeout=30)
        assert not thread.is_alive() and len(started) == 1  # the other job got a server of its own at once
        assert busy._process is not None  # ... and did not close the busy one under its job
    for _ in range(100):  # discarded once free
        if busy._process is None:
            break
        threading.Event().wait(0.05)
    assert busy._process is None
    sandbox._servers.pop("torch", None)
    started[0].discard()
