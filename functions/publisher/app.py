"""The publisher Lambda: ``functions.publisher.app:app`` (only ``/health``; its work is scheduled)."""

from __future__ import annotations

from typing import Any

from flask import Flask

from functions.core.http import build_app


def create_app(**overrides: Any) -> Flask:
    """Build the publisher's app; tests pass ``settings``, ``store``, ``mailer``, ``clock``."""
    return build_app(
        __name__,
        title="Ardoise — publication du site",
        description="Construit le site public et le publie ; son travail est planifié, il ne sert que /health.",
        apis=[],
        **overrides,
    )


app = create_app()
