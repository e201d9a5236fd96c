"""What a person sees in Chromium: search, company pages, the charter, accessibility basics, a phone's width."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser.checks import sideways_overflow
from tests.browser.conftest import HOSTILE_NAME, HOSTILE_REPLY, PAGE_TYPES, Site, screenshot, search, url_of


def test_the_home_page_loads_in_french_without_any_console_error(page: Any, site: Site) -> None:
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(site.url + "/")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("html", "lang") == "fr"
    assert page.title() == "Ardoise"
    assert page.errors == [] and failed == []
    screenshot(page, "accueil-1280")


def test_a_search_by_siren_finds_the_company_and_opens_its_page(page: Any, site: Site) -> None:
    search(page, site, "552 100")
    result = page.locator(".ardoise-resultats li a", has_text="Boulangerie Lefèvre et Fils")
    screenshot(page, "recherche-siren")
    result.click()
    page.wait_for_url("**/entreprises/552100554-boulangerie-lefevre-et-fils/")
    assert page.locator("h1").inner_text() == "Boulangerie Lefèvre et Fils"
    assert page.errors == []


def test_a_search_by_part_of_a_name_ignores_case_and_accents_and_opens_the_page(page: Any, site: Site) -> None:
    search(page, site, "LEFEVRE")
    page.locator(".ardoise-resultats li a", has_text="Boulangerie Lefèvre et Fils").click()
    page.wait_for_url("**/entreprises/552100554-*/")
    search(page, site, "garage cent")
    page.get_by_role("link", name="Garage du Centre").click()
    page.wait_for_url("**/entreprises/732829320-garage-du-centre/")
    assert page.errors == []


@pytest.mark.parametrize("query", ["A&B", "a b", "a&b bât", "B BAT"])
def test_a_name_whose_first_word_is_one_letter_is_found_as_the_api_finds_it(page: Any, site: Site, query: str) -> None:
    search(page, site, query)
    assert page.locator(".ardoise-resultats li a").all_inner_texts() == ["A&B Bâtiment"]
    assert page.errors == []


def test_pressing_enter_on_a_single_result_opens_its_page(page: Any, site: Site) -> None:
    page.goto(site.url + "/")
    field = page.get_by_label("Chercher une entreprise par son nom ou son SIREN")
    field.fill("732829320")
    field.press("Enter")
    page.wait_for_url("**/entreprises/732829320-garage-du-centre/")


def test_the_company_page_shows_the_amounts_the_dates_and_the_debtor_s_reply(page: Any, site: Site) -> None:
    page.goto(site.url + site.listed.path)
    text = page.locator("article").inner_text()
    for expected in ("SIREN 552 100 554", "1 290,50 €", "980,50 €", "310,00 €", "11 février 2026",
                     "Un échéancier a été proposé au créancier le 3 mars.", "Signature suspendue"):  # fmt: skip
        assert expected in text.replace("\u202f", " ").replace("\u00a0", " "), expected
    screenshot(page, "fiche-entreprise-1280")


def test_the_browser_counts_the_days_overdue_as_of_its_own_today_and_without_javascript_the_date_stays(
    browser: Any, site: Site
) -> None:
    context = browser.new_context(locale="fr-FR")
    try:
        page = context.new_page()
        page.clock.set_fixed_time("2026-11-23T10:00:00")
        page.goto(site.url + site.listed.path)
        text = page.locator("article").inner_text().replace("\u202f", " ")
        assert "le 11 février 2026 (285 jours de retard aujourd'hui)" in text
        assert "2 mai 2026 (205 jours de retard aujourd'hui), impayée depuis" in text
        page.clock.set_fixed_time("2026-11-24T10:00:00")
        page.reload()
        assert "(286 jours de retard aujourd'hui)" in page.locator("article").inner_text()
    finally:
        context.close()
    plain = browser.new_context(java_script_enabled=False)
    try:
        page = plain.new_page()
        page.goto(site.url + site.listed.path)
        text = page.locator("article").inner_text()
        assert "impayé depuis l'échéance la plus ancienne, le 11 février 2026." in text and "jours" not in text
    finally:
        plain.close()


def test_markup_in_a_company_name_or_a_reply_shows_as_plain_text(page: Any, site: Site) -> None:
    page.goto(site.url + site.hostile.path)
    assert page.locator("h1").inner_text() == HOSTILE_NAME
    assert HOSTILE_REPLY in page.locator("article").inner_text()
    assert page.evaluate("window.pwned") is None
    search(page, site, "dupont")
    assert page.locator(".ardoise-resultats li a", has_text="<script>").count() == 1
    assert page.evaluate("window.pwned") is None and page.locator(".ardoise-resultats script").count() == 0


def test_the_charter_page_lists_its_signatories(page: Any, site: Site) -> None:
    page.goto(site.url + "/charte/")
    signatories = page.locator("#les-signataires ~ ul.ardoise-liste li")
    assert signatories.filter(has_text="Garage du Centre").count() == 1
    assert signatories.filter(has_text="Boulangerie Lefèvre et Fils").count() == 1
    assert page.get_by_role("heading", name="Nos engagements").count() == 1
    page.goto(site.url + "/charte/signataires/")
    page.get_by_role("navigation", name="Aller à une initiale").get_by_role("link", name="G", exact=True).click()
    page.wait_for_url("**/charte/signataires/page/g/")
    assert page.get_by_role("link", name="Garage du Centre").count() == 1
    screenshot(page, "charte-1280")


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_every_page_is_french_with_one_h1_and_labelled_inputs(page: Any, site: Site, name: str) -> None:
    page.goto(url_of(site, PAGE_TYPES[name]))
    assert page.get_attribute("html", "lang") == "fr"
    assert page.locator("h1").count() == 1
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('input, select, textarea')]
             .filter(e => e.getClientRects().length > 0)  // rendered: the theme's hidden CSS toggles are not
             .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
             .map(e => e.outerHTML)"""
    )
    assert unlabelled == []
    # The missing page's own 404 is the one error its console may show.
    assert [e for e in page.errors if not (name == "page-introuvable" and "404" in e)] == []


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_pages_fit_a_375_pixel_wide_phone(browser: Any, site: Site, name: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True, locale="fr-FR")
    try:
        phone = context.new_page()
        phone.goto(url_of(site, PAGE_TYPES[name]))
        assert sideways_overflow(phone) == []
        assert phone.locator("label.md-header__button[for=__drawer]").is_visible()  # the navigation drawer's button
        screenshot(phone, f"{name}-375")
    finally:
        context.close()


