"""Per-company aggregate of the directory: what the listing and summaries show at a glance.

The store keeps, per debtor, the counts of its reports and the multiset of
due dates of its open published reports on the public listing (a report a
collective proceeding freezes is off it: ``visibility.on_listing``). Each report change applies the
difference between the report's contribution before and after, in the same
transaction as the change (guarded by the aggregate's version), so the
aggregate is exact under concurrent writers; :func:`aggregate_of` recomputes
it from scratch, which is how it is checked and rebuilt.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from functions.core.domain.reports import Report, ReportStatus
from functions.core.domain.visibility import on_listing


@dataclass(frozen=True)
class CompanyAggregate:
    """A company's directory figures as of ``today``."""

    siren: str
    open_published_count: int
    outstanding_cents: int
    oldest_due_date: date | None
    worst_days_beyond_terms: int | None
    pending_dispute_count: int = 0
    held_report_count: int = 0

    @property
    def listed(self) -> bool:
        """Whether the company shows on the public listing (one published report or more)."""
        return self.open_published_count > 0


@dataclass(frozen=True)
class Contribution:
    """What one report adds to its debtor's aggregate."""

    published: bool
    outstanding_cents: int
    due_date: date | None
    disputed: bool
    held: bool

    @classmethod
    def of(cls, report: Report | None) -> Contribution:
        if report is None:
            return NOTHING
        return cls.of_values(
            report.status, report.outstanding_cents, report.invoice.due_date, frozen=bool(report.frozen_by)
        )

    @classmethod
    def of_values(
        cls, status: ReportStatus, outstanding_cents: int, due_date: date, *, frozen: bool = False
    ) -> Contribution:
        """The contribution of a report in ``status`` (the audit log replays through this)."""
        published = on_listing(status, frozen=frozen)
        return cls(
            published=published,
            outstanding_cents=outstanding_cents if published else 0,
            due_date=due_date if published else None,
            disputed=status is ReportStatus.DISPUTED,
            held=True,
        )


NOTHING = Contribution(False, 0, None, False, False)


@dataclass(frozen=True)
class AggregateState:
    """The stored form: counts, totals and the due dates of open published reports."""

    open_published_count: int = 0
    outstanding_cents: int = 0
    pending_dispute_count: int = 0
    held_report_count: int = 0
    due_dates: Mapping[str, int] = field(default_factory=dict)

    def changed(self, before: Report | None, after: Report | None) -> AggregateState:
        """Return the state once ``before`` became ``after`` (either may be None)."""
        return self.shifted(Contribution.of(before), Contribution.of(after))

    def shifted(self, old: Contribution, new: Contribution) -> AggregateState:
        """Return the state once a report's contribution went from ``old`` to ``new``."""
        due_dates = Counter(self.due_dates)
        if old.due_date is not None:
            due_dates[old.due_date.isoformat()] -= 1
        if new.due_date is not None:
            due_dates[new.due_date.isoformat()] += 1
        return AggregateState(
            open_published_count=self.open_published_count + new.published - old.published,
            outstanding_cents=self.outstanding_cents + new.outstanding_cents - old.outstanding_cents,
            pending_dispute_count=self.pending_dispute_count + new.disputed - old.disputed,
            held_report_count=self.held_report_count + new.held - old.held,
            due_dates={day: count for day, count in sorted(due_dates.items()) if count > 0},
        )

    def view(self, siren: str, today: date) -> CompanyAggregate:
        """Return the figures as of ``today`` (days beyond terms grow with time)."""
        oldest = date.fromisoformat(min(self.due_dates)) if self.due_dates else None
        return CompanyAggregate(
            siren=siren,
            open_published_count=self.open_published_count,
            outstanding_cents=self.outstanding_cents,
            oldest_due_date=oldest,
            worst_days_beyond_terms=(today - oldest).days if oldest else None,
            pending_dispute_count=self.pending_dispute_count,
            held_report_count=self.held_report_count,
        )


def aggregate_of(reports: Iterable[Report]) -> AggregateState:
    """Recompute a debtor's aggregate state from its reports."""
    state = AggregateState()
    for report in reports:
        state = state.changed(None, report)
    return state
