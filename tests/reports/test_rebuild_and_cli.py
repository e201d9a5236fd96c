"""Rebuilding summaries, and the operator's commands for subscribers."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from functions.cli import main
from functions.core.clock import FixedClock
from functions.core.config import Settings
from functions.core.domain.reports import ReportStatus
from functions.core.domain.summaries import build_summary
from functions.core.errors import ValidationFailed
from functions.core.resources import Resources
from functions.core.store.items import Item, Put
from functions.core.usecases.propagation import refresh_marked
from functions.core.usecases.reports.solvency import rebuild_summaries, refresh_due_summaries
from functions.core.usecases.reports.subscribers import create_subscriber
from tests.reports.factories import DEBTOR_SIREN, file_published, record_company, three_creditors


def test_incremental_summaries_match_a_full_rebuild(resources: Resources) -> None:
    record_company(resources)
    file_published(resources, id="r1")
    resources.store.experiences.share_experiences("732829320", three_creditors(0, 5, 10)[:1], "member:test")
    refresh_marked(resources)
    assert rebuild_summaries(resources, check=True)["differences"] == []


def test_the_check_reports_a_summary_that_drifted(resources: Resources) -> None:
    record_company(resources)
    file_published(resources, id="r1")
    refresh_marked(resources)
    item = resources.store.summaries.get_item(DEBTOR_SIREN)
    assert item is not None
    tampered = {**item.data, "pending_disputes": 7}
    resources.store.backend.transact([Put(item.bumped(tampered), item.version)])
    result = rebuild_summaries(resources, check=True)
    assert result["differences"] == [{"siren": DEBTOR_SIREN, "fields": ["pending_disputes"]}]
    rebuild_summaries(resources, check=False)
    assert rebuild_summaries(resources, check=True)["differences"] == []


def test_the_check_expects_no_summary_where_nothing_is_public(resources: Resources, clock: FixedClock) -> None:
    file_published(resources, id="r1", status=ReportStatus.NOTIFIED, published_on=None)
    refresh_marked(resources)
    assert resources.store.summaries.get_item(DEBTOR_SIREN) is None
    assert rebuild_summaries(resources, check=True)["differences"] == []
    # What the refresher used to store: a summary naming the company, from the pending report.
    leaked = build_summary(
        siren=DEBTOR_SIREN,
        identity={"siren": DEBTOR_SIREN, "name": "Société Générale d'Équipement"},
        reports=[],
        experiences=[],
        charter=None,
        today=clock().date(),
        now=clock(),
    )
    resources.store.backend.transact([Put(Item(f"COMPANY#{DEBTOR_SIREN}", "SUMMARY", leaked), None)])
    assert rebuild_summaries(resources, check=True)["differences"] == [
        {"siren": DEBTOR_SIREN, "fields": ["(nothing public: should not exist)"]}
    ]
    rebuild_summaries(resources, check=False)
    assert resources.store.summaries.get_item(DEBTOR_SIREN) is None


def test_summaries_with_open_reports_are_recomputed_the_next_day(resources: Resources, clock: FixedClock) -> None:
    record_company(resources)
    file_published(resources, id="r1")
    refresh_marked(resources)
    before = resources.store.summaries.get_summary(DEBTOR_SIREN)
    assert refresh_due_summaries(resources) == 0
    clock.advance(days=1)
    assert refresh_due_summaries(resources) == 1
    after = resources.store.summaries.get_summary(DEBTOR_SIREN)
    assert after["open_reports"]["worst_days_beyond_terms"] == before["open_reports"]["worst_days_beyond_terms"] + 1
    assert refresh_due_summaries(resources) == 0


def test_due_summaries_are_refreshed_batch_after_batch_within_the_budget(
    resources: Resources, clock: FixedClock
) -> None:
    sirens = ["552100554", "732829320", "542051180", "383474814", "443061841"]
    for n, siren in enumerate(sirens):
        file_published(resources, id=f"r{n}", number=f"F-{n}", debtor_siren=siren)
    refresh_marked(resources)
    clock.advance(days=1)
    assert refresh_due_summaries(resources, budget_seconds=0) == 0  # nothing started: all wait for the next tick
    assert refresh_due_summaries(resources, batch=2) == len(sirens)
    assert {resources.store.summaries.get_summary(siren)["as_of"] for siren in sirens} == {"2026-03-03"}
    assert refresh_due_summaries(resources, batch=2) == 0


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("ARDOISE_STORE", f"sqlite:///{tmp_path}/cli.db")
    monkeypatch.setenv("ARDOISE_PLANS", "essai:5,pro:1000")
    return CliRunner()


def test_subscribers_are_created_listed_moved_and_revoked_from_the_command_line(cli_env: CliRunner) -> None:
    created = cli_env.invoke(
        main, ["subscribers", "create", "--name", "Cabinet Leroy", "--email", "credit@leroy.fr", "--plan", "essai"]
    )
    assert created.exit_code == 0, created.output
    key = created.stdout.strip()
    assert key.startswith("ard_sub_")
    subscriber_id = key.split("_")[2]
    listed = cli_env.invoke(main, ["subscribers", "list"])
    assert subscriber_id in listed.output and key not in listed.output
    assert cli_env.invoke(main, ["subscribers", "set-plan", subscriber_id, "pro"]).exit_code == 0
    refused = cli_env.invoke(main, ["subscribers", "set-plan", subscriber_id, "platine"])
    assert refused.exit_code == 2 and "unknown plan 'platine': choose one of essai, pro" in refused.stderr
    revoked = cli_env.invoke(main, ["subscribers", "revoke", subscriber_id])
    assert "revoked" in revoked.stderr
    assert cli_env.invoke(main, ["subscribers", "revoke", "0123456789ab"]).exit_code == 2


def test_a_subscriber_name_on_two_lines_is_refused(resources: Resources) -> None:
    with pytest.raises(ValidationFailed) as refused:
        create_subscriber(
            resources, name="Cabinet Leroy\nBcc: x@y.fr", email="credit@leroy.fr", plan="pro", actor="operator:test"
        )
    assert refused.value.errors[0].code == "texte_invalide"


def test_an_unknown_plan_is_refused_at_creation(cli_env: CliRunner) -> None:
    result = cli_env.invoke(main, ["subscribers", "create", "--name", "X", "--email", "x@exemple.fr", "--plan", "or"])
    assert result.exit_code == 2
    assert "unknown plan 'or'" in result.stderr


def test_rebuild_summaries_check_exits_non_zero_on_a_difference(cli_env: CliRunner) -> None:
    res = Resources()
    record_company(res)
    file_published(res, id="r1")
    refresh_marked(res)
    agreed = cli_env.invoke(main, ["rebuild-summaries", "--check", "--json"])
    assert agreed.exit_code == 0, agreed.output
    assert json.loads(agreed.stdout)["differences"] == []
    item = res.store.summaries.get_item(DEBTOR_SIREN)
    assert item is not None
    res.store.backend.transact([Put(item.bumped({**item.data, "grade": "A"}), item.version)])
    drifted = cli_env.invoke(main, ["rebuild-summaries", "--check"])
    assert drifted.exit_code == 1
    assert drifted.stdout.splitlines()[1].split() == [DEBTOR_SIREN, "grade"]
    assert "differing: 1" in drifted.stderr


def test_a_demo_run_reminds_the_demo_key_kept_in_var(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from functions.cli.server import _echo_demo_key

    res = Resources(settings)  # ARDOISE_HOME is the test's folder
    _echo_demo_key(res, "127.0.0.1", 8000)
    assert capsys.readouterr().err == ""
    (tmp_path / "var").mkdir(exist_ok=True)
    (tmp_path / "var" / "demo-api-key").write_text("ard_sub_0123456789ab_demo\n")
    _echo_demo_key(res, "127.0.0.1", 8000)
    assert (
        "curl -H 'X-API-Key: ard_sub_0123456789ab_demo' http://127.0.0.1:8000/api/reports/usage"
        in capsys.readouterr().err
    )
