"""The directory's e-mails after the notice: publication, payments, disputes, decisions.

Plain, polite French. The creditor never learns more about the debtor than its
report says; the debtor always gets a fresh private link when it can still act.

Subjects never carry an internal id. The creditor's name them by its own data
(the invoice number and the debtor's name); the debtor's carry no text that
the creditor typed (an invoice "number" can read "payez sur evil.example"):
the body says which invoice it is about.
"""

from __future__ import annotations

from datetime import date

from functions.core.clock import today_in_paris
from functions.core.domain.registry import Proceeding, proceeding_wording
from functions.core.domain.reports import DISPUTE_REASON_LABELS, DisputeKind, ModerationDecision, Report, ReportStatus
from functions.core.domain.visibility import is_listed
from functions.core.french import format_eur, long_date, short_date
from functions.core.mailer import Message
from functions.core.usecases.directory.wording import SIGNATURE


def creditor_subject(report: Report, what: str) -> str:
    """A creditor's subject: ``Facture F-2025-0412 (Société Générale d'Équipement) : signalement publié``."""
    return f"Facture {report.invoice.number} ({report.debtor.name}) : {what}"


def _invoice(report: Report) -> str:
    return f"la facture n° {report.invoice.number} (échéance le {short_date(report.invoice.due_date)})"


def _off_the_listing(report: Report) -> str:
    """Where a closed report stands, said truly: it left the listing, or it never reached it."""
    if report.published_at is not None:
        return "le signalement ne figure plus sur l'annuaire public Ardoise et n'y reviendra pas"
    return "le signalement ne sera pas publié sur l'annuaire public Ardoise"


def refused_to_creditor(report: Report) -> Message:
    """The moderator found the file short of proof: the creditor learns why; the debtor never hears of it."""
    assert report.review is not None
    text = f"""Bonjour,

Votre signalement de {_invoice(report)} émise pour {report.debtor.name} (SIREN {report.debtor.siren})
a été examiné par la modération d'Ardoise avant tout envoi au débiteur : il est refusé.

Motif indiqué par le modérateur :

{report.review.reason}

Le débiteur n'a pas été prévenu et rien n'a été publié. Vous pouvez déposer un nouveau
signalement de cette facture avec les pièces qui manquaient (facture, mise en demeure et preuve
de son envoi), en citant de nouveaux documents.

{SIGNATURE}"""
    return Message(to=report.creditor.email, subject=creditor_subject(report, "signalement refusé"), text=text)


def published_to_debtor(report: Report, url: str) -> Message:
    text = f"""Madame, Monsieur,

Faute de règlement ou de contestation dans le délai indiqué, le signalement de {_invoice(report)}
émis par {report.creditor.name} est désormais publié sur l'annuaire Ardoise, pour un reste dû
de {format_eur(report.outstanding_cents)}.

Dès que la facture est réglée, le créancier l'enregistre et le signalement quitte l'annuaire.
Vous pouvez toujours, par votre lien personnel, déclarer un paiement, contester ou publier une réponse :

  {url}

{SIGNATURE}"""
    return Message(to=report.debtor.email, subject="Signalement publié sur l'annuaire Ardoise", text=text)


def published_to_creditor(report: Report) -> Message:
    text = f"""Bonjour,

Le débiteur {report.debtor.name} (SIREN {report.debtor.siren}) n'a ni réglé ni contesté {_invoice(report)}
dans son délai : votre signalement est désormais publié sur l'annuaire Ardoise.

Pensez à enregistrer tout paiement reçu (POST /reports/{report.id}/payments) : un règlement
complet retire aussitôt le signalement de l'annuaire.

{SIGNATURE}"""
    return Message(to=report.creditor.email, subject=creditor_subject(report, "signalement publié"), text=text)


def unlisted_to_debtor(report: Report, min_amount_cents: int) -> Message:
    text = f"""Madame, Monsieur,

{report.creditor.name} a enregistré un paiement partiel sur {_invoice(report)}.
Le reste dû, {format_eur(report.outstanding_cents)}, est désormais inférieur à {format_eur(min_amount_cents)},
le montant minimal d'un signalement : {_off_the_listing(report)}.
Votre créancier peut toujours enregistrer le règlement du solde.

{SIGNATURE}"""
    return Message(to=report.debtor.email, subject="Signalement retiré de l'annuaire Ardoise", text=text)


