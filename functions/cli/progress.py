"""Progress of long commands on standard error: a bar on a terminal, a few log lines elsewhere.

A bar redrawn many times a second is noise in a log file or a CI job, so when
standard error is not a terminal each stage says where it is at its start, at
each tenth and at its end.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any, TextIO

import click

TENTHS = 10


class StderrProgress:
    """A :class:`functions.core.progress.Progress` for the operator; use it as a context manager."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.on_terminal = self.stream.isatty()
        self._bar: Any = None
        self._label = ""
        self._total = self._done = self._said = 0

    def begin(self, label: str, total: int) -> None:
        self.end()
        self._label, self._total, self._done, self._said = label, total, 0, 0
        if self.on_terminal and total > 0:
            self._bar = click.progressbar(length=total, label=label, file=self.stream)
            self._bar.render_progress()
        else:
            self._line(f"{label}: {total} to do" if total else f"{label}: nothing to do")

    def advance(self, done: int = 1) -> None:
        if not self._total:
            return
        self._done = min(self._total, self._done + done)
        if self._bar is not None:
            self._bar.update(done)
        elif self._done < self._total and (tenth := self._done * TENTHS // self._total) > self._said:
            self._said = tenth
            self._line(f"{self._label}: {self._done}/{self._total} ({tenth * TENTHS} %)")
        if self._done == self._total:
            self.end()  # said at once, before whatever the work says next

    def end(self, *, stopped: bool = False) -> None:
        """Close the current stage (the bar's last state, or a last line)."""
        if self._bar is not None:
            self._bar.render_finish()
            self._bar = None
        if self._total and (stopped or not self.on_terminal):
            self._line(f"{self._label}: {'stopped at' if stopped else 'done,'} {self._done}/{self._total}")
        self._total = 0

    def _line(self, text: str) -> None:
        click.echo(text, file=self.stream)

    def __enter__(self) -> StderrProgress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.end(stopped=error is not None)
