"""The debtor's side of a case: its private link, what it shows, and what the debtor may do there.

Every message of a case carries the same private link (``/debtor-cases/{token}``).
Its token is derived from the case's id and the platform's secret key, so that
it needs no record: ``ard_dos_`` + the case id's 16 hex digits + an HMAC of
the id (a rotated secret key voids the links sent before). Through it the
debtor sees the invoice, what is owed today (penalties and indemnity shown,
never added to the principal) and the creditor's payment details, and may
contest (the scenario stops for good; the page points to the Médiateur des
entreprises) or declare a payment (nothing more is sent until the creditor
records it, or resumes the scenario when nothing came). The creditor is
e-mailed either way.

A declared payment may cite its proof (a transfer's receipt): a file the
debtor uploads first through the same evidence flow as a report's reply
(declared, then PUT locally or POSTed to S3, checked against its declared type
and size), kept under the case; the declaration pins its SHA-256 on the
timeline, where the creditor reads it and downloads the file
(:func:`produced_proof`, its bytes checked against that digest). The page's
form sends its file with the declaration: both are kept, or neither
(``declare_payment_with_proof``).

The documents the case was opened with (its invoice) are the debtor's to
download through the same link, as a report's debtor downloads the report's
(:func:`case_document`, their bytes checked against the digest pinned then).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

from functions.core.clock import today_in_paris
from functions.core.domain import recovery
from functions.core.domain.documents import FiledDocument
from functions.core.domain.evidence import Evidence
from functions.core.domain.members import Member
from functions.core.domain.penalties import Penalties
from functions.core.domain.recovery import DEBTOR_MAY_ACT, RecoveryCase
from functions.core.domain.reports import DISPUTE_REASON_LABELS, DisputeReason
from functions.core.errors import Conflict, FieldError, NotFound, Problem, RuleNotMet
from functions.core.french import format_eur, short_date
from functions.core.mailer import Message
from functions.core.mounts import api_url, space_url
from functions.core.resources import Resources
from functions.core.store.evidence import Upload, stored_bytes
from functions.core.store.recovery import EvidenceGone
from functions.core.tokens import derived_token
from functions.core.usecases.directory.documents import read_document
from functions.core.usecases.directory.replies import (
    EVIDENCE_WORDING,
    EvidenceAltered,
    checked_evidence,
    declared_evidence,
    new_evidence,
    refuse_received,
    storage,
    store_received,
)
from functions.core.usecases.recovery.cases import change_case, own_case

TOKEN_PREFIX = "ard_dos"  # noqa: S105 - a label, not a secret
_ID_PREFIX = "case_"
_ID_DIGITS = 16
MEDIATOR = (
    "Un désaccord sur cette facture ? Le Médiateur des entreprises propose une médiation gratuite et confidentielle "
    "entre entreprises : https://www.economie.gouv.fr/mediateur-des-entreprises"
)


def _mac(res: Resources, case_id: str) -> str:
    return derived_token(res.settings.secret_key, "m", f"case-link:{case_id}").removeprefix("m_")


def case_token(res: Resources, case_id: str) -> str:
    """The private token of a case's link (the same in every message of the case)."""
    return f"{TOKEN_PREFIX}_{case_id.removeprefix(_ID_PREFIX)}{_mac(res, case_id)}"


def case_link(res: Resources, case_id: str) -> str:
    """The public address of a case's private page."""
    return api_url(res.settings.base_url, "directory", f"/debtor-cases/{case_token(res, case_id)}")


def open_case_link(res: Resources, token: str) -> RecoveryCase:
    """The case a token opens; 404 for a token that Ardoise did not make (mistyped, forged, or of another key)."""
    unknown = NotFound("Ce lien n'existe pas. Vérifiez qu'il a été copié en entier.")
    body = token.removeprefix(f"{TOKEN_PREFIX}_")
    if body == token or len(body) <= _ID_DIGITS:
        raise unknown
    case_id = _ID_PREFIX + body[:_ID_DIGITS]
    if not hmac.compare_digest(body[_ID_DIGITS:], _mac(res, case_id)):
        raise unknown
    case = res.store.cases.get_case(case_id)
    if case is None:
        raise unknown
    return case


@dataclass(frozen=True)
class DebtorView:
    """What the debtor's page shows: the case, what is owed today, what it may still do."""

    case: RecoveryCase
    penalties: Penalties
    may_act: bool
    may_propose_schedule: bool


