"""The creditor's documents: declared, uploaded, then cited by a filing (the debtor's evidence flow).

Same store and limits as the debtor's evidence (``replies.py``): a presigned
S3 POST fixing the declared type and exact size in production, a ``PUT`` of
the raw file to the API with a local folder, written once; the bytes must have
the declared size and look like the declared type. Files uploaded to S3 are
judged when a filing cites them, which also pins each one's SHA-256 in the
report; every later read checks it (``read_document``).

What a filing gets back, :class:`CitedFile`, is what other checks of the
documents build on (an e-invoice's reading, for one): the document's kind,
media type, size and digest, and its bytes as they were checked.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from functions.core.domain.documents import ACCEPTED_TYPES, KIND_LABELS, DocumentKind, FiledDocument
from functions.core.domain.evidence import JPEG, MAX_EVIDENCE_BYTES, MAX_EVIDENCE_FILES, PDF, PNG, XML, unlike_declared
from functions.core.domain.members import Member
from functions.core.domain.reports import Report
from functions.core.errors import Conflict, FieldError, NotFound, RuleNotMet
from functions.core.mounts import api_url
from functions.core.resources import Resources
from functions.core.store.documents import DeclaredDocument
from functions.core.store.evidence import Upload, stored_bytes
from functions.core.usecases.directory.members import require_approved
from functions.core.usecases.directory.replies import (
    EvidenceAltered,
    FileWording,
    refuse_declaration,
    storage,
    store_received,
)

MAX_DOCUMENTS = MAX_EVIDENCE_FILES  # cited by one report, as the debtor's evidence
MAX_UNCITED = 50  # declared by a member and not cited yet (forgotten after a week)
DOCUMENT_WORDING = FileWording(
    too_large="Chaque document doit faire au plus 5 Mo.",
    unlike="Le fichier reçu ne correspond pas à celui déclaré : rien n'a été enregistré.",
    already_received="Ce document a déjà été reçu et ne peut pas être remplacé : déclarez-en un nouveau.",
)
TYPE_NAMES = {PDF: "PDF", XML: "facture électronique XML (UBL ou CII)", JPEG: "image JPEG", PNG: "image PNG"}


class DocumentAlreadyCited(Conflict):
    slug, title = "document-deja-cite", "Document déjà joint à un signalement ou à un dossier"


@dataclass(frozen=True)
class CitedFile:
    """A document a filing cites, checked: what the report keeps of it, and its bytes."""

    document: FiledDocument
    content: bytes


def _names(content_types: frozenset[str]) -> str:
    names = [TYPE_NAMES[t] for t in sorted(content_types, key=list(TYPE_NAMES).index)]
    return f"{', '.join(names[:-1])} ou {names[-1]}" if len(names) > 1 else names[0]


def declare_document(
    res: Resources, member: Member, *, kind: DocumentKind, filename: str, content_type: str, size: int
) -> tuple[DeclaredDocument, Upload]:
    """Declare a document to file a report with; return how to upload it (presigned POST on S3, PUT locally)."""
    require_approved(member)
    accepted = ACCEPTED_TYPES[kind]
    refuse_declaration(
        size,
        content_type,
        accepted,
        DOCUMENT_WORDING,
        FieldError(
            "content_type",
            "type_de_document_refuse",
            f"{KIND_LABELS[kind]} : envoyez un fichier de l'un de ces types : {_names(accepted)}.",
        ),
    )
    if res.store.documents.count_uncited(member.id) >= MAX_UNCITED:
        raise RuleNotMet(
            "Trop de documents en attente.",
            [
                FieldError(
                    "kind",
                    "trop_de_documents_en_attente",
                    f"Au plus {MAX_UNCITED} documents en attente d'un signalement : citez-les dans un signalement, "
                    "ou attendez qu'ils soient oubliés (une semaine après leur envoi).",
                )
            ],
        )
    document_id = f"doc_{uuid.uuid4().hex[:12]}"
    document = DeclaredDocument(
        id=document_id,
        member_id=member.id,
        creditor_siren=member.siren,
        kind=kind,
        filename=filename,
        content_type=content_type,
        declared_bytes=size,
        key=f"documents/{member.id}/{document_id}",
        created_at=res.clock(),
    )
    res.store.documents.declare(document)
    local_url = api_url(res.settings.base_url, "directory", f"/documents/{document_id}")
    return document, storage(res).upload(document.key, content_type, size, local_url)


def _own(res: Resources, member: Member, document_id: str) -> DeclaredDocument:
    document = res.store.documents.get(member.id, document_id)
    if document is None:
        raise NotFound("Aucun document déclaré sous cet identifiant.")
    return document


def receive_document(res: Resources, member: Member, document_id: str, content: bytes) -> DeclaredDocument:
    """Store a document sent to the API itself (local folder storage), once."""
    document = _own(res, member, document_id)
    if document.report_id is not None:
        raise DocumentAlreadyCited(
            "Ce document est déjà joint à un signalement ou à un dossier : il ne peut plus changer."
        )
    store_received(res, document, content, DOCUMENT_WORDING)
    return document


def cite_documents(
    res: Resources, member: Member, document_ids: Sequence[str]
) -> tuple[list[CitedFile], list[DeclaredDocument], list[FieldError]]:
    """Check the documents a filing cites: each the member's, received, as declared, never cited before.

    Return the checked files (with their SHA-256), their declarations (to mark
    cited in the filing's transaction) and every problem found, each naming
    its place in ``documents``.
    """
    files = storage(res)
    cited: list[CitedFile] = []
    declared: list[DeclaredDocument] = []
    problems: list[FieldError] = []
    if len(set(document_ids)) > MAX_DOCUMENTS:
        problems.append(
            FieldError("documents", "trop_de_documents", f"Au plus {MAX_DOCUMENTS} documents par signalement.")
        )
        return cited, declared, problems
    for number, document_id in enumerate(dict.fromkeys(document_ids)):
        field = f"documents.{number}"
        document = res.store.documents.get(member.id, document_id)
        size = files.size(document.key) if document is not None else None
        if document is None or size is None or size > MAX_EVIDENCE_BYTES:
            problems.append(FieldError(field, "document_manquant", "Ce document n'a pas été reçu (ou dépasse 5 Mo)."))
            continue
        if document.report_id is not None:
            problems.append(
                FieldError(
                    field,
                    "document_deja_cite",
                    "Ce document est déjà joint à un signalement ou à un dossier de relance.",
                )
            )
            continue
        # Uploads to S3 are checked here, when cited: the presigned POST can check the size, not the bytes.
        content = files.read(document.key)
        unlike = unlike_declared(document.content_type, document.declared_bytes, content, field)
        if unlike is not None:
            problems.append(unlike)
            continue
        filed = FiledDocument(
            id=document.id,
            kind=document.kind,
            filename=document.filename,
            content_type=document.content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            key=document.key,
            uploaded_at=document.created_at,
        )
        cited.append(CitedFile(filed, content))
        declared.append(document)
    return cited, declared, problems


def read_document(res: Resources, document: FiledDocument) -> bytes:
    """Return a cited document's bytes; 409 when they no longer have the SHA-256 pinned at filing.

    404 once retention deleted them: a case's documents outlive the report filed from it, which takes its
    files along when it goes.
    """
    content = stored_bytes(storage(res), document.key)
    if content is None:
        raise NotFound("Ce document n'est plus conservé.")
    if hashlib.sha256(content).hexdigest() != document.sha256:
        raise EvidenceAltered(
            "Le contenu de ce document ne correspond plus à celui reçu lors du signalement : "
            "il ne peut pas servir de preuve.",
            extra={"sha256_cited": document.sha256},
        )
    return content


def forget_uncited(res: Resources) -> int:
    """Retention: delete the documents nobody cited within a week, records and files; return how many."""
    files, total = storage(res), 0
    while keys := res.store.documents.purge_uncited(res.clock()):
        for key in keys:
            files.delete(key)
        total += len(keys)
    return total


def store_document(
    res: Resources, member: Member, *, kind: DocumentKind, filename: str, content_type: str, content: bytes
) -> DeclaredDocument:
    """Declare and store a document in one go, as its creditor would (local folder storage: the demo, tests)."""
    document, _ = declare_document(
        res, member, kind=kind, filename=filename, content_type=content_type, size=len(content)
    )
    return receive_document(res, member, document.id, content)


def document_of(report: Report, document_id: str) -> FiledDocument:
    """One of the documents a report was filed with; 404 for any other id."""
    for document in report.documents:
        if document.id == document_id:
            return document
    raise NotFound("Aucun document sous cet identifiant pour ce signalement.")
