"""What a newcomer meets first: a busy port said in one line, one store wherever a command is run."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from functions.cli import main


def test_serve_on_a_busy_port_says_so_in_one_line_before_building_anything(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"Error: port {port} is already in use on 127.0.0.1: stop what listens there or choose another --port"
    )
    assert "Traceback" not in result.output and "building the site" not in result.output
    assert not isinstance(result.exception, OSError)


def test_serve_on_an_address_this_machine_does_not_have_says_so_in_one_line() -> None:
    result = CliRunner().invoke(main, ["serve", "--host", "192.0.2.1", "--port", "8765"])  # TEST-NET-1
    assert result.exit_code == 1
    assert "192.0.2.1 is not an address of this machine" in result.output and "Traceback" not in result.output


def test_a_command_run_from_any_folder_uses_the_same_store_and_says_which(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "ardoise"
    for name in ("ARDOISE_STORE", "ARDOISE_MAILER"):
        monkeypatch.delenv(name)  # the defaults, var/ardoise.db and var/outbox
    monkeypatch.setenv("ARDOISE_HOME", str(home))
    (tmp_path / "here").mkdir()
    (tmp_path / "elsewhere").mkdir()

    monkeypatch.chdir(tmp_path / "here")
    created = CliRunner().invoke(main, ["moderators", "create", "--name", "Inès Moreau", "--email", "ines@ardoise.fr"])
    assert created.exit_code == 0, created.output
    assert f"store: sqlite:///{home}/var/ardoise.db (new, empty" in created.stderr

    monkeypatch.chdir(tmp_path / "elsewhere")
    listed = CliRunner().invoke(main, ["moderators", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    assert [m["name"] for m in json.loads(listed.stdout)] == ["Inès Moreau"]
    assert listed.stderr == f"store: sqlite:///{home}/var/ardoise.db\n"
    assert not (tmp_path / "here" / "var").exists() and not (tmp_path / "elsewhere" / "var").exists()
