"""The directory's e-mails after the notice: publication, payments, disputes, decisions.

Plain, polite French. The creditor never learns more about the debtor than its
report says; the debtor always gets a fresh private link when it can still act.

Subjects never carry an internal id. The creditor's name them by its own data
(the invoice number and the debtor's name); the debtor's carry no text that
the creditor typed (an invoice "number" can read "payez sur evil.example"):
the body says which invoice it is about.
"""

from __future__ import annotations

from functions.core.domain.reports import DISPUTE_REASON_LABELS, DisputeKind, ModerationDecision, Report
from functions.core.mailer import Message
from functions.core.money import format_eur
from functions.core.services.directory.wording import SIGNATURE, short_date


def creditor_subject(report: Report, what: str) -> str:
    """A creditor's subject: ``Facture F-2025-0412 (Société Générale d'Équipement) : signalement publié``."""
    return f"Facture {report.invoice.number} ({report.debtor.name}) : {what}"


def _invoice(report: Report) -> str:
    return f"la facture n° {report.invoice.number} (échéance le {short_date(report.invoice.due_date)})"


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
le montant minimal d'un signalement : le signalement ne figure plus sur l'annuaire public Ardoise
et n'y reviendra pas. Votre créancier peut toujours enregistrer le règlement du solde.

{SIGNATURE}"""
    return Message(to=report.debtor.email, subject="Signalement retiré de l'annuaire Ardoise", text=text)


def closed_to_debtor(report: Report, *, settled: bool) -> Message:
    what = "a enregistré le règlement complet de" if settled else "a retiré son signalement concernant"
    text = f"""Madame, Monsieur,

{report.creditor.name} {what} {_invoice(report)}.
Ce signalement ne figure plus sur l'annuaire public Ardoise et votre lien personnel n'a plus d'usage.

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
    text = f"""Bonjour,

Le débiteur {report.debtor.name} (SIREN {report.debtor.siren}) {said},
au sujet de {_invoice(report)}.

Le signalement {report.id} est suspendu : il n'est pas (ou plus) visible sur l'annuaire public
tant que la modération n'a pas statué. {ask}

{SIGNATURE}"""
    what = (
        "paiement déclaré par le débiteur"
        if payment_declared or dispute.kind is DisputeKind.PAYMENT_DECLARED
        else "contestée par le débiteur"
    )
    return Message(to=report.creditor.email, subject=creditor_subject(report, what), text=text)


def decision_messages(report: Report, debtor_url: str | None) -> list[Message]:
    """Tell both sides what the moderator decided, with the moderator's note."""
    moderation = report.moderation
    assert moderation is not None
    note = moderation.note.strip() or "(pas de commentaire)"
    if moderation.decision is ModerationDecision.UPHELD:
        outcome = (
            "La contestation n'a pas été retenue : le signalement est maintenu. "
            + (
                "Il est de nouveau publié sur l'annuaire."
                if report.is_public
                else "Il sera publié à la fin du délai de réponse."
            )
            + " La réponse du débiteur est affichée à côté du signalement."
        )
    else:
        outcome = "La contestation a été retenue : le signalement est rejeté et ne figure pas sur l'annuaire."
    body = f"""{outcome}

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
    if report.debtor.email:
        about_what = (
            "déclaration de paiement"
            if report.dispute and report.dispute.kind is DisputeKind.PAYMENT_DECLARED
            else "contestation"
        )
        subject = f"Décision de modération sur votre {about_what}"
        messages.append(Message(to=report.debtor.email, subject=subject, text=debtor_text))
    return messages
