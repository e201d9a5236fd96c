"""GET /solvency, /usage and batches: keys, quotas, formats, on both stores."""

import io
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader

from functions.core.clock import FixedClock
from functions.core.domain.reports import ReportStatus
from functions.core.resources import Resources
from functions.core.usecases.propagation import refresh_marked
from tests.reports.factories import (
    CREDITOR_SIRENS,
    DEBTOR_SIREN,
    add_subscriber,
    file_published,
    record_company,
    three_creditors,
)

PROBLEM = "application/problem+json"
UNKNOWN_SIREN = "732829320"


@pytest.fixture
def listed(resources: Resources) -> None:
    """A company with three published reports, one partly paid: enough for an index."""
    record_company(resources)
    file_published(resources, id="r1", number="F-1", due_date=date(2026, 1, 5), amount_cents=1_000_00)
    file_published(resources, id="r2", number="F-2", due_date=date(2025, 12, 1), amount_cents=3_000_00)
    file_published(resources, id="r3", number="F-3", due_date=date(2026, 1, 30), amount_cents=1_000_00)
    refresh_marked(resources)


def key_header(resources: Resources, plan: str = "decouverte") -> dict[str, str]:
    _, key = add_subscriber(resources, plan=plan)
    return {"X-API-Key": key}


@pytest.mark.parametrize(
    "headers", [{}, {"X-API-Key": "ard_sub_0123456789ab_not-a-real-key"}, {"X-API-Key": "n'importe quoi"}]
)
def test_a_missing_or_wrong_key_is_a_401_problem(reports: FlaskClient, headers: dict[str, str]) -> None:
    response = reports.get(f"/solvency/{DEBTOR_SIREN}", headers=headers)
    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert response.json["type"] == "https://ardoise.fr/problemes/non-authentifie"


def test_a_revoked_key_is_refused(reports: FlaskClient, resources: Resources, listed: None) -> None:
    subscriber, key = add_subscriber(resources)
    assert reports.get(f"/solvency/{DEBTOR_SIREN}", headers={"X-API-Key": key}).status_code == 200
    resources.store.subscribers.update_subscriber(subscriber.id, "subscriber.revoked", "operator", status="revoked")
    assert reports.get(f"/solvency/{DEBTOR_SIREN}", headers={"X-API-Key": key}).status_code == 401


def test_the_summary_shows_the_published_reports_and_the_index(
    reports: FlaskClient, resources: Resources, listed: None
) -> None:
    response = reports.get(f"/solvency/{DEBTOR_SIREN}", headers=key_header(resources))
    assert response.status_code == 200
    body = response.json
    assert body["company"]["name"] == "Société Générale d'Équipement"
    assert body["open_reports"]["count"] == 3
    assert body["open_reports"]["outstanding_cents"] == 5_000_00
    assert body["open_reports"]["oldest_due_date"] == "2025-12-01"
    assert body["open_reports"]["worst_days_beyond_terms"] == 91  # 1 December to 2 March
    # 56 days: 50 - 10 * 26/30 = 41.33; 91 days: 30 - 10 * 1/30 = 29.67; 31 days: 50 - 10 * 1/30 = 49.67
    # (41.33 * 1,000 + 29.67 * 3,000 + 49.67 * 1,000) / 5,000 = 36.0
    assert body["payment_index"] == 36
    assert body["grade"] == "D"
    assert body["insufficient_data"] is False
    assert "watch" not in body
    assert response.headers["Cache-Control"] == "private, no-store"


def test_each_summary_counts_and_usage_shows_the_month(
    reports: FlaskClient, resources: Resources, listed: None
) -> None:
    headers = key_header(resources)
    for _ in range(2):
        reports.get(f"/solvency/{DEBTOR_SIREN}", headers=headers)
    usage = reports.get("/usage", headers=headers).json
    assert usage["month"] == "2026-03"
    assert (usage["plan"], usage["quota"], usage["summaries"], usage["remaining"]) == ("decouverte", 50, 2, 48)
    assert usage["calls"] == 1  # the usage call itself; single summaries count as summaries


def test_past_the_quota_a_429_says_when_to_come_back(reports: FlaskClient, resources: Resources, listed: None) -> None:
    subscriber, key = add_subscriber(resources, plan="decouverte")
    resources.store.subscribers.count_summaries(subscriber.id, "2026-03", 49, 50)
    assert reports.get(f"/solvency/{DEBTOR_SIREN}", headers={"X-API-Key": key}).status_code == 200
    response = reports.get(f"/solvency/{DEBTOR_SIREN}", headers={"X-API-Key": key})
    assert response.status_code == 429
    assert response.mimetype == PROBLEM
    assert response.json["type"] == "https://ardoise.fr/problemes/quota-depasse"
    assert (response.json["quota"], response.json["used"]) == (50, 50)
    # From 2 March 09:00 UTC to 1 April 00:00 in Paris (31 March 22:00 UTC): 29 days 13 hours.
    assert response.headers["Retry-After"] == str(29 * 86400 + 13 * 3600)


