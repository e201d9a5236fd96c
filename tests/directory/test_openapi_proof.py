"""Proof-backed reports in the generated OpenAPI: every new route, field, status and problem code is documented."""

from __future__ import annotations

import json
from typing import Any

import pytest

from functions.core.config import Settings
from functions.directory.app import create_app


@pytest.fixture
def document(settings: Settings) -> dict[str, Any]:
    spec: dict[str, Any] = create_app(settings=settings).test_client().get("/openapi.json").json
    return spec


def schema(document: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = document["components"]["schemas"][name]
    return found


def text_of(document: dict[str, Any], *names: str) -> str:
    """The named schemas, as one text (to look for the codes their descriptions name)."""
    return json.dumps([schema(document, name) for name in names], ensure_ascii=False)


def test_the_routes_of_documents_review_lifecycle_and_debtor_downloads_are_documented(
    document: dict[str, Any],
) -> None:
    paths = document["paths"]
    for path, method in [
        ("/documents", "post"),
        ("/documents/{document_id}", "put"),
        ("/reports/{report_id}/documents/{document_id}", "get"),
        ("/replies/{token}/documents/{document_id}", "get"),
        ("/reviews", "get"),
        ("/reports/{report_id}/review", "post"),
        ("/reports/{report_id}/invoice-status", "post"),
    ]:
        assert method in paths.get(path, {}), f"{method.upper()} {path}"
    for path in ("/reports/{report_id}/review", "/reports/{report_id}/invoice-status", "/documents"):
        names = [p["name"] for p in paths[path]["post"].get("parameters", [])]
        assert "Idempotency-Key" in names, path
    downloads = [paths[p]["get"] for p in ("/reports/{report_id}/documents/{document_id}",
                                           "/replies/{token}/documents/{document_id}")]  # fmt: skip
    for download in downloads:
        assert "X-Content-SHA256" in download["responses"]["200"]["headers"]
        assert "409" in download["responses"]
    assert "under_review" in paths["/reports"]["post"]["summary"]


def test_every_report_status_is_in_the_enum_and_explained_with_the_lifecycle_codes(document: dict[str, Any]) -> None:
    statuses = schema(document, "ReportStatus")["enum"]
    assert {"under_review", "submitted", "notified", "published", "disputed", "settled", "refused"} <= set(statuses)
    for name in ("ReportOut", "DebtorReportOut"):
        status = schema(document, name)["properties"]["status"]
        assert status["$ref"].endswith("/ReportStatus"), name
        for code in ("under_review", "refused", "disputed", "207", "210", "211", "212"):
            assert code in status["description"], (name, code)
    assert schema(document, "ReviewDecision")["enum"] == ["approved", "refused"]
    assert set(schema(document, "InvoiceStatusAnswer")["properties"]["effect"]["enum"]) == {
        "disputed", "settled", "recorded"
    }  # fmt: skip
    code = schema(document, "InvoiceStatusIn")["properties"]["code"]["description"]
    assert all(c in code for c in ("207", "210", "211", "212"))


def test_the_new_fields_are_in_the_schemas(document: dict[str, Any]) -> None:
    report = schema(document, "ReportOut")["properties"]
    assert {"documents", "review", "invoice_statuses", "einvoice", "einvoice_check"} <= set(report)
    assert {"documents", "verified_on"} <= set(schema(document, "DebtorReportOut")["properties"])
    assert "verified_on" in schema(document, "PublicReport")["properties"]
    assert "documents" not in schema(document, "PublicReport")["properties"]
    assert {"documents", "registry", "rules_checked", "age_hours"} <= set(
        schema(document, "ReviewItemOut")["properties"]
    )
    assert set(schema(document, "DocumentKind")["enum"]) == {"invoice", "formal_notice", "notice_proof",
                                                               "commitment_proof"}  # fmt: skip
    assert {"sha256", "kind", "filename", "uploaded_at"} <= set(schema(document, "DocumentOut")["properties"])
    terms = schema(document, "EInvoiceTermOut")["properties"]["term"]["enum"]
    assert {"BT-1", "BT-2", "BT-9", "BT-115", "BT-30", "BT-47"} <= set(terms)
    assert set(schema(document, "EInvoiceOut")["properties"]["syntax"]["enum"]) == {"factur-x", "cii", "ubl"}


@pytest.mark.parametrize(
    "code",
    ["facture_manquante", "preuve_mise_en_demeure_manquante", "facture-incoherente", "facture_incoherente",
     "facture-electronique-invalide", "plusieurs_factures_electroniques", "document_manquant", "document_deja_cite"],
)  # fmt: skip
def test_each_problem_code_of_a_filing_with_documents_is_named(document: dict[str, Any], code: str) -> None:
    assert code in text_of(document, "ReportFiling", "InvoiceIn")
