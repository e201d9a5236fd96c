"""How long the directory keeps a report (CNIL: delete on settlement, keep only what is needed).

Settled, rejected, withdrawn and refused reports leave (or never reach) the public listing and
are deleted 24 months after they were closed (the solvency history needs that
window); every report is deleted 5 years after its invoice's due date, whatever
its status.
"""

from __future__ import annotations

from datetime import date

from functions.core.clock import today_in_paris
from functions.core.domain.reports import Report, ReportStatus

CLOSED_RETENTION_MONTHS = 24
MAXIMUM_RETENTION_YEARS = 5
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
