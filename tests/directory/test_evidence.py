"""Evidence is written once, only while the debtor can still act, and kept with its SHA-256."""

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.directory.conftest import World, reply_token
from tests.directory.factories import filing_payload
from tests.directory.proof import file_report


@pytest.fixture
def filed(world: World, tmp_path: Path, monkeypatch: Any) -> tuple[str, str]:
    """A notified report (evidence goes to var/evidence under the test's folder): its id and the debtor's token."""
    monkeypatch.chdir(tmp_path)
    report_id = file_report(world.api, world.member, filing_payload()).json["id"]
    return report_id, reply_token(world.mailer)


def declare(world: World, token: str, size: int) -> tuple[str, str]:
    started = world.api.post(
        f"/replies/{token}/evidence", json={"filename": "avoir.pdf", "content_type": "application/pdf", "size": size}
    )
    assert started.status_code == 201, started.json
    return started.json["evidence_id"], started.json["url"].split("/api/directory", 1)[1]


def test_an_evidence_file_is_written_once_and_never_replaced(world: World, filed: tuple[str, str]) -> None:
    report_id, token = filed
    evidence_id, path = declare(world, token, 23)
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


def docx(*names: str) -> bytes:
    """Return a zip holding ``names``, as Word writes a .docx (its parts)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<w:document/>")
    return buffer.getvalue()


WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script>" + b" " * 4000 + b"</body></html>"


def upload(world: World, token: str, content_type: str, declared: int, content: bytes) -> Any:
    started = world.api.post(
        f"/replies/{token}/evidence", json={"filename": "piece", "content_type": content_type, "size": declared}
    )
    assert started.status_code == 201, started.json
    path = started.json["url"].split("/api/directory", 1)[1]
    return world.api.put(path, data=content, content_type=content_type)


def stored_files(tmp_path: Path) -> list[Path]:
    """The debtor's evidence files (the creditor's documents, filed with the report, are under documents/)."""
    root = tmp_path / "var" / "evidence"
    return [path for path in root.rglob("*") if path.is_file() and not path.is_relative_to(root / "documents")]


def test_a_file_of_another_size_than_declared_is_refused_and_nothing_is_stored(
    world: World, filed: tuple[str, str], tmp_path: Path
) -> None:
    _, token = filed
    refused = upload(world, token, "text/plain", 5, HTML_PAGE)  # 5 bytes of text declared, 4 KB of HTML sent
    assert refused.status_code == 422 and refused.json["errors"][0]["code"] == "taille_differente"
    assert stored_files(tmp_path) == []
    shorter = upload(world, token, "application/pdf", 100, b"%PDF-1.4 court")
    assert shorter.status_code == 422 and shorter.json["errors"][0]["code"] == "taille_differente"
    assert stored_files(tmp_path) == []


@pytest.mark.parametrize(
    ("content_type", "content"),
    [
        ("text/plain", HTML_PAGE),
        ("text/plain", b"  <html lang='fr'><p>Bonjour</p></html>"),
        ("text/plain", b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("text/plain", b"%PDF-1.4 un PDF annonce comme texte"),
        ("text/plain", b"\x00\x01\x02binaire"),
        ("application/pdf", b"\x89PNG\r\n\x1a\n une image"),
        ("application/pdf", b"<html>%PDF-1.4</html>"),
        ("image/png", b"\xff\xd8\xff\xe0 un JPEG"),
        ("image/jpeg", b"%PDF-1.4 un PDF"),
        (WORD, docx("xl/workbook.xml", "[Content_Types].xml")),  # a spreadsheet, not a Word document
        (WORD, b"PK\x03\x04 pas vraiment une archive"),
    ],
    ids=["html-as-text", "html-tag", "svg", "pdf-as-text", "binary", "png-as-pdf", "html-as-pdf", "jpeg-as-png",
         "pdf-as-jpeg", "xlsx-as-word", "broken-zip"],
)  # fmt: skip
def test_a_file_whose_content_is_not_of_the_declared_type_is_refused_and_nothing_is_stored(
    world: World, filed: tuple[str, str], tmp_path: Path, content_type: str, content: bytes
) -> None:
    _, token = filed
    refused = upload(world, token, content_type, len(content), content)
    assert refused.status_code == 422, refused.json
    assert refused.json["errors"][0]["code"] == "contenu_different_du_type"
    assert stored_files(tmp_path) == []


@pytest.mark.parametrize(
    ("content_type", "content"),
    [
        ("application/pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"),
        ("image/jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01"),
        ("image/png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ("text/plain", "Virement de 1 250,00 € reçu le 28/02/2026.\r\n<Réf. VIR-0042>".encode()),
        ("text/plain", "Réglé par chèque n° 0042.".encode("cp1252")),
        ("text/plain", "Payé le 3 mars.".encode("utf-16")),
        (WORD, docx("[Content_Types].xml", "word/document.xml")),
    ],
    ids=["pdf", "jpeg", "png", "utf-8-text", "windows-1252-text", "utf-16-text", "word"],
)
def test_each_accepted_type_is_received_when_its_bytes_are_what_was_declared(
    world: World, filed: tuple[str, str], tmp_path: Path, content_type: str, content: bytes
) -> None:
    _, token = filed
    assert upload(world, token, content_type, len(content), content).status_code == 204
    assert [path.read_bytes() for path in stored_files(tmp_path)] == [content]
