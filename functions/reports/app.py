"""The reports Lambda: ``functions.reports.app:app``."""

from __future__ import annotations

from typing import Any

from flask import Flask

from functions.core.http import build_app
from functions.core.mounts import API_MOUNTS
from functions.core.openapi import Webhook
from functions.reports.routes import api
from functions.reports.schemas import AlertEvent
from functions.reports.space import space


def create_app(**overrides: Any) -> Flask:
    """Build the reports app; tests pass ``settings``, ``store``, ``mailer``, ``clock``."""
    app = build_app(
        __name__,
        title="Ardoise — synthèses de solvabilité",
        description="Synthèses de solvabilité pour les abonnés : indice de paiement, lots, liste de surveillance.",
        apis=[api],
        mount=API_MOUNTS["reports"],
        webhooks=[
            Webhook("company.changed", "Alerte : une entreprise surveillée a changé.", AlertEvent),
            Webhook(
                "company.proceeding_opened",
                "Alerte : une procédure collective s'est ouverte chez une entreprise surveillée.",
                AlertEvent,
            ),
        ],
        **overrides,
    )
    # The subscriber's space (/abonne/): pages over the same use cases.
    app.register_blueprint(space)
    return app


app = create_app()
