"""Reading real e-invoices (made by the factur-x library): the terms a report relies on, or a clear refusal."""

from __future__ import annotations

from datetime import date

import pytest

from functions.core.domain.einvoice import EInvoice, InvoiceSyntax
from functions.core.einvoices import (
    NoEInvoiceInside,
    UnreadableEInvoice,
    einvoice_from_data,
    einvoice_to_data,
    may_carry_einvoice,
)
from functions.core.einvoices.reading import read_einvoice
from tests.einvoices.samples import cii_xml, facturx_pdf, pdf_carrying, plain_pdf, terms, ubl_xml

EXPECTED = {
    "number": "F-2025-0412",
    "issue_date": date(2025, 12, 1),
    "due_date": date(2025, 12, 31),
    "amount_due_cents": 1_250_00,
    "currency": "EUR",
    "seller_siren": "732829320",
    "buyer_siren": "552100554",
}
# Nested entities: a billion "lol" once expanded (about 3 GB), in a few hundred bytes.
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(
        b' <!ENTITY lol%d "%s">\n' % (level, (b"&lol%d;" % (level - 1) if level > 1 else b"&lol;") * 10)
        for level in range(1, 10)
    )
    + b"]>\n"
)
XXE = b'<?xml version="1.0"?>\n<!DOCTYPE invoice [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'


def _with_prolog(prolog: bytes, xml: bytes, entity: bytes) -> bytes:
    """The invoice with ``prolog`` instead of its XML declaration, ``entity`` standing for its number."""
    body = xml.split(b"?>", 1)[1].replace(b"F-2025-0412", entity)
    return prolog + body


def _terms(einvoice: EInvoice) -> dict[str, object]:
    return {name: getattr(einvoice, name) for name in EXPECTED}


@pytest.mark.parametrize(
    ("content", "syntax"),
    [(cii_xml, InvoiceSyntax.CII), (ubl_xml, InvoiceSyntax.UBL), (facturx_pdf, InvoiceSyntax.FACTURX)],
    ids=["cii", "ubl", "factur-x"],
)
def test_an_en16931_invoice_gives_the_terms_a_report_relies_on(content: object, syntax: InvoiceSyntax) -> None:
    assert callable(content)
    einvoice = read_einvoice(content())
    assert einvoice.syntax is syntax
    assert _terms(einvoice) == EXPECTED
    assert einvoice_from_data(einvoice_to_data(einvoice)) == einvoice


def test_a_siret_as_legal_identifier_names_its_company_and_an_unknown_scheme_names_none() -> None:
    siret = read_einvoice(ubl_xml(seller={"legal_identifier": "73282932000074", "legal_identifier_schemeid": "0009"}))
    assert siret.seller_siren == "732829320"
    other = read_einvoice(cii_xml(buyer={"legal_identifier": "DE123456789", "legal_identifier_schemeid": "0204"}))
    assert other.buyer_siren is None


def test_an_invoice_without_due_date_reads_with_none() -> None:
    data = terms()
    del data["BT-9"]
    data["BT-20"] = "Paiement à 30 jours fin de mois"
    from facturx.generate_xml import generate_xml

    assert read_einvoice(bytes(generate_xml(data, flavor="ubl-2.1", check_schematron=False))).due_date is None


@pytest.mark.parametrize("kind", ["billion laughs", "external entity"])
@pytest.mark.parametrize("syntax", ["cii", "ubl", "factur-x"])
def test_a_malicious_xml_is_refused_before_anything_is_expanded_or_fetched(kind: str, syntax: str) -> None:
    xml = ubl_xml() if syntax == "ubl" else cii_xml()
    hostile = (
        _with_prolog(BILLION_LAUGHS, xml, b"&lol9;")
        if kind == "billion laughs"
        else _with_prolog(XXE, xml, b"&secret;")
    )
    content = pdf_carrying(hostile) if syntax == "factur-x" else hostile
    with pytest.raises(UnreadableEInvoice) as refused:
        read_einvoice(content)
    message = str(refused.value)
    assert "root:" not in message and "lollol" not in message
    assert len(message) < 400
    if syntax != "factur-x":
        assert "DTD" in message


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (plain_pdf(), "ne contient pas de facture Factur-X"),
        (b"%PDF-1.7\n garbage", "PDF est illisible"),
        (b"<Invoice>pas une facture</Invoice>", "ni une facture CII"),
        (b"<html><body>facture</body></html>", "ni une facture CII"),
        (b"pas du XML", "pas un XML bien form"),
        (cii_xml().replace(b"<ram:TypeCode>380</ram:TypeCode>", b"<ram:TypeCode>381</ram:TypeCode>"), "avoir"),
    ],
    ids=["plain pdf", "broken pdf", "unknown root", "html", "text", "credit note"],
)
def test_a_file_that_is_not_an_en16931_invoice_is_refused_with_a_clear_reason(content: bytes, says: str) -> None:
    with pytest.raises(UnreadableEInvoice, match=says):
        read_einvoice(content)


def test_an_invoice_that_breaks_the_official_xsd_is_refused() -> None:
    broken = cii_xml().replace(b"<ram:TypeCode>380</ram:TypeCode>", b"")
    with pytest.raises(UnreadableEInvoice, match="n'est pas conforme à la norme EN 16931"):
        read_einvoice(broken)
    with pytest.raises(UnreadableEInvoice, match="n'est pas conforme à la norme EN 16931"):
        read_einvoice(ubl_xml().replace(b"<cbc:IssueDate>2025-12-01</cbc:IssueDate>", b""))


def test_a_minimum_profile_is_not_a_complete_invoice() -> None:
    minimum = cii_xml().replace(b"urn:cen.eu:en16931:2017", b"urn:factur-x.eu:1p0:minimum")
    with pytest.raises(UnreadableEInvoice, match="MINIMUM"):
        read_einvoice(minimum)


def test_a_plain_pdf_is_told_apart_from_a_broken_e_invoice() -> None:
    with pytest.raises(NoEInvoiceInside):
        read_einvoice(plain_pdf())
    with pytest.raises(UnreadableEInvoice) as broken:
        read_einvoice(pdf_carrying(cii_xml().replace(b"<ram:TypeCode>380</ram:TypeCode>", b"")))
    assert not isinstance(broken.value, NoEInvoiceInside)
    assert "n'est pas conforme à la norme EN 16931" in str(broken.value)


def test_only_an_xml_or_a_pdf_with_an_attachment_is_worth_reading_as_an_e_invoice() -> None:
    assert may_carry_einvoice("application/xml", cii_xml())
    assert may_carry_einvoice("application/pdf", facturx_pdf())
    assert may_carry_einvoice("application/pdf", pdf_carrying(b"<x/>"))
    assert not may_carry_einvoice("application/pdf", plain_pdf())
    assert not may_carry_einvoice("image/png", b"\x89PNG\r\n\x1a\n")


def test_a_report_keeps_the_e_invoice_read_through_the_store_codec() -> None:
    from dataclasses import replace

    from functions.core.domain.reports import Report
    from functions.core.store.codec import from_data, to_data
    from tests.directory.factories import make_report

    report = replace(make_report(), einvoice=read_einvoice(facturx_pdf()))
    assert from_data(Report, to_data(report)) == report
