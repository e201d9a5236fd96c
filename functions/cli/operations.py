"""Operator commands: the store's schema and the tick."""

from __future__ import annotations

import click

from functions.cli.common import echo_json, make_services
from functions.core.services.tick import run_tick


@click.command("init-store")
def init_store() -> None:
    """Create the store's table and indexes (or migrate the SQLite schema); idempotent."""
    ctx = make_services()
    ctx.store.backend.create_schema()
    click.echo(f"store ready: {ctx.settings.store_url}")


@click.command("tick")
def tick() -> None:
    """Advance time-driven work once: grace periods, retention, derived data."""
    echo_json(run_tick(make_services()))


COMMANDS = [init_store, tick]
