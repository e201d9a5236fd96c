"""The debtor's private link: see the report, upload evidence, dispute, declare payment, reply.

The link is a 256-bit random token, stored only as a digest, valid for
``ARDOISE_REPLY_LINK_DAYS`` and only for its own report. A dispute or a payment
declaration freezes publication (or takes a published report off the listing)
until a moderator decides; the creditor is told at once.

Evidence files are written once (a second upload to the same file is a 409),
accepted only while the debtor can still contest or declare a payment, and
each file a dispute cites is recorded in it with its SHA-256, which is checked
again when a moderator downloads it.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

from functions.core.clock import today_in_paris
from functions.core.domain import lifecycle
from functions.core.domain.evidence import (
    ACCEPTED_TYPES,
    DOCX,
    JPEG,
    MAX_EVIDENCE_BYTES,
    MAX_EVIDENCE_FILES,
    PDF,
    PNG,
    TEXT,
    Evidence,
    unlike_declared,
)
from functions.core.domain.penalties import Penalties
from functions.core.domain.replies import ReplyLink
from functions.core.domain.reports import DebtorAction, Dispute, DisputeKind, DisputeReason, Report, ReportStatus
from functions.core.errors import Conflict, FieldError, Gone, NotFound, PayloadTooLarge, RuleNotMet
from functions.core.resources import Resources
from functions.core.store.evidence import (
    EvidenceAlreadyStored,
    EvidenceStorage,
    Upload,
    evidence_storage,
)
from functions.core.usecases.directory import mails
from functions.core.usecases.directory.notices import penalties_of, reply_url
from functions.core.usecases.directory.progress import change_report

# Each accepted media type, with what a person calls it and its file names' endings (the page's file pickers).
EVIDENCE_TYPES = {
    PDF: ("PDF", (".pdf",)),
    JPEG: ("image JPEG", (".jpg", ".jpeg")),
    PNG: ("image PNG", (".png",)),
    TEXT: ("texte", (".txt",)),
    DOCX: ("document Word", (".docx",)),
}


def accepted_kinds() -> str:
    """``PDF, image JPEG, image PNG, texte ou document Word``."""
    names = [name for name, _ in EVIDENCE_TYPES.values()]
    return f"{', '.join(names[:-1])} ou {names[-1]}"


class EvidenceClosed(Conflict):
    slug, title = "pieces-closes", "Plus de pièces pour ce signalement"


class EvidenceAlreadyReceived(Conflict):
    slug, title = "piece-deja-recue", "Pièce déjà reçue"


class EvidenceAltered(Conflict):
    slug, title = "piece-modifiee", "Pièce modifiée depuis qu'elle a été produite"


@dataclass(frozen=True)
class DebtorPage:
    """What the debtor sees behind its link, and what it may still do there."""

    report: Report
    link: ReplyLink
    penalties: Penalties
    evidence: list[Evidence]
    actions: tuple[DebtorAction, ...]


def storage(res: Resources) -> EvidenceStorage:
    return evidence_storage(res.settings.evidence_url)


def open_link(res: Resources, token: str) -> tuple[Report, ReplyLink]:
    """Resolve a token to its report; 404 unknown, 410 expired or report no longer held."""
    link = res.store.replies.find_link(token)
    if link is None:
        raise NotFound("Ce lien n'existe pas. Vérifiez qu'il a été copié en entier.")
    if link.expired(res.clock()):
        raise Gone("Ce lien a expiré. Écrivez-nous en citant la facture pour en recevoir un nouveau.")
    report = res.store.reports.get_report(link.report_id)
    if report is None:
        raise Gone("Ce signalement n'est plus conservé.")
    return report, link


def debtor_page(res: Resources, token: str) -> DebtorPage:
    """What the debtor's link shows."""
    return _page(res, *open_link(res, token))


def _page(res: Resources, report: Report, link: ReplyLink) -> DebtorPage:
    penalties = penalties_of(res, report, res.clock())
    evidence = res.store.replies.list_evidence(report)
    return DebtorPage(report, link, penalties, evidence, lifecycle.debtor_actions(report))


@dataclass(frozen=True)
class FileWording:
    """How the refusals of an upload name the file, in French: the debtor's « pièce », the creditor's « document »."""

    too_large: str
    unlike: str
    already_received: str


EVIDENCE_WORDING = FileWording(
    too_large="Chaque pièce doit faire au plus 5 Mo.",
    unlike="La pièce reçue ne correspond pas à celle déclarée : rien n'a été enregistré.",
    already_received="Cette pièce a déjà été reçue et ne peut pas être remplacée : déclarez une nouvelle pièce.",
)


def refuse_declaration(
    size: int, content_type: str, accepted: Collection[str], wording: FileWording, refused_type: FieldError
) -> None:
    """Refuse a file declared larger than 5 MB (413) or of a type not accepted (422 ``refused_type``)."""
    if size > MAX_EVIDENCE_BYTES:
        raise PayloadTooLarge(wording.too_large)
    if content_type not in accepted:
        raise RuleNotMet("Type de fichier refusé.", [refused_type])


