"""How long Ardoise keeps a report or a recovery case (CNIL: delete on settlement, keep only what is needed).

Settled, rejected, withdrawn and refused reports leave (or never reach) the public listing and
are deleted 24 months after they were closed (the solvency history needs that
window); every report is deleted 5 years after its invoice's due date, whatever
its status.

A recovery case (``recovery.py``) follows the same two delays: paid or
withdrawn, it is deleted 24 months after it closed; every case is deleted 5
years after its invoice's due date. Any other status keeps the claim alive
(see :data:`CASE_CLOSED_STATUSES`). A debtor's file (a case's proof of
payment) or a creditor's document that nothing cites within
:data:`UNCITED_FILE_DAYS` is forgotten, record and file.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from functions.core.clock import today_in_paris
from functions.core.domain.evidence import Evidence
from functions.core.domain.recovery import CaseStatus, RecoveryCase
from functions.core.domain.reports import Report, ReportStatus

CLOSED_RETENTION_MONTHS = 24
# The commercial prescription (Code de commerce, art. L110-4): past it no claim of the invoice can be pursued.
MAXIMUM_RETENTION_YEARS = 5
# A file declared (a debtor's proof, a creditor's document) and never cited: the upload was abandoned.
UNCITED_FILE_DAYS = 7
# Unlisted (less than the minimum still owed) is closed too: it can never be listed again.
CLOSED_STATUSES = frozenset(
    {ReportStatus.SETTLED, ReportStatus.REJECTED, ReportStatus.WITHDRAWN, ReportStatus.UNLISTED, ReportStatus.REFUSED}
)


def add_months(day: date, months: int) -> date:
    """Return the same day ``months`` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def delete_on(report: Report) -> date:
    """Return the day from which the report must no longer be held."""
    deadline = add_months(report.invoice.due_date, 12 * MAXIMUM_RETENTION_YEARS)
    if report.status in CLOSED_STATUSES and report.closed_at is not None:
        deadline = min(deadline, add_months(today_in_paris(report.closed_at), CLOSED_RETENTION_MONTHS))
    return deadline


def is_expired(report: Report, today: date) -> bool:
    """Tell whether the report's retention time is over on ``today``."""
    return today >= delete_on(report)


# -- recovery cases ------------------------------------------------------------
# Paid and withdrawn are final: no transition leaves them, nothing is owed or claimed any more. The
# report's 24 months, for the same reason: a closed case may still be asked about (a late-payment
# indemnity, a creditor's accounts, the debtor's history as the directory keeps it), no longer than a
# closed report would be. Unpaid, contested, payment declared, scheduled and running cases still hold a
# claim the creditor may take to court (the unpaid case feeds the report and the injunction request;
# a contest stops the reminders, not the claim): they stay until the 5 years, the prescription.
CASE_CLOSED_STATUSES = frozenset({CaseStatus.PAID, CaseStatus.WITHDRAWN})


def case_closed_at(case: RecoveryCase) -> datetime | None:
    """When the case entered its final status (None: still open).

    Events after the closing (a letter's proof of dispatch joined later) keep the status: they do not
    move the closing.
    """
    if case.status not in CASE_CLOSED_STATUSES:
        return None
    closed: datetime | None = None
    for event in case.events:
        if event.status is case.status:
            closed = closed or event.at
        elif event.status is not None:
            closed = None
    return closed


def case_delete_on(case: RecoveryCase) -> date:
    """Return the day from which the case must no longer be held."""
    deadline = add_months(case.invoice.due_date, 12 * MAXIMUM_RETENTION_YEARS)
    closed = case_closed_at(case)
    if closed is not None:
        deadline = min(deadline, add_months(today_in_paris(closed), CLOSED_RETENTION_MONTHS))
    return deadline


def case_is_expired(case: RecoveryCase, today: date) -> bool:
    """Tell whether the case's retention time is over on ``today``."""
    return today >= case_delete_on(case)


def forget_uncited_at(declared_at: datetime) -> datetime:
    """When a file declared at ``declared_at`` is forgotten if nothing cited it."""
    return declared_at + timedelta(days=UNCITED_FILE_DAYS)


def proof_forget_at(evidence: Evidence) -> datetime:
    """When a debtor's proof declared on a case is forgotten unless a declaration cited it."""
    return forget_uncited_at(evidence.created_at)
