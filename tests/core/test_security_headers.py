"""Security headers on every answer of the three apps and of the static site, errors and 404s included.

Every response: a Content-Security-Policy that runs no inline script (a page
runs only its nonce'd script) and forbids framing, ``X-Frame-Options: DENY``,
``nosniff``, ``Referrer-Policy``; every private answer ``Cache-Control: no-store``.
The site's headers in production come from CloudFront's response headers policy
shipped in ``deploy/``: it must say what ``ardoise serve`` sends.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import Client

from functions.core import headers
from functions.core.mailer import OutboxMailer
from functions.core.usecases.propagation import refresh_marked
from functions.core.usecases.reports.subscribers import create_subscriber
from functions.local.static import StaticSite
from tests.charter.factories import SIREN as SIGNATORY_SIREN
from tests.charter.factories import sign
from tests.directory.conftest import moderator_headers, register, reply_token
from tests.directory.factories import DEBTOR_SIREN, filing_payload
from tests.directory.proof import file_report
from tests.reports.factories import file_published, record_company

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def assert_secure(response: Any, what: str, *, private: bool) -> None:
    sent = response.headers
    assert sent.get("X-Content-Type-Options") == "nosniff", what
    assert sent.get("X-Frame-Options") == "DENY", what
    assert sent.get("Referrer-Policy") == "no-referrer", what
    policy = sent.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy, what
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, what
    if "script-src" in policy:
        assert policy.split("script-src ")[1].split(";")[0].startswith("'nonce-"), what
    if private:
        assert "no-store" in sent.get("Cache-Control", ""), what


def test_every_answer_of_the_directory_carries_the_security_headers(
    directory: FlaskClient, mailer: OutboxMailer
) -> None:
    member = {"Authorization": register(directory, mailer)}
    moderator = moderator_headers(directory)
    filed = file_report(directory, member, filing_payload())
    token = reply_token(mailer)
    started = directory.post(
        f"/replies/{token}/evidence", json={"filename": "a.pdf", "content_type": "application/pdf", "size": 9}
    )
    upload = started.json["url"].split("/api/directory", 1)[1]
    evidence_id = started.json["evidence_id"]
    private = {
        "report (JSON)": filed,
        "GET /reports/{id}": directory.get(f"/reports/{filed.json['id']}", headers=member),
        "reply link (JSON)": directory.get(f"/replies/{token}"),
        "reply link (HTML page)": directory.get(f"/replies/{token}", headers=HTML),
        "evidence declared": started,
        "evidence received (204)": directory.put(upload, data=b"%PDF-1.7\n", content_type="application/pdf"),
        "evidence refused (422)": directory.put(upload, data=b"<html>", content_type="application/pdf"),
        "unknown reply link (404)": directory.get("/replies/ard_rep_unknown"),
        "GET /moderation": directory.get("/moderation", headers=moderator),
        "GET /members/pending": directory.get("/members/pending", headers=moderator),
        "evidence download": directory.get(f"/reports/{filed.json['id']}/evidence/{evidence_id}", headers=moderator),
        "no token (401)": directory.get(f"/reports/{filed.json['id']}"),
        "wrong role (403)": directory.get("/moderation", headers=member),
        "member registered": directory.post(
            "/members",
            json={"siren": "542065479", "company_name": "Dupont SA", "contact_name": "A B", "email": "a@dupont.fr"},
        ),
        "bad JSON (400)": directory.post("/members", data="{", content_type="application/json"),
    }
    public = {
        "health": directory.get("/health"),
        "openapi": directory.get("/openapi.json"),
        "company (404)": directory.get(f"/companies/{DEBTOR_SIREN}"),
        "search": directory.get("/companies?q=dupont"),
        "invalid SIREN (400)": directory.get("/companies/123"),
        "unknown path (404)": directory.get("/nulle-part"),
        "wrong method (405)": directory.delete("/companies"),
    }
    assert started.status_code == 201 and private["evidence received (204)"].status_code == 204
    assert private["reply link (HTML page)"].mimetype == "text/html"
    assert private["evidence download"].status_code == 200
    for what, response in private.items():
        assert_secure(response, what, private=True)
    for what, response in public.items():
        assert_secure(response, what, private=False)


def test_every_answer_of_the_charter_carries_the_security_headers(charter: FlaskClient, mailer: OutboxMailer) -> None:
    sign(charter, mailer)
    badge = charter.get(f"/signatures/{SIGNATORY_SIREN}/badge.svg")
    assert badge.mimetype == "image/svg+xml"
    assert badge.headers["Cache-Control"] == "public, max-age=300"  # public: the view's own caching is kept
    answers = {
        "badge (SVG)": badge,
        "charter": charter.get("/charter"),
        "register": charter.get("/signatures"),
        "signature": charter.get(f"/signatures/{SIGNATORY_SIREN}"),
        "unknown signature (404)": charter.get("/signatures/542065479"),
        "invalid body (422)": charter.post("/signatures", json={}),
        "unknown link (404)": charter.post("/signatures/verify", json={"token": "x" * 43}),
        "unknown path (404)": charter.get("/nulle-part"),
    }
    for what, response in answers.items():
        assert_secure(response, what, private=False)
    for what in ("invalid body (422)", "unknown link (404)"):
        assert "no-store" in answers[what].headers["Cache-Control"], what  # answers to a POST are never kept


def test_every_answer_to_a_subscriber_carries_the_security_headers_and_is_never_stored(
    reports: FlaskClient, resources: Any
) -> None:
    record_company(resources)
    file_published(resources, id="r1", number="F-1", amount_cents=1_000_00)
    refresh_marked(resources)
    _, key = create_subscriber(resources, name="Cabinet", email="c@cabinet.fr", plan="decouverte", actor="t")
    subscriber = {"X-API-Key": key}
    answers = {
        "summary (JSON)": reports.get(f"/solvency/{DEBTOR_SIREN}", headers=subscriber),
        "summary (HTML)": reports.get(f"/solvency/{DEBTOR_SIREN}?format=html", headers=subscriber),
        "summary (PDF)": reports.get(f"/solvency/{DEBTOR_SIREN}?format=pdf", headers=subscriber),
        "unknown company (404)": reports.get("/solvency/542065479", headers=subscriber),
        "batch": reports.post("/solvency/batch", json={"sirens": [DEBTOR_SIREN]}, headers=subscriber),
        "usage": reports.get("/usage", headers=subscriber),
        "watchlist": reports.get("/watchlist", headers=subscriber),
        "watch": reports.put(f"/watchlist/{DEBTOR_SIREN}", headers=subscriber),
        "webhook secret": reports.put("/webhook", json={"url": "http://127.0.0.1:9/"}, headers=subscriber),
        "deliveries": reports.get("/deliveries", headers=subscriber),
        "no key (401)": reports.get(f"/solvency/{DEBTOR_SIREN}"),
        "not acceptable (406)": reports.get(f"/solvency/{DEBTOR_SIREN}", headers={**subscriber, "Accept": "x/y"}),
    }
    assert answers["summary (HTML)"].mimetype == "text/html" and answers["summary (PDF)"].mimetype == "application/pdf"
    for what, response in answers.items():
        assert_secure(response, what, private=True)
    assert_secure(reports.get("/openapi.json"), "openapi", private=False)


def test_an_unexpected_error_is_answered_with_the_security_headers(
    directory: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from functions.core.usecases.directory import listing

    def broken(*_args: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(listing, "company_page", broken)
    response = directory.get(f"/companies/{DEBTOR_SIREN}")
    assert response.status_code == 500
    assert_secure(response, "500", private=True)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "charte").mkdir()
    (tmp_path / "index.html").write_text('<html lang="fr"><h1>Ardoise</h1></html>')
    (tmp_path / "charte" / "index.html").write_text("<h1>Charte</h1>")
    (tmp_path / "ardoise.0123abcd.css").write_text("body{}")
    (tmp_path / "404.html").write_text("<h1>Page introuvable</h1>")
    return tmp_path


def site_answers(root: Path) -> dict[str, Any]:
    client = Client(StaticSite(root))
    return {
        "page": client.get("/"),
        "asset": client.get("/ardoise.0123abcd.css"),
        "HEAD": client.head("/charte/"),
        "redirect (301)": client.get("/charte"),
        "missing page (404)": client.get("/nulle-part/"),
        "malformed path (400)": client.get("/%00"),
        "write (405)": client.post("/"),
    }


def test_every_answer_of_the_static_site_carries_the_site_s_headers(site: Path) -> None:
    answers = site_answers(site)
    (site / "404.html").unlink()
    answers["missing page without a 404 page"] = Client(StaticSite(site)).get("/nulle-part/")
    for what, response in answers.items():
        for name, value in headers.SITE_HEADERS.items():
            assert response.headers.get(name) == value, (what, name)
    policy = headers.SITE_CSP
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy


def test_the_cloudfront_policy_shipped_in_deploy_is_the_one_the_code_writes() -> None:
    shipped = headers.POLICY_FILE.read_text()
    assert shipped == headers.policy_document(), "run: python -m functions.core.headers"


def test_cloudfront_adds_exactly_the_security_headers_ardoise_serve_sends(site: Path) -> None:
    added = headers.headers_of_cloudfront_policy(json.loads(headers.POLICY_FILE.read_text()))
    # What S3 itself answers (the publisher sets type and caching per object) is not the policy's business.
    from_the_object = {"Content-Type", "Content-Length", "Cache-Control", "Location", "Allow"}
    for what, response in site_answers(site).items():
        served = {name: value for name, value in response.headers.items() if name not in from_the_object}
        assert served == added, what
