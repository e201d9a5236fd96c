"""`make run` prints a working sign-in link for the demo creditor; `ardoise serve` mounts the space at /espace/."""

from __future__ import annotations

from io import BytesIO

from flask.testing import FlaskClient
from werkzeug.test import Client

from functions.core.einvoices.reading import read_einvoice
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.local.demo import demo_companies, demo_einvoice, demo_sign_in_links
from functions.local.directory_demo import CREDITOR
from functions.local.server import build_local_app
from tests.directory.conftest import register
from tests.spaces.conftest import CREDITOR_SIREN, MEMBER_EMAIL
from tests.spaces.helpers import SIGN_IN_LINK, sign_in, submit, text


def test_the_demo_sign_in_link_opens_the_demo_creditors_space(
    directory: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    siren, name, _, email = CREDITOR
    register(directory, mailer, siren=siren, name=name, email=email)  # a moderator approves it: the demo's too
    links = demo_sign_in_links(resources)
    assert links["moderator"].startswith(resources.settings.base_url + "/moderation/connexion/")
    found = SIGN_IN_LINK.search(links["creditor"])
    assert found is not None and links["creditor"].startswith(resources.settings.base_url + "/espace/connexion/")
    token = found.group(1)
    opened = submit(directory, f"/espace/connexion/{token}", "/espace/connexion/ouvrir", jeton=token)
    assert opened.status_code == 303
    assert name in text(directory.get("/espace/"))


def test_ardoise_serve_sends_the_creditors_space_to_the_directory_app(resources: Resources) -> None:
    client = Client(build_local_app(resources))
    page = client.get("/espace/")
    assert page.status_code == 200
    assert "Recevoir un lien de connexion" in page.get_data(as_text=True)
    assert client.get("/api/directory/health").status_code == 200
    assert "Espace de modération" in client.get("/moderation/").get_data(as_text=True)
    assert "Espace abonné" in client.get("/abonne/").get_data(as_text=True)


def test_the_demo_subscriber_gets_its_sign_in_link(resources: Resources) -> None:
    from functions.core.usecases.reports.subscribers import create_subscriber
    from functions.local.demo import DEMO_SUBSCRIBER_EMAIL

    create_subscriber(resources, name="Cabinet (démo)", email=DEMO_SUBSCRIBER_EMAIL, plan="pro", actor="system:demo")
    links = demo_sign_in_links(resources)
    assert links["subscriber"].startswith(resources.settings.base_url + "/abonne/connexion/ard_lien_")


def test_the_demo_portfolio_file_imports_with_its_wrong_lines_shown(resources: Resources) -> None:
    from functions.core.domain.companies import Company
    from functions.core.usecases.reports.portfolio import import_watchlist
    from functions.core.usecases.reports.subscribers import create_subscriber
    from functions.local.demo import DEMO_SUBSCRIBER_EMAIL, demo_subscriber_pages, write_demo_portfolio

    subscriber, _ = create_subscriber(
        resources, name="Cabinet (démo)", email=DEMO_SUBSCRIBER_EMAIL, plan="pro", actor="system:demo"
    )
    debtors = [Company(siren, "Client", "1 rue A", "75001", "Paris") for siren in ("552100554", "732829320")]
    resources.settings.var_dir.mkdir(parents=True, exist_ok=True)
    path = write_demo_portfolio(resources, debtors)
    pages = demo_subscriber_pages(resources)
    assert pages["portfolio import"].endswith(f"/abonne/surveillance/import (send {path})")
    assert pages["webhook settings and delivery log"].endswith("/abonne/webhook")
    result = import_watchlist(resources, subscriber, path.read_bytes())
    assert result["added"] == 2 and [r["errors"][0]["code"] for r in result["rejected"]] == [
        "doublon",
        "siren_invalide",
    ]


def test_the_demo_writes_an_e_invoice_the_filing_form_reads(
    browser: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    path = demo_einvoice(resources)
    read = read_einvoice(path.read_bytes())
    assert read.buyer_siren == demo_companies()[0].siren and read.seller_siren == CREDITOR[0]
    sign_in(browser, mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    upload = {"document.invoice": (BytesIO(path.read_bytes()), path.name, "application/pdf")}
    shown = submit(browser, "/espace/signaler", "/espace/signaler/facture", **upload)
    assert shown.status_code == 200 and f"Facture électronique n° {read.number} lue" in text(shown)
