"""Real e-invoices, made in the tests with Akretion's factur-x: CII and UBL XML, and Factur-X PDFs.

The invoice is the one ``tests.directory.factories.filing_payload`` reports:
F-2025-0412 of 1 December 2025, due 31 December, 1,250.00 EUR, from
Menuiserie Durand SARL (SIREN 732829320) to Société Générale d'Équipement
(SIREN 552100554). The library checks each file against its XSD as it writes it.
"""

from __future__ import annotations

import copy
import io
from datetime import date
from typing import Any

import facturx
from facturx.generate_xml import generate_xml
from pypdf import PdfReader, PdfWriter

from functions.core.pdf import TextPdf
from tests.directory.factories import CREDITOR_NAME, CREDITOR_SIREN, DEBTOR_NAME, DEBTOR_SIREN, OTHER_DEBTOR_SIREN

TERMS: dict[str, Any] = {
    "BT-24": "urn:cen.eu:en16931:2017",
    "BT-1": "F-2025-0412",
    "BT-2": date(2025, 12, 1),
    "BT-3": "380",
    "BT-5": "EUR",
    "BT-9": date(2025, 12, 31),
    "BT-72": date(2025, 11, 28),
    "BG-4": {
        "name": CREDITOR_NAME,
        "legal_identifier": CREDITOR_SIREN,
        "legal_identifier_schemeid": "0002",
        "vat_identifier": f"FR44{CREDITOR_SIREN}",
        "country_code": "FR",
        "city": "Lyon",
        "postcode": "69001",
        "addr_l1": "3 rue Neuve",
    },
    "BG-7": {
        "name": DEBTOR_NAME,
        "legal_identifier": DEBTOR_SIREN,
        "legal_identifier_schemeid": "0002",
        "country_code": "FR",
    },
    "BT-106": "1041.67",
    "BT-109": "1041.67",
    "BT-110": "208.33",
    "BT-112": "1250.00",
    "BT-115": "1250.00",
    "BG-23": [{"BT-116": "1041.67", "BT-117": "208.33", "BT-118": "S", "BT-119": "20.00"}],
    "BG-25": [
        {
            "BT-126": "1",
            "BT-129": "1",
            "BT-130": "C62",
            "BT-131": "1041.67",
            "BT-146": "1041.67",
            "BT-151": "S",
            "BT-152": "20.00",
            "BT-153": "Menuiseries posées en novembre",
        }
    ],
}


# For each business term a filing is checked against, how to make the invoice say otherwise than the filing.
MISMATCHED: dict[str, dict[str, Any]] = {
    "BT-1": {"BT_1": "F-2025-0413"},
    "BT-2": {"BT_2": date(2025, 12, 2)},
    "BT-9": {"BT_9": date(2026, 1, 15)},
    "BT-115": {  # 1,300.00 EUR, its VAT and totals consistent
        "BT_112": "1300.00",
        "BT_115": "1300.00",
        "BT_110": "258.33",
        "BG_23": [{"BT-116": "1041.67", "BT-117": "258.33", "BT-118": "S", "BT-119": "20.00"}],
    },
    "BT-30": {"seller": {"legal_identifier": "542065479"}},
    "BT-47": {"buyer": {"legal_identifier": OTHER_DEBTOR_SIREN}},
}


def terms(**changes: Any) -> dict[str, Any]:
    """The invoice's business terms, some changed (``BT_1="F-9"``; ``seller={...}`` merges into BG-4)."""
    data = copy.deepcopy(TERMS)
    for key, value in changes.items():
        if key == "seller":
            data["BG-4"].update(value)
        elif key == "buyer":
            data["BG-7"].update(value)
        else:
            data[key.replace("_", "-")] = value
    return data


def cii_xml(**changes: Any) -> bytes:
    """A CII (Factur-X EN 16931 profile) invoice."""
    return bytes(generate_xml(terms(**changes), flavor="factur-x", check_schematron=False))


def ubl_xml(**changes: Any) -> bytes:
    """A UBL 2.1 invoice (EN 16931)."""
    return bytes(generate_xml(terms(**changes), flavor="ubl-2.1", check_schematron=False))


def plain_pdf(title: str = "Facture F-2025-0412") -> bytes:
    """The invoice's PDF as the project's own writer draws it."""
    pdf = TextPdf(title=title)
    pdf.heading(title)
    pdf.paragraph(f"{CREDITOR_NAME} à {DEBTOR_NAME} : menuiseries posées en novembre, 1 250,00 € TTC.")
    return pdf.to_bytes()


def facturx_pdf(xml: bytes | None = None, **changes: Any) -> bytes:
    """A Factur-X PDF: the plain PDF with its CII XML embedded by the library."""
    return bytes(facturx.generate_from_binary(plain_pdf(), xml or cii_xml(**changes), check_xsd=False))


def pdf_carrying(xml: bytes, name: str = "factur-x.xml") -> bytes:
    """A PDF with ``xml`` attached under the Factur-X name, written with pypdf (the library would refuse a bad XML)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain_pdf())))
    writer.add_attachment(name, xml)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
