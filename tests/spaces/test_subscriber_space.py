"""The subscriber's space: sign in by link, this month's usage against the quota, the watchlist; its own only."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader
from werkzeug.test import TestResponse

from functions.core.domain.subscribers import Subscriber
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.usecases.propagation import refresh_marked
from functions.core.usecases.reports import subscribers
from functions.core.usecases.reports.subscribers import create_subscriber, revoke_subscriber
from functions.reports import space
from tests.reports.factories import file_published, record_company
from tests.spaces.helpers import SIGN_IN_LINK, csrf_of, last_mail_to, submit, text

EMAIL = "credit@cabinet-leroy.fr"


def leroy(resources: Resources) -> Subscriber:
    """Cabinet Leroy Crédit, a subscriber on the pro plan (1,000 summaries a month)."""
    subscriber, _ = create_subscriber(
        resources, name="Cabinet Leroy Crédit", email=EMAIL, plan="pro", actor="operator:test"
    )
    return subscriber


def _signed_in(reports: FlaskClient, mailer: OutboxMailer, email: str = EMAIL) -> FlaskClient:
    browser = reports.application.test_client()
    assert submit(browser, "/abonne/", "/abonne/connexion", email=email).status_code == 200
    token = SIGN_IN_LINK.findall(last_mail_to(mailer, email))[0]
    opened = submit(browser, f"/abonne/connexion/{token}", "/abonne/connexion/ouvrir", jeton=token)
    assert opened.status_code == 303 and opened.headers["Location"] == "/abonne/"
    return browser


def test_a_subscriber_sees_its_usage_and_manages_its_watchlist(
    reports: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    subscriber, _ = create_subscriber(
        resources, name="Cabinet Leroy Crédit", email=EMAIL, plan="pro", actor="operator:test"
    )
    browser = _signed_in(reports, mailer)
    home = text(browser.get("/abonne/"))
    assert "Cabinet Leroy Crédit" in home and "0 sur 1 000" in home
    added = submit(browser, "/abonne/", "/abonne/surveillance", siren="552 100 554 00013")  # a SIRET gives its SIREN
    assert added.status_code == 303
    assert "552100554" in text(browser.get("/abonne/"))
    assert resources.store.watchlist.list_watched(subscriber.id)[0][0]["siren"] == "552100554"
    removed = submit(browser, "/abonne/", "/abonne/surveillance/552100554/retrait")
    assert removed.status_code == 303
    assert resources.store.watchlist.list_watched(subscriber.id)[0] == []


def test_a_wrong_siren_is_shown_beside_its_field(
    reports: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    leroy(resources)
    browser = _signed_in(reports, mailer)
    refused = submit(browser, "/abonne/", "/abonne/surveillance", siren="552100555")
    assert refused.status_code == 400 and 'id="erreur-siren"' in refused.get_data(as_text=True)


def test_a_subscriber_only_touches_its_own_watchlist(
    reports: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    other, _ = create_subscriber(resources, name="Autre", email="autre@exemple.fr", plan="pro", actor="operator:test")
    resources.store.watchlist.watch(other.id, "552100554", "operator:test")
    leroy(resources)
    browser = _signed_in(reports, mailer)
    assert "552100554" not in text(browser.get("/abonne/"))
    assert submit(browser, "/abonne/", "/abonne/surveillance/552100554/retrait").status_code == 404
    assert resources.store.watchlist.list_watched(other.id)[0][0]["siren"] == "552100554"


def test_revoking_a_subscriber_ends_its_session_at_once(
    reports: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    subscriber, _ = create_subscriber(
        resources, name="Cabinet Leroy Crédit", email=EMAIL, plan="pro", actor="operator:test"
    )
    browser = _signed_in(reports, mailer)
    revoke_subscriber(resources, subscriber.id, actor="operator:test")
    assert "Recevoir un lien de connexion" in text(browser.get("/abonne/"))


def _listed(resources: Resources) -> None:
    """Société Générale d'Équipement with three published reports: a summary to open."""
    record_company(resources)
    for n, due in enumerate((date(2026, 1, 5), date(2025, 12, 1), date(2026, 1, 30)), start=1):
        file_published(resources, id=f"r{n}", number=f"F-{n}", due_date=due, amount_cents=1_000_00)
    refresh_marked(resources)


