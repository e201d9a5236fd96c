"""``ardoise tick --at MOMENT``: the time-driven work as of a later moment, never in production."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from functions.cli import main
from functions.core.clock import system_clock
from functions.core.domain.reports import ReportStatus
from functions.core.resources import Resources
from functions.local.demo import seed_demo


@pytest.fixture
def in_grace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Seed the demo at the real time and return its report three days into its 15-day grace period."""
    monkeypatch.chdir(tmp_path)  # the demo writes its tokens under var/
    monkeypatch.setenv("ARDOISE_STORE", f"sqlite:///{tmp_path}/tick.db")
    monkeypatch.setenv("ARDOISE_MAILER", f"outbox:{tmp_path}/outbox")
    res = Resources()
    res.store.backend.create_schema()
    return str(seed_demo(res)["directory_reports"]["in_grace_period"])


def status_of(report_id: str) -> ReportStatus:
    report = Resources().store.reports.get_report(report_id)  # a fresh store: what the command wrote
    assert report is not None
    return report.status


def test_a_tick_at_a_moment_after_the_grace_period_publishes_the_report_now(in_grace: str) -> None:
    assert CliRunner().invoke(main, ["tick"]).exit_code == 0
    assert status_of(in_grace) is ReportStatus.NOTIFIED

    moment = (system_clock() + timedelta(days=13)).astimezone().isoformat(timespec="seconds")
    result = CliRunner().invoke(main, ["tick", "--at", moment, "--json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["directory_publication"] == 1
    assert "tick as of" in result.stderr
    assert status_of(in_grace) is ReportStatus.PUBLISHED


def test_a_tick_at_a_moment_inside_the_grace_period_publishes_nothing(in_grace: str) -> None:
    moment = (system_clock() + timedelta(days=11)).isoformat()
    result = CliRunner().invoke(main, ["tick", "--at", moment, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["directory_publication"] == 0
    assert status_of(in_grace) is ReportStatus.NOTIFIED


@pytest.mark.parametrize(
    ("moment", "said"),
    [
        ("2026-12-20 dix heures", "is not an ISO 8601 moment"),
        ("20/12/2026", "is not an ISO 8601 moment"),
        ("2999-12-20T10:00:00", "has no offset"),
        ("2020-01-01T10:00:00+01:00", "is in the past"),
        ("", "is not an ISO 8601 moment"),
    ],
)
def test_a_malformed_or_past_moment_is_refused_with_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moment: str, said: str
) -> None:
    monkeypatch.setenv("ARDOISE_STORE", f"sqlite:///{tmp_path}/tick.db")
    result = CliRunner().invoke(main, ["tick", "--at", moment])
    assert result.exit_code == 2
    assert said in result.output and "Traceback" not in result.output
    assert not (tmp_path / "tick.db").exists()  # refused before anything ran


@pytest.mark.parametrize(
    "environment", [{"ARDOISE_ENV": "production"}, {"AWS_LAMBDA_FUNCTION_NAME": "ardoise-directory"}]
)
def test_a_moment_is_refused_in_production(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, environment: dict[str, str]
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ARDOISE_STORE", f"sqlite:///{tmp_path}/tick.db")
    moment = (system_clock() + timedelta(days=20)).isoformat()
    result = CliRunner().invoke(main, ["tick", "--at", moment])
    assert result.exit_code == 2
    assert "--at is refused in production" in result.output
    assert not (tmp_path / "tick.db").exists()
