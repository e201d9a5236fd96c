"""``ardoise registry``: results on stdout (JSON with --json), a wrong file refused with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from functions.cli import main

SAMPLES = Path(__file__).with_name("samples")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ARDOISE_STORE", f"sqlite:///{tmp_path}/cli.db")
    return tmp_path


def test_import_sirene_prints_what_each_file_gave_and_status_says_how_fresh(home: Path) -> None:
    files = [str(SAMPLES / "StockUniteLegale_sample.csv"), str(SAMPLES / "StockEtablissement_sample.csv")]
    result = CliRunner().invoke(main, ["registry", "import-sirene", *files, "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["source"], r["records"], r["done"]) for r in rows] == [
        ("sirene_unites", 311, True),
        ("sirene_etablissements", 391, True),
    ]
    again = CliRunner().invoke(main, ["registry", "import-sirene", files[0], "--json"])
    assert json.loads(again.stdout)[0]["already_imported"] is True
    assert "already imported" in again.stderr
    status = CliRunner().invoke(main, ["registry", "status", "--json"])
    assert {row["source"]: row["data_up_to"] for row in json.loads(status.stdout)} == {
        "sirene_etablissements": "2024-03-22",
        "sirene_unites": "2024-03-22",
    }


def test_import_bodacc_refuses_a_sirene_file_and_import_sirene_an_unknown_one(home: Path, tmp_path: Path) -> None:
    wrong = CliRunner().invoke(main, ["registry", "import-bodacc", str(SAMPLES / "StockUniteLegale_sample.csv")])
    assert wrong.exit_code == 2 and "sirene_unites file" in wrong.stderr
    status = CliRunner().invoke(main, ["registry", "status", "--json"])
    assert json.loads(status.stdout) == []  # refused before anything was written
    other = tmp_path / "liste.csv"
    other.write_text("a,b\n1,2\n")
    unknown = CliRunner().invoke(main, ["registry", "import-sirene", str(other)])
    assert unknown.exit_code == 2 and "liste.csv" in unknown.stderr
