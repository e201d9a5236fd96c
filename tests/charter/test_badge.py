"""The signatory's badge: valid SVG, escaped name, current status, link to the company page."""

import xml.etree.ElementTree as ET

from flask.testing import FlaskClient

from functions.core.badge import render_badge
from functions.core.clock import FixedClock
from functions.core.domain.charter import SignatureStatus
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.store import Store
from functions.core.usecases.propagation import refresh_marked
from tests.charter.factories import SIREN, sign
from tests.charter.test_signing import assert_problem
from tests.charter.test_suspension import publish_report

SVG = "{http://www.w3.org/2000/svg}"
NASTY = "Dupont & Fils <script>alert(\"x\")</script> 'SARL'"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode())


def test_the_badge_is_valid_xml_that_escapes_the_company_name() -> None:
    svg = render_badge(NASTY, SignatureStatus.ACTIVE, "https://ardoise.example.fr/entreprises/552100554-dupont/")
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == f"charte Ardoise — {NASTY} : signataire"
    assert root.get("aria-label") == f"charte Ardoise — {NASTY} : signataire"
    assert "<script>" not in svg and root.find(f".//{SVG}script") is None


def test_the_badge_says_each_status_in_french() -> None:
    texts = {
        status: [t.text for t in parse(render_badge("Scierie du Morvan", status, "/p/")).iter(f"{SVG}text")]
        for status in SignatureStatus
    }
    assert texts[SignatureStatus.ACTIVE] == ["charte Ardoise", "signataire"]
    assert texts[SignatureStatus.SUSPENDED] == ["charte Ardoise", "suspendue"]
    assert texts[SignatureStatus.OUTDATED] == ["charte Ardoise", "version dépassée"]
    assert texts[SignatureStatus.WITHDRAWN] == ["charte Ardoise", "retirée"]


def test_the_badge_url_serves_svg_linking_to_the_company_page_and_reflects_a_suspension(
    charter: FlaskClient, mailer: OutboxMailer, clock: FixedClock, store: Store, resources: Resources
) -> None:
    sign(charter, mailer, company_name=NASTY)
    response = charter.get(f"/signatures/{SIREN}/badge.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    root = parse(response.get_data(as_text=True))
    link = root.find(f"{SVG}a")
    assert link.get("href") == f"http://127.0.0.1:8000/entreprises/{SIREN}-dupont-fils-script-alert-x-script-sarl/"
    assert [t.text for t in root.iter(f"{SVG}text")][-1] == "signataire"

    publish_report(store, clock)
    refresh_marked(resources)
    suspended = parse(charter.get(f"/signatures/{SIREN}/badge.svg").get_data(as_text=True))
    assert [t.text for t in suspended.iter(f"{SVG}text")][-1] == "suspendue"
    assert "signature suspendue" in suspended.find(f"{SVG}title").text


def test_a_company_that_never_signed_has_no_badge(charter: FlaskClient) -> None:
    assert_problem(charter.get(f"/signatures/{SIREN}/badge.svg"), 404, "non-signataire")
    assert_problem(charter.get("/signatures/123/badge.svg"), 400, "validation")


def test_the_colours_differ_between_active_and_suspended() -> None:
    active = render_badge("A", SignatureStatus.ACTIVE, "/p/")
    suspended = render_badge("A", SignatureStatus.SUSPENDED, "/p/")
    assert active != suspended and "#c62828" in suspended and "#2e7d32" in active


def test_the_badge_shown_on_the_company_page_itself_holds_no_link() -> None:
    """Inline on its own page, a link inside an element of role img would be a control with no name (axe)."""
    inline = parse(render_badge("Scierie du Morvan", SignatureStatus.ACTIVE, None))
    assert inline.find(f".//{SVG}a") is None and [t.text for t in inline.iter(f"{SVG}text")][1] == "signataire"
