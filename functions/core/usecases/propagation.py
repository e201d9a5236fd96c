"""Refresh what derives from a company (summary, charter status, site page) after a change.

Writes mark the companies they touch in the same transaction (``store.outbox``);
this module runs the refreshers on the marked companies and clears the marks.
It runs right after a request that changed something, and again at each tick,
so that a crash between the change and its consequences delays them but never
loses them. Every refresher must be idempotent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from functions.core.logs import get_logger
from functions.core.resources import Resources
from functions.core.store.items import Item
from functions.core.usecases.charter.signatures import refresh_charter_standing
from functions.core.usecases.directory.proceedings import apply_listing_freeze
from functions.core.usecases.identity import align_identity
from functions.core.usecases.reports.solvency import refresh_summary

Refresher = Callable[[Resources, str], None]

log = get_logger("propagation")


def mark_for_publication(res: Resources, siren: str) -> None:
    """Hand the company on to the site's publisher, which reads only the companies so marked."""
    res.store.site_changes.mark_now(siren)


def refreshers() -> list[Refresher]:
    """Return the refreshers, in the order they must run for one company."""
    # The registry's identity first (every surface shows it), then what its collective
    # proceedings do to the listing, then the charter's standing (summaries and site pages
    # show it); the publisher last, once the company's data is settled.
    # Every change that marks a company (any commit naming it) reaches the site this way.
    return [align_identity, apply_listing_freeze, refresh_charter_standing, refresh_summary, mark_for_publication]


def refresh_company(res: Resources, siren: str) -> None:
    """Run every refresher for one company."""
    for refresher in refreshers():
        refresher(res, siren)


def refresh_marked(res: Resources, limit: int = 500) -> int:
    """Refresh the companies marked stale, oldest first; return how many were cleared."""
    return _refresh_marks(res, res.store.outbox.list_marked(limit))


# A request refreshes at most this many companies before answering (a bulk
# upload may touch thousands); the tick drains the rest within minutes.
MAX_IN_REQUEST = 25


def refresh_companies(res: Resources, sirens: Iterable[str]) -> int:
    """Refresh the given companies now if they are still marked; return how many were cleared."""
    return sum(_refresh_until_clean(res, siren) for siren in sorted(set(sirens))[:MAX_IN_REQUEST])


def drain_marked(res: Resources, *, batch: int = 500, budget_seconds: float = 120.0) -> int:
    """Refresh marked companies batch after batch until none is left or the time budget is spent."""
    deadline = time.monotonic() + budget_seconds
    total = 0
    while time.monotonic() < deadline:
        marks = res.store.outbox.list_marked(batch)
        cleared = _refresh_marks(res, marks)
        total += cleared
        if len(marks) < batch or cleared == 0:
            break
    return total


def _refresh_marks(res: Resources, marks: list[Item]) -> int:
    return sum(_refresh_until_clean(res, mark.data["siren"], mark) for mark in marks)


# A refresher may itself change the company (a suspension), which marks it
# again; a few passes settle it, and a company still marked waits for the tick.
MAX_PASSES = 3


def _refresh_until_clean(res: Resources, siren: str, mark: Item | None = None) -> int:
    """Refresh one company while it is marked; return 1 once its mark is cleared, 0 otherwise.

    Any failure (a refresher, the store) is logged and keeps the mark: the
    next tick retries this company, and the others go on.
    """
    try:
        current = mark if mark is not None else res.store.outbox.get_mark(siren)
        for _ in range(MAX_PASSES):
            if current is None:
                return 0
            refresh_company(res, siren)
            if res.store.outbox.clear(current):
                return 1
            current = res.store.outbox.get_mark(siren)
    except Exception:
        log.exception("refresh failed", extra={"siren": siren})
    return 0
