"""What stays visible of a reported company, on every surface, through the HTTP API and the site build.

One rule (``functions/core/domain/visibility.py``): the public sees a company
only while it has a listed report (or signed the charter), and of a listed
report only its facts and the debtor's public reply; subscribers see a payment
history of the reports once listed and paid since. Each test drives the API on
both stores and looks at the directory's company page, its search (by name, by
SIREN prefix, by whole SIREN), the solvency summary, and every file of a site
build (company pages, directory pages, search shards, sitemaps).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from functions.core.domain.reports import ReportStatus
from functions.core.resources import Resources
from functions.core.store import Store
from functions.core.store.items import Item, ItemBackend, Page
from functions.directory.app import create_app
from tests.charter.factories import sign
from tests.directory.conftest import World, reply_token
from tests.directory.factories import filing_payload, make_report, published
from tests.directory.proof import file_for_review, file_report
from tests.reports.factories import add_subscriber

SIREN = "542065479"
NAME = "Boulangerie Étoile du Fournil"
DECLARATION = "Payé par virement, avis joint."
CONTEST = "Les pains livrés le 12 novembre étaient invendables."
NEVER_HEARD_OF = "732829320"  # the member's own SIREN: Ardoise holds no report against it


def payload(**changes: Any) -> dict[str, Any]:
    return filing_payload(debtor_siren=SIREN, debtor_name=NAME, **changes)


@pytest.fixture(autouse=True)
def _evidence_in_the_test_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # debtors' evidence files go to var/evidence


@pytest.fixture
def reports_client(world: World, reports: FlaskClient) -> Iterator[tuple[FlaskClient, dict[str, str]]]:
    _, key = add_subscriber(world.resources, plan="pro")
    yield reports, {"X-API-Key": key}


def public_traces(world: World) -> dict[str, Any]:
    """Everything the public can learn of the company through the directory API."""
    page = world.api.get(f"/companies/{SIREN}")
    unknown = world.api.get(f"/companies/{NEVER_HEARD_OF}")
    searches = {
        query: [hit["siren"] for hit in world.api.get("/companies", query_string={"q": query}).json["items"]]
        for query in ("boulangerie", "fournil", "542", "54206", SIREN)
    }
    return {
        "status": page.status_code,
        "same_as_unknown": (page.status_code, page.json.get("detail")) == (unknown.status_code, unknown.json["detail"]),
        "found": sorted({siren for hits in searches.values() for siren in hits}),
    }


HIDDEN = {"status": 404, "same_as_unknown": True, "found": []}


def publish(world: World) -> str:
    report_id = str(file_report(world.api, world.member, payload()).json["id"])
    world.clock.advance(days=15)
    world.tick()
    assert world.api.get(f"/companies/{SIREN}").json["listed"] is True
    return report_id


def proof(world: World, token: str) -> str:
    content = b"%PDF-1.4 avis de virement"
    started = world.api.post(
        f"/replies/{token}/evidence",
        json={"filename": "avis.pdf", "content_type": "application/pdf", "size": len(content)},
    )
    assert started.status_code == 201, started.json
    world.api.put(started.json["url"].split("/api/directory", 1)[1], data=content, content_type="application/pdf")
    return str(started.json["evidence_id"])


def moderate(world: World, report_id: str, decision: str) -> None:
    response = world.api.post(
        f"/reports/{report_id}/moderation",
        json={"decision": decision, "note": "Pièces examinées."},
        headers=world.moderator,
    )
    assert response.status_code == 200, response.json


# -- 19: the text of a payment declaration or of a contest is never public ------------------------


@pytest.mark.parametrize("action", ["declare_payment", "dispute"])
def test_only_the_debtor_public_reply_is_ever_shown_publicly_never_what_it_wrote_for_the_moderator(
    world: World,
    site: Callable[[], str],
    reports_client: tuple[FlaskClient, dict[str, str]],
    action: str,
) -> None:
    report_id = publish(world)
    token = reply_token(world.mailer)
    if action == "declare_payment":
        body = {"action": action, "paid_on": "2026-03-10", "text": DECLARATION, "evidence_ids": [proof(world, token)]}
        written = DECLARATION
    else:
        body = {"action": action, "reason": "service_not_delivered", "text": CONTEST}
        written = CONTEST
    assert world.api.post(f"/replies/{token}", json=body).status_code == 200
    moderate(world, report_id, "upheld")  # the report is listed again
    world.tick()
    page = world.api.get(f"/companies/{SIREN}")
    assert page.json["listed"] is True and page.json["reports"][0]["debtor_reply"] == ""
    assert written not in site()
    reports, key = reports_client
    for fmt in ("json", "html"):
        summary = reports.get(f"/solvency/{SIREN}?format={fmt}", headers=key)
        assert summary.status_code == 200 and written not in summary.get_data(as_text=True)

    reply = "Un échéancier a été proposé au créancier."
    assert (
        world.api.post(f"/replies/{reply_token(world.mailer)}", json={"action": "reply", "text": reply}).status_code
        == 200
    )
    assert world.api.get(f"/companies/{SIREN}").json["reports"][0]["debtor_reply"] == reply
    assert reply in site() and written not in site()


# -- 19: after a rejection (or anything that never reached the public), nothing shows ---------------


def rejected_after_publication(world: World) -> None:
    report_id = publish(world)
    token = reply_token(world.mailer)
    world.api.post(f"/replies/{token}", json={"action": "dispute", "reason": "not_owed", "text": CONTEST})
    moderate(world, report_id, "rejected")


def rejected_in_grace_period(world: World) -> None:
    report_id = file_report(world.api, world.member, payload()).json["id"]
    token = reply_token(world.mailer)
    world.api.post(f"/replies/{token}", json={"action": "dispute", "reason": "not_owed", "text": CONTEST})
    moderate(world, report_id, "rejected")


def withdrawn_before_publication(world: World) -> None:
    report_id = file_report(world.api, world.member, payload()).json["id"]
    world.api.post(f"/reports/{report_id}/withdraw", headers=world.member)


def withdrawn_after_publication(world: World) -> None:
    report_id = publish(world)
    assert world.api.post(f"/reports/{report_id}/withdraw", headers=world.member).status_code == 200


def notified_only(world: World) -> None:
    file_report(world.api, world.member, payload())


def under_review_for_a_month(world: World) -> None:
    file_for_review(world.api, world.member, payload())
    world.clock.advance(days=30)  # no moderator checked it: the tick neither notifies nor publishes it


def refused_by_the_moderator(world: World) -> None:
    report_id = file_for_review(world.api, world.member, payload()).json["id"]
    refused = world.api.post(
        f"/reports/{report_id}/review",
        json={"decision": "refused", "reason": "La preuve d'envoi de la mise en demeure est illisible."},
        headers=world.moderator,
    )
    assert refused.status_code == 200 and refused.json["status"] == "refused"
    world.clock.advance(days=30)


def disputed_in_grace_period(world: World) -> None:
    file_report(world.api, world.member, payload())
    token = reply_token(world.mailer)
    world.api.post(f"/replies/{token}", json={"action": "dispute", "reason": "not_owed", "text": CONTEST})


@pytest.mark.parametrize(
    "story",
    [
        rejected_after_publication,
        rejected_in_grace_period,
        withdrawn_before_publication,
        withdrawn_after_publication,
        notified_only,
        disputed_in_grace_period,
        under_review_for_a_month,
        refused_by_the_moderator,
    ],
)
def test_a_company_whose_reports_never_stayed_public_answers_like_a_company_never_reported(
    world: World,
    site: Callable[[], str],
    reports_client: tuple[FlaskClient, dict[str, str]],
    story: Callable[[World], None],
) -> None:
    story(world)
    world.clock.advance(days=1)
    world.tick()
    assert public_traces(world) == HIDDEN
    reports, key = reports_client
    assert reports.get(f"/solvency/{SIREN}", headers=key).status_code == 404
    built = site()
    assert SIREN not in built and "Fournil" not in built


# -- 19: one rule after a report leaves the listing by payment -----------------------------------


@pytest.mark.parametrize(("paid_cents", "status"), [(1_250_00, "settled"), (1_240_00, "unlisted")])
def test_a_report_paid_in_full_or_down_to_ten_euros_leaves_every_public_surface_and_stays_in_the_history(
    world: World,
    site: Callable[[], str],
    reports_client: tuple[FlaskClient, dict[str, str]],
    paid_cents: int,
    status: str,
) -> None:
    report_id = publish(world)
    assert SIREN in site()
    world.clock.advance(days=5)
    paid = world.api.post(
        f"/reports/{report_id}/payments",
        json={"amount_cents": paid_cents, "paid_on": "2026-03-20"},
        headers=world.member,
    )
    assert paid.json["status"] == status
    world.tick()
    assert public_traces(world) == HIDDEN
    built = site()
    assert SIREN not in built and "Fournil" not in built
    reports, key = reports_client
    summary = reports.get(f"/solvency/{SIREN}", headers=key)
    assert summary.status_code == 200
    assert summary.json["open_reports"]["count"] == 0 and summary.json["pending_disputes"] == 0
    # Due 31 December 2025, paid 20 March 2026: 79 days, whether the last 10 EUR are paid or not.
    assert summary.json["settled_reports"] | {"window_months": 24} == {
        "count": 1,
        "window_months": 24,
        "average_days_to_settle": 79,
    }
    assert summary.json["company"]["name"] == NAME


def test_a_charter_signatory_stays_public_after_its_report_leaves_the_listing_without_showing_the_report(
    world: World, charter: FlaskClient, site: Callable[[], str]
) -> None:
    report_id = publish(world)
    sign(charter, world.mailer, siren=SIREN, company_name=NAME, email="direction@fournil.fr")
    paid = {"amount_cents": 1_250_00, "paid_on": "2026-03-16"}
    assert world.api.post(f"/reports/{report_id}/payments", json=paid, headers=world.member).status_code == 200
    page = world.api.get(f"/companies/{SIREN}")
    assert (page.status_code, page.json["listed"], page.json["reports"]) == (200, False, [])
    assert public_traces(world)["found"] == [SIREN]
    assert f"/entreprises/{SIREN}-" in site()


def test_a_company_that_signs_the_charter_without_ever_being_reported_is_found_in_the_directory(
    world: World, charter: FlaskClient
) -> None:
    sign(charter, world.mailer, siren=SIREN, company_name=NAME, email="direction@fournil.fr")
    assert world.api.get(f"/companies/{SIREN}").json["listed"] is False
    assert public_traces(world)["found"] == [SIREN]


# -- 12: a company page costs what the public may see, not what is held ----------------------------


class CountingBackend:
    """Count the store requests made and the items they return (what DynamoDB bills)."""

    def __init__(self, inner: ItemBackend) -> None:
        self.inner, self.requests, self.items = inner, 0, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def get(self, pk: str, sk: str) -> Item | None:
        found = self.inner.get(pk, sk)
        self.requests, self.items = self.requests + 1, self.items + (found is not None)
        return found

    def get_many(self, keys: Sequence[tuple[str, str]]) -> list[Item]:
        found = self.inner.get_many(keys)
        self.requests, self.items = self.requests + 1, self.items + len(found)
        return found

    def query(self, pk: str, **options: Any) -> Page:
        page = self.inner.query(pk, **options)
        self.requests, self.items = self.requests + 1, self.items + len(page.items)
        return page


HELD = (
    ReportStatus.SETTLED,
    ReportStatus.REJECTED,
    ReportStatus.WITHDRAWN,
    ReportStatus.UNLISTED,
    ReportStatus.NOTIFIED,
)


def test_a_company_page_costs_the_same_store_requests_whatever_else_is_held_against_the_debtor(
    resources: Resources,
) -> None:
    counting = CountingBackend(resources.store.backend)
    app = create_app(
        settings=resources.settings,
        store=Store(counting, resources.clock),
        mailer=resources.mailer,
        clock=resources.clock,
    )
    client = app.test_client()
    cost = {}
    for debtor, held in (("552100554", 1), ("542065479", 200)):
        for n in range(held):
            report = make_report(id=f"rpt_{debtor}_{n}", debtor_siren=debtor, number=f"F-{n}")
            if n == 0:  # the only public one
                report = published(report, at=resources.clock())
            else:
                status = HELD[n % len(HELD)]
                at = None if status is ReportStatus.NOTIFIED else resources.clock()
                report = replace(report, status=status, published_at=at, closed_at=resources.clock())
            resources.store.reports.file_report(report, actor="test")
        counting.requests = counting.items = 0
        page = client.get(f"/companies/{debtor}")
        assert page.status_code == 200 and len(page.json["reports"]) == 1
        cost[held] = (counting.requests, counting.items)
    assert cost[1] == cost[200] == (2, 2)  # the profile, then the listed reports' projections
