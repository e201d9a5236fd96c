"""The recovery demo (``make run``): the demo member's cases, one at each state, readable through the API."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from functions.core.clock import FixedClock
from functions.core.resources import Resources
from functions.local.demo import seed_demo


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
    states = {
        name: listed[seeded[name]]["status"]
        for name in ("running", "running_with_member_scenario", "paid", "withdrawn")
    }
    assert states == {
        "running": "running",
        "running_with_member_scenario": "running",
        "paid": "paid",
        "withdrawn": "withdrawn",
    }
    assert listed[seeded["running_with_member_scenario"]]["scenario"]["id"] == seeded["member_scenario"]
    assert listed[seeded["running_with_member_scenario"]]["next_action"]["channel"] == "sms"
