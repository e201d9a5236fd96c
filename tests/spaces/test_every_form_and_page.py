"""Signed in, every form of the three spaces refuses a missing or a wrong CSRF token and changes nothing; every
page and form refuses a session whose member, moderator or subscriber was revoked.

The forms and pages are read from the apps' URL maps (the rules under ``/espace/``, ``/moderation/`` and
``/abonne/``), their path parameters filled in with real records: a form or a page added later is checked too.
Only the pages a stranger must reach (sign in, sign up) are listed by name, as public.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from functions.core.domain.sessions import PrincipalKind
from functions.core.mailer import OutboxMailer
from functions.core.mounts import SPACE_MOUNTS, is_space_page
from functions.core.resources import Resources
from functions.core.store.items import ItemBackend
from functions.core.store.sqlite import SqliteBackend
from functions.core.usecases.directory.members import create_moderator, revoke_member, revoke_moderator
from functions.core.usecases.reports.subscribers import create_subscriber, revoke_subscriber
from tests.conftest import make_backend
from tests.directory.conftest import register, register_pending
from tests.directory.factories import filing_payload
from tests.directory.proof import file_for_review
from tests.spaces.conftest import CREDITOR_SIREN, MEMBER_EMAIL
from tests.spaces.helpers import csrf_of, sign_in_to, text

MODERATOR_EMAIL = "ines.moreau@ardoise.localhost"
SUBSCRIBER_EMAIL = "credit@cabinet-leroy.fr"
WATCHED = "552100554"

# What a stranger reaches without a session (the rest of a space needs one): its sign-in and sign-up steps.
PUBLIC = {"home", "ask_link", "confirm_link", "open_session", "sign_out"}
PUBLIC_MEMBER = {"sign_up_form", "sign_up", "check_siren", "confirm_address", "verify_address"}

# Values that would change something if a refused form were applied anyway (one dict for every form).
FIELDS = {
    "siren": "404833048",
    "email": MEMBER_EMAIL,
    "company_name": "Garage du Centre",
    "contact_name": "Paul Martin",
    "decision": "approved",
    "note": "Pièces vérifiées.",
    "url": "https://alertes.exemple.fr/ardoise",
    "amount_cents": "10000",
    "amount": "100,00",
    "paid_on": "2026-03-01",
    "format": "html",
    "jeton": "ard_lien_inconnu",
}


@pytest.fixture
def backend(tmp_path: Path) -> ItemBackend:
    """SQLite only here: the test reads back every stored row to show a refused request changed nothing."""
    return make_backend("sqlite", tmp_path)


def stored(backend: ItemBackend) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """Every item and counter in the store, in order."""
    assert isinstance(backend, SqliteBackend)
    with sqlite3.connect(backend.path) as conn:
        items = conn.execute("SELECT pk, sk, data FROM items ORDER BY pk, sk").fetchall()
        counters = conn.execute("SELECT pk, sk, value FROM counters ORDER BY pk, sk").fetchall()
    return items, counters


@dataclass
class Signed:
    """A browser signed in to one space, the cookie that names its session, how to revoke whom it names."""

    kind: PrincipalKind
    client: FlaskClient
    cookie: str
    name: str  # the principal's name, which no page may show once it is revoked
    revoke: Callable[[], object] = field(default=lambda: None, repr=False)

    @property
    def mount(self) -> str:
        return SPACE_MOUNTS[self.kind.value]

    def replay_cookie(self) -> None:
        """Send the session's cookie again (a refusal deletes it: a stolen copy would still be sent)."""
        self.client.set_cookie(f"ardoise_{self.kind.value}", self.cookie, path=self.mount + "/")


def _signed(kind: PrincipalKind, client: FlaskClient, mailer: OutboxMailer, email: str, **fields: str) -> Signed:
    mount = SPACE_MOUNTS[kind.value]
    opened = sign_in_to(client, mailer, mount, email, **fields)
    assert opened.status_code == 303 and opened.headers["Location"] == f"{mount}/", text(opened)
    cookie = client.get_cookie(f"ardoise_{kind.value}", path=f"{mount}/")
    assert cookie is not None
    return Signed(kind, client, cookie.value, "")


@dataclass
class World:
    app: Flask
    spaces: list[Signed]
    params: dict[str, str]


@pytest.fixture(params=["directory", "reports"])
def world(
    request: pytest.FixtureRequest,
    directory: FlaskClient,
    reports: FlaskClient,
    mailer: OutboxMailer,
    resources: Resources,
) -> Iterator[World]:
    """An app with real records behind every path parameter and a browser signed in to each of its spaces."""
    if request.param == "directory":
        headers = {"Authorization": register(directory, mailer)}
        filed = file_for_review(directory, headers, filing_payload())
        assert filed.status_code == 201, filed.json
        report = resources.store.reports.get_report(filed.json["id"])
        assert report is not None and report.documents
        pending, _ = register_pending(directory, mailer, siren="404833048", name="Garage", email="garage@exemple.fr")
        member = resources.store.members.list_members(CREDITOR_SIREN)[0]
        creditor = _signed(
            PrincipalKind.MEMBER, directory.application.test_client(), mailer, MEMBER_EMAIL, siren=CREDITOR_SIREN
        )
        creditor.name, creditor.revoke = "Menuiserie Durand", lambda: revoke_member(resources, member.id, "operator:t")
        made = create_moderator(resources, name="Inès Moreau", email=MODERATOR_EMAIL, actor="operator:test")
        assert made.moderator is not None
        moderator_id = made.moderator.id
        moderator = _signed(PrincipalKind.MODERATOR, directory.application.test_client(), mailer, MODERATOR_EMAIL)
        moderator.name = "Inès Moreau"
        moderator.revoke = lambda: revoke_moderator(resources, moderator_id, "operator:test")
        params = {"report_id": report.id, "document_id": report.documents[0].id, "member_id": pending}
        yield World(directory.application, [creditor, moderator], params)
    else:
        subscriber, _ = create_subscriber(
            resources, name="Cabinet Leroy Crédit", email=SUBSCRIBER_EMAIL, plan="pro", actor="operator:test"
        )
        resources.store.watchlist.watch(subscriber.id, WATCHED, "operator:test")
        signed = _signed(PrincipalKind.SUBSCRIBER, reports.application.test_client(), mailer, SUBSCRIBER_EMAIL)
        signed.name = "Cabinet Leroy Crédit"
        signed.revoke = lambda: revoke_subscriber(resources, subscriber.id, actor="operator:test")
        yield World(reports.application, [signed], {"siren": WATCHED})


