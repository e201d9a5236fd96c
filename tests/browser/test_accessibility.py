"""axe-core on every page type a person meets: no serious or critical violation, on a desktop and on a phone.

The site's pages (hand-written and generated, in their states with search results
and with an error shown), the debtor's private page (served by the directory
function) and the solvency summary's HTML (served by the reports function).
What axe cannot judge (RGAA criteria needing a person) is listed in the site's
accessibility statement (``site/accessibilite.md``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from functions.core.clock import FixedClock
from functions.core.config import Settings
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.store import open_store
from functions.core.usecases.propagation import refresh_marked
from tests.browser.checks import axe_violations, sideways_overflow
from tests.browser.conftest import PAGE_TYPES, Site, search, url_of
from tests.conftest import START
from tests.directory.conftest import register, reply_token
from tests.directory.factories import filing_payload
from tests.directory.proof import file_report
from tests.reports.factories import DEBTOR_SIREN, add_subscriber, file_published, record_company

WIDTHS = {"bureau": {"width": 1280, "height": 900}, "telephone": {"width": 375, "height": 800}}


@pytest.fixture(params=list(WIDTHS))
def screen(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    """A page on a desktop's screen, then on a phone's (``page.screen_name`` says which)."""
    context = browser.new_context(
        viewport=WIDTHS[request.param], is_mobile=request.param == "telephone", locale="fr-FR"
    )
    opened = context.new_page()
    opened.screen_name = request.param
    yield opened
    context.close()


def grave_findings(page: Any, name: str) -> list[str]:
    return axe_violations(page, record=f"{name}-{page.screen_name}")


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_no_page_of_the_site_has_a_serious_or_critical_accessibility_violation(
    screen: Any, site: Site, name: str
) -> None:
    screen.goto(url_of(site, PAGE_TYPES[name]))
    assert grave_findings(screen, name) == []


def test_search_results_have_no_serious_or_critical_accessibility_violation(screen: Any, site: Site) -> None:
    search(screen, site, "entreprise")
    assert screen.locator(".ardoise-resultats li").count() > 1
    assert grave_findings(screen, "resultats-de-recherche") == []


def test_the_signing_form_showing_an_error_has_no_serious_or_critical_accessibility_violation(
    screen: Any, site: Site
) -> None:
    error = {"field": "siren", "code": "siren_invalid", "message": "Ce SIREN n'est pas valide."}
    problem = {"type": "https://ardoise.fr/problemes/validation", "title": "Requête invalide", "status": 422,
               "errors": [error]}  # fmt: skip
    screen.route(
        "**/api/charter/signatures",
        lambda route: route.fulfill(status=422, content_type="application/problem+json", body=json.dumps(problem)),
    )
    screen.goto(site.url + "/charte/signer/")
    for label, value in (("SIREN de l'entreprise", "123 456 789"), ("Raison sociale", "Garage du Centre"),
                         ("Nom de la personne qui signe", "Claire Fontaine"), ("Sa fonction", "Gérante"),
                         ("Adresse électronique professionnelle", "claire@garage-du-centre.fr")):  # fmt: skip
        screen.get_by_label(label).fill(value)
    screen.get_by_label("J'ai lu la charte").check()
    screen.get_by_role("button", name="Recevoir le lien de confirmation").click()
    screen.get_by_text("siren : Ce SIREN n'est pas valide.").wait_for()
    assert grave_findings(screen, "signer-avec-erreur") == []


@pytest.fixture
def functions_pages(settings: Settings, tmp_path: Path) -> dict[str, str]:
    """The HTML of the debtor's page (directory) and of a solvency summary (reports), as their functions serve it."""
    from functions.directory.app import create_app as directory_app
    from functions.reports.app import create_app as reports_app

    clock = FixedClock(START)
    mailer = OutboxMailer(tmp_path / "outbox", "x")
    res = Resources(
        settings.replace(evidence_url=f"folder:{tmp_path}/evidence"),
        store=open_store(f"sqlite:///{tmp_path}/a11y.db", clock),
        mailer=mailer,
        clock=clock,
    )
    shared = {"settings": res.settings, "store": res.store, "mailer": mailer, "clock": clock}
    directory = directory_app(**shared).test_client()
    member = {"Authorization": register(directory, mailer)}
    assert file_report(directory, member, filing_payload()).status_code == 201
    reply = directory.get(f"/replies/{reply_token(mailer)}", headers={"Accept": "text/html"})
    record_company(res)
    file_published(res, id="rpt_a11y_1", number="F-1")
    refresh_marked(res)
    _, key = add_subscriber(res)
    solvency = (
        reports_app(**shared).test_client().get(f"/solvency/{DEBTOR_SIREN}?format=html", headers={"X-API-Key": key})
    )
    # The page where a letter's code is typed, showing what went wrong with the one typed.
    code = directory.post("/r", data={"code": "ZZZZZ-ZZZZZ"}, headers={"Accept": "text/html"})
    assert reply.status_code == 200 and solvency.status_code == 200 and code.status_code == 404
    return {
        "reponse-du-debiteur": reply.get_data(as_text=True),
        "synthese": solvency.get_data(as_text=True),
        "code-du-courrier": code.get_data(as_text=True),
    }


@pytest.mark.parametrize("name", ["reponse-du-debiteur", "synthese", "code-du-courrier"])
def test_the_debtor_s_page_and_the_solvency_summary_have_no_serious_or_critical_accessibility_violation(
    screen: Any, functions_pages: dict[str, str], name: str
) -> None:
    screen.set_content(functions_pages[name])
    assert grave_findings(screen, name) == []
    assert sideways_overflow(screen) == []
