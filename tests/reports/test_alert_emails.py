"""Alert e-mails: what changed in French, and a summary link a browser opens; on both stores."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from functions.core.clock import FixedClock
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.usecases.propagation import refresh_marked
from functions.core.usecases.reports.alerts import deliver_alerts, fan_out_alerts
from functions.core.usecases.reports.summary_links import LINK_VALIDITY
from tests.reports.factories import DEBTOR_SIREN, add_subscriber, file_published, record_company

_LINK = re.compile(r"http://127\.0\.0\.1:8000/api/reports(/solvency/\d{9}/view/\S+)")
OTHER_SIREN = "732829320"


def run_alert_steps(resources: Resources) -> None:
    refresh_marked(resources)
    fan_out_alerts(resources)
    deliver_alerts(resources)


def alert_mail(resources: Resources, mailer: OutboxMailer) -> tuple[str, str]:
    """Watch the debtor, publish a report against it; return the subscriber's key and the e-mail's text."""
    record_company(resources)
    record_company(resources, siren=OTHER_SIREN, name="Boulangerie Étoile")
    file_published(resources, id="rpt_0009", debtor_siren=OTHER_SIREN, public_ref="pub_aa00bb11cc22dd33")
    refresh_marked(resources)
    subscriber, key = add_subscriber(resources)
    resources.store.watchlist.watch(subscriber.id, DEBTOR_SIREN, "test")
    file_published(resources, id="rpt_6d81c0ffee", public_ref="pub_4f2a9c01d3e5b678")
    run_alert_steps(resources)
    [message] = mailer.messages()
    return key, message.get_body(("plain",)).get_content()


def link_path(text: str) -> str:
    found = _LINK.search(text)
    assert found, "no summary link in the e-mail"
    return found.group(1)


def test_an_alert_e_mail_names_the_report_by_its_public_reference(resources: Resources, mailer: OutboxMailer) -> None:
    _, text = alert_mail(resources, mailer)
    assert "un nouveau signalement d'impayé a été publié (référence pub_4f2a9c01d3e5b678)" in text
    assert "rpt_" not in text


def test_an_alert_e_mail_says_the_new_charter_status_and_the_old_one(
    resources: Resources, mailer: OutboxMailer
) -> None:
    from functions.core.usecases.charter.signatures import request_signature, verify_signature
    from tests.charter.factories import make_request

    record_company(resources)
    run_alert_steps(resources)
    subscriber, _ = add_subscriber(resources)
    resources.store.watchlist.watch(subscriber.id, DEBTOR_SIREN, "test")
    receipt = request_signature(resources, make_request(siren=DEBTOR_SIREN, proven_by="moderator:test"))
    assert receipt.token is not None
    verify_signature(resources, receipt.token)
    run_alert_steps(resources)
    file_published(resources, id="rpt_6d81c0ffee", public_ref="pub_4f2a9c01d3e5b678")
    run_alert_steps(resources)
    alerts = [m for m in mailer.messages() if m["To"] == "credit@cabinet-leroy.fr"]
    signed, suspended = (m.get_body(("plain",)).get_content() for m in alerts)
    assert (
        "son statut vis-à-vis de la charte a changé : désormais « Signataire de la charte » "
        "(auparavant « Non signataire »)" in signed
    )
    assert "désormais « Signataire suspendu (impayé publié) » (auparavant « Signataire de la charte »)" in suspended
    assert "Charte de paiement : Signataire suspendu (impayé publié)" in suspended


def test_the_summary_link_opens_in_a_browser_without_a_key_and_counts_as_a_summary(
    reports: FlaskClient, resources: Resources, mailer: OutboxMailer
) -> None:
    key, text = alert_mail(resources, mailer)
    assert "X-API-Key" not in text
    page = reports.get(link_path(text), headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "Société Générale d&#39;Équipement" in page.text or "Société Générale d'Équipement" in page.text
    assert page.headers["Cache-Control"] == "private, no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert reports.get("/usage", headers={"X-API-Key": key}).json["summaries"] == 1


def test_the_summary_link_opens_no_other_siren_and_no_forged_token(
    reports: FlaskClient, resources: Resources, mailer: OutboxMailer
) -> None:
    key, text = alert_mail(resources, mailer)
    path = link_path(text)
    other = reports.get(path.replace(DEBTOR_SIREN, OTHER_SIREN))
    assert other.status_code == 404 and other.json["type"] == "https://ardoise.fr/problemes/lien-inconnu"
    forged = path[:-1] + ("0" if path[-1] != "0" else "1")
    assert reports.get(forged).status_code == 404
    assert reports.get(path.rsplit("/", 1)[0] + "/not-a-token").status_code == 404
    assert reports.get("/usage", headers={"X-API-Key": key}).json["summaries"] == 0


def test_the_summary_link_expires_after_seven_days(
    reports: FlaskClient, resources: Resources, mailer: OutboxMailer, clock: FixedClock
) -> None:
    _, text = alert_mail(resources, mailer)
    path = link_path(text)
    clock.advance(seconds=LINK_VALIDITY.total_seconds() - 1)
    assert reports.get(path).status_code == 200
    clock.advance(seconds=1)
    expired = reports.get(path)
    assert expired.status_code == 410 and expired.json["type"] == "https://ardoise.fr/problemes/lien-expire"


def test_the_summary_link_dies_with_the_subscription_and_respects_the_quota(
    reports: FlaskClient, resources: Resources, mailer: OutboxMailer
) -> None:
    _, text = alert_mail(resources, mailer)
    path = link_path(text)
    subscriber = resources.store.subscribers.list_subscribers()[0][0]
    resources.store.subscribers.count_summaries(subscriber.id, "2026-03", 50, 50)
    assert reports.get(path).status_code == 429
    resources.store.subscribers.update_subscriber(subscriber.id, "subscriber.revoked", "test", status="revoked")
    revoked = reports.get(path)
    assert revoked.status_code == 410 and revoked.json["type"] == "https://ardoise.fr/problemes/lien-revoque"
