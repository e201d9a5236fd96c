"""Operator commands of the directory: members, moderators, reviews, export, purge, aggregates."""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Any

import click

from functions.cli.common import (
    EMAIL,
    NAME,
    SIREN,
    InputError,
    echo_json,
    echo_table,
    json_option,
    make_resources,
    output,
    say,
)
from functions.cli.progress import StderrProgress
from functions.core.domain.members import Member
from functions.core.errors import Conflict, NotFound
from functions.core.usecases.directory.aggregates import rebuild_aggregates
from functions.core.usecases.directory.listing import rebuild_listing
from functions.core.usecases.directory.members import (
    create_moderator,
    decide_member,
    list_pending,
    revoke_member,
    revoke_moderator,
)
from functions.core.usecases.directory.retention import export_company, purge
from functions.core.usecases.directory.review import ReviewItem, review_queue, review_report

OPERATOR = "operator:cli"
MEMBER_COLUMNS = ("id", "siren", "company_name", "email", "status", "created_at", "verified_at")


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


def _done(member: Member, as_json: bool) -> None:
    """Say what became of a member; with --json, print it."""
    say(f"member {member.id} ({member.company_name}, SIREN {member.siren}): {member.status.value}")
    if as_json:
        echo_json(_member_row(member))


@click.group("members")
def members_group() -> None:
    """List, approve, refuse and revoke members (creditors who file reports)."""


@members_group.command("list")
@click.option("--siren", type=SIREN, default=None, help="Only the members of this company.")
@click.option("--pending", is_flag=True, help="Only the verified members awaiting approval, oldest first.")
@json_option
def list_members(siren: str | None, pending: bool, as_json: bool) -> None:
    """List members, by SIREN (never their tokens)."""
    res = make_resources()
    found = list_pending(res) if pending else res.store.members.list_members(siren or "")
    rows = [_member_row(m) for m in found if siren is None or m.siren == siren]
    output(rows, as_json=as_json, table=lambda: echo_table(rows, MEMBER_COLUMNS, empty="no member"))


def _decide(member_id: str, *, approved: bool, note: str, as_json: bool) -> None:
    try:
        member = decide_member(make_resources(), member_id, approved=approved, note=note, actor=OPERATOR)
    except NotFound as exc:
        raise InputError(f"no member {member_id}: see `ardoise members list --pending`") from exc
    except Conflict as exc:
        raise click.ClickException(f"member {member_id} is not awaiting approval: nothing changed") from exc
    _done(member, as_json)


@members_group.command("approve")
@click.argument("member_id")
@click.option("--note", default="", help="A note e-mailed to the member (how its identity was checked).")
@json_option
def approve(member_id: str, note: str, as_json: bool) -> None:
    """Approve a pending member once its company's identity is checked (Kbis extract, or a letter to its office)."""
    _decide(member_id, approved=True, note=note, as_json=as_json)


@members_group.command("refuse")
@click.argument("member_id")
@click.option("--note", required=True, help="Why, e-mailed to the member.")
@json_option
def refuse(member_id: str, note: str, as_json: bool) -> None:
    """Refuse a pending member: its token stops working; the note is e-mailed to it."""
    _decide(member_id, approved=False, note=note, as_json=as_json)


@members_group.command("revoke")
@click.argument("member_id")
@json_option
def revoke(member_id: str, as_json: bool) -> None:
    """Revoke a member: its API token stops working at once."""
    try:
        member = revoke_member(make_resources(), member_id, OPERATOR)
    except NotFound as exc:
        raise InputError(f"no member {member_id}: see `ardoise members list`") from exc
    _done(member, as_json)


@click.group("moderators")
def moderators_group() -> None:
    """Create, list and revoke moderators (who decide disputes)."""


@moderators_group.command("create")
@click.option("--name", required=True, type=NAME, help="The moderator's name.")
@click.option("--email", required=True, type=EMAIL, help="The moderator's e-mail address.")
@json_option
def create(name: str, email: str, as_json: bool) -> None:
    """Create a moderator and print its token, shown this once (keep it: it is stored hashed)."""
    credentials = create_moderator(make_resources(), name=name, email=email, actor=OPERATOR)
    moderator = credentials.moderator
    assert moderator is not None
    say(f"moderator {moderator.id} created; its token, shown this once, is on standard output")
    if as_json:
        echo_json({"id": moderator.id, "name": moderator.name, "email": moderator.email, "token": credentials.token})
    else:
        click.echo(credentials.token)


@moderators_group.command("list")
@json_option
def list_moderators(as_json: bool) -> None:
    """List moderators (never their tokens)."""
    rows = [
        {"id": m.id, "name": m.name, "email": m.email, "active": m.active}
        for m in make_resources().store.moderators.list_moderators()
    ]
    output(
        rows, as_json=as_json, table=lambda: echo_table(rows, ("id", "name", "email", "active"), empty="no moderator")
    )


@moderators_group.command("revoke")
@click.argument("moderator_id")
def revoke_moderator_command(moderator_id: str) -> None:
    """Revoke a moderator's token."""
    try:
        moderator = revoke_moderator(make_resources(), moderator_id, OPERATOR)
    except NotFound as exc:
        raise InputError(f"no moderator {moderator_id}: see `ardoise moderators list`") from exc
    say(f"moderator {moderator.id}: {'active' if moderator.active else 'revoked'}")


