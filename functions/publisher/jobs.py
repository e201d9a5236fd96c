"""Scheduled entry point of the publisher stage (Zappa ``events``) and the steps of its tick: the site."""

from __future__ import annotations

from typing import Any

from functions.core.logs import configure_logging
from functions.core.resources import Resources
from functions.core.usecases.tick import TickSteps, run_tick
from functions.site.pipeline import publish_step


def tick_steps() -> TickSteps:
    """Return the publisher's tick steps: build the site from the store and publish what changed."""
    return [("publish_site", publish_step)]


def publish(event: dict[str, Any] | None = None, context: Any = None) -> dict[str, Any]:
    """Run the publisher's tick; Zappa calls this every 15 minutes."""
    res = Resources()
    configure_logging(res.settings.log_level)
    return run_tick(res, tick_steps())


# Left to the Lambda after an import stops: progress saved, nothing cut short by the time limit.
IMPORT_MARGIN_SECONDS = 90
# The event runs every 10 minutes: a run never outlasts the next one's start.
IMPORT_BUDGET_SECONDS = 540


def import_registry(event: dict[str, Any] | None = None, context: Any = None) -> dict[str, Any]:
    """Import the registry files dropped in ARDOISE_REGISTRY_BUCKET, within this invocation's time; Zappa calls it."""
    import time

    from functions.core.registry.s3 import s3_client
    from functions.core.usecases.registry_import import import_bucket

    res = Resources()
    configure_logging(res.settings.log_level)
    if not res.settings.registry_bucket:
        return {"skipped": "ARDOISE_REGISTRY_BUCKET is not set"}
    remaining = context.get_remaining_time_in_millis() / 1000 if context is not None else IMPORT_BUDGET_SECONDS
    deadline = time.monotonic() + min(IMPORT_BUDGET_SECONDS, remaining - IMPORT_MARGIN_SECONDS)
    return import_bucket(
        res, s3_client(), res.settings.registry_bucket, out_of_time=lambda: time.monotonic() >= deadline
    )
