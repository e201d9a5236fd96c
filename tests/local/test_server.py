"""The local platform: site at /, the three APIs under /api/..., on a real server."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest
from werkzeug.test import Client

from functions.core.resources import Resources
from functions.local.server import build_local_app
from functions.local.static import StaticSite
from tests.servers import serving


@pytest.fixture
def site_dir(resources: Resources) -> Path:
    root = Path(resources.settings.site_dir)
    (root / "charte").mkdir(parents=True)
    (root / "index.html").write_text('<html lang="fr"><h1>Ardoise</h1></html>')
    (root / "charte" / "index.html").write_text("<h1>Charte</h1>")
    (root / "404.html").write_text("<h1>Page introuvable</h1>")
    return root


def test_the_site_and_the_three_apis_share_one_origin(resources: Resources, site_dir: Path) -> None:
    client = Client(build_local_app(resources))
    assert client.get("/").status_code == 200
    assert b"Ardoise" in client.get("/").data
    for base in ("/api/directory", "/api/charter", "/api/reports"):
        response = client.get(f"{base}/health")
        assert response.status_code == 200, base
        assert response.json["status"] == "ok"


def test_a_folder_without_slash_redirects_and_an_unknown_page_is_the_404_page(site_dir: Path) -> None:
    client = Client(StaticSite(site_dir))
    response = client.get("/charte")
    assert response.status_code == 301 and response.headers["Location"].endswith("/charte/")
    missing = client.get("/nulle-part/")
    assert missing.status_code == 404 and b"Page introuvable" in missing.data


def test_the_static_site_never_serves_files_outside_its_folder(site_dir: Path) -> None:
    (site_dir.parent / "secret.txt").write_text("nope")
    client = Client(StaticSite(site_dir))
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/charte/../../secret.txt"):
        response = client.get(path)
        assert b"nope" not in response.data, path


def test_the_static_site_refuses_writes(site_dir: Path) -> None:
    assert Client(StaticSite(site_dir)).post("/").status_code == 405


def test_waitress_serves_the_platform_over_http(resources: Resources, site_dir: Path) -> None:
    with serving(build_local_app(resources)) as port:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/directory/health", timeout=5) as response:
            assert response.status == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            assert b"Ardoise" in response.read()
