"""Sign-up: « Vérifier le SIREN » shows what the registry says of it before anything is sent (no JavaScript)."""

from __future__ import annotations

import re
from dataclasses import replace

from flask.testing import FlaskClient

from functions.core.domain.registry import HeadOffice
from functions.core.resources import Resources
from tests.registry.test_domain import identity
from tests.spaces.helpers import CSRF, FORM_TOKEN, submit, text

SIREN = "552100554"


def test_checking_a_known_siren_shows_its_registry_identity_and_fills_the_name(
    browser: FlaskClient, resources: Resources
) -> None:
    resources.store.registry.put_units([identity(head_office_nic="00012")])
    office = HeadOffice(SIREN, "00012", street_number="12", street_type="RUE", street="DE LA PAIX", postal_code="75002")
    resources.store.registry.put_seats([replace(office, city="PARIS")])
    shown = submit(browser, "/espace/inscription", "/espace/inscription/verifier", siren="552 100 554", email="a@b.fr")
    page = text(shown)
    assert shown.status_code == 200 and "Au répertoire SIRENE : ATELIERS REUNIS" in page and "PARIS" in page
    body = shown.get_data(as_text=True)
    assert 'value="ATELIERS REUNIS"' in body and 'value="a@b.fr"' in body  # the form again, filled
    assert resources.store.members.list_members(SIREN) == []  # nothing registered


def test_a_sole_trader_s_name_is_never_shown_at_sign_up(browser: FlaskClient, resources: Resources) -> None:
    resources.store.registry.put_units([identity(name="JEAN DUPONT", legal_category="1000")])
    shown = text(submit(browser, "/espace/inscription", "/espace/inscription/verifier", siren=SIREN))
    assert "DUPONT" not in shown and "Au répertoire SIRENE" in shown


def test_an_unknown_siren_is_said_so_and_a_wrong_one_beside_its_field(
    browser: FlaskClient, resources: Resources
) -> None:
    unknown = submit(browser, "/espace/inscription", "/espace/inscription/verifier", siren=SIREN)
    assert unknown.status_code == 200 and "inconnu du répertoire" in text(unknown)
    wrong = submit(browser, "/espace/inscription", "/espace/inscription/verifier", siren="123456789")
    assert wrong.status_code == 400 and 'id="erreur-siren"' in wrong.get_data(as_text=True)


def test_a_ceased_company_is_said_ceased(browser: FlaskClient, resources: Resources) -> None:
    resources.store.registry.put_units([replace(identity(), active=False)])
    shown = text(submit(browser, "/espace/inscription", "/espace/inscription/verifier", siren=SIREN))
    assert "a cessé son activité" in shown


def test_the_sign_up_page_loads_the_spaces_script_from_the_site_and_nothing_inline(browser: FlaskClient) -> None:
    for shown in (
        browser.get("/espace/inscription"),
        submit(browser, "/espace/inscription", "/espace/inscription/verifier", siren=SIREN),
        submit(browser, "/espace/inscription", "/espace/inscription/verifier", siren="123456789"),
    ):
        policy = dict(part.strip().split(" ", 1) for part in shown.headers["Content-Security-Policy"].split(";"))
        assert policy["script-src"] == "'self'" and policy["connect-src"] == "'self'"
        assert policy["default-src"] == "'none'" and "unsafe" not in shown.headers["Content-Security-Policy"]
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", shown.get_data(as_text=True), re.S)
        assert scripts == [(' src="/assets/ardoise/espaces.js" defer', "")]  # the file only, no inline code
        assert 'id="identite-repertoire"' in shown.get_data(as_text=True)  # the live region the script fills
    # The other pages run no script at all.
    home = browser.get("/espace/")
    assert "script-src" not in home.headers["Content-Security-Policy"] and "<script" not in home.get_data(as_text=True)


def test_the_background_check_without_the_forms_one_time_token_leaves_it_for_the_sign_up(
    browser: FlaskClient, resources: Resources
) -> None:
    """What the script sends (the form less its one-time token) shows the card; « M'inscrire » then goes through."""
    resources.store.registry.put_units([identity()])
    page = browser.get("/espace/inscription").get_data(as_text=True)
    csrf = CSRF.search(page).group(1)  # type: ignore[union-attr]
    once = FORM_TOKEN.search(page).group(1)  # type: ignore[union-attr]
    checked = browser.post("/espace/inscription/verifier", data={"csrf": csrf, "siren": SIREN})
    assert checked.status_code == 200 and "Au répertoire SIRENE : ATELIERS REUNIS" in text(checked)
    fields = {"siren": SIREN, "company_name": "Ateliers Réunis", "contact_name": "Claire", "email": "c@ateliers.fr"}
    signed_up = browser.post("/espace/inscription", data={"csrf": csrf, "idempotence": once, **fields})
    assert signed_up.status_code == 200 and "Inscription enregistrée" in text(signed_up)
    assert len(resources.store.members.list_members(SIREN)) == 1
