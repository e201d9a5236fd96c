"""What every command shares: the services built from the environment, JSON output."""

from __future__ import annotations

import json
from typing import Any

import click

from functions.core.config import ConfigurationError
from functions.core.context import Services


def make_services() -> Services:
    """Build the services from the environment, or stop with a readable message."""
    try:
        return Services()
    except ConfigurationError as exc:
        raise click.ClickException(f"configuration: {exc}") from exc


def echo_json(value: Any) -> None:
    """Print a value as indented JSON (UTF-8, accents kept)."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))
