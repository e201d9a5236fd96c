"""What every command shares: the services built from the environment, JSON output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import click
from pydantic import StringConstraints, TypeAdapter, ValidationError

from functions.core.config import ConfigurationError
from functions.core.context import Services
from functions.core.validation import Email, SingleLine, field_errors


def make_services() -> Services:
    """Build the services from the environment, or stop with a readable message; say which store on stderr."""
    try:
        ctx = Services()
    except ConfigurationError as exc:
        raise click.ClickException(f"configuration: {exc}") from exc
    click.echo(f"store: {describe_store(ctx.settings.store_url)}", err=True)
    return ctx


def describe_store(url: str) -> str:
    """Name the store a command is about to use; a SQLite file not created yet is said to be new."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        return url if path.exists() else f"{url} (new, empty: set ARDOISE_HOME or ARDOISE_STORE to use another)"
    return url


def echo_json(value: Any) -> None:
    """Print a value as indented JSON (UTF-8, accents kept)."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


class _Validated(click.ParamType[str]):
    """A click parameter checked by the same pydantic type as the API's, so both refuse the same input."""

    def __init__(self, name: str, adapter: TypeAdapter[str], hint: str) -> None:
        self.name = name
        self.adapter = adapter
        self.hint = hint

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return self.adapter.validate_python(value.strip() if isinstance(value, str) else value)
        except ValidationError as exc:
            reasons = "; ".join(error.message for error in field_errors(exc))
            self.fail(f"{value!r}: {reasons} ({self.hint})", param, ctx)


EMAIL = _Validated("email", TypeAdapter(Email), "exemple : compta@exemple.fr")
# Length first (pydantic names a too-short text as such only on a plain str), then the API's one-line rule.
NAME = _Validated(
    "name",
    TypeAdapter(Annotated[Annotated[str, StringConstraints(min_length=1, max_length=200)], *SingleLine.__metadata__]),
    "une ligne, 200 caractères au plus",
)
