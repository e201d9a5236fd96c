"""The charter's text fields are one line each: no CRLF in an e-mail, no RLO or NUL on the register or the badge."""

import pytest
from flask.testing import FlaskClient

from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from tests.charter.factories import SIREN, signature_form
from tests.store_state import stored_state


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("company_name", "SGE Équipement\r\nBcc: tous@exemple.fr"),
        ("company_name", "SGE \u202eTNEMEPIUQE"),
        ("company_name", "SGE\x00 Équipement"),
        ("representative_name", "Claire Fontaine\r\nVeuillez régler la facture ci-jointe."),
        ("representative_role", "Directrice\x07 financière"),
        ("email", "direction\x00@sge-equipement.fr"),
        ("email", "direction\u202e@sge-equipement.fr"),
    ],
)
def test_a_control_character_in_a_signature_request_is_a_400_that_sends_and_records_nothing(
    charter: FlaskClient, mailer: OutboxMailer, resources: Resources, field: str, value: str
) -> None:
    before = stored_state(resources.store.backend)
    response = charter.post("/signatures", json=signature_form(**{field: value}))
    assert response.status_code == 400
    assert {e["field"]: e["code"] for e in response.json["errors"]} == {
        field: "email_invalide" if field == "email" else "texte_invalide"
    }
    assert mailer.messages() == []
    assert stored_state(resources.store.backend) == before
    # Nothing held back either: the corrected request goes out at once, not after a cooldown.
    assert charter.post("/signatures", json=signature_form()).status_code == 202


def test_the_register_prefix_refuses_control_characters(charter: FlaskClient) -> None:
    response = charter.get("/signatures", query_string={"prefix": "SGE\x00"})
    assert response.status_code == 400
    assert response.json["errors"][0] == {
        "field": "prefix",
        "code": "texte_invalide",
        "message": "Ce texte doit tenir sur une ligne, sans tabulation ni caractère de contrôle.",
    }


def test_a_signature_verification_token_with_a_line_break_is_refused(charter: FlaskClient) -> None:
    response = charter.post("/signatures/verify", json={"token": "ard_sig_abcdefghijkl\r\nmnop"})
    assert response.status_code == 400 and response.json["errors"][0]["code"] == "texte_invalide"
    assert charter.get(f"/signatures/{SIREN}").status_code == 404
