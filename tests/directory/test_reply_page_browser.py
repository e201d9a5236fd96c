"""The debtor's page in headless Chromium: contest with a file, as a person would."""

import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server

from functions.core.clock import FixedClock
from functions.core.config import Settings
from functions.core.domain.evidence import ACCEPTED_TYPES
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.store import open_store
from functions.directory.app import create_app
from tests.conftest import START
from tests.directory.conftest import register, reply_token
from tests.directory.factories import DEBTOR_SIREN, filing_payload
from tests.directory.proof import file_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)"),
]


@contextmanager
def chromium_page() -> Iterator[Any]:
    """A page of Debian's Chromium, headless, closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            yield browser.new_page()
        finally:
            browser.close()


@pytest.fixture
def served(settings: Settings, tmp_path: Path) -> Iterator[tuple[str, Resources]]:
    """The directory app behind /api/directory on a random local port."""
    holder: dict[str, Any] = {}
    # Late-bound: the app needs the port (its base URL) that the server picks.
    server = make_server("127.0.0.1", 0, lambda env, start: holder["wsgi"](env, start), threaded=True)  # noqa: PLW0108
    base = f"http://127.0.0.1:{server.server_port}"
    clock = FixedClock(START)
    res = Resources(
        settings.replace(base_url=base, evidence_url=f"folder:{tmp_path}/evidence"),
        store=open_store(f"sqlite:///{tmp_path}/browser.db", clock),
        mailer=OutboxMailer(tmp_path / "outbox", "x"),
        clock=clock,
    )
    app = create_app(settings=res.settings, store=res.store, mailer=res.mailer, clock=clock)
    holder["wsgi"] = DispatcherMiddleware(lambda env, start: [], {"/api/directory": app})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base, res
    finally:
        server.shutdown()
        thread.join()


def test_a_debtor_contests_from_its_page_with_a_file(served: tuple[str, Resources], tmp_path: Path) -> None:
    base, res = served
    client = create_app(settings=res.settings, store=res.store, mailer=res.mailer, clock=res.clock).test_client()
    member = {"Authorization": register(client, res.mailer)}  # type: ignore[arg-type]
    assert file_report(client, member, filing_payload()).status_code == 201
    token = reply_token(res.mailer)  # type: ignore[arg-type]
    with chromium_page() as page:
        page.goto(f"{base}/api/directory/replies/{token}")
        assert "Facture n° F-2025-0412" in page.text_content("h1")
        page.select_option("#reason", "wrong_amount")
        page.fill("#dispute-text", "Un avoir de 300 EUR n'a pas été déduit de cette facture.")
        page.set_input_files(
            "#dispute-files", {"name": "avoir.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 avoir"}
        )
        page.click("text=Envoyer ma contestation")
        page.wait_for_selector("text=C'est enregistré", timeout=10_000)
    [report] = res.store.reports.list_for_debtor(DEBTOR_SIREN)
    assert report.status.value == "disputed" and report.dispute is not None
    assert report.dispute.text.startswith("Un avoir de 300 EUR")
    [evidence_id] = report.dispute.evidence_ids
    assert (tmp_path / "evidence" / report.id / evidence_id).read_bytes() == b"%PDF-1.4 avoir"


def _open_reply_page(served: tuple[str, Resources]) -> tuple[str, Resources, str]:
    base, res = served
    client = create_app(settings=res.settings, store=res.store, mailer=res.mailer, clock=res.clock).test_client()
    member = {"Authorization": register(client, res.mailer)}  # type: ignore[arg-type]
    assert file_report(client, member, filing_payload()).status_code == 201
    return base, res, reply_token(res.mailer)  # type: ignore[arg-type]


def test_a_debtor_declares_a_partial_payment_typed_in_euros_from_its_page(served: tuple[str, Resources]) -> None:
    base, res, token = _open_reply_page(served)
    with chromium_page() as page:
        page.goto(f"{base}/api/directory/replies/{token}")
        # Both file pickers offer exactly the media types the API takes.
        for picker in ("#dispute-files", "#payment-files"):
            offered = set(page.get_attribute(picker, "accept").split(","))  # type: ignore[union-attr]
            assert {kind for kind in offered if "/" in kind} == ACCEPTED_TYPES
        page.fill("#paid-on", "2026-02-27")
        page.fill("#paid-amount", "12,345")
        page.set_input_files("#payment-files", {"name": "v.png", "mimeType": "image/png", "buffer": b"\x89PNG"})
        page.click("text=Déclarer le paiement")
        page.wait_for_selector("text=Montant non reconnu", timeout=10_000)
        page.fill("#paid-amount", "1 000,5")
        page.set_input_files("#payment-files", {"name": "v.gif", "mimeType": "image/gif", "buffer": b"GIF89a"})
        page.click("text=Déclarer le paiement")
        page.wait_for_selector("text=Type de fichier refusé (v.gif)", timeout=10_000)
        [report] = res.store.reports.list_for_debtor(DEBTOR_SIREN)
        assert res.store.replies.list_evidence(report) == [] and report.dispute is None
        page.set_input_files(
            "#payment-files",
            {"name": "virement.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n virement"},
        )
        page.click("text=Déclarer le paiement")
        page.wait_for_selector("text=C'est enregistré", timeout=10_000)
    [report] = res.store.reports.list_for_debtor(DEBTOR_SIREN)
    assert report.status.value == "disputed" and report.dispute is not None
    assert report.dispute.kind.value == "payment_declared"
    assert (report.dispute.paid_on.isoformat(), report.dispute.declared_amount_cents) == ("2026-02-27", 100050)  # type: ignore[union-attr]


def test_a_debtor_replies_publicly_from_its_page(served: tuple[str, Resources]) -> None:
    base, res, token = _open_reply_page(served)
    with chromium_page() as page:
        page.goto(f"{base}/api/directory/replies/{token}")
        page.fill("#reply-text", "Un échéancier a été proposé au créancier le 2 mars.")
        page.click("text=Publier ma réponse")
        page.wait_for_selector("text=C'est enregistré", timeout=10_000)
    [report] = res.store.reports.list_for_debtor(DEBTOR_SIREN)
    assert report.public_reply == "Un échéancier a été proposé au créancier le 2 mars."
    assert report.status.value == "notified" and report.dispute is None


def test_a_debtor_types_its_letter_s_code_and_lands_on_its_page(served: tuple[str, Resources]) -> None:
    base, res = served
    client = create_app(settings=res.settings, store=res.store, mailer=res.mailer, clock=res.clock).test_client()
    member = {"Authorization": register(client, res.mailer)}  # type: ignore[arg-type]
    payload = filing_payload(debtor_email=None, postal_address="3 quai Saint-Vincent\n69001 Lyon")
    assert file_report(client, member, payload).status_code == 201
    [letter] = [m for m in res.mailer.messages() if m["To"] == res.settings.letters_to]  # type: ignore[attr-defined]
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(next(letter.iter_attachments()).get_content())).pages)
    code = re.search(r"\b([0-9A-Z]{5}-[0-9A-Z]{5})\b", text).group(1)  # type: ignore[union-attr]
    with chromium_page() as page:
        page.goto(f"{base}/api/directory/r")
        page.fill("#code", "ZZZZZ-ZZZZZ")
        page.click("text=Ouvrir ma page")
        page.wait_for_selector("text=Ce code ne correspond à aucun courrier", timeout=10_000)
        page.fill("#code", code.lower())
        page.click("text=Ouvrir ma page")
        page.wait_for_selector("h1:has-text('Facture n° F-2025-0412')", timeout=10_000)
        assert "/api/directory/replies/ard_rep_" in page.url
