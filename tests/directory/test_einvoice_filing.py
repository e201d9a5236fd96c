"""Filing with an e-invoice (Factur-X, UBL, CII) cited: read, cross-checked against the filing, its terms kept."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from tests.directory.conftest import World, subjects_to
from tests.directory.factories import OTHER_DEBTOR_SIREN, filing_payload
from tests.directory.proof import upload_document
from tests.einvoices.samples import MISMATCHED, cii_xml, facturx_pdf, plain_pdf, terms, ubl_xml
from tests.einvoices.test_reading import BILLION_LAUGHS, XXE, _with_prolog

PROBLEMS = "https://ardoise.fr/problemes/"
XML, PDF = "application/xml", "application/pdf"
MAKERS: dict[str, tuple[Callable[..., bytes], str]] = {
    "factur-x": (facturx_pdf, PDF),
    "ubl": (ubl_xml, XML),
    "cii": (cii_xml, XML),
}
INVOICE_FIELDS = ("number", "issue_date", "due_date", "amount_cents")


def _cite(world: World, invoice: bytes, content_type: str) -> list[str]:
    """Upload the invoice, the formal notice and its proof; their ids, the invoice first."""
    ids = []
    for kind, content, media in (
        ("invoice", invoice, content_type),
        ("formal_notice", b"%PDF-1.4\n% Mise en demeure du 30/01/2026\n%%EOF\n", PDF),
        ("notice_proof", b"%PDF-1.4\n% Avis de reception LRAR\n%%EOF\n", PDF),
    ):
        declared = upload_document(world.api, world.member, kind=kind, content=content, content_type=media)
        assert declared.status_code == 201, declared.json
        ids.append(declared.json["document_id"])
    return ids


def _without(body: dict[str, Any], *fields: str) -> dict[str, Any]:
    return {**body, "invoice": {k: v for k, v in body["invoice"].items() if k not in fields}}


def _file(world: World, invoice: bytes, content_type: str, body: dict[str, Any] | None = None, **headers: str) -> Any:
    body = filing_payload() if body is None else body
    return world.api.post(
        "/reports",
        json={**body, "documents": _cite(world, invoice, content_type)},
        headers={**world.member, **headers},
    )


@pytest.mark.parametrize("syntax", sorted(MAKERS))
def test_a_filing_citing_a_coherent_e_invoice_keeps_what_it_read(world: World, syntax: str) -> None:
    make, media = MAKERS[syntax]
    filed = _file(world, make(), media)
    assert filed.status_code == 201, filed.json
    assert filed.json["einvoice"] == {
        "syntax": syntax,
        "number": "F-2025-0412",
        "issue_date": "2025-12-01",
        "due_date": "2025-12-31",
        "amount_due_cents": 1_250_00,
        "currency": "EUR",
        "seller_siren": "732829320",
        "buyer_siren": "552100554",
    }
    assert world.api.get(f"/reports/{filed.json['id']}", headers=world.member).json["einvoice"]["syntax"] == syntax


@pytest.mark.parametrize("syntax", sorted(MAKERS))
def test_the_invoice_terms_an_e_invoice_carries_may_be_left_out_and_are_taken_from_it(
    world: World, syntax: str
) -> None:
    make, media = MAKERS[syntax]
    filed = _file(world, make(), media, _without(filing_payload(), *INVOICE_FIELDS))
    assert filed.status_code == 201, filed.json
    report = filed.json
    assert (report["invoice_number"], report["issue_date"], report["due_date"], report["amount_cents"]) == (
        "F-2025-0412",
        "2025-12-01",
        "2025-12-31",
        1_250_00,
    )
    assert report["outstanding_cents"] == 1_250_00


def test_without_an_e_invoice_a_left_out_invoice_term_is_missing_as_before(world: World) -> None:
    refused = _file(world, plain_pdf(), PDF, _without(filing_payload(), "number", "due_date"))
    assert refused.status_code == 400 and refused.json["type"] == PROBLEMS + "validation"
    assert [(e["field"], e["code"]) for e in refused.json["errors"]] == [
        ("invoice.number", "missing"),
        ("invoice.due_date", "missing"),
    ]
    assert world.resources.store.reports.find_duplicate("732829320", "552100554", "F-2025-0412") is None


def test_an_e_invoice_without_due_date_leaves_the_filing_to_give_it(world: World) -> None:
    data = terms()
    del data["BT-9"]
    data["BT-20"] = "Paiement à 30 jours"
    from facturx.generate_xml import generate_xml

    no_due = bytes(generate_xml(data, flavor="ubl-2.1", check_schematron=False))
    refused = _file(world, no_due, XML, _without(filing_payload(), "due_date"))
    assert refused.status_code == 400
    assert [(e["field"], e["code"]) for e in refused.json["errors"]] == [("invoice.due_date", "missing")]
    filed = _file(world, no_due, XML, _without(filing_payload(), "number"))
    assert filed.status_code == 201, filed.json
    assert (filed.json["due_date"], filed.json["einvoice"]["due_date"]) == ("2025-12-31", None)


# (term, the filing's field, its label, what the e-invoice says, what the filing says)
MISMATCHES = [
    ("BT-1", "invoice.number", "numéro de facture", "« F-2025-0413 »", "« F-2025-0412 »"),
    ("BT-2", "invoice.issue_date", "date d'émission", "le 02/12/2025", "le 01/12/2025"),
    ("BT-9", "invoice.due_date", "date d'échéance", "le 15/01/2026", "le 31/12/2025"),
    ("BT-115", "invoice.amount_cents", "montant à payer", "1\u202f300,00\u00a0€", "1\u202f250,00\u00a0€"),
    ("BT-30", "creditor_siren", "SIREN du vendeur", "le SIREN 542065479", "732829320"),
    ("BT-47", "debtor.siren", "SIREN de l'acheteur", f"le SIREN {OTHER_DEBTOR_SIREN}", "552100554"),
]


@pytest.mark.parametrize("case", MISMATCHES, ids=[m[0] for m in MISMATCHES])
def test_an_e_invoice_that_says_otherwise_than_the_filing_is_refused_naming_the_term(world: World, case: Any) -> None:
    term, field, label, carried, typed = case
    refused = _file(world, facturx_pdf(**MISMATCHED[term]), PDF)
    assert refused.status_code == 422 and refused.json["type"] == PROBLEMS + "facture-incoherente"
    assert refused.headers["Content-Type"] == "application/problem+json"
    (error,) = refused.json["errors"]
    assert (error["field"], error["code"]) == (field, "facture_incoherente")
    assert error["message"].startswith(f"{term} ({label}) : la facture électronique indique {carried}")
    assert typed in error["message"]
    assert world.resources.store.reports.find_duplicate("732829320", "552100554", "F-2025-0412") is None


def test_every_mismatching_term_is_named_at_once(world: World) -> None:
    refused = _file(world, ubl_xml(BT_1="F-9", BT_2=date(2025, 11, 30)), XML)
    assert refused.status_code == 422
    assert [e["message"].split(" ", 1)[0] for e in refused.json["errors"]] == ["BT-1", "BT-2"]


@pytest.mark.parametrize(
    ("content", "media", "says"),
    [
        (ubl_xml().replace(b"<cbc:IssueDate>2025-12-01</cbc:IssueDate>", b""), XML, "norme EN 16931"),
        (_with_prolog(BILLION_LAUGHS, ubl_xml(), b"&lol9;"), XML, "DTD"),
        (_with_prolog(XXE, cii_xml(), b"&secret;"), XML, "DTD"),
        (b"<?xml version='1.0'?><Invoice>pas une facture</Invoice>", XML, "ni une facture CII"),
    ],
    ids=["breaks the xsd", "billion laughs", "external entity", "unknown root"],
)
def test_a_cited_invoice_that_is_not_a_valid_en16931_invoice_is_refused(
    world: World, content: bytes, media: str, says: str
) -> None:
    refused = _file(world, content, media)
    assert refused.status_code == 422 and refused.json["type"] == PROBLEMS + "facture-electronique-invalide"
    (error,) = refused.json["errors"]
    assert (error["field"], error["code"]) == ("documents.0", "facture_electronique_invalide")
    assert says in error["message"] and "root:" not in error["message"] and "lollol" not in error["message"]
    assert subjects_to(world.mailer, "comptabilite@sge.fr") == []


def test_a_report_is_about_one_invoice_so_two_e_invoices_are_refused(world: World) -> None:
    ids = _cite(world, ubl_xml(), XML)
    second = upload_document(world.api, world.member, kind="invoice", content=cii_xml(), content_type=XML)
    refused = world.api.post(
        "/reports", json={**filing_payload(), "documents": [*ids, second.json["document_id"]]}, headers=world.member
    )
    assert refused.status_code == 422 and refused.json["type"] == PROBLEMS + "facture-electronique-invalide"
    assert [(e["field"], e["code"]) for e in refused.json["errors"]] == [
        ("documents.3", "plusieurs_factures_electroniques")
    ]


def test_a_filing_taken_from_an_e_invoice_is_replayed_under_its_idempotency_key(world: World) -> None:
    body = {**_without(filing_payload(), *INVOICE_FIELDS), "documents": _cite(world, facturx_pdf(), PDF)}
    headers = {**world.member, "Idempotency-Key": "einvoice-filing-1"}
    first = world.api.post("/reports", json=body, headers=headers)
    again = world.api.post("/reports", json=body, headers=headers)
    assert first.status_code == again.status_code == 201, first.json
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json == first.json and again.json["invoice_number"] == "F-2025-0412"


def test_the_directory_app_imports_no_e_invoice_reader_until_one_is_cited() -> None:
    code = (
        "import sys, functions.directory.app; "
        "print(sorted(m for m in ('lxml', 'facturx', 'pypdf', 'functions.core.einvoices.reading') if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def _check(world: World, report_id: str) -> list[dict[str, Any]]:
    """The e-invoice's cross-check of a report in the moderator's review queue (and in its file)."""
    queue = world.api.get("/reviews", headers=world.moderator).json["items"]
    [item] = [i for i in queue if i["report"]["id"] == report_id]
    own = world.api.get(f"/reports/{report_id}", headers=world.moderator).json["einvoice_check"]
    assert item["report"]["einvoice_check"] == own
    return list(own)


def test_the_moderator_sees_each_term_of_the_e_invoice_against_the_filing(world: World) -> None:
    filed = _file(world, facturx_pdf(), PDF, _without(filing_payload(), "due_date", "amount_cents"))
    assert filed.status_code == 201, filed.json
    rows = {row["term"]: row for row in _check(world, filed.json["id"])}
    assert list(rows) == ["BT-1", "BT-2", "BT-9", "BT-115", "BT-30", "BT-47", "BT-5"]
    assert rows["BT-1"] == {
        "term": "BT-1",
        "label": "numéro de facture",
        "field": "invoice.number",
        "filing": "F-2025-0412",
        "einvoice": "F-2025-0412",
        "agreement": "agreed",
        "agreed": True,
    }
    assert (rows["BT-9"]["filing"], rows["BT-9"]["einvoice"], rows["BT-9"]["agreement"]) == (
        None,
        "2025-12-31",
        "taken_from_einvoice",
    )
    assert (rows["BT-115"]["filing"], rows["BT-115"]["einvoice"], rows["BT-115"]["agreed"]) == (None, 1_250_00, True)
    assert (rows["BT-47"]["filing"], rows["BT-47"]["einvoice"]) == ("552100554", "552100554")
    assert rows["BT-5"]["einvoice"] == "EUR" and all(row["agreed"] for row in rows.values())


def test_a_due_date_the_e_invoice_does_not_carry_is_shown_as_the_filing_s_alone(world: World) -> None:
    data = terms()
    del data["BT-9"]
    data["BT-20"] = "Paiement à 30 jours"
    from facturx.generate_xml import generate_xml

    filed = _file(world, bytes(generate_xml(data, flavor="factur-x", check_schematron=False)), XML)
    assert filed.status_code == 201, filed.json
    [due] = [row for row in _check(world, filed.json["id"]) if row["term"] == "BT-9"]
    assert (due["filing"], due["einvoice"], due["agreement"], due["agreed"]) == (
        "2025-12-31",
        None,
        "not_carried",
        False,
    )


def test_a_report_filed_with_a_plain_pdf_invoice_has_no_e_invoice_check(world: World) -> None:
    filed = _file(world, plain_pdf(), PDF)
    assert filed.status_code == 201, filed.json
    assert (filed.json["einvoice"], _check(world, filed.json["id"])) == (None, [])
