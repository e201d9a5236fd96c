"""Evidence is written once, only while the debtor can still act, and kept with its SHA-256."""

import hashlib
from pathlib import Path
from typing import Any

import pytest

from tests.directory.conftest import World, reply_token
from tests.directory.factories import filing_payload


@pytest.fixture
def filed(world: World, tmp_path: Path, monkeypatch: Any) -> tuple[str, str]:
    """A notified report (evidence goes to var/evidence under the test's folder): its id and the debtor's token."""
    monkeypatch.chdir(tmp_path)
    report_id = world.api.post("/reports", json=filing_payload(), headers=world.member).json["id"]
    return report_id, reply_token(world.mailer)


def declare(world: World, token: str, size: int) -> tuple[str, str]:
    started = world.api.post(
        f"/replies/{token}/evidence", json={"filename": "avoir.pdf", "content_type": "application/pdf", "size": size}
    )
    assert started.status_code == 201, started.json
    return started.json["evidence_id"], started.json["url"].split("/api/directory", 1)[1]


def test_an_evidence_file_is_written_once_and_never_replaced(world: World, filed: tuple[str, str]) -> None:
    report_id, token = filed
    evidence_id, path = declare(world, token, 24)
    assert world.api.put(path, data=b"%PDF-1.4 avoir n 2026-7", content_type="application/pdf").status_code == 204
    again = world.api.put(path, data=b"%PDF-1.4 autre contenu!", content_type="application/pdf")
    assert again.status_code == 409 and again.json["type"] == "https://ardoise.fr/problemes/piece-deja-recue"
    world.api.post(
        f"/replies/{token}",
        json={
            "action": "dispute",
            "reason": "wrong_amount",
            "text": "Avoir non déduit.",
            "evidence_ids": [evidence_id],
        },
    )
    downloaded = world.api.get(f"/reports/{report_id}/evidence/{evidence_id}", headers=world.moderator)
    assert downloaded.data == b"%PDF-1.4 avoir n 2026-7"


def test_no_evidence_is_taken_once_the_report_is_closed_to_the_debtor(world: World, filed: tuple[str, str]) -> None:
    report_id, token = filed
    _, late_path = declare(world, token, 10)
    assert world.api.post(f"/reports/{report_id}/withdraw", headers=world.member).json["status"] == "withdrawn"
    closed = "https://ardoise.fr/problemes/pieces-closes"
    started = world.api.post(
        f"/replies/{token}/evidence", json={"filename": "a.pdf", "content_type": "application/pdf", "size": 10}
    )
    assert started.status_code == 409 and started.json["type"] == closed
    late = world.api.put(late_path, data=b"%PDF-1.4 x", content_type="application/pdf")
    assert late.status_code == 409 and late.json["type"] == closed


def test_a_dispute_keeps_each_cited_files_sha256_and_a_changed_file_is_refused_as_proof(
    world: World, filed: tuple[str, str], tmp_path: Path
) -> None:
    report_id, token = filed
    content = b"%PDF-1.4 releve bancaire du 28/02/2026"
    evidence_id, path = declare(world, token, len(content))
    world.api.put(path, data=content, content_type="application/pdf")
    digest = hashlib.sha256(content).hexdigest()
    disputed = world.api.post(
        f"/replies/{token}",
        json={
            "action": "dispute",
            "reason": "already_paid",
            "text": "Payé par virement.",
            "evidence_ids": [evidence_id],
        },
    )
    assert disputed.json["dispute"]["evidence_sha256"] == [digest]
    seen = world.api.get(f"/reports/{report_id}", headers=world.moderator).json["dispute"]
    assert (seen["evidence_ids"], seen["evidence_sha256"]) == ([evidence_id], [digest])
    downloaded = world.api.get(f"/reports/{report_id}/evidence/{evidence_id}", headers=world.moderator)
    assert downloaded.headers["X-Content-SHA256"] == digest
    # As a replayed presigned POST could do on S3: the stored file changes after it was cited.
    [stored] = (tmp_path / "var" / "evidence").rglob(evidence_id)
    stored.write_bytes(b"%PDF-1.4 releve retouche")
    altered = world.api.get(f"/reports/{report_id}/evidence/{evidence_id}", headers=world.moderator)
    assert altered.status_code == 409 and altered.json["type"] == "https://ardoise.fr/problemes/piece-modifiee"
    assert altered.json["sha256_cited"] == digest
