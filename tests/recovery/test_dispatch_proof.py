"""A letter's proof of dispatch: the creditor joins the registered letter's receipt, its SHA-256 on the timeline."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from tests.directory.proof import upload_document
from tests.recovery.conftest import Desk
from tests.recovery.factories import case_payload

NOTICE_STEP = 2  # the default scenario's formal notice, by letter


@pytest.fixture
def case_id(desk: Desk) -> str:
    """A case whose formal notice letter went to the creditor to post on 18 March."""
    case = desk.api.post("/cases", json=case_payload(), headers=desk.member).json
    for day in (4, 11, 18):
        desk.tick_at(datetime(2026, 3, day, 8, tzinfo=UTC))
    return str(case["id"])


def proof(desk: Desk, kind: str = "notice_proof") -> tuple[str, bytes]:
    content = b"%PDF-1.4\n% Avis de reception LRAR 1A 987 654 3210 9, distribue le 20/03/2026\n%%EOF\n"
    declared = upload_document(desk.api, desk.member, kind=kind, content=content, filename="accuse.pdf")
    return str(declared.json["document_id"]), content


def join(desk: Desk, case_id: str, step: int, document_id: str):  # type: ignore[no-untyped-def]  # a test response
    return desk.api.post(
        f"/cases/{case_id}/dispatch-proofs", json={"step": step, "document_id": document_id}, headers=desk.member
    )


def test_the_receipt_of_the_notice_letter_joins_the_timeline_with_its_digest(desk: Desk, case_id: str) -> None:
    document_id, content = proof(desk)
    joined = join(desk, case_id, NOTICE_STEP, document_id)
    assert joined.status_code == 200, joined.json
    event = joined.json["timeline"][-1]
    assert (event["kind"], event["step"], event["step_name"]) == ("dispatch_proof", 2, "Mise en demeure")
    assert event["document"]["sha256"] == hashlib.sha256(content).hexdigest()
    assert event["document"]["id"] == document_id
    # Cited by the case: no filing may cite it again, and it is not purged as uncited.
    again = join(desk, case_id, NOTICE_STEP, document_id)
    assert [e["code"] for e in again.json["errors"]] == ["document_deja_cite"]


def test_a_proof_is_for_a_letter_step_already_prepared(desk: Desk, case_id: str) -> None:
    document_id, _ = proof(desk)
    refused = join(desk, case_id, 0, document_id)  # the courteous reminder went by e-mail
    assert refused.status_code == 422
    assert [e["code"] for e in refused.json["errors"]] == ["etape_non_postee"]


def test_a_proof_must_be_a_proof_of_dispatch(desk: Desk, case_id: str) -> None:
    document_id, _ = proof(desk, kind="commitment_proof")
    refused = join(desk, case_id, NOTICE_STEP, document_id)
    assert [e["code"] for e in refused.json["errors"]] == ["preuve_envoi_attendue"]


def test_an_unknown_document_is_refused(desk: Desk, case_id: str) -> None:
    refused = join(desk, case_id, NOTICE_STEP, "doc_nope")
    assert [(e["field"], e["code"]) for e in refused.json["errors"]] == [("document_id", "document_manquant")]
