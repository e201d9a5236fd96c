"""The ``ardoise`` command line: one entry point, one module per concern."""

from __future__ import annotations

import click

from functions.cli import charter, directory, operations, registry, reports, server, settings, site

EPILOG = """\b
Results go to standard output (a table, or JSON with --json); messages and progress to standard error.
Exit codes: 0 done; 1 the work failed or a --check found differences; 2 a usage error or an unknown
id, SIREN or version (nothing done); 3 an invalid setting (nothing done). See docs/operations.md."""


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}, epilog=EPILOG)
def main() -> None:
    """Run and operate an Ardoise platform (directory, charter, solvency reports)."""


for command in (
    *operations.COMMANDS,
    *server.COMMANDS,
    *reports.COMMANDS,
    *charter.COMMANDS,
    *directory.COMMANDS,
    *site.COMMANDS,
    *registry.COMMANDS,
    *settings.COMMANDS,
):
    main.add_command(command)