def debtor_view(res: Resources, token: str) -> DebtorView:
    case = open_case_link(res, token)
    today = today_in_paris(res.clock())
    penalties = recovery.case_penalties(case, today, res.settings.ecb_rates, res.settings.penalty_points)
    return DebtorView(case, penalties, case.status in DEBTOR_MAY_ACT, recovery.may_propose_schedule(case))


def case_document(res: Resources, token: str, document_id: str) -> tuple[FiledDocument, bytes]:
    """A document the case was opened with, and its bytes; 404 for any other id, 409 when they changed since."""
    case = open_case_link(res, token)
    document = next((d for d in case.documents if d.id == document_id), None)
    if document is None:
        raise NotFound("Aucun document sous cet identifiant pour ce dossier.")
    return document, read_document(res, document)


def _tell_creditor(res: Resources, case: RecoveryCase, subject: str, text: str) -> None:
    """E-mail the creditor what the debtor did (after the commit: a lost e-mail changes nothing stored)."""
    res.mailer.send(Message(to=case.creditor.email, subject=subject, text=text))


def contest(res: Resources, token: str, *, reason: DisputeReason, text: str) -> DebtorView:
    """The debtor contests: the scenario stops; the creditor is told, with the debtor's words."""
    case = open_case_link(res, token)
    actor = f"debtor:{case.debtor.siren}"
    saved = change_case(
        res,
        case.id,
        lambda current: recovery.contested(current, reason=reason, text=text, now=res.clock(), actor=actor),
        actor=actor,
        action="case.contested",
    )
    assert saved is not None
    _tell_creditor(
        res,
        saved,
        f"Facture {saved.invoice.number} : {saved.debtor.name} conteste",
        f"Bonjour,\n\n{saved.debtor.name} conteste la facture {saved.invoice.number} "
        f"({DISPUTE_REASON_LABELS[reason]}) :\n\n{text}\n\nArdoise a arrêté les relances de ce dossier. "
        f"{MEDIATOR}\n\nL'équipe Ardoise\n",
    )
    return debtor_view(res, token)


def _refuse_if_closed(case: RecoveryCase) -> None:
    if case.status not in DEBTOR_MAY_ACT:
        raise Conflict(
            f"Ce dossier est {recovery.STATUS_LABELS[case.status]} : aucune pièce ne peut plus y être envoyée."
        )


def _new_proof(res: Resources, case: RecoveryCase, *, filename: str, content_type: str, size: int) -> Evidence:
    """A proof file declared on the case, if its type, size and count fit (not kept yet)."""
    files_so_far = len(res.store.cases.list_evidence(case))
    return new_evidence(
        res, case.id, filename=filename, content_type=content_type, size=size, files_so_far=files_so_far, per="dossier"
    )


def start_upload(res: Resources, token: str, *, filename: str, content_type: str, size: int) -> tuple[Evidence, Upload]:
    """Declare a proof file on the case and return how to upload it (presigned POST on S3, PUT locally)."""
    case = open_case_link(res, token)
    _refuse_if_closed(case)
    evidence = _new_proof(res, case, filename=filename, content_type=content_type, size=size)
    res.store.cases.record_evidence(case, evidence)
    local_url = f"{case_link(res, case.id)}/evidence/{evidence.id}"
    return evidence, storage(res).upload(evidence.key, content_type, size, local_url)


def receive_upload(res: Resources, token: str, evidence_id: str, content: bytes) -> Evidence:
    """Store a proof file sent to the API itself (local folder storage, or a page's form), once."""
    case = open_case_link(res, token)
    evidence = declared_evidence(res.store.cases.list_evidence(case), evidence_id, "dossier")
    _refuse_if_closed(case)
    store_received(res, evidence, content, EVIDENCE_WORDING)
    return evidence


@dataclass(frozen=True)
class SentFile:
    """A file a page's form sent with the rest of the form (no script to upload it first)."""

    filename: str
    content_type: str
    content: bytes


