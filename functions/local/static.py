"""A small WSGI app serving the built site from disk, as S3 + CloudFront would."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from functions.site.publish.common import cache_control, content_type

StartResponse = Callable[..., Any]


class StaticSite:
    """Serve files under ``root``: ``/x/`` gives ``x/index.html``, ``/x`` redirects to ``/x/``."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()

    def resolve(self, url_path: str) -> Path | None:
        """Return the file a URL path names, or None (never a path outside the root)."""
        candidate = (self.root / unquote(url_path).lstrip("/")).resolve()
        if candidate != self.root and self.root not in candidate.parents:
            return None
        if any(part.startswith(".") for part in candidate.relative_to(self.root).parts):
            return None  # the publication manifest and files being written are not part of the site
        if candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
            start_response("405 Method Not Allowed", [("Allow", "GET, HEAD"), ("Content-Type", "text/plain")])
            return [b"Method Not Allowed"]
        path = environ.get("PATH_INFO", "/") or "/"
        target = self.resolve(path)
        if target is not None and target.name == "index.html" and not path.endswith(("/", ".html")):
            start_response("301 Moved Permanently", [("Location", path + "/")])
            return [b""]
        status = "200 OK"
        if target is None:
            status, target = "404 Not Found", self.resolve("/404.html")
            if target is None:
                start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
                return [b"Page introuvable"]
        body = target.read_bytes()
        # The same headers as the S3 publisher sets: what is tried locally is what production serves.
        relative = target.relative_to(self.root).as_posix()
        headers = [("Content-Type", content_type(relative)), ("Cache-Control", cache_control(relative))]
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]
