"""Automatic suspension: published unpaid reports in the directory suspend a signatory; settling reinstates it."""

from dataclasses import replace

from flask.testing import FlaskClient

from functions.core.clock import FixedClock
from functions.core.domain.reports import Report, ReportStatus
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.store import Store
from functions.core.usecases.propagation import refresh_marked
from functions.local.tick import run_local_tick
from tests.charter.factories import SIREN, last_token, sign
from tests.directory.factories import make_report, notified, published


def publish_report(store: Store, clock: FixedClock, **changes: object) -> Report:
    """File, notify and publish a report against the signatory, as the directory does."""
    report = store.reports.file_report(make_report(debtor_siren=SIREN, **changes), actor="member:mbr_test")
    report = store.reports.save(report, notified(report, at=clock()), actor="system:tick", action="report.notified")
    return store.reports.save(report, published(report, at=clock()), actor="system:tick", action="report.published")


def settle(store: Store, clock: FixedClock, report: Report) -> Report:
    settled = replace(report, status=ReportStatus.SETTLED, outstanding_cents=0, settled_at=clock(), closed_at=clock())
    return store.reports.save(report, settled, actor="member:mbr_test", action="report.settled")


def statuses(charter: FlaskClient, status: str) -> list[str]:
    return [s["siren"] for s in charter.get(f"/signatures?status={status}").json["items"]]


def test_a_published_report_suspends_and_settling_it_reinstates(
    charter: FlaskClient, mailer: OutboxMailer, clock: FixedClock, store: Store, resources: Resources
) -> None:
    sign(charter, mailer)
    clock.advance(days=20)
    report = publish_report(store, clock)
    refresh_marked(resources)  # what the request that published it runs

    shown = charter.get(f"/signatures/{SIREN}").json
    assert (shown["status"], shown["status_since"]) == ("suspended", "2026-03-22T09:00:00Z")
    assert shown["suspension"] == {
        "since": "2026-03-22T09:00:00Z",
        "reason": "unpaid_report_published",
        "reason_text": "Au moins un signalement d'impayé est publié dans l'annuaire Ardoise.",
    }
    assert statuses(charter, "active") == [] and statuses(charter, "suspended") == [SIREN]
    assert mailer.messages()[-1]["Subject"].startswith("Signature de la charte suspendue")

    clock.advance(days=5)
    settle(store, clock, report)
    run_local_tick(resources)  # the tick applies it too, when the request's own refresh did not run

    shown = charter.get(f"/signatures/{SIREN}").json
    assert (shown["status"], shown["status_since"], shown["suspension"]) == ("active", "2026-03-27T09:00:00Z", None)
    assert statuses(charter, "active") == [SIREN] and statuses(charter, "suspended") == []
    events = [
        (e.action, e.actor, e.before["standing"], e.after["standing"], e.at[:10])
        for e in store.audit.list_events(f"company:{SIREN}")
        if e.action in {"signature.suspended", "signature.reinstated"}
    ]
    assert events == [
        ("signature.suspended", "system:charter", "active", "suspended", "2026-03-22"),
        ("signature.reinstated", "system:charter", "suspended", "active", "2026-03-27"),
    ]


def test_a_signatory_stays_suspended_while_one_published_report_remains(
    charter: FlaskClient, mailer: OutboxMailer, clock: FixedClock, store: Store, resources: Resources
) -> None:
    sign(charter, mailer)
    first = publish_report(store, clock)
    publish_report(store, clock, id="rpt_0002", number="F-2026-002")
    refresh_marked(resources)
    settle(store, clock, first)
    refresh_marked(resources)
    assert charter.get(f"/signatures/{SIREN}").json["status"] == "suspended"
    suspensions = [e for e in store.audit.list_events(f"company:{SIREN}") if e.action == "signature.suspended"]
    assert len(suspensions) == 1


def test_a_report_not_yet_published_suspends_nothing(
    charter: FlaskClient, mailer: OutboxMailer, clock: FixedClock, store: Store, resources: Resources
) -> None:
    sign(charter, mailer)
    report = store.reports.file_report(make_report(debtor_siren=SIREN), actor="member:mbr_test")
    store.reports.save(report, notified(report, at=clock()), actor="system:tick", action="report.notified")
    refresh_marked(resources)
    assert charter.get(f"/signatures/{SIREN}").json["status"] == "active"


def test_a_company_already_listed_is_suspended_from_its_signature(
    charter: FlaskClient, mailer: OutboxMailer, clock: FixedClock, store: Store
) -> None:
    publish_report(store, clock)
    signature = sign(charter, mailer)
    assert (signature["status"], signature["suspension"]["since"]) == ("suspended", "2026-03-02T09:00:00Z")


def test_a_withdrawn_signature_is_left_alone(
    charter: FlaskClient, mailer: OutboxMailer, clock: FixedClock, store: Store, resources: Resources
) -> None:
    sign(charter, mailer)
    charter.post(f"/signatures/{SIREN}/withdraw")
    charter.post(f"/signatures/{SIREN}/withdraw/confirm", json={"token": last_token(mailer)})
    publish_report(store, clock)
    refresh_marked(resources)
    assert charter.get(f"/signatures/{SIREN}").json["status"] == "withdrawn"


def test_refreshing_a_company_that_never_signed_does_nothing(
    store: Store, clock: FixedClock, resources: Resources
) -> None:
    publish_report(store, clock)
    refresh_marked(resources)
    assert store.signatures.get_signature(SIREN) is None
    assert store.outbox.list_marked() == []
