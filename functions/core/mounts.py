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


# Each space's blueprint is named ``space_<kind>``: its routes are pages, not part of the API nor of OpenAPI.
SPACE_BLUEPRINT = "space_"


def is_space_page(endpoint: str) -> bool:
    """Whether an app's endpoint (``space_member.home``) is a page of a web space."""
    return endpoint.startswith(SPACE_BLUEPRINT)
