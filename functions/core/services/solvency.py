"""Solvency summaries: computed when a company changes, read in one store access.

:func:`refresh_summary` is a propagation refresher: it runs for every company a
commit marked stale (a report filed, published, paid; a signature; shared
experiences), and once a day for summaries that age. It compares the new
summary with the stored one and, when a watcher would care, writes an alert in
the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from time import time_ns
from typing import Any

from functions.core.clock import PARIS, today_in_paris
from functions.core.context import Services
from functions.core.domain.summaries import build_summary, changes_between, has_time_dependent_data
from functions.core.errors import NotFound
from functions.core.logs import get_logger
from functions.core.store import retry_on_conflict
from functions.core.store.base import sortable_time

log = get_logger("solvency")

# Fields that differ between two computations of the same data on the same day.
_VOLATILE = ("computed_at",)


def charter_of(ctx: Services, siren: str, today: date) -> dict[str, Any] | None:
    """Return the company's charter status as the public register shows it, or None."""
    from functions.core.domain.charter import public_status

    signature = ctx.store.signatures.get_signature(siren)
    if signature is None:
        return None
    status = public_status(signature, ctx.store.signatures.catalog, today)
    return {"status": status.status.value, "since": today_in_paris(status.since).isoformat()}


def compute_summary(ctx: Services, siren: str, today: date | None = None) -> dict[str, Any]:
    """Compute a company's summary from the directory, the charter and shared experiences."""
    now = ctx.clock()
    today = today or today_in_paris(now)
    company = ctx.store.companies.get_company(siren)
    return build_summary(
        siren=siren,
        identity=asdict(company) if company else None,
        reports=ctx.store.reports.list_for_debtor(siren),
        experiences=ctx.store.experiences.list_for_debtor(siren),
        charter=charter_of(ctx, siren, today),
        today=today,
        now=now,
    )


def next_refresh(now: datetime) -> datetime:
    """Return when an ageing summary must next be recomputed: just after midnight in Paris."""
    tomorrow = now.astimezone(PARIS).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0, 5), PARIS)


def _alert(ctx: Services, old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any] | None:
    changes = changes_between(old, new)
    if not changes:
        return None
    at = sortable_time(ctx.clock())
    company = new["company"] or {}
    return {
        # The wall-clock tiebreak keeps alerts raised at the same (test) time in order.
        "id": f"{at}-{time_ns():020d}-{uuid.uuid4().hex[:6]}",
        "at": at,
        "siren": new["siren"],
        "company_name": company.get("name", ""),
        "changes": [change.as_dict() for change in changes],
        "summary": {
            "payment_index": new["payment_index"],
            "grade": new["grade"],
            "open_reports": new["open_reports"]["count"],
            "outstanding_cents": new["open_reports"]["outstanding_cents"],
            "charter": new["charter"]["status"],
        },
    }


def refresh_summary(ctx: Services, siren: str) -> None:
    """Recompute and store one company's summary; raise an alert when watchers would care."""

    def attempt() -> None:
        current = ctx.store.summaries.get_item(siren)
        new = compute_summary(ctx, siren)
        old = dict(current.data) if current else None
        ages = _ages(new)
        if old is not None and current is not None and _same(old, new) and not ages and current.gsi1pk is None:
            return
        put = ctx.store.summaries.summary_put(siren, new, current, next_refresh(ctx.clock()) if ages else None)
        ctx.store.summaries.save_summary(siren, put, _alert(ctx, old, new))

    retry_on_conflict(attempt)


def _ages(summary: dict[str, Any]) -> bool:
    """Whether the summary changes as days pass: open reports age, the window slides, charters date."""
    return has_time_dependent_data(summary) or summary["charter"]["status"] != "none"


def _stable(summary: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in summary.items() if key not in _VOLATILE}


def _same(old: dict[str, Any], new: dict[str, Any]) -> bool:
    return _stable(old) == _stable(new)


def refresh_due_summaries(ctx: Services, limit: int = 2000) -> int:
    """Recompute the summaries whose daily refresh is due (tick step); return how many."""
    sirens = ctx.store.summaries.list_due(ctx.clock(), limit)
    for siren in sirens:
        try:
            refresh_summary(ctx, siren)
        except Exception:
            # One broken company must not stop the others; the next tick retries it.
            log.exception("summary refresh failed", extra={"siren": siren})
    return len(sirens)


def get_summary(ctx: Services, siren: str) -> dict[str, Any]:
    """Return a company's stored summary (one read); 404 when nothing is known of it."""
    summary = ctx.store.summaries.get_summary(siren)
    if summary is None:
        raise NotFound("Aucune donnée sur cette entreprise dans Ardoise.")
    return summary


def get_summaries(ctx: Services, sirens: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Return the stored summaries of several companies in one batched read."""
    return ctx.store.summaries.get_summaries(sirens)


def rebuild_summaries(ctx: Services, *, check: bool, progress: Callable[[int], Any] = lambda n: None) -> dict[str, Any]:
    """Recompute every summary; with ``check``, only report those that differ from the stored ones.

    A stored summary is compared with a recomputation as of its own ``as_of`` day,
    so that a summary merely awaiting its daily refresh is reported as stale, not
    as wrong.
    """
    differences: list[dict[str, Any]] = []
    stale = rebuilt = 0
    today = today_in_paris(ctx.clock())
    sirens = ctx.store.summaries.list_companies()
    for siren in sirens:
        stored = ctx.store.summaries.get_summary(siren)
        if check:
            as_of = date.fromisoformat(stored["as_of"]) if stored else today
            fresh = compute_summary(ctx, siren, as_of)
            if stored is None or not _same(stored, fresh):
                differences.append({"siren": siren, "fields": _differing_fields(stored, fresh)})
            elif as_of < today:
                stale += 1
        else:
            refresh_summary(ctx, siren)
            rebuilt += 1
        progress(1)
    return {"companies": len(sirens), "differences": differences, "stale": stale, "rebuilt": rebuilt}


def _differing_fields(stored: dict[str, Any] | None, fresh: dict[str, Any]) -> list[str]:
    if stored is None:
        return ["(missing)"]
    return sorted(k for k in set(stored) | set(fresh) if k not in _VOLATILE and stored.get(k) != fresh.get(k))
