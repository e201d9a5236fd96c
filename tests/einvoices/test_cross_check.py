"""The cross-check of a real e-invoice against the filing: each business term that disagrees is named."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from functions.core.domain.einvoice import MISMATCH_CODE, Filed, cross_check, mismatching_terms
from functions.core.einvoices.reading import read_einvoice
from tests.directory.factories import CREDITOR_SIREN, DEBTOR_SIREN, OTHER_DEBTOR_SIREN
from tests.einvoices.samples import MISMATCHED, cii_xml, facturx_pdf, ubl_xml

FILED = Filed(
    member_siren=CREDITOR_SIREN,
    debtor_siren=DEBTOR_SIREN,
    number="F-2025-0412",
    issue_date=date(2025, 12, 1),
    due_date=date(2025, 12, 31),
    amount_cents=1_250_00,
)
MAKERS = {"cii": cii_xml, "ubl": ubl_xml, "factur-x": facturx_pdf}


@pytest.mark.parametrize("syntax", sorted(MAKERS))
def test_an_e_invoice_that_says_what_the_filing_says_is_coherent(syntax: str) -> None:
    assert cross_check(read_einvoice(MAKERS[syntax]()), FILED) == []


def test_spacing_and_case_of_the_invoice_number_are_no_mismatch() -> None:
    assert cross_check(read_einvoice(ubl_xml()), replace(FILED, number=" f-2025-0412")) == []


@pytest.mark.parametrize(
    ("term", "field", "says"),
    [
        ("BT-1", "invoice.number", "« F-2025-0413 »"),
        ("BT-2", "invoice.issue_date", "le 02/12/2025"),
        ("BT-9", "invoice.due_date", "le 15/01/2026"),
        ("BT-115", "invoice.amount_cents", "1\u202f300,00\u00a0€"),
        ("BT-30", "creditor_siren", "le SIREN 542065479"),
        ("BT-47", "debtor.siren", f"le SIREN {OTHER_DEBTOR_SIREN}"),
    ],
    ids=["BT-1", "BT-2", "BT-9", "BT-115", "BT-30", "BT-47"],
)
@pytest.mark.parametrize("syntax", sorted(MAKERS))
def test_each_mismatching_business_term_is_named(syntax: str, term: str, field: str, says: str) -> None:
    errors = cross_check(read_einvoice(MAKERS[syntax](**MISMATCHED[term])), FILED)
    assert mismatching_terms(errors) == [term]
    (error,) = errors
    assert (error.field, error.code) == (field, MISMATCH_CODE)
    assert error.message.startswith(f"{term} (") and says in error.message


def test_every_mismatch_is_named_at_once_and_a_party_without_siren_cannot_prove_the_debt() -> None:
    content = ubl_xml(BT_1="X-1", BT_2=date(2025, 11, 30), buyer={"legal_identifier_schemeid": "0088"})
    errors = cross_check(read_einvoice(content), FILED)
    assert mismatching_terms(errors) == ["BT-1", "BT-2", "BT-47"]
    assert "aucun SIREN" in errors[-1].message


def test_a_term_the_filing_left_out_is_no_mismatch_but_the_parties_always_count() -> None:
    left_out = Filed(CREDITOR_SIREN, OTHER_DEBTOR_SIREN, None, None, None, None)
    assert mismatching_terms(cross_check(read_einvoice(cii_xml(BT_1="F-9")), left_out)) == ["BT-47"]


def test_an_invoice_in_another_currency_is_named() -> None:
    einvoice = replace(read_einvoice(cii_xml()), currency="USD")
    assert mismatching_terms(cross_check(einvoice, FILED)) == ["BT-5"]
