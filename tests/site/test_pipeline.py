"""Build then publish: from the store to the site folder, by the tick, the commands and ``serve``."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from werkzeug.test import Client

from functions.cli import main
from functions.core.domain.reports import ReportStatus
from functions.core.resources import Resources
from functions.local.server import build_local_app
from functions.local.static import StaticSite
from functions.local.tick import run_local_tick
from functions.site.publish.common import IMMUTABLE, SHORT
from functions.site.publish.folder import MANIFEST
from functions.site.watch import DebouncedPublisher
from tests.directory.factories import make_report


def publish_on(resources: Resources) -> Resources:
    return Resources(
        resources.settings.replace(site_publish=True),
        store=resources.store,
        mailer=resources.mailer,
        clock=resources.clock,
    )


def test_the_tick_publishes_what_it_changed_to_the_site_folder(resources: Resources) -> None:
    resources.store.reports.file_report(make_report(status=ReportStatus.PUBLISHED), actor="test")
    result = run_local_tick(publish_on(resources))
    site = Path(resources.settings.site_dir)
    assert result["publish_site"]["uploaded"] > 0
    page = site / "entreprises" / "552100554-societe-generale-d-equipement" / "index.html"
    assert "1\u202f250,00\u00a0€" in page.read_text()
    again = run_local_tick(publish_on(resources))
    assert again["publish_site"]["uploaded"] == 0 and again["publish_site"]["written"] == 0


def test_the_tick_leaves_the_site_alone_when_publishing_is_off(resources: Resources) -> None:
    assert run_local_tick(resources)["publish_site"] == {"skipped": "ARDOISE_SITE_PUBLISH is off"}
    assert not Path(resources.settings.site_dir).exists()


def test_build_site_then_publish_to_a_folder_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARDOISE_STORE", f"sqlite:///{tmp_path}/cli.db")
    monkeypatch.setenv("ARDOISE_SITE_BUILD_DIR", str(tmp_path / "build"))
    built = CliRunner().invoke(main, ["build-site", "--json"])
    assert built.exit_code == 0, built.output
    assert json.loads(built.stdout)["files"] > 1_000  # stdout is the JSON alone: `ardoise build-site --json | jq`
    assert "site built in" in built.stderr and "rendering: " in built.stderr
    published = CliRunner().invoke(main, ["publish", "--no-build", "--folder", str(tmp_path / "public")])
    assert published.exit_code == 0, published.output
    assert (tmp_path / "public" / "index.html").is_file() and (tmp_path / "public" / MANIFEST).is_file()


def test_the_local_server_notices_api_writes_and_nothing_else(resources: Resources, tmp_path: Path) -> None:
    calls: list[str] = []
    client = Client(build_local_app(resources, on_change=lambda: calls.append("changed")))
    client.get("/api/charter/health", buffered=True)  # buffered: the body is read and closed, as a server does
    assert calls == []
    client.post("/api/charter/signatures", json={"siren": "nope"}, buffered=True)
    assert calls == ["changed"]


def test_a_burst_of_changes_triggers_one_publication_and_a_failure_does_not_stop_the_publisher() -> None:
    done = threading.Event()
    runs: list[int] = []

    def publish() -> None:
        runs.append(len(runs))
        if len(runs) == 1:
            done.set()
            raise RuntimeError("disk full")  # logged; the publisher goes on
        done.set()

    publisher = DebouncedPublisher(publish, delay=0.3).start()
    try:
        for _ in range(5):
            publisher.notify()
        assert done.wait(10)
        assert runs == [0]
        done.clear()
        publisher.notify()
        assert done.wait(10)
        assert runs == [0, 1]
    finally:
        publisher.stop()


def test_the_local_static_server_sends_the_headers_production_sends_and_hides_the_manifest(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<h1>Ardoise</h1>")
    (tmp_path / "assets" / "main.0123abcd.min.css").write_text("body{}")
    (tmp_path / MANIFEST).write_text("{}")
    client = Client(StaticSite(tmp_path))
    page = client.get("/")
    assert page.headers["Content-Type"] == "text/html; charset=utf-8" and page.headers["Cache-Control"] == SHORT
    assert client.get("/assets/main.0123abcd.min.css").headers["Cache-Control"] == IMMUTABLE
    assert client.get(f"/{MANIFEST}").status_code == 404
