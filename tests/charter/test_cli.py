"""The operator's charter commands."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from functions.cli import main
from functions.core.clock import FixedClock
from functions.core.store import Store, open_store
from tests.charter.factories import SIREN, make_signature
from tests.charter.test_suspension import publish_report


@pytest.fixture
def cli_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: FixedClock) -> Store:
    url = f"sqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("ARDOISE_STORE", url)
    monkeypatch.setenv("ARDOISE_MAILER", f"outbox:{tmp_path}/outbox")
    return open_store(url, clock)


def test_versions_lists_every_text_and_marks_the_one_in_force() -> None:
    result = CliRunner().invoke(main, ["charter", "versions"])
    assert result.exit_code == 0, result.output
    header, newest, *_ = result.stdout.splitlines()
    assert header.split()[:4] == ["version", "effective_on", "commitments", "status"]
    # The command reads the real clock: 2026-09 has been in force since 1 September 2026.
    assert newest.split()[:5] == ["2026-09", "2026-09-01", "10", "in", "force"]
    rows = json.loads(CliRunner().invoke(main, ["charter", "versions", "--json"]).stdout)
    assert [(r["version"], r["commitments"], r["status"]) for r in rows][-1] == ("2025-06", 8, "superseded")


def test_show_prints_a_version_and_refuses_an_unknown_one() -> None:
    result = CliRunner().invoke(main, ["charter", "show", "2025-06"])
    assert result.exit_code == 0 and "### 8. Appliquer loyalement les pénalités" in result.stdout
    assert "charter version 2025-06, effective 2025-06-02" in result.stderr
    unknown = CliRunner().invoke(main, ["charter", "show", "1999-01"])
    assert unknown.exit_code == 2 and "unknown version 1999-01" in unknown.stderr


def test_signatures_prints_the_register_with_private_contacts(cli_store: Store) -> None:
    cli_store.signatures.record_signature(make_signature(), None, action="signature.signed", actor="t")
    result = CliRunner().invoke(main, ["charter", "signatures", "--prefix", "societe", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["siren"], r["email"]) for r in rows] == [(SIREN, "direction@sge-equipement.fr")]


def test_refresh_suspends_from_the_directory_reports(cli_store: Store, clock: FixedClock) -> None:
    cli_store.signatures.record_signature(make_signature(), None, action="signature.signed", actor="t")
    publish_report(cli_store, clock)
    result = CliRunner().invoke(main, ["charter", "refresh", "--all", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["changed"] == [{"siren": SIREN, "before": "active", "after": "suspended"}]
    assert "signatories checked: 1, changed: 1" in result.stderr
    assert CliRunner().invoke(main, ["charter", "refresh"]).exit_code == 2
    assert CliRunner().invoke(main, ["charter", "refresh", "123"]).exit_code == 2
