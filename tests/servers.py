"""A WSGI app on a real waitress server (what ``ardoise serve`` runs), on a random local port."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def serving(app: Any, threads: int = 2) -> Iterator[int]:
    """Serve ``app`` in a background thread; yield its port; stop the server on exit."""
    import waitress.server

    server = waitress.server.create_server(app, host="127.0.0.1", port=0, threads=threads)
    closing = threading.Event()

    def run() -> None:
        try:
            server.run()
        except OSError:
            # Closing the listening socket from the test thread interrupts the
            # server's select() with EBADF: expected at shutdown, an error before.
            if not closing.is_set():
                raise

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield server.effective_port  # type: ignore[union-attr]  # a single TCP server here
    finally:
        closing.set()
        server.close()
        thread.join(timeout=5)
