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


# The web spaces, each in the function that owns its data (``ardoise serve`` and CloudFront route them there).
SPACE_MOUNTS: dict[str, str] = {"member": "/espace", "moderator": "/moderation", "subscriber": "/abonne"}


def space_url(base_url: str, kind: str, path: str = "/") -> str:
    """The public address of ``path`` in the space of a principal ``kind`` (``member``: ``/espace``)."""
    return f"{base_url.rstrip('/')}{SPACE_MOUNTS[kind]}{path}"


def is_space_page(path: str) -> bool:
    """Whether an app's route is a page of a web space (not part of its API, nor of its OpenAPI document)."""
    return any(path == mount or path.startswith(mount + "/") for mount in SPACE_MOUNTS.values())
