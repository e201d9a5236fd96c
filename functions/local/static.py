"""A small WSGI app serving the built site from disk, as S3 + CloudFront would."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

StartResponse = Callable[..., Any]

mimetypes.add_type("application/manifest+json", ".webmanifest")


class StaticSite:
    """Serve files under ``root``: ``/x/`` gives ``x/index.html``, ``/x`` redirects to ``/x/``."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()

    def resolve(self, url_path: str) -> Path | None:
        """Return the file a URL path names, or None (never a path outside the root)."""
        candidate = (self.root / unquote(url_path).lstrip("/")).resolve()
        if candidate != self.root and self.root not in candidate.parents:
            return None
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
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type in ("application/javascript", "application/json"):
            content_type += "; charset=utf-8"
        cache = "public, max-age=60" if target.suffix == ".html" else "public, max-age=3600"
        start_response(
            status, [("Content-Type", content_type), ("Content-Length", str(len(body))), ("Cache-Control", cache)]
        )
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]