REVIEW_COLUMNS = ("id", "age_hours", "debtor_siren", "debtor_name", "invoice", "outstanding_cents", "documents")


def _review_row(item: ReviewItem) -> dict[str, Any]:
    report = item.report
    return {
        "id": report.id,
        "age_hours": int(item.age.total_seconds() // 3600),
        "debtor_siren": report.debtor.siren,
        "debtor_name": report.debtor.name,
        "registry_name": item.registry.identity.name if item.registry.identity else None,
        "invoice": report.invoice.number,
        "outstanding_cents": report.outstanding_cents,
        "documents": ", ".join(f"{d.kind.value}:{d.sha256[:12]}" for d in report.documents),
    }


@click.group("reviews")
def reviews_group() -> None:
    """List, approve and refuse the reports awaiting a check before their debtor is told."""


@reviews_group.command("list")
@json_option
def list_reviews(as_json: bool) -> None:
    """List the reports awaiting a check, the oldest first (their documents: GET /reviews)."""
    res = make_resources()
    rows, cursor = [], None
    while True:
        items, cursor = review_queue(res, limit=200, cursor=cursor)
        rows += [_review_row(item) for item in items]
        if cursor is None:
            break
    output(rows, as_json=as_json, table=lambda: echo_table(rows, REVIEW_COLUMNS, empty="no report to check"))


def _review(report_id: str, *, approved: bool, reason: str) -> None:
    try:
        report = review_report(make_resources(), report_id, approved=approved, reason=reason, actor=OPERATOR)
    except NotFound as exc:
        raise InputError(f"no report {report_id}: see `ardoise reviews list`") from exc
    except Conflict as exc:
        raise click.ClickException(f"report {report_id} is not awaiting a check: nothing changed") from exc
    say(f"report {report.id} (invoice {report.invoice.number}, SIREN {report.debtor.siren}): {report.status.value}")


@reviews_group.command("approve")
@click.argument("report_id")
def approve_report(report_id: str) -> None:
    """Approve a report's file: its debtor's notice goes out and its grace period starts."""
    _review(report_id, approved=True, reason="")


@reviews_group.command("refuse")
@click.argument("report_id")
@click.option("--reason", required=True, help="Why, e-mailed to the creditor (the debtor never hears of it).")
def refuse_report(report_id: str, reason: str) -> None:
    """Refuse a report's file: it closes unseen; the reason is e-mailed to its creditor."""
    if not reason.strip():
        raise InputError("give the creditor the reason of the refusal (--reason)")
    _review(report_id, approved=False, reason=reason)


@click.command("export")
@click.argument("siren", type=SIREN)
def export(siren: str) -> None:
    """Print everything held about a company as JSON (right of access; always JSON: it is a data export)."""
    echo_json(export_company(make_resources(), siren))


@click.command("purge")
@json_option
def purge_command(as_json: bool) -> None:
    """Delete the reports and cases past their retention time, and expired short-lived records (the tick too)."""
    with StderrProgress() as progress:
        done = purge(make_resources(), progress=progress)
    rows = [
        {"deleted": "reports", "count": done["reports"]},
        {"deleted": "recovery cases", "count": done["cases"]},
        {"deleted": "expired records", "count": done["expired_records"]},
    ]
    output(done, as_json=as_json, table=lambda: echo_table(rows, ("deleted", "count")))


@click.command("rebuild-aggregates")
@click.option("--check", is_flag=True, help="Only compare with the audit log; change nothing.")
@json_option
def rebuild(check: bool, as_json: bool) -> None:
    """Recompute each company's aggregate from the audit log; print (and repair) differences.

    With --check, exits 1 when an aggregate differs from the audit log.
    """
    with StderrProgress() as progress:
        differences = rebuild_aggregates(make_resources(), check_only=check, progress=progress)
    rows = [
        {
            "siren": d.siren,
            "stored": asdict(d.stored) if d.stored else None,
            "audit_log": asdict(d.replayed),
        }
        for d in differences
    ]
    output(rows, as_json=as_json, table=lambda: echo_table(rows, ("siren", "stored", "audit_log")))
    say(f"aggregates {'differing' if check else 'repaired'}: {len(differences)}")
    if check and differences:
        sys.exit(1)


@click.command("rebuild-listing")
@click.option("--check", is_flag=True, help="Only compare with the reports and signatures; change nothing.")
@json_option
def rebuild_listing_command(check: bool, as_json: bool) -> None:
    """Recompute what the public sees of each company (listed reports, search index) from its reports and signature.

    Run it once after upgrading a store written before the public listing was
    kept apart. With --check, changes nothing and exits 1 when a company differs.
    """
    with StderrProgress() as progress:
        differences = rebuild_listing(make_resources(), check_only=check, progress=progress)
    rows = [{"siren": d.siren, "differs": list(d.what)} for d in differences]
    output(rows, as_json=as_json, table=lambda: echo_table(rows, ("siren", "differs")))
    say(f"public listings {'differing' if check else 'repaired'}: {len(differences)}")
    if check and differences:
        sys.exit(1)


COMMANDS = [members_group, moderators_group, reviews_group, export, purge_command, rebuild, rebuild_listing_command]
