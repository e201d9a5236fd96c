"""The einvoice Lambda: ``functions.einvoice.app:app`` (only ``/health``; its work is invoked, never routed)."""

from __future__ import annotations

from typing import Any

from flask import Flask

from functions.core.http import build_app


def create_app(**overrides: Any) -> Flask:
    """Build the einvoice function's app; tests pass ``settings``, ``store``, ``mailer``, ``clock``."""
    return build_app(
        __name__,
        title="Ardoise — lecture des factures électroniques",
        description="Lit les factures électroniques citées par les signalements ; il est invoqué, il ne sert que "
        "/health.",
        apis=[],
        **overrides,
    )


app = create_app()
