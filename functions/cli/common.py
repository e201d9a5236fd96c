"""What every command shares: the resources built from the environment, output, errors, validated parameters.

The conventions of the ``ardoise`` command (see docs/operations.md):

- results go to standard output: a readable table, or JSON with ``--json``;
  human messages (which store, progress, what was done) go to standard error,
  so ``ardoise members list --json | jq`` always reads JSON;
- every message is in English, like the operator's documentation; what users
  typed and French documents (names, notes, the charter) are shown as they are;
- exit codes: 0 done, 1 the work failed or a check found differences, 2 the
  command line is wrong or names nothing known (nothing was done), 3 the
  configuration is invalid (nothing was done).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import click
from pydantic import StringConstraints, TypeAdapter, ValidationError

from functions.core.config import ConfigurationError
from functions.core.identifiers import InvalidIdentifier, normalize, parse_company
from functions.core.resources import Resources
from functions.core.validation import Email, SingleLine

Command = TypeVar("Command", bound=Callable[..., Any])


class InputError(click.ClickException):
    """The command names something that does not exist or cannot be done as asked: nothing was done."""

    exit_code = 2


class InvalidConfiguration(click.ClickException):
    """A setting is missing or malformed: the command did not start."""

    exit_code = 3


def make_resources() -> Resources:
    """Build the resources from the environment, or stop with a readable message; say which store on stderr."""
    try:
        res = Resources()
    except ConfigurationError as exc:
        raise InvalidConfiguration(f"configuration: {exc}") from exc
    say(f"store: {describe_store(res.settings.store_url)}")
    return res


def describe_store(url: str) -> str:
    """Name the store a command is about to use; a SQLite file not created yet is said to be new."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        return url if path.exists() else f"{url} (new, empty: set ARDOISE_HOME or ARDOISE_STORE to use another)"
    return url


def say(message: str) -> None:
    """Tell the operator something (standard error): never mixed with a command's result."""
    click.echo(message, err=True)


def json_option(command: Command) -> Command:
    """The ``--json`` flag of a command whose result a script may read."""
    return click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (for scripts).")(command)


def echo_json(value: Any) -> None:
    """Print a value as indented JSON on standard output (UTF-8, accents kept)."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat(timespec="seconds") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, Mapping):
        return ", ".join(f"{key}={_cell(item)}" for key, item in value.items()) or "-"
    if isinstance(value, list | tuple):
        return ", ".join(_cell(item) for item in value) or "-"
    return " ".join(str(value).split())  # one line per row, whatever a name holds


def echo_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], *, empty: str = "") -> None:
    """Print rows as aligned columns under a header on standard output; say ``empty`` on stderr when none."""
    if not rows:
        if empty:
            say(empty)
        return
    cells = [[_cell(row.get(column)) for column in columns] for row in rows]
    widths = [max(len(column), *(len(line[i]) for line in cells)) for i, column in enumerate(columns)]
    for line in [list(columns), *cells]:
        click.echo("  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True)).rstrip())


def echo_fields(fields: Mapping[str, Any]) -> None:
    """Print one record as aligned ``name  value`` lines on standard output."""
    width = max(map(len, fields), default=0)
    for name, value in fields.items():
        click.echo(f"{name.ljust(width)}  {_cell(value)}")


def output(value: Any, *, as_json: bool, table: Callable[[], None]) -> None:
    """Print a command's result: JSON when asked, else the readable form ``table`` prints."""
    if as_json:
        echo_json(value)
    else:
        table()


class _Validated(click.ParamType[str]):
    """A click parameter checked by the same pydantic type as the API's, so both refuse the same input."""

    def __init__(self, name: str, adapter: TypeAdapter[str], expected: str) -> None:
        self.name = name
        self.adapter = adapter
        self.expected = expected

    def convert(self, value: Any, param: click.Parameter | None, res: click.Context | None) -> str:
        try:
            return self.adapter.validate_python(value.strip() if isinstance(value, str) else value)
        except ValidationError:
            self.fail(f"{value!r} is not {self.expected}", param, res)


EMAIL = _Validated("email", TypeAdapter(Email), "a usable e-mail address (such as compta@exemple.fr)")
# Length first (pydantic names a too-short text as such only on a plain str), then the API's one-line rule.
NAME = _Validated(
    "name",
    TypeAdapter(Annotated[Annotated[str, StringConstraints(min_length=1, max_length=200)], *SingleLine.__metadata__]),
    "one line of 1 to 200 characters (no line break, control or bidirectional character)",
)


class _Siren(click.ParamType[str]):
    """A company typed as its SIREN or one of its SIRETs, fully validated and reduced to its SIREN (as the API does)."""

    name = "siren"

    def convert(self, value: Any, param: click.Parameter | None, res: click.Context | None) -> str:
        try:
            return parse_company(str(value))
        except InvalidIdentifier:
            digits = normalize(str(value))
            if not (digits.isascii() and digits.isdigit() and len(digits) in (9, 14)):
                self.fail(f"{value!r} is not a SIREN: a SIREN has 9 digits (a SIRET, 14)", param, res)
            kind = "SIREN" if len(digits) == 9 else "SIRET"
            self.fail(f"{value!r} is not a {kind}: its check digit (Luhn) is wrong", param, res)


SIREN = _Siren()
