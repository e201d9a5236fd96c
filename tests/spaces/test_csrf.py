"""Every form of every web space refuses a missing or a wrong CSRF token: the forms are found from the routes."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from functions.core.mounts import is_space_page
from functions.core.resources import Resources
from functions.directory.app import create_app as directory_app
from functions.reports.app import create_app as reports_app
from tests.spaces.helpers import csrf_of, text

SPACE_APPS = {"directory": directory_app, "reports": reports_app}
HOMES = {"directory": ("/espace/", "/moderation/"), "reports": ("/abonne/",)}


def visit_homes(client: FlaskClient) -> dict[str, str]:
    """Open each space's home, as a browser does first: its cookie set, its forms' token returned."""
    homes = HOMES["reports" if "reports" in client.application.import_name else "directory"]
    return {home: csrf_of(client, home) for home in homes}


def _home_of(path: str) -> str:
    return "/" + path.split("/")[1] + "/"


def space_forms(app: Flask) -> list[str]:
    """Every POST route of the app's spaces, its path parameters filled in with a placeholder."""
    forms = []
    for rule in app.url_map.iter_rules():
        if is_space_page(rule.endpoint) and "POST" in (rule.methods or set()):
            forms.append(re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"x\1", rule.rule))
    return sorted(forms)


@pytest.fixture(params=list(SPACE_APPS))
def app(request: pytest.FixtureRequest, resources: Resources) -> Flask:
    made = SPACE_APPS[request.param](
        settings=resources.settings, store=resources.store, mailer=resources.mailer, clock=resources.clock
    )
    made.config["TESTING"] = True
    return made


def test_the_spaces_have_forms_to_check(app: Flask) -> None:
    forms = set(space_forms(app))
    if "reports" in app.import_name:
        assert {"/abonne/connexion", "/abonne/surveillance"} <= forms
    else:
        assert {"/espace/connexion", "/espace/inscription", "/espace/signaler", "/moderation/connexion"} <= forms


def test_every_form_refuses_a_missing_csrf_token(app: Flask) -> None:
    client = app.test_client()
    visit_homes(client)  # the browser has its cookies; the forms below leave the token out
    for path in space_forms(app):
        refused = client.post(path, data={"siren": "552100554", "email": "a@exemple.fr"})
        assert refused.status_code == 403, path
        assert "Formulaire expiré ou invalide" in text(refused), path


def test_every_form_refuses_a_wrong_csrf_token(app: Flask) -> None:
    tokens = visit_homes(app.test_client())
    other = app.test_client()
    visit_homes(other)  # another browser: its own cookies, so the first one's tokens are wrong here
    for path in space_forms(app):
        token = tokens[_home_of(path)]
        assert other.post(path, data={"csrf": token}).status_code == 403, path
        assert other.post(path, data={"csrf": token[:-2] + "00"}).status_code == 403, path


def test_a_form_without_the_browser_cookie_is_refused(app: Flask) -> None:
    for home, token in visit_homes(app.test_client()).items():
        fresh = app.test_client()  # no cookie at all: a cross-site post carries none under SameSite=Lax
        assert fresh.post(f"{home}connexion", data={"csrf": token}).status_code == 403


def test_a_form_with_its_token_goes_through(app: Flask) -> None:
    client = app.test_client()
    for home, token in visit_homes(client).items():
        answered = client.post(f"{home}connexion", data={"csrf": token, "siren": "552100554", "email": "a@exemple.fr"})
        assert answered.status_code == 200, home
