"""Operator commands: the store's schema and the tick."""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

import click

from functions.cli.common import echo_table, json_option, make_resources, output, say
from functions.core.clock import clock_from, isoformat, system_clock
from functions.core.config import is_production
from functions.core.resources import Resources
from functions.core.usecases.tick import TickFailed
from functions.local.tick import run_local_tick

_MOMENT_EXAMPLE = "such as 2026-12-20T10:00:00+01:00"


@click.command("init-store")
def init_store() -> None:
    """Create the store's table and indexes (or migrate the SQLite schema); idempotent."""
    res = make_resources()
    res.store.backend.create_schema()
    say(f"store ready: {res.settings.store_url}")


class Moment(click.ParamType[datetime]):
    """An ISO 8601 moment with its offset, not in the past."""

    name = "moment"

    def convert(self, value: Any, param: click.Parameter | None, res: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 moment ({_MOMENT_EXAMPLE})", param, res)
        if moment.tzinfo is None:
            self.fail(f"{value!r} has no offset: say which time zone ({_MOMENT_EXAMPLE}, or Z for UTC)", param, res)
        if moment < system_clock():
            self.fail(f"{value!r} is in the past: the tick only moves time forward", param, res)
        return moment


@click.command("tick")
@click.option(
    "--at",
    "at",
    type=Moment(),
    metavar="MOMENT",
    help="Run as of this later moment (ISO 8601 with offset, such as 2026-12-20T10:00:00+01:00): "
    "rehearse a grace period or a scenario without waiting. Refused in production.",
)
@json_option
def tick(at: datetime | None, as_json: bool) -> None:
    """Advance time-driven work once: grace periods, retention, derived data; print what each step did.

    Exits 1 when a step failed (the others ran; its error is in its row).
    """
    if at is not None and is_production(os.environ):
        raise click.UsageError(
            "--at is refused in production (ARDOISE_ENV=production or a Lambda): there the tick runs at the real time"
        )
    res = make_resources()
    if at is not None:
        # The store reads the clock too: rebuild the resources around the moved clock.
        res = Resources(res.settings, clock=clock_from(at))
        say(f"tick as of {isoformat(at)}")
    try:
        results = run_local_tick(res)
    except TickFailed as failure:
        _print_steps(failure.results, as_json=as_json)
        raise click.ClickException(str(failure)) from failure
    _print_steps(results, as_json=as_json)


def _print_steps(results: dict[str, Any], *, as_json: bool) -> None:
    rows = [{"step": step, "result": result} for step, result in results.items()]
    output(results, as_json=as_json, table=lambda: echo_table(rows, ("step", "result"), empty="no tick step"))


COMMANDS = [init_store, tick]