def _rules(world: World, space: Signed, method: str) -> list[Rule]:
    return [
        rule
        for rule in world.app.url_map.iter_rules()
        if is_space_page(rule.endpoint)
        and rule.endpoint.startswith(f"space_{space.kind.value}.")
        and method in (rule.methods or set())
    ]


def _path(rule: Rule, params: dict[str, str]) -> str:
    """The rule's path with its parameters filled in: a real record's id, or a token nobody was given."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda found: params.get(found.group(1), "ard_lien_inconnu"), rule.rule)


def _public(rule: Rule) -> bool:
    name = rule.endpoint.partition(".")[2]
    return name in PUBLIC or (rule.endpoint.startswith("space_member.") and name in PUBLIC_MEMBER)


def _refused_for_csrf(answer: object, path: str) -> None:
    assert answer.status_code == 403, (path, answer.status_code)  # type: ignore[attr-defined]
    assert "Formulaire expiré ou invalide" in text(answer), path  # type: ignore[arg-type]


def test_every_space_has_its_forms_and_pages_in_the_url_map(world: World) -> None:
    for space in world.spaces:
        forms, pages = _rules(world, space, "POST"), _rules(world, space, "GET")
        assert len(forms) >= 5 and len(pages) >= 3, space.kind
        assert any(not _public(rule) for rule in forms) and any(not _public(rule) for rule in pages)


def test_signed_in_every_form_refuses_a_missing_or_wrong_csrf_token_and_changes_nothing(
    world: World, backend: ItemBackend, mailer: OutboxMailer
) -> None:
    stranger = world.app.test_client()
    for space in world.spaces:
        others = csrf_of(stranger, space.mount + "/")  # another browser's token: wrong in this one
        mine = csrf_of(space.client, space.mount + "/")
        before, mails = stored(backend), len(mailer.messages())
        for rule in _rules(world, space, "POST"):
            path = _path(rule, world.params)
            _refused_for_csrf(space.client.post(path, data=FIELDS), path)
            _refused_for_csrf(space.client.post(path, data={**FIELDS, "csrf": ""}), path)
            _refused_for_csrf(space.client.post(path, data={**FIELDS, "csrf": others}), path)
            _refused_for_csrf(space.client.post(path, data={**FIELDS, "csrf": mine[:-3] + "AAA"}), path)
            assert stored(backend) == before, f"{path} changed the store without its CSRF token"
            assert len(mailer.messages()) == mails, f"{path} sent an e-mail without its CSRF token"
        # The refusals did not sign the browser out: its own token still goes through.
        assert space.name in text(space.client.get(space.mount + "/"))


def test_the_snapshot_sees_a_form_applied_with_its_token(world: World, backend: ItemBackend) -> None:
    """The check above can fail: the same comparison sees what a form with its right token changes."""
    space = world.spaces[0]
    before = stored(backend)
    token = csrf_of(space.client, space.mount + "/")
    assert space.client.post(f"{space.mount}/deconnexion", data={"csrf": token}).status_code == 303
    assert stored(backend) != before


def test_every_page_and_form_refuses_a_revoked_session(world: World, backend: ItemBackend) -> None:
    for space in world.spaces:
        pages = [_path(rule, world.params) for rule in _rules(world, space, "GET") if not _public(rule)]
        for path in pages:  # while it is valid, the session opens each page (whatever the page then answers)
            opened = space.client.get(path)
            assert "connexion=requise" not in opened.headers.get("Location", ""), path
        token = csrf_of(space.client, space.mount + "/")
        space.revoke()
        for path in pages:
            space.replay_cookie()
            refused = space.client.get(path)
            assert refused.status_code == 303, (path, refused.status_code)
            assert refused.headers["Location"] == f"{space.mount}/?connexion=requise", path
            assert space.client.get_cookie(f"ardoise_{space.kind.value}", path=space.mount + "/") is None, path
        space.replay_cookie()
        home = text(space.client.get(space.mount + "/"))
        assert "Recevoir un lien de connexion" in home and space.name not in home
        before = stored(backend)
        for rule in _rules(world, space, "POST"):
            if _public(rule):
                continue
            path = _path(rule, world.params)
            space.replay_cookie()
            refused = space.client.post(path, data={**FIELDS, "csrf": token})
            assert refused.status_code == 303, (path, refused.status_code)
            assert refused.headers["Location"] == f"{space.mount}/?connexion=requise", path
            assert stored(backend) == before, f"{path} changed the store for a revoked session"
