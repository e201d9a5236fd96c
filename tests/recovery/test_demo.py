"""The recovery demo (``make run``): the demo member's cases, one at each state, readable through the API."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from functions.core.clock import FixedClock
from functions.core.resources import Resources
from functions.local.demo import demo_creditor_pages, demo_sign_in_links, seed_demo
from tests.spaces.helpers import SIGN_IN_LINK, submit, text


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_demo_member_sees_a_case_at_each_state(
    resources: Resources, clock: FixedClock, directory: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    clock.now = datetime(2026, 12, 2, 9, tzinfo=UTC)
    seeded = seed_demo(resources)["recovery_cases"]
    token = (resources.settings.var_dir / "demo-member-token").read_text().strip()
    member = {"Authorization": f"Bearer {token}"}
    listed = {case["id"]: case for case in directory.get("/cases", headers=member).json["items"]}

    def sent(name: str) -> list[str]:
        return [e["step_name"] for e in listed[seeded[name]]["timeline"] if e["kind"] == "step_sent"]

    def status(name: str) -> str:
        return str(listed[seeded[name]]["status"])

    assert status("unpaid_after_notice") == "unpaid"
    assert sent("unpaid_after_notice") == ["Relance courtoise", "Relance ferme", "Mise en demeure"]
    assert status("notice_sent") == "running" and len(sent("notice_sent")) == 3
    assert listed[seeded["notice_sent"]]["next_action"]["kind"] == "end_scenario"
    assert (status("paid"), sent("paid")) == ("paid", ["Relance courtoise"])
    assert (status("withdrawn"), sent("withdrawn")) == ("withdrawn", ["Relance courtoise"])
    assert (status("first_reminder_sent"), sent("first_reminder_sent")) == ("running", ["Relance courtoise"])
    assert (status("just_opened"), sent("just_opened")) == ("running", [])
    # The debtor's side and the case's last stage: each one at its own state.
    assert (status("contested"), sent("contested")) == ("contested", ["Relance courtoise"])
    contest = [e for e in listed[seeded["contested"]]["timeline"] if e["kind"] == "contested"]
    assert [e["reason"] for e in contest] == ["wrong_amount"]
    assert status("payment_declared") == "payment_declared"
    assert status("scheduled") == "scheduled" and listed[seeded["scheduled"]]["outstanding_cents"] == 1_200_00
    assert listed[seeded["scheduled"]]["next_action"]["kind"] == "instalment_missed"
    assert status("filed_as_report") == "unpaid"
    assert any(e["kind"] == "dispatch_proof" for e in listed[seeded["filed_as_report"]]["timeline"])
    report = directory.get(f"/reports/{seeded['report_from_case']}", headers=member).json
    assert (report["status"], report["case_id"]) == ("under_review", seeded["filed_as_report"])
    assert [p["kind"] for p in report["ardoise_proofs"]] == ["reminder", "reminder", "formal_notice", "dispatch_proof"]
    # Opened with its invoice's PDF: the report carries the very document the case holds.
    [held] = listed[seeded["filed_as_report"]]["documents"]
    assert held["kind"] == "invoice" and held in report["documents"]
    # Taken to court after the notice ran out: its receipt joined, the injonction de payer prepared, its PDF drawn.
    court_case = listed[seeded["injunction_prepared"]]
    assert status("injunction_prepared") == "unpaid"
    assert sent("injunction_prepared") == ["Relance courtoise", "Relance ferme", "Mise en demeure"]
    assert [e["kind"] for e in court_case["timeline"]][-3:] == [
        "scenario_ended",
        "dispatch_proof",
        "court_request_prepared",
    ]
    pdf = directory.get(f"/cases/{court_case['id']}/injunction/injonction_de_payer/pdf", headers=member)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    # A schedule whose first instalment was missed: the reminders resumed where they stopped, the notice next.
    missed = listed[seeded["schedule_missed"]]
    kinds = [e["kind"] for e in missed["timeline"]]
    assert kinds == [
        "opened",
        "step_sent",
        "schedule_proposed",
        "schedule_accepted",
        "instalment_missed",
        "step_sent",
    ]
    assert (status("schedule_missed"), sent("schedule_missed")) == ("running", ["Relance courtoise", "Relance ferme"])
    assert (missed["next_action"]["kind"], missed["next_action"]["step"]) == ("send_step", 2)
    assert missed["outstanding_cents"] == 1_500_00
    own = listed[seeded["running_with_member_scenario"]]
    assert own["scenario"]["id"] == seeded["member_scenario"] and own["next_action"]["channel"] == "sms"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_demo_creditor_follows_each_case_in_its_space(
    resources: Resources, clock: FixedClock, directory: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    clock.now = datetime(2026, 12, 2, 9, tzinfo=UTC)
    seeded = seed_demo(resources)["recovery_cases"]
    assert demo_creditor_pages(resources)["recovery cases, one at each stage"].endswith("/espace/dossiers")
    found = SIGN_IN_LINK.search(demo_sign_in_links(resources)["creditor"])
    assert found is not None
    token = found.group(1)
    assert submit(directory, f"/espace/connexion/{token}", "/espace/connexion/ouvrir", jeton=token).status_code == 303
    listed = directory.get("/espace/dossiers").get_data(as_text=True)
    cases = [value for value in seeded.values() if str(value).startswith("case_")]
    assert len(cases) == 13 and all(f"/espace/dossiers/{case_id}" in listed for case_id in cases)
    ready = text(directory.get(f"/espace/dossiers/{seeded['unpaid_after_notice']}"))
    assert "Déposer le signalement" in ready and "Télécharger le courrier (PDF)" in ready
    filed = text(directory.get(f"/espace/dossiers/{seeded['filed_as_report']}"))
    assert "voir le signalement" in filed and "Preuve d'envoi jointe" in filed
    assert "Reprendre les relances" in text(directory.get(f"/espace/dossiers/{seeded['payment_declared']}"))
    contested = text(directory.get(f"/espace/dossiers/{seeded['contested']}"))
    assert "Contestation du débiteur" in contested and "remise de 10 %" in contested
    assert "Échéancier accepté" in text(directory.get(f"/espace/dossiers/{seeded['scheduled']}"))
    assert "Requête au tribunal préparée" in text(directory.get(f"/espace/dossiers/{seeded['injunction_prepared']}"))
    resumed = text(directory.get(f"/espace/dossiers/{seeded['schedule_missed']}"))
    assert "Échéance manquée : relances reprises (échéance n° 1)" in resumed
    scenarios_page = demo_creditor_pages(resources)["reminder scenarios, Ardoise's and the member's own"]
    assert scenarios_page.endswith("/espace/scenarios")
    own = text(directory.get("/espace/scenarios"))
    assert "Scénario Ardoise" in own and "SMS puis mise en demeure par e-mail" in own
    assert "SMS de rappel relance SMS 2 jours après l'échéance" in text(
        directory.get(f"/espace/scenarios/{seeded['member_scenario']}")
    )
