"""Operator commands of the directory: members, moderators, export, purge, aggregates."""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Any

import click

from functions.cli.common import EMAIL, NAME, echo_json, make_services
from functions.core.errors import Conflict, NotFound
from functions.core.identifiers import InvalidIdentifier, parse_company
from functions.core.services.directory.aggregates import rebuild_aggregates
from functions.core.services.directory.members import (
    create_moderator,
    decide_member,
    list_pending,
    revoke_member,
    revoke_moderator,
)
from functions.core.services.directory.retention import export_company, purge
from functions.core.store.members import Member

OPERATOR = "operator:cli"


def _member_row(member: Member) -> dict[str, Any]:
    return {
        "id": member.id,
        "siren": member.siren,
        "company_name": member.company_name,
        "email": member.email,
        "status": member.status.value,
        "created_at": member.created_at.isoformat(),
        "verified_at": member.verified_at.isoformat() if member.verified_at else None,
    }


def _siren(raw: str) -> str:
    try:
        return parse_company(raw)
    except InvalidIdentifier as exc:
        raise click.BadParameter(str(exc)) from exc


@click.group("members")
def members_group() -> None:
    """List, approve, refuse and revoke members (creditors who file reports)."""


@members_group.command("list")
@click.option("--siren", default="", help="Only the members of this company.")
@click.option("--pending", is_flag=True, help="Only the verified members awaiting approval, oldest first.")
def list_members(siren: str, pending: bool) -> None:
    """List members, by SIREN (never their tokens)."""
    ctx = make_services()
    found = list_pending(ctx) if pending else ctx.store.members.list_members(_siren(siren) if siren else "")
    if pending and siren:
        found = [m for m in found if m.siren == _siren(siren)]
    echo_json([_member_row(m) for m in found])


def _decide(member_id: str, *, approved: bool, note: str) -> None:
    try:
        member = decide_member(make_services(), member_id, approved=approved, note=note, actor=OPERATOR)
    except (NotFound, Conflict) as exc:
        raise click.ClickException(exc.detail) from exc
    click.echo(f"member {member.id} ({member.company_name}, SIREN {member.siren}): {member.status.value}")


@members_group.command("approve")
@click.argument("member_id")
@click.option("--note", default="", help="A note e-mailed to the member (how its identity was checked).")
def approve(member_id: str, note: str) -> None:
    """Approve a pending member once its company's identity is checked (Kbis extract, or a letter to its office)."""
    _decide(member_id, approved=True, note=note)


@members_group.command("refuse")
@click.argument("member_id")
@click.option("--note", required=True, help="Why, e-mailed to the member.")
def refuse(member_id: str, note: str) -> None:
    """Refuse a pending member: its token stops working; the note is e-mailed to it."""
    _decide(member_id, approved=False, note=note)


@members_group.command("revoke")
@click.argument("member_id")
def revoke(member_id: str) -> None:
    """Revoke a member: its API token stops working at once."""
    try:
        member = revoke_member(make_services(), member_id, OPERATOR)
    except NotFound as exc:
        raise click.ClickException(exc.detail) from exc
    click.echo(f"member {member.id} ({member.company_name}, SIREN {member.siren}): {member.status.value}")


@click.group("moderators")
def moderators_group() -> None:
    """Create, list and revoke moderators (who decide disputes)."""


@moderators_group.command("create")
@click.option("--name", required=True, type=NAME, help="The moderator's name.")
@click.option("--email", required=True, type=EMAIL, help="The moderator's e-mail address.")
def create(name: str, email: str) -> None:
    """Create a moderator and print its token once (keep it: it is stored hashed)."""
    credentials = create_moderator(make_services(), name=name, email=email, actor=OPERATOR)
    assert credentials.moderator is not None
    click.echo(f"moderator {credentials.moderator.id} created; token (shown once):")
    click.echo(credentials.token)


@moderators_group.command("list")
def list_moderators() -> None:
    """List moderators (never their tokens)."""
    echo_json(
        [
            {"id": m.id, "name": m.name, "email": m.email, "active": m.active}
            for m in make_services().store.moderators.list_moderators()
        ]
    )


@moderators_group.command("revoke")
@click.argument("moderator_id")
def revoke_moderator_command(moderator_id: str) -> None:
    """Revoke a moderator's token."""
    try:
        moderator = revoke_moderator(make_services(), moderator_id, OPERATOR)
    except NotFound as exc:
        raise click.ClickException(exc.detail) from exc
    click.echo(f"moderator {moderator.id}: {'active' if moderator.active else 'revoked'}")


@click.command("export")
@click.argument("siren")
def export(siren: str) -> None:
    """Print everything held about a company as JSON (right of access)."""
    echo_json(export_company(make_services(), _siren(siren)))


@click.command("purge")
def purge_command() -> None:
    """Delete the reports whose retention time is over, and expired short-lived records (the tick does it too)."""
    done = purge(make_services())
    click.echo(f"reports deleted: {done['reports']}")
    click.echo(f"expired records deleted: {done['expired_records']}")


@click.command("rebuild-aggregates")
@click.option("--check", is_flag=True, help="Only compare with the audit log; change nothing.")
def rebuild(check: bool) -> None:
    """Recompute each company's aggregate from the audit log; report (and repair) differences."""
    differences = rebuild_aggregates(make_services(), check_only=check)
    for difference in differences:
        stored = asdict(difference.stored) if difference.stored else None
        click.echo(f"{difference.siren}: stored {stored} != audit log {asdict(difference.replayed)}")
    verb = "differ" if check else "repaired"
    click.echo(f"aggregates {verb}: {len(differences)}")
    if check and differences:
        sys.exit(1)


COMMANDS = [members_group, moderators_group, export, purge_command, rebuild]
