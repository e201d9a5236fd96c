"""Scheduled entry point of the publisher stage (Zappa ``events``) and the steps of its tick: the site."""

from __future__ import annotations

from typing import Any

from functions.core.context import Services
from functions.core.logs import configure_logging
from functions.core.services.tick import TickSteps, run_tick
from functions.site.pipeline import publish_step


def tick_steps() -> TickSteps:
    """Return the publisher's tick steps: build the site from the store and publish what changed."""
    return [("publish_site", publish_step)]


def publish(event: dict[str, Any] | None = None, context: Any = None) -> dict[str, Any]:
    """Run the publisher's tick; Zappa calls this every 15 minutes."""
    ctx = Services()
    configure_logging(ctx.settings.log_level)
    return run_tick(ctx, tick_steps())
