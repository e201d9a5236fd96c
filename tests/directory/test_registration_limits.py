"""Registration is limited to one request per company and per address every five minutes (429, like the charter)."""

import pytest
from flask.testing import FlaskClient

from functions.core.clock import FixedClock
from tests.directory.factories import CREDITOR_SIREN

TOO_SOON = "https://ardoise.fr/problemes/demande-trop-rapprochee"


def registration(*, siren: str = CREDITOR_SIREN, email: str = "compta@menuiserie-durand.fr") -> dict[str, str]:
    return {"siren": siren, "company_name": "Menuiserie Durand SARL", "contact_name": "Claire Durand", "email": email}


@pytest.mark.parametrize(
    "second",
    [
        registration(email="autre@exemple.fr"),  # same company, another address
        registration(siren="542065479"),  # same address, another company
        registration(email="Compta@Menuiserie-Durand.FR", siren="542065479"),  # the address in other case
        registration(email="compta+ardoise@menuiserie-durand.fr", siren="542065479"),  # the same inbox, tagged
    ],
)
def test_a_second_registration_within_five_minutes_is_refused_with_retry_after(
    directory: FlaskClient, clock: FixedClock, second: dict[str, str]
) -> None:
    assert directory.post("/members", json=registration()).status_code == 202
    clock.advance(minutes=1)
    refused = directory.post("/members", json=second)
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert refused.json["type"] == TOO_SOON and "réessayez dans 4 minute(s)" in refused.json["detail"]
    assert refused.headers["Retry-After"] == "241"
    clock.advance(minutes=4)
    assert directory.post("/members", json=second).status_code == 202


def test_a_refused_request_sends_nothing_and_records_nothing(directory: FlaskClient, mailer: object) -> None:
    directory.post("/members", json=registration())
    sent = len(mailer.messages())  # type: ignore[attr-defined]
    assert directory.post("/members", json=registration()).status_code == 429
    assert len(mailer.messages()) == sent  # type: ignore[attr-defined]
    resources = directory.application.extensions["ardoise"]
    assert len(resources.store.members.list_members(CREDITOR_SIREN)) == 1
