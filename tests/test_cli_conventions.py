"""The ``ardoise`` command behaves like a good operator tool: results on stdout, messages on stderr, exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from functions.cli import main
from functions.cli.progress import StderrProgress
from tests.test_cli import all_commands


@pytest.fixture
def cli_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ARDOISE_STORE", f"sqlite:///{tmp_path}/cli.db")
    monkeypatch.setenv("ARDOISE_MAILER", f"outbox:{tmp_path}/outbox")
    return tmp_path


READERS = [
    ["settings"],
    ["tick"],
    ["members", "list"],
    ["members", "list", "--pending"],
    ["moderators", "list"],
    ["subscribers", "list"],
    ["charter", "versions"],
    ["charter", "signatures"],
    ["charter", "refresh", "--all"],
    ["purge"],
    ["rebuild-aggregates", "--check"],
    ["rebuild-listing", "--check"],
    ["rebuild-summaries", "--check"],
]


@pytest.mark.parametrize("args", READERS, ids=" ".join)
def test_with_json_stdout_is_json_alone_and_the_human_lines_go_to_stderr(cli_store: Path, args: list[str]) -> None:
    result = CliRunner().invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)  # `ardoise ... --json | jq` reads it whole
    if args != ["settings"]:
        assert result.stderr.startswith("store: sqlite:///")
    assert "store:" not in result.stdout


@pytest.mark.parametrize("args", READERS, ids=" ".join)
def test_without_json_the_result_is_readable_text_not_json(cli_store: Path, args: list[str]) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert not result.stdout.lstrip().startswith(("{", "["))


def test_a_secret_shown_once_is_alone_on_stdout_so_it_can_be_piped(cli_store: Path) -> None:
    created = CliRunner().invoke(main, ["moderators", "create", "--name", "Inès Moreau", "--email", "ines@ardoise.fr"])
    assert created.exit_code == 0, created.output
    [token] = created.stdout.splitlines()
    assert token not in created.stderr and "shown this once" in created.stderr
    as_json = CliRunner().invoke(
        main, ["moderators", "create", "--name", "Paul Roy", "--email", "p@ardoise.fr", "--json"]
    )
    assert json.loads(as_json.stdout)["token"] != token


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (["nope"], 2, "No such command 'nope'"),
        (["members", "approve"], 2, "Missing argument 'MEMBER_ID'"),
        (["members", "approve", "mbr_nope"], 2, "no member mbr_nope"),
        (["members", "revoke", "mbr_nope"], 2, "no member mbr_nope"),
        (["moderators", "revoke", "mod_nope"], 2, "no moderator mod_nope"),
        (["subscribers", "revoke", "nope"], 2, "no subscriber nope"),
        (["subscribers", "set-plan", "nope", "platine"], 2, "unknown plan 'platine'"),
        (["charter", "show", "1999-01"], 2, "unknown version 1999-01"),
        (["export", "123"], 2, "a SIREN has 9 digits (a SIRET, 14)"),
        (["export", "552100553"], 2, "is not a SIREN: its check digit (Luhn) is wrong"),
        (["export", "55210055400014"], 2, "is not a SIRET: its check digit (Luhn) is wrong"),
        (["members", "list", "--siren", "12"], 2, "a SIREN has 9 digits"),
        (["publish", "--bucket", "b", "--folder", "f"], 2, "--bucket and --folder are exclusive"),
        (["tick", "--at", "2020-01-01T00:00:00+01:00"], 2, "is in the past"),
    ],
)
def test_a_wrong_command_line_exits_2_with_one_english_line_on_stderr(
    cli_store: Path, args: list[str], code: int, said: str
) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == code, result.output
    assert said in result.stderr and result.stdout == ""
    assert result.stderr.isascii() and "Traceback" not in result.output


def test_an_invalid_setting_exits_3_before_anything_runs(cli_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARDOISE_PLANS", "gratuit")
    result = CliRunner().invoke(main, ["members", "list"])
    assert result.exit_code == 3
    assert result.stderr.startswith("Error: configuration: ARDOISE_PLANS='gratuit'") and result.stdout == ""


@pytest.mark.parametrize("path", all_commands(main), ids=" ".join)
def test_every_help_is_in_english(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.output.isascii(), "the operator's command speaks English: see docs/operations.md"


def test_the_exit_codes_are_in_the_help() -> None:
    help_text = CliRunner().invoke(main, ["--help"]).output
    assert "Exit codes: 0 done; 1 the work failed" in help_text and "3 an invalid setting" in help_text


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_off_a_terminal_is_a_line_at_each_tenth() -> None:
    stream = io.StringIO()
    with StderrProgress(stream) as progress:
        progress.begin("companies", 250)
        for _ in range(250):
            progress.advance()
        progress.begin("pages", 0)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "companies: 250 to do"
    assert lines[1:10] == [f"companies: {n * 25}/250 ({n * 10} %)" for n in range(1, 10)]
    assert lines[10:] == ["companies: done, 250/250", "pages: nothing to do"]


def test_progress_says_where_a_failed_stage_stopped() -> None:
    stream = io.StringIO()
    with pytest.raises(RuntimeError), StderrProgress(stream) as progress:
        progress.begin("uploading", 4)
        progress.advance()
        raise RuntimeError("S3 unreachable")
    assert stream.getvalue().splitlines()[-1] == "uploading: stopped at 1/4"


def test_progress_on_a_terminal_is_a_bar_redrawn_in_place() -> None:
    terminal = _Terminal()
    with StderrProgress(terminal) as progress:
        progress.begin("companies", 3)
        for _ in range(3):
            progress.advance()
    drawn = terminal.getvalue()
    assert "\r" in drawn and "companies" in drawn and "100%" in drawn
    assert "to do" not in drawn


def test_a_long_command_reports_its_progress_on_stderr(cli_store: Path) -> None:
    from functions.cli.common import make_resources
    from functions.core.domain.aggregates import AggregateState

    make_resources().store.reports.write_aggregate_state("552100554", AggregateState(held_report_count=1), actor="t")
    result = CliRunner().invoke(main, ["rebuild-aggregates", "--check"])
    assert result.exit_code == 1
    assert "companies: 1 to do" in result.stderr and "companies: done, 1/1" in result.stderr
    assert "companies:" not in result.stdout


def test_a_siret_typed_where_a_siren_is_asked_names_its_company(cli_store: Path) -> None:
    exported = CliRunner().invoke(main, ["export", "552 100 554 00013"])
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.stdout)["siren"] == "552100554"
