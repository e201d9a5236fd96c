"""Recovery cases and scenarios on both stores: one codec, one case per invoice, the tick's queue, no lost update."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from functions.core.domain import recovery
from functions.core.domain.recovery import CaseStatus, SentMessage
from functions.core.domain.scenarios import DEFAULT_SCENARIO, Channel
from functions.core.store import ConditionFailed, Store
from functions.core.store.recovery import DuplicateCase
from tests.recovery.factories import OPENED_AT, make_case


def test_a_case_reads_back_as_it_was_opened_with_its_timeline_and_an_audit_event(store: Store) -> None:
    case = make_case()
    stored = store.cases.open_case(case, actor="member:mbr_test")
    assert stored.version == 1
    assert store.cases.get_case(case.id) == stored
    events = store.audit.list_events(f"company:{case.debtor.siren}")
    assert [(e.action, e.entity, e.after["status"]) for e in events] == [("case.opened", f"case:{case.id}", "running")]


def test_a_second_case_for_the_same_invoice_is_refused_with_the_first_ones_id(store: Store) -> None:
    store.cases.open_case(make_case(), actor="a")
    with pytest.raises(DuplicateCase) as refused:
        store.cases.open_case(make_case(id="case_0002", number="f 2026 0117"), actor="a")
    assert refused.value.case_id == "case_0001"
    assert store.cases.get_case("case_0002") is None


def test_a_case_saved_over_a_stale_copy_loses(store: Store) -> None:
    first = store.cases.open_case(make_case(), actor="a")
    now = OPENED_AT + timedelta(hours=1)
    paid = recovery.payment_recorded(first, amount_cents=100_00, paid_on=date(2026, 3, 2), now=now, actor="m")
    store.cases.save(first, paid, actor="m", action="case.payment_recorded")
    with pytest.raises(ConditionFailed):
        store.cases.save(first, recovery.withdrawn(first, now, "m"), actor="m", action="case.withdrawn")
    current = store.cases.get_case(first.id)
    assert current is not None and current.outstanding_cents == 2_300_00 and current.version == 2


def test_only_running_cases_whose_action_is_due_wait_in_the_tick_queue(store: Store) -> None:
    due_soon = store.cases.open_case(make_case(id="case_a", number="A"), actor="a")
    later = store.cases.open_case(make_case(id="case_b", number="B", due_date=date(2026, 3, 20)), actor="a")
    stopped = store.cases.open_case(make_case(id="case_c", number="C"), actor="a")
    store.cases.save(stopped, recovery.withdrawn(stopped, OPENED_AT, "m"), actor="m", action="case.withdrawn")
    assert due_soon.next_action_at is not None and later.next_action_at is not None
    assert store.cases.list_due(due_soon.next_action_at - timedelta(seconds=1)) == []
    assert store.cases.list_due(due_soon.next_action_at) == ["case_a"]
    assert store.cases.list_due(later.next_action_at) == ["case_a", "case_b"]


def test_a_sent_message_and_its_digest_read_back_on_the_timeline(store: Store) -> None:
    case = store.cases.open_case(make_case(), actor="a")
    message = SentMessage(
        "msg_1", Channel.LETTER, "12 rue de la Paix", "Mise en demeure", "ab" * 32, 1234, "cases/x.pdf"
    )
    sent = recovery.step_sent(case, 0, message, OPENED_AT, "system:tick")
    store.cases.save(case, sent, actor="system:tick", action="case.step_sent")
    current = store.cases.get_case(case.id)
    assert current is not None and current.events[-1].message == message
    assert current.status is CaseStatus.RUNNING


def test_a_members_cases_and_scenarios_are_its_own(store: Store) -> None:
    store.cases.open_case(make_case(id="case_a", number="A"), actor="a")
    store.cases.open_case(make_case(id="case_b", number="B", member_id="mbr_other"), actor="a")
    assert [c.id for c in store.cases.list_member_cases("mbr_test")] == ["case_a"]
    mine = replace(DEFAULT_SCENARIO, id="scn_1", name="Le mien", owner="mbr_test", created_at=OPENED_AT)
    stored = store.cases.create_scenario(mine, actor="member:mbr_test")
    assert store.cases.get_scenario("mbr_test", "scn_1") == stored
    assert store.cases.get_scenario("mbr_other", "scn_1") is None
    assert store.cases.list_scenarios("mbr_test") == [stored]
