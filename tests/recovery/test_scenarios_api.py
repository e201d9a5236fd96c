"""Scenarios through the HTTP API: the default one, the member's own, refused texts, the preview."""

from __future__ import annotations

from flask.testing import FlaskClient

from functions.core.mailer import OutboxMailer
from tests.directory.conftest import register
from tests.recovery.factories import case_payload, notice_payload, step_payload


def test_the_default_scenario_is_listed_first_with_the_placeholders(
    directory: FlaskClient, member: dict[str, str]
) -> None:
    listed = directory.get("/scenarios", headers=member).json
    default = listed["items"][0]
    assert (default["id"], default["default"]) == ("default", True)
    assert [(s["kind"], s["channel"]) for s in default["steps"]] == [
        ("reminder", "email"),
        ("reminder", "email"),
        ("formal_notice", "letter"),
    ]
    assert default["steps"][-1]["deadline_days"] >= 8
    assert {"debiteur", "reste_du", "penalites", "indemnite", "date_limite"} <= set(listed["placeholders"])
    assert directory.get("/scenarios/default", headers=member).json == default


def test_a_member_creates_a_scenario_and_opens_a_case_with_it(directory: FlaskClient, member: dict[str, str]) -> None:
    body = {"name": "Relance SMS puis courrier", "steps": [step_payload(channel="sms"), notice_payload()]}
    created = directory.post("/scenarios", json=body, headers=member)
    assert created.status_code == 201, created.json
    scenario = created.json
    assert created.headers["Location"] == f"/scenarios/{scenario['id']}" and scenario["default"] is False
    assert directory.get(f"/scenarios/{scenario['id']}", headers=member).json == scenario
    assert [s["id"] for s in directory.get("/scenarios", headers=member).json["items"]] == ["default", scenario["id"]]
    without_phone = directory.post("/cases", json=case_payload(scenario_id=scenario["id"]), headers=member)
    assert [e["field"] for e in without_phone.json["errors"]] == ["debtor.phone"]
    case = directory.post(
        "/cases", json=case_payload(scenario_id=scenario["id"], phone="0612345678"), headers=member
    ).json
    assert case["scenario"] == scenario
    assert case["next_action"]["channel"] == "sms" and case["next_action"]["at"] == "2026-03-06T09:00:00+01:00"


def test_an_unknown_placeholder_is_a_422_naming_the_field(directory: FlaskClient, member: dict[str, str]) -> None:
    body = {
        "name": "Faute de frappe",
        "steps": [step_payload(body="Bonjour {debitor}, merci de payer."), notice_payload()],
    }
    response = directory.post("/scenarios", json=body, headers=member)
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json["errors"]] == [("steps.0.body", "variable_inconnue")]


def test_a_notice_with_a_short_deadline_is_refused(directory: FlaskClient, member: dict[str, str]) -> None:
    body = {"name": "Trop pressé", "steps": [step_payload(), notice_payload(deadline_days=5)]}
    response = directory.post("/scenarios", json=body, headers=member)
    assert [e["code"] for e in response.json["errors"]] == ["delai_mise_en_demeure_trop_court"]


def test_another_members_scenario_is_a_404(
    directory: FlaskClient, member: dict[str, str], mailer: OutboxMailer
) -> None:
    scenario = directory.post(
        "/scenarios", json={"name": "Le mien", "steps": [step_payload(), notice_payload()]}, headers=member
    ).json
    other = {"Authorization": register(directory, mailer, siren="542065479", name="Autre SARL")}
    assert directory.get(f"/scenarios/{scenario['id']}", headers=other).status_code == 404
    refused = directory.post("/cases", json=case_payload(scenario_id=scenario["id"]), headers=other)
    assert [e["code"] for e in refused.json["errors"]] == ["scenario_inconnu"]


def test_the_preview_fills_each_step_for_a_sample_invoice(directory: FlaskClient, member: dict[str, str]) -> None:
    body = {"steps": [step_payload(), notice_payload()]}
    preview = directory.post("/scenarios/preview", json=body, headers=member)
    assert preview.status_code == 200, preview.json
    reminder, notice = preview.json["items"]
    # The sample invoice fell due 30 days before the clock's 2 March 2026: its steps are already due.
    assert (reminder["planned_on"], notice["planned_on"]) == ("2026-02-05", "2026-02-15")
    assert (
        reminder["body"]
        == "Bonjour Société Exemple SAS, il reste 1\u202f250,00\u00a0€ à régler sur la facture F-2026-042."
    )
    assert notice["deadline"] == "2026-03-10" and notice["indemnity_cents"] == 40_00 and notice["interest_cents"] > 0
    assert "{" not in notice["body"]


def test_the_preview_of_a_case_uses_its_invoice(directory: FlaskClient, member: dict[str, str]) -> None:
    case = directory.post("/cases", json=case_payload(), headers=member).json
    body = {"steps": [step_payload(), notice_payload()], "case_id": case["id"]}
    reminder, notice = directory.post("/scenarios/preview", json=body, headers=member).json["items"]
    assert "F-2026-0117" in reminder["body"] and "2\u202f400,00" in reminder["body"]
    assert (reminder["planned_on"], notice["planned_on"]) == ("2026-03-06", "2026-03-16")
    unknown = {"steps": [step_payload(), notice_payload()], "case_id": "case_nope"}
    assert directory.post("/scenarios/preview", json=unknown, headers=member).status_code == 404


def test_the_preview_refuses_an_unknown_placeholder(directory: FlaskClient, member: dict[str, str]) -> None:
    body = {"steps": [step_payload(subject="Facture {numero}"), notice_payload()]}
    response = directory.post("/scenarios/preview", json=body, headers=member)
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json["errors"]] == [("steps.0.subject", "variable_inconnue")]
