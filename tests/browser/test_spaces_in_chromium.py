"""The creditor's space in Chromium, as a person uses it: sign up, read the e-mail, confirm, sign in by link.

The built site is served beside the directory app (as ``ardoise serve`` does), so the pages
carry the site's stylesheet; axe-core runs on every page met, at a desktop's and a phone's
width; screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws
from playwright.sync_api import expect
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server

from functions.core.clock import FixedClock
from functions.core.config import Settings
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.store import Store, open_store
from functions.directory.app import create_app
from functions.local.server import WholePath
from functions.local.static import StaticSite
from functions.reports.app import create_app as reports_app
from tests.browser.checks import axe_violations, sideways_overflow
from tests.browser.conftest import Site, screenshot
from tests.conftest import START, make_backend
from tests.spaces.helpers import SIGN_IN_LINK, VERIFY_LINK, approve

SIREN, EMAIL = "732829320", "direction@garage-du-centre.fr"


@dataclass(frozen=True)
class Platform:
    url: str
    res: Resources
    mailer: OutboxMailer
    app: Any

    def last_mail(self) -> str:
        body: str = self.mailer.messages()[-1].get_body(("plain",)).get_content()
        return body


@pytest.fixture
def platform(request: pytest.FixtureRequest, site: Site, settings: Settings, tmp_path: Path) -> Iterator[Platform]:
    """The built site at / and the directory app behind /api/directory and /espace/, on a random port.

    On SQLite; a test parametrized with ``platform="dynamodb"`` (indirect) runs on DynamoDB under moto.
    """
    clock = FixedClock(START)
    if getattr(request, "param", "sqlite") == "dynamodb":
        with mock_aws():
            yield from _platform(site, settings, tmp_path, Store(make_backend("dynamodb", tmp_path), clock), clock)
    else:
        yield from _platform(site, settings, tmp_path, open_store(f"sqlite:///{tmp_path}/spaces.db", clock), clock)


# The main journeys run on both stores, as production (DynamoDB) and the local platform (SQLite) do.
ON_BOTH_STORES = pytest.mark.parametrize("platform", ["sqlite", "dynamodb"], indirect=True)


def _platform(site: Site, settings: Settings, tmp_path: Path, store: Store, clock: FixedClock) -> Iterator[Platform]:
    holder: dict[str, Any] = {}
    server = make_server("127.0.0.1", 0, lambda env, start: holder["wsgi"](env, start), threaded=True)  # noqa: PLW0108
    base = f"http://127.0.0.1:{server.server_port}"
    mailer = OutboxMailer(tmp_path / "outbox", "x")
    res = Resources(settings.replace(base_url=base), store=store, mailer=mailer, clock=clock)
    app = create_app(settings=res.settings, store=res.store, mailer=mailer, clock=clock)
    subscribers_app = reports_app(settings=res.settings, store=res.store, mailer=mailer, clock=clock)
    holder["wsgi"] = WholePath(
        DispatcherMiddleware(StaticSite(site.public), {"/api/directory": app}),
        {"/espace": app, "/moderation": app, "/abonne": subscribers_app},
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Platform(base, res, mailer, app)
    finally:
        server.shutdown()
        thread.join()


AXE_DONE = "ardoise-tests: axe has run"


def _checked(page: Any, name: str) -> None:
    """The page fits a phone, axe finds nothing grave, and a screenshot is kept.

    axe-core fetches the stylesheets a page ``@import``s from the page's own address, which the
    page's CSP refuses: what the console says while axe runs is axe's, not the page's.
    """
    seen = len(page.errors)
    assert axe_violations(page, record=f"espace-{name}") == [], name
    page.set_viewport_size({"width": 375, "height": 800})
    assert sideways_overflow(page) == [], name
    assert axe_violations(page) == [], name
    # Console messages reach the test asynchronously, some of axe's after its run returns: wait for a mark
    # logged after it (messages arrive in order), so that all of axe's are dropped, none left to come.
    with page.expect_console_message(lambda message: message.text == AXE_DONE):
        page.evaluate("(mark) => console.error(mark)", AXE_DONE)
    del page.errors[seen:]
    screenshot(page, f"espace-{name}-telephone")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, f"espace-{name}")


@ON_BOTH_STORES
def test_a_creditor_signs_up_confirms_and_signs_in_by_link(platform: Platform, page: Any) -> None:
    page.goto(platform.url + "/espace/")
    assert page.locator("link[rel=stylesheet]").count() == 1  # espaces.css, which imports the others
    # The site's look: Material's header is laid out by the site's stylesheet (its height set, not the default).
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    _checked(page, "connexion")

    page.get_by_role("link", name="Inscrire votre entreprise").click()
    page.get_by_label("SIREN de l'entreprise").fill("732 829 321")  # one digit off: the check digit fails
    # Said beside the field as soon as it is typed whole (the background check), before anything is sent.
    expect(page.locator("#erreur-siren")).to_contain_text("SIREN")
    assert page.get_by_label("SIREN de l'entreprise").get_attribute("aria-invalid") == "true"
    page.get_by_label("Raison sociale").fill("Garage du Centre")
    page.get_by_label("Votre nom").fill("Paul Garnier")
    page.get_by_label("Votre adresse e-mail professionnelle").fill(EMAIL)
    page.get_by_role("button", name="M'inscrire").click()
    siren_field = page.get_by_label("SIREN de l'entreprise")
    assert siren_field.get_attribute("aria-invalid") == "true"
    assert page.get_by_role("alert").is_visible()
    _checked(page, "inscription-erreurs")

    siren_field.fill("732 829 320")
    # Typed whole, the SIREN is checked in the background (the spaces' script): unknown to this registry.
    expect(page.locator("#identite-repertoire")).to_contain_text("inconnu du répertoire")
    page.get_by_role("button", name="M'inscrire").click()
    # Waits for the next page's own status (the sign-up page has one too: the registry card's live region).
    expect(page.get_by_role("status")).to_contain_text("Un e-mail vient d'être envoyé")

    verify = VERIFY_LINK.search(platform.last_mail())
    assert verify is not None
    page.goto(verify.group(0))
    page.get_by_role("button", name="Confirmer mon adresse").click()
    assert "ard_mbr_" in page.locator(".ardoise-jeton").inner_text()
    _checked(page, "adresse-confirmee")
    page.get_by_role("link", name="Aller à mon espace").click()
    assert "en attente de validation" in page.locator("article").inner_text()

    approve(platform.res, SIREN)

    page.get_by_role("button", name="Se déconnecter").click()
    assert "Vous êtes déconnecté." in page.get_by_role("status").inner_text()
    page.get_by_label("SIREN de votre entreprise").fill(SIREN)
    page.get_by_label("Adresse e-mail de votre inscription").fill(EMAIL)
    page.get_by_role("button", name="Recevoir le lien").click()
    link = SIGN_IN_LINK.search(platform.last_mail())
    assert link is not None
    page.goto(link.group(0))
    _checked(page, "ouvrir")
    page.get_by_role("button", name="Ouvrir mon espace").click()
    assert page.url == platform.url + "/espace/"  # the link's token has left the address bar
    assert "validée" in page.locator("article").inner_text()
    _checked(page, "accueil")
    # The only errors the console saw: the wrong SIREN checked as it was typed, then the form sent with it,
    # each answered 400 with its errors.
    assert page.errors == ["Failed to load resource: the server responded with a status of 400 (BAD REQUEST)"] * 2


@ON_BOTH_STORES
def test_a_creditor_files_a_report_sees_the_errors_then_records_a_payment(
    platform: Platform, page: Any, tmp_path: Path
) -> None:
    from functions.core.domain.sessions import PrincipalKind
    from functions.core.usecases.signin import issue_link, link_url
    from tests.directory.conftest import register
    from tests.directory.proof import PROOF
    from tests.spaces.conftest import CREDITOR_SIREN

    api = platform.app.test_client()
    register(api, platform.mailer)
    member = platform.res.store.members.list_members(CREDITOR_SIREN)[0]
    page.goto(link_url(platform.res, PrincipalKind.MEMBER, issue_link(platform.res, PrincipalKind.MEMBER, member.id)))
    page.get_by_role("button", name="Ouvrir mon espace").click()
    page.get_by_role("link", name="Signaler une facture").click()
    _checked(page, "signaler")

    page.get_by_label("SIREN du débiteur").fill("552 100 554")
    page.get_by_label("Raison sociale du débiteur").fill("Société Générale d'Entreprises")
    page.get_by_label("Adresse e-mail du débiteur").fill("comptabilite@sge.fr")
    page.get_by_label("Numéro de la facture").fill("F-2025-0412")
    page.get_by_label("Date de la facture").fill("2025-12-01")
    page.get_by_label("Date d'échéance").fill("2025-12-31")
    page.get_by_label("Montant de la facture en euros").fill("1 250,00")
    page.get_by_label("Reste dû en euros").fill("1 250,00")
    page.get_by_label("Date d'une relance après l'échéance").fill("2026-01-10")
    page.get_by_label("Date de la mise en demeure").fill("2026-02-27")  # too recent: the notice rule fails
    page.get_by_label("Envoyée par").select_option("registered_letter")
    files = {}
    for kind, (filename, content) in PROOF.items():
        files[kind] = tmp_path / filename
        files[kind].write_bytes(content)
    labels = {
        "invoice": "Facture",
        "formal_notice": "Mise en demeure",
        "notice_proof": "Preuve d'envoi de la mise en demeure",
    }

    def attach() -> None:
        for kind, path in files.items():
            page.get_by_label(labels[kind], exact=True).set_input_files(str(path))

    attach()
    page.get_by_role("button", name="Déposer le signalement").click()
    notice = page.get_by_label("Date de la mise en demeure")
    assert notice.get_attribute("aria-invalid") == "true"
    assert page.get_by_role("alert").is_visible()
    _checked(page, "signaler-erreurs")

    notice.fill("2026-01-30")
    attach()  # a browser never keeps the files of a form sent back
    page.get_by_role("button", name="Déposer le signalement").click()
    assert "Le signalement est déposé" in page.get_by_role("status").inner_text()
    _checked(page, "signalement")

    page.get_by_label("Date du paiement").fill("2026-03-01")
    page.get_by_label("Montant reçu en euros").fill("250")
    page.get_by_role("button", name="Enregistrer le paiement").click()
    assert "Le paiement est enregistré." in page.get_by_role("status").inner_text()
    assert "Paiement de 250,00" in page.locator("article").inner_text()
    page.get_by_role("link", name="Mes signalements").click()
    assert "F-2025-0412" in page.locator("table").inner_text()
    _checked(page, "mes-signalements")


def test_a_moderator_signs_in_sees_the_queues_and_approves_a_member(platform: Platform, page: Any) -> None:
    from functions.core.usecases.directory.members import create_moderator
    from tests.directory.conftest import register_pending

    api = platform.app.test_client()
    register_pending(api, platform.mailer, siren="404833048", name="Garage du Centre", email="garage@exemple.fr")
    create_moderator(platform.res, name="Inès Moreau", email="ines@ardoise.localhost", actor="operator:test")
    page.goto(platform.url + "/moderation/")
    _checked(page, "moderation-connexion")
    page.get_by_label("Adresse e-mail de votre inscription").fill("ines@ardoise.localhost")
    page.get_by_role("button", name="Recevoir le lien").click()
    link = SIGN_IN_LINK.search(platform.last_mail())
    assert link is not None
    page.goto(link.group(0))
    page.get_by_role("button", name="Ouvrir mon espace").click()
    assert page.url == platform.url + "/moderation/"
    assert "Membres à valider (1)" in page.locator("article").inner_text()
    _checked(page, "moderation-files")

    page.get_by_role("link", name="Garage du Centre (SIREN 404833048)").click()
    page.get_by_label("Refuser").check()
    page.get_by_role("button", name="Enregistrer la décision").click()
    assert (
        page.get_by_label("Note envoyée au membre (obligatoire pour un refus)").get_attribute("aria-invalid") == "true"
    )
    _checked(page, "moderation-membre-erreur")
    page.get_by_label("Valider : le membre pourra signaler des impayés").check()
    page.get_by_role("button", name="Enregistrer la décision").click()
    assert "Décision enregistrée" in page.get_by_role("status").inner_text()
    assert "Membres à valider (0)" in page.locator("article").inner_text()


def test_a_subscriber_signs_in_and_watches_a_company(platform: Platform, page: Any) -> None:
    from functions.core.usecases.reports.subscribers import create_subscriber

    create_subscriber(
        platform.res, name="Cabinet Leroy Crédit", email="credit@leroy.fr", plan="pro", actor="operator:t"
    )
    page.goto(platform.url + "/abonne/")
    page.get_by_label("Adresse e-mail de votre inscription").fill("credit@leroy.fr")
    page.get_by_role("button", name="Recevoir le lien").click()
    link = SIGN_IN_LINK.search(platform.last_mail())
    assert link is not None
    page.goto(link.group(0))
    page.get_by_role("button", name="Ouvrir mon espace").click()
    assert "sur 1 000" in page.locator("article").inner_text().replace("\u202f", " ")
    siren = page.get_by_label("SIREN de l'entreprise à surveiller")
    siren.fill("552 100 555")
    page.get_by_role("button", name="Surveiller").click()
    assert page.get_by_label("SIREN de l'entreprise à surveiller").get_attribute("aria-invalid") == "true"
    _checked(page, "abonne-erreur")
    page.get_by_label("SIREN de l'entreprise à surveiller").fill("552 100 554")
    page.get_by_role("button", name="Surveiller").click()
    assert "ajoutée à votre liste" in page.get_by_role("status").inner_text()
    _checked(page, "abonne")
    with page.expect_download() as exported:
        page.get_by_role("link", name="Exporter toute la liste (CSV)").click()
    assert exported.value.suggested_filename == "ardoise-surveillance.csv"
    assert "552100554" in Path(exported.value.path()).read_text(encoding="utf-8-sig")
    page.get_by_role("button", name="Ne plus surveiller 552100554").click()
    assert "retirée de votre liste" in page.get_by_role("status").inner_text()


def test_a_subscriber_searches_a_company_reads_the_cost_then_opens_its_summary_and_pdf(
    platform: Platform, page: Any
) -> None:
    from functions.core.usecases.propagation import refresh_marked
    from functions.core.usecases.reports.subscribers import create_subscriber
    from tests.reports.factories import file_published, record_company

    record_company(platform.res)
    file_published(platform.res, id="r1", number="F-1", due_date=date(2026, 1, 5), amount_cents=1_000_00)
    refresh_marked(platform.res)
    create_subscriber(
        platform.res, name="Cabinet Leroy Crédit", email="credit@leroy.fr", plan="pro", actor="operator:t"
    )
    page.goto(platform.url + "/abonne/")
    page.get_by_label("Adresse e-mail de votre inscription").fill("credit@leroy.fr")
    page.get_by_role("button", name="Recevoir le lien").click()
    link = SIGN_IN_LINK.search(platform.last_mail())
    assert link is not None
    page.goto(link.group(0))
    page.get_by_role("button", name="Ouvrir mon espace").click()
    page.get_by_label("SIREN de l'entreprise", exact=True).fill("552 100 555")
    page.get_by_role("button", name="Rechercher").click()
    assert page.get_by_label("SIREN de l'entreprise", exact=True).get_attribute("aria-invalid") == "true"
    page.get_by_label("SIREN de l'entreprise", exact=True).fill("552 100 554")
    page.get_by_role("button", name="Rechercher").click()
    assert "compte 1 synthèse sur votre quota" in page.locator("article").inner_text()
    _checked(page, "abonne-synthese")
    with page.expect_response("**/abonne/synthese/552100554") as pdf:
        page.get_by_role("button", name="Télécharger le PDF").click()  # Chromium's viewer shows it
    headers = pdf.value.headers  # the PDF's bytes are checked in tests/spaces
    assert headers["content-type"] == "application/pdf"
    assert headers["content-disposition"] == 'inline; filename="synthese-552100554.pdf"'
    page.goto(platform.url + "/abonne/synthese?recherche=552100554")
    page.get_by_role("button", name="Ouvrir la synthèse").click()
    assert "Société Générale d'Équipement" in page.locator("h1").inner_text()
    assert axe_violations(page, record="abonne-synthese-page") == []
    screenshot(page, "espace-abonne-synthese-page")


def test_a_subscriber_imports_a_portfolio_and_reads_the_refused_lines(
    platform: Platform, page: Any, tmp_path: Path
) -> None:
    from functions.core.usecases.reports.subscribers import create_subscriber

    create_subscriber(
        platform.res, name="Cabinet Leroy Crédit", email="credit@leroy.fr", plan="pro", actor="operator:t"
    )
    page.goto(platform.url + "/abonne/")
    page.get_by_label("Adresse e-mail de votre inscription").fill("credit@leroy.fr")
    page.get_by_role("button", name="Recevoir le lien").click()
    link = SIGN_IN_LINK.search(platform.last_mail())
    assert link is not None
    page.goto(link.group(0))
    page.get_by_role("button", name="Ouvrir mon espace").click()
    page.get_by_role("link", name="Importer un portefeuille (CSV, jusqu'à 10 000 entreprises)").click()
    wrong = tmp_path / "clients.csv"
    wrong.write_text("nom;ville\nDupont;Paris\n", encoding="utf-8")
    page.get_by_label("Fichier CSV").set_input_files(str(wrong))
    page.get_by_role("button", name="Importer le fichier").click()
    assert page.get_by_label("Fichier CSV").get_attribute("aria-invalid") == "true"
    assert "colonne siren" in page.locator("article").inner_text()
    _checked(page, "abonne-import-erreur")
    portfolio = tmp_path / "portefeuille.csv"
    portfolio.write_text("siren;nom\n552100554;Équipement\n552100555;Faux\n732829320;Garage\n", encoding="utf-8")
    page.get_by_label("Fichier CSV").set_input_files(str(portfolio))
    page.get_by_role("button", name="Importer le fichier").click()
    assert "2 entreprises ajoutées sur 3 lignes reçues" in page.get_by_role("status").inner_text()
    assert "clé de contrôle" in page.get_by_role("table").inner_text()
    _checked(page, "abonne-import")
    page.get_by_role("link", name="Voir la liste de surveillance").click()
    assert "732829320" in page.get_by_role("table").last.inner_text()


def test_a_subscriber_sets_its_webhook_reads_the_secret_once_sends_a_test_and_reads_the_log(
    platform: Platform, page: Any
) -> None:
    from functions.core.usecases.reports.subscribers import create_subscriber
    from tests.reports.receivers import Receiver

    create_subscriber(
        platform.res, name="Cabinet Leroy Crédit", email="credit@leroy.fr", plan="pro", actor="operator:t"
    )
    page.goto(platform.url + "/abonne/")
    page.get_by_label("Adresse e-mail de votre inscription").fill("credit@leroy.fr")
    page.get_by_role("button", name="Recevoir le lien").click()
    link = SIGN_IN_LINK.search(platform.last_mail())
    assert link is not None
    page.goto(link.group(0))
    page.get_by_role("button", name="Ouvrir mon espace").click()
    page.get_by_role("link", name="Webhook des alertes et dernières livraisons").click()
    page.get_by_label("Adresse du webhook").fill("ftp://exemple.fr/hook")
    page.get_by_role("button", name="Enregistrer l'adresse").click()
    assert page.get_by_label("Adresse du webhook").get_attribute("aria-invalid") == "true"
    _checked(page, "abonne-webhook-erreur")
    with Receiver() as receiver:
        page.get_by_label("Adresse du webhook").fill(receiver.url)
        page.get_by_role("button", name="Enregistrer l'adresse").click()
        assert page.locator("#secret-webhook").inner_text().startswith("whsec_")
        _checked(page, "abonne-webhook-secret")
        page.get_by_role("button", name="Envoyer un évènement de test").click()
        expect(page.locator("article")).to_contain_text("Évènement de test reçu : réponse HTTP 200")
        assert page.locator("#secret-webhook").count() == 0  # the secret is not shown again
        assert len(receiver.posts) == 1
        # The test event heads the delivery log on the page.
        expect(page.get_by_role("table").locator("tbody tr").first).to_contain_text("Évènement de test")
    _checked(page, "abonne-webhook")
    page.get_by_role("button", name="Retirer le webhook (alertes par e-mail)").click()
    assert "Aucun webhook" in page.locator("article").inner_text()


def _moderator_signed_in(platform: Platform, page: Any) -> None:
    from functions.core.domain.sessions import PrincipalKind
    from functions.core.usecases.directory.members import create_moderator
    from functions.core.usecases.signin import issue_link, link_url

    create_moderator(platform.res, name="Inès Moreau", email="ines@ardoise.localhost", actor="operator:test")
    [moderator] = [m for m in platform.res.store.moderators.list_moderators() if m.email == "ines@ardoise.localhost"]
    link = issue_link(platform.res, PrincipalKind.MODERATOR, moderator.id)
    page.goto(link_url(platform.res, PrincipalKind.MODERATOR, link))
    page.get_by_role("button", name="Ouvrir mon espace").click()
    assert page.url == platform.url + "/moderation/"


def _sent_again(page: Any, button: str) -> Any:
    """Press ``button`` of its form, then send that form again as a second click or the back button does.

    The second submission carries what the page's form carried (its CSRF and one-time
    tokens, the same values), through the browser's own cookies.
    """
    form = page.locator("form", has=page.get_by_role("button", name=button))
    action = form.evaluate("f => f.action")
    fields = form.evaluate("f => Object.fromEntries(new FormData(f))")
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    return page.request.post(action, form=fields, max_redirects=0)


def test_a_moderator_s_decision_sent_twice_is_taken_once(platform: Platform, page: Any) -> None:
    from tests.directory.conftest import register
    from tests.directory.factories import filing_payload
    from tests.directory.proof import file_for_review

    api = platform.app.test_client()
    file_for_review(api, {"Authorization": register(api, platform.mailer)}, filing_payload())
    _moderator_signed_in(platform, page)
    page.get_by_role("link", name="F-2025-0412", exact=False).first.click()
    page.get_by_label("Approuver : l'avis part au débiteur, son délai commence").check()
    sent_before = len(platform.mailer.messages())
    again = _sent_again(page, "Enregistrer la décision")
    assert "Décision enregistrée" in page.get_by_role("status").inner_text()
    assert again.status == 303 and again.headers["idempotent-replayed"] == "true"
    debtor = filing_payload()["debtor"]["siren"]
    approvals = [e for e in platform.res.store.audit.list_events(f"company:{debtor}") if e.action == "report.approved"]
    assert len(approvals) == 1 and len(platform.mailer.messages()) == sent_before + 1


def test_a_creditor_s_payment_sent_twice_is_recorded_once(platform: Platform, page: Any) -> None:
    from functions.core.domain.sessions import PrincipalKind
    from functions.core.usecases.signin import issue_link, link_url
    from tests.directory.conftest import register
    from tests.directory.factories import filing_payload
    from tests.directory.proof import file_report
    from tests.spaces.conftest import CREDITOR_SIREN

    api = platform.app.test_client()
    report_id = file_report(api, {"Authorization": register(api, platform.mailer)}, filing_payload()).json["id"]
    member = platform.res.store.members.list_members(CREDITOR_SIREN)[0]
    page.goto(link_url(platform.res, PrincipalKind.MEMBER, issue_link(platform.res, PrincipalKind.MEMBER, member.id)))
    page.get_by_role("button", name="Ouvrir mon espace").click()
    page.goto(f"{platform.url}/espace/signalements/{report_id}")
    page.get_by_label("Date du paiement").fill("2026-03-01")
    page.get_by_label("Montant reçu en euros").fill("250")
    again = _sent_again(page, "Enregistrer le paiement")
    assert "Le paiement est enregistré." in page.get_by_role("status").inner_text()
    assert again.status == 303 and again.headers["idempotent-replayed"] == "true"
    report = platform.res.store.reports.get_report(report_id)
    assert report is not None and len(report.payments) == 1


def test_a_creditor_reads_the_scenarios_previews_one_with_an_error_then_saves_it(platform: Platform, page: Any) -> None:
    from functions.core.domain.sessions import PrincipalKind
    from functions.core.usecases.signin import issue_link, link_url
    from tests.directory.conftest import register
    from tests.spaces.conftest import CREDITOR_SIREN

    register(platform.app.test_client(), platform.mailer)
    member = platform.res.store.members.list_members(CREDITOR_SIREN)[0]
    page.goto(link_url(platform.res, PrincipalKind.MEMBER, issue_link(platform.res, PrincipalKind.MEMBER, member.id)))
    page.get_by_role("button", name="Ouvrir mon espace").click()
    page.get_by_role("link", name="Mes scénarios").click()
    _checked(page, "scenarios")

    page.get_by_role("link", name="Créer un scénario").click()
    page.get_by_label("Nom du scénario").fill("Deux relances puis courrier")
    notice = page.get_by_role("group", name="Étape 3")
    notice.get_by_label("Délai laissé pour payer, en jours (mise en demeure)").fill("5")
    page.get_by_role("button", name="Prévisualiser").click()
    deadline = page.get_by_role("group", name="Étape 3").get_by_label(
        "Délai laissé pour payer, en jours (mise en demeure)"
    )
    assert deadline.get_attribute("aria-invalid") == "true" and page.get_by_role("alert").is_visible()
    _checked(page, "nouveau-scenario-erreurs")

    deadline.fill("10")
    page.get_by_role("button", name="Prévisualiser").click()
    expect(page.get_by_role("heading", name="Aperçu sur une facture d'exemple")).to_be_visible()
    _checked(page, "nouveau-scenario-apercu")

    page.get_by_role("button", name="Enregistrer le scénario").click()
    assert "Le scénario est enregistré" in page.get_by_role("status").inner_text()
    _checked(page, "scenario")


def test_a_moderator_searches_by_siren_and_reads_a_report_s_full_file(platform: Platform, page: Any) -> None:
    from tests.directory.conftest import register
    from tests.directory.factories import filing_payload
    from tests.directory.proof import file_report

    api = platform.app.test_client()
    file_report(api, {"Authorization": register(api, platform.mailer)}, filing_payload())
    _moderator_signed_in(platform, page)
    page.get_by_role("link", name="Rechercher").click()
    box = page.get_by_label("SIREN ou référence du signalement")
    box.fill("123 456 789")
    page.get_by_role("button", name="Rechercher").click()
    assert box.get_attribute("aria-invalid") == "true"
    assert "Ce SIREN n'est pas valide" in page.locator("#erreur-q").inner_text()
    _checked(page, "moderation-recherche-erreur")

    box.fill(filing_payload()["debtor"]["siren"])
    page.get_by_role("button", name="Rechercher").click()
    assert "Résultats (1)" in page.locator("article").inner_text()
    page.get_by_role("link", name="F-2025-0412").click()
    history = page.get_by_role("table", name="Ce qui est arrivé au signalement")
    assert "Déposé" in history.inner_text() and "Débiteur avisé" in history.inner_text()
    assert "SHA-256" in page.locator("article").inner_text()
    _checked(page, "moderation-dossier")


def test_a_creditor_checks_its_siren_at_sign_up_and_finds_its_debtor_by_siren(platform: Platform, page: Any) -> None:
    from functions.core.domain.registry import HeadOffice
    from functions.core.domain.sessions import PrincipalKind
    from functions.core.usecases.signin import issue_link, link_url
    from tests.directory.conftest import register
    from tests.registry.test_domain import identity
    from tests.spaces.conftest import CREDITOR_SIREN

    platform.res.store.registry.put_units([identity(head_office_nic="00012")])
    platform.res.store.registry.put_seats(
        [HeadOffice("552100554", "00012", "12", "RUE", "DE LA PAIX", "75002", "PARIS")]
    )
    page.goto(platform.url + "/espace/inscription")
    page.get_by_label("SIREN de l'entreprise").fill("552 100 554")
    page.get_by_role("button", name="Vérifier le SIREN").click()
    assert "ATELIERS REUNIS, 12 RUE DE LA PAIX" in page.locator("#identite-repertoire").inner_text()
    assert page.get_by_label("Raison sociale").input_value() == "ATELIERS REUNIS"
    _checked(page, "inscription-verifiee")

    api = platform.app.test_client()
    register(api, platform.mailer)
    member = platform.res.store.members.list_members(CREDITOR_SIREN)[0]
    page.goto(link_url(platform.res, PrincipalKind.MEMBER, issue_link(platform.res, PrincipalKind.MEMBER, member.id)))
    page.get_by_role("button", name="Ouvrir mon espace").click()
    page.get_by_role("link", name="Signaler une facture").click()
    page.get_by_label("Numéro de la facture").fill("F-77")
    page.get_by_label("Chercher le débiteur par SIREN ou par nom").fill("552100554")
    page.get_by_role("button", name="Chercher", exact=True).click()
    assert "1 entreprise trouvée" in page.locator("#debiteurs-trouves").inner_text()
    page.get_by_role("button", name="Choisir ATELIERS REUNIS").click()
    assert page.get_by_label("SIREN du débiteur").input_value() == "552100554"
    assert page.get_by_label("Raison sociale du débiteur").input_value() == "ATELIERS REUNIS"
    assert page.get_by_label("Adresse postale du débiteur").input_value() == "12 RUE DE LA PAIX, 75002 PARIS"
    assert page.get_by_label("Numéro de la facture").input_value() == "F-77"  # what was typed is kept
    _checked(page, "signaler-debiteur-choisi")


def test_the_registry_identity_appears_as_the_siren_is_typed_and_without_javascript_on_its_button(
    platform: Platform, page: Any, browser: Any
) -> None:
    from functions.core.domain.registry import HeadOffice
    from tests.registry.test_domain import identity

    platform.res.store.registry.put_units([identity(head_office_nic="00012")])
    platform.res.store.registry.put_seats(
        [HeadOffice("552100554", "00012", "12", "RUE", "DE LA PAIX", "75002", "PARIS")]
    )
    page.goto(platform.url + "/espace/inscription")
    card = page.locator("#identite-repertoire")
    page.get_by_label("SIREN de l'entreprise").press_sequentially("552 100 554")
    # Nothing pressed: the spaces' script (from the site, allowed by the page's policy) asked the registry.
    expect(card).to_contain_text("ATELIERS REUNIS, 12 RUE DE LA PAIX")
    expect(page.get_by_label("Raison sociale")).to_have_value("ATELIERS REUNIS")
    assert page.url == platform.url + "/espace/inscription"  # no other page was loaded
    assert page.errors == []  # no script nor request refused by the policy
    _checked(page, "inscription-siren-tape")
    page.get_by_label("Votre nom").fill("Claire Durand")
    page.get_by_label("Votre adresse e-mail professionnelle").fill("compta@ateliers-reunis.fr")
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_role("status")).to_contain_text("Un e-mail vient d'être envoyé")
    assert len(platform.res.store.members.list_members("552100554")) == 1

    # Without JavaScript, the same form: the identity comes on the page « Vérifier le SIREN » loads.
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    try:
        plain = context.new_page()
        plain.goto(platform.url + "/espace/inscription")
        plain.get_by_label("SIREN de l'entreprise").fill("552100554")
        assert plain.locator("#identite-repertoire").inner_text().strip() == ""
        plain.get_by_role("button", name="Vérifier le SIREN").click()
        expect(plain.locator("#identite-repertoire")).to_contain_text("ATELIERS REUNIS, 12 RUE DE LA PAIX")
        expect(plain.get_by_label("Raison sociale")).to_have_value("ATELIERS REUNIS")
    finally:
        context.close()


def test_a_creditor_attaches_an_e_invoice_and_it_fills_the_form(platform: Platform, page: Any, tmp_path: Path) -> None:
    from functions.core.domain.sessions import PrincipalKind
    from functions.core.usecases.signin import issue_link, link_url
    from tests.directory.conftest import register
    from tests.einvoices.samples import facturx_pdf
    from tests.spaces.conftest import CREDITOR_SIREN

    api = platform.app.test_client()
    register(api, platform.mailer)
    member = platform.res.store.members.list_members(CREDITOR_SIREN)[0]
    page.goto(link_url(platform.res, PrincipalKind.MEMBER, issue_link(platform.res, PrincipalKind.MEMBER, member.id)))
    page.get_by_role("button", name="Ouvrir mon espace").click()
    page.get_by_role("link", name="Signaler une facture").click()
    invoice = tmp_path / "facture-F-2025-0412.pdf"
    invoice.write_bytes(facturx_pdf())
    page.get_by_label("Facture", exact=True).set_input_files(str(invoice))
    page.get_by_role("button", name="Lire la facture électronique").click()
    assert "Facture électronique n° F-2025-0412 lue" in page.locator("#facture-lue").inner_text()
    assert page.get_by_label("Numéro de la facture").input_value() == "F-2025-0412"
    assert page.get_by_label("Date d'échéance").input_value() == "2025-12-31"
    assert page.get_by_label("Montant de la facture en euros").input_value() == "1250,00"
    assert page.get_by_label("SIREN du débiteur").input_value() == "552100554"
    _checked(page, "signaler-facture-lue")
