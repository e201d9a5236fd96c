"""Refresh what derives from a company (summary, charter status, site page) after a change.

Writes mark the companies they touch in the same transaction (``store.outbox``);
this module runs the refreshers on the marked companies and clears the marks.
It runs right after a request that changed something, and again at each tick,
so that a crash between the change and its consequences delays them but never
loses them. Every refresher must be idempotent.
"""

from __future__ import annotations

from collections.abc import Callable

from functions.core.context import Services
from functions.core.logs import get_logger
from functions.core.services.charter import refresh_charter_standing
from functions.core.services.solvency import refresh_summary

Refresher = Callable[[Services, str], None]

log = get_logger("propagation")


def refreshers() -> list[Refresher]:
    """Return the refreshers, in the order they must run for one company."""
    # The charter's standing first: summaries and site pages show it.
    return [refresh_charter_standing, refresh_summary]


def refresh_company(ctx: Services, siren: str) -> None:
    """Run every refresher for one company."""
    for refresher in refreshers():
        refresher(ctx, siren)


def refresh_marked(ctx: Services, limit: int = 500) -> int:
    """Refresh the companies marked stale, oldest first; return how many were cleared."""
    cleared = 0
    for mark in ctx.store.outbox.list_marked(limit):
        siren = mark.data["siren"]
        try:
            refresh_company(ctx, siren)
        except Exception:
            # Keep the mark: the next tick retries this company, the others go on.
            log.exception("refresh failed", extra={"siren": siren})
            continue
        cleared += ctx.store.outbox.clear(mark)
    return cleared
