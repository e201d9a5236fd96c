"""A payment schedule through the HTTP API: the debtor proposes it by its link, the creditor accepts or refuses,
an accepted schedule pauses the reminders, a missed instalment resumes them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from functions.core.usecases.recovery.debtor import case_token
from tests.recovery.conftest import Desk
from tests.recovery.factories import case_payload

DEBTOR, CREDITOR = "comptabilite@sge.fr", "compta@menuiserie-durand.fr"
TWO = [{"due_on": "2026-03-15", "amount_cents": 1_200_00}, {"due_on": "2026-04-15", "amount_cents": 1_200_00}]


@pytest.fixture
def case_id(desk: Desk) -> str:
    response = desk.api.post("/cases", json=case_payload(), headers=desk.member)
    assert response.status_code == 201, response.json
    return str(response.json["id"])


@pytest.fixture
def token(desk: Desk, case_id: str) -> str:
    return case_token(desk.resources, case_id)


def propose(desk: Desk, token: str, instalments: list[dict[str, Any]] = TWO, **headers: str) -> Any:
    return desk.api.post(
        f"/debtor-cases/{token}/schedule", json={"instalments": instalments, "text": "Deux virements."}, headers=headers
    )


def test_a_proposal_waits_for_the_creditor_who_is_emailed_its_case_page_and_reminders_go_on(
    desk: Desk, case_id: str, token: str
) -> None:
    proposed = propose(desk, token)
    assert proposed.status_code == 200, proposed.json
    assert proposed.json["status"] == "running"
    assert proposed.json["schedule"]["status"] == "proposed"
    assert "propose_schedule" not in proposed.json["actions"]
    told = desk.mails_to(CREDITOR)[-1]
    assert "propose un échéancier" in str(told["Subject"])
    assert "15/03/2026" in told.get_content() and f"/cases/{case_id}/schedule/accept" in told.get_content()
    # The creditor answers from its space's page of the case (a person reads this e-mail, not a program).
    assert f"{desk.resources.settings.base_url}/espace/dossiers/{case_id}\n" in told.get_content()
    assert desk.case(case_id)["timeline"][-1]["kind"] == "schedule_proposed"
    assert desk.tick_at(datetime(2026, 3, 4, 8, tzinfo=UTC))["sent"] == 1
    assert propose(desk, token).status_code == 409  # one proposal waits at a time


def test_an_accepted_schedule_pauses_reminders_and_a_missed_instalment_resumes_them(
    desk: Desk, case_id: str, token: str
) -> None:
    propose(desk, token)
    accepted = desk.api.post(f"/cases/{case_id}/schedule/accept", headers=desk.member)
    assert accepted.status_code == 200, accepted.json
    assert (accepted.json["status"], accepted.json["schedule"]["status"]) == ("scheduled", "accepted")
    assert accepted.json["next_action"]["kind"] == "instalment_missed"
    assert "accepté" in str(desk.mails_to(DEBTOR)[-1]["Subject"])
    before = len(desk.mails_to(DEBTOR))
    # The courteous reminder was due on 4 March: nothing goes while the schedule holds.
    for day in (4, 11, 20):
        assert desk.tick_at(datetime(2026, 3, day, 8, tzinfo=UTC)) == {"sent": 0, "ended": 0, "resumed": 0, "failed": 0}
    assert len(desk.mails_to(DEBTOR)) == before
    # 15 March unpaid, 5 days' grace: missed on the 21st, the scenario resumes and its reminder goes next tick.
    assert desk.tick_at(datetime(2026, 3, 21, 9, tzinfo=UTC))["resumed"] == 1
    case = desk.case(case_id)
    assert (case["status"], case["timeline"][-1]["kind"], case["schedule"]) == ("running", "instalment_missed", None)
    assert desk.tick_at(datetime(2026, 3, 21, 10, tzinfo=UTC))["sent"] == 1
    assert len(desk.mails_to(DEBTOR)) == before + 1


def test_the_timeline_keeps_the_schedule_and_names_the_instalment_missed_once_it_no_longer_holds(
    desk: Desk, case_id: str, token: str
) -> None:
    propose(desk, token)
    desk.api.post(f"/cases/{case_id}/schedule/accept", headers=desk.member)
    desk.clock.now = datetime(2026, 3, 15, 12, tzinfo=UTC)
    desk.api.post(
        f"/cases/{case_id}/payments", json={"amount_cents": 1_200_00, "paid_on": "2026-03-15"}, headers=desk.member
    )
    # 15 April unpaid, 5 days' grace: the second instalment is missed on the 21st.
    assert desk.tick_at(datetime(2026, 4, 21, 9, tzinfo=UTC))["resumed"] == 1
    case = desk.case(case_id)
    assert case["schedule"] is None  # no schedule holds any more: the timeline alone tells which one did
    events = {e["kind"]: e for e in case["timeline"]}
    assert events["schedule_proposed"]["instalments"] == events["schedule_accepted"]["instalments"] == TWO
    assert events["instalment_missed"]["instalment"] == 1
    assert events["opened"]["instalments"] is None and events["opened"]["instalment"] is None


def test_instalments_paid_on_time_keep_the_reminders_paused(desk: Desk, case_id: str, token: str) -> None:
    propose(desk, token)
    desk.api.post(f"/cases/{case_id}/schedule/accept", headers=desk.member)
    desk.clock.now = datetime(2026, 3, 15, 12, tzinfo=UTC)
    paid = desk.api.post(
        f"/cases/{case_id}/payments", json={"amount_cents": 1_200_00, "paid_on": "2026-03-15"}, headers=desk.member
    )
    assert paid.json["status"] == "scheduled"
    assert desk.tick_at(datetime(2026, 3, 25, 9, tzinfo=UTC))["resumed"] == 0


def test_a_refused_schedule_lets_the_scenario_go_on(desk: Desk, case_id: str, token: str) -> None:
    propose(desk, token)
    refused = desk.api.post(f"/cases/{case_id}/schedule/refuse", headers=desk.member)
    assert refused.status_code == 200, refused.json
    assert (refused.json["status"], refused.json["schedule"]) == ("running", None)
    assert "n'est pas accepté" in str(desk.mails_to(DEBTOR)[-1]["Subject"])
    assert desk.tick_at(datetime(2026, 3, 4, 8, tzinfo=UTC))["sent"] == 1
    # Refused, another may be proposed.
    assert "propose_schedule" in desk.api.get(f"/debtor-cases/{token}").json["actions"]


def test_answering_without_a_proposal_is_a_409(desk: Desk, case_id: str) -> None:
    for answer in ("accept", "refuse"):
        response = desk.api.post(f"/cases/{case_id}/schedule/{answer}", headers=desk.member)
        assert response.status_code == 409
        assert response.headers["Content-Type"] == "application/problem+json"


def test_another_members_case_is_a_404(desk: Desk, case_id: str, token: str) -> None:
    propose(desk, token)
    assert desk.api.post(f"/cases/{case_id}/schedule/accept").status_code == 401
    assert desk.api.post("/cases/case_0123456789abcdef/schedule/accept", headers=desk.member).status_code == 404


@pytest.mark.parametrize(
    ("instalments", "errors"),
    [
        (
            [{"due_on": "2026-03-15", "amount_cents": 1_000_00}],
            {("instalments", "total_different_du_reste_du")},
        ),
        (
            [{"due_on": "2026-03-01", "amount_cents": 2_400_00}],
            {("instalments.0.due_on", "echeance_passee")},
        ),
        (
            [{"due_on": "2026-04-15", "amount_cents": 1_200_00}, {"due_on": "2026-03-15", "amount_cents": 1_200_00}],
            {("instalments.1.due_on", "echeances_non_croissantes")},
        ),
    ],
)
def test_a_schedule_that_breaks_a_rule_is_a_422_naming_its_field(
    desk: Desk, token: str, instalments: list[dict[str, Any]], errors: set[tuple[str, str]]
) -> None:
    refused = propose(desk, token, instalments)
    assert refused.status_code == 422, refused.json
    assert {(e["field"], e["code"]) for e in refused.json["errors"]} == errors


@pytest.mark.parametrize(
    "instalments", [[], [{"due_on": "15/03/2026", "amount_cents": 2_400_00}], [{"due_on": "2026-03-15"}]]
)
def test_a_malformed_schedule_is_a_400(desk: Desk, token: str, instalments: list[dict[str, Any]]) -> None:
    refused = propose(desk, token, instalments)
    assert refused.status_code == 400, refused.json
    assert refused.json["errors"]


def test_a_proposal_sent_twice_with_its_key_is_applied_once(desk: Desk, case_id: str, token: str) -> None:
    first = propose(desk, token, **{"Idempotency-Key": "sched-1"})
    again = propose(desk, token, **{"Idempotency-Key": "sched-1"})
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.headers["Idempotent-Replayed"] == "true"
    kinds = [e["kind"] for e in desk.case(case_id)["timeline"]]
    assert kinds.count("schedule_proposed") == 1


def test_a_forged_link_cannot_propose(desk: Desk, token: str) -> None:
    assert propose(desk, token[:-1]).status_code == 404
