"""Operator commands: the store's schema and the tick."""

from __future__ import annotations

import click

from functions.cli.common import echo_json, make_services
from functions.core.services.tick import TickFailed, run_tick


@click.command("init-store")
def init_store() -> None:
    """Create the store's table and indexes (or migrate the SQLite schema); idempotent."""
    ctx = make_services()
    ctx.store.backend.create_schema()
    click.echo(f"store ready: {ctx.settings.store_url}")


@click.command("tick")
def tick() -> None:
    """Advance time-driven work once: grace periods, retention, derived data."""
    try:
        echo_json(run_tick(make_services()))
    except TickFailed as failure:
        echo_json(failure.results)
        raise click.ClickException(str(failure)) from failure


COMMANDS = [init_store, tick]
