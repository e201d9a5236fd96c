"""Filing through the HTTP API with the documents every report needs (invoice, formal notice, its proof).

Tests that are not about the documents nor the review file with
:func:`file_report`, which uploads realistic documents first (``POST
/documents``, then the local ``PUT`` or the presigned S3 POST), cites them,
exactly as a creditor does, and has a moderator approve the report (``POST
/reports/{id}/review``), so that the debtor is told as before.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

import requests
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from functions.core.domain.documents import DocumentKind
from functions.core.domain.members import Member
from functions.core.resources import Resources
from functions.core.usecases.directory.documents import store_document
from tests.directory.conftest import moderator_headers
from tests.directory.factories import filing_payload

PDF = "application/pdf"
# The documents of a complete filing: the invoice, the formal notice and the proof it was sent.
PROOF = {
    "invoice": ("facture-F-2025-0412.pdf", b"%PDF-1.4\n% Facture F-2025-0412, 1 250,00 EUR TTC\n%%EOF\n"),
    "formal_notice": ("mise-en-demeure.pdf", b"%PDF-1.4\n% Mise en demeure du 30/01/2026\n%%EOF\n"),
    "notice_proof": ("accuse-reception.pdf", b"%PDF-1.4\n% Avis de reception LRAR 1A 234 567 8901 2\n%%EOF\n"),
}


def upload_document(
    client: FlaskClient,
    headers: dict[str, str],
    *,
    kind: str,
    content: bytes,
    content_type: str = PDF,
    filename: str = "piece.pdf",
) -> TestResponse:
    """Declare a document then send its bytes (local PUT or presigned S3 POST); return the declaration's answer."""
    headers = {k: v for k, v in headers.items() if k.lower() != "idempotency-key"}  # the filing's key, not theirs
    declared = client.post(
        "/documents",
        json={"kind": kind, "filename": filename, "content_type": content_type, "size": len(content)},
        headers=headers,
    )
    if declared.status_code != 201:
        return declared
    upload = declared.json
    if upload["method"] == "PUT":
        path = upload["url"].split("/api/directory", 1)[1]
        sent = client.put(path, data=content, content_type=content_type, headers=headers)
        assert sent.status_code == 204, sent.json
    else:
        posted = requests.post(upload["url"], data=upload["fields"], files={"file": (filename, content)}, timeout=5)
        assert posted.status_code in {200, 204}, posted.text
    return declared


def proof_documents(client: FlaskClient, headers: dict[str, str]) -> list[str] | None:
    """Upload the invoice, the formal notice and its proof; their ids (None when the caller may not upload)."""
    ids = []
    for kind, (filename, content) in PROOF.items():
        declared = upload_document(client, headers, kind=kind, content=content, filename=filename)
        if declared.status_code != 201:
            return None  # not an approved member: the filing answers why
        ids.append(declared.json["document_id"])
    return ids


def with_documents(client: FlaskClient, headers: dict[str, str], body: Any = None) -> Any:
    """The filing's body citing freshly uploaded documents (unless it cites its own)."""
    body = filing_payload() if body is None else body
    if not isinstance(body, dict) or "documents" in body:
        return body
    ids = proof_documents(client, headers)
    return body if ids is None else {**body, "documents": ids}


_MODERATORS: WeakKeyDictionary[Flask, dict[str, str]] = WeakKeyDictionary()


def reviewer(client: FlaskClient) -> dict[str, str]:
    """The headers of the moderator who checks the reports filed through ``client``'s app (one per app)."""
    app = client.application
    if app not in _MODERATORS:
        _MODERATORS[app] = moderator_headers(client)
    return _MODERATORS[app]


def approve(client: FlaskClient, report_id: str) -> TestResponse:
    """A moderator approves a report's file: the debtor's notice goes out."""
    approved = client.post(f"/reports/{report_id}/review", json={"decision": "approved"}, headers=reviewer(client))
    assert approved.status_code == 200, approved.json
    return approved


def file_for_review(client: FlaskClient, headers: dict[str, str], body: Any = None, **kwargs: Any) -> TestResponse:
    """``POST /reports`` as a creditor does it: the documents uploaded first, then cited; left under review."""
    return client.post("/reports", json=with_documents(client, headers, body), headers=headers, **kwargs)


def file_report(client: FlaskClient, headers: dict[str, str], body: Any = None, **kwargs: Any) -> TestResponse:
    """File (:func:`file_for_review`) and have a moderator approve: the filing's answer, the debtor told.

    A replayed filing (``Idempotency-Key``) was approved the first time.
    """
    filed = file_for_review(client, headers, body, **kwargs)
    if filed.status_code == 201 and filed.headers.get("Idempotent-Replayed") != "true":
        approve(client, filed.json["id"])
    return filed


def proof_document_ids(resources: Resources, member: Member) -> tuple[str, ...]:
    """Store the invoice, the formal notice and its proof through the use cases; their ids (to cite in a Filing)."""
    return tuple(
        store_document(
            resources, member, kind=DocumentKind(kind), filename=filename, content_type=PDF, content=content
        ).id
        for kind, (filename, content) in PROOF.items()
    )
