"""Delivering alerts: one bad delivery fails alone, several webhooks at once, within a time budget; on both stores."""

from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from functions.core.clock import FixedClock
from functions.core.domain.subscribers import Subscriber
from functions.core.mailer import Message, OutboxMailer, SesMailer
from functions.core.resources import Resources
from functions.core.usecases.propagation import refresh_marked
from functions.core.usecases.reports.alerts import BACKOFF_SECONDS, deliver_alerts, fan_out_alerts
from tests.reports.factories import DEBTOR_SIREN, add_subscriber, file_published, record_company
from tests.reports.receivers import Receiver


class RefusingMailer(OutboxMailer):
    """An outbox that cannot build the message for one recipient (as a header with a line break cannot be)."""

    def __init__(self, folder: Path, sender: str, refused: str) -> None:
        super().__init__(folder, sender)
        self.refused = refused

    def send(self, message: Message) -> str:
        if message.to == self.refused:
            raise ValueError("Header values may not contain linefeed or carriage return characters")
        return super().send(message)


class FakeSes:
    """An SES client that answers each ``send_raw_email`` with the next scripted error code, then accepts."""

    def __init__(self, *codes: str) -> None:
        self.codes = list(codes)
        self.sent: list[bytes] = []

    def send_raw_email(self, **request: Any) -> dict[str, str]:
        if self.codes:
            code = self.codes.pop(0)
            raise ClientError({"Error": {"Code": code, "Message": f"{code} (test)"}}, "SendRawEmail")
        self.sent.append(request["RawMessage"]["Data"])
        return {"MessageId": f"ses-{len(self.sent)}"}


def with_ses(resources: Resources, client: FakeSes) -> Resources:
    mailer = SesMailer(resources.settings.mail_from, client)
    return Resources(resources.settings, store=resources.store, mailer=mailer, clock=resources.clock)


def watcher(resources: Resources, *, email: str, webhook_url: str = "") -> Subscriber:
    subscriber, _ = add_subscriber(resources, name=f"Abonné {email}")
    changed = resources.store.subscribers.update_subscriber(
        subscriber.id, "subscriber.changed", "test", email=email, webhook_url=webhook_url, webhook_nonce="n1"
    )
    resources.store.watchlist.watch(subscriber.id, DEBTOR_SIREN, "test")
    return changed


def publish_and_fan_out(resources: Resources) -> None:
    file_published(resources, id="r1")
    refresh_marked(resources)
    fan_out_alerts(resources)


def test_a_delivery_that_cannot_be_built_fails_alone_and_the_others_go_out(
    resources: Resources, tmp_path: Path
) -> None:
    record_company(resources)
    refresh_marked(resources)
    broken = watcher(resources, email="credit@cabinet-leroy.fr")
    fine = watcher(resources, email="risques@groupe-marchand.fr")
    mailer = RefusingMailer(tmp_path / "refusing", resources.settings.mail_from, refused=broken.email)
    refusing = Resources(resources.settings, store=resources.store, mailer=mailer, clock=resources.clock)
    publish_and_fan_out(resources)
    assert deliver_alerts(refusing) == {"delivered": 1, "retrying": 0, "failed": 1}
    [failed] = resources.store.alerts.list_deliveries(broken.id)
    assert (failed["status"], failed["attempts"][0]["error"]) == ("failed", "erreur_interne")
    [delivered] = resources.store.alerts.list_deliveries(fine.id)
    assert delivered["status"] == "delivered"
    assert [m["To"] for m in mailer.messages()] == [fine.email]


def test_a_company_name_with_a_line_break_still_gets_its_alert_out(resources: Resources, mailer: OutboxMailer) -> None:
    record_company(resources, name="Dupont\r\nBcc: tous@exemple.fr\x00 SARL")
    refresh_marked(resources)
    watcher(resources, email="credit@cabinet-leroy.fr")
    publish_and_fan_out(resources)
    assert deliver_alerts(resources)["delivered"] == 1
    [message] = mailer.messages()
    assert message["Subject"] == "Ardoise — changement chez Dupont Bcc: tous@exemple.fr SARL"
    assert message["Bcc"] is None


def test_deliveries_not_started_within_the_budget_wait_for_the_next_tick(resources: Resources) -> None:
    record_company(resources)
    refresh_marked(resources)
    subscriber = watcher(resources, email="credit@cabinet-leroy.fr")
    publish_and_fan_out(resources)
    assert deliver_alerts(resources, budget_seconds=0) == {"delivered": 0, "retrying": 0, "failed": 0}
    [waiting] = resources.store.alerts.list_deliveries(subscriber.id)
    assert (waiting["status"], waiting["attempts"]) == ("pending", [])
    assert deliver_alerts(resources)["delivered"] == 1


def test_webhooks_are_delivered_several_at_once(resources: Resources) -> None:
    record_company(resources)
    refresh_marked(resources)
    # Each request is answered only once three are in at the same time.
    with Receiver(together=3) as receiver:
        watchers = [watcher(resources, email=f"veille{n}@exemple.fr", webhook_url=receiver.url) for n in range(3)]
        publish_and_fan_out(resources)
        assert deliver_alerts(resources) == {"delivered": 3, "retrying": 0, "failed": 0}
    assert len(receiver.posts) == len(watchers)


def test_an_e_mail_throttled_by_ses_is_retried_on_the_backoff_schedule(resources: Resources, clock: FixedClock) -> None:
    record_company(resources)
    refresh_marked(resources)
    subscriber = watcher(resources, email="credit@cabinet-leroy.fr")
    publish_and_fan_out(resources)
    ses = FakeSes("Throttling", "ServiceUnavailable")
    sending = with_ses(resources, ses)
    assert deliver_alerts(sending) == {"delivered": 0, "retrying": 1, "failed": 0}
    assert deliver_alerts(sending) == {"delivered": 0, "retrying": 0, "failed": 0}  # not due before its delay
    clock.advance(seconds=BACKOFF_SECONDS[0])
    assert deliver_alerts(sending)["retrying"] == 1
    clock.advance(seconds=BACKOFF_SECONDS[1])
    assert deliver_alerts(sending)["delivered"] == 1
    [delivery] = resources.store.alerts.list_deliveries(subscriber.id)
    assert delivery["status"] == "delivered"
    assert [a.get("error") for a in delivery["attempts"]] == ["echec_envoi", "echec_envoi", None]
    assert len(ses.sent) == 1


def test_an_e_mail_ses_refuses_fails_at_once_with_its_own_reason(resources: Resources, clock: FixedClock) -> None:
    record_company(resources)
    refresh_marked(resources)
    subscriber = watcher(resources, email="credit@cabinet-leroy.fr")
    publish_and_fan_out(resources)
    ses = FakeSes("MessageRejected")
    assert deliver_alerts(with_ses(resources, ses)) == {"delivered": 0, "retrying": 0, "failed": 1}
    clock.advance(seconds=BACKOFF_SECONDS[0])
    assert deliver_alerts(with_ses(resources, ses)) == {"delivered": 0, "retrying": 0, "failed": 0}
    [delivery] = resources.store.alerts.list_deliveries(subscriber.id)
    assert (delivery["status"], [a["error"] for a in delivery["attempts"]]) == ("failed", ["envoi_refuse"])
    assert ses.sent == []