def test_an_unknown_company_is_a_404_and_an_invalid_siren_a_400_and_neither_uses_quota(
    reports: FlaskClient, resources: Resources
) -> None:
    headers = key_header(resources)
    assert reports.get(f"/solvency/{UNKNOWN_SIREN}", headers=headers).status_code == 404
    invalid = reports.get("/solvency/123456789", headers=headers)
    assert invalid.status_code == 400 and invalid.json["errors"][0]["code"] == "siren_invalide"
    usage = reports.get("/usage", headers=headers).json
    assert (usage["summaries"], usage["remaining"]) == (0, 50)


def test_an_unknown_company_is_answered_even_when_the_quota_is_spent(
    reports: FlaskClient, resources: Resources
) -> None:
    subscriber, key = add_subscriber(resources, plan="decouverte")
    resources.store.subscribers.count_summaries(subscriber.id, "2026-03", 50, 50)
    assert reports.get(f"/solvency/{UNKNOWN_SIREN}", headers={"X-API-Key": key}).status_code == 404


@pytest.mark.parametrize("accept", ["image/png", "application/xml, text/csv"])
def test_a_format_nobody_serves_is_a_406_problem_that_uses_no_quota(
    reports: FlaskClient, resources: Resources, listed: None, accept: str
) -> None:
    headers = key_header(resources)
    response = reports.get(f"/solvency/{DEBTOR_SIREN}", headers={**headers, "Accept": accept})
    assert response.status_code == 406 and response.mimetype == PROBLEM
    assert response.json["type"] == "https://ardoise.fr/problemes/non-acceptable"
    assert "application/pdf" in response.json["detail"]
    assert reports.get("/usage", headers=headers).json["summaries"] == 0


