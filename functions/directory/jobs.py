"""Scheduled entry points of the directory stage (Zappa ``events``) and the steps of its tick."""

from __future__ import annotations

from typing import Any

from functions.core.logs import configure_logging
from functions.core.resources import Resources
from functions.core.usecases.charter.signatures import purge_expired_links
from functions.core.usecases.directory.experiences import purge_expired_experiences
from functions.core.usecases.directory.notices import notify_pending
from functions.core.usecases.directory.progress import publish_due
from functions.core.usecases.directory.retention import purge
from functions.core.usecases.propagation import drain_marked
from functions.core.usecases.recovery.progress import run_due_cases
from functions.core.usecases.reports.alerts import deliver_alerts, fan_out_alerts
from functions.core.usecases.reports.solvency import refresh_due_summaries
from functions.core.usecases.tick import TickSteps, run_tick


def tick_steps() -> TickSteps:
    """Return the directory's tick steps in order; later steps see the earlier ones' effects."""
    return [
        ("directory_notices", notify_pending),
        ("directory_publication", publish_due),
        ("recovery_cases", run_due_cases),
        ("directory_retention", purge),
        ("experiences_expiry", purge_expired_experiences),
        ("refresh_marked", drain_marked),
        ("refresh_due_summaries", refresh_due_summaries),
        ("fan_out_alerts", fan_out_alerts),
        ("deliver_alerts", deliver_alerts),
        ("charter_links", purge_expired_links),
    ]


def tick(event: dict[str, Any] | None = None, context: Any = None) -> dict[str, Any]:
    """Run the directory's tick; Zappa calls this every 15 minutes with the CloudWatch event."""
    res = Resources()
    configure_logging(res.settings.log_level)
    return run_tick(res, tick_steps())
