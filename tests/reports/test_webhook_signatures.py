"""Webhooks follow Standard Webhooks: a receiver verifies them with the reference library; on both stores.

The reference verifier (``standardwebhooks`` from PyPI) checks the timestamp
against the real time, so these tests stand the fixed clock at the real now.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from standardwebhooks import Webhook, WebhookVerificationError

from functions.core.clock import FixedClock
from functions.core.resources import Resources
from functions.core.tokens import sign
from functions.core.usecases.propagation import refresh_marked
from functions.core.usecases.reports.alerts import LEGACY_HEADERS_UNTIL, SECRET_OVERLAP, deliver_alerts, fan_out_alerts
from functions.core.usecases.reports.webhooks import derive_secret
from tests.reports.factories import DEBTOR_SIREN, add_subscriber, file_published, record_company
from tests.reports.receivers import Receiver


@pytest.fixture
def now(clock: FixedClock) -> FixedClock:
    clock.now = datetime.now(UTC).replace(microsecond=0)
    return clock


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


def subscribe(reports: FlaskClient, resources: Resources, url: str) -> tuple[str, str]:
    """Create a subscriber watching the debtor with a webhook; return its key and webhook secret."""
    _, key = add_subscriber(resources)
    secret = reports.put("/webhook", json={"url": url}, headers={"X-API-Key": key}).json["secret"]
    reports.put(f"/watchlist/{DEBTOR_SIREN}", headers={"X-API-Key": key})
    return key, secret


def publish(resources: Resources, report_id: str = "rpt_6d81c0ffee", reference: str = "pub_4f2a9c01d3e5b678") -> None:
    file_published(resources, id=report_id, public_ref=reference, number=f"F-{report_id}")
    refresh_marked(resources)
    fan_out_alerts(resources)


def test_a_delivery_verifies_with_the_standard_webhooks_reference_library(
    reports: FlaskClient, resources: Resources, receiver: Receiver, now: FixedClock
) -> None:
    record_company(resources)
    refresh_marked(resources)
    _, secret = subscribe(reports, resources, receiver.url)
    assert secret.startswith("whsec_") and len(Webhook(secret)._whsecret) == 32
    publish(resources)
    assert deliver_alerts(resources)["delivered"] == 1
    [(headers, body)] = receiver.posts
    assert headers["webhook-timestamp"] == str(int(now().timestamp()))
    assert headers["webhook-id"].startswith("msg_") and "." not in headers["webhook-id"]
    payload = Webhook(secret).verify(body, headers)
    assert payload["type"] == "company.changed" and payload["siren"] == DEBTOR_SIREN
    assert payload["timestamp"] == payload["at"]
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace(b"company.changed", b"company.chang3d"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "QUJD" * 8).verify(body, headers)


def test_a_subscriber_only_ever_sees_the_public_reference_of_a_report(
    reports: FlaskClient, resources: Resources, receiver: Receiver, now: FixedClock
) -> None:
    record_company(resources)
    refresh_marked(resources)
    key, _ = subscribe(reports, resources, receiver.url)
    publish(resources)
    deliver_alerts(resources)
    [(_, body)] = receiver.posts
    assert json.loads(body)["changes"] == [{"kind": "report.published", "reference": "pub_4f2a9c01d3e5b678"}]
    log = reports.get("/deliveries", headers={"X-API-Key": key}).text
    for seen in (body.decode(), log):
        assert "rpt_" not in seen and "report_id" not in seen
        assert "pub_4f2a9c01d3e5b678" in seen


def test_an_alert_raised_before_references_is_shown_by_reference_too(
    reports: FlaskClient, resources: Resources, receiver: Receiver, now: FixedClock
) -> None:
    record_company(resources)
    refresh_marked(resources)
    key, _ = subscribe(reports, resources, receiver.url)
    file_published(resources, id="rpt_6d81c0ffee", public_ref="pub_4f2a9c01d3e5b678", number="F-rpt_6d81c0ffee")
    # An alert queued by the previous version named the report by its internal id.
    subscriber = resources.store.subscribers.list_subscribers()[0][0]
    old = {
        "id": "2026-03-01T08:00:00.000000Z-00000000000000000001-abcdef",
        "at": "2026-03-01T08:00:00.000000Z",
        "siren": DEBTOR_SIREN,
        "company_name": "Société Générale d'Équipement",
        "changes": [{"kind": "report.published", "report_id": "rpt_6d81c0ffee"}],
        "summary": {"payment_index": None, "grade": None, "open_reports": 1, "outstanding_cents": 125000},
    }
    resources.store.alerts.add_delivery(old, subscriber.id, now())
    deliver_alerts(resources)
    [(_, body)] = receiver.posts
    assert json.loads(body)["changes"] == [{"kind": "report.published", "reference": "pub_4f2a9c01d3e5b678"}]
    assert "rpt_" not in reports.get("/deliveries", headers={"X-API-Key": key}).text


def test_a_retry_keeps_its_webhook_id_and_is_signed_for_its_own_moment(
    reports: FlaskClient, resources: Resources, now: FixedClock
) -> None:
    record_company(resources)
    refresh_marked(resources)
    with Receiver(status=503) as failing:
        _, secret = subscribe(reports, resources, failing.url)
        publish(resources)
        deliver_alerts(resources)
        now.advance(seconds=60)
        deliver_alerts(resources)
    first, second = failing.posts
    assert first[0]["webhook-id"] == second[0]["webhook-id"]
    assert int(second[0]["webhook-timestamp"]) - int(first[0]["webhook-timestamp"]) == 60
    assert first[1] == second[1]
    for headers, body in (first, second):
        Webhook(secret).verify(body, headers)


def test_a_rotated_secret_signs_beside_the_new_one_for_a_day(
    reports: FlaskClient, resources: Resources, receiver: Receiver, now: FixedClock
) -> None:
    record_company(resources)
    refresh_marked(resources)
    key, old_secret = subscribe(reports, resources, receiver.url)
    rotated = reports.put("/webhook", json={"url": receiver.url}, headers={"X-API-Key": key}).json
    new_secret = rotated["secret"]
    assert new_secret != old_secret
    assert rotated["previous_secret_expires_at"] == (now() + SECRET_OVERLAP).isoformat().replace("+00:00", "Z")
    publish(resources)
    deliver_alerts(resources)
    [(headers, body)] = receiver.posts
    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(new_secret).verify(body, headers)
    Webhook(old_secret).verify(body, headers)

    # A day later the old secret no longer signs (checked with the library's own signer:
    # its verifier would refuse a moment a day ahead of the real clock).
    now.advance(seconds=SECRET_OVERLAP.total_seconds())
    publish(resources, report_id="rpt_77aa01", reference="pub_0b1c2d3e4f506172")
    deliver_alerts(resources)
    headers, body = receiver.posts[-1]
    moment = datetime.fromtimestamp(int(headers["webhook-timestamp"]), UTC)
    expected = Webhook(new_secret).sign(headers["webhook-id"], moment, body.decode())
    assert headers["webhook-signature"] == expected
    assert Webhook(old_secret).sign(headers["webhook-id"], moment, body.decode()) not in headers["webhook-signature"]
    # Going back to e-mail drops every secret.
    assert reports.delete("/webhook", headers={"X-API-Key": key}).status_code == 204
    again = reports.put("/webhook", json={"url": receiver.url}, headers={"X-API-Key": key}).json
    assert again["previous_secret_expires_at"] is None


def test_a_secret_made_before_standard_webhooks_verifies_both_ways(
    resources: Resources, receiver: Receiver, now: FixedClock
) -> None:
    record_company(resources)
    refresh_marked(resources)
    subscriber, _ = add_subscriber(resources)
    resources.store.subscribers.update_subscriber(
        subscriber.id, "subscriber.webhook_set", "test", webhook_url=receiver.url, webhook_nonce="0f1e2d3c4b5a6978"
    )
    resources.store.watchlist.watch(subscriber.id, DEBTOR_SIREN, "test")
    # The secret such a subscriber was given then: "whsec_" + 64 hex digits.
    secret = "whsec_" + sign(resources.settings.secret_key, f"webhook:{subscriber.id}:0f1e2d3c4b5a6978")
    assert derive_secret(resources.settings.secret_key, subscriber.id, "0f1e2d3c4b5a6978") == secret
    publish(resources)
    deliver_alerts(resources)
    [(headers, body)] = receiver.posts
    Webhook(secret).verify(body, headers)
    if now() < LEGACY_HEADERS_UNTIL:
        timestamp = headers["Ardoise-Timestamp"]
        legacy = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        assert headers["Ardoise-Signature"] == f"v1={legacy}"


def test_the_ardoise_headers_stop_at_the_end_of_the_transition(
    resources: Resources, receiver: Receiver, clock: FixedClock
) -> None:
    record_company(resources)
    refresh_marked(resources)
    subscriber, _ = add_subscriber(resources)
    resources.store.subscribers.update_subscriber(
        subscriber.id, "subscriber.webhook_set", "test", webhook_url=receiver.url, webhook_nonce="k_0f1e2d3c4b5a6978"
    )
    resources.store.watchlist.watch(subscriber.id, DEBTOR_SIREN, "test")
    clock.now = LEGACY_HEADERS_UNTIL.astimezone(UTC) - SECRET_OVERLAP
    publish(resources)
    deliver_alerts(resources)
    clock.now = LEGACY_HEADERS_UNTIL.astimezone(UTC)
    publish(resources, report_id="rpt_77aa01", reference="pub_0b1c2d3e4f506172")
    deliver_alerts(resources)
    before, after = (headers for headers, _ in receiver.posts)
    assert {"Ardoise-Delivery", "Ardoise-Timestamp", "Ardoise-Signature"} <= set(before)
    assert not any(name.startswith("Ardoise-") for name in after)
    assert {"webhook-id", "webhook-timestamp", "webhook-signature"} <= set(after)