def test_the_search_box_says_the_cost_before_counting_and_opens_the_summary_and_its_pdf(
    reports: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    _listed(resources)
    subscriber = leroy(resources)
    browser = _signed_in(reports, mailer)
    asked = browser.get("/abonne/synthese", query_string={"recherche": "552 100 554 00013"})
    assert asked.status_code == 200
    assert "compte 1 synthèse sur votre quota" in text(asked) and "il vous en reste 1 000 sur 1 000" in text(asked)
    assert subscribers.usage(resources, subscriber)["summaries"] == 0  # asking counts nothing
    opened = submit(browser, "/abonne/synthese?recherche=552100554", "/abonne/synthese/552100554", format="html")
    assert opened.status_code == 200 and opened.mimetype == "text/html"
    assert "Société Générale d&#39;Équipement" in opened.get_data(as_text=True)
    # The summary's own "private, no-store" is kept by the space (it already forbids storing).
    assert "no-store" in opened.headers["Cache-Control"].split(", ")
    assert "nonce-" in opened.headers["Content-Security-Policy"]
    pdf = submit(browser, "/abonne/synthese?recherche=552100554", "/abonne/synthese/552100554", format="pdf")
    assert pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"] == 'inline; filename="synthese-552100554.pdf"'
    assert "552100554" in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert subscribers.usage(resources, subscriber)["summaries"] == 2  # each opening counts one, as on the API


def test_a_wrong_siren_in_the_search_box_is_shown_beside_it_and_counts_nothing(
    reports: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    subscriber = leroy(resources)
    browser = _signed_in(reports, mailer)
    refused = browser.get("/abonne/synthese", query_string={"recherche": "552100555"})
    assert refused.status_code == 400 and 'id="erreur-recherche"' in refused.get_data(as_text=True)
    assert subscribers.usage(resources, subscriber)["summaries"] == 0


def test_an_unknown_company_is_said_in_french_and_uses_no_quota(
    reports: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    subscriber = leroy(resources)
    browser = _signed_in(reports, mailer)
    answer = submit(browser, "/abonne/synthese?recherche=732829320", "/abonne/synthese/732829320", format="html")
    assert answer.status_code == 404 and "Aucune donnée sur cette entreprise" in text(answer)
    assert subscribers.usage(resources, subscriber)["summaries"] == 0


def test_over_the_quota_the_summary_is_refused_in_french(
    reports: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    _listed(resources)
    subscriber = leroy(resources)
    browser = _signed_in(reports, mailer)
    page = submit(browser, "/abonne/", "/abonne/surveillance", siren="552100554")  # a form, for the CSRF cookie
    assert page.status_code == 303
    form = text(browser.get("/abonne/synthese", query_string={"recherche": "552100554"}))
    assert "Ouvrir la synthèse" in form
    token = csrf_of(browser, "/abonne/synthese?recherche=552100554")
    month = subscribers.usage(resources, subscriber)["month"]
    resources.store.subscribers.count_summaries(subscriber.id, month, 1_000, 1_000)  # the quota spent meanwhile
    refused = browser.post("/abonne/synthese/552100554", data={"csrf": token, "format": "pdf"})
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "Synthèse refusée : Quota mensuel atteint" in text(refused)
    assert "Votre quota du mois est atteint" in text(browser.get("/abonne/synthese?recherche=552100554"))


def test_the_summary_form_refuses_a_missing_csrf_token(
    reports: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    _listed(resources)
    subscriber = leroy(resources)
    browser = _signed_in(reports, mailer)
    assert browser.post("/abonne/synthese/552100554", data={"format": "html"}).status_code == 403
    assert subscribers.usage(resources, subscriber)["summaries"] == 0


def test_the_export_is_the_whole_watchlist_as_csv_and_the_subscribers_own(
    reports: FlaskClient, mailer: OutboxMailer, resources: Resources, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(space, "EXPORT_PAGE", 2)  # three companies: two pages of the use case
    other, _ = create_subscriber(resources, name="Autre", email="autre@exemple.fr", plan="pro", actor="operator:test")
    resources.store.watchlist.watch(other.id, "383474814", "operator:test")
    subscriber = leroy(resources)
    for siren in ("552100554", "732829320", "542051180"):
        resources.store.watchlist.watch(subscriber.id, siren, "operator:test")
    browser = _signed_in(reports, mailer)
    exported = browser.get("/abonne/surveillance.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    assert exported.headers["Content-Disposition"] == 'attachment; filename="ardoise-surveillance.csv"'
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).removeprefix("\ufeff"))))
    assert rows[0] == ["siren", "surveillee_depuis"]
    assert sorted(row[0] for row in rows[1:]) == ["542051180", "552100554", "732829320"]  # not the other's


@pytest.mark.parametrize("cell", ["=1+1", "+33", "-2", "@SOMME(A1)", "\tx"])
def test_an_exported_cell_that_starts_like_a_formula_is_text(cell: str) -> None:
    assert space.csv_cell(cell) == "'" + cell
    assert space.csv_cell("552100554") == "552100554"


def _upload(browser: FlaskClient, body: bytes, csrf: str | None = None) -> TestResponse:
    token = csrf_of(browser, "/abonne/surveillance/import") if csrf is None else csrf
    data = {"csrf": token, "fichier": (io.BytesIO(body), "portefeuille.csv")}
    return browser.post("/abonne/surveillance/import", data=data, content_type="multipart/form-data")


def test_a_portfolio_file_is_watched_and_its_wrong_lines_are_shown_with_their_numbers(
    reports: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    subscriber = leroy(resources)
    browser = _signed_in(reports, mailer)
    assert 'href="/abonne/surveillance/import"' in browser.get("/abonne/").get_data(as_text=True)
    answer = _upload(browser, "siren;nom\n552100554;Équipement\n552100555;<b>Faux</b>\n552 100 554\n".encode())
    assert answer.status_code == 200
    page = text(answer)
    assert "1 entreprise ajoutée sur 3 lignes reçues" in page
    assert "clé de contrôle est fausse" in page and "déjà présent ligne 2" in page
    assert "<td>3</td>" in answer.get_data(as_text=True) and "<td>4</td>" in answer.get_data(as_text=True)
    assert [w["siren"] for w in resources.store.watchlist.list_watched(subscriber.id)[0]] == ["552100554"]
    again = text(_upload(browser, b"siren\n552100554\n"))
    assert "0 entreprise ajoutée sur 1 ligne reçue" in again and "1 déjà surveillée" in again


def test_a_refused_portfolio_file_is_said_beside_the_field_and_applies_nothing(
    reports: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    subscriber = leroy(resources)
    browser = _signed_in(reports, mailer)
    refused = _upload(browser, b"nom,ville\nDupont,Paris\n")
    assert refused.status_code == 400
    assert 'id="erreur-fichier"' in refused.get_data(as_text=True) and "colonne siren" in text(refused)
    assert resources.store.watchlist.list_watched(subscriber.id)[0] == []


def test_the_portfolio_import_refuses_a_wrong_csrf_token_and_lands_in_the_subscribers_own_list(
    reports: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    other, _ = create_subscriber(resources, name="Autre", email="autre@exemple.fr", plan="pro", actor="operator:test")
    subscriber = leroy(resources)
    browser = _signed_in(reports, mailer)
    assert _upload(browser, b"siren\n552100554\n", csrf="faux").status_code == 403
    assert resources.store.watchlist.list_watched(subscriber.id)[0] == []
    assert _upload(browser, b"siren\n552100554\n").status_code == 200
    assert resources.store.watchlist.list_watched(other.id)[0] == []
