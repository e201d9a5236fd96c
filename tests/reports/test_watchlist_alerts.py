"""Watchlists and their alerts, by e-mail and by signed webhook, on both stores."""

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from flask.testing import FlaskClient

from functions.core.clock import FixedClock
from functions.core.domain.reports import ReportStatus
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.usecases.propagation import refresh_marked
from functions.core.usecases.reports.alerts import BACKOFF_SECONDS, deliver_alerts, fan_out_alerts
from tests.reports.factories import DEBTOR_SIREN, add_subscriber, file_published, record_company
from tests.reports.receivers import Receiver


def run_alert_steps(resources: Resources) -> dict[str, int]:
    refresh_marked(resources)
    fan_out_alerts(resources)
    return deliver_alerts(resources)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


def test_watching_adds_lists_and_removes_a_company(reports: FlaskClient, resources: Resources) -> None:
    _, key = add_subscriber(resources)
    headers = {"X-API-Key": key}
    assert reports.put(f"/watchlist/{DEBTOR_SIREN}", headers=headers).status_code == 201
    assert reports.put(f"/watchlist/{DEBTOR_SIREN}", headers=headers).status_code == 200
    assert reports.put("/watchlist/123456789", headers=headers).status_code == 400
    listed = reports.get("/watchlist", headers=headers).json
    assert [item["siren"] for item in listed["items"]] == [DEBTOR_SIREN]
    assert reports.delete(f"/watchlist/{DEBTOR_SIREN}", headers=headers).status_code == 204
    assert reports.delete(f"/watchlist/{DEBTOR_SIREN}", headers=headers).status_code == 404
    assert reports.get("/watchlist", headers=headers).json["items"] == []


def test_a_newly_published_report_is_e_mailed_to_watchers_once(
    reports: FlaskClient, resources: Resources, mailer: OutboxMailer
) -> None:
    record_company(resources)
    refresh_marked(resources)
    _, key = add_subscriber(resources)
    reports.put(f"/watchlist/{DEBTOR_SIREN}", headers={"X-API-Key": key})
    file_published(resources, id="r1", amount_cents=2_400_00)
    assert run_alert_steps(resources) == {"delivered": 1, "retrying": 0, "failed": 0}
    assert run_alert_steps(resources) == {"delivered": 0, "retrying": 0, "failed": 0}
    [message] = mailer.messages()
    assert message["To"] == "credit@cabinet-leroy.fr"
    assert "Société Générale d'Équipement" in message["Subject"]
    body = message.get_content()
    assert "un nouveau signalement d'impayé a été publié" in body
    assert "2\u202f400,00\u00a0€" in body


def test_settlement_and_charter_changes_raise_alerts_but_nothing_else_does(resources: Resources) -> None:
    record_company(resources)
    report = file_published(resources, id="r1")
    run_alert_steps(resources)  # the publication is old news by the time the subscriber watches
    subscriber, _ = add_subscriber(resources)
    resources.store.watchlist.watch(subscriber.id, DEBTOR_SIREN, "test")
    resources.store.companies.record_company(
        replace(resources.store.companies.get_company(DEBTOR_SIREN), city="Lyon"), "system:test"
    )
    assert run_alert_steps(resources)["delivered"] == 0
    settled = replace(
        report,
        status=ReportStatus.SETTLED,
        outstanding_cents=0,
        settled_on=date(2026, 3, 1),
        settled_at=datetime(2026, 3, 1, 12, tzinfo=UTC),
    )
    resources.store.reports.save(report, settled, actor="system:test", action="report.settled")
    assert run_alert_steps(resources)["delivered"] == 1
    [delivery] = resources.store.alerts.list_deliveries(subscriber.id)
    assert delivery["alert"]["changes"] == [{"kind": "report.settled", "reference": "pub_r1"}]