def test_the_directory_can_be_browsed_without_javascript(browser: Any, site: Site) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        plain = context.new_page()
        plain.goto(site.url + "/entreprises/")
        assert "233 entreprises avec des impayés publiés" in plain.locator("article").inner_text()
        plain.get_by_role("navigation", name="Aller à une initiale").get_by_role("link", name="E", exact=True).click()
        plain.wait_for_url("**/entreprises/page/e/")
        first = plain.locator("ul.ardoise-liste li").count()
        assert 30 <= first <= 150
        plain.get_by_role("link", name="Page suivante →").click()
        assert "Annuaire des entreprises — E, à partir de « Entreprise" in plain.locator("h1").inner_text()
        assert first + plain.locator("ul.ardoise-liste li").count() <= 230
        plain.locator("ul.ardoise-liste li a").first.click()
        assert plain.locator("h1").count() == 1 and "SIREN" in plain.locator("article").inner_text()
    finally:
        context.close()


def test_the_confirmation_link_sends_its_token_only_when_clicked_and_says_the_signature_is_recorded(
    page: Any, site: Site
) -> None:
    posted: list[Any] = []

    def answer(route: Any) -> None:
        posted.append(route.request.post_data_json)
        route.fulfill(status=200, content_type="application/json", body='{"outcome": "signed", "signature": {}}')

    page.route("**/api/charter/signatures/verify", answer)
    page.goto(site.url + "/charte/confirmer/#jeton=jeton-de-test-0123456789")
    assert posted == []
    page.get_by_role("button", name="Confirmer la signature").click()
    page.get_by_text("Votre signature est enregistrée").wait_for()
    assert posted == [{"token": "jeton-de-test-0123456789"}]
    assert page.errors == []


def test_the_signing_form_shows_the_api_s_french_problem_details(page: Any, site: Site) -> None:
    problem = {
        "type": "https://ardoise.fr/problemes/validation",
        "title": "Requête invalide",
        "status": 422,
        "detail": "Certains champs sont invalides.",
        "errors": [{"field": "siren", "code": "siren_invalid", "message": "Ce SIREN n'est pas valide."}],
    }
    page.route(
        "**/api/charter/signatures",
        lambda route: route.fulfill(status=422, content_type="application/problem+json", body=json.dumps(problem)),
    )
    page.goto(site.url + "/charte/signer/")
    page.get_by_label("SIREN de l'entreprise").fill("123 456 789")
    page.get_by_label("Raison sociale").fill("Garage du Centre")
    page.get_by_label("Nom de la personne qui signe").fill("Claire Fontaine")
    page.get_by_label("Sa fonction").fill("Gérante")
    page.get_by_label("Adresse électronique professionnelle").fill("claire@garage-du-centre.fr")
    page.get_by_label("J'ai lu la charte").check()
    page.get_by_role("button", name="Recevoir le lien de confirmation").click()
    page.get_by_text("siren : Ce SIREN n'est pas valide.").wait_for()
    assert "Requête invalide" in page.locator(".ardoise-message").inner_text()
    screenshot(page, "signer-1280")


def test_the_short_page_of_a_letter_takes_its_code_and_posts_it_to_the_directory(page: Any, site: Site) -> None:
    page.goto(site.url + "/r/")
    assert page.locator("h1").inner_text().startswith("Saisir le code de votre courrier")
    field = page.get_by_label("Code personnel")
    assert field.get_attribute("name") == "code" and field.get_attribute("required") is not None
    form = page.locator("form:has(input[name=code])")
    assert form.evaluate("f => [f.method, f.action]") == ["post", site.url + "/api/directory/r"]
    assert page.errors == []
