"""The subscriber's webhook settings: the address checked as the API does, the secret shown once, a signed
test event by the real sender, the delivery log; its own only, every form behind CSRF."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from standardwebhooks import Webhook

from functions.core.clock import FixedClock
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.usecases.propagation import refresh_marked
from functions.core.usecases.reports.alerts import deliver_alerts, fan_out_alerts
from functions.core.usecases.reports.subscribers import create_subscriber
from functions.core.usecases.reports.watchlist import set_webhook
from functions.reports.app import create_app
from tests.reports.factories import DEBTOR_SIREN, file_published, record_company
from tests.reports.receivers import Receiver
from tests.spaces.helpers import csrf_of, submit, text
from tests.spaces.test_subscriber_space import _signed_in, leroy

SECRET = re.compile(r'<code id="secret-webhook">(whsec_[A-Za-z0-9+/=]+)</code>')


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


def _log(page: str) -> list[tuple[str, str, str, str]]:
    """The delivery log's rows: company (or test event), state, attempts, result (newest first)."""
    rows = re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td><td>(\d+)</td><td>[^<]*</td><td>([^<]+)</td></tr>", page)
    return [(html.unescape(what), state, attempts, said) for what, state, attempts, said in rows]


def _secret(page: str) -> str:
    found = SECRET.search(page)
    assert found, "no secret shown"
    return found.group(1)


def test_setting_the_address_shows_the_secret_once_and_a_test_event_verifies_with_it(
    reports: FlaskClient, mailer: OutboxMailer, resources: Resources, receiver: Receiver, clock: FixedClock
) -> None:
    clock.now = datetime.now(UTC).replace(microsecond=0)  # the reference library checks the timestamp
    leroy(resources)
    browser = _signed_in(reports, mailer)
    assert 'href="/abonne/webhook"' in browser.get("/abonne/").get_data(as_text=True)
    saved = submit(browser, "/abonne/webhook", "/abonne/webhook", url=receiver.url)
    assert saved.status_code == 200 and saved.headers["Cache-Control"].startswith("no-store")
    secret = _secret(saved.get_data(as_text=True))
    assert secret not in browser.get("/abonne/webhook").get_data(as_text=True)  # shown once
    tested = submit(browser, "/abonne/webhook", "/abonne/webhook/test")
    assert "Évènement de test reçu : réponse HTTP 200" in text(tested)
    [(headers, body)] = receiver.posts
    payload = Webhook(secret).verify(body, headers)
    assert payload["type"] == "webhook.test" and headers["User-Agent"] == "Ardoise-Webhooks/1"
    # The test event heads the delivery log of the answer page and of the page opened again; sent once.
    for shown in (tested, browser.get("/abonne/webhook")):
        assert _log(shown.get_data(as_text=True))[0] == ("Évènement de test", "livrée", "1", "réponse HTTP 200")
    assert len(receiver.posts) == 1


def test_rotating_the_secret_shows_a_new_one_and_both_sign_for_a_day(
    reports: FlaskClient, mailer: OutboxMailer, resources: Resources, receiver: Receiver, clock: FixedClock
) -> None:
    clock.now = datetime.now(UTC).replace(microsecond=0)
    leroy(resources)
    browser = _signed_in(reports, mailer)
    first = _secret(submit(browser, "/abonne/webhook", "/abonne/webhook", url=receiver.url).get_data(as_text=True))
    rotated = submit(browser, "/abonne/webhook", "/abonne/webhook/secret")
    second = _secret(rotated.get_data(as_text=True))
    assert second != first and "L'ancien secret signe encore" in text(rotated)
    again = browser.get("/abonne/webhook").get_data(as_text=True)
    assert second not in again and first not in again and not SECRET.search(again)  # the new one shown once too
    submit(browser, "/abonne/webhook", "/abonne/webhook/test")
    [(headers, body)] = receiver.posts
    assert Webhook(second).verify(body, headers) and Webhook(first).verify(body, headers)
    cleared = submit(browser, "/abonne/webhook", "/abonne/webhook/retrait")
    assert "Aucun webhook : les alertes partent par e-mail" in text(cleared)


@pytest.mark.parametrize(
    ("url", "status", "said"),
    [
        ("ftp://exemple.fr/hook", 400, "http(s)://"),
        ("https://user:pass@exemple.fr/hook", 400, "identifiants"),
        ("http://127.0.0.1:8080/hook", 422, "réseau privé"),
    ],
)
def test_an_address_the_api_refuses_is_refused_beside_the_field(
    mailer: OutboxMailer, resources: Resources, url: str, status: int, said: str
) -> None:
    strict = resources.settings.replace(webhook_allow_private=False)
    app = create_app(settings=strict, store=resources.store, mailer=mailer, clock=resources.clock)
    subscriber = leroy(resources)
    browser = _signed_in(app.test_client(), mailer)
    refused = submit(browser, "/abonne/webhook", "/abonne/webhook", url=url)
    assert refused.status_code == status
    assert 'id="erreur-url"' in refused.get_data(as_text=True) and said in text(refused)
    assert resources.store.subscribers.get_subscriber(subscriber.id).webhook_url == ""  # type: ignore[union-attr]


