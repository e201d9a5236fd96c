"""``ardoise serve``: rebuild and republish the site shortly after each change made through the APIs.

A burst of writes (a demo script, a batch) triggers one build once things have
been quiet for ``delay`` seconds; a change arriving during a build triggers one
more build after it. Failures are logged and the thread keeps going: the next
change, or the next ``ardoise tick``, publishes again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from functions.core.logs import get_logger

log = get_logger("site.watch")
StartResponse = Callable[..., Any]
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class DebouncedPublisher:
    """Run ``publish`` in a background thread after changes settle."""

    def __init__(self, publish: Callable[[], Any], delay: float = 1.0) -> None:
        self.publish = publish
        self.delay = delay
        self.runs = 0
        self._changed = threading.Event()
        self._stopping = threading.Event()
        self._last_change = 0.0
        self._thread = threading.Thread(target=self._loop, name="ardoise-site-publisher", daemon=True)

    def start(self) -> DebouncedPublisher:
        self._thread.start()
        return self

    def notify(self) -> None:
        """Say that something changed; the site follows within ``delay`` seconds of the last change."""
        self._last_change = time.monotonic()
        self._changed.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._stopping.set()
        self._changed.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self._changed.wait()
            if self._stopping.is_set():
                return
            while (quiet := time.monotonic() - self._last_change) < self.delay:
                if self._stopping.wait(self.delay - quiet):
                    return
            self._changed.clear()
            try:
                self.publish()
            except Exception:
                # Keep serving: the next change or tick publishes again; the log says why this one failed.
                log.exception("site publication failed")
            self.runs += 1


class NotifyOnWrite:
    """WSGI middleware: once a write request (POST, PUT, PATCH, DELETE) is answered, call ``notify``."""

    def __init__(self, app: Any, notify: Callable[[], None]) -> None:
        self.app = app
        self.notify = notify

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        result: Iterable[bytes] = self.app(environ, start_response)
        if environ.get("REQUEST_METHOD") not in WRITES:
            return result
        return _ThenNotify(result, self.notify)


class _ThenNotify:
    """The response body, unchanged; closing it (the server does, once sent) calls ``notify``."""

    def __init__(self, body: Iterable[bytes], notify: Callable[[], None]) -> None:
        self.body = body
        self.notify = notify

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.body)

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.notify()
