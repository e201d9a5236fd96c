"""The printed notice: a short page and code to type (rate-limited against guessing), a QR code, real lists."""

from __future__ import annotations

import re
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from flask.testing import FlaskClient
from pypdf import PdfReader

from functions.core.clock import FixedClock
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.tokens import CODE_ALPHABET, derived_code, grouped_code, hash_token, read_code
from functions.core.usecases.directory import codes
from functions.core.usecases.directory.codes import client_key
from tests.directory.conftest import Collect
from tests.directory.factories import filing_payload
from tests.directory.proof import file_report
from tests.store_state import stored_state

CODE = re.compile(rf"\b([{CODE_ALPHABET}]{{5}}-[{CODE_ALPHABET}]{{5}})\b")
ROOT = Path(__file__).resolve().parents[2]
ADDRESS = "Société Générale d'Équipement\n3 quai Saint-Vincent\n69001 Lyon"


def _letter(directory: FlaskClient, member: dict[str, str], mailer: OutboxMailer, resources: Resources) -> bytes:
    response = file_report(directory, member, filing_payload(debtor_email=None, postal_address=ADDRESS))
    assert response.status_code == 201, response.json
    mail = [m for m in mailer.messages() if m["To"] == resources.settings.letters_to][-1]
    return bytes(next(mail.iter_attachments()).get_content())


def _lines(pdf: bytes) -> list[str]:
    return [line for page in PdfReader(BytesIO(pdf)).pages for line in page.extract_text().splitlines()]


def _code(pdf: bytes) -> str:
    [code] = {match.group(1) for line in _lines(pdf) if (match := CODE.search(line))}
    return code


def _qr_codes(pdf: bytes) -> list[str]:
    """Render each page as a 150 dpi grey image, as a phone would see the paper, and decode its QR codes."""
    found = []
    document = pypdfium2.PdfDocument(pdf)
    for page in document:
        bitmap = page.render(scale=150 / 72, grayscale=True)
        pixels = memoryview(bitmap.buffer).cast("B", (bitmap.height, bitmap.stride))
        found += [barcode.text for barcode in zxingcpp.read_barcodes(pixels)]
    return found