@pytest.mark.parametrize(
    ("query", "accept"), [("?format=html", "application/json"), ("", "text/html,application/xhtml+xml,*/*;q=0.8")]
)
def test_the_html_page_is_french_with_a_chart(
    reports: FlaskClient, resources: Resources, listed: None, query: str, accept: str
) -> None:
    response = reports.get(f"/solvency/{DEBTOR_SIREN}{query}", headers={**key_header(resources), "Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Société Générale d&#39;Équipement" in page
    assert "<svg" in page and "<polyline" in page
    assert "5\u202f000,00\u00a0€" in page


def test_user_text_is_escaped_in_the_html_page(reports: FlaskClient, resources: Resources) -> None:
    record_company(resources, name="<script>alert('x')</script> & Fils")
    file_published(resources, id="r1")
    refresh_marked(resources)
    page = reports.get(f"/solvency/{DEBTOR_SIREN}?format=html", headers=key_header(resources)).get_data(as_text=True)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Fils" in page


@pytest.mark.parametrize(("query", "accept"), [("?format=pdf", "*/*"), ("", "application/pdf")])
def test_the_pdf_is_a_real_pdf_naming_the_company_and_its_index(
    reports: FlaskClient, resources: Resources, listed: None, query: str, accept: str
) -> None:
    response = reports.get(f"/solvency/{DEBTOR_SIREN}{query}", headers={**key_header(resources), "Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Société Générale d'Équipement" in text
    assert "36 / 100" in text


def test_a_batch_answers_each_siren_and_counts_only_the_summaries_it_serves(
    reports: FlaskClient, resources: Resources, listed: None
) -> None:
    headers = key_header(resources)
    sirens = [DEBTOR_SIREN, "123456789", UNKNOWN_SIREN, "552 100 554", "abc"]
    response = reports.post("/solvency/batch", json={"sirens": sirens}, headers=headers)
    assert response.status_code == 200
    results = response.json["results"]
    assert [r["input"] for r in results] == sirens
    assert results[0]["summary"]["payment_index"] == 36
    assert results[1]["error"]["type"] == "https://ardoise.fr/problemes/validation"
    assert results[2]["error"]["type"] == "https://ardoise.fr/problemes/introuvable"
    assert results[3]["siren"] == DEBTOR_SIREN and results[3]["summary"]["siren"] == DEBTOR_SIREN
    assert results[4]["error"]["title"] == "SIREN invalide"
    assert response.json["counted"] == 1  # one distinct SIREN served; unknown and invalid ones cost nothing
    assert reports.get("/usage", headers=headers).json["summaries"] == 1


def test_a_batch_that_does_not_fit_the_quota_is_refused_whole(
    reports: FlaskClient, resources: Resources, listed: None
) -> None:
    subscriber, key = add_subscriber(resources, plan="decouverte")
    resources.store.subscribers.count_summaries(subscriber.id, "2026-03", 50, 50)
    response = reports.post(
        "/solvency/batch", json={"sirens": [DEBTOR_SIREN, UNKNOWN_SIREN]}, headers={"X-API-Key": key}
    )
    assert response.status_code == 429
    assert response.json["requested"] == 1
    assert resources.store.subscribers.get_usage(subscriber.id, "2026-03")["summaries"] == 50
    unknown_only = reports.post("/solvency/batch", json={"sirens": [UNKNOWN_SIREN]}, headers={"X-API-Key": key})
    assert unknown_only.status_code == 200 and unknown_only.json["counted"] == 0


def test_a_batch_holds_at_most_100_sirens(reports: FlaskClient, resources: Resources) -> None:
    response = reports.post("/solvency/batch", json={"sirens": [DEBTOR_SIREN] * 101}, headers=key_header(resources))
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "sirens"


def test_a_company_whose_only_report_is_in_its_grace_period_is_unknown(
    reports: FlaskClient, resources: Resources
) -> None:
    headers = key_header(resources)
    pending = file_published(
        resources, id="r1", status=ReportStatus.NOTIFIED, published_on=None, debtor_name="Nom saisi par le créancier"
    )
    refresh_marked(resources)
    answer = reports.get(f"/solvency/{DEBTOR_SIREN}", headers=headers)
    never_heard_of = reports.get(f"/solvency/{UNKNOWN_SIREN}", headers=headers)
    assert answer.status_code == 404
    assert answer.json == {**never_heard_of.json, "instance": answer.json["instance"]}
    batch = reports.post("/solvency/batch", json={"sirens": [DEBTOR_SIREN]}, headers=headers).json
    assert batch["results"][0]["error"]["type"] == "https://ardoise.fr/problemes/introuvable"
    listed = replace(pending, status=ReportStatus.PUBLISHED, published_at=datetime(2026, 3, 2, 8, tzinfo=UTC))
    resources.store.reports.save(pending, listed, actor="system:test", action="report.published")
    refresh_marked(resources)
    shown = reports.get(f"/solvency/{DEBTOR_SIREN}", headers=headers)
    assert shown.status_code == 200
    assert shown.json["company"]["name"] == "Nom saisi par le créancier"


def test_a_report_in_its_grace_period_leaves_no_trace_on_a_listed_company(
    reports: FlaskClient, resources: Resources, clock: FixedClock, listed: None
) -> None:
    headers = key_header(resources)
    before = reports.get(f"/solvency/{DEBTOR_SIREN}", headers=headers).json
    clock.advance(hours=2)
    file_published(resources, id="r4", number="F-4", status=ReportStatus.NOTIFIED, published_on=None)
    resources.store.experiences.share_experiences(CREDITOR_SIRENS[1], three_creditors(90, 90)[:1], "member:test")
    refresh_marked(resources)
    after = reports.get(f"/solvency/{DEBTOR_SIREN}", headers=headers).json
    assert after == before  # computed_at included: not even the moment of the filing shows


def test_a_company_whose_listed_report_was_withdrawn_becomes_unknown_again(
    reports: FlaskClient, resources: Resources
) -> None:
    headers = key_header(resources)
    record_company(resources)
    report = file_published(resources, id="r1")
    refresh_marked(resources)
    assert reports.get(f"/solvency/{DEBTOR_SIREN}", headers=headers).status_code == 200
    resources.store.reports.save(
        report, replace(report, status=ReportStatus.WITHDRAWN), actor="moderator:test", action="report.withdrawn"
    )
    refresh_marked(resources)
    assert reports.get(f"/solvency/{DEBTOR_SIREN}", headers=headers).status_code == 404
    assert resources.store.summaries.get_item(DEBTOR_SIREN) is None


def test_a_missing_key_is_a_401_whatever_the_body_holds(reports: FlaskClient) -> None:
    response = reports.post("/solvency/batch", json={"sirens": []})
    assert response.status_code == 401
    assert response.json["type"] == "https://ardoise.fr/problemes/non-authentifie"


def test_every_call_but_single_summaries_counts_as_a_call(reports: FlaskClient, resources: Resources) -> None:
    headers = key_header(resources)
    calls = [
        ("put", f"/watchlist/{DEBTOR_SIREN}", None),
        ("get", "/watchlist", None),
        ("delete", f"/watchlist/{DEBTOR_SIREN}", None),
        ("put", "/webhook", {"url": "http://127.0.0.1:8080/ardoise"}),
        ("delete", "/webhook", None),
        ("get", "/deliveries", None),
        ("post", "/solvency/batch", {"sirens": [UNKNOWN_SIREN]}),
        ("get", f"/solvency/{UNKNOWN_SIREN}", None),
    ]
    for method, path, body in calls:
        assert getattr(reports, method)(path, json=body, headers=headers).status_code < 500
    usage = reports.get("/usage", headers=headers).json
    # Seven calls, the unknown single GET (a call, not a summary: none was served) and /usage itself.
    assert (usage["calls"], usage["summaries"]) == (9, 0)
