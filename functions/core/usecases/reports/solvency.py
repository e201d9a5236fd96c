"""Solvency summaries: computed when a company changes, read in one store access.

:func:`refresh_summary` is a propagation refresher: it runs for every company a
commit marked stale (a report filed, published, paid; a signature; shared
experiences), and once a day for summaries that age. It compares the new
summary with the stored one and, when a watcher would care, writes an alert in
the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from time import monotonic, time_ns
from typing import Any

from functions.core.clock import PARIS, today_in_paris
from functions.core.domain.subscribers import Subscriber
from functions.core.domain.summaries import (
    build_summary,
    changes_between,
    has_public_facts,
    has_time_dependent_data,
    public_view,
)
from functions.core.errors import NotFound
from functions.core.logs import get_logger
from functions.core.progress import SILENT, Progress
from functions.core.resources import Resources
from functions.core.store import retry_on_conflict
from functions.core.store.base import sortable_time
from functions.core.usecases.identity import RegistryView, identity_for, registry_view
from functions.core.usecases.reports.subscribers import count_call, count_summaries

log = get_logger("solvency")

# Fields that differ between two computations of the same data on the same day.
_VOLATILE = ("computed_at",)
# The tick stops refreshing ageing summaries after this long (its Lambda has 300 s for every step).
REFRESH_BUDGET_SECONDS = 60.0


def charter_of(res: Resources, siren: str, today: date) -> dict[str, Any] | None:
    """Return the company's charter status as the public register shows it, or None."""
    from functions.core.domain.charter import public_status

    signature = res.store.signatures.get_signature(siren)
    if signature is None:
        return None
    status = public_status(signature, res.store.signatures.catalog, today)
    return {"status": status.status.value, "since": today_in_paris(status.since).isoformat()}


def _identity(res: Resources, siren: str, registry: RegistryView) -> dict[str, Any] | None:
    """The company as the directory records it, else as the registry (its public name) or a signature names it."""
    company = res.store.companies.get_company(siren)
    if company is not None:
        return asdict(company)
    if registry.identity is not None:
        return asdict(identity_for(siren, "", registry.identity))
    signature = res.store.signatures.get_signature(siren)
    return {"siren": siren, "name": signature.company_name} if signature is not None else None


def compute_summary(res: Resources, siren: str, today: date | None = None) -> dict[str, Any] | None:
    """Compute a company's summary from the directory, the charter and shared experiences.

    None when nothing of the company was made public: a subscriber then gets the
    same 404 as for a company Ardoise never heard of.
    """
    now = res.clock()
    today = today or today_in_paris(now)
    reports = res.store.reports.list_for_debtor(siren)
    experiences = res.store.experiences.list_for_debtor(siren)
    charter = charter_of(res, siren, today)
    registry = registry_view(res, siren)
    proceeding = registry.proceeding
    public = has_public_facts(
        siren=siren, reports=reports, experiences=experiences, charter=charter, today=today, proceeding=proceeding
    )
    if not public:
        return None
    return build_summary(
        siren=siren,
        identity=_identity(res, siren, registry),
        reports=reports,
        experiences=experiences,
        charter=charter,
        today=today,
        now=now,
        proceeding=proceeding,
    )


def next_refresh(now: datetime) -> datetime:
    """Return when an ageing summary must next be recomputed: just after midnight in Paris."""
    tomorrow = now.astimezone(PARIS).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0, 5), PARIS)


def _alert(res: Resources, old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any] | None:
    changes = changes_between(old, new)
    if not changes:
        return None
    at = sortable_time(res.clock())
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
            "collective_proceeding": (new.get("collective_proceeding") or {}).get("label"),
        },
    }


def refresh_summary(res: Resources, siren: str) -> None:
    """Recompute and store one company's summary; raise an alert when watchers would care."""

    def attempt() -> None:
        current = res.store.summaries.get_item(siren)
        new = compute_summary(res, siren)
        if new is None:
            # Nothing public (any more): no summary, so that a GET says "unknown".
            if current is not None:
                res.store.summaries.delete_summary(current)
            return
        old = dict(current.data) if current else None
        refresh_at = next_refresh(res.clock()) if _ages(new) else None
        # Nothing changed: keep the stored summary, its computed_at included, so that a
        # change that must not show (a report in its grace period) leaves no trace either.
        unchanged = old is not None and current is not None and _same(old, new)
        if unchanged and current is not None and current.gsi1sk == res.store.summaries.due_key(siren, refresh_at):
            return
        put = res.store.summaries.summary_put(siren, new, current, refresh_at)
        res.store.summaries.save_summary(siren, put, _alert(res, old, new))

    retry_on_conflict(attempt)


