"""Webhook receivers on 127.0.0.1 (random port) that record what they get."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """An HTTP endpoint answering every request with ``status`` (and ``headers``), recording each one.

    With ``together`` set, each request waits until that many requests are in at
    once (or a few seconds passed, then answers 503): only a sender working
    concurrently gets 2xx answers.
    """

    def __init__(self, status: int = 200, headers: dict[str, str] | None = None, together: int = 0) -> None:
        self.status = status
        self.headers = headers or {}
        self.received: list[tuple[str, dict[str, str], bytes]] = []
        self.barrier = threading.Barrier(together, timeout=5) if together else None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                receiver.received.append((self.command, dict(self.headers.items()), body))
                status = receiver.status
                if receiver.barrier is not None:
                    try:
                        receiver.barrier.wait()
                    except threading.BrokenBarrierError:
                        status = 503
                self.send_response(status)
                for name, value in receiver.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_POST = do_GET = _answer  # noqa: N815 - the names http.server dispatches to

            def log_message(self, *args: object) -> None:  # keep the test output quiet
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}/ardoise"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def posts(self) -> list[tuple[dict[str, str], bytes]]:
        return [(headers, body) for method, headers, body in self.received if method == "POST"]

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
