"""The member's recovery figures: amounts recovered, days to payment, the share recovered after each step."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from functions.core.domain import recovery
from functions.core.domain.recovery import RecoveryCase, SentMessage
from functions.core.domain.recovery_figures import AFTER_THE_NOTICE_DEADLINE, BEFORE_ANY_STEP, recovery_figures
from functions.core.domain.scenarios import Channel
from tests.recovery.conftest import Desk
from tests.recovery.factories import case_payload, make_case
from tests.spaces.conftest import CREDITOR_SIREN, MEMBER_EMAIL
from tests.spaces.helpers import sign_in, text

ACTOR = "member:mbr_test"


def march(day: int) -> datetime:
    return datetime(2026, 3, day, 8, tzinfo=UTC)


def sent(case: RecoveryCase, step: int, day: int) -> RecoveryCase:
    message = SentMessage(f"msg_{step}", Channel.EMAIL, "comptabilite@sge.fr", "Relance", "0" * 64, 100)
    return recovery.step_sent(case, step, message, march(day), "system:tick")


def paid(case: RecoveryCase, cents: int, day: int) -> RecoveryCase:
    return recovery.payment_recorded(case, amount_cents=cents, paid_on=date(2026, 3, day), now=march(day), actor=ACTOR)


def test_each_payment_counts_for_the_step_it_followed_and_a_full_payment_gives_the_days() -> None:
    # Paid in full on 3 March, before any reminder.
    early = paid(make_case(id="case_a", number="A", amount_cents=1_000_00), 1_000_00, 3)
    # Half after the courteous reminder (4 March), the rest after the firm one (11 March), on 13 March.
    halves = sent(make_case(id="case_b", number="B", amount_cents=2_000_00), 0, 4)
    halves = sent(paid(halves, 1_000_00, 6), 1, 11)
    halves = paid(halves, 1_000_00, 13)
    # Nothing recovered: the notice went, the case ended unpaid.
    unpaid = sent(sent(sent(make_case(id="case_c", number="C", amount_cents=500_00), 0, 4), 1, 11), 2, 18)
    unpaid = recovery.scenario_ended(unpaid, march(27), "system:tick")
    late = paid(unpaid, 200_00, 28)

    figures = recovery_figures([early, halves, late])

    assert (figures.claimed_cents, figures.recovered_cents, figures.paid_in_full) == (3_500_00, 3_200_00, 2)
    assert figures.recovered_share == Decimal("91.4")
    by_step = [(s.label, s.recovered_cents, s.payments, s.share) for s in figures.by_step]
    assert by_step == [
        (BEFORE_ANY_STEP, 1_000_00, 1, Decimal("31.3")),
        ("Après l'étape 1 : Relance courtoise", 1_000_00, 1, Decimal("31.3")),
        ("Après l'étape 2 : Relance ferme", 1_000_00, 1, Decimal("31.3")),
        (AFTER_THE_NOTICE_DEADLINE, 200_00, 1, Decimal("6.3")),
    ]
    a, b, c = figures.cases
    assert (a.days_from_opening, a.days_past_due, a.paid_after) == (1, 2, BEFORE_ANY_STEP)
    assert (b.days_from_opening, b.days_past_due, b.paid_after) == (11, 12, "Après l'étape 2 : Relance ferme")
    assert (c.recovered_cents, c.days_from_opening, c.paid_after) == (200_00, None, None)
    assert figures.average_days_to_payment == Decimal("6.0")


def test_no_case_no_figures() -> None:
    figures = recovery_figures([])
    assert (figures.recovered_cents, figures.recovered_share, figures.average_days_to_payment) == (0, 0, None)
    assert figures.by_step == ()


def test_the_api_gives_the_members_figures_from_its_own_cases(desk: Desk) -> None:
    case = desk.api.post("/cases", json=case_payload(), headers=desk.member).json
    desk.tick_at(march(4))  # the courteous reminder
    recorded = desk.api.post(
        f"/cases/{case['id']}/payments", json={"amount_cents": 2_400_00, "paid_on": "2026-03-04"}, headers=desk.member
    )
    assert recorded.status_code == 200, recorded.json
    figures = desk.api.get("/cases/figures", headers=desk.member)
    assert figures.status_code == 200, figures.json
    body = figures.json
    assert (body["cases_count"], body["paid_in_full"], body["recovered_cents"]) == (1, 1, 2_400_00)
    assert body["recovered_percent"] == "100.0"
    [step] = body["by_step"]
    assert (step["position"], step["share_percent"]) == (0, "100.0")
    assert step["label"] == "Après l'étape 1 : Relance courtoise"
    [one] = body["cases"]
    assert (one["case_id"], one["days_from_opening"], one["days_past_due"]) == (case["id"], 2, 3)
    assert desk.api.get("/cases/figures").status_code == 401


def test_the_creditors_home_page_shows_its_figures(desk: Desk) -> None:
    case = desk.api.post("/cases", json=case_payload(), headers=desk.member).json
    desk.tick_at(march(4))
    desk.api.post(
        f"/cases/{case['id']}/payments", json={"amount_cents": 1_200_00, "paid_on": "2026-03-04"}, headers=desk.member
    )
    browser = desk.api.application.test_client()
    sign_in(browser, desk.mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    home = text(browser.get("/espace/"))
    assert "Mes chiffres du recouvrement amiable" in home
    assert "Recouvré 1 200,00 € sur 2 400,00 € dus à l'ouverture (50 %)" in home.replace("\u202f", " ").replace(
        "\xa0", " "
    )
    assert "Après l'étape 1 : Relance courtoise" in home and "F-2026-0117" in home
