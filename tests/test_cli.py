"""The ``ardoise`` command: every command has help; the store commands work on both backends."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import click
import pytest
from click.testing import CliRunner

from functions.cli import main


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in group.commands.items():
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found += all_commands(command, (*prefix, name))
    return found


@pytest.mark.parametrize("path", all_commands(main), ids=" ".join)
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_every_command_is_documented_in_the_operations_guide() -> None:
    guide = (Path(__file__).resolve().parents[1] / "docs" / "operations.md").read_text()
    missing = [" ".join(path) for path in all_commands(main) if f"`ardoise {' '.join(path)}" not in guide]
    assert not missing, f"commands missing from docs/operations.md: {missing}"


def test_init_store_creates_the_dynamodb_table(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARDOISE_STORE", "dynamodb://ardoise-cli?region=eu-west-3")
    result = CliRunner().invoke(main, ["init-store"])
    assert result.exit_code == 0, result.output
    table = boto3.client("dynamodb", region_name="eu-west-3").describe_table(TableName="ardoise-cli")["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert sorted(index["IndexName"] for index in table["GlobalSecondaryIndexes"]) == ["gsi1", "gsi2"]
    again = CliRunner().invoke(main, ["init-store"])
    assert again.exit_code == 0, again.output


def test_init_store_migrates_a_new_sqlite_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARDOISE_STORE", f"sqlite:///{tmp_path}/fresh.db")
    result = CliRunner().invoke(main, ["init-store"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "fresh.db").exists()


def test_a_bad_setting_stops_a_command_with_a_readable_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARDOISE_GRACE_DAYS", "quinze")
    result = CliRunner().invoke(main, ["tick"])
    assert result.exit_code == 3
    assert "ARDOISE_GRACE_DAYS" in result.stderr


def test_tick_prints_what_each_step_did(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARDOISE_STORE", f"sqlite:///{tmp_path}/tick.db")
    result = CliRunner().invoke(main, ["tick"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].split() == ["step", "result"]
    assert any(line.split()[0] == "refresh_marked" for line in result.stdout.splitlines())
    as_json = CliRunner().invoke(main, ["tick", "--json"])
    assert as_json.exit_code == 0, as_json.output
    assert "refresh_marked" in json.loads(as_json.stdout)


def test_a_failing_tick_step_does_not_stop_the_others_and_the_command_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from functions.local import tick

    ran: list[str] = []

    def broken(_ctx: object) -> None:
        raise RuntimeError("webhook endpoint unreachable")

    def later(_ctx: object) -> int:
        ran.append("later")
        return 1

    monkeypatch.setattr(tick, "tick_steps", lambda: [("broken", broken), ("later", later)])
    monkeypatch.setenv("ARDOISE_STORE", f"sqlite:///{tmp_path}/tick.db")
    result = CliRunner().invoke(main, ["tick", "--json"])
    assert result.exit_code == 1
    assert ran == ["later"]
    assert json.loads(result.stdout)["broken"]["error"] == "RuntimeError: webhook endpoint unreachable"
    assert "Error: tick steps failed: broken" in result.stderr


def test_settings_shows_each_value_in_effect_and_its_source_but_never_the_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARDOISE_SECRET_KEY", "a-secret-that-must-stay-hidden")
    monkeypatch.setenv("ARDOISE_GRACE_DAYS", "21")
    monkeypatch.delenv("ARDOISE_PLANS", raising=False)
    result = CliRunner().invoke(main, ["settings", "--json"])
    assert result.exit_code == 0, result.output
    shown = {row["variable"]: row for row in json.loads(result.stdout)}
    assert shown["ARDOISE_GRACE_DAYS"] == {"variable": "ARDOISE_GRACE_DAYS", "value": "21", "source": "environment"}
    assert shown["ARDOISE_PLANS"]["source"] == "default"
    assert shown["ARDOISE_SECRET_KEY"]["value"] == "(set)"
    table = CliRunner().invoke(main, ["settings"])
    assert table.exit_code == 0
    assert table.stdout.splitlines()[0].split() == ["variable", "value", "source"]
    assert "a-secret-that-must-stay-hidden" not in result.output + table.output


def test_settings_with_a_malformed_value_exits_3_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARDOISE_GRACE_DAYS", "quinze")
    result = CliRunner().invoke(main, ["settings"])
    assert result.exit_code == 3
    assert "ARDOISE_GRACE_DAYS='quinze'" in result.stderr and result.stdout == ""
