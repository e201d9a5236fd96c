"""``ardoise rebuild-aggregates``: recompute each company's aggregate from the audit log.

The audit log holds every report change (status, outstanding amount, due
date), so replaying it gives each report's last state, hence the aggregate,
without trusting the stored one. ``--check`` only reports differences.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from functions.core.domain.aggregates import AggregateState, Contribution
from functions.core.domain.reports import ReportStatus
from functions.core.progress import SILENT, Progress
from functions.core.resources import Resources
from functions.core.store.base import AuditEvent

ACTOR = "system:rebuild"


@dataclass(frozen=True)
class Difference:
    siren: str
    stored: AggregateState | None
    replayed: AggregateState


def replay(events: list[AuditEvent]) -> AggregateState:
    """Return the aggregate implied by a company's audit events (its reports' last states)."""
    last: dict[str, Contribution | None] = {}
    for event in events:
        if not event.entity.startswith("report:"):
            continue
        after = event.after
        last[event.entity] = (
            Contribution.of_values(
                ReportStatus(after["status"]),
                int(after["outstanding_cents"]),
                date.fromisoformat(after["due_date"]),
                frozen=bool(after.get("frozen_by")),
            )
            if after
            else None
        )
    state = AggregateState()
    nothing = Contribution.of(None)
    for contribution in last.values():
        if contribution is not None:
            state = state.shifted(nothing, contribution)
    return state


def rebuild_aggregates(res: Resources, *, check_only: bool, progress: Progress = SILENT) -> list[Difference]:
    """Compare (and unless ``check_only``, repair) every company's aggregate; return the differences."""
    sirens = {s.removeprefix("company:") for s in res.store.audit.list_subjects("company:")}
    sirens |= set(res.store.reports.list_aggregate_sirens())
    differences = []
    progress.begin("companies", len(sirens))
    for siren in sorted(sirens):
        progress.advance()
        replayed = replay(res.store.audit.list_events(f"company:{siren}"))
        stored = res.store.reports.get_aggregate_state(siren)
        if (stored or AggregateState()) == replayed:
            continue
        differences.append(Difference(siren, stored, replayed))
        if not check_only:
            res.store.reports.write_aggregate_state(siren, replayed, actor=ACTOR)
    return differences
