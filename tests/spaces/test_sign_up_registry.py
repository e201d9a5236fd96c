"""Sign-up: « Vérifier le SIREN » shows what the registry says of it before anything is sent (no JavaScript)."""

from __future__ import annotations

from dataclasses import replace

from flask.testing import FlaskClient

from functions.core.domain.registry import HeadOffice
from functions.core.resources import Resources
from tests.registry.test_domain import identity
from tests.spaces.helpers import submit, text

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
