"""A company's solvency summary, computed from its reports and shared experiences.

Pure: every input is passed in, ``today`` included, so the summary of the same
data on the same day is always the same (``ardoise rebuild-summaries --check``
relies on it). The summary is a JSON-ready dict, stored as is and served as is;
its ``watch`` part (report ids, charter status) is internal: the refresher
compares it between two versions to raise watchlist alerts.

Which reports count is :mod:`functions.core.domain.visibility`'s rule for
subscribers: a report once listed, still listed or paid since (settled, or
paid down below the minimum amount), for 24 months; a contest pending after
listing only as a count. A report still in its grace period, rejected or
withdrawn never shows. Shared experiences show only once three creditors
contributed. A company with nothing public (:func:`has_public_facts`) has no
summary at all: answering anything but "unknown" would tell a subscriber that a
report is pending.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from typing import Any

from functions.core.clock import isoformat, today_in_paris
from functions.core.domain.registry import KIND_LABELS, Proceeding, proceeding_wording
from functions.core.domain.reports import Report
from functions.core.domain.solvency import (
    WINDOW_MONTHS,
    Experience,
    Line,
    eligible_experiences,
    grade,
    months_before,
    payment_index,
    round_half_up,
)
from functions.core.domain.visibility import (
    in_history,
    in_payment_record,
    is_open_in_history,
    is_pending_dispute,
    paid_on,
)

# Months back at which the trend shows the index and the outstanding amount.
TREND_MONTHS = (3, 6, 12)
# The chart covers this many months, one point a month, the last one today.
CHART_MONTHS = 12


def _was_public_on(report: Report, day: date) -> bool:
    published = report.published_at
    return in_payment_record(report) and published is not None and today_in_paris(published) <= day


def _open_on(report: Report, day: date) -> bool:
    paid = paid_on(report)
    return paid is None or paid > day


def _outstanding_on(report: Report, day: date) -> int:
    """Rebuild what was owed on ``day``: today's balance plus what was paid after that day."""
    if not _open_on(report, day):
        return 0
    return report.outstanding_cents + sum(p.amount_cents for p in report.payments if p.paid_on > day)


@dataclass(frozen=True)
class Basis:
    """What an index was computed from, as of one day."""

    report_lines: list[Line]
    experiences: list[Experience]

    @property
    def lines(self) -> list[Line]:
        return self.report_lines + [Line(e.days_beyond_terms, e.amount_cents) for e in self.experiences]


def basis_on(reports: Sequence[Report], experiences: Sequence[Experience], day: date) -> Basis:
    """Return the invoices the index counts on ``day``: public reports and eligible experiences."""
    start = months_before(day, WINDOW_MONTHS)
    lines = []
    for report in reports:
        if not _was_public_on(report, day):
            continue
        settled = paid_on(report)
        if _open_on(report, day):
            lines.append(Line((day - report.invoice.due_date).days, report.invoice.amount_cents))
        elif settled is not None and start <= settled:
            lines.append(Line((settled - report.invoice.due_date).days, report.invoice.amount_cents))
    return Basis(lines, eligible_experiences(experiences, day))


def point_on(reports: Sequence[Report], experiences: Sequence[Experience], day: date) -> dict[str, Any]:
    """Return the index and the outstanding amount as they stood on ``day``."""
    outstanding = sum(_outstanding_on(r, day) for r in reports if _was_public_on(r, day))
    return {
        "as_of": day.isoformat(),
        "payment_index": payment_index(basis_on(reports, experiences, day).lines),
        "outstanding_cents": outstanding,
    }


def has_public_facts(
    *,
    siren: str,
    reports: Sequence[Report],
    experiences: Sequence[Experience],
    charter: Mapping[str, Any] | None,
    today: date,
    proceeding: Proceeding | None = None,
) -> bool:
    """Tell whether Ardoise may say anything of the company: something of it was made public.

    That is a report once listed (still listed, paid, or contested after
    listing), experiences that feed the index (three creditors at least), a
    charter signature, or a collective proceeding open (BODACC published it). A
    report in its grace period or experiences from fewer creditors are not: the
    company stays unknown.
    """
    listed = any(r.debtor.siren == siren and in_history(r) for r in reports)
    public = listed or charter is not None or proceeding is not None
    return public or bool(eligible_experiences(experiences, today))


def proceeding_summary(proceeding: Proceeding | None) -> dict[str, Any] | None:
    """What a summary says of the collective proceeding open today: kind, dates, court, the BODACC notice."""
    if proceeding is None:
        return None
    opened = proceeding.opened
    return {
        "kind": proceeding.kind.value,
        "label": KIND_LABELS[proceeding.kind],
        "under_plan": proceeding.under_plan,
        "opened_on": proceeding.opened_on,
        "published_on": opened.published_on,
        "court": opened.court,
        "bodacc_url": opened.url,
        "claims_deadline": proceeding.claims_deadline,
        "text": proceeding_wording(proceeding),
    }


def _proceeding_watch(proceeding: Proceeding | None) -> str | None:
    """How watchers tell one stage of a proceeding from the next: its key, its kind, a plan."""
    if proceeding is None:
        return None
    return f"{proceeding.key}|{proceeding.kind.value}|{'plan' if proceeding.under_plan else 'open'}"


def _identity(siren: str, identity: Mapping[str, Any] | None, reports: Sequence[Report]) -> dict[str, Any] | None:
    if identity is not None:
        keys = ("siren", "name", "address", "postal_code", "city")
        return {key: identity.get(key, "") for key in keys}
    # Only a name the directory made public: a pending report's must not show through.
    named = {(r.published_at, r.id): r.debtor.name for r in reports if r.published_at is not None and r.debtor.name}
    if not named:
        return None
    return {"siren": siren, "name": named[max(named)], "address": "", "postal_code": "", "city": ""}


