"""Recovery cases through the HTTP API: opened with the filing's rules and gates, moved on by the creditor."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.usecases.registry_import import LocalFile, import_file
from tests.directory.conftest import register
from tests.directory.factories import DEBTOR_SIREN
from tests.recovery.factories import case_payload
from tests.registry.samples import generate as sample

SAMPLES = Path(__file__).parents[1] / "registry" / "samples"


def open_case(api: FlaskClient, member: dict[str, str], **changes: object):  # type: ignore[no-untyped-def]  # a test client's response
    return api.post("/cases", json=case_payload(**changes), headers=member)  # type: ignore[arg-type]  # keyword changes


def test_a_member_opens_a_case_that_runs_the_default_scenario(directory: FlaskClient, member: dict[str, str]) -> None:
    response = open_case(directory, member)
    assert response.status_code == 201, response.json
    case = response.json
    assert response.headers["Location"] == f"/cases/{case['id']}"
    assert (case["status"], case["currency"], case["outstanding_cents"]) == ("running", "EUR", 2_400_00)
    assert case["debtor"]["siren"] == DEBTOR_SIREN and case["scenario"]["id"] == "default"
    assert [e["kind"] for e in case["timeline"]] == ["opened"]
    assert case["next_action"] == {
        "kind": "send_step",
        "at": "2026-03-04T09:00:00+01:00",
        "step": 0,
        "step_name": "Relance courtoise",
        "channel": "email",
    }
    assert directory.get(f"/cases/{case['id']}", headers=member).json == case


def test_the_filings_invoice_rules_apply_to_a_case(directory: FlaskClient, member: dict[str, str]) -> None:
    response = open_case(directory, member, due_date="2026-03-10", outstanding_cents=2_500_00)
    assert response.status_code == 422
    assert response.json["type"] == "https://ardoise.fr/problemes/regle-non-respectee"
    assert {e["code"] for e in response.json["errors"]} == {"facture_non_echue", "reste_du_superieur_au_montant"}


def test_a_channel_of_the_scenario_needs_its_contact(directory: FlaskClient, member: dict[str, str]) -> None:
    response = open_case(directory, member, email=None)
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json["errors"]] == [
        ("debtor.email", "contact_manquant_pour_le_canal")
    ]


def test_a_phone_number_that_is_not_a_french_mobile_is_a_400(directory: FlaskClient, member: dict[str, str]) -> None:
    response = open_case(directory, member, phone="01 23 45 67 89")
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json["errors"]] == [("debtor.phone", "telephone_invalide")]


def test_a_mobile_number_is_kept_in_international_form(directory: FlaskClient, member: dict[str, str]) -> None:
    assert open_case(directory, member, phone="06 12 34 56 78").json["debtor"]["phone"] == "+33612345678"


def test_an_unknown_scenario_is_a_422(directory: FlaskClient, member: dict[str, str]) -> None:
    response = open_case(directory, member, scenario_id="scn_nope")
    assert [e["code"] for e in response.json["errors"]] == ["scenario_inconnu"]


@pytest.fixture
def registry(resources: Resources) -> Resources:
    for name in ("StockUniteLegale_sample.csv", "StockEtablissement_sample.csv", "bodacc_annonces_sample.json"):
        assert import_file(resources, LocalFile(SAMPLES / name)).done
    return resources


@pytest.mark.parametrize(
    ("siren", "code"), [(sample.CEASED, "entreprise_cessee"), (sample.REDRESSEMENT, "procedure_collective")]
)
def test_the_registry_gates_refuse_a_case_as_they_refuse_a_report(
    registry: Resources, directory: FlaskClient, member: dict[str, str], siren: str, code: str
) -> None:
    response = open_case(directory, member, debtor_siren=siren)
    assert response.status_code == 422
    assert [e["code"] for e in response.json["errors"]] == [code]


def test_the_same_invoice_twice_is_a_409_naming_the_first_case(directory: FlaskClient, member: dict[str, str]) -> None:
    first = open_case(directory, member)
    again = open_case(directory, member, number="f 2026 0117")
    assert again.status_code == 409
    assert again.json["type"] == "https://ardoise.fr/problemes/doublon" and again.json["case_id"] == first.json["id"]


def test_a_keyed_opening_sent_again_replays_the_first_case(
    directory: FlaskClient, member: dict[str, str], resources: Resources
) -> None:
    headers = {**member, "Idempotency-Key": "case-1"}
    first = directory.post("/cases", json=case_payload(), headers=headers)
    again = directory.post("/cases", json=case_payload(), headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert len(directory.get("/cases", headers=member).json["items"]) == 1


def test_a_full_payment_closes_the_case_and_stops_its_scenario(directory: FlaskClient, member: dict[str, str]) -> None:
    case = open_case(directory, member).json
    partial = directory.post(
        f"/cases/{case['id']}/payments", json={"amount_cents": 400_00, "paid_on": "2026-03-02"}, headers=member
    )
    assert (partial.json["status"], partial.json["outstanding_cents"]) == ("running", 2_000_00)
    paid = directory.post(
        f"/cases/{case['id']}/payments", json={"amount_cents": 2_000_00, "paid_on": "2026-03-02"}, headers=member
    )
    assert (paid.json["status"], paid.json["outstanding_cents"], paid.json["next_action"]) == ("paid", 0, None)
    assert [(e["kind"], e["amount_cents"]) for e in paid.json["timeline"][1:]] == [
        ("payment_recorded", 400_00),
        ("payment_recorded", 2_000_00),
    ]
    late = directory.post(
        f"/cases/{case['id']}/payments", json={"amount_cents": 1_00, "paid_on": "2026-03-02"}, headers=member
    )
    assert late.status_code == 409


def test_a_withdrawn_case_plans_nothing_more(directory: FlaskClient, member: dict[str, str]) -> None:
    case = open_case(directory, member).json
    withdrawn = directory.post(f"/cases/{case['id']}/withdraw", headers=member)
    assert (withdrawn.json["status"], withdrawn.json["next_action"]) == ("withdrawn", None)
    assert directory.post(f"/cases/{case['id']}/withdraw", headers=member).status_code == 409


def test_another_members_case_is_a_404(directory: FlaskClient, member: dict[str, str], mailer: OutboxMailer) -> None:
    case = open_case(directory, member).json
    other = {"Authorization": register(directory, mailer, siren="542065479", name="Autre SARL")}
    assert directory.get(f"/cases/{case['id']}", headers=other).status_code == 404
    assert directory.post(f"/cases/{case['id']}/withdraw", headers=other).status_code == 404
    assert directory.get("/cases", headers=other).json["items"] == []


def test_cases_are_for_members_only(directory: FlaskClient, moderator: dict[str, str]) -> None:
    assert directory.get("/cases").status_code == 401
    assert directory.get("/cases", headers=moderator).status_code == 403
