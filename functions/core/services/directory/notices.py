"""The debtor's notice: the e-mail (or the printable letter) sent when a report is accepted.

Sending is claimed first (a conditional write on the report), so that the
request that filed the report and a tick catching up never both send it; a
claim older than ten minutes is considered lost and taken over.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from functions.core.clock import today_in_paris
from functions.core.context import Services
from functions.core.domain.lifecycle import notified
from functions.core.domain.penalties import Penalties, late_payment_penalties
from functions.core.domain.reports import NoticeMedium, Report, ReportStatus
from functions.core.logs import get_logger
from functions.core.mailer import Attachment, Message
from functions.core.money import format_eur
from functions.core.pdf import TextPdf
from functions.core.services.directory.wording import CHANNEL_LABELS, SIGNATURE, long_date, percent, short_date
from functions.core.store import retry_on_conflict
from functions.core.store.reports import QUEUE_NOTICE
from functions.core.tokens import new_token

CLAIM_MINUTES = 10
REPLY_TOKEN_PREFIX = "ard_rep"  # noqa: S105 - a label, not a secret
ACTOR = "system:notice"
log = get_logger("directory.notices")


@dataclass(frozen=True)
class NoticeFacts:
    """Everything a notice states, computed once for the e-mail and the letter alike."""

    report: Report
    penalties: Penalties
    publication_day: datetime
    reply_url: str
    link_expires: datetime


def reply_url(ctx: Services, token: str) -> str:
    return f"{ctx.settings.base_url}/api/directory/replies/{token}"


def issue_reply_link(ctx: Services, report: Report) -> tuple[str, datetime]:
    """Create a fresh private link for the debtor; return its URL and expiry."""
    token = new_token(REPLY_TOKEN_PREFIX)
    expires = ctx.clock() + timedelta(days=ctx.settings.reply_link_days)
    ctx.store.replies.issue_link(report, token, expires)
    return reply_url(ctx, token), expires


def penalties_of(ctx: Services, report: Report, now: datetime) -> Penalties:
    """Late-payment penalties on the outstanding amount, to ``now``'s date."""
    settings = ctx.settings
    return late_payment_penalties(
        report.outstanding_cents,
        report.invoice.due_date,
        today_in_paris(now),
        settings.ecb_rates,
        settings.penalty_points,
    )


def _penalty_lines(penalties: Penalties) -> str:
    return "\n".join(
        f"      du {short_date(p.start)} au {short_date(p.end)} ({p.days} jours à {percent(p.percent)}) : "
        f"{format_eur(p.cents)}"
        for p in penalties.periods
    )


def notice_text(facts: NoticeFacts) -> str:
    """The notice's body, in plain French (the letter carries the same words)."""
    report, penalties = facts.report, facts.penalties
    steps, invoice = report.steps, report.invoice
    return f"""Madame, Monsieur,

L'entreprise {report.creditor.name} (SIREN {report.creditor.siren}) a signalé sur Ardoise,
l'annuaire collaboratif des retards de paiement entre entreprises, une facture qu'elle déclare
impayée par {report.debtor.name} (SIREN {report.debtor.siren}), malgré ses relances et une mise
en demeure du {long_date(steps.notice_date)} ({CHANNEL_LABELS[steps.notice_channel]}).

  Facture n° {invoice.number} du {short_date(invoice.issue_date)}, échéance le {short_date(invoice.due_date)}
  Montant de la facture : {format_eur(invoice.amount_cents)}
  Reste dû déclaré : {format_eur(report.outstanding_cents)}

Rien n'est publié à ce jour. Sans règlement ni contestation de votre part, ce signalement
sera publié sur l'annuaire public le {long_date(today_in_paris(facts.publication_day))}.
Seuls le reste dû, les dates de la facture et votre éventuelle réponse y figureront.

Pour information, en cas de retard de paiement, la loi prévoit aussi :
  - des pénalités de retard au taux de la BCE majoré de 10 points (article L441-10 du Code
    de commerce), soit {format_eur(penalties.interest_cents)} au {short_date(penalties.until)} sur le reste dû :
{_penalty_lines(penalties) or "      (aucun jour de retard)"}
  - une indemnité forfaitaire pour frais de recouvrement de {format_eur(penalties.indemnity_cents)}
    (article D441-5 du Code de commerce).
Ces montants vous sont indiqués à titre d'information : ils ne sont jamais publiés comme dus.

Votre lien personnel, valable jusqu'au {long_date(today_in_paris(facts.link_expires))}, vous permet de :
  - contester ce signalement, motif et pièces à l'appui : la publication est alors suspendue
    jusqu'à la décision d'un modérateur ;
  - déclarer un paiement, justificatif à l'appui ;
  - publier une réponse, affichée à côté du signalement.

  {facts.reply_url}

Ce lien vous est personnel : ne le transmettez pas. Si la facture a été réglée, le plus simple
est de le déclarer par ce lien ; vous pouvez aussi contacter directement votre créancier.

{SIGNATURE}"""