def _open(directory: FlaskClient, code: str, address: str = "203.0.113.5", **headers: str) -> object:
    return directory.post("/r", data={"code": code}, headers=headers, environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def letter(directory: FlaskClient, member: dict[str, str], mailer: OutboxMailer, resources: Resources) -> bytes:
    return _letter(directory, member, mailer, resources)


def test_a_letter_gives_a_short_page_and_code_to_type_instead_of_the_long_link(
    directory: FlaskClient, letter: bytes, resources: Resources
) -> None:
    text = " ".join(_lines(letter))
    assert f"{resources.settings.base_url}/r/" in text
    assert "/api/directory/replies/" not in text and "ard_rep_" not in text
    code = _code(letter)
    # Typed as a person would: lower case, a space instead of the dash, an O for a 0.
    typed = code.lower().replace("-", " ").replace("0", "o")
    opened = _open(directory, typed)
    assert opened.status_code == 303  # type: ignore[attr-defined]
    location = opened.headers["Location"]  # type: ignore[attr-defined]
    assert re.fullmatch(rf"{resources.settings.base_url}/api/directory/replies/ard_rep_[A-Za-z0-9_-]{{43}}", location)
    assert opened.headers["Cache-Control"] == "no-store"  # type: ignore[attr-defined]
    page = directory.get(location.split("/api/directory", 1)[1])
    assert page.status_code == 200 and page.json["invoice_number"] == "F-2025-0412"


def test_the_letter_s_qr_code_opens_the_private_link(directory: FlaskClient, letter: bytes) -> None:
    [decoded] = _qr_codes(letter)
    assert decoded == _open(directory, _code(letter)).headers["Location"]  # type: ignore[attr-defined]
    assert directory.get(decoded.split("/api/directory", 1)[1]).status_code == 200


def test_the_letter_s_lists_stay_lists(letter: bytes) -> None:
    lines = _lines(letter)
    bullets = [line for line in lines if line.startswith("•")]
    assert [line for line in bullets if "contester ce signalement" in line]
    assert [line for line in bullets if line.startswith("• déclarer un paiement")]
    assert [line for line in bullets if line.startswith("• publier une réponse")]
    assert [line for line in bullets if line.startswith("• une indemnité forfaitaire")]
    # Each penalty period is a sub-item of the penalties item.
    assert [line for line in lines if re.match(r"– du \d\d/\d\d/\d{4} au \d\d/\d\d/\d{4} \(\d+ jours", line)]
    assert any(line.startswith("Facture n° F-2025-0412 du 01/12/2025") for line in lines)


def test_a_code_opens_nothing_through_the_reply_link_routes(directory: FlaskClient, letter: bytes) -> None:
    code = read_code(_code(letter))
    assert directory.get(f"/replies/{code}").status_code == 404
    assert directory.post(f"/replies/{code}", json={"action": "reply", "text": "Bonjour"}).status_code == 404


def test_a_code_is_never_stored_nor_logged_as_it_is_or_as_a_plain_digest(
    directory: FlaskClient, member: dict[str, str], mailer: OutboxMailer, resources: Resources, logged: Collect
) -> None:
    code = read_code(_code(_letter(directory, member, mailer, resources)))
    assert code is not None
    assert _open(directory, code).status_code == 303  # type: ignore[attr-defined]
    assert _open(directory, grouped_code("0" * 10)).status_code == 404  # type: ignore[attr-defined]
    stored = repr(stored_state(resources.store.backend))
    # 2**50 SHA-256 digests can be computed: a plain digest of the code would give it away.
    for form in (code, grouped_code(code), hash_token(code)):
        assert form not in stored and form not in "".join(logged.lines)


def test_wrong_codes_are_limited_per_client_and_then_the_right_one_waits_too(
    directory: FlaskClient, letter: bytes, clock: FixedClock
) -> None:
    right = _code(letter)
    wrong = grouped_code("0" * 10)
    for _ in range(codes.CLIENT_FAILURES):
        assert _open(directory, wrong).status_code == 404  # type: ignore[attr-defined]
    refused = _open(directory, right)
    assert refused.status_code == 429 and refused.json["type"].endswith("/codes-trop-nombreux")  # type: ignore[attr-defined]
    assert 0 < int(refused.headers["Retry-After"]) <= 3600  # type: ignore[attr-defined]
    assert _open(directory, right, address="198.51.100.7").status_code == 303  # type: ignore[attr-defined]
    clock.advance(hours=1)
    assert _open(directory, right).status_code == 303  # type: ignore[attr-defined]


def test_wrong_codes_from_everyone_are_limited_together(
    directory: FlaskClient, letter: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(codes, "ALL_FAILURES", 3)
    for number in range(3):
        assert _open(directory, "ZZZZZZZZZZ", address=f"192.0.2.{number}").status_code == 404  # type: ignore[attr-defined]
    assert _open(directory, _code(letter), address="192.0.2.99").status_code == 429  # type: ignore[attr-defined]


def test_a_mistyped_code_is_a_400_that_counts_as_no_guess(directory: FlaskClient, letter: bytes) -> None:
    for _ in range(codes.CLIENT_FAILURES + 2):
        malformed = _open(directory, "K7PM3-QXD")
        assert malformed.status_code == 400  # type: ignore[attr-defined]
        assert malformed.json["errors"][0] == {  # type: ignore[attr-defined]
            "field": "code",
            "code": "code_invalide",
            "message": "Le code compte 10 caractères, lettres et chiffres.",
        }
    assert _open(directory, _code(letter)).status_code == 303  # type: ignore[attr-defined]


def test_an_expired_code_is_gone(
    directory: FlaskClient, letter: bytes, clock: FixedClock, resources: Resources
) -> None:
    clock.advance(days=resources.settings.reply_link_days)
    assert _open(directory, _code(letter)).status_code == 410  # type: ignore[attr-defined]


def test_a_person_sees_the_code_page_again_with_what_went_wrong(directory: FlaskClient, letter: bytes) -> None:
    form = directory.get("/r")
    assert form.status_code == 200 and form.mimetype == "text/html"
    assert '<label for="code">' in form.text and "<script" not in form.text
    assert "default-src 'none'" in form.headers["Content-Security-Policy"]
    wrong = _open(directory, "ZZZZZ-ZZZZZ", Accept="text/html,application/xhtml+xml,*/*;q=0.8")
    assert wrong.status_code == 404 and wrong.mimetype == "text/html"  # type: ignore[attr-defined]
    assert "Ce code ne correspond à aucun courrier" in wrong.text  # type: ignore[attr-defined]
    assert 'value="ZZZZZ-ZZZZZ"' in wrong.text  # type: ignore[attr-defined]
    assert _open(directory, "ZZZZZ-ZZZZZ").mimetype == "application/problem+json"  # type: ignore[attr-defined]


def test_a_code_is_sent_by_a_form_only(directory: FlaskClient) -> None:
    assert directory.post("/r", json={"code": "ZZZZZZZZZZ"}).status_code == 415


def test_clients_of_one_ipv6_network_share_their_count(resources: Resources) -> None:
    same = client_key(resources, "2001:db8:1:2::1"), client_key(resources, "2001:db8:1:2:ffff::9")
    assert same[0] == same[1] != client_key(resources, "2001:db8:1:3::1")
    assert client_key(resources, "::ffff:203.0.113.5") == client_key(resources, "203.0.113.5")
    assert "203.0.113.5" not in client_key(resources, "203.0.113.5")


def test_codes_are_ten_unambiguous_characters_read_as_typed() -> None:
    code = derived_code("secret", "reply-code:rpt_1:seed")
    assert len(code) == 10 and set(code) <= set(CODE_ALPHABET) and not set(code) & set("ILOU")
    assert derived_code("secret", "reply-code:rpt_1:seed") == code != derived_code("other", "reply-code:rpt_1:seed")
    assert read_code(f" {grouped_code(code).lower()} ") == code
    assert read_code("K7PM3-QXDIL") == "K7PM3QXD11"
    assert read_code("K7PM3-QXD9U") is None and read_code("K7PM3QXD9") is None


def test_the_directory_function_loads_the_qr_encoder_only_when_a_letter_is_drawn() -> None:
    probe = "import sys, functions.directory.app; print('segno' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert loaded.stdout.strip() == "False"
