"""A report is filed with its documents: uploaded first to the evidence store, then cited, their SHA-256 pinned."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.usecases.directory.retention import purge
from tests.directory.conftest import World, register, s3_directory, subjects_to
from tests.directory.factories import OTHER_DEBTOR_SIREN, filing_payload
from tests.directory.proof import PROOF, file_report, upload_document
from tests.einvoices.samples import ubl_xml
from tests.store_state import stored_state

REFUSED = "https://ardoise.fr/problemes/regle-non-respectee"
UBL = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">'
    b"<ID>F-2025-0412</ID></Invoice>\n"
)


def codes(response: Any) -> list[str]:
    return [error["code"] for error in response.json["errors"]]


def uploaded(world: World, kind: str, content: bytes | None = None, content_type: str = "application/pdf") -> str:
    filename, default = PROOF.get(kind, ("engagement.pdf", b"%PDF-1.4\n% Devis signe le 2/11/2025\n%%EOF\n"))
    declared = upload_document(
        world.api, world.member, kind=kind, content=content or default, content_type=content_type, filename=filename
    )
    assert declared.status_code == 201, declared.json
    return str(declared.json["document_id"])


def evidence_files(tmp_path: Path) -> list[Path]:
    return sorted(path for path in (tmp_path / "var" / "evidence").rglob("*") if path.is_file())


def test_a_filing_without_documents_is_refused_with_every_other_failed_rule_and_leaves_nothing(
    world: World,
) -> None:
    before = stored_state(world.resources.store.backend)
    refused = world.api.post("/reports", json=filing_payload(reminder_dates=()), headers=world.member)
    assert refused.status_code == 422 and refused.json["type"] == REFUSED
    assert codes(refused) == ["relance_manquante", "facture_manquante", "preuve_mise_en_demeure_manquante"]
    assert {e["field"] for e in refused.json["errors"][1:]} == {"documents"}
    assert "Joignez la facture impayée" in refused.json["errors"][1]["message"]
    assert stored_state(world.resources.store.backend) == before
    assert subjects_to(world.mailer, "comptabilite@sge.fr") == []  # nobody told


def test_a_formal_notice_without_its_proof_of_dispatch_is_refused(world: World) -> None:
    documents = [uploaded(world, "invoice"), uploaded(world, "formal_notice")]
    refused = world.api.post("/reports", json=filing_payload(documents=documents), headers=world.member)
    assert refused.status_code == 422 and codes(refused) == ["preuve_mise_en_demeure_manquante"]
    without_invoice = [uploaded(world, "formal_notice"), uploaded(world, "notice_proof")]
    refused = world.api.post("/reports", json=filing_payload(documents=without_invoice), headers=world.member)
    assert codes(refused) == ["facture_manquante"]


def test_a_filing_pins_each_document_s_kind_and_sha256_and_a_document_serves_one_report(world: World) -> None:
    documents = [uploaded(world, kind) for kind in ("invoice", "formal_notice", "notice_proof", "commitment_proof")]
    filed = world.api.post("/reports", json=filing_payload(documents=documents), headers=world.member)
    assert filed.status_code == 201, filed.json
    shown = world.api.get(f"/reports/{filed.json['id']}", headers=world.member).json["documents"]
    assert [(d["id"], d["kind"], d["label"]) for d in shown] == [
        (documents[0], "invoice", "Facture"),
        (documents[1], "formal_notice", "Mise en demeure"),
        (documents[2], "notice_proof", "Preuve d'envoi de la mise en demeure"),
        (documents[3], "commitment_proof", "Preuve de l'engagement du débiteur"),
    ]
    invoice_bytes = PROOF["invoice"][1]
    assert (shown[0]["sha256"], shown[0]["size"]) == (hashlib.sha256(invoice_bytes).hexdigest(), len(invoice_bytes))
    again = world.api.post(
        "/reports", json=filing_payload(debtor_siren=OTHER_DEBTOR_SIREN, documents=documents), headers=world.member
    )
    assert again.status_code == 422 and codes(again).count("document_deja_cite") == 4
    # Cited, a document never changes: its upload is closed.
    resent = world.api.put(f"/documents/{documents[0]}", data=invoice_bytes, headers=world.member)
    assert resent.status_code == 409 and resent.json["type"] == "https://ardoise.fr/problemes/document-deja-cite"
    events = world.resources.store.audit.list_events("company:552100554")
    [filing] = [e for e in events if e.action == "report.filed"]
    assert [d["sha256"] for d in filing.after["documents"]] == [d["sha256"] for d in shown]
    assert "facture-F-2025-0412.pdf" not in json.dumps([e.after for e in events])  # a name is the creditor's text


def test_an_e_invoice_in_xml_is_an_invoice_but_no_other_kind_of_document(world: World) -> None:
    e_invoice = uploaded(world, "invoice", ubl_xml(), "application/xml")
    filed = file_report(
        world.api,
        world.member,
        filing_payload(documents=[e_invoice, uploaded(world, "formal_notice"), uploaded(world, "notice_proof")]),
    )
    assert filed.status_code == 201 and filed.json["documents"][0]["content_type"] == "application/xml"
    as_notice = world.api.post(
        "/documents",
        json={"kind": "formal_notice", "filename": "x.xml", "content_type": "application/xml", "size": len(UBL)},
        headers=world.member,
    )
    assert as_notice.status_code == 422 and codes(as_notice) == ["type_de_document_refuse"]
    assert "PDF, image JPEG ou image PNG" in as_notice.json["errors"][0]["message"]


@pytest.mark.parametrize(
    ("content_type", "content"),
    [
        ("application/xml", b"<html><body><script>alert(1)</script></body></html>"),
        ("application/xml", b"%PDF-1.4 un PDF annonce comme XML"),
        ("application/xml", b"<?xml version='1.0'?>\x00\x01binaire"),
        ("application/pdf", UBL),
    ],
    ids=["html-as-xml", "pdf-as-xml", "binary-as-xml", "xml-as-pdf"],
)
def test_an_invoice_whose_bytes_are_not_of_the_declared_type_is_refused_and_nothing_is_stored(
    world: World, tmp_path: Path, content_type: str, content: bytes
) -> None:
    declared = world.api.post(
        "/documents",
        json={"kind": "invoice", "filename": "f", "content_type": content_type, "size": len(content)},
        headers=world.member,
    )
    path = declared.json["url"].split("/api/directory", 1)[1]
    refused = world.api.put(path, data=content, content_type=content_type, headers=world.member)
    assert refused.status_code == 422 and codes(refused) == ["contenu_different_du_type"]
    assert evidence_files(tmp_path) == []


def test_a_document_is_the_member_s_own_and_must_be_received_before_it_is_cited(world: World, tmp_path: Path) -> None:
    other = {"Authorization": register(world.api, world.mailer, siren="542065479", name="Boulangerie Étoile")}
    theirs = upload_document(world.api, other, kind="invoice", content=PROOF["invoice"][1]).json["document_id"]
    assert world.api.put(f"/documents/{theirs}", data=b"%PDF-1.4", headers=world.member).status_code == 404
    declared_only = world.api.post(
        "/documents",
        json={"kind": "formal_notice", "filename": "m.pdf", "content_type": "application/pdf", "size": 20},
        headers=world.member,
    ).json["document_id"]
    documents = [theirs, declared_only, uploaded(world, "notice_proof")]
    refused = world.api.post("/reports", json=filing_payload(documents=documents), headers=world.member)
    assert refused.status_code == 422
    assert [(e["field"], e["code"]) for e in refused.json["errors"]] == [
        ("documents", "facture_manquante"),
        ("documents", "preuve_mise_en_demeure_manquante"),
        ("documents.0", "document_manquant"),
        ("documents.1", "document_manquant"),
    ]
    too_big = world.api.post(
        "/documents",
        json={"kind": "invoice", "filename": "f.pdf", "content_type": "application/pdf", "size": 5 * 1024 * 1024 + 1},
        headers=world.member,
    )
    assert too_big.status_code == 413


def test_only_an_approved_member_uploads_documents(world: World) -> None:
    body = {"kind": "invoice", "filename": "f.pdf", "content_type": "application/pdf", "size": 10}
    assert world.api.post("/documents", json=body).status_code == 401
    assert world.api.post("/documents", json=body, headers=world.moderator).status_code == 403


def test_documents_are_deleted_with_their_report_and_those_never_cited_after_a_week(
    world: World, tmp_path: Path
) -> None:
    filed = file_report(world.api, world.member, filing_payload())
    world.clock.advance(days=2)
    forgotten = uploaded(world, "invoice")
    assert len(evidence_files(tmp_path)) == 4
    world.clock.advance(days=6, hours=23)
    purge(world.resources)
    assert len(evidence_files(tmp_path)) == 4
    world.clock.advance(hours=1)
    purge(world.resources)  # the uncited invoice, a week after it was sent
    assert len(evidence_files(tmp_path)) == 3
    assert world.api.put(f"/documents/{forgotten}", data=b"%PDF", headers=world.member).status_code == 404
    world.clock.now = world.clock.now.replace(year=2030, month=12, day=31)  # 5 years after its due date
    assert purge(world.resources)["reports"] == 1
    assert evidence_files(tmp_path) == []
    assert world.resources.store.reports.get_report(filed.json["id"]) is None
    leftovers = [key for key in stored_state(world.resources.store.backend) if key[0].startswith("MEMBERDOCS#")]
    assert leftovers == []


def test_documents_go_straight_to_s3_pinned_to_their_size_and_are_judged_when_cited(
    aws: None, resources: Resources, mailer: OutboxMailer
) -> None:
    bucket = s3_directory(resources, mailer, "pieces")
    s3, client = bucket.s3, bucket.api
    member = {"Authorization": register(client, mailer)}
    page = b"<html><body><script>alert(1)</script></body></html>"
    declared = upload_document(client, member, kind="invoice", content=page)  # declared as a PDF
    fields = declared.json["fields"]
    assert declared.json["method"] == "POST" and fields["key"].startswith("pieces/documents/")
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert {"Content-Type": "application/pdf"} in policy["conditions"]
    assert ["content-length-range", len(page), len(page)] in policy["conditions"]
    # moto does not enforce the policy; S3 does. The bytes themselves are judged when the filing cites them.
    refused = file_report(client, member, filing_payload(documents=[declared.json["document_id"]]))
    assert refused.status_code == 422 and "contenu_different_du_type" in codes(refused)
    filed = file_report(client, member)
    assert filed.status_code == 201, filed.json
    key = s3.list_objects_v2(Bucket="ardoise-pieces", Prefix="pieces/documents/")["Contents"]
    assert len(key) == 4
