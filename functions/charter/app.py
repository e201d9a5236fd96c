"""The charter Lambda: ``functions.charter.app:app``."""

from __future__ import annotations

from typing import Any

from flask import Flask

from functions.charter.routes import api
from functions.core.http import build_app
from functions.core.mounts import API_MOUNTS


def create_app(**overrides: Any) -> Flask:
    """Build the charter app; tests pass ``settings``, ``store``, ``mailer``, ``clock``."""
    return build_app(
        __name__,
        title="Ardoise — charte de paiement",
        description="La charte des délais de paiement, ses signatures vérifiées et son registre public.",
        apis=[api],
        mount=API_MOUNTS["charter"],
        **overrides,
    )


app = create_app()
