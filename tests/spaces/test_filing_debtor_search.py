"""Filing: the debtor found by SIREN (the registry) or by name (the API's company search), without JavaScript."""

from __future__ import annotations

from flask.testing import FlaskClient

from functions.core.clock import FixedClock
from functions.core.domain.registry import HeadOffice
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.usecases.directory import progress
from tests.directory.conftest import register
from tests.directory.factories import filing_payload
from tests.directory.proof import file_report
from tests.registry.test_domain import identity
from tests.spaces.conftest import CREDITOR_SIREN, MEMBER_EMAIL
from tests.spaces.helpers import sign_in, submit, text

DEBTOR = "552100554"


def _search(browser: FlaskClient, **fields: str) -> tuple[int, str, str]:
    found = submit(browser, "/espace/signaler", "/espace/signaler/debiteur", **fields)
    return found.status_code, text(found), found.get_data(as_text=True)


def test_a_siren_typed_finds_the_registry_s_company_and_choosing_it_fills_step_one(
    browser: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    resources.store.registry.put_units([identity(head_office_nic="00012")])
    resources.store.registry.put_seats([HeadOffice(DEBTOR, "00012", "12", "RUE", "DE LA PAIX", "75002", "PARIS")])
    sign_in(browser, mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    status, page, _ = _search(browser, **{"debtor.search": "552 100 554", "invoice.number": "F-9"})
    assert status == 200 and "1 entreprise trouvée" in page and "ATELIERS REUNIS (SIREN 552100554)" in page
    status, page, html = _search(browser, **{"debtor.choice": DEBTOR, "invoice.number": "F-9"})
    assert status == 200 and "Débiteur choisi : ATELIERS REUNIS" in page
    assert 'value="552100554"' in html and 'value="ATELIERS REUNIS"' in html and 'value="F-9"' in html
    assert "12 RUE DE LA PAIX, 75002 PARIS</textarea>" in html
    assert resources.store.reports.list_for_creditor(CREDITOR_SIREN) == []


def test_a_name_is_searched_as_the_api_searches_companies(
    browser: FlaskClient, directory: FlaskClient, mailer: OutboxMailer, resources: Resources, clock: FixedClock
) -> None:
    file_report(directory, {"Authorization": register(directory, mailer, siren="404833048")}, filing_payload())
    clock.advance(days=16)
    assert progress.publish_due(resources) == 1  # listed: the public search finds it
    sign_in(browser, mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    api = directory.get("/companies", query_string={"q": "societe gen"}).json["items"]
    status, page, _ = _search(browser, **{"debtor.search": "societe gen"})
    assert status == 200 and api
    for hit in api:
        assert f"(SIREN {hit['siren']})" in page
    status, page, _ = _search(browser, **{"debtor.search": "Zzyzx introuvable"})
    assert status == 200 and "Aucune entreprise trouvée" in page


def test_a_search_too_short_is_said_beside_its_box(
    browser: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    sign_in(browser, mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    status, page, html = _search(browser, **{"debtor.search": "a"})
    assert status == 400 and "au moins deux lettres" in page and 'id="erreur-debtor.search"' in html


def test_the_search_is_for_signed_in_members_only(directory: FlaskClient) -> None:
    anonymous = directory.application.test_client()
    assert submit(anonymous, "/espace/", "/espace/signaler/debiteur", **{"debtor.search": "SGE"}).status_code == 303
