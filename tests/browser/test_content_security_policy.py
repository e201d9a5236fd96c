"""No page breaks its own Content-Security-Policy in Chromium: the site as served, and the pages the apps render.

Chromium reports each blocked script, style, image or connection as a
``securitypolicyviolation`` event and a console error; both are collected from
before the page's first script runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from functions.core.clock import FixedClock
from functions.core.config import Settings
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.store import open_store
from functions.core.usecases.propagation import refresh_marked
from functions.directory.app import create_app as directory_app
from functions.reports.app import create_app as reports_app
from tests.browser.conftest import PAGE_TYPES, Site, url_of
from tests.conftest import START
from tests.directory.conftest import register, reply_token
from tests.directory.factories import filing_payload
from tests.directory.proof import file_report
from tests.reports.factories import DEBTOR_SIREN, add_subscriber, file_published, record_company
from tests.servers import serving

WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'} in ${event.sourceFile}`);
});
"""


def watched(context: Any) -> tuple[Any, list[str]]:
    """Open a page that records CSP violations and console errors; return it and the console errors."""
    context.add_init_script(WATCH)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors


def violations(page: Any) -> list[str]:
    return list(page.evaluate("window.__violations"))


def test_the_site_s_policy_is_enforced_by_the_browser(browser: Any, site: Site) -> None:
    # The check below can fail: an inline script is refused and reported.
    page, errors = watched(browser.new_context())
    page.goto(site.url + "/")
    page.evaluate("""() => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.head.appendChild(script);
    }""")
    page.wait_for_function("window.__violations.length > 0")
    assert page.evaluate("window.inlineRan === undefined")
    assert any(violation.startswith("script-src") for violation in violations(page))
    assert any("Content Security Policy" in error for error in errors)


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_no_page_of_the_site_breaks_its_content_security_policy(browser: Any, site: Site, name: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    try:
        page, errors = watched(context)
        response = page.goto(url_of(site, PAGE_TYPES[name]))
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        if name == "accueil":  # the search loads its shards from the site
            page.get_by_label("Chercher une entreprise par son nom ou son SIREN").fill("lefevre")
            page.wait_for_selector(".ardoise-resultats li a")
        if name == "page-introuvable":  # the page itself answers 404, which Chromium logs as an error
            errors = [error for error in errors if "status of 404" not in error]
        assert violations(page) == [] and errors == []
    finally:
        context.close()


@pytest.fixture
def apps(settings: Settings, tmp_path: Path) -> Iterator[tuple[str, Resources]]:
    """The directory and reports apps under their mount points on a random port, with a real store."""
    clock = FixedClock(START)
    res = Resources(
        settings.replace(evidence_url=f"folder:{tmp_path}/evidence"),
        store=open_store(f"sqlite:///{tmp_path}/browser.db", clock),
        mailer=OutboxMailer(tmp_path / "outbox", "x"),
        clock=clock,
    )
    shared = {"settings": res.settings, "store": res.store, "mailer": res.mailer, "clock": clock}
    mounts = {"/api/directory": directory_app(**shared), "/api/reports": reports_app(**shared)}
    with serving(DispatcherMiddleware(lambda environ, start: [], mounts), threads=4) as port:
        yield f"http://127.0.0.1:{port}", res


def test_the_debtor_s_page_and_the_solvency_summary_run_under_their_nonce_without_violation(
    browser: Any, apps: tuple[str, Resources]
) -> None:
    base, res = apps
    client = directory_app(settings=res.settings, store=res.store, mailer=res.mailer, clock=res.clock).test_client()
    member = {"Authorization": register(client, res.mailer)}  # type: ignore[arg-type]
    assert file_report(client, member, filing_payload()).status_code == 201
    token = reply_token(res.mailer)  # type: ignore[arg-type]
    record_company(res)
    file_published(res, id="r1", number="F-1", due_date=date(2026, 1, 5), amount_cents=1_000_00)
    refresh_marked(res)
    _, key = add_subscriber(res)

    context = browser.new_context()
    try:
        page, errors = watched(context)
        reply = page.goto(f"{base}/api/directory/replies/{token}")
        assert "'nonce-" in reply.headers["content-security-policy"]
        assert page.locator("h1").inner_text().startswith("Facture n°")
        assert page.evaluate("getComputedStyle(document.body).maxWidth") == "736px"  # its nonce'd style applied
        page.select_option("#reason", "wrong_amount")
        page.fill("#dispute-text", "Un avoir de 300 EUR n'a pas été déduit de cette facture.")
        page.click("text=Envoyer ma contestation")  # its nonce'd script posts to the API
        page.wait_for_selector("text=C'est enregistré", timeout=10_000)
        assert violations(page) == [] and errors == []

        context.set_extra_http_headers({"X-API-Key": key})
        summary = page.goto(f"{base}/api/reports/solvency/{DEBTOR_SIREN}?format=html")
        assert summary.status == 200 and "'nonce-" in summary.headers["content-security-policy"]
        assert page.evaluate("getComputedStyle(document.querySelector('h1')).fontSize") == "25.6px"
        assert violations(page) == [] and errors == []
    finally:
        context.close()
