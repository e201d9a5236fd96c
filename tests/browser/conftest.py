"""A real site, built and served on a random port, and Debian's Chromium driven by Playwright.

No browser is downloaded: Playwright launches ``/usr/bin/chromium`` by its path
(``make test`` installs the Debian package when it is missing). Screenshots go to
``test-artifacts/`` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from functions.core.domain.charter import SUSPENSION_REASON_FR
from functions.local.static import StaticSite
from functions.site.builder import SiteBuilder
from functions.site.publish.common import publish
from functions.site.publish.folder import FolderTarget
from tests.site.factories import (
    BASE_URL,
    make_inputs,
    make_listed_report,
    make_record,
    make_signatory,
    make_snapshot,
    make_sources,
    make_standing,
    many_records,
)

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
HOSTILE_NAME = "Dupont <script>window.pwned=1</script> **SARL**"
HOSTILE_REPLY = '<img src=x onerror="window.pwned=2"> Nous contestons : [voir](javascript:alert(1))'


@dataclass(frozen=True)
class Site:
    url: str
    listed: Any
    hostile: Any
    signatory: Any
    public: Path  # the published folder, for tests serving the site beside an app


# One page of each kind the site serves, hand-written and generated ("company": the listed company's page).
PAGE_TYPES = {
    "accueil": "/",
    "annuaire": "/entreprises/",
    "annuaire-initiale": "/entreprises/page/e/",
    "fiche-entreprise": "company",
    "fiche-nom-hostile": "hostile",
    "charte": "/charte/",
    "signataires": "/charte/signataires/",
    "signer": "/charte/signer/",
    "confirmer": "/charte/confirmer/",
    "retirer": "/charte/retirer/",
    "signaler": "/signaler-un-impaye/",
    "repondre": "/repondre-ou-contester/",
    "code-courrier": "/r/",
    "abonnes": "/abonnes-et-api/",
    "indice": "/abonnes-et-api/indice/",
    "api-annuaire": "/abonnes-et-api/annuaire/",
    "mentions-legales": "/mentions-legales/",
    "donnees-personnelles": "/donnees-personnelles/",
    "sources": "/sources/",
    "accessibilite": "/accessibilite/",
    "page-introuvable": "/nulle-part/",
}


def url_of(site: Site, path: str) -> str:
    return site.url + {"company": site.listed.path, "hostile": site.hostile.path}.get(path, path)


def search(page: Any, site: Site, query: str) -> None:
    page.goto(site.url + "/")
    page.get_by_label("Chercher une entreprise par son nom ou son SIREN").fill(query)
    page.wait_for_selector(".ardoise-resultats li a")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    import waitress.server

    listed = make_record(
        siren="552100554",
        name="Boulangerie Lefèvre et Fils",
        reports=(
            make_listed_report(reply="Un échéancier a été proposé au créancier le 3 mars."),
            make_listed_report(
                issue_date=date(2026, 4, 2), due_date=date(2026, 5, 2), amount_cents=310_00, outstanding_cents=310_00
            ),
        ),
        charter=make_standing(status="suspended", since=date(2026, 10, 13), reason=SUSPENSION_REASON_FR),
    )  # fmt: skip
    hostile = make_record(siren="404833048", name=HOSTILE_NAME, reports=(make_listed_report(reply=HOSTILE_REPLY),))
    signatory = make_signatory(siren="732829320", name="Garage du Centre")
    short_word = make_record(siren="512345679", name="A&B Bâtiment")  # a first word of one letter
    records = [listed, hostile, signatory, short_word, *many_records(230)]
    root = tmp_path_factory.mktemp("browser-site")
    builder = SiteBuilder(root / "build", base_url=BASE_URL)
    builder.build(make_snapshot(*records, sources=make_sources()), make_inputs())
    files = {path: content for path, (_, content) in builder.load_state().files.items()}
    publish(builder.out, files, FolderTarget(root / "public"))
    server = waitress.server.create_server(StaticSite(root / "public"), host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield Site(f"http://127.0.0.1:{server.effective_port}", listed, hostile, signatory, root / "public")  # type: ignore[union-attr]
    finally:
        server.close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per module: closed before other areas' browser tests start their own Playwright."""
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")), args=ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    opened = context.new_page()
    opened.errors = []  # console errors and page errors seen while the test ran
    opened.on("console", lambda message: message.type == "error" and opened.errors.append(message.text))
    opened.on("pageerror", lambda error: opened.errors.append(str(error)))
    yield opened
    context.close()


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
