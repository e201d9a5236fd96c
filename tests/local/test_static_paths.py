"""Crafted paths against the local static server, sent raw over HTTP as a browser or an attacker would.

Each request goes through waitress (what ``ardoise serve`` runs), which decodes
the path once: the static site must not decode it again, echo it, nor fail on it.
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.test import EnvironBuilder

from functions.local.static import StaticSite
from tests.servers import serving


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    folder = tmp_path_factory.mktemp("static-paths")
    root = folder / "site"
    (root / "charte").mkdir(parents=True)
    (root / "charte" / "index.html").write_text("<h1>Charte</h1>")
    (root / "404.html").write_text("<h1>Page introuvable</h1>")
    (folder / "secret.txt").write_text("nope")
    with serving(StaticSite(root)) as listening:
        yield listening


def get(port: int, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", path)  # sent as written: http.client does not normalize the path
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_a_backslash_and_a_double_encoded_dot_dot_never_redirect_to_another_origin(port: int) -> None:
    response = get(port, f"/%5Clocalhost:{port}/%252e%252e/charte")
    assert response.status == 400 and response.getheader("Location") is None


@pytest.mark.parametrize(
    "path",
    [
        "/%5Ccharte",  # a backslash, which browsers read as a slash
        "/\\charte",
        "/%2e%2e/secret.txt",  # traversal, encoded once
        "/charte/%2e%2e/%2e%2e/secret.txt",
        "/charte/../../secret.txt",
        "/./charte",
        "/%00",  # NUL: was a 500 (embedded null byte)
        "/charte%00/",
        "/charte%0d%0aLocation:%20http://evil.example/",  # header splitting through a redirect
        "/%ff",  # not UTF-8
    ],
)
def test_a_path_no_link_of_the_site_produces_is_a_400_without_redirect(port: int, path: str) -> None:
    response = get(port, path)
    assert response.status == 400 and response.getheader("Location") is None, path


@pytest.mark.parametrize(
    "path", ["/%252e%252e/secret.txt", "/%252e%252e%252fsecret.txt", "/%2Fetc%2Fpasswd", "/" + "a" * 300]
)
def test_a_double_encoded_an_absolute_or_an_overlong_name_is_just_a_missing_page(port: int, path: str) -> None:
    response = get(port, path)
    assert response.status == 404 and response.getheader("Location") is None, path


@pytest.mark.parametrize("path_info", ["//charte", "///charte", "//evil.example/charte", "/charte//"])
def test_an_empty_segment_is_refused_so_that_no_redirect_can_start_with_two_slashes(
    tmp_path: Path, path_info: str
) -> None:
    # waitress folds leading slashes; other WSGI servers pass them through: drive the app with the raw path.
    (tmp_path / "charte").mkdir()
    (tmp_path / "charte" / "index.html").write_text("<h1>Charte</h1>")
    environ = EnvironBuilder(path="/").get_environ() | {"PATH_INFO": path_info}
    statuses: list[str] = []
    headers: list[list[tuple[str, str]]] = []
    StaticSite(tmp_path)(environ, lambda status, sent: statuses.append(status) or headers.append(sent))
    assert statuses == ["400 Bad Request"] and not [value for name, value in headers[0] if name == "Location"]


def test_a_folder_without_its_slash_redirects_to_itself_on_the_same_origin_keeping_the_query(port: int) -> None:
    response = get(port, "/charte?version=2026-09")
    assert response.status == 301 and response.getheader("Location") == "/charte/?version=2026-09"
