"""The debtor's proof of a declared payment: uploaded through the case's link, cited by the declaration, its
SHA-256 shown to the creditor on the case's timeline."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from functions.core.usecases.recovery.debtor import case_token
from tests.recovery.conftest import Desk
from tests.recovery.factories import case_payload

RECEIPT = b"%PDF-1.4 virement VIR-0412 du 04/03/2026"
CREDITOR = "compta@menuiserie-durand.fr"


@pytest.fixture
def case_id(desk: Desk, tmp_path: Path, monkeypatch: Any) -> str:
    """A running case (evidence goes to var/evidence under the test's folder)."""
    monkeypatch.chdir(tmp_path)
    response = desk.api.post("/cases", json=case_payload(), headers=desk.member)
    assert response.status_code == 201, response.json
    return str(response.json["id"])


@pytest.fixture
def token(desk: Desk, case_id: str) -> str:
    return case_token(desk.resources, case_id)


def upload(desk: Desk, token: str, content: bytes = RECEIPT, size: int | None = None) -> str:
    started = desk.api.post(
        f"/debtor-cases/{token}/evidence",
        json={"filename": "virement.pdf", "content_type": "application/pdf", "size": size or len(content)},
    )
    assert started.status_code == 201, started.json
    assert started.json["method"] == "PUT"
    path = started.json["url"].split("/api/directory", 1)[1]
    sent = desk.api.put(path, data=content, content_type="application/pdf")
    assert sent.status_code == 204, sent.json
    return str(started.json["evidence_id"])


def declare(desk: Desk, token: str, evidence_id: str) -> Any:
    return desk.api.post(
        f"/debtor-cases/{token}/payment",
        json={"amount_cents": 2_400_00, "paid_on": "2026-03-02", "text": "VIR-0412", "evidence_id": evidence_id},
    )


def test_the_creditor_sees_the_proof_and_its_digest_on_the_case(desk: Desk, case_id: str, token: str) -> None:
    evidence_id = upload(desk, token)
    declared = declare(desk, token, evidence_id)
    assert declared.status_code == 200, declared.json
    event = desk.case(case_id)["timeline"][-1]
    assert event["kind"] == "payment_declared"
    assert event["evidence"] == {
        "id": evidence_id,
        "filename": "virement.pdf",
        "content_type": "application/pdf",
        "size": len(RECEIPT),
        "sha256": hashlib.sha256(RECEIPT).hexdigest(),
    }
    told = desk.mails_to(CREDITOR)[-1].get_content()
    assert hashlib.sha256(RECEIPT).hexdigest() in told
    # Resumed, then declared again: the same file cannot be cited twice.
    desk.api.post(f"/cases/{case_id}/resume", headers=desk.member)
    again = declare(desk, token, evidence_id)
    assert again.status_code == 422 and again.json["errors"][0]["code"] == "piece_deja_citee"


def test_a_proof_never_received_is_refused(desk: Desk, token: str) -> None:
    started = desk.api.post(
        f"/debtor-cases/{token}/evidence",
        json={"filename": "virement.pdf", "content_type": "application/pdf", "size": 40},
    )
    refused = declare(desk, token, started.json["evidence_id"])
    assert refused.status_code == 422
    assert [(e["field"], e["code"]) for e in refused.json["errors"]] == [("evidence_id.0", "piece_manquante")]


def test_a_proof_of_another_type_or_too_large_is_refused_when_declared(desk: Desk, token: str) -> None:
    html = desk.api.post(
        f"/debtor-cases/{token}/evidence", json={"filename": "x.html", "content_type": "text/html", "size": 10}
    )
    assert html.status_code == 422 and html.json["errors"][0]["code"] == "type_de_piece_refuse"
    large = desk.api.post(
        f"/debtor-cases/{token}/evidence",
        json={"filename": "x.pdf", "content_type": "application/pdf", "size": 6 * 1024 * 1024},
    )
    assert large.status_code == 413


def test_bytes_unlike_the_declared_file_are_not_stored(desk: Desk, token: str) -> None:
    started = desk.api.post(
        f"/debtor-cases/{token}/evidence",
        json={"filename": "virement.pdf", "content_type": "application/pdf", "size": 12},
    )
    path = started.json["url"].split("/api/directory", 1)[1]
    sent = desk.api.put(path, data=b"not a pdf!!!", content_type="application/pdf")
    assert sent.status_code == 422
    assert declare(desk, token, started.json["evidence_id"]).status_code == 422


def test_no_proof_goes_to_a_contested_case(desk: Desk, token: str) -> None:
    desk.api.post(f"/debtor-cases/{token}/contest", json={"reason": "other", "text": "Rien n'est dû ici."})
    closed = desk.api.post(
        f"/debtor-cases/{token}/evidence",
        json={"filename": "virement.pdf", "content_type": "application/pdf", "size": 10},
    )
    assert closed.status_code == 409


def test_a_refused_declaration_leaves_its_proof_to_cite_in_the_corrected_one(
    desk: Desk, case_id: str, token: str
) -> None:
    evidence_id = upload(desk, token)
    too_much = {"amount_cents": 3_000_00, "paid_on": "2026-03-02", "text": "VIR-0412", "evidence_id": evidence_id}
    refused = desk.api.post(f"/debtor-cases/{token}/payment", json=too_much)
    assert refused.status_code == 422 and desk.case(case_id)["status"] == "running"
    corrected = declare(desk, token, evidence_id)
    assert corrected.status_code == 200, corrected.json
    assert desk.case(case_id)["timeline"][-1]["evidence"]["id"] == evidence_id
