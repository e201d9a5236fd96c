"""A SIRET pasted where a SIREN is asked for is accepted, reduced to its SIREN, on every app; a false one is refused."""

from datetime import date

import pytest
from flask.testing import FlaskClient

from functions.core.identifiers import luhn_is_valid
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.usecases.propagation import refresh_marked
from tests.charter.factories import sign, signature_form
from tests.directory.conftest import World
from tests.directory.factories import CREDITOR_SIREN, DEBTOR_SIREN, filing_payload
from tests.directory.proof import file_report
from tests.reports.factories import add_subscriber, file_published, record_company

DEBTOR_SIRET = "552 100 554 00013"
CREDITOR_SIRET = "73282932000074"
# Luhn holds over the 14 digits, but 123456789 is no SIREN: python-stdnum refuses it, as we now do.
FALSE_SIRET = "12345678900015"


def test_the_sirets_used_here_are_what_they_claim() -> None:
    assert luhn_is_valid(CREDITOR_SIRET) and CREDITOR_SIRET.startswith(CREDITOR_SIREN)
    assert luhn_is_valid(FALSE_SIRET)


def registration(siren: str) -> dict[str, str]:
    return {"siren": siren, "company_name": "Menuiserie Durand", "contact_name": "Claire", "email": "c@d.fr"}


def test_a_member_registers_with_a_siret_and_is_known_by_its_siren(directory: FlaskClient) -> None:
    response = directory.post("/members", json=registration(CREDITOR_SIRET))
    assert response.status_code == 202, response.json
    assert response.json["siren"] == CREDITOR_SIREN


def test_a_false_siret_is_refused_at_registration(directory: FlaskClient, mailer: OutboxMailer) -> None:
    response = directory.post("/members", json=registration(FALSE_SIRET))
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "siren"
    assert response.json["errors"][0]["code"] == "siren_invalide"
    assert mailer.messages() == []


def test_a_report_names_its_parties_by_siret_and_stores_their_sirens(world: World) -> None:
    payload = filing_payload(debtor_siren=DEBTOR_SIRET, creditor_siren=CREDITOR_SIRET)
    response = file_report(world.api, world.member, payload)
    assert response.status_code == 201, response.json
    assert (response.json["debtor_siren"], response.json["creditor_siren"]) == (DEBTOR_SIREN, CREDITOR_SIREN)


def test_a_report_against_a_false_siret_is_refused_by_the_rules(world: World) -> None:
    response = file_report(world.api, world.member, filing_payload(debtor_siren=FALSE_SIRET))
    assert response.status_code == 422
    assert ("debtor.siren", "siren_debiteur_invalide") in [(e["field"], e["code"]) for e in response.json["errors"]]


def test_the_charter_is_signed_and_read_by_siret(charter: FlaskClient, mailer: OutboxMailer) -> None:
    signature = sign(charter, mailer, siren=DEBTOR_SIRET)
    assert signature["siren"] == DEBTOR_SIREN
    by_siret = charter.get(f"/signatures/{DEBTOR_SIRET.replace(' ', '')}")
    assert by_siret.status_code == 200 and by_siret.json["siren"] == DEBTOR_SIREN
    badge = charter.get(f"/signatures/{DEBTOR_SIRET.replace(' ', '')}/badge.svg")
    assert badge.status_code == 200 and f"/{DEBTOR_SIREN}" in badge.get_data(as_text=True)
    refused = charter.post("/signatures", json=signature_form(siren=FALSE_SIRET))
    assert refused.status_code == 400 and refused.json["errors"][0]["code"] == "siren_invalide"


@pytest.fixture
def published(resources: Resources) -> None:
    record_company(resources)
    file_published(resources, id="r1", number="F-1", due_date=date(2026, 1, 5), amount_cents=1_000_00)
    refresh_marked(resources)


@pytest.mark.usefixtures("published")
def test_the_directory_finds_a_company_by_siret(directory: FlaskClient) -> None:
    hits = directory.get("/companies", query_string={"q": DEBTOR_SIRET}).json["items"]
    assert [hit["siren"] for hit in hits] == [DEBTOR_SIREN]
    listing = directory.get(f"/companies/{DEBTOR_SIRET.replace(' ', '')}")
    assert listing.status_code == 200 and listing.json["siren"] == DEBTOR_SIREN
    assert directory.get("/companies", query_string={"q": FALSE_SIRET}).json["items"] == []
    assert directory.get(f"/companies/{FALSE_SIRET}").status_code == 400


@pytest.mark.usefixtures("published")
def test_solvency_and_the_watchlist_take_a_siret(reports: FlaskClient, resources: Resources) -> None:
    _, key = add_subscriber(resources, plan="pro")
    headers = {"X-API-Key": key}
    siret = DEBTOR_SIRET.replace(" ", "")
    summary = reports.get(f"/solvency/{siret}", headers=headers)
    assert summary.status_code == 200 and summary.json["siren"] == DEBTOR_SIREN
    batch = reports.post("/solvency/batch", json={"sirens": [DEBTOR_SIRET, FALSE_SIRET]}, headers=headers).json
    assert [(item["input"], item.get("siren")) for item in batch["results"]] == [
        (DEBTOR_SIRET, DEBTOR_SIREN),
        (FALSE_SIRET, None),
    ]
    watched = reports.put(f"/watchlist/{siret}", headers=headers)
    assert watched.status_code == 201 and watched.json["siren"] == DEBTOR_SIREN
    assert reports.put(f"/watchlist/{FALSE_SIRET}", headers=headers).status_code == 400
