"""Webhooks reach public addresses only: checked when set and at each delivery, no redirects, on both stores."""

import http.client
import socket
import threading
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from functions.core.config import load_settings
from functions.core.domain.subscribers import Subscriber
from functions.core.errors import RuleNotMet
from functions.core.resources import Resources
from functions.core.usecases.propagation import refresh_marked
from functions.core.usecases.reports.alerts import deliver_alerts, fan_out_alerts
from functions.core.usecases.reports.watchlist import set_webhook
from functions.core.usecases.reports.webhooks import Resolver, Target, is_public_address, post
from functions.reports.app import create_app
from tests.reports.factories import DEBTOR_SIREN, add_subscriber, file_published, record_company
from tests.reports.receivers import Receiver

PUBLIC_IP = "93.184.215.14"


def resolving_to(*addresses: str) -> Resolver:
    """A resolver answering every name with ``addresses`` (what a DNS server chooses to say)."""

    def resolve(host: str, port: int) -> list[str]:
        return list(addresses)

    return resolve


def with_settings(resources: Resources, **settings: object) -> Resources:
    """The same store, mailer and clock under other settings."""
    return Resources(
        resources.settings.replace(**settings), store=resources.store, mailer=resources.mailer, clock=resources.clock
    )


def client_with(resources: Resources, **settings: object) -> FlaskClient:
    """The reports app under other settings (production, say), on the test's store."""
    changed = with_settings(resources, **settings)
    app = create_app(settings=changed.settings, store=changed.store, mailer=changed.mailer, clock=changed.clock)
    return app.test_client()


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.10",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.251",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fe80::1%eth0",
        "fc00::1",
        "fec0::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::1",
        "64:ff9b::a00:1",
        "2001:db8::1",
        "pas-une-adresse",
    ],
)
def test_loopback_private_link_local_multicast_and_reserved_addresses_are_not_public(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize("address", [PUBLIC_IP, "8.8.8.8", "2001:4860:4860::8888", "::ffff:8.8.8.8"])
def test_public_unicast_addresses_are_public(address: str) -> None:
    assert is_public_address(address)


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://127.0.0.1/ardoise", "adresse_interdite"),
        ("https://localhost/ardoise", "adresse_interdite"),
        ("https://10.0.0.8/ardoise", "adresse_interdite"),
        ("https://169.254.169.254/latest/meta-data/", "adresse_interdite"),
        ("https://[::1]/ardoise", "adresse_interdite"),
        ("https://[::ffff:127.0.0.1]/ardoise", "adresse_interdite"),
        ("http://93.184.215.14/ardoise", "https_requis"),
        ("https://93.184.215.14:8443/ardoise", "https_requis"),
    ],
)
def test_in_production_a_webhook_to_our_own_network_or_without_https_is_refused(
    resources: Resources, url: str, code: str
) -> None:
    production = client_with(resources, env="production", webhook_allow_private=False)
    _, key = add_subscriber(resources)
    response = production.put("/webhook", json={"url": url}, headers={"X-API-Key": key})
    assert response.status_code == 422
    assert response.json["errors"] == [{"field": "url", "code": code, "message": response.json["errors"][0]["message"]}]
    assert resources.store.subscribers.get_subscriber(key.split("_")[2]).webhook_url == ""


def test_a_name_resolving_to_one_private_address_among_public_ones_is_refused(resources: Resources) -> None:
    production = with_settings(resources, env="production", webhook_allow_private=False)
    subscriber, _ = add_subscriber(resources)
    with pytest.raises(RuleNotMet) as refused:
        set_webhook(production, subscriber, "https://hooks.exemple.fr/ardoise", resolving_to(PUBLIC_IP, "10.0.0.8"))
    assert refused.value.errors[0].code == "adresse_interdite"
    _, secret = set_webhook(production, subscriber, "https://hooks.exemple.fr/ardoise", resolving_to(PUBLIC_IP))
    assert secret.startswith("whsec_")


def test_locally_private_addresses_can_be_refused_too(reports: FlaskClient, resources: Resources) -> None:
    strict = client_with(resources, webhook_allow_private=False)
    _, key = add_subscriber(resources)
    loopback = {"url": "http://127.0.0.1:8080/"}
    assert strict.put("/webhook", json=loopback, headers={"X-API-Key": key}).status_code == 422
    assert reports.put("/webhook", json=loopback, headers={"X-API-Key": key}).status_code == 200


