"""A schedule the debtor proposed through its link is its written acknowledgement of the debt: the request cites it.

The basis of the claim states the facts Ardoise recorded (the day, the sum, the instalments, the creditor's
answer, the instalment missed), citing the timestamped record as the piece that proves them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from functions.core.domain import recovery
from functions.core.domain.recovery import ActionKind, RecoveryCase, SentMessage
from functions.core.domain.scenarios import Channel
from functions.core.domain.schedules import Instalment
from tests.recovery.factories import make_case
from tests.recovery.test_injunction_domain import compose, paris, unpaid

DEBTOR = "debtor:552100554"
TWO = (Instalment(date(2026, 3, 15), 1_200_00), Instalment(date(2026, 4, 15), 1_200_00))


def proposed(case: RecoveryCase, at: datetime | None = None) -> RecoveryCase:
    """The debtor proposes two instalments through its link (on 2 March at 11:00 unless ``at``)."""
    moment = at or paris(2, hour=11)
    return recovery.schedule_proposed(case, instalments=TWO, text="Deux virements.", now=moment, actor=DEBTOR)


def run_to_unpaid(case: RecoveryCase) -> RecoveryCase:
    """The engine's actions, each when due (never before the last event): to the notice's deadline passed."""
    while case.status is not recovery.CaseStatus.UNPAID:
        action = recovery.next_action(case)
        assert action is not None
        at = max(action.at, case.events[-1].at)
        if action.kind is ActionKind.SEND_STEP and action.step is not None:
            message = SentMessage(f"msg_{action.step}", Channel.EMAIL, "a@b.fr", "x", "0" * 64, 10)
            case = recovery.step_sent(case, action.step, message, at, "system:tick")
        elif action.kind is ActionKind.INSTALMENT_MISSED:
            case = recovery.instalment_missed(case, at, "system:tick")
        else:
            case = recovery.scenario_ended(case, at, "system:tick")
    return case


def test_a_case_without_a_proposal_cites_none() -> None:
    request = compose(unpaid())
    assert not any("échéancier" in line for line in request.basis)
    assert "proposition d'échéancier" not in request.exhibits[-1].detail


def test_an_unanswered_proposal_is_cited_with_its_date_sum_and_instalments_and_the_record_as_its_piece() -> None:
    request = compose(unpaid(proposed(make_case())))
    record = request.exhibits[-1]
    assert record.title.startswith("Relevé horodaté du dossier de recouvrement Ardoise")
    assert record.detail.startswith(
        "chronologie des relances, de la mise en demeure et des réponses du débiteur, "
        "dont sa proposition d'échéancier du 2 mars 2026"
    )
    lines = [line.replace("\u202f", " ").replace("\u00a0", " ") for line in request.basis]
    assert (
        "Le débiteur a proposé le 2 mars 2026, par le lien privé de son dossier sur Ardoise, un échéancier de "
        "paiement de 2 400,00 € en 2 échéances (du 15 mars 2026 au 15 avril 2026), sans contester la créance "
        f"(pièce n° {record.number})."
    ) in lines
    # Cited after the invoice and before the notice: the order of the facts.
    proposal = next(i for i, line in enumerate(lines) if line.startswith("Le débiteur a proposé"))
    notice = next(i for i, line in enumerate(lines) if line.startswith("Malgré"))
    assert 0 < proposal < notice


def test_an_accepted_schedule_then_a_missed_instalment_are_cited_in_order() -> None:
    case = recovery.schedule_accepted(proposed(make_case()), paris(2, hour=12), "member:mbr_test")
    case = run_to_unpaid(case)
    request = compose(case, now=case.events[-1].at + timedelta(days=1))
    lines = [line.replace("\u202f", " ").replace("\u00a0", " ") for line in request.basis]
    start = next(i for i, line in enumerate(lines) if line.startswith("Le débiteur a proposé"))
    assert lines[start + 1] == "Le créancier a accepté cet échéancier le 2 mars 2026."
    # Missed the day after its five days' grace: 21 March.
    assert lines[start + 2] == (
        "L'échéance du 15 mars 2026 (1 200,00 €) n'a pas été payée : les relances ont repris le 21 mars 2026."
    )


def test_a_refused_proposal_and_a_second_one_are_each_cited() -> None:
    case = recovery.schedule_refused(proposed(make_case()), paris(2, hour=12), "member:mbr_test")
    case = proposed(case, paris(3, hour=11))
    request = compose(unpaid(case))
    lines = [line for line in request.basis if "chéancier" in line]
    assert [line.split(",")[0] for line in lines] == [
        "Le débiteur a proposé le 2 mars 2026",
        "Le créancier a refusé cet échéancier le 2 mars 2026.",
        "Le débiteur a proposé le 3 mars 2026",
    ]
    assert "dont sa proposition d'échéancier du 2 mars 2026 et du 3 mars 2026" in request.exhibits[-1].detail
