"""Collective proceedings for subscribers: the summary shows them (JSON, HTML, PDF), watchers are alerted.

A proceeding is public (BODACC): a watched company gets a summary and an alert
when one opens, whether or not the directory knows it. On both stores.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader
from standardwebhooks import Webhook

from functions.core.clock import FixedClock
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.usecases.propagation import refresh_marked
from functions.core.usecases.registry_import import LocalFile, import_file
from functions.core.usecases.reports.alerts import deliver_alerts, fan_out_alerts
from tests.registry.samples.generate import notice, spaced
from tests.reports.factories import DEBTOR_SIREN, add_subscriber, file_published, record_company
from tests.reports.receivers import Receiver

WATCHED = "542065479"  # unknown to the directory: nothing was ever reported against it
COURT = "TRIBUNAL DE COMMERCE DE GRENOBLE"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


def import_opening(res: Resources, folder: Path, siren: str, *, notice_id: str = "A202600123401") -> None:
    record = notice(
        notice_id, [spaced(siren), siren], "Jugement d'ouverture",
        "Jugement d'ouverture d'une procédure de redressement judiciaire", "2026-02-20", "2026-02-27",
    )  # fmt: skip
    path = folder / f"bodacc-{notice_id}.json"
    path.write_text(json.dumps([record], ensure_ascii=False), encoding="utf-8")
    assert import_file(res, LocalFile(path)).done


def run_alert_steps(resources: Resources) -> dict[str, int]:
    while refresh_marked(resources):
        pass
    fan_out_alerts(resources)
    return deliver_alerts(resources)


def test_the_summary_shows_the_proceeding_in_json_html_and_pdf(
    reports: FlaskClient, resources: Resources, tmp_path: Path
) -> None:
    record_company(resources)
    file_published(resources, id="r1", amount_cents=2_400_00)
    import_opening(resources, tmp_path, DEBTOR_SIREN)
    while refresh_marked(resources):
        pass
    _, key = add_subscriber(resources, plan="pro")
    headers = {"X-API-Key": key}

    summary = reports.get(f"/solvency/{DEBTOR_SIREN}", headers=headers).json
    proceeding = summary["collective_proceeding"]
    assert proceeding["kind"] == "redressement_judiciaire" and proceeding["court"] == COURT
    assert (proceeding["opened_on"], proceeding["published_on"]) == ("2026-02-20", "2026-02-27")
    assert proceeding["claims_deadline"] == "2026-04-27"
    assert proceeding["bodacc_url"].startswith("https://www.bodacc.fr/")
    # Frozen off the public listing, the report still counts for subscribers.
    assert summary["open_reports"]["count"] == 1

    page = reports.get(f"/solvency/{DEBTOR_SIREN}?format=html", headers=headers).get_data(as_text=True)
    assert "Procédure collective en cours" in page and COURT in page and 'href="https://www.bodacc.fr/' in page
    pdf = reports.get(f"/solvency/{DEBTOR_SIREN}?format=pdf", headers=headers).data
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Procédure collective en cours" in text and "redressement judiciaire" in text and "27/04/2026" in text


def test_a_company_without_a_proceeding_has_none_in_its_summary(reports: FlaskClient, resources: Resources) -> None:
    record_company(resources)
    file_published(resources, id="r1")
    refresh_marked(resources)
    _, key = add_subscriber(resources)
    assert reports.get(f"/solvency/{DEBTOR_SIREN}", headers={"X-API-Key": key}).json["collective_proceeding"] is None


def test_watchers_get_a_proceeding_opened_webhook_even_for_a_company_the_directory_never_heard_of(
    reports: FlaskClient, resources: Resources, receiver: Receiver, tmp_path: Path, clock: FixedClock
) -> None:
    clock.now = datetime.now(UTC).replace(microsecond=0)  # the reference verifier checks the timestamp
    _, key = add_subscriber(resources)
    headers = {"X-API-Key": key}
    secret = reports.put("/webhook", json={"url": receiver.url}, headers=headers).json["secret"]
    assert reports.put(f"/watchlist/{WATCHED}", headers=headers).status_code == 201
    assert reports.get(f"/solvency/{WATCHED}", headers=headers).status_code == 404

    import_opening(resources, tmp_path, WATCHED)
    assert run_alert_steps(resources)["delivered"] == 1
    assert run_alert_steps(resources)["delivered"] == 0  # once

    [(received, body)] = receiver.posts
    payload: dict[str, Any] = Webhook(secret).verify(body, dict(received))
    assert payload["type"] == "company.proceeding_opened" and payload["siren"] == WATCHED
    [change] = payload["changes"]
    assert change["kind"] == "proceeding.opened" and change["proceeding"]["court"] == COURT
    assert payload["summary"]["collective_proceeding"] == "redressement judiciaire"
    assert reports.get(f"/solvency/{WATCHED}", headers=headers).json["collective_proceeding"]["kind"] == (
        "redressement_judiciaire"
    )


def test_an_e_mailed_watcher_reads_the_proceeding_in_french(
    reports: FlaskClient, resources: Resources, mailer: OutboxMailer, tmp_path: Path
) -> None:
    record_company(resources)
    refresh_marked(resources)
    _, key = add_subscriber(resources)
    reports.put(f"/watchlist/{DEBTOR_SIREN}", headers={"X-API-Key": key})
    import_opening(resources, tmp_path, DEBTOR_SIREN)
    assert run_alert_steps(resources)["delivered"] == 1
    [message] = mailer.messages()
    body = message.get_body().get_content()  # type: ignore[union-attr]  # a text message
    assert "une procédure collective a été ouverte : Redressement judiciaire ouvert le 20 février 2026" in body
    assert COURT in body


def test_the_openapi_document_describes_both_webhook_event_types(reports: FlaskClient) -> None:
    document = reports.get("/openapi.json").json
    assert set(document["webhooks"]) == {"company.changed", "company.proceeding_opened"}
    event = document["components"]["schemas"]["AlertEvent"]
    assert set(event["properties"]["type"]["enum"]) == {"company.changed", "company.proceeding_opened"}
