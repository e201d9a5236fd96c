"""Filing: an e-invoice attached and read (as a filing reads it, in-process here) fills the form's empty fields."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

from flask.testing import FlaskClient

from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from tests.directory.proof import PROOF
from tests.einvoices.samples import facturx_pdf, plain_pdf
from tests.spaces.conftest import CREDITOR_SIREN, MEMBER_EMAIL
from tests.spaces.helpers import sign_in, submit, text


def _read(browser: FlaskClient, invoice: bytes, **typed: str) -> Any:
    upload = {"document.invoice": (BytesIO(invoice), "facture.pdf", "application/pdf")}
    return submit(browser, "/espace/signaler", "/espace/signaler/facture", **typed, **upload)


def _value(html: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}" type="[a-z]+" value="([^"]*)"', html)
    assert found, name
    return found.group(1)


def test_reading_an_e_invoice_fills_the_invoice_and_debtor_fields_and_the_report_is_then_filed(
    browser: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    sign_in(browser, mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    read = _read(browser, facturx_pdf(), **{"invoice.number": ""})
    html = read.get_data(as_text=True)
    assert read.status_code == 200 and "Facture électronique n° F-2025-0412 lue" in text(read)
    assert _value(html, "invoice.number") == "F-2025-0412"
    assert _value(html, "invoice.issue_date") == "2025-12-01" and _value(html, "invoice.due_date") == "2025-12-31"
    assert _value(html, "invoice.amount") == "1250,00" and _value(html, "debtor.siren") == "552100554"
    filled = ("invoice.number", "invoice.issue_date", "invoice.due_date", "invoice.amount", "invoice.outstanding")
    fields = {name: _value(html, name) for name in (*filled, "debtor.siren")}
    documents = {
        f"document.{kind}": (BytesIO(content), name, "application/pdf") for kind, (name, content) in PROOF.items()
    }
    documents["document.invoice"] = (BytesIO(facturx_pdf()), "facture.pdf", "application/pdf")
    filed = submit(browser, "/espace/signaler", "/espace/signaler", **fields, **documents, **{
        "debtor.name": "Société Générale d'Entreprises", "debtor.email": "comptabilite@sge.fr",
        "amicable_steps.reminder_1": "2026-01-10", "amicable_steps.notice_date": "2026-01-30",
        "amicable_steps.notice_channel": "registered_letter",
    })  # fmt: skip
    assert filed.status_code == 303, text(filed)
    [report] = resources.store.reports.list_for_creditor(CREDITOR_SIREN)
    assert report.einvoice is not None and report.invoice.amount_cents == 1_250_00


def test_what_the_creditor_typed_is_never_overwritten(
    browser: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    sign_in(browser, mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    read = _read(browser, facturx_pdf(), **{"invoice.number": "F-TAPE"})
    assert _value(read.get_data(as_text=True), "invoice.number") == "F-TAPE"


def test_a_plain_pdf_or_no_file_is_said_beside_the_invoice_field(
    browser: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    sign_in(browser, mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    plain = _read(browser, plain_pdf())
    assert plain.status_code == 422 and "n'est pas une facture électronique" in text(plain)
    assert 'id="erreur-document.invoice"' in plain.get_data(as_text=True)
    none = submit(browser, "/espace/signaler", "/espace/signaler/facture")
    assert none.status_code == 400 and "Joignez ici la facture électronique à lire." in text(none)
    assert resources.store.reports.list_for_creditor(CREDITOR_SIREN) == []


def test_the_e_invoice_read_is_cited_as_stored_and_not_attached_a_second_time(
    browser: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    sign_in(browser, mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    read = _read(browser, facturx_pdf())
    html = read.get_data(as_text=True)
    assert read.status_code == 200 and "inutile de la joindre de nouveau" in text(read)
    stored = re.search(r'name="document\.invoice\.id" value="([^"]+)"', html)
    assert stored, "the stored e-invoice's id is carried by the form"
    [member] = resources.store.members.list_members(CREDITOR_SIREN)
    assert resources.store.documents.count_uncited(member.id) == 1
    read_fields = ("invoice.number", "invoice.issue_date", "invoice.due_date", "invoice.amount", "debtor.siren")
    fields = {name: _value(html, name) for name in (*read_fields, "invoice.outstanding")}
    documents = {
        f"document.{kind}": (BytesIO(content), name, "application/pdf") for kind, (name, content) in PROOF.items()
    }
    documents.pop("document.invoice", None)
    filed = submit(browser, "/espace/signaler", "/espace/signaler", **fields, **documents, **{
        "document.invoice.id": stored.group(1), "debtor.name": "Société Générale d'Entreprises",
        "debtor.email": "comptabilite@sge.fr",
        "amicable_steps.reminder_1": "2026-01-10", "amicable_steps.notice_date": "2026-01-30",
        "amicable_steps.notice_channel": "registered_letter",
    })  # fmt: skip
    assert filed.status_code == 303, text(filed)
    [report] = resources.store.reports.list_for_creditor(CREDITOR_SIREN)
    assert report.einvoice is not None
    assert [d.kind.value for d in report.documents].count("invoice") == 1
    assert resources.store.documents.count_uncited(member.id) == 0
