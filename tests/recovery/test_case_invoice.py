"""A case opened with its invoice's document, as a filing is: an e-invoice read and cross-checked, the terms left out
taken from it, the documents pinned to the case and carried to its report, its court request and its debtor."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from functions.core.usecases.recovery.debtor import case_token
from tests.directory.conftest import register
from tests.directory.factories import CREDITOR_SIREN, filing_payload
from tests.directory.proof import PROOF, upload_document
from tests.directory.test_einvoice_filing import INVOICE_FIELDS, MAKERS
from tests.einvoices.samples import MISMATCHED, cii_xml, facturx_pdf, ubl_xml
from tests.recovery.conftest import Desk
from tests.recovery.factories import case_payload
from tests.recovery.test_case_report import file_from_case, unpaid_case
from tests.recovery.test_injunction_api import prepare, seat_in_registry
from tests.spaces.conftest import MEMBER_EMAIL
from tests.spaces.helpers import sign_in

PROBLEMS = "https://ardoise.fr/problemes/"
XML, PDF = "application/xml", "application/pdf"
# The e-invoice the suite's samples write: F-2025-0412 of 1 December 2025, due 31 December, 1,250.00 EUR.
SAMPLE_INVOICE = {
    "number": "F-2025-0412",
    "issue_date": "2025-12-01",
    "due_date": "2025-12-31",
    "amount_cents": 1_250_00,
}
# The same invoice as the case factories' (F-2026-0117, due the day before the suite's clock), to run a scenario.
CASE_TERMS: dict[str, Any] = {"BT_1": "F-2026-0117", "BT_2": date(2026, 1, 30), "BT_9": date(2026, 3, 1)}


def _upload(desk: Desk, content: bytes, content_type: str = PDF, kind: str = "invoice") -> str:
    declared = upload_document(desk.api, desk.member, kind=kind, content=content, content_type=content_type)
    assert declared.status_code == 201, declared.json
    return str(declared.json["document_id"])


def _left_out(body: dict[str, Any], *fields: str) -> dict[str, Any]:
    return {**body, "invoice": {k: v for k, v in body["invoice"].items() if k not in fields}}


def _opening(documents: list[str], **payload: Any) -> dict[str, Any]:
    """An opening whose invoice terms are all left out but the rest owed: the e-invoice cited gives them."""
    return {**_left_out(case_payload(**payload), *INVOICE_FIELDS), "documents": documents}


def _cited_by(desk: Desk, document_id: str) -> str | None:
    member = desk.resources.store.members.list_members(CREDITOR_SIREN)[0]
    declared = desk.resources.store.documents.get(member.id, document_id)
    assert declared is not None
    return declared.report_id


@pytest.mark.parametrize("syntax", sorted(MAKERS))
def test_an_opening_citing_an_e_invoice_takes_the_terms_left_out_from_it(desk: Desk, syntax: str) -> None:
    make, media = MAKERS[syntax]
    content = make()
    document_id = _upload(desk, content, media)
    opened = desk.api.post("/cases", json=_opening([document_id], outstanding_cents=1_250_00), headers=desk.member)
    assert opened.status_code == 201, opened.json
    case = desk.case(opened.json["id"])
    assert case["invoice"] == SAMPLE_INVOICE and case["outstanding_cents"] == 1_250_00
    assert case["einvoice"]["syntax"] == syntax and case["einvoice"]["buyer_siren"] == "552100554"
    assert case["einvoice_terms_taken"] == ["BT-1", "BT-2", "BT-9", "BT-115"]
    [document] = case["documents"]
    assert (document["id"], document["kind"], document["content_type"]) == (document_id, "invoice", media)
    assert document["sha256"] == hashlib.sha256(content).hexdigest() and document["size"] == len(content)
    # Pinned to the case: marked cited by it, so that the purge of uncited uploads leaves it.
    assert _cited_by(desk, document_id) == case["id"]


def test_an_opening_without_an_e_invoice_still_types_every_term(desk: Desk) -> None:
    document_id = _upload(desk, PROOF["invoice"][1])
    refused = desk.api.post("/cases", json=_opening([document_id]), headers=desk.member)
    assert refused.status_code == 400 and refused.json["type"] == PROBLEMS + "validation"
    assert [(e["field"], e["code"]) for e in refused.json["errors"]] == [
        ("invoice.number", "missing"),
        ("invoice.issue_date", "missing"),
        ("invoice.due_date", "missing"),
        ("invoice.amount_cents", "missing"),
    ]
    assert _cited_by(desk, document_id) is None


def test_a_mismatching_e_invoice_is_refused_and_no_case_opened_nor_document_pinned(desk: Desk) -> None:
    document_id = _upload(desk, facturx_pdf(**MISMATCHED["BT-9"]))
    body = {**case_payload(**SAMPLE_INVOICE, outstanding_cents=1_250_00), "documents": [document_id]}
    refused = desk.api.post("/cases", json=body, headers=desk.member)
    assert refused.status_code == 422 and refused.json["type"] == PROBLEMS + "facture-incoherente"
    assert [(e["field"], e["code"]) for e in refused.json["errors"]] == [("invoice.due_date", "facture_incoherente")]
    assert desk.api.get("/cases", headers=desk.member).json["items"] == []
    assert _cited_by(desk, document_id) is None


def test_a_cited_invoice_that_is_no_valid_e_invoice_is_refused(desk: Desk) -> None:
    broken = ubl_xml().replace(b"<cbc:IssueDate>2025-12-01</cbc:IssueDate>", b"")
    document_id = _upload(desk, broken, XML)
    refused = desk.api.post("/cases", json=_opening([document_id]), headers=desk.member)
    assert refused.status_code == 422 and refused.json["type"] == PROBLEMS + "facture-electronique-invalide"
    assert [(e["field"], e["code"]) for e in refused.json["errors"]] == [
        ("documents.0", "facture_electronique_invalide")
    ]
    assert desk.api.get("/cases", headers=desk.member).json["items"] == []
    assert _cited_by(desk, document_id) is None


def test_a_document_cited_by_a_case_is_refused_to_another_case_and_to_a_report(desk: Desk) -> None:
    document_id = _upload(desk, PROOF["invoice"][1])
    first = desk.api.post("/cases", json={**case_payload(), "documents": [document_id]}, headers=desk.member)
    assert first.status_code == 201, first.json
    again = desk.api.post(
        "/cases", json={**case_payload(number="F-2026-0118"), "documents": [document_id]}, headers=desk.member
    )
    assert again.status_code == 422
    assert [(e["field"], e["code"]) for e in again.json["errors"]] == [("documents.0", "document_deja_cite")]
    assert [c["id"] for c in desk.api.get("/cases", headers=desk.member).json["items"]] == [first.json["id"]]
    filed = desk.api.post("/reports", json={**filing_payload(), "documents": [document_id]}, headers=desk.member)
    assert filed.status_code == 422
    assert ("documents.0", "document_deja_cite") in [(e["field"], e["code"]) for e in filed.json["errors"]]
    assert _cited_by(desk, document_id) == first.json["id"]


def test_a_case_is_opened_with_its_invoice_and_a_commitment_never_with_a_notice(desk: Desk) -> None:
    notice = _upload(desk, PROOF["formal_notice"][1], kind="formal_notice")
    refused = desk.api.post("/cases", json={**case_payload(), "documents": [notice]}, headers=desk.member)
    assert refused.status_code == 422
    assert [(e["field"], e["code"]) for e in refused.json["errors"]] == [("documents.0", "document_hors_dossier")]
    assert _cited_by(desk, notice) is None


def test_the_report_filed_from_the_case_carries_its_invoice_without_a_second_upload(
    desk: Desk, moderator: dict[str, str]
) -> None:
    content = PROOF["invoice"][1]
    document_id = _upload(desk, content)
    case_id = unpaid_case(desk, documents=[document_id])
    filed = file_from_case(desk, case_id)
    assert filed.status_code == 201, filed.json
    report = filed.json
    invoice = next(d for d in report["documents"] if d["kind"] == "invoice")
    assert (invoice["id"], invoice["sha256"]) == (document_id, hashlib.sha256(content).hexdigest())
    assert sorted(d["kind"] for d in report["documents"]) == ["invoice", "notice_proof"]
    # The moderator reviewing the report downloads the invoice the case was opened with.
    [waiting] = desk.api.get("/reviews", headers=moderator).json["items"]
    shown = next(d for d in waiting["documents"] if d["kind"] == "invoice")
    downloaded = desk.api.get(shown["url"], headers=moderator)
    assert downloaded.status_code == 200 and downloaded.data == content


def test_citing_the_case_s_own_invoice_again_at_filing_is_no_second_citation(desk: Desk) -> None:
    document_id = _upload(desk, PROOF["invoice"][1])
    case_id = unpaid_case(desk, documents=[document_id])
    filed = file_from_case(desk, case_id, documents=[document_id])
    assert filed.status_code == 201, filed.json
    assert [d["id"] for d in filed.json["documents"] if d["kind"] == "invoice"] == [document_id]


def test_the_report_from_a_case_opened_with_an_e_invoice_keeps_what_it_read(desk: Desk) -> None:
    document_id = _upload(desk, ubl_xml(**CASE_TERMS), XML)
    case_id = unpaid_case(desk, body=_opening([document_id], outstanding_cents=1_250_00))
    report = file_from_case(desk, case_id).json
    assert (report["invoice_number"], report["due_date"], report["amount_cents"]) == (
        "F-2026-0117",
        "2026-03-01",
        1_250_00,
    )
    assert report["einvoice"]["syntax"] == "ubl" and report["einvoice"]["number"] == "F-2026-0117"
    agreements = {row["term"]: row["agreement"] for row in report["einvoice_check"]}
    assert [agreements[t] for t in ("BT-1", "BT-2", "BT-9", "BT-115")] == ["taken_from_einvoice"] * 4
    assert agreements["BT-47"] == "agreed"


def test_the_report_from_a_case_holding_an_e_invoice_cites_no_second_one(desk: Desk) -> None:
    case_id = unpaid_case(desk, body=_opening([_upload(desk, ubl_xml(**CASE_TERMS), XML)], outstanding_cents=1_250_00))
    refused = file_from_case(desk, case_id, documents=[_upload(desk, cii_xml(**CASE_TERMS), XML)])
    assert refused.status_code == 422 and refused.json["type"] == PROBLEMS + "facture-electronique-invalide"
    assert [(e["field"], e["code"]) for e in refused.json["errors"]] == [
        ("documents", "plusieurs_factures_electroniques")
    ]


def test_the_injunction_exhibits_list_the_invoice_the_case_holds_with_its_digest(desk: Desk) -> None:
    seat_in_registry(desk)
    content = PROOF["invoice"][1]
    case_id = unpaid_case(desk, documents=[_upload(desk, content)])
    prepared = prepare(
        desk, case_id, procedure="injonction_de_payer", court={"code": "tae-paris"}, signed_document="Devis signé"
    )
    assert prepared.status_code == 201, prepared.json
    first = prepared.json["exhibits"][0]
    assert first["title"].startswith("Facture n° F-2026-0117 du 30 janvier 2026")
    assert first["detail"] == (
        f"piece.pdf, jointe au dossier à son ouverture ; empreinte SHA-256 {hashlib.sha256(content).hexdigest()}"
    )


def test_the_debtor_downloads_the_case_s_invoice_by_its_link_and_nothing_else(desk: Desk) -> None:
    content = PROOF["invoice"][1]
    document_id = _upload(desk, content)
    case = desk.api.post("/cases", json={**case_payload(), "documents": [document_id]}, headers=desk.member).json
    token = case_token(desk.resources, case["id"])
    [listed] = desk.api.get(f"/debtor-cases/{token}").json["documents"]
    assert (listed["id"], listed["kind"], listed["url"]) == (
        document_id,
        "invoice",
        f"/debtor-cases/{token}/documents/{document_id}",
    )
    got = desk.api.get(listed["url"])  # the link's token is the only credential
    assert got.status_code == 200 and got.data == content
    assert got.headers["X-Content-SHA256"] == hashlib.sha256(content).hexdigest() == listed["sha256"]
    assert "attachment" in got.headers["Content-Disposition"] and got.headers["Cache-Control"] == "no-store"
    html = desk.api.get(f"/debtor-cases/{token}", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert f'href="{listed["url"]}"' in html and "Pièces jointes par le créancier" in html
    other = _upload(desk, b"%PDF-1.4\n% Une autre facture, jamais citee\n%%EOF\n")
    assert desk.api.get(f"/debtor-cases/{token}/documents/{other}").status_code == 404
    unknown = desk.api.get(f"/debtor-cases/ard_dos_{'0' * 40}/documents/{document_id}")
    assert unknown.status_code == 404 and unknown.content_type == "application/problem+json"


def test_the_debtor_is_refused_an_invoice_changed_or_gone_since_the_opening(desk: Desk, tmp_path: Path) -> None:
    document_id = _upload(desk, PROOF["invoice"][1])
    case = desk.api.post("/cases", json={**case_payload(), "documents": [document_id]}, headers=desk.member).json
    url = f"/debtor-cases/{case_token(desk.resources, case['id'])}/documents/{document_id}"
    [stored] = (tmp_path / "var" / "evidence").rglob(document_id)
    stored.write_bytes(b"%PDF-1.4 facture retouchee apres l'ouverture")
    altered = desk.api.get(url)
    assert altered.status_code == 409 and altered.json["sha256_cited"] == case["documents"][0]["sha256"]
    stored.unlink()  # as the retention of a report filed from the case leaves it
    gone = desk.api.get(url)
    assert gone.status_code == 404 and gone.content_type == "application/problem+json"


def test_the_creditor_downloads_the_documents_its_case_holds_by_the_api_and_its_space(desk: Desk) -> None:
    content = PROOF["invoice"][1]
    document_id = _upload(desk, content)
    case_id = unpaid_case(desk, documents=[document_id])  # with its notice's proof of dispatch joined
    [proof] = [e["document"] for e in desk.case(case_id)["timeline"] if e["kind"] == "dispatch_proof"]
    for held, expected in ((document_id, content), (proof["id"], None)):
        got = desk.api.get(f"/cases/{case_id}/documents/{held}", headers=desk.member)
        assert got.status_code == 200 and "attachment" in got.headers["Content-Disposition"]
        assert got.headers["X-Content-SHA256"] == hashlib.sha256(got.data).hexdigest()
        assert expected is None or got.data == expected
    assert desk.api.get(f"/cases/{case_id}/documents/doc_inconnu", headers=desk.member).status_code == 404
    browser = desk.api.application.test_client()
    sign_in(browser, desk.mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    page = f"/espace/dossiers/{case_id}"
    link = f"{page}/documents/{document_id}"
    assert f'href="{link}"' in browser.get(page).get_data(as_text=True)
    assert browser.get(link).data == content
    # Another member learns nothing of it.
    other = register(desk.api, desk.mailer, siren="404833048", name="Garage du Centre", email="garage@exemple.fr")
    got = desk.api.get(f"/cases/{case_id}/documents/{document_id}", headers={"Authorization": other})
    assert got.status_code == 404
