"""Operator commands of the solvency reports: subscribers and summaries."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from functions.cli.common import (
    EMAIL,
    NAME,
    InputError,
    echo_json,
    echo_table,
    json_option,
    make_resources,
    output,
    say,
)
from functions.cli.progress import StderrProgress
from functions.core.domain.subscribers import Subscriber
from functions.core.errors import ValidationFailed
from functions.core.resources import Resources
from functions.core.store.subscribers import SubscriberNotFound
from functions.core.usecases.reports import solvency, subscribers

OPERATOR = "operator:cli"
SUBSCRIBER_COLUMNS = ("id", "name", "email", "plan", "status", "created_at")


@click.group("subscribers")
def subscribers_group() -> None:
    """Issue and manage subscribers' API keys and plans."""


def _known_plan(res: Resources, plan: str) -> str:
    try:
        return subscribers.check_plan(res, plan)
    except ValidationFailed as exc:
        known = ", ".join(subscribers.quotas(res))
        raise InputError(f"unknown plan {plan!r}: choose one of {known} (ARDOISE_PLANS)") from exc


@subscribers_group.command("create")
@click.option("--name", required=True, type=NAME, help="Subscriber's name (a company or a person).")
@click.option("--email", required=True, type=EMAIL, help="Address that receives alerts and notices.")
@click.option("--plan", required=True, help="Plan name, one of ARDOISE_PLANS (`ardoise settings` shows them).")
@json_option
def create(name: str, email: str, plan: str, as_json: bool) -> None:
    """Create a subscriber and print its API key: it is shown this once and stored hashed."""
    res = make_resources()
    _known_plan(res, plan)
    try:
        subscriber, key = subscribers.create_subscriber(res, name=name, email=email, plan=plan, actor=OPERATOR)
    except ValidationFailed as exc:
        raise InputError(f"refused: invalid {', '.join(error.field for error in exc.errors)}") from exc
    quota = subscribers.quotas(res)[plan]
    say(f"subscriber {subscriber.id} created on plan {plan} ({quota} summaries a month)")
    say("its API key, shown this once, is on standard output")
    if as_json:
        echo_json({"id": subscriber.id, "name": subscriber.name, "plan": plan, "key": key})
    else:
        click.echo(key)


@subscribers_group.command("list")
@json_option
def list_subscribers(as_json: bool) -> None:
    """List subscribers with their plan and status (never their keys)."""
    res = make_resources()
    rows: list[dict[str, Any]] = []
    cursor = None
    while True:
        page, cursor = res.store.subscribers.list_subscribers(limit=500, cursor=cursor)
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
    output(rows, as_json=as_json, table=lambda: echo_table(rows, SUBSCRIBER_COLUMNS, empty="no subscriber"))


def _update(res: Resources, subscriber_id: str, change: Callable[[], Subscriber]) -> None:
    try:
        subscriber = change()
    except SubscriberNotFound as exc:
        raise InputError(f"no subscriber {subscriber_id}: see `ardoise subscribers list`") from exc
    say(f"subscriber {subscriber.id}: plan {subscriber.plan}, {subscriber.status}")


@subscribers_group.command("revoke")
@click.argument("subscriber_id")
def revoke(subscriber_id: str) -> None:
    """Revoke a subscriber's key at once (its calls get 401 from now on)."""
    res = make_resources()
    _update(res, subscriber_id, lambda: subscribers.revoke_subscriber(res, subscriber_id, actor=OPERATOR))


@subscribers_group.command("set-plan")
@click.argument("subscriber_id")
@click.argument("plan")
def set_plan(subscriber_id: str, plan: str) -> None:
    """Move a subscriber to another plan (the new quota applies to this month's count)."""
    res = make_resources()
    known = _known_plan(res, plan)
    _update(res, subscriber_id, lambda: subscribers.change_plan(res, subscriber_id, known, actor=OPERATOR))


@click.command("rebuild-summaries")
@click.option("--check", is_flag=True, help="Only compare with the stored summaries and report differences.")
@json_option
def rebuild_summaries(check: bool, as_json: bool) -> None:
    """Recompute every company's solvency summary (or, with --check, print those that differ).

    With --check, exits 1 when a stored summary differs from its recomputation.
    """
    res = make_resources()
    with StderrProgress() as progress:
        result = solvency.rebuild_summaries(res, check=check, progress=progress)
    rows = result["differences"]
    output(result, as_json=as_json, table=lambda: echo_table(rows, ("siren", "fields")))
    if check:
        say(f"summaries checked: {result['companies']}, differing: {len(rows)}, awaiting their daily refresh: "
            f"{result['stale']}")  # fmt: skip
    else:
        say(f"summaries rebuilt: {result['rebuilt']}")
    if check and rows:
        sys.exit(1)


COMMANDS = [subscribers_group, rebuild_summaries]
