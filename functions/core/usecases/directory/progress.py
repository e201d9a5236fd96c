"""A report moving on: publication at the end of the grace period, the creditor's payments and withdrawal.

Every change is a read-modify-write retried on conflict: the report's version
(and its debtor's aggregate version) guard it, so two ticks, or a tick and a
creditor, never apply a transition twice or lose one. E-mails go out only
from the writer that won, after its commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime

from functions.core.domain import lifecycle
from functions.core.domain.members import Member
from functions.core.domain.registry import Proceeding
from functions.core.domain.reports import Report, ReportStatus
from functions.core.domain.visibility import is_listed, listing_freeze
from functions.core.errors import NotFound
from functions.core.logs import get_logger
from functions.core.resources import Resources
from functions.core.store import retry_on_conflict
from functions.core.store.reports import QUEUE_PUBLISH, moment_key
from functions.core.usecases.directory import mails
from functions.core.usecases.directory.notices import issue_reply_link
from functions.core.usecases.identity import recorded_identity, registry_view

log = get_logger("directory.progress")
TICK_ACTOR = "system:tick"


def change_report(
    res: Resources, report_id: str, change: Callable[[Report], Report | None], *, actor: str, action: str
) -> tuple[Report, Report] | None:
    """Apply ``change`` to the current report and save it; retry while others win; None if no change."""

    def attempt() -> tuple[Report, Report] | None:
        report = res.store.reports.get_report(report_id)
        if report is None:
            raise NotFound("Aucun signalement sous cet identifiant.")
        after = change(report)
        if after is None:
            return None
        return report, res.store.reports.save(report, after, actor=actor, action=action)

    return retry_on_conflict(attempt)


def publish_report(res: Resources, report_id: str, now: datetime) -> Report | None:
    """Publish one report if its grace period is over and nothing stopped it.

    The store makes the debtor public in the same transaction (its identity:
    the registry's, else as the creditor gave it, when Ardoise has none yet): a
    listed company is always findable, and never before it is listed (a company
    page or search hit appearing at filing time would tell the public that a
    report is pending).
    """

    proceedings: list[Proceeding | None] = []  # read once, whatever the retries

    def attempt() -> tuple[Report, Report] | None:
        report = res.store.reports.get_report(report_id)
        if report is None or not lifecycle.is_due_for_publication(report, now):
            return None
        identity = recorded_identity(res, report.debtor.siren, report.debtor.name)
        if not proceedings:
            proceedings.append(registry_view(res, report.debtor.siren).last_proceeding)
        published = lifecycle.published(report, now)
        # A proceeding the registry learnt of since the last refresh freezes it in this same write.
        published = replace(published, frozen_by=listing_freeze(published, proceedings[0]))
        return report, res.store.reports.save(
            report, published, actor=TICK_ACTOR, action="report.published", identity=identity
        )

    changed = retry_on_conflict(attempt)
    if changed is None:
        return None
    before, report = changed
    if not is_listed(report):
        # Frozen by a collective proceeding: nothing reached the public; the creditor learns why, once.
        if proceedings[0] is not None and not before.frozen_by:
            res.mailer.send(mails.frozen_to_creditor(report, proceedings[0]))
        return report
    if report.debtor.email:
        url, _ = issue_reply_link(res, report)
        res.mailer.send(mails.published_to_debtor(report, url))
    res.mailer.send(mails.published_to_creditor(report))
    return report


def publish_due(res: Resources) -> int:
    """Tick step: publish every report whose grace period ran out; safe to run twice at once."""
    now = res.clock()
    due = list(res.store.reports.iter_queue(QUEUE_PUBLISH, until=moment_key(now)))
    return sum(publish_report(res, report.id, now) is not None for report in due)


def own_report(res: Resources, member: Member, report_id: str) -> Report:
    """Return a report the member filed itself; 404 otherwise (no hint that it exists).

    The member, not its company: anyone may register with any SIREN, so a
    second member claiming the same SIREN must not reach the first one's reports.
    """
    report = res.store.reports.get_report(report_id)
    if report is None or not report.filed_by or report.filed_by != member.id:
        raise NotFound("Aucun signalement de votre part sous cet identifiant.")
    return report


def record_payment(res: Resources, member: Member, report_id: str, *, amount_cents: int, paid_on: date) -> Report:
    """The creditor records a payment: partial lowers the outstanding amount, full settles."""
    own_report(res, member, report_id)
    now = res.clock()

    minimum = res.settings.min_amount_cents

    def change(report: Report) -> Report:
        return lifecycle.payment_recorded(
            report,
            amount_cents=amount_cents,
            paid_on=paid_on,
            now=now,
            actor=f"member:{member.id}",
            min_listed_cents=minimum,
        )

    changed = change_report(res, report_id, change, actor=f"member:{member.id}", action="report.payment_recorded")
    assert changed is not None
    before, report = changed
    tell_debtor_of_payment(res, before, report)
    return report


def tell_debtor_of_payment(res: Resources, before: Report, report: Report) -> None:
    """E-mail a debtor that was told of the report what a recorded payment changed: settled, or off the listing."""
    told = report.debtor.email and before.notified_at is not None
    if told and report.status is ReportStatus.SETTLED and before.status is not ReportStatus.SETTLED:
        res.mailer.send(mails.closed_to_debtor(report, settled=True))
    elif told and report.status is ReportStatus.UNLISTED and before.status is not ReportStatus.UNLISTED:
        res.mailer.send(mails.unlisted_to_debtor(report, res.settings.min_amount_cents))


def withdraw_report(res: Resources, member: Member, report_id: str) -> Report:
    """The creditor withdraws its report: off the listing at once, the debtor is told."""
    own_report(res, member, report_id)
    now = res.clock()
    changed = change_report(
        res, report_id, lambda r: lifecycle.withdrawn(r, now), actor=f"member:{member.id}", action="report.withdrawn"
    )
    assert changed is not None
    before, report = changed
    if report.debtor.email and before.status is not ReportStatus.SUBMITTED:
        res.mailer.send(mails.closed_to_debtor(report, settled=False))
    return report