def closed_to_debtor(report: Report, *, settled: bool) -> Message:
    what = "a enregistré le règlement complet de" if settled else "a retiré son signalement concernant"
    text = f"""Madame, Monsieur,

{report.creditor.name} {what} {_invoice(report)}.
Désormais, {_off_the_listing(report)}, et votre lien personnel n'a plus d'usage.

{SIGNATURE}"""
    subject = "Signalement clos : " + ("règlement enregistré" if settled else "retiré par le créancier")
    return Message(to=report.debtor.email, subject=subject, text=text)


def dispute_to_creditor(report: Report, *, payment_declared: bool = False) -> Message:
    """Tell the creditor that the debtor contests or declares a payment (the latest of the two if both)."""
    dispute = report.dispute
    assert dispute is not None
    if payment_declared or dispute.kind is DisputeKind.PAYMENT_DECLARED:
        paid = f" le {short_date(dispute.paid_on)}" if dispute.paid_on else ""
        said = f"déclare avoir payé{paid} (justificatif joint à son dossier)"
        ask = (
            f"Si vous avez bien reçu ce paiement, enregistrez-le (POST /reports/{report.id}/payments) ; "
            "sinon, un modérateur tranchera."
        )
    else:
        said = f"conteste ce signalement : « {DISPUTE_REASON_LABELS[dispute.reason]} »"
        ask = "Un modérateur examinera la contestation et les pièces produites ; vous serez informé de sa décision."
    suspended = (
        f"Le signalement {report.id} est retiré de l'annuaire public tant que la modération n'a pas statué."
        if dispute.was_published
        else f"La publication du signalement {report.id} est suspendue tant que la modération n'a pas statué."
    )
    text = f"""Bonjour,

Le débiteur {report.debtor.name} (SIREN {report.debtor.siren}) {said},
au sujet de {_invoice(report)}.

{suspended} {ask}

{SIGNATURE}"""
    what = (
        "paiement déclaré par le débiteur"
        if payment_declared or dispute.kind is DisputeKind.PAYMENT_DECLARED
        else "contestée par le débiteur"
    )
    return Message(to=report.creditor.email, subject=creditor_subject(report, what), text=text)


def _decided_what(report: Report) -> tuple[str, bool]:
    """What the moderator decided on, and whether it is plural in French."""
    dispute = report.dispute
    assert dispute is not None
    if dispute.kind is DisputeKind.PAYMENT_DECLARED:
        return "la déclaration de paiement", False
    if dispute.kind is DisputeKind.INVOICE_STATUS:
        return "la contestation de la facture électronique", False
    if dispute.paid_on is not None:  # a payment declared while the contest was pending joined it
        return "la contestation et la déclaration de paiement", True
    return "la contestation", False


def decision_outcome(before: Report, after: Report) -> str:
    """What the decision means, true to the report's past: never "again" for what was never published."""
    moderation = after.moderation
    assert moderation is not None
    what, plural = _decided_what(after)
    verb = "ont" if plural else "a"
    agreed = "retenues" if plural else "retenue"
    was_published = before.published_at is not None
    if moderation.decision is ModerationDecision.REJECTED:
        fate = (
            "Il ne figure plus sur l'annuaire et n'y reviendra pas."
            if was_published
            else "Il n'a jamais été publié et ne le sera pas."
        )
        return f"{what.capitalize()} {verb} été {agreed} : le signalement est rejeté. {fate}"
    if after.status is ReportStatus.SUBMITTED:  # frozen before its notice: it goes out now
        return (
            f"{what.capitalize()} n'{verb} pas été {agreed} : le signalement est maintenu. "
            "Le débiteur va en être avisé ; il ne sera publié qu'à la fin de son délai de réponse, sauf règlement."
        )
    if is_listed(after):
        fate = (
            "Il est de nouveau publié sur l'annuaire."
            if was_published
            else "Le délai de réponse étant écoulé, il est désormais publié sur l'annuaire."
        )
        reply = " La réponse du débiteur est affichée à côté du signalement." if after.public_reply else ""
    elif after.frozen_by:
        fate = "Il n'est pas publié à ce jour : une procédure collective du débiteur le tient hors de l'annuaire."
        reply = ""
    else:
        assert after.publish_after is not None  # upheld within the grace period: back to it
        fate = (
            "Il n'est pas publié à ce jour : il le sera le "
            f"{long_date(today_in_paris(after.publish_after))}, à la fin du délai de réponse, sauf règlement."
        )
        reply = (
            " La réponse du débiteur sera affichée à côté du signalement s'il est publié." if after.public_reply else ""
        )
    return f"{what.capitalize()} n'{verb} pas été {agreed} : le signalement est maintenu. {fate}{reply}"


