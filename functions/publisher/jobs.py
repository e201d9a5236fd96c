"""Scheduled entry point of the publisher stage (Zappa ``events``)."""

from __future__ import annotations

from typing import Any

from functions.core.context import Services
from functions.core.logs import configure_logging
from functions.site.pipeline import publish_step


def publish(event: dict[str, Any] | None = None, context: Any = None) -> dict[str, Any]:
    """Build the site from the store and publish what changed; Zappa calls this every 15 minutes."""
    ctx = Services()
    configure_logging(ctx.settings.log_level)
    return publish_step(ctx)
