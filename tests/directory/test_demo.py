"""The directory's demo (``ardoise serve --demo``) shows each state the visibility rule tells apart."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from functions.core.clock import FixedClock
from functions.core.domain.reports import ReportStatus
from functions.core.resources import Resources
from functions.local.demo import seed_demo
from tests.directory.conftest import moderator_headers
from tests.reports.factories import add_subscriber


@pytest.fixture
def demo(resources: Resources, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.chdir(tmp_path)
    clock.now = datetime(2026, 12, 2, 9, tzinfo=UTC)
    seeded = seed_demo(resources)
    return {
        **seeded["directory_reports"],
        "registry": seeded["registry"],
        "report_from_case": seeded["recovery_cases"]["report_from_case"],
    }


def debtor_of(resources: Resources, report_id: str) -> tuple[str, ReportStatus]:
    report = resources.store.reports.get_report(report_id)
    assert report is not None
    return report.debtor.siren, report.status


def test_the_demo_shows_each_state_and_only_the_listed_reports_are_public(
    demo: dict[str, Any], resources: Resources, directory: FlaskClient, reports: FlaskClient
) -> None:
    _, key = add_subscriber(resources, plan="pro")
    states = {
        "disputed_in_moderation": ReportStatus.DISPUTED,
        "rejected_after_listing": ReportStatus.REJECTED,
        "frozen_by_invoice_status": ReportStatus.DISPUTED,
        "settled": ReportStatus.SETTLED,
        "unlisted": ReportStatus.UNLISTED,
        "withdrawn_before_publication": ReportStatus.WITHDRAWN,
        "in_grace_period": ReportStatus.NOTIFIED,
        "in_grace_period_by_post": ReportStatus.NOTIFIED,
        "under_review": ReportStatus.UNDER_REVIEW,
        "refused_by_review": ReportStatus.REFUSED,
    }
    hidden = {}
    for name, expected in states.items():
        siren, status = debtor_of(resources, demo[name])
        assert status is expected, name
        hidden[name] = directory.get(f"/companies/{siren}").status_code
    assert hidden == dict.fromkeys(states, 404)

    # Listed before the registry's sample arrived; the company in redressement has left the listing since.
    frozen = demo["registry"]["redressement_judiciaire"]
    assert frozen in demo["listed"] and directory.get(f"/companies/{frozen}").status_code == 404
    listed = [directory.get(f"/companies/{siren}").json for siren in demo["listed"] if siren != frozen]
    # Two debtors of the directory's demo, and the charter's suspended signatory.
    assert [page["listed"] for page in listed] == [True] * 3
    assert [len(page["reports"]) for page in listed if len(page["reports"]) > 1] == [2]
    # Checked by the demo moderator (the charter demo's report was put in the store directly).
    assert [r["verified_on"] is None for page in listed for r in page["reports"]].count(True) == 1
    # Two reports wait for review: the directory demo's, and the one the recovery demo filed from an unpaid case.
    queue = directory.get("/reviews", headers=moderator_headers(directory)).json["items"]
    assert sorted(item["report"]["id"] for item in queue) == sorted([demo["under_review"], demo["report_from_case"]])
    [waiting] = [item for item in queue if item["report"]["id"] == demo["under_review"]]
    assert waiting["report"]["id"] == demo["under_review"] and len(waiting["documents"]) == 3
    # Filed with a Factur-X invoice whose dates and amount the filing left out: the moderator sees where each came from.
    assert waiting["report"]["einvoice"]["syntax"] == "factur-x"
    check = {row["term"]: row["agreement"] for row in waiting["report"]["einvoice_check"]}
    assert check == {
        "BT-1": "agreed",
        "BT-2": "taken_from_einvoice",
        "BT-9": "taken_from_einvoice",
        "BT-115": "taken_from_einvoice",
        "BT-30": "agreed",
        "BT-47": "agreed",
        "BT-5": "agreed",
    }
    # Checked and approved with its Factur-X invoice: in its grace period, no term at odds with the filing.
    verified = resources.store.reports.get_report(demo["in_grace_period"])
    assert verified is not None and verified.verified_at is not None and verified.einvoice is not None
    assert verified.einvoice.syntax.value == "factur-x" and verified.documents[0].kind.value == "invoice"
    assert {c.agreement.value for c in verified.einvoice_check()} == {"agreed", "taken_from_einvoice"}
    assert [r["debtor_reply"] for page in listed for r in page["reports"] if r["debtor_reply"]] == [
        "Nous reconnaissons la dette et avons proposé au créancier un échéancier sur quatre mois."
    ]

    # Paid in full, or all but 10 EUR: both stay in the subscribers' payment history alike.
    for name in ("settled", "unlisted"):
        siren, _ = debtor_of(resources, demo[name])
        summary = reports.get(f"/solvency/{siren}", headers={"X-API-Key": key})
        assert summary.status_code == 200 and summary.json["settled_reports"]["count"] == 1, name