def notice_letter(facts: NoticeFacts, now: datetime) -> bytes:
    """The same notice as a printable A4 letter (PDF), addressed to the debtor's postal address."""
    report = facts.report
    doc = TextPdf(title=f"Avis de signalement — facture {report.invoice.number}", created=now, footer="Ardoise")
    doc.paragraph(f"{report.debtor.name}\n{report.debtor.postal_address}", size=11, after=18)
    doc.paragraph(f"Le {long_date(today_in_paris(now))}", after=12)
    doc.heading("Avis avant publication d'un signalement d'impayé")
    for block in notice_text(facts).split("\n\n"):
        doc.paragraph(block.replace("\n", " ").replace("  ", " ").strip(), after=8)
    return doc.to_bytes()


def _messages(ctx: Services, facts: NoticeFacts, now: datetime) -> tuple[NoticeMedium, list[Message]]:
    report = facts.report
    subject = f"Avant publication : facture {report.invoice.number} signalée par {report.creditor.name}"
    if report.debtor.email:
        return NoticeMedium.EMAIL, [Message(to=report.debtor.email, subject=subject, text=notice_text(facts))]
    letter = Attachment(f"avis-{report.id}.pdf", notice_letter(facts, now))
    text = (
        f"Courrier à poster à {report.debtor.name} (SIREN {report.debtor.siren}), seule adresse connue :\n\n"
        f"{report.debtor.postal_address}\n\nLa lettre imprimable est jointe (signalement {report.id}).\n"
    )
    return NoticeMedium.POST, [
        Message(to=ctx.settings.letters_to, subject=f"Courrier à poster : {subject}", text=text, attachments=(letter,))
    ]


def notify_report(ctx: Services, report_id: str) -> Report | None:
    """Send a submitted report's notice and start the grace period; None if someone else does."""
    now = ctx.clock()

    def claim() -> Report | None:
        report = ctx.store.reports.get_report(report_id)
        if report is None or report.status is not ReportStatus.SUBMITTED:
            return None
        if report.notice_claimed_at is not None and now - report.notice_claimed_at < timedelta(minutes=CLAIM_MINUTES):
            return None
        return ctx.store.reports.save(
            report, replace(report, notice_claimed_at=now), actor=ACTOR, action="report.notice_claimed"
        )

    claimed = retry_on_conflict(claim)
    if claimed is None:
        return None
    url, expires = issue_reply_link(ctx, claimed)
    medium = NoticeMedium.EMAIL if claimed.debtor.email else NoticeMedium.POST
    delayed = notified(claimed, now, ctx.settings.grace_days, medium)
    facts = NoticeFacts(claimed, penalties_of(ctx, claimed, now), delayed.publish_after or now, url, expires)
    medium, messages = _messages(ctx, facts, now)
    for message in messages:
        ctx.mailer.send(message)

    def finish() -> Report | None:
        report = ctx.store.reports.get_report(report_id)
        if report is None or report.status is not ReportStatus.SUBMITTED:
            return report
        return ctx.store.reports.save(
            report, notified(report, now, ctx.settings.grace_days, medium), actor=ACTOR, action="report.notified"
        )

    return retry_on_conflict(finish)


def notify_pending(ctx: Services) -> int:
    """Tick step: send the notices a crashed or interrupted request left unsent.

    One report that cannot be notified (a record the mailer refuses, say) must
    not hold back the others: its failure is logged and the report is left for
    a later tick (its claim lapses after ``CLAIM_MINUTES``, which spaces the
    retries), while the loop goes on with the next one.
    """
    sent = 0
    for report in list(ctx.store.reports.iter_queue(QUEUE_NOTICE)):
        try:
            sent += notify_report(ctx, report.id) is not None
        except Exception:  # one bad record: logged with its id, retried by a later tick
            log.exception("notice failed; left for a later tick", extra={"report_id": report.id})
    return sent