class DeclaredFile(Protocol):
    """What a declared upload says of its file (a debtor's evidence, a creditor's document)."""

    @property
    def key(self) -> str: ...

    @property
    def content_type(self) -> str: ...

    @property
    def declared_bytes(self) -> int: ...


def refuse_received(declared: DeclaredFile, content: bytes, wording: FileWording) -> None:
    """Refuse bytes over 5 MB (413) or unlike the declared file (422), before anything keeps them."""
    if len(content) > MAX_EVIDENCE_BYTES:
        raise PayloadTooLarge(wording.too_large)
    problem = unlike_declared(declared.content_type, declared.declared_bytes, content)
    if problem is not None:
        raise RuleNotMet(wording.unlike, [problem])


def store_received(res: Resources, declared: DeclaredFile, content: bytes, wording: FileWording) -> None:
    """Write a file sent to the API itself (local folder storage) once, if it is as declared; nothing otherwise."""
    refuse_received(declared, content, wording)
    try:
        storage(res).write(declared.key, content)
    except EvidenceAlreadyStored as exc:
        raise EvidenceAlreadyReceived(wording.already_received) from exc


def new_evidence(
    res: Resources, owner_id: str, *, filename: str, content_type: str, size: int, files_so_far: int, per: str
) -> Evidence:
    """A debtor's file declared on ``owner_id`` (a report, a recovery case) if its size, type and count fit
    (``per``: « signalement », « dossier », as the refusal names the owner)."""
    refuse_declaration(
        size,
        content_type,
        ACCEPTED_TYPES,
        EVIDENCE_WORDING,
        FieldError(
            "content_type", "type_de_piece_refuse", f"Envoyez un fichier de l'un de ces types : {accepted_kinds()}."
        ),
    )
    if files_so_far >= MAX_EVIDENCE_FILES:
        raise RuleNotMet(f"Au plus {MAX_EVIDENCE_FILES} pièces par {per}.")
    evidence_id = f"ev_{uuid.uuid4().hex[:12]}"
    return Evidence(
        id=evidence_id,
        report_id=owner_id,
        filename=filename,
        content_type=content_type,
        declared_bytes=size,
        key=f"{owner_id}/{evidence_id}",
        created_at=res.clock(),
    )


def start_upload(res: Resources, token: str, *, filename: str, content_type: str, size: int) -> tuple[Evidence, Upload]:
    """Declare an evidence file and return how to upload it (presigned POST on S3, PUT locally)."""
    report, _ = open_link(res, token)
    _refuse_if_closed(report)
    evidence = new_evidence(
        res,
        report.id,
        filename=filename,
        content_type=content_type,
        size=size,
        files_so_far=len(res.store.replies.list_evidence(report)),
        per="signalement",
    )
    res.store.replies.record_evidence(report, evidence)
    local_url = f"{reply_url(res, token)}/evidence/{evidence.id}"
    return evidence, storage(res).upload(evidence.key, content_type, size, local_url)


def _refuse_if_closed(report: Report) -> None:
    if not lifecycle.takes_evidence(report):
        raise EvidenceClosed(
            "Ce signalement ne peut plus être contesté ni faire l'objet d'une déclaration de paiement : "
            "aucune pièce ne peut plus être envoyée."
        )


def receive_upload(res: Resources, token: str, evidence_id: str, content: bytes) -> Evidence:
    """Store a file sent to the API itself (local folder storage), once."""
    report, _ = open_link(res, token)
    evidence = _declared(res, report, evidence_id)
    _refuse_if_closed(report)
    store_received(res, evidence, content, EVIDENCE_WORDING)
    return evidence


def declared_evidence(declared: Iterable[Evidence], evidence_id: str, per: str) -> Evidence:
    """The file ``evidence_id`` among those declared on an owner; 404 when it has none so named (``per``:
    « signalement », « dossier »)."""
    for evidence in declared:
        if evidence.id == evidence_id:
            return evidence
    raise NotFound(f"Aucune pièce déclarée sous cet identifiant pour ce {per}.")


def _declared(res: Resources, report: Report, evidence_id: str) -> Evidence:
    return declared_evidence(res.store.replies.list_evidence(report), evidence_id, "signalement")


