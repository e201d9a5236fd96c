"""The debtor's notice: the e-mail (or the printable letter) sent when a report is accepted.

Sending is claimed first (a conditional write on the report), so that the
request that filed the report and a tick catching up never both send it; a
claim older than ten minutes is considered lost and taken over.

A report has one notice. The first claim fixes it (its date, hence the
publication date and the link's expiry, and a random seed that, with the
secret key, gives its private link and a letter's short code) and stores
them, as digests (the code's keyed), in the same transaction. When a crash
leaves a notice unconfirmed, the tick sends it again
as a copy of that same notice ("Copie de l'avis du …"): same link, same dates,
same amounts, never a new notice.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from functions.core.clock import today_in_paris
from functions.core.domain.lifecycle import notice_claimed, notified
from functions.core.domain.penalties import Penalties, late_payment_penalties
from functions.core.domain.reports import DebtorNotice, NoticeMedium, Report, ReportStatus
from functions.core.logs import get_logger
from functions.core.mailer import Attachment, Message
from functions.core.mounts import api_url
from functions.core.resources import Resources
from functions.core.store import retry_on_conflict
from functions.core.store.replies import CODE
from functions.core.store.reports import QUEUE_NOTICE
from functions.core.tokens import derived_code, derived_token, new_token, sign
from functions.core.usecases.directory.letters import notice_letter
from functions.core.usecases.directory.notice_content import NoticeFacts, notice_text

CLAIM_MINUTES = 10
REPLY_TOKEN_PREFIX = "ard_rep"  # noqa: S105 - a label, not a secret
ACTOR = "system:notice"
log = get_logger("directory.notices")


def reply_url(res: Resources, token: str) -> str:
    return api_url(res.settings.base_url, "directory", f"/replies/{token}")


def issue_reply_link(res: Resources, report: Report) -> tuple[str, datetime]:
    """Create a fresh private link for the debtor; return its URL and expiry."""
    token = new_token(REPLY_TOKEN_PREFIX)
    expires = res.clock() + timedelta(days=res.settings.reply_link_days)
    res.store.replies.issue_link(report, token, expires)
    return reply_url(res, token), expires


def notice_code(res: Resources, report: Report, notice: DebtorNotice) -> str:
    """The short code of a report's letter, typed on ``<base>/r/``: the same for every copy of it."""
    return derived_code(res.settings.secret_key, f"reply-code:{report.id}:{notice.seed}")


def code_key(res: Resources, code: str) -> str:
    """What the store keeps a letter's code under: keyed, since a plain digest of 50 bits can be searched."""
    return sign(res.settings.secret_key, f"reply-code-key:{code}")


def code_page(res: Resources) -> str:
    """The short page where a letter's code is typed (a page of the site, posting to the directory API's ``/r``)."""
    return f"{res.settings.base_url}/r/"


def notice_token(res: Resources, report: Report, notice: DebtorNotice) -> str:
    """The private link's token of a report's notice: the same for every copy of it."""
    return derived_token(res.settings.secret_key, REPLY_TOKEN_PREFIX, f"reply-link:{report.id}:{notice.seed}")


def notice_link_expires(res: Resources, notice: DebtorNotice) -> datetime:
    return notice.dated_at + timedelta(days=res.settings.reply_link_days)


def penalties_of(res: Resources, report: Report, now: datetime) -> Penalties:
    """Late-payment penalties on the outstanding amount, to ``now``'s date."""
    settings = res.settings
    return late_payment_penalties(
        report.outstanding_cents,
        report.invoice.due_date,
        today_in_paris(now),
        settings.ecb_rates,
        settings.penalty_points,
    )