def _ages(summary: dict[str, Any]) -> bool:
    """Whether the summary changes as days pass: open reports age, the window slides, charters date."""
    return has_time_dependent_data(summary) or summary["charter"]["status"] != "none"


def _stable(summary: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in summary.items() if key not in _VOLATILE}


def _same(old: dict[str, Any], new: dict[str, Any]) -> bool:
    return _stable(old) == _stable(new)


def refresh_due_summaries(res: Resources, *, batch: int = 500, budget_seconds: float = REFRESH_BUDGET_SECONDS) -> int:
    """Recompute the summaries whose daily refresh is due, batch after batch within a time budget (tick step).

    Return how many were refreshed; what the budget leaves stays due for the next tick.
    """
    deadline = monotonic() + budget_seconds
    refreshed = 0
    cursor: str | None = None
    while monotonic() < deadline:
        # The cursor walks past companies that failed: they wait for the next tick, not this loop.
        sirens, cursor = res.store.summaries.list_due(res.clock(), batch, cursor)
        for siren in sirens:
            if monotonic() >= deadline:
                return refreshed
            try:
                refresh_summary(res, siren)
            except Exception:
                # One broken company must not stop the others; the next tick retries it.
                log.exception("summary refresh failed", extra={"siren": siren})
                continue
            refreshed += 1
        if cursor is None:
            break
    return refreshed


def serve_summary(res: Resources, subscriber: Subscriber, siren: str) -> dict[str, Any]:
    """Return the public summary ``subscriber`` is served, counted against its quota (429 beyond it).

    The one path of ``GET /solvency/{siren}``, the signed alert link and the space's search box.
    """
    try:
        found = get_summary(res, siren)
    except NotFound:
        # No summary served, no quota used; the call is still counted, as every other one.
        count_call(res, subscriber)
        raise
    count_summaries(res, subscriber, 1)
    return public_view(found)


def get_summary(res: Resources, siren: str) -> dict[str, Any]:
    """Return a company's stored summary (one read); 404 when nothing is known of it."""
    summary = res.store.summaries.get_summary(siren)
    if summary is None:
        raise NotFound("Aucune donnée sur cette entreprise dans Ardoise.")
    return summary


def get_summaries(res: Resources, sirens: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Return the stored summaries of several companies in one batched read."""
    return res.store.summaries.get_summaries(sirens)


def rebuild_summaries(res: Resources, *, check: bool, progress: Progress = SILENT) -> dict[str, Any]:
    """Recompute every summary; with ``check``, only report those that differ from the stored ones.

    A stored summary is compared with a recomputation as of its own ``as_of`` day,
    so that a summary merely awaiting its daily refresh is reported as stale, not
    as wrong.
    """
    differences: list[dict[str, Any]] = []
    stale = rebuilt = 0
    today = today_in_paris(res.clock())
    sirens = res.store.summaries.list_companies()
    progress.begin("companies", len(sirens))
    for siren in sirens:
        stored = res.store.summaries.get_summary(siren)
        if check:
            as_of = date.fromisoformat(stored["as_of"]) if stored else today
            fresh = compute_summary(res, siren, as_of)
            fields = _differing_fields(stored, fresh)
            if fields:
                differences.append({"siren": siren, "fields": fields})
            elif stored is not None and as_of < today:
                stale += 1
        else:
            refresh_summary(res, siren)
            rebuilt += 1
        progress.advance()
    return {"companies": len(sirens), "differences": differences, "stale": stale, "rebuilt": rebuilt}


def _differing_fields(stored: dict[str, Any] | None, fresh: dict[str, Any] | None) -> list[str]:
    """Name what differs; nothing when both agree, including when neither exists (nothing public)."""
    if stored is None or fresh is None:
        if stored is None and fresh is None:
            return []
        return ["(missing)"] if stored is None else ["(nothing public: should not exist)"]
    return sorted(k for k in set(stored) | set(fresh) if k not in _VOLATILE and stored.get(k) != fresh.get(k))
