"""Where each function's API is served: by ``ardoise serve`` locally, behind CloudFront in production.

The HTTP edge mounts each app there and the use cases write links to it
(e-mails, letters, badges), so the table sits below both.
"""

from __future__ import annotations

from typing import Literal

Function = Literal["directory", "charter", "reports"]
API_MOUNTS: dict[Function, str] = {"directory": "/api/directory", "charter": "/api/charter", "reports": "/api/reports"}


def api_url(base_url: str, function: Function, path: str) -> str:
    """The public address of ``path`` (``/replies/…``) of ``function``'s API, under ``base_url``."""
    return f"{base_url.rstrip('/')}{API_MOUNTS[function]}{path}"