def decision_messages(before: Report, report: Report, debtor_url: str | None) -> list[Message]:
    """Tell both sides what the moderator decided (``before`` is the report as it stood), with the note."""
    moderation = report.moderation
    assert moderation is not None
    note = moderation.note.strip() or "(pas de commentaire)"
    body = f"""{decision_outcome(before, report)}

Note du modérateur :
{note}
"""
    creditor = Message(
        to=report.creditor.email,
        subject=creditor_subject(report, "décision de modération"),
        text=f"Bonjour,\n\nSignalement {report.id}, {_invoice(report)}.\n{body}\n{SIGNATURE}",
    )
    link = (
        f"\nVotre lien personnel reste disponible pour publier ou modifier votre réponse :\n\n  {debtor_url}\n"
        if debtor_url
        else ""
    )
    about = f"Au sujet de {_invoice(report)} signalée par {report.creditor.name}."
    debtor_text = f"Madame, Monsieur,\n\n{about}\n{body}{link}\n{SIGNATURE}"
    messages = [creditor]
    # A debtor never told of the report (frozen before its notice) does not hear of it from a decision.
    if report.debtor.email and before.notified_at is not None:
        what, _ = _decided_what(report)
        subject = "Décision de modération sur votre " + what.removeprefix("la ")
        messages.append(Message(to=report.debtor.email, subject=subject, text=debtor_text))
    return messages


def frozen_to_creditor(report: Report, proceeding: Proceeding) -> Message:
    """Tell the creditor that a collective proceeding keeps its report off the listing, and what to do instead."""
    where = "retiré de l'annuaire public" if report.published_at is not None else "ne sera pas publié"
    if proceeding.closed_by is None:
        state = f"{proceeding_wording(proceeding)}."
        todo = (
            "Les poursuites individuelles sont suspendues pendant la procédure : déclarez votre créance au "
            f"mandataire judiciaire au plus tard le {long_date(proceeding.claims_deadline)} (deux mois après la "
            "publication au BODACC), si ce n'est déjà fait."
        )
        until = (
            "Votre signalement est conservé : il reviendra sur l'annuaire à la fin de la procédure s'il reste impayé."
        )
    else:
        state = f"{proceeding_wording(proceeding)} ; elle a été clôturée le {long_date(_effective_day(proceeding))}."
        todo = "La clôture d'une liquidation judiciaire ne rend pas aux créanciers le droit de poursuivre le débiteur."
        until = "Votre signalement est conservé, mais il ne sera plus publié."
    link = f"\nL'annonce au BODACC : {proceeding.opened.url}\n" if proceeding.opened.url else ""
    text = f"""Bonjour,

Le débiteur {report.debtor.name} (SIREN {report.debtor.siren}) fait l'objet d'une procédure collective :
{state}
{link}
Votre signalement de {_invoice(report)} {where} pendant ce temps. {todo}
{until}

{SIGNATURE}"""
    return Message(
        to=report.creditor.email, subject=creditor_subject(report, "procédure collective, signalement gelé"), text=text
    )


def unfrozen_to_creditor(report: Report) -> Message:
    """Tell the creditor that the proceeding ended and its unpaid report is on the listing again."""
    back = (
        "est de nouveau publié sur l'annuaire Ardoise"
        if is_listed(report)
        else "reprend son cours (il sera publié à la fin du délai de réponse, sauf règlement ou contestation)"
    )
    text = f"""Bonjour,

La procédure collective du débiteur {report.debtor.name} (SIREN {report.debtor.siren}) a pris fin.
Votre signalement de {_invoice(report)}, toujours impayé, {back}.
Pensez à enregistrer tout paiement reçu (POST /reports/{report.id}/payments).

{SIGNATURE}"""
    subject = creditor_subject(report, "fin de la procédure collective")
    return Message(to=report.creditor.email, subject=subject, text=text)


def _effective_day(proceeding: Proceeding) -> date:
    closed = proceeding.closed_by
    assert closed is not None
    return closed.judged_on or closed.published_on
