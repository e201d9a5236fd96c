"""The channels that carry a scenario's steps, behind one interface: e-mail, letter (PDF), SMS.

Each channel turns a step's filled text into what goes out, sends it through
its adapter (the mailer: SES or the outbox; the SMS sender: the outbox, no
provider wired yet) and answers the :class:`SentMessage` the case's timeline
keeps: when, to whom, and the SHA-256 of what went.

- **E-mail** to the debtor, from Ardoise on the creditor's behalf, replies to
  the creditor. Its digest is that of the message's content (recipient,
  subject, text, reply address, each attachment's digest, in a fixed JSON
  form): the MIME envelope's date and Message-ID are the mail service's.
- **Letter**: a PDF (``functions/core/pdf.py``) addressed to the debtor's postal
  address (registered, with acknowledgement of receipt, for a formal notice),
  handed to the letter poster (``functions/core/post.py``, ``ARDOISE_LETTERS``):
  by default the creditor, to whom it is e-mailed to print and post; a
  registered-mail provider (none is wired; the outbox stands for one locally)
  posts it and answers its reference, kept on the timeline, the creditor
  getting a copy. Its digest is the PDF's. The PDF is kept in the evidence
  storage too, for the creditor to download it again from its space
  (:func:`kept_letter`), checked against that digest.
- **SMS** to the debtor's mobile number; its digest is the text's (UTF-8).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime, time

from functions.core.clock import PARIS, today_in_paris
from functions.core.domain.recovery import PostingReceipt, RecoveryCase, Rendered, SentMessage
from functions.core.domain.scenarios import Channel, Step, StepKind
from functions.core.errors import NotFound
from functions.core.french import long_date
from functions.core.mailer import Attachment, Message
from functions.core.post import Letter
from functions.core.resources import Resources
from functions.core.store.evidence import EvidenceAlreadyStored
from functions.core.usecases.directory.replies import EvidenceAltered, storage
from functions.core.usecases.recovery.debtor import case_link

PDF = "application/pdf"


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def message_digest(message: Message) -> str:
    """The SHA-256 of an e-mail's content, in a fixed form: what was sent, whatever envelope the service adds."""
    content = {
        "to": message.to,
        "subject": message.subject,
        "text": message.text,
        "reply_to": message.reply_to,
        "attachments": [[a.filename, a.mime_type, sha256(a.content)] for a in message.attachments],
    }
    return sha256(json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode())


def _on_behalf(case: RecoveryCase) -> str:
    creditor = case.creditor
    return (
        f"Message envoyé par Ardoise pour le compte de {creditor.name} (SIREN {creditor.siren}), "
        "dans le cadre d'un recouvrement amiable. Répondez à ce message : votre réponse parvient au créancier."
    )


def _your_page(res: Resources, case: RecoveryCase) -> str:
    return f"Votre dossier, pour payer, déclarer un paiement ou contester : {case_link(res, case.id)}"


def send_email(res: Resources, case: RecoveryCase, step: Step, rendered: Rendered, now: datetime) -> SentMessage:
    """E-mail the step to the debtor, replies going to the creditor."""
    message = Message(
        to=case.debtor.email,
        subject=rendered.subject,
        text=f"{rendered.body}\n\n{_your_page(res, case)}\n\n--\n{_on_behalf(case)}\n",
        reply_to=case.creditor.email or None,
    )
    sent_id = res.mailer.send(message)
    size = len(message.text.encode())
    return SentMessage(sent_id, Channel.EMAIL, message.to, message.subject, message_digest(message), size)


def letter_pdf(case: RecoveryCase, step: Step, rendered: Rendered, now: datetime, link: str) -> bytes:
    """The step as a printable A4 letter from the creditor to the debtor's postal address."""
    # The PDF writer loads when a letter is drawn: the creditor's case pages import this module,
    # and the directory's cold start must not pay for it (tests/test_cold_import.py).
    from functions.core.pdf import TextPdf

    # Created on the letter's day, not its second: a tick that retries the step that day draws the same bytes,
    # the same digest, which a letter poster deduplicates on (functions/core/post.py).
    day = datetime.combine(today_in_paris(now), time(), PARIS).astimezone(UTC)
    doc = TextPdf(title=rendered.subject, author=case.creditor.name, created=day, footer="Préparé par Ardoise")
    doc.paragraph(f"{case.creditor.name}\nSIREN {case.creditor.siren}", size=10, after=14)
    doc.paragraph(f"{case.debtor.name}\n{case.debtor.postal_address}", size=11, indent=250, after=18)
    doc.paragraph(f"Le {long_date(today_in_paris(now))}", after=10)
    if step.kind is StepKind.FORMAL_NOTICE:
        doc.paragraph("Lettre recommandée avec accusé de réception", bold=True, after=6)
    doc.paragraph(f"Objet : {rendered.subject}", bold=True, after=12)
    for paragraph in rendered.body.split("\n\n"):
        doc.paragraph(paragraph, after=8)
    doc.paragraph(f"Votre dossier, pour payer, déclarer un paiement ou contester :\n{link}", size=9, after=4)
    return doc.to_bytes()


def _letter_name(step: Step) -> str:
    return "mise-en-demeure" if step.kind is StepKind.FORMAL_NOTICE else "relance"


