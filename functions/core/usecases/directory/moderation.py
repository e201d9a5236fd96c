"""Moderation: the queue of disputes, oldest first, and the decision that ends each one."""

from __future__ import annotations

from functions.core.domain import lifecycle
from functions.core.domain.moderators import Moderator
from functions.core.domain.reports import Moderation, ModerationDecision, Report, ReportStatus
from functions.core.errors import NotFound
from functions.core.resources import Resources
from functions.core.store.reports import QUEUE_MODERATION
from functions.core.usecases.directory import mails
from functions.core.usecases.directory.notices import issue_reply_link
from functions.core.usecases.directory.progress import change_report


def moderation_queue(res: Resources, *, limit: int = 50, cursor: str | None = None) -> tuple[list[Report], str | None]:
    """Return the disputed reports, the oldest dispute first."""
    reports, next_cursor = res.store.reports.in_queue(QUEUE_MODERATION, limit=limit, cursor=cursor)
    # The index may lag a moment behind a decision: show only what still awaits one.
    return [r for r in reports if r.status is ReportStatus.DISPUTED], next_cursor


def get_for_moderation(res: Resources, report_id: str) -> Report:
    report = res.store.reports.get_report(report_id)
    if report is None:
        raise NotFound("Aucun signalement sous cet identifiant.")
    return report


def decide(res: Resources, moderator: Moderator, report_id: str, decision: ModerationDecision, note: str) -> Report:
    """Uphold (published again, or back to its grace period) or reject a disputed report; tell both sides."""
    now = res.clock()
    moderation = Moderation(decision, note, moderator.id, now)
    action = "report.upheld" if decision is ModerationDecision.UPHELD else "report.rejected"
    changed = change_report(
        res,
        report_id,
        lambda r: lifecycle.moderated(r, moderation, now),
        actor=f"moderator:{moderator.id}",
        action=action,
    )
    assert changed is not None
    before, report = changed
    url = None
    if decision is ModerationDecision.UPHELD and report.debtor.email and report.notified_at is not None:
        url, _ = issue_reply_link(res, report)
    for message in mails.decision_messages(before, report, url):
        res.mailer.send(message)
    return report