def declare_payment_with_proof(
    res: Resources, token: str, *, amount_cents: int, paid_on: date, text: str, proof: SentFile | None
) -> DebtorView:
    """The page's form: a declared payment and the proof it sent if any, both kept or neither.

    Everything that may refuse the form is checked before anything is kept (the
    declaration on today's case, the file's type, size, count and bytes), so
    that a refused form leaves no file behind. Should the declaration still be
    refused once the file is stored (the case changed meanwhile), the file and
    its record are forgotten: nothing cites them.
    """
    if proof is None:
        return declare_payment(res, token, amount_cents=amount_cents, paid_on=paid_on, text=text)
    case = open_case_link(res, token)
    now, actor = res.clock(), f"debtor:{case.debtor.siren}"
    # The transition's own checks on the case as it stands (its status, the amount, the date; nothing is saved).
    recovery.payment_declared(case, amount_cents=amount_cents, paid_on=paid_on, text=text, now=now, actor=actor)
    evidence = _new_proof(res, case, filename=proof.filename, content_type=proof.content_type, size=len(proof.content))
    refuse_received(evidence, proof.content, EVIDENCE_WORDING)
    res.store.cases.record_evidence(case, evidence)
    try:
        store_received(res, evidence, proof.content, EVIDENCE_WORDING)
        return declare_payment(
            res, token, amount_cents=amount_cents, paid_on=paid_on, text=text, evidence_id=evidence.id
        )
    except Problem:
        # A refusal commits nothing of the declaration: the file is the form's alone, and goes with it.
        storage(res).delete(evidence.key)
        res.store.cases.forget_evidence(case, evidence, actor=actor)
        raise


def declare_payment(
    res: Resources, token: str, *, amount_cents: int, paid_on: date, text: str, evidence_id: str | None = None
) -> DebtorView:
    """The debtor says it paid, with its proof if any: reminders pause until the creditor records the payment
    or resumes them."""
    case = open_case_link(res, token)
    actor = f"debtor:{case.debtor.siren}"
    proof: Evidence | None = None
    digest = ""
    if evidence_id is not None:
        declared = res.store.cases.list_evidence(case)
        cited, digests = checked_evidence(res, declared, case.cited_evidence(), [evidence_id], "evidence_id")
        proof = declared_evidence(declared, cited[0], "dossier")
        digest = digests[0]
    try:
        saved = change_case(
            res,
            case.id,
            lambda current: recovery.payment_declared(
                current,
                amount_cents=amount_cents,
                paid_on=paid_on,
                text=text,
                now=res.clock(),
                actor=actor,
                evidence=proof,
                evidence_sha256=digest,
            ),
            actor=actor,
            action="case.payment_declared",
        )
    except EvidenceGone:
        # Forgotten by the retention at the very moment it was cited (uncited for a week until then).
        missing = FieldError(
            "evidence_id.0", "piece_manquante", "Cette pièce n'est plus conservée : envoyez-la à nouveau."
        )
        raise RuleNotMet("Certaines pièces n'ont pas été reçues.", [missing]) from None
    assert saved is not None
    _tell_creditor(
        res,
        saved,
        f"Facture {saved.invoice.number} : {saved.debtor.name} déclare avoir payé",
        f"Bonjour,\n\n{saved.debtor.name} déclare avoir payé {format_eur(amount_cents)} le {short_date(paid_on)} "
        f"sur la facture {saved.invoice.number}"
        + (f" :\n\n{text}" if text else ".")
        + (
            f"\n\nSon justificatif ({proof.filename}, SHA-256 {digest}) est joint au dossier."
            if proof is not None
            else ""
        )
        + "\n\n"
        "Ardoise a suspendu les relances. Dès réception, enregistrez le paiement ; si rien n'est arrivé, reprenez "
        "les relances, depuis la page du dossier :\n\n"
        f"{space_url(res.settings.base_url, 'member', f'/dossiers/{saved.id}')}\n\n"
        f"(Par l'API : POST /cases/{saved.id}/payments ou /resume.)\n\nL'équipe Ardoise\n",
    )
    return debtor_view(res, token)


def produced_proof(res: Resources, member: Member, case_id: str, evidence_id: str) -> tuple[Evidence, bytes, str]:
    """A proof file the debtor produced on one of the member's cases, its bytes and the SHA-256 the timeline pins.

    Only a file a declaration cited is produced to the creditor (an upload the debtor never cited stays its
    own): 404 for any other id, or another member's case; 409 when the bytes no longer have the digest."""
    case = own_case(res, member, case_id)
    event = next((e for e in case.events if e.evidence is not None and e.evidence.id == evidence_id), None)
    if event is None or event.evidence is None:
        raise NotFound("Aucun justificatif du débiteur sous cet identifiant dans ce dossier.")
    content = stored_bytes(storage(res), event.evidence.key)
    if content is None:  # retention deleted it
        raise NotFound("Ce justificatif n'est plus conservé.")
    digest = hashlib.sha256(content).hexdigest()
    if digest != event.evidence_sha256:
        raise EvidenceAltered(
            "Ce justificatif ne correspond plus à celui que le débiteur a produit : il ne peut pas servir de preuve.",
            extra={"sha256_cited": event.evidence_sha256},
        )
    return event.evidence, content, digest