def test_private_addresses_are_allowed_locally_and_refused_in_production_by_default() -> None:
    assert load_settings({"ARDOISE_SECRET_KEY": "k"}).webhook_allow_private is True
    refused = load_settings({"ARDOISE_SECRET_KEY": "k", "ARDOISE_WEBHOOK_ALLOW_PRIVATE": "off"})
    assert refused.webhook_allow_private is False
    production = {
        "ARDOISE_ENV": "production",
        "ARDOISE_SECRET_KEY": "k",
        "ARDOISE_STORE": "dynamodb://ardoise?region=eu-west-3",
        "ARDOISE_MAILER": "ses",
        "ARDOISE_EVIDENCE": "s3://preuves/ardoise",
        "ARDOISE_SITE_BUCKET": "ardoise-site",
    }
    assert load_settings(production).webhook_allow_private is False


# -- at delivery time ------------------------------------------------------------
def watching_with_webhook(resources: Resources, url: str) -> tuple[Subscriber, str]:
    """A subscriber watching the debtor, its webhook stored as it was accepted; with its key."""
    record_company(resources)
    refresh_marked(resources)
    subscriber, key = add_subscriber(resources)
    resources.store.watchlist.watch(subscriber.id, DEBTOR_SIREN, "test")
    resources.store.subscribers.update_subscriber(
        subscriber.id, "subscriber.webhook_set", "test", webhook_url=url, webhook_nonce="n1"
    )
    return subscriber, key


def publish_and_fan_out(resources: Resources) -> None:
    """A report on the watched company is published; its alert becomes one delivery per watcher."""
    file_published(resources, id="r1")
    refresh_marked(resources)
    fan_out_alerts(resources)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


def test_a_name_that_now_resolves_to_a_private_address_is_not_called(resources: Resources, receiver: Receiver) -> None:
    strict = with_settings(resources, webhook_allow_private=False)
    subscriber, _ = watching_with_webhook(resources, f"http://hooks.exemple.fr:{receiver.port}/ardoise")
    publish_and_fan_out(resources)
    # Accepted when set (a public address then); the DNS answer changed since.
    assert deliver_alerts(strict, resolve=resolving_to("127.0.0.1")) == {"delivered": 0, "retrying": 1, "failed": 0}
    assert receiver.received == []
    [delivery] = resources.store.alerts.list_deliveries(subscriber.id)
    assert delivery["attempts"][0]["error"] == "adresse_interdite"


def test_the_post_goes_to_the_checked_address_under_the_webhook_host_name(
    resources: Resources, receiver: Receiver
) -> None:
    watching_with_webhook(resources, f"http://hooks.exemple.fr:{receiver.port}/ardoise?source=ardoise")
    publish_and_fan_out(resources)
    assert deliver_alerts(resources, resolve=resolving_to("127.0.0.1"))["delivered"] == 1
    [(headers, _)] = receiver.posts
    assert headers["Host"] == f"hooks.exemple.fr:{receiver.port}"


def test_redirects_are_not_followed(resources: Resources, receiver: Receiver) -> None:
    with Receiver(status=307, headers={"Location": receiver.url}) as redirecting:
        subscriber, _ = watching_with_webhook(resources, redirecting.url)
        publish_and_fan_out(resources)
        assert deliver_alerts(resources)["retrying"] == 1
    assert receiver.received == []
    [delivery] = resources.store.alerts.list_deliveries(subscriber.id)
    assert (delivery["attempts"][0]["status_code"], delivery["attempts"][0]["error"]) == (307, "redirection_refusee")


def test_the_delivery_log_gives_a_generic_reason_for_network_errors(reports: FlaskClient, resources: Resources) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # nothing listens there once closed
    _, key = watching_with_webhook(resources, f"http://127.0.0.1:{port}/ardoise")
    publish_and_fan_out(resources)
    deliver_alerts(resources)
    log = reports.get("/deliveries", headers={"X-API-Key": key})
    assert log.json["items"][0]["attempts"][0]["error"] == "echec_reseau"
    assert "Error" not in log.get_data(as_text=True) and "refused" not in log.get_data(as_text=True).lower()


def test_a_receiver_trickling_its_answer_is_cut_off() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def trickle() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            while not stop.wait(0.05):
                try:
                    connection.sendall(b"H")
                except OSError:
                    return

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    target = Target("http", "hooks.exemple.fr", listener.getsockname()[1], "/", "127.0.0.1")
    try:
        with pytest.raises((OSError, http.client.HTTPException)):
            post(target, b"{}", {"Content-Type": "application/json"}, timeout=2.0, total_seconds=0.3)
    finally:
        stop.set()
        thread.join()
        listener.close()


def test_a_webhook_url_with_a_line_break_is_refused(reports: FlaskClient, resources: Resources) -> None:
    _, key = add_subscriber(resources)
    response = reports.put(
        "/webhook", json={"url": "http://127.0.0.1:8080/\r\nX-Injecte: oui"}, headers={"X-API-Key": key}
    )
    assert response.status_code == 400
    assert (response.json["errors"][0]["field"], response.json["errors"][0]["code"]) == ("url", "texte_invalide")
