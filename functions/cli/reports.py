"""Operator commands of the solvency reports: subscribers and summaries."""

from __future__ import annotations

import sys

import click

from functions.cli.common import EMAIL, NAME, echo_json, make_services
from functions.core.errors import Problem
from functions.core.services import solvency, subscribers
from functions.core.store.subscribers import SubscriberNotFound

OPERATOR = "operator:cli"


@click.group("subscribers")
def subscribers_group() -> None:
    """Issue and manage subscribers' API keys and plans."""


@subscribers_group.command("create")
@click.option("--name", required=True, type=NAME, help="Subscriber's name (a company or a person).")
@click.option("--email", required=True, type=EMAIL, help="Address that receives alerts and notices.")
@click.option("--plan", required=True, help="Plan name, one of ARDOISE_PLANS (`ardoise settings` shows them).")
def create(name: str, email: str, plan: str) -> None:
    """Create a subscriber and print its API key: it is shown this once and stored hashed."""
    ctx = make_services()
    try:
        subscriber, key = subscribers.create_subscriber(ctx, name=name, email=email, plan=plan, actor=OPERATOR)
    except Problem as exc:
        raise click.ClickException(exc.detail) from exc
    click.echo(f"subscriber {subscriber.id} created on plan {plan} ({subscribers.quotas(ctx)[plan]} summaries a month)")
    click.echo("API key (shown once, keep it safe):")
    click.echo(key)


@subscribers_group.command("list")
def list_subscribers() -> None:
    """List subscribers with their plan and status (never their keys)."""
    ctx = make_services()
    rows, cursor = [], None
    while True:
        page, cursor = ctx.store.subscribers.list_subscribers(limit=500, cursor=cursor)
        rows += [
            {
                "id": s.id,
                "name": s.name,
                "email": s.email,
                "plan": s.plan,
                "status": s.status,
                "created_at": s.created_at,
            }
            for s in page
        ]
        if cursor is None:
            break
    echo_json(rows)


def _update(subscriber_id: str, action: str, **changes: str) -> None:
    ctx = make_services()
    try:
        subscriber = ctx.store.subscribers.update_subscriber(subscriber_id, action, OPERATOR, **changes)
    except SubscriberNotFound as exc:
        raise click.ClickException(f"no subscriber {subscriber_id}") from exc
    click.echo(f"subscriber {subscriber.id}: plan {subscriber.plan}, {subscriber.status}")


@subscribers_group.command("revoke")
@click.argument("subscriber_id")
def revoke(subscriber_id: str) -> None:
    """Revoke a subscriber's key at once (its calls get 401 from now on)."""
    _update(subscriber_id, "subscriber.revoked", status="revoked")


@subscribers_group.command("set-plan")
@click.argument("subscriber_id")
@click.argument("plan")
def set_plan(subscriber_id: str, plan: str) -> None:
    """Move a subscriber to another plan (the new quota applies to this month's count)."""
    try:
        subscribers.check_plan(make_services(), plan)
    except Problem as exc:
        raise click.ClickException(exc.detail) from exc
    _update(subscriber_id, "subscriber.plan_changed", plan=plan)


@click.command("rebuild-summaries")
@click.option("--check", is_flag=True, help="Only compare with the stored summaries and report differences.")
def rebuild_summaries(check: bool) -> None:
    """Recompute every company's solvency summary (or, with --check, report those that differ)."""
    ctx = make_services()
    total = len(ctx.store.summaries.list_companies())
    with click.progressbar(length=total, label="summaries", file=sys.stderr) as bar:
        result = solvency.rebuild_summaries(ctx, check=check, progress=bar.update)
    echo_json(result)
    if check and result["differences"]:
        raise SystemExit(1)


COMMANDS = [subscribers_group, rebuild_summaries]
