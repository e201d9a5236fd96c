"""``ardoise registry``: import INSEE's SIRENE files and DILA's BODACC export, and say how fresh they are."""

from __future__ import annotations

from pathlib import Path

import click

from functions.cli.common import InputError, echo_table, json_option, make_resources, output, say
from functions.cli.progress import StderrProgress

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_AGAIN = click.option("--again", is_flag=True, help="Read a file already imported once more (it changes nothing).")


@click.group("registry")
def registry() -> None:
    """The official registry: company identities (SIRENE) and collective proceedings (BODACC)."""


def _run(paths: tuple[Path, ...], *, again: bool, as_json: bool, expect: tuple[str, ...]) -> None:
    from functions.core.usecases.registry_import import LocalFile, UnreadableFile, import_file

    res = make_resources()
    results = []
    with StderrProgress() as progress:
        for path in paths:
            try:
                result = import_file(res, LocalFile(path), progress, again=again, expect=expect)
            except UnreadableFile as exc:
                raise InputError(str(exc)) from exc
            if result.already_imported:
                say(f"{path.name}: already imported (same fingerprint); --again reads it once more")
            elif result.resumed_from:
                say(f"{path.name}: carried on from {result.resumed_from} (an earlier import stopped there)")
            results.append(result.as_dict())
    columns = ("file", "source", "records", "written", "done", "resumed_from", "already_imported")
    output(results, as_json=as_json, table=lambda: echo_table(results, columns))


@registry.command("import-sirene")
@click.argument("files", nargs=-1, required=True, type=_FILE)
@_AGAIN
@json_option
def import_sirene(files: tuple[Path, ...], again: bool, as_json: bool) -> None:
    """Import SIRENE files: StockUniteLegale and StockEtablissement (monthly stock or daily updates), CSV.

    Each file is recognised by its header, streamed in constant memory and
    written in batches; its progress is kept in the store, so a run that
    stopped carries on where it was. Older data never replaces newer data.
    """
    _run(files, again=again, as_json=as_json, expect=("sirene_unites", "sirene_etablissements"))


@registry.command("import-bodacc")
@click.argument("files", nargs=-1, required=True, type=_FILE)
@_AGAIN
@json_option
def import_bodacc(files: tuple[Path, ...], again: bool, as_json: bool) -> None:
    """Import DILA's BODACC "annonces commerciales" export (JSON, JSON lines, or CSV separated by ;).

    Only collective proceedings' notices are kept: openings of sauvegarde,
    redressement or liquidation judiciaire, plans, conversions, closures.
    """
    _run(files, again=again, as_json=as_json, expect=("bodacc",))


@registry.command("status")
@json_option
def status(as_json: bool) -> None:
    """Show the last completed import of each source (file, records, when, newest data in it)."""
    res = make_resources()
    rows = [
        {
            "source": source,
            "file": p.name,
            "records": p.records,
            "finished_at": p.finished_at,
            "data_up_to": p.file_date,
        }
        for source, p in sorted(res.store.registry.last_imports().items())
    ]
    columns = ("source", "file", "records", "finished_at", "data_up_to")
    output(rows, as_json=as_json, table=lambda: echo_table(rows, columns, empty="no registry file imported yet"))


COMMANDS = [registry]
