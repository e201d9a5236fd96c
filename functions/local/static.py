"""A small WSGI app serving the built site from disk, as S3 + CloudFront would."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from functions.core.headers import SITE_HEADERS
from functions.site.publish.common import cache_control, content_type

StartResponse = Callable[..., Any]


class BadPath(ValueError):
    """A path that no link of the site produces: control characters, backslashes, dot or empty segments."""


def path_segments(path_info: str) -> list[str]:
    """Return the segments of a WSGI ``PATH_INFO``, refusing any path that is not plainly one of the site's.

    ``PATH_INFO`` arrives percent-decoded once, by the server, as latin-1 text:
    it is never decoded again (``%252e`` stays a literal ``%2e``). Browsers
    resolve ``.``/``..`` and treat ``\\`` as ``/`` before asking, so such a path
    only comes from someone crafting it; an empty segment (``//host``) would
    make a redirect protocol-relative. The last segment is empty for ``/x/``.
    """
    try:
        text = path_info.encode("latin-1").decode("utf-8")
    except UnicodeError as exc:
        raise BadPath("not UTF-8") from exc
    if not text.startswith("/") or "\\" in text or any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise BadPath("control character, backslash or relative path")
    segments = text[1:].split("/")
    if any(segment in (".", "..") for segment in segments) or "" in segments[:-1]:
        raise BadPath("dot or empty segment")
    return segments


def _folder_location(segments: list[str], environ: dict[str, Any]) -> str:
    """Return where ``/x`` redirects: rebuilt from the checked segments, never echoed, one leading slash."""
    location = quote("/" + "/".join(segments) + "/")
    query = environ.get("QUERY_STRING", "")
    return f"{location}?{quote(query, safe='=&;+%')}" if query else location


class StaticSite:
    """Serve files under ``root``: ``/x/`` gives ``x/index.html``, ``/x`` redirects to ``/x/``."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()

    def resolve(self, segments: list[str]) -> Path | None:
        """Return the file the segments name, or None (never a path outside the root)."""
        if any(segment.startswith(".") for segment in segments):
            return None  # the publication manifest and files being written are not part of the site
        try:
            candidate = self.root.joinpath(*segments).resolve()
            if candidate != self.root and self.root not in candidate.parents:
                return None  # a symbolic link leading out of the site
            if candidate.is_dir():
                candidate = candidate / "index.html"
            return candidate if candidate.is_file() else None
        except OSError:
            return None  # a name too long for the file system names no file either

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        def respond(status: str, headers: list[tuple[str, str]]) -> Any:
            # What CloudFront's response headers policy adds in production, on every answer.
            return start_response(status, [*headers, *SITE_HEADERS.items()])

        return self._serve(environ, respond)

    def _serve(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
            start_response("405 Method Not Allowed", [("Allow", "GET, HEAD"), ("Content-Type", "text/plain")])
            return [b"Method Not Allowed"]
        try:
            segments = path_segments(environ.get("PATH_INFO") or "/")
        except BadPath:
            start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8")])
            return ["Adresse mal formée".encode()]
        target = self.resolve(segments)
        if target is not None and target.name == "index.html" and segments[-1] not in ("", "index.html"):
            start_response("301 Moved Permanently", [("Location", _folder_location(segments, environ))])
            return [b""]
        status = "200 OK"
        if target is None:
            status, target = "404 Not Found", self.resolve(["404.html"])
            if target is None:
                start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
                return [b"Page introuvable"]
        body = target.read_bytes()
        # The same headers as the S3 publisher sets: what is tried locally is what production serves.
        relative = target.relative_to(self.root).as_posix()
        headers = [("Content-Type", content_type(relative)), ("Cache-Control", cache_control(relative))]
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]