def test_in_production_only_https_is_accepted(mailer: OutboxMailer, resources: Resources) -> None:
    production = resources.settings.replace(env="production", webhook_allow_private=False)
    app = create_app(settings=production, store=resources.store, mailer=mailer, clock=resources.clock)
    leroy(resources)
    browser = _signed_in(app.test_client(), mailer)
    refused = submit(browser, "/abonne/webhook", "/abonne/webhook", url="http://hooks.exemple.fr/ardoise")
    assert refused.status_code == 422 and "https://" in text(refused)


def test_a_test_event_to_an_address_that_does_not_answer_says_so(
    reports: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    subscriber = leroy(resources)
    set_webhook(resources, subscriber, "http://127.0.0.1:9/hook")  # the discard port: nothing listens
    browser = _signed_in(reports, mailer)
    tested = submit(browser, "/abonne/webhook", "/abonne/webhook/test")
    assert tested.status_code == 200 and "Évènement de test non reçu : l'adresse n'a pas répondu" in text(tested)
    [row] = _log(browser.get("/abonne/webhook").get_data(as_text=True))
    assert row[:3] == ("Évènement de test", "abandonnée", "1") and "l'adresse n'a pas répondu" in html.unescape(row[3])


def test_without_a_webhook_there_is_no_test_nor_rotation(
    reports: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    leroy(resources)
    browser = _signed_in(reports, mailer)
    page = text(browser.get("/abonne/webhook"))
    assert "Aucun webhook" in page and "Envoyer un évènement de test" not in page
    token = csrf_of(browser, "/abonne/webhook")
    assert browser.post("/abonne/webhook/test", data={"csrf": token}).status_code == 422
    assert browser.post("/abonne/webhook/secret", data={"csrf": token}).status_code == 422


def test_the_delivery_log_shows_the_subscribers_own_deliveries_with_status_attempt_and_date(
    reports: FlaskClient, mailer: OutboxMailer, resources: Resources, receiver: Receiver
) -> None:
    record_company(resources)
    refresh_marked(resources)
    other, _ = create_subscriber(resources, name="Autre", email="autre@exemple.fr", plan="pro", actor="operator:test")
    resources.store.watchlist.watch(other.id, DEBTOR_SIREN, "operator:test")
    subscriber = leroy(resources)
    resources.store.watchlist.watch(subscriber.id, DEBTOR_SIREN, "operator:test")
    set_webhook(resources, subscriber, receiver.url)
    file_published(resources, id="rpt_1", public_ref="pub_1", number="F-1")
    refresh_marked(resources)
    fan_out_alerts(resources)
    deliver_alerts(resources)
    browser = _signed_in(reports, mailer)
    page = browser.get("/abonne/webhook").get_data(as_text=True)
    rows = re.findall(r"<tr><td>(\d{9})</td><td>([^<]+)</td><td>(\d+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>", page)
    assert rows == [(DEBTOR_SIREN, "livrée", "1", rows[0][3], "réponse HTTP 200")]  # not the other's e-mail
    other_browser = _signed_in(reports, mailer, "autre@exemple.fr")
    other_page = text(other_browser.get("/abonne/webhook"))
    assert "envoyée par e-mail" in other_page and "réponse HTTP 200" not in other_page


def test_the_webhook_forms_refuse_a_wrong_csrf_token(
    reports: FlaskClient, mailer: OutboxMailer, resources: Resources, receiver: Receiver
) -> None:
    subscriber = leroy(resources)
    browser = _signed_in(reports, mailer)
    for action in ("/abonne/webhook", "/abonne/webhook/secret", "/abonne/webhook/test", "/abonne/webhook/retrait"):
        assert browser.post(action, data={"csrf": "faux", "url": receiver.url}).status_code == 403, action
    assert resources.store.subscribers.get_subscriber(subscriber.id).webhook_url == ""  # type: ignore[union-attr]
    assert receiver.posts == []


def test_a_subscriber_sees_and_changes_only_its_own_webhook(
    reports: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    other, _ = create_subscriber(resources, name="Autre", email="autre@exemple.fr", plan="pro", actor="operator:test")
    set_webhook(resources, other, "http://127.0.0.1:9/autre-abonne")
    before = resources.store.subscribers.get_subscriber(other.id)
    leroy(resources)
    browser = _signed_in(reports, mailer)
    page = text(browser.get("/abonne/webhook"))
    assert "autre-abonne" not in page and "Aucun webhook" in page
    assert browser.post("/abonne/webhook/secret", data={"csrf": csrf_of(browser, "/abonne/webhook")}).status_code == 422
    submit(browser, "/abonne/webhook", "/abonne/webhook/retrait")
    assert resources.store.subscribers.get_subscriber(other.id) == before  # its address and secret untouched
