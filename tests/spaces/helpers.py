"""Driving the web spaces as a browser does, through the Flask test client: forms, their CSRF token, the outbox."""

from __future__ import annotations

import html
import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.usecases.directory.members import create_moderator, decide_member

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
FORM_TOKEN = re.compile(r'name="idempotence" value="([^"]+)"')
SIGN_IN_LINK = re.compile(r"https?://\S+/(?:espace|moderation|abonne)/connexion/(ard_lien_[A-Za-z0-9_-]+)")
VERIFY_LINK = re.compile(r"https?://\S+/espace/verifier/(ard_ver_[A-Za-z0-9_-]+)")


def csrf_of(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form on the page at ``path`` (the page gives the browser its cookie)."""
    page = client.get(path)
    found = CSRF.search(page.get_data(as_text=True))
    assert found, f"no form with a CSRF token at {path}"
    return found.group(1)


def form_tokens_of(client: FlaskClient, path: str) -> dict[str, str]:
    """The hidden fields of the page's form at ``path``: the CSRF token and the form's one-time token.

    (Sign-out, in every page's header, carries no one-time token: signing out twice is signing out.)
    """
    page = client.get(path).get_data(as_text=True)
    csrf, once = CSRF.search(page), FORM_TOKEN.search(page)
    assert csrf, f"no form with a CSRF token at {path}"
    return {"csrf": csrf.group(1), **({"idempotence": once.group(1)} if once else {})}


def submit(client: FlaskClient, page: str, action: str, **fields: Any) -> TestResponse:
    """Fill in and send the form of ``page`` to ``action``, as a person would (with the page's hidden tokens)."""
    return client.post(action, data={**form_tokens_of(client, page), **fields})


def last_mail_to(mailer: OutboxMailer, to: str) -> str:
    for message in reversed(mailer.messages()):
        if message["To"] == to:
            body: str = message.get_body(("plain",)).get_content()
            return body
    raise AssertionError(f"no e-mail to {to}")


def sign_in_token(mailer: OutboxMailer, to: str) -> str:
    found = SIGN_IN_LINK.findall(last_mail_to(mailer, to))
    assert found, f"no sign-in link in the last e-mail to {to}"
    return str(found[0])


def sign_in(client: FlaskClient, mailer: OutboxMailer, *, siren: str, email: str) -> TestResponse:
    """Ask for a link, follow it from the e-mail, press the button: the browser is signed in."""
    return sign_in_to(client, mailer, "/espace", email, siren=siren)


def sign_in_to(client: FlaskClient, mailer: OutboxMailer, mount: str, email: str, **fields: str) -> TestResponse:
    """Sign in to the space at ``mount`` (``/abonne``) as ``email``, by the e-mailed link, as a person would."""
    asked = submit(client, f"{mount}/", f"{mount}/connexion", email=email, **fields)
    assert asked.status_code == 200, asked.get_data(as_text=True)
    token = sign_in_token(mailer, email)
    return submit(client, f"{mount}/connexion/{token}", f"{mount}/connexion/ouvrir", jeton=token)


def text(response: TestResponse) -> str:
    """The page's text without tags and with spaces collapsed, for sentences split by markup."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def approve(res: Resources, siren: str) -> None:
    """A moderator approves the company's member (through the use case the moderation route calls)."""
    member = res.store.members.list_members(siren)[0]
    credentials = create_moderator(res, name="Inès Moreau", email="m@ardoise.localhost", actor="operator:test")
    assert credentials.moderator is not None
    decide_member(res, member.id, approved=True, note="Kbis vérifié.", actor=f"moderator:{credentials.moderator.id}")
