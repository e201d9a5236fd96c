"""The ``ardoise`` command line: one entry point, one module per concern."""

from __future__ import annotations

import click

from functions.cli import charter, directory, operations, reports, server, settings, site


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
def main() -> None:
    """Run and operate an Ardoise platform (directory, charter, solvency reports)."""


for command in (
    *operations.COMMANDS,
    *server.COMMANDS,
    *reports.COMMANDS,
    *charter.COMMANDS,
    *directory.COMMANDS,
    *site.COMMANDS,
    *settings.COMMANDS,
):
    main.add_command(command)
