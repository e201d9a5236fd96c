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
from functions.core.services.experiences import purge_expired_experiences
from functions.core.services.propagation import drain_marked
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
        ("experiences_expiry", purge_expired_experiences),
        ("refresh_marked", drain_marked),
        ("refresh_due_summaries", refresh_due_summaries),
        ("fan_out_alerts", fan_out_alerts),
        ("deliver_alerts", deliver_alerts),
        ("charter_links", purge_expired_links),
        ("publish_site", publish_site),  # last: the site shows what the steps above changed
    ]


class TickFailed(RuntimeError):
    """One or more steps failed; the others ran. Carries every step's result."""

    def __init__(self, results: dict[str, Any]) -> None:
        failed = [name for name, result in results.items() if isinstance(result, dict) and "error" in result]
        super().__init__(f"tick steps failed: {', '.join(failed)}")
        self.results = results


def run_tick(ctx: Services) -> dict[str, Any]:
    """Run every step once and return what each one did; raise TickFailed after all ran if one failed.

    A failing step does not stop the others: publication must not wait for a
    webhook that times out. Steps are idempotent, so the next tick retries.
    """
    results: dict[str, Any] = {}
    failed = False
    for name, step in tick_steps():
        try:
            results[name] = step(ctx)
        except Exception as exc:
            log.exception("tick step failed", extra={"step": name})
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
            failed = True
            continue
        log.info("tick step done", extra={"step": name, "result": results[name]})
    if failed:
        raise TickFailed(results)
    return results
