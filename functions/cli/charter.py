"""Operator commands of the charter: its versions and texts, the register, suspensions."""

from __future__ import annotations

import sys
from typing import Any

import click

from functions.cli.common import echo_json, make_services
from functions.core.clock import isoformat, today_in_paris
from functions.core.context import Services
from functions.core.domain.charter import (
    CharterTextError,
    Signature,
    SignatureStatus,
    load_catalog,
    load_charter,
    public_status,
)
from functions.core.identifiers import InvalidIdentifier, parse_company
from functions.core.services.charter import refresh_charter_standing


@click.group("charter")
def charter_group() -> None:
    """Read the charter's versions and operate its register of signatories."""


@charter_group.command("versions")
def versions() -> None:
    """List the charter's versions (checking every text), the one in force marked with *."""
    try:
        catalog = load_catalog()
    except CharterTextError as exc:
        raise click.ClickException(str(exc)) from exc
    today = today_in_paris(make_services().clock())
    current = catalog.current(today).version
    for version in reversed(catalog.versions):
        mark = "*" if version.version == current else ("à venir" if version.effective_on > today else " ")
        count = len(version.commitments)
        click.echo(f"{mark:>7} {version.version}  du {version.effective_on:%d/%m/%Y}  {count} engagements")


@charter_group.command("show")
@click.argument("version", required=False)
def show(version: str | None) -> None:
    """Print the Markdown text of VERSION (default: the one in force)."""
    catalog = load_catalog()
    found = catalog.get(version) if version else catalog.current(today_in_paris(make_services().clock()))
    if found is None:
        raise click.ClickException(f"unknown version {version}: see `ardoise charter versions`")
    click.echo(f"# {found.title} — version {found.version} du {found.effective_on:%d/%m/%Y}\n")
    click.echo(found.markdown)


def _row(signature: Signature, ctx: Services) -> dict[str, Any]:
    status = public_status(signature, load_charter(), today_in_paris(ctx.clock()))
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


def _every_signature(ctx: Services, status: str | None, prefix: str | None) -> list[Signature]:
    found, cursor = [], None
    while True:
        page, cursor = ctx.store.signatures.list_signatures(status=status, prefix=prefix, limit=100, cursor=cursor)
        found += page
        if cursor is None:
            return found


@charter_group.command("signatures")
@click.option("--status", type=click.Choice([s.value for s in SignatureStatus]), help="Only this status.")
@click.option("--prefix", help="Only companies whose name starts so (case and accents ignored).")
def signatures(status: str | None, prefix: str | None) -> None:
    """Print the register as JSON, with the private contact of each signatory."""
    ctx = make_services()
    echo_json([_row(signature, ctx) for signature in _every_signature(ctx, status, prefix)])


@charter_group.command("refresh")
@click.argument("sirens", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every signatory of the register.")
def refresh(sirens: tuple[str, ...], every: bool) -> None:
    """Apply suspension and reinstatement now for SIRENS (or --all), from the directory's reports."""
    ctx = make_services()
    try:
        targets = [parse_company(siren) for siren in sirens]
    except InvalidIdentifier as exc:
        raise click.ClickException(str(exc)) from exc
    if every:
        targets += [s.siren for s in _every_signature(ctx, None, None)]
    if not targets:
        raise click.UsageError("give one SIREN or more, or --all")
    changed = []
    with click.progressbar(targets, label="signataires", file=sys.stderr) as bar:
        for siren in bar:
            before = ctx.store.signatures.get_signature(siren)
            refresh_charter_standing(ctx, siren)
            after = ctx.store.signatures.get_signature(siren)
            if before is not None and after is not None and before.standing is not after.standing:
                changed.append({"siren": siren, "before": before.standing.value, "after": after.standing.value})
    echo_json({"checked": len(targets), "changed": changed})


COMMANDS = [charter_group]
