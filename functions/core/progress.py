"""How long work says how far it got, without knowing who watches: a terminal, a log, or nobody.

A use case that walks many items (every company, every file of the site)
takes a ``Progress`` and calls ``begin`` once per stage, then ``advance`` as it
goes; the command line draws a bar, a Lambda passes ``SILENT``.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def begin(self, label: str, total: int) -> None:
        """A stage of ``total`` items starts (the previous one, if any, is over)."""

    def advance(self, done: int = 1) -> None:
        """``done`` more items of the current stage are finished."""


class _Silent:
    def begin(self, label: str, total: int) -> None:
        pass

    def advance(self, done: int = 1) -> None:
        pass


SILENT: Progress = _Silent()
