"""Signing up in the creditor's space: the same use case as POST /members, the e-mail's link, the approval."""

from __future__ import annotations

from flask.testing import FlaskClient

from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from tests.spaces.helpers import VERIFY_LINK, approve, last_mail_to, submit, text

SIREN, EMAIL = "732829320", "direction@garage-du-centre.fr"


def _sign_up(client: FlaskClient, **changes: str) -> object:
    fields = {"siren": SIREN, "company_name": "Garage du Centre", "contact_name": "Paul Garnier", "email": EMAIL}
    return submit(client, "/espace/inscription", "/espace/inscription", **{**fields, **changes})


def test_a_company_signs_up_confirms_its_address_and_waits_for_approval(
    directory: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    registered = _sign_up(directory)
    assert registered.status_code == 200  # type: ignore[attr-defined]
    assert "Un e-mail vient d'être envoyé" in text(registered)  # type: ignore[arg-type]
    token = VERIFY_LINK.findall(last_mail_to(mailer, EMAIL))[0]
    confirmed = submit(directory, f"/espace/verifier/{token}", "/espace/verifier", jeton=token)
    assert confirmed.status_code == 200
    assert "ard_mbr_" in text(confirmed)  # the API token, shown once, for integrations
    home = directory.get("/espace/")
    assert "en attente de validation" in text(home)
    approve(resources, SIREN)
    assert "validée" in text(directory.get("/espace/"))


def test_sign_up_errors_are_shown_beside_their_fields_in_french(directory: FlaskClient) -> None:
    refused = _sign_up(directory, siren="732829321", email="")
    assert refused.status_code == 400  # type: ignore[attr-defined]
    page = refused.get_data(as_text=True)  # type: ignore[attr-defined]
    assert 'id="erreur-siren"' in page and 'id="erreur-email"' in page
    assert 'value="Garage du Centre"' in page


def test_a_second_sign_up_too_soon_is_refused_as_the_api_does(directory: FlaskClient) -> None:
    _sign_up(directory)
    again = _sign_up(directory)
    assert again.status_code == 429  # type: ignore[attr-defined]
    assert "Une inscription vient d'être demandée" in text(again)  # type: ignore[arg-type]


def test_a_verification_link_serves_once(directory: FlaskClient, mailer: OutboxMailer) -> None:
    _sign_up(directory)
    token = VERIFY_LINK.findall(last_mail_to(mailer, EMAIL))[0]
    submit(directory, f"/espace/verifier/{token}", "/espace/verifier", jeton=token)
    again = submit(directory, f"/espace/verifier/{token}", "/espace/verifier", jeton=token)
    assert again.status_code == 404
    assert "inconnu ou a déjà servi" in text(again)
