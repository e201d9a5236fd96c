"""The directory Lambda: ``functions.directory.app:app``."""

from __future__ import annotations

from typing import Any

from flask import Flask

from functions.core.http import build_app
from functions.directory.routes import api


def create_app(**overrides: Any) -> Flask:
    """Build the directory app; tests pass ``settings``, ``store``, ``mailer``, ``clock``."""
    return build_app(
        __name__,
        title="Ardoise — annuaire",
        description="Signalements d'impayés après échec du recouvrement amiable, réponses des débiteurs, modération, fiches publiques.",
        apis=[api],
        **overrides,
    )


app = create_app()
