"""Scheduled entry points of the directory stage (Zappa ``events``)."""

from __future__ import annotations

from typing import Any

from functions.core.context import Services
from functions.core.logs import configure_logging
from functions.core.services.tick import run_tick


def tick(event: dict[str, Any] | None = None, context: Any = None) -> dict[str, Any]:
    """Run the tick; Zappa calls this every 15 minutes with the CloudWatch event."""
    ctx = Services()
    configure_logging(ctx.settings.log_level)
    return run_tick(ctx)
