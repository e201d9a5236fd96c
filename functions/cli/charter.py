"""Operator commands of the charter: its versions and texts, the register, suspensions."""

from __future__ import annotations

from typing import Any

import click

from functions.cli.common import SIREN, InputError, echo_table, json_option, make_resources, output, say
from functions.cli.progress import StderrProgress
from functions.core.clock import isoformat, today_in_paris
from functions.core.domain.charter import (
    CharterTextError,
    Signature,
    SignatureStatus,
    load_catalog,
    load_charter,
    public_status,
)
from functions.core.resources import Resources
from functions.core.usecases.charter.signatures import refresh_charter_standing


@click.group("charter")
def charter_group() -> None:
    """Read the charter's versions and operate its register of signatories."""


@charter_group.command("versions")
@json_option
def versions(as_json: bool) -> None:
    """List the charter's versions, newest first (checking every text): in force, upcoming or superseded."""
    try:
        catalog = load_catalog()
    except CharterTextError as exc:
        raise click.ClickException(str(exc)) from exc
    today = today_in_paris(make_resources().clock())
    current = catalog.current(today).version
    rows = [
        {
            "version": version.version,
            "effective_on": version.effective_on.isoformat(),
            "commitments": len(version.commitments),
            "status": "in force"
            if version.version == current
            else ("upcoming" if version.effective_on > today else "superseded"),
            "title": version.title,
        }
        for version in reversed(catalog.versions)
    ]
    columns = ("version", "effective_on", "commitments", "status", "title")
    output(rows, as_json=as_json, table=lambda: echo_table(rows, columns, empty="no charter version"))


@charter_group.command("show")
@click.argument("version", required=False)
def show(version: str | None) -> None:
    """Print the Markdown text of VERSION (default: the one in force), as published."""
    catalog = load_catalog()
    found = catalog.get(version) if version else catalog.current(today_in_paris(make_resources().clock()))
    if found is None:
        raise InputError(f"unknown version {version}: see `ardoise charter versions`")
    say(f"charter version {found.version}, effective {found.effective_on.isoformat()}")
    click.echo(f"# {found.title}\n")
    click.echo(found.markdown)


def _row(signature: Signature, res: Resources) -> dict[str, Any]:
    status = public_status(signature, load_charter(), today_in_paris(res.clock()))
    return {
        "siren": signature.siren,
        "company_name": signature.company_name,
        "version": signature.charter_version,
        "signed_at": isoformat(signature.signed_at),
        "status": status.status.value,
        "status_since": isoformat(status.since),
        "representative": f"{signature.representative_name} ({signature.representative_role})",
        "email": signature.email,
    }


def _every_signature(res: Resources, status: str | None, prefix: str | None) -> list[Signature]:
    found, cursor = [], None
    while True:
        page, cursor = res.store.signatures.list_signatures(status=status, prefix=prefix, limit=100, cursor=cursor)
        found += page
        if cursor is None:
            return found


@charter_group.command("signatures")
@click.option("--status", type=click.Choice([s.value for s in SignatureStatus]), help="Only this status.")
@click.option("--prefix", help="Only companies whose name starts so (case and accents ignored).")
@json_option
def signatures(status: str | None, prefix: str | None, as_json: bool) -> None:
    """Print the register, with the private contact of each signatory."""
    res = make_resources()
    rows = [_row(signature, res) for signature in _every_signature(res, status, prefix)]
    columns = ("siren", "company_name", "version", "status", "status_since", "representative", "email")
    output(rows, as_json=as_json, table=lambda: echo_table(rows, columns, empty="no signature"))


@charter_group.command("refresh")
@click.argument("sirens", nargs=-1, type=SIREN)
@click.option("--all", "every", is_flag=True, help="Every signatory of the register.")
@json_option
def refresh(sirens: tuple[str, ...], every: bool, as_json: bool) -> None:
    """Apply suspension and reinstatement now for SIRENS (or --all), from the directory's reports."""
    if not sirens and not every:
        raise click.UsageError("give one SIREN or more, or --all")
    res = make_resources()
    targets = list(sirens)
    if every:
        targets += [s.siren for s in _every_signature(res, None, None)]
    changed = []
    with StderrProgress() as progress:
        progress.begin("signatories", len(targets))
        for siren in targets:
            before = res.store.signatures.get_signature(siren)
            refresh_charter_standing(res, siren)
            after = res.store.signatures.get_signature(siren)
            if before is not None and after is not None and before.standing is not after.standing:
                changed.append({"siren": siren, "before": before.standing.value, "after": after.standing.value})
            progress.advance()
    say(f"signatories checked: {len(targets)}, changed: {len(changed)}")
    result = {"checked": len(targets), "changed": changed}
    output(result, as_json=as_json, table=lambda: echo_table(changed, ("siren", "before", "after")))


COMMANDS = [charter_group]
