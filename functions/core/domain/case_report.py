"""From a recovery case that ended unpaid to the report filed from it: what Ardoise's own records prove.

A report filed from a case types none of its amicable steps: the reminders'
dates are the days Ardoise sent them (Paris time), the formal notice's date
and channel are those of the notice step, and the documents the filing
rules ask for (``documents.missing_documents``) are partly Ardoise's own
records:

- the formal notice is the message Ardoise sent, or the letter it prepared
  (its PDF's SHA-256 on the timeline);
- its proof of dispatch is, for a letter, the receipt the creditor joined to
  the case (``POST /cases/{id}/dispatch-proofs``); for an e-mail, Ardoise's
  trace of the sending (the mail service's id, the content's SHA-256), which
  proves the dispatch but not a receipt: the report is flagged so that the
  moderator weighs it;
- the invoice is the one the case was opened with, when its creditor cited it
  then (its PDF or e-invoice, pinned to the case, and the e-invoice's terms as
  read then): the report carries it without a second upload; otherwise the
  creditor cites it as for any filing.

The filing rules themselves are not repeated here: the report goes through
the same use case as ``POST /reports`` (``usecases/directory/filing.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from functions.core.clock import today_in_paris
from functions.core.domain.ardoise_proofs import ArdoiseProof, ProofKind
from functions.core.domain.documents import DocumentKind, FiledDocument
from functions.core.domain.einvoice import EInvoice
from functions.core.domain.recovery import STATUS_LABELS, CaseStatus, EventKind, RecoveryCase
from functions.core.domain.reports import NoticeChannel
from functions.core.domain.rules import EMAIL_NOTICE_FLAG
from functions.core.domain.scenarios import Channel, StepKind
from functions.core.errors import Conflict

NOTICE_CHANNELS = {Channel.LETTER: NoticeChannel.REGISTERED_LETTER, Channel.EMAIL: NoticeChannel.EMAIL_WITH_RECEIPT}


@dataclass(frozen=True)
class CaseRecord:
    """What a report filed from a case takes from Ardoise's records instead of the creditor's typing."""

    case_id: str
    reminder_dates: tuple[date, ...]
    notice_date: date | None
    notice_channel: NoticeChannel | None
    proofs: tuple[ArdoiseProof, ...]
    # The documents joined to the case that the report carries: those cited at its opening (the invoice),
    # then the notice letter's proof of dispatch.
    documents: tuple[FiledDocument, ...]
    # The documents the filing rules ask for that Ardoise's own records stand for.
    proven_kinds: tuple[DocumentKind, ...]
    flags: tuple[str, ...]
    # The e-invoice the case was opened with, as read and cross-checked then, and the terms taken from it.
    einvoice: EInvoice | None = None
    einvoice_terms_taken: tuple[str, ...] = ()

    @property
    def document_kinds(self) -> tuple[DocumentKind, ...]:
        return self.proven_kinds + tuple(document.kind for document in self.documents)


def _sent_proofs(case: RecoveryCase) -> list[ArdoiseProof]:
    proofs = []
    for event in case.events:
        if event.step is None:
            continue
        step = case.scenario.steps[event.step]
        if event.kind is EventKind.STEP_SENT and event.message is not None:
            message = event.message
            kind = ProofKind.FORMAL_NOTICE if step.kind is StepKind.FORMAL_NOTICE else ProofKind.REMINDER
            proofs.append(
                ArdoiseProof(
                    kind, event.at, event.step, step.name, message.channel, message.recipient,
                    message.id, message.sha256, message.size,
                )
            )  # fmt: skip
        elif event.kind is EventKind.DISPATCH_PROOF and event.document is not None:
            document = event.document
            proofs.append(
                ArdoiseProof(
                    ProofKind.DISPATCH_PROOF, event.at, event.step, step.name, Channel.LETTER,
                    case.debtor.postal_address, document.id, document.sha256, document.size,
                )
            )  # fmt: skip
    return proofs


def case_record(case: RecoveryCase) -> CaseRecord:
    """What the case proves of its amicable recovery; 409 unless it ended unpaid after its formal notice."""
    if case.status is not CaseStatus.UNPAID:
        raise Conflict(
            "Un signalement se dépose depuis un dossier resté impayé au terme de sa mise en demeure : "
            f"ce dossier est {STATUS_LABELS[case.status]}."
        )
    proofs = _sent_proofs(case)
    reminders = tuple(today_in_paris(p.at) for p in proofs if p.kind is ProofKind.REMINDER)
    notice = next((p for p in proofs if p.kind is ProofKind.FORMAL_NOTICE), None)
    proven: list[DocumentKind] = []
    documents: list[FiledDocument] = list(case.documents)
    flags: tuple[str, ...] = ()
    channel = None
    if notice is not None:
        proven.append(DocumentKind.FORMAL_NOTICE)
        channel = NOTICE_CHANNELS.get(notice.channel)
        if notice.channel is Channel.EMAIL:
            proven.append(DocumentKind.NOTICE_PROOF)
            flags = (EMAIL_NOTICE_FLAG,)
        documents += [
            event.document
            for event in case.events
            if event.kind is EventKind.DISPATCH_PROOF and event.step == notice.step and event.document is not None
        ]
    return CaseRecord(
        case_id=case.id,
        reminder_dates=reminders,
        notice_date=today_in_paris(notice.at) if notice is not None else None,
        notice_channel=channel,
        proofs=tuple(proofs),
        documents=tuple(documents),
        proven_kinds=tuple(proven),
        flags=flags,
        einvoice=case.einvoice,
        einvoice_terms_taken=case.einvoice_terms_taken,
    )
