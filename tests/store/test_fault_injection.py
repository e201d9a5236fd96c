"""The fault-injecting backend the hardening tests rely on behaves as it says, on both stores."""

from __future__ import annotations

import pytest

from functions.core.store.items import Item, ItemBackend, Put
from tests.faults import FaultyBackend, InjectedFault, writes_touching


def test_a_fault_after_the_call_applies_the_change_then_raises(backend: ItemBackend) -> None:
    faulty = FaultyBackend(backend)
    faulty.fail("transact", when="after", calls={1})
    with pytest.raises(InjectedFault):
        faulty.transact([Put(Item("A", "1", {"x": 1}))])
    assert backend.get("A", "1") is not None


def test_a_fault_before_the_call_changes_nothing(backend: ItemBackend) -> None:
    faulty = FaultyBackend(backend)
    faulty.fail("transact", when="before", calls={1})
    with pytest.raises(InjectedFault):
        faulty.transact([Put(Item("A", "1", {"x": 1}))])
    assert backend.get("A", "1") is None


def test_a_fault_strikes_only_the_matching_calls_it_names(backend: ItemBackend) -> None:
    faulty = FaultyBackend(backend)
    fault = faulty.fail("transact", calls={2}, matches=writes_touching("B"))
    faulty.transact([Put(Item("A", "1", {}))])  # does not match
    faulty.transact([Put(Item("B", "1", {}))])  # first match: spared
    with pytest.raises(InjectedFault):
        faulty.transact([Put(Item("B", "2", {}))])
    faulty.transact([Put(Item("B", "3", {}))])
    assert fault.fired == 1
    assert backend.get("B", "2") is None