def test_during_the_transition_a_webhook_also_carries_the_first_ardoise_signature(
    reports: FlaskClient, resources: Resources, receiver: Receiver, clock: FixedClock
) -> None:
    record_company(resources)
    refresh_marked(resources)
    _, key = add_subscriber(resources)
    headers = {"X-API-Key": key}
    secret = reports.put("/webhook", json={"url": receiver.url}, headers=headers).json["secret"]
    reports.put(f"/watchlist/{DEBTOR_SIREN}", headers=headers)
    file_published(resources, id="r1")
    assert run_alert_steps(resources)["delivered"] == 1

    [(received_headers, body)] = receiver.posts
    timestamp = received_headers["Ardoise-Timestamp"]
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert received_headers["Ardoise-Signature"] == f"v1={expected}"
    assert int(timestamp) == int(clock().timestamp())
    payload = json.loads(body)
    assert payload["siren"] == DEBTOR_SIREN
    assert payload["changes"] == [{"kind": "report.published", "reference": "pub_r1"}]
    log = reports.get("/deliveries", headers=headers).json["items"]
    assert log[0]["status"] == "delivered"
    assert log[0]["attempts"][0]["status_code"] == 200


def test_a_failing_webhook_is_retried_with_backoff_then_abandoned(resources: Resources, clock: FixedClock) -> None:
    record_company(resources)
    refresh_marked(resources)
    subscriber, _ = add_subscriber(resources)
    resources.store.watchlist.watch(subscriber.id, DEBTOR_SIREN, "test")
    with Receiver(status=500) as failing:
        resources.store.subscribers.update_subscriber(
            subscriber.id, "subscriber.webhook_set", "test", webhook_url=failing.url, webhook_nonce="n1"
        )
        file_published(resources, id="r1")
        assert run_alert_steps(resources) == {"delivered": 0, "retrying": 1, "failed": 0}
        assert deliver_alerts(resources)["retrying"] == 0  # not due before its delay
        for delay in BACKOFF_SECONDS:
            clock.advance(seconds=delay)
            deliver_alerts(resources)
        assert len(failing.posts) == len(BACKOFF_SECONDS) + 1
    [delivery] = resources.store.alerts.list_deliveries(subscriber.id)
    assert delivery["status"] == "failed"
    assert [a["status_code"] for a in delivery["attempts"]] == [500] * (len(BACKOFF_SECONDS) + 1)
    clock.advance(days=1)
    assert deliver_alerts(resources) == {"delivered": 0, "retrying": 0, "failed": 0}


def test_only_http_urls_are_accepted_for_webhooks(reports: FlaskClient, resources: Resources) -> None:
    _, key = add_subscriber(resources)
    response = reports.put("/webhook", json={"url": "ftp://exemple.fr/hook"}, headers={"X-API-Key": key})
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "url"


def test_signing_the_charter_then_being_suspended_alerts_watchers(resources: Resources) -> None:
    from functions.core.usecases.charter.signatures import request_signature, verify_signature
    from tests.charter.factories import make_request

    record_company(resources)
    run_alert_steps(resources)
    subscriber, _ = add_subscriber(resources)
    resources.store.watchlist.watch(subscriber.id, DEBTOR_SIREN, "test")
    receipt = request_signature(resources, make_request(siren=DEBTOR_SIREN, proven_by="moderator:test"))
    verify_signature(resources, receipt.token)
    run_alert_steps(resources)
    file_published(resources, id="r1")
    run_alert_steps(resources)
    changes = [d["alert"]["changes"] for d in reversed(resources.store.alerts.list_deliveries(subscriber.id))]
    assert changes == [
        [{"kind": "charter.changed", "before": "none", "after": "active"}],
        [
            {"kind": "report.published", "reference": "pub_r1"},
            {"kind": "charter.changed", "before": "active", "after": "suspended"},
        ],
    ]
    summary = resources.store.summaries.get_summary(DEBTOR_SIREN)
    assert summary["charter"]["status"] == "suspended"