def _checked_evidence(
    res: Resources, report: Report, evidence_ids: list[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return the cited files (each once, never one an earlier dispute cited) and their SHA-256."""
    return checked_evidence(
        res, res.store.replies.list_evidence(report), report.cited_evidence(), evidence_ids, "evidence_ids"
    )


def checked_evidence(
    res: Resources, declared: Iterable[Evidence], already: Collection[str], evidence_ids: list[str], field: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Of ``declared`` files, the ones cited (each once, none in ``already``) and their SHA-256, read now.

    ``field`` names the cited list in the errors (``evidence_ids.0``). A report's
    dispute and a recovery case's declared payment cite their debtor's files so.
    """
    by_id = {e.id: e for e in declared}
    problems, digests = [], {}
    files = storage(res)
    for number, evidence_id in enumerate(dict.fromkeys(evidence_ids)):
        evidence = by_id.get(evidence_id)
        size = files.size(evidence.key) if evidence else None
        if evidence is None or size is None or size > MAX_EVIDENCE_BYTES:
            problems.append(
                FieldError(f"{field}.{number}", "piece_manquante", "Cette pièce n'a pas été reçue (ou dépasse 5 Mo).")
            )
        elif evidence_id in already:
            problems.append(FieldError(f"{field}.{number}", "piece_deja_citee", "Cette pièce a déjà été produite."))
        else:
            # Uploads to S3 are checked here, when cited: the presigned POST can check the size, not the bytes.
            content = files.read(evidence.key)
            unlike = unlike_declared(evidence.content_type, evidence.declared_bytes, content, f"{field}.{number}")
            if unlike is not None:
                problems.append(unlike)
            else:
                digests[evidence_id] = hashlib.sha256(content).hexdigest()
    if problems:
        raise RuleNotMet("Certaines pièces n'ont pas été reçues.", problems)
    return tuple(digests), tuple(digests.values())


def _changed(res: Resources, report: Report, transition: Callable[[Report], Report], action: str) -> Report:
    changed = change_report(res, report.id, transition, actor=f"debtor:{report.debtor.siren}", action=action)
    assert changed is not None  # the link's report exists: open_link read it
    return changed[1]


def _contest(
    res: Resources,
    report: Report,
    link: ReplyLink,
    transition: Callable[[Report], Report],
    *,
    email: str,
    action: str,
) -> DebtorPage:
    def change(current: Report) -> Report:
        contested = transition(current)
        return replace(contested, debtor=replace(contested.debtor, email=email)) if email else contested

    changed = _changed(res, report, change, action)
    res.mailer.send(mails.dispute_to_creditor(changed, payment_declared=action == "report.payment_declared"))
    return _page(res, changed, link)


def dispute(
    res: Resources, token: str, *, reason: DisputeReason, text: str, evidence_ids: list[str], email: str = ""
) -> DebtorPage:
    """The debtor contests: publication frozen (or report off the listing) until moderation."""
    report, link = open_link(res, token)
    evidence, digests = _checked_evidence(res, report, evidence_ids)
    now = res.clock()

    def transition(current: Report) -> Report:
        was_published = current.status is ReportStatus.PUBLISHED
        dispute = Dispute(DisputeKind.DISPUTE, reason, text, now, was_published, evidence, evidence_sha256=digests)
        return lifecycle.disputed(current, dispute)

    return _contest(res, report, link, transition, email=email, action="report.disputed")


def declare_payment(
    res: Resources,
    token: str,
    *,
    paid_on: date,
    amount_cents: int | None,
    text: str,
    evidence_ids: list[str],
    email: str = "",
) -> DebtorPage:
    """The debtor says it paid (with proof): a dispute the creditor may settle by recording the payment.

    Possible while the report is listed, about to be, or disputed: an upheld
    contest does not stop the debtor from paying afterwards.
    """
    report, link = open_link(res, token)
    now = res.clock()
    refused = lifecycle.check_payment_declaration(
        report, paid_on=paid_on, amount_cents=amount_cents, evidence_count=len(evidence_ids), today=today_in_paris(now)
    )
    if refused:
        raise RuleNotMet("Cette déclaration de paiement ne peut pas être enregistrée.", refused)
    evidence, digests = _checked_evidence(res, report, evidence_ids)

    def transition(current: Report) -> Report:
        declaration = Dispute(
            DisputeKind.PAYMENT_DECLARED,
            DisputeReason.ALREADY_PAID,
            text,
            now,
            current.status is ReportStatus.PUBLISHED,
            evidence,
            paid_on=paid_on,
            declared_amount_cents=amount_cents,
            evidence_sha256=digests,
        )
        return lifecycle.payment_declared(current, declaration)

    return _contest(res, report, link, transition, email=email, action="report.payment_declared")


def reply(res: Resources, token: str, text: str) -> DebtorPage:
    """The debtor's public reply, shown next to the report whenever it is listed."""
    report, link = open_link(res, token)
    return _page(res, _changed(res, report, lambda r: lifecycle.replied(r, text), "report.replied"), link)


def read_evidence(res: Resources, report: Report, evidence_id: str) -> tuple[Evidence, bytes, str]:
    """Return a file for a moderator, with its SHA-256; 409 if it changed since a dispute cited it."""
    evidence = _declared(res, report, evidence_id)
    content = storage(res).read(evidence.key)
    digest = hashlib.sha256(content).hexdigest()
    cited = report.cited_evidence().get(evidence_id)
    if cited is not None and cited != digest:
        raise EvidenceAltered(
            "Le contenu de cette pièce ne correspond plus à celui reçu lors de la contestation : "
            "elle ne peut pas servir de preuve.",
            extra={"sha256_cited": cited},
        )
    return evidence, content, digest
