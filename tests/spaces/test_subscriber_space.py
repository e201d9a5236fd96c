"""The subscriber's space: sign in by link, this month's usage against the quota, the watchlist; its own only."""

from __future__ import annotations

from flask.testing import FlaskClient

from functions.core.domain.subscribers import Subscriber
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.usecases.reports.subscribers import create_subscriber, revoke_subscriber
from tests.spaces.helpers import SIGN_IN_LINK, last_mail_to, submit, text

EMAIL = "credit@cabinet-leroy.fr"


def leroy(resources: Resources) -> Subscriber:
    """Cabinet Leroy Crédit, a subscriber on the pro plan (1,000 summaries a month)."""
    subscriber, _ = create_subscriber(
        resources, name="Cabinet Leroy Crédit", email=EMAIL, plan="pro", actor="operator:test"
    )
    return subscriber


def _signed_in(reports: FlaskClient, mailer: OutboxMailer, email: str = EMAIL) -> FlaskClient:
    browser = reports.application.test_client()
    assert submit(browser, "/abonne/", "/abonne/connexion", email=email).status_code == 200
    token = SIGN_IN_LINK.findall(last_mail_to(mailer, email))[0]
    opened = submit(browser, f"/abonne/connexion/{token}", "/abonne/connexion/ouvrir", jeton=token)
    assert opened.status_code == 303 and opened.headers["Location"] == "/abonne/"
    return browser


def test_a_subscriber_sees_its_usage_and_manages_its_watchlist(
    reports: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    subscriber, _ = create_subscriber(
        resources, name="Cabinet Leroy Crédit", email=EMAIL, plan="pro", actor="operator:test"
    )
    browser = _signed_in(reports, mailer)
    home = text(browser.get("/abonne/"))
    assert "Cabinet Leroy Crédit" in home and "0 sur 1 000" in home
    added = submit(browser, "/abonne/", "/abonne/surveillance", siren="552 100 554 00013")  # a SIRET gives its SIREN
    assert added.status_code == 303
    assert "552100554" in text(browser.get("/abonne/"))
    assert resources.store.watchlist.list_watched(subscriber.id)[0][0]["siren"] == "552100554"
    removed = submit(browser, "/abonne/", "/abonne/surveillance/552100554/retrait")
    assert removed.status_code == 303
    assert resources.store.watchlist.list_watched(subscriber.id)[0] == []


def test_a_wrong_siren_is_shown_beside_its_field(
    reports: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    leroy(resources)
    browser = _signed_in(reports, mailer)
    refused = submit(browser, "/abonne/", "/abonne/surveillance", siren="552100555")
    assert refused.status_code == 400 and 'id="erreur-siren"' in refused.get_data(as_text=True)


def test_a_subscriber_only_touches_its_own_watchlist(
    reports: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    other, _ = create_subscriber(resources, name="Autre", email="autre@exemple.fr", plan="pro", actor="operator:test")
    resources.store.watchlist.watch(other.id, "552100554", "operator:test")
    leroy(resources)
    browser = _signed_in(reports, mailer)
    assert "552100554" not in text(browser.get("/abonne/"))
    assert submit(browser, "/abonne/", "/abonne/surveillance/552100554/retrait").status_code == 404
    assert resources.store.watchlist.list_watched(other.id)[0][0]["siren"] == "552100554"


def test_revoking_a_subscriber_ends_its_session_at_once(
    reports: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    subscriber, _ = create_subscriber(
        resources, name="Cabinet Leroy Crédit", email=EMAIL, plan="pro", actor="operator:test"
    )
    browser = _signed_in(reports, mailer)
    revoke_subscriber(resources, subscriber.id, actor="operator:test")
    assert "Recevoir un lien de connexion" in text(browser.get("/abonne/"))
