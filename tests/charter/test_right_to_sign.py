"""A signature shows only once the signatory's link to the company is proven (issue 11, deliverable 7).

The attack: a stranger signs for a SIREN with their own address and a name of
their choosing. It must never show on the register, the badge or the company
list, reveal nothing about an existing signature, and never let the stranger
withdraw the real one; the real company still signs and withdraws.
"""

from __future__ import annotations

from datetime import date

from flask.testing import FlaskClient

from functions.core.clock import FixedClock
from functions.core.domain.registry import CompanyIdentity
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.store import Store
from functions.core.usecases.directory.members import create_moderator
from tests.charter.factories import EMAIL, SIREN, last_token, member_header, sign, signature_form

STRANGER = "escroc@exemple.fr"


def _moderator(resources: Resources) -> dict[str, str]:
    credentials = create_moderator(resources, name="Inès Moreau", email="moderation@ardoise.localhost", actor="t")
    return {"Authorization": f"Bearer {credentials.token}"}


def _stranger_signs(charter: FlaskClient, mailer: OutboxMailer) -> dict[str, object]:
    form = signature_form(email=STRANGER, company_name="Arnaques & Cie")
    response = charter.post("/signatures", json=form)
    assert response.status_code == 202, response.json
    verified = charter.post("/signatures/verify", json={"token": last_token(mailer)})
    assert verified.status_code == 200, verified.json
    return verified.json  # type: ignore[no-any-return]  # a JSON object


def test_a_strangers_signature_shows_nowhere_until_a_moderator_approves_it(
    charter: FlaskClient, mailer: OutboxMailer, store: Store
) -> None:
    assert _stranger_signs(charter, mailer) == {"outcome": "pending", "signature": None}
    assert charter.get(f"/signatures/{SIREN}").status_code == 404
    assert charter.get(f"/signatures/{SIREN}/badge.svg").status_code == 404
    assert charter.get("/signatures").json["items"] == []
    assert store.companies.get_company(SIREN) is None  # no company page named by the stranger
    assert charter.post(f"/signatures/{SIREN}/withdraw").status_code == 404


def test_a_request_for_a_signed_company_gets_the_same_answer_and_e_mail_as_for_a_new_one(
    charter: FlaskClient, mailer: OutboxMailer, clock: FixedClock, resources: Resources
) -> None:
    fresh = charter.post("/signatures", json=signature_form(siren="732829320", email=STRANGER)).json
    fresh_mail = mailer.messages()[-1]
    sign(charter, mailer)
    clock.advance(minutes=10)
    known = charter.post("/signatures", json=signature_form(email=STRANGER)).json
    known_mail = mailer.messages()[-1]
    assert {k: v for k, v in known.items() if k not in ("siren", "expires_at")} == {
        k: v for k, v in fresh.items() if k not in ("siren", "expires_at")
    }
    assert known_mail["To"] == fresh_mail["To"] == STRANGER
    assert known_mail["Subject"].replace(SIREN, "") == fresh_mail["Subject"].replace("732829320", "")


def test_a_stranger_cannot_take_over_or_withdraw_a_real_signature(
    charter: FlaskClient, mailer: OutboxMailer, clock: FixedClock
) -> None:
    real = sign(charter, mailer)
    clock.advance(minutes=10)
    assert _stranger_signs(charter, mailer)["outcome"] == "pending"
    assert charter.get(f"/signatures/{SIREN}").json == real
    clock.advance(minutes=10)
    assert charter.post(f"/signatures/{SIREN}/withdraw").status_code == 202
    assert mailer.messages()[-1]["To"] == EMAIL  # the withdrawal link goes to the real company only
    assert charter.get(f"/signatures/{SIREN}").json["status"] == "active"


def test_a_member_token_of_another_company_proves_nothing(
    charter: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    headers = member_header(resources, mailer, "732829320", STRANGER)
    response = charter.post("/signatures", json=signature_form(email=STRANGER), headers=headers)
    assert response.status_code == 403
    assert response.json["type"].endswith("/membre-autre-entreprise")


def test_the_real_company_signs_as_a_member_and_withdraws(charter: FlaskClient, mailer: OutboxMailer) -> None:
    signed = sign(charter, mailer)
    assert signed["status"] == "active"
    assert [s["siren"] for s in charter.get("/signatures").json["items"]] == [SIREN]
    charter.post(f"/signatures/{SIREN}/withdraw")
    confirmed = charter.post(f"/signatures/{SIREN}/withdraw/confirm", json={"token": last_token(mailer)})
    assert confirmed.json["signature"]["status"] == "withdrawn"


def test_a_moderator_sees_the_registry_identity_beside_the_typed_name_and_approves(
    charter: FlaskClient, mailer: OutboxMailer, store: Store, resources: Resources
) -> None:
    store.registry.put_units([
        CompanyIdentity(SIREN, "SOCIETE GENERALE D'EQUIPEMENT", "5710", True, date(2019, 1, 1), True,
                        updated="2026-01-01T00:00:00"),
    ])  # fmt: skip
    form = signature_form(company_name="SGE")
    charter.post("/signatures", json=form)
    assert charter.post("/signatures/verify", json={"token": last_token(mailer)}).json["outcome"] == "pending"
    moderator = _moderator(resources)
    claims = charter.get("/signatures/claims", headers=moderator).json["items"]
    assert [(c["typed_company_name"], c["registry_name"], c["email"]) for c in claims] == [
        ("SGE", "SOCIETE GENERALE D'EQUIPEMENT", EMAIL)
    ]
    decided = charter.post(
        f"/signatures/{SIREN}/claims/{claims[0]['id']}/decision", json={"decision": "approved"}, headers=moderator
    )
    assert decided.status_code == 200, decided.json
    assert decided.json["outcome"] == "signed"
    assert charter.get(f"/signatures/{SIREN}").json["status"] == "active"
    assert charter.get("/signatures/claims", headers=moderator).json["items"] == []


def test_a_refused_claim_goes_and_nothing_shows(
    charter: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    _stranger_signs(charter, mailer)
    moderator = _moderator(resources)
    claim = charter.get("/signatures/claims", headers=moderator).json["items"][0]
    path = f"/signatures/{SIREN}/claims/{claim['id']}/decision"
    assert charter.post(path, json={"decision": "refused"}, headers=moderator).json == {
        "outcome": "refused",
        "signature": None,
    }
    assert charter.post(path, json={"decision": "approved"}, headers=moderator).status_code == 404
    assert charter.get(f"/signatures/{SIREN}").status_code == 404


def test_the_claims_queue_is_for_moderators_only(
    charter: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    assert charter.get("/signatures/claims").status_code == 401
    member = member_header(resources, mailer, SIREN)
    assert charter.get("/signatures/claims", headers=member).status_code == 401