def _posting_copy(case: RecoveryCase, rendered: Rendered, receipt: PostingReceipt) -> tuple[str, str]:
    """The subject and text of the copy the creditor gets of a letter a provider posted for it."""
    how = "en recommandé avec accusé de réception" if receipt.registered else "en lettre simple"
    return (
        f"Posté par Ardoise : {rendered.subject} ({case.debtor.name})",
        f"Bonjour,\n\nVotre scénario de recouvrement prévoyait aujourd'hui un courrier à {case.debtor.name} "
        f"(facture {case.invoice.number}). Ardoise l'a posté {how} via {receipt.provider}, "
        f"référence {receipt.reference}, à :\n\n{case.debtor.name}\n{case.debtor.postal_address}\n\n"
        "Vous n'avez rien à poster : la lettre jointe est une copie pour information. Ardoise garde l'empreinte "
        "SHA-256 de cette lettre et la référence de l'envoi dans la chronologie du dossier ; joignez-y l'accusé de "
        "réception quand il vous parvient.\n\nL'équipe Ardoise\n",
    )


def _to_post(case: RecoveryCase, rendered: Rendered, registered: bool) -> tuple[str, str]:
    """The subject and text of the e-mail that asks the creditor to print and post a letter."""
    how = " en recommandé avec accusé de réception" if registered else ""
    return (
        f"À poster : {rendered.subject} ({case.debtor.name})",
        f"Bonjour,\n\nVotre scénario de recouvrement prévoit aujourd'hui un courrier à {case.debtor.name} "
        f"(facture {case.invoice.number}). Imprimez la lettre jointe et postez-la{how} à :\n\n"
        f"{case.debtor.name}\n{case.debtor.postal_address}\n\n"
        "Ardoise garde l'empreinte SHA-256 de cette lettre dans la chronologie du dossier.\n\n"
        "L'équipe Ardoise\n",
    )


def send_letter(res: Resources, case: RecoveryCase, step: Step, rendered: Rendered, now: datetime) -> SentMessage:
    """Prepare the letter's PDF and hand it to the poster (``ARDOISE_LETTERS``): by default the creditor, who gets
    it by e-mail to print and post; a provider posts it, and the creditor gets a copy with its reference."""
    pdf = letter_pdf(case, step, rendered, now, case_link(res, case.id))
    message_id = f"ltr_{sha256(pdf)[:16]}"
    key = f"letters/{case.id}/{message_id}.pdf"
    # Kept before it is posted, so that a letter in the post is always one the creditor can download.
    # Already there: the same bytes (the id is their digest), kept by a tick that stopped before saving the case.
    with suppress(EvidenceAlreadyStored):
        storage(res).write(key, pdf)
    registered = step.kind is StepKind.FORMAL_NOTICE
    # The step's place, not the PDF's digest: the same on a later day's retry, whose letter is redrawn.
    reference = f"{case.id}/step-{len(case.sent_steps())}"
    letter = Letter(case.debtor.name, case.debtor.postal_address, pdf, registered, reference)
    # A provider that fails raises here: nothing is recorded, and a later tick posts the same bytes again,
    # which the provider answers with the same receipt (idempotent by the letter's digest).
    receipt = res.poster.post(letter)
    subject, text = _to_post(case, rendered, registered) if receipt is None else _posting_copy(case, rendered, receipt)
    attachment = Attachment(f"{_letter_name(step)}-{case.invoice.number}.pdf", pdf, PDF)
    res.mailer.send(Message(to=case.creditor.email, subject=subject, text=text, attachments=(attachment,)))
    return SentMessage(
        message_id,
        Channel.LETTER,
        case.debtor.postal_address,
        rendered.subject,
        sha256(pdf),
        len(pdf),
        key,
        receipt,
    )


def kept_letter(res: Resources, case: RecoveryCase, message_id: str) -> tuple[str, bytes]:
    """A letter Ardoise prepared for ``case``: its file name and PDF, as kept (404: no such letter kept;
    409: its bytes no longer have the digest on the timeline)."""
    for event in case.sent_steps():
        message = event.message
        if message is None or event.step is None or message.id != message_id or not message.storage_key:
            continue
        content = storage(res).read(message.storage_key)
        if sha256(content) != message.sha256:
            raise EvidenceAltered(
                "Ce courrier ne correspond plus à celui préparé par Ardoise : il ne peut pas servir de preuve.",
                extra={"sha256_sent": message.sha256},
            )
        return f"{_letter_name(case.scenario.steps[event.step])}-{case.invoice.number}.pdf", content
    raise NotFound("Aucun courrier de ce dossier sous cet identifiant.")


def send_sms(res: Resources, case: RecoveryCase, step: Step, rendered: Rendered, now: datetime) -> SentMessage:
    """Text the step to the debtor's mobile number."""
    text = f"{rendered.body} Votre dossier : {case_link(res, case.id)}"
    sent_id = res.sms.send(case.debtor_phone, text)
    content = text.encode()
    return SentMessage(sent_id, Channel.SMS, case.debtor_phone, rendered.subject, sha256(content), len(content))


Sender = Callable[[Resources, RecoveryCase, Step, Rendered, datetime], SentMessage]
CHANNELS: dict[Channel, Sender] = {Channel.EMAIL: send_email, Channel.LETTER: send_letter, Channel.SMS: send_sms}


def send_step(res: Resources, case: RecoveryCase, step: Step, rendered: Rendered, now: datetime) -> SentMessage:
    """Send a step by its channel and answer what the timeline keeps."""
    return CHANNELS[step.channel](res, case, step, rendered, now)