def _messages(res: Resources, facts: NoticeFacts, now: datetime) -> tuple[NoticeMedium, list[Message]]:
    report = facts.report
    # No text the creditor typed: the body names the invoice and the creditor.
    dated = facts.dated
    subject = (
        f"Copie de l'avis du {dated} : une facture impayée vous est signalée sur Ardoise"
        if facts.notice.is_copy
        else "Avant publication : une facture impayée vous est signalée sur Ardoise"
    )
    if report.debtor.email:
        return NoticeMedium.EMAIL, [Message(to=report.debtor.email, subject=subject, text=notice_text(facts))]
    letter = Attachment(f"avis-{report.id}.pdf", notice_letter(facts, now))
    again = (
        "Ce courrier a peut-être déjà été posté (un envoi précédent n'a pas été confirmé) : "
        "ne le postez que s'il ne l'a pas été. La lettre jointe se présente comme une copie.\n\n"
        if facts.notice.is_copy
        else ""
    )
    text = (
        f"{again}Courrier à poster à {report.debtor.name} (SIREN {report.debtor.siren}), seule adresse connue :\n\n"
        f"{report.debtor.postal_address}\n\nLa lettre imprimable est jointe (signalement {report.id}).\n"
    )
    return NoticeMedium.POST, [
        Message(
            to=res.settings.letters_to,
            subject=f"Courrier à poster : {'copie de l' if facts.notice.is_copy else 'l'}'avis du {dated}"
            f" (SIREN {report.debtor.siren})",
            text=text,
            attachments=(letter,),
        )
    ]


def notify_report(res: Resources, report_id: str) -> Report | None:
    """Send a submitted report's notice (or its copy) and start the grace period; None if someone else does."""
    now = res.clock()
    claimed = _claim(res, report_id, now)
    if claimed is None:
        return None
    notice = claimed.notice
    assert notice is not None  # the claim fixed it
    medium = NoticeMedium.EMAIL if claimed.debtor.email else NoticeMedium.POST
    delayed = notified(claimed, notice.dated_at, res.settings.grace_days, medium)
    by_post = medium is NoticeMedium.POST
    facts = NoticeFacts(
        claimed,
        notice,
        penalties_of(res, claimed, notice.dated_at),
        delayed.publish_after or notice.dated_at,
        reply_url(res, notice_token(res, claimed, notice)),
        notice_link_expires(res, notice),
        code=notice_code(res, claimed, notice) if by_post else "",
        code_page=code_page(res) if by_post else "",
    )
    medium, messages = _messages(res, facts, now)
    for message in messages:
        res.mailer.send(message)

    def finish() -> Report | None:
        report = res.store.reports.get_report(report_id)
        if report is None or report.status is not ReportStatus.SUBMITTED:
            return report
        return res.store.reports.save(
            report,
            notified(report, notice.dated_at, res.settings.grace_days, medium),
            actor=ACTOR,
            action="report.notified",
        )

    return retry_on_conflict(finish)


def _claim(res: Resources, report_id: str, now: datetime) -> Report | None:
    """Claim the sending of a report's notice, storing its link with the claim; None if not to send now."""
    seed, claim = secrets.token_urlsafe(16), secrets.token_hex(8)

    def attempt() -> Report | None:
        report = res.store.reports.get_report(report_id)
        if report is None or report.status is not ReportStatus.SUBMITTED:
            return None
        if report.notice_claimed_at is not None and now - report.notice_claimed_at < timedelta(minutes=CLAIM_MINUTES):
            return None
        claimed = notice_claimed(report, now, seed=seed, claim=claim)
        assert claimed.notice is not None
        expires = notice_link_expires(res, claimed.notice)
        writes = res.store.replies.link_writes(claimed, notice_token(res, claimed, claimed.notice), expires)
        if not claimed.debtor.email:  # a letter: its short code opens the same page
            code = notice_code(res, claimed, claimed.notice)
            writes += res.store.replies.link_writes(claimed, code_key(res, code), expires, kind=CODE)
        return res.store.reports.save(report, claimed, actor=ACTOR, action="report.notice_claimed", extra_writes=writes)

    try:
        return retry_on_conflict(attempt)
    except Exception:
        # The store may have applied the claim and lost only its answer: then the claim is ours to carry on.
        current = res.store.reports.get_report(report_id)
        if current is not None and current.notice is not None and current.notice.claim == claim:
            log.warning("notice claim committed despite a store error; sending", extra={"report_id": report_id})
            return current
        raise


def notify_pending(res: Resources) -> int:
    """Tick step: send the notices a crashed or interrupted request left unsent.

    One report that cannot be notified (a record the mailer refuses, say) must
    not hold back the others: its failure is logged and the report is left for
    a later tick (its claim lapses after ``CLAIM_MINUTES``, which spaces the
    retries), while the loop goes on with the next one.
    """
    sent = 0
    for report in list(res.store.reports.iter_queue(QUEUE_NOTICE)):
        try:
            sent += notify_report(res, report.id) is not None
        except Exception:  # one bad record: logged with its id, retried by a later tick
            log.exception("notice failed; left for a later tick", extra={"report_id": report.id})
    return sent
