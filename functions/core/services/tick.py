"""The tick: time-driven work, run every 15 minutes (Zappa event) or by ``ardoise tick``.

Each step is idempotent and safe to run twice at once: steps claim their work
with conditional writes, so two ticks never apply the same transition twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from functions.core.context import Services
from functions.core.logs import get_logger
from functions.core.services.alerts import deliver_alerts, fan_out_alerts
from functions.core.services.charter import purge_expired_links
from functions.core.services.directory.notices import notify_pending
from functions.core.services.directory.progress import publish_due
from functions.core.services.directory.retention import purge
from functions.core.services.propagation import refresh_marked
from functions.core.services.solvency import refresh_due_summaries

TickStep = Callable[[Services], Any]

log = get_logger("tick")


def publish_site(ctx: Services) -> Any:
    """Build and publish the public site (imported here: the site generator loads Jinja2 and more)."""
    from functions.site.pipeline import publish_step

    return publish_step(ctx)


def tick_steps() -> list[tuple[str, TickStep]]:
    """Return the tick's steps in order; later steps see the earlier ones' effects."""
    return [
        ("directory_notices", notify_pending),
        ("directory_publication", publish_due),
        ("directory_retention", purge),
        ("refresh_marked", refresh_marked),
        ("refresh_due_summaries", refresh_due_summaries),
        ("fan_out_alerts", fan_out_alerts),
        ("deliver_alerts", deliver_alerts),
        ("charter_links", purge_expired_links),
        ("publish_site", publish_site),  # last: the site shows what the steps above changed
    ]


def run_tick(ctx: Services) -> dict[str, Any]:
    """Run every step once and return what each one did."""
    results: dict[str, Any] = {}
    for name, step in tick_steps():
        results[name] = step(ctx)
        log.info("tick step done", extra={"step": name, "result": results[name]})
    return results
