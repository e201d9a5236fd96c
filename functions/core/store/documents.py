"""The creditor's documents, declared before a filing cites them.

- ``MEMBERDOCS#{member}`` / ``DOCUMENT#{id}``: one declared document (kind,
  file name, media type, declared size, storage key) and, once a filing cited
  it, that report's id. Until then it waits on ``gsi1`` under
  ``DIRQ#documents``, sorted by when it is forgotten: a declaration nobody
  cited within ``UNCITED_DAYS`` is deleted with its file by the retention
  step (no DynamoDB TTL: the file must go with the record). Citing takes it
  out of the queue in the filing's own transaction, guarded by its version, so
  that two filings never cite the same document. The report keeps what it
  cited (with each file's SHA-256); the record is deleted with the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from functions.core.domain.documents import DocumentKind
from functions.core.domain.retention import UNCITED_FILE_DAYS, forget_uncited_at
from functions.core.store.base import Repository, sortable_time
from functions.core.store.items import Item, Put, Write

UNCITED_QUEUE = "DIRQ#documents"
UNCITED_DAYS = UNCITED_FILE_DAYS


def documents_pk(member_id: str) -> str:
    return f"MEMBERDOCS#{member_id}"


def document_sk(document_id: str) -> str:
    return f"DOCUMENT#{document_id}"


@dataclass(frozen=True)
class DeclaredDocument:
    """A document a member declared (and, once checked, uploaded), cited or not yet."""

    id: str
    member_id: str
    creditor_siren: str
    kind: DocumentKind
    filename: str
    content_type: str
    declared_bytes: int
    key: str
    created_at: datetime
    report_id: str | None = None
    version: int = 1

    @property
    def forget_at(self) -> datetime:
        return forget_uncited_at(self.created_at)


def _data(document: DeclaredDocument) -> dict[str, object]:
    return {
        "id": document.id,
        "member_id": document.member_id,
        "creditor_siren": document.creditor_siren,
        "kind": document.kind.value,
        "filename": document.filename,
        "content_type": document.content_type,
        "declared_bytes": document.declared_bytes,
        "key": document.key,
        "created_at": document.created_at.isoformat(),
        "report_id": document.report_id,
    }


def _item(document: DeclaredDocument) -> Item:
    queue = (
        {"gsi1pk": UNCITED_QUEUE, "gsi1sk": f"{sortable_time(document.forget_at)}#{document.id}"}
        if document.report_id is None
        else {"gsi1pk": None, "gsi1sk": None}
    )
    return Item(documents_pk(document.member_id), document_sk(document.id), _data(document), document.version, **queue)


def _document(item: Item) -> DeclaredDocument:
    data = item.data
    return DeclaredDocument(
        id=str(data["id"]),
        member_id=str(data["member_id"]),
        creditor_siren=str(data["creditor_siren"]),
        kind=DocumentKind(data["kind"]),
        filename=str(data["filename"]),
        content_type=str(data["content_type"]),
        declared_bytes=int(data["declared_bytes"]),
        key=str(data["key"]),
        created_at=datetime.fromisoformat(data["created_at"]),
        report_id=data.get("report_id"),
        version=item.version,
    )


class Documents(Repository):
    """Declare, read and cite the creditors' documents; forget those never cited."""

    def declare(self, document: DeclaredDocument) -> None:
        # The file's name is the creditor's text: the audit log keeps its id, kind, type and size only.
        event = self.store.event(
            f"company:{document.creditor_siren}",
            f"document:{document.id}",
            "document.declared",
            f"member:{document.member_id}",
            after={
                "document": document.id,
                "kind": document.kind.value,
                "content_type": document.content_type,
                "bytes": document.declared_bytes,
            },
        )
        self.store.commit([Put(_item(document), None)], [event])

    def get(self, member_id: str, document_id: str) -> DeclaredDocument | None:
        """Return one of a member's documents, or None (unknown, another member's, or forgotten)."""
        item = self.backend.get(documents_pk(member_id), document_sk(document_id))
        return _document(item) if item else None

    def count_uncited(self, member_id: str) -> int:
        items = self.query_all(documents_pk(member_id), sk_prefix="DOCUMENT#")
        return sum(1 for item in items if item.data.get("report_id") is None)

    def cite_writes(self, documents: Sequence[DeclaredDocument], report_id: str) -> list[Write]:
        """The writes citing ``documents`` for a report, to commit with its filing (each only if unchanged)."""
        return [Put(_item(replace(d, report_id=report_id, version=d.version + 1)), d.version) for d in documents]

    def purge_uncited(self, now: datetime, limit: int = 200) -> list[str]:
        """Delete up to ``limit`` declarations never cited whose time is over; return their storage keys."""
        page = self.backend.query(UNCITED_QUEUE, index="gsi1", sk_to=sortable_time(now) + "#~", limit=limit)
        documents = [_document(item) for item in page.items]
        gone = self.delete_unchanged(page.items)  # cited at the last second: kept
        if gone == len(documents):
            return [d.key for d in documents]
        return [d.key for d in documents if self.backend.get(documents_pk(d.member_id), document_sk(d.id)) is None]