def _open_reports(open_reports: list[Report], today: date) -> dict[str, Any]:
    return {
        "count": len(open_reports),
        "outstanding_cents": sum(r.outstanding_cents for r in open_reports),
        "currency": "EUR",
        "oldest_due_date": min((r.invoice.due_date for r in open_reports), default=None),
        "worst_days_beyond_terms": max((r.days_beyond_terms(today) for r in open_reports), default=None),
    }


def _settled_reports(settled: list[Report]) -> dict[str, Any]:
    delays = [(paid_on(r) or r.invoice.due_date) - r.invoice.due_date for r in settled]
    average = round_half_up(Fraction(sum(d.days for d in delays), len(delays))) if delays else None
    return {"count": len(settled), "window_months": WINDOW_MONTHS, "average_days_to_settle": average}


def build_summary(
    *,
    siren: str,
    identity: Mapping[str, Any] | None,
    reports: Sequence[Report],
    experiences: Sequence[Experience],
    charter: Mapping[str, Any] | None,
    today: date,
    now: datetime,
    proceeding: Proceeding | None = None,
) -> dict[str, Any]:
    """Compute the whole summary of one company as of ``today`` (``proceeding``: the one open today)."""
    reports = [r for r in reports if r.debtor.siren == siren]
    start = months_before(today, WINDOW_MONTHS)
    open_reports = sorted((r for r in reports if is_open_in_history(r)), key=lambda r: r.id)
    settled = [
        r
        for r in reports
        if in_payment_record(r) and not is_open_in_history(r) and (paid := paid_on(r)) is not None and paid >= start
    ]
    disputes = [r for r in reports if is_pending_dispute(r)]
    basis = basis_on(reports, experiences, today)
    index = payment_index(basis.lines)
    letter = grade(index)
    history = [point_on(reports, experiences, months_before(today, back)) for back in range(CHART_MONTHS, -1, -1)]
    summary = {
        "siren": siren,
        "company": _identity(siren, identity, reports),
        "open_reports": _open_reports(open_reports, today),
        "settled_reports": _settled_reports(settled),
        "pending_disputes": len(disputes),
        "collective_proceeding": proceeding_summary(proceeding),
        "charter": dict(charter) if charter else {"status": "none", "since": None},
        "payment_index": index,
        "grade": letter.letter if letter else None,
        "grade_label": letter.label if letter else None,
        "insufficient_data": index is None,
        "basis": {
            "reports": len(basis.report_lines),
            "experiences": len(basis.experiences),
            "window_months": WINDOW_MONTHS,
        },
        "trend": [{"months_ago": back, **history[CHART_MONTHS - back]} for back in TREND_MONTHS],
        "history": history,
        "as_of": today.isoformat(),
        "computed_at": isoformat(now),
        "watch": {
            "open": [r.id for r in open_reports],
            "settled": sorted(r.id for r in settled),
            "charter": (charter or {}).get("status", "none"),
            "proceeding": _proceeding_watch(proceeding),
            # What watchers are told of a report: its public reference, never its id.
            "references": {r.id: r.public_ref for r in [*open_reports, *settled]},
        },
    }
    jsonable: dict[str, Any] = _jsonable(summary)
    return jsonable


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def public_view(summary: Mapping[str, Any]) -> dict[str, Any]:
    """Return what a subscriber sees of a stored summary (the internal ``watch`` part removed)."""
    return {key: value for key, value in summary.items() if key != "watch"}


def has_time_dependent_data(summary: Mapping[str, Any]) -> bool:
    """Tell whether the summary changes as days pass (and so must be refreshed daily)."""
    return any(
        point["outstanding_cents"] or point["payment_index"] is not None for point in summary["history"]
    ) or bool(summary["basis"]["reports"] or summary["basis"]["experiences"])


@dataclass(frozen=True)
class Change:
    """Something a watcher of the company wants to hear about.

    A report is named by its public reference (``pub_…``, the one the company
    page shows): subscribers never see the directory's internal ids.
    """

    kind: str  # report.published | report.settled | charter.changed | proceeding.opened|changed|closed
    reference: str = ""
    before: str = ""
    after: str = ""
    proceeding: Mapping[str, Any] | None = None  # the summary's collective_proceeding (None once closed)

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"kind": self.kind}
        if self.kind == "charter.changed":
            body.update(before=self.before, after=self.after)
        elif self.kind.startswith("proceeding."):
            body["proceeding"] = dict(self.proceeding) if self.proceeding else None
        else:
            body["reference"] = self.reference
        return body


def changes_between(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[Change]:
    """Return what changed for watchers: new published reports, settled ones, charter status.

    No old summary means the company had nothing public: no reports, no signature.
    """
    before = (old or {}).get("watch") or {"open": [], "settled": [], "charter": "none"}
    after = new["watch"]
    references = after.get("references") or {}
    was_open = set(before["open"])
    found = [Change("report.published", reference=references.get(i, "")) for i in after["open"] if i not in was_open]
    found += [Change("report.settled", reference=references.get(i, "")) for i in after["settled"] if i in was_open]
    if before["charter"] is not None and before["charter"] != after["charter"]:
        found.append(Change("charter.changed", before=before["charter"], after=after["charter"]))
    was, now = before.get("proceeding"), after.get("proceeding")
    if was != now:
        opened = was is None or (now is not None and now.split("|")[0] != was.split("|")[0])
        kind = "proceeding.closed" if now is None else "proceeding.opened" if opened else "proceeding.changed"
        found.append(Change(kind, proceeding=new.get("collective_proceeding")))
    return found
