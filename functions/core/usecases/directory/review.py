"""A moderator checks a report's file before the debtor is told (CNIL: a human check before anyone is entered).

A report is filed ``under_review``: nobody but its creditor and the moderators
knows of it, the tick neither notifies nor publishes it. The queue shows the
oldest first, with its age, its documents (with their digests), what the
registry says of the debtor and the rules the filing met. Approved, the
debtor's notice goes out and the grace period starts from the notice, that is
from the approval; refused, the report closes unseen (``refused``) and the
creditor gets the reason by e-mail; the debtor never hears of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from functions.core.domain import lifecycle
from functions.core.domain.reports import Report, ReportStatus, Review, ReviewDecision
from functions.core.domain.rules import Limits, checked_rules
from functions.core.errors import missing
from functions.core.logs import get_logger
from functions.core.resources import Resources
from functions.core.store import retry_on_conflict
from functions.core.store.reports import QUEUE_REVIEW
from functions.core.usecases.directory import mails
from functions.core.usecases.directory.moderation import get_for_moderation
from functions.core.usecases.directory.notices import notify_report
from functions.core.usecases.identity import RegistryView, registry_views

log = get_logger("directory.review")


@dataclass(frozen=True)
class ReviewItem:
    """A report awaiting its check, as the moderator sees it."""

    report: Report
    age: timedelta
    registry: RegistryView
    rules_checked: tuple[str, ...]

    @property
    def waiting_since(self) -> datetime:
        return self.report.created_at


def review_queue(res: Resources, *, limit: int = 50, cursor: str | None = None) -> tuple[list[ReviewItem], str | None]:
    """Return the reports awaiting a moderator's check, the oldest first."""
    reports, next_cursor = res.store.reports.in_queue(QUEUE_REVIEW, limit=limit, cursor=cursor)
    # The index may lag a moment behind a decision: show only what still awaits one.
    waiting = [r for r in reports if r.status is ReportStatus.UNDER_REVIEW]
    views = registry_views(res, [r.debtor.siren for r in waiting])
    rules = checked_rules(Limits(res.settings.notice_days, res.settings.min_amount_cents))
    now = res.clock()
    items = [ReviewItem(r, now - r.created_at, views[r.debtor.siren], rules) for r in waiting]
    return items, next_cursor


def review_report(res: Resources, report_id: str, *, approved: bool, reason: str, actor: str) -> Report:
    """Approve (the debtor's notice goes out) or refuse (the creditor is told why) a report under review.

    ``actor`` names who checked: ``moderator:{id}``, or the operator at the command line. A refusal
    says why (400 ``missing`` on ``reason`` otherwise): the reason is e-mailed to the creditor.
    """
    if not approved and not reason.strip():
        raise missing("reason", "Indiquez au créancier le motif du refus.")
    now = res.clock()
    review = Review(ReviewDecision.APPROVED if approved else ReviewDecision.REFUSED, reason, actor, now)

    def attempt() -> Report:
        before = get_for_moderation(res, report_id)
        after = lifecycle.reviewed(before, review, now)
        # Refused, the invoice may be filed again with better proof: its duplicate guard goes in the same change.
        extra = [] if approved else res.store.reports.release_duplicate_guard(before)
        return res.store.reports.save(
            before,
            after,
            actor=actor,
            action="report.approved" if approved else "report.refused",
            extra_writes=extra,
        )

    report = retry_on_conflict(attempt)
    if not approved:
        res.mailer.send(mails.refused_to_creditor(report))
        return report
    return _notified(res, report)


def _notified(res: Resources, report: Report) -> Report:
    """Send the notice of a report just approved; return the report as it now stands.

    The approval is committed: a failure here must not turn it into an error
    (the moderator would decide again). It is logged, and the tick sends the
    notice (or repeats it, as a copy) once the claim lapses.
    """
    try:
        return notify_report(res, report.id) or res.store.reports.get_report(report.id) or report
    except Exception:  # logged with its id; the tick's notice step recovers it
        log.exception("notice not confirmed after approval; left to the tick", extra={"report_id": report.id})
    try:
        return res.store.reports.get_report(report.id) or report
    except Exception:  # the store still fails: answer with the report as approved
        log.exception("report not re-read after approval", extra={"report_id": report.id})
        return report
