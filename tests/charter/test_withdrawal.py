"""Withdrawing a signature through a link sent to its verified address."""

from flask.testing import FlaskClient

from functions.core.clock import FixedClock
from functions.core.mailer import OutboxMailer
from functions.core.store import Store
from tests.charter.factories import EMAIL, SIREN, last_token, sign
from tests.charter.test_signing import assert_problem


def test_withdrawal_is_confirmed_from_the_verified_address_and_shown(
    charter: FlaskClient, mailer: OutboxMailer, clock: FixedClock, store: Store
) -> None:
    sign(charter, mailer)
    clock.advance(days=10)
    response = charter.post(f"/signatures/{SIREN}/withdraw")
    assert response.status_code == 202
    assert response.json["sent_to"] == "signature_address"
    message = mailer.messages()[-1]
    assert message["To"] == EMAIL
    text = message.get_body(("plain",)).get_content()
    assert f"/charte/retirer/#siren={SIREN}&jeton=ard_ret_" in text
    assert charter.get(f"/signatures/{SIREN}").json["status"] == "active"

    clock.advance(hours=1)
    confirmed = charter.post(f"/signatures/{SIREN}/withdraw/confirm", json={"token": last_token(mailer)})
    assert confirmed.status_code == 200
    shown = charter.get(f"/signatures/{SIREN}").json
    assert (shown["status"], shown["withdrawn_at"], shown["status_since"]) == (
        "withdrawn",
        "2026-03-12T10:00:00Z",
        "2026-03-12T10:00:00Z",
    )
    assert [s["siren"] for s in charter.get("/signatures?status=withdrawn").json["items"]] == [SIREN]
    assert charter.get("/signatures?status=active").json["items"] == []
    event = store.audit.list_events(f"company:{SIREN}")[-1]
    assert (event.action, event.before["standing"], event.after["standing"]) == (
        "signature.withdrawn",
        "active",
        "withdrawn",
    )


def test_a_withdrawal_link_only_works_for_its_own_company(charter: FlaskClient, mailer: OutboxMailer) -> None:
    sign(charter, mailer)
    charter.post(f"/signatures/{SIREN}/withdraw")
    token = last_token(mailer)
    assert_problem(charter.post("/signatures/732829320/withdraw/confirm", json={"token": token}), 404, "lien-inconnu")
    # Nor as a signing link.
    assert_problem(charter.post("/signatures/verify", json={"token": token}), 404, "lien-inconnu")
    assert charter.get(f"/signatures/{SIREN}").json["status"] == "active"


def test_an_expired_withdrawal_link_withdraws_nothing(
    charter: FlaskClient, mailer: OutboxMailer, clock: FixedClock
) -> None:
    sign(charter, mailer)
    charter.post(f"/signatures/{SIREN}/withdraw")
    clock.advance(days=3)
    assert_problem(
        charter.post(f"/signatures/{SIREN}/withdraw/confirm", json={"token": last_token(mailer)}), 410, "lien-expire"
    )
    assert charter.get(f"/signatures/{SIREN}").json["status"] == "active"


def test_withdrawing_needs_a_signature_still_in_place(
    charter: FlaskClient, mailer: OutboxMailer, clock: FixedClock
) -> None:
    assert_problem(charter.post(f"/signatures/{SIREN}/withdraw"), 404, "non-signataire")
    sign(charter, mailer)
    charter.post(f"/signatures/{SIREN}/withdraw")
    charter.post(f"/signatures/{SIREN}/withdraw/confirm", json={"token": last_token(mailer)})
    clock.advance(minutes=10)
    body = assert_problem(charter.post(f"/signatures/{SIREN}/withdraw"), 409, "conflit")
    assert "02/03/2026" in body["detail"]


def test_a_withdrawn_company_may_sign_again(charter: FlaskClient, mailer: OutboxMailer, clock: FixedClock) -> None:
    first = sign(charter, mailer)
    charter.post(f"/signatures/{SIREN}/withdraw")
    charter.post(f"/signatures/{SIREN}/withdraw/confirm", json={"token": last_token(mailer)})
    clock.advance(days=40)
    again = sign(charter, mailer, email="nouvelle.direction@sge-equipement.fr")
    assert again["status"] == "active"
    assert again["history"] == [
        {"version": first["version"], "signed_at": first["signed_at"], "ended_at": first["signed_at"]}
    ]
    assert charter.get(f"/signatures/{SIREN}").json["status"] == "active"


def test_no_charter_e_mail_puts_a_typed_name_in_its_subject_or_a_link_in_its_body(
    charter: FlaskClient, mailer: OutboxMailer, clock: FixedClock
) -> None:
    sign(charter, mailer, company_name="Payez sur https://evil.example/pay")
    clock.advance(minutes=10)
    charter.post(f"/signatures/{SIREN}/withdraw")
    charter.post(f"/signatures/{SIREN}/withdraw/confirm", json={"token": last_token(mailer)})
    messages = [m for m in mailer.messages() if "charte" in m["Subject"]]  # the member's own e-mails aside
    assert [m["Subject"] for m in messages] == [
        f"Confirmez la signature de la charte Ardoise (SIREN {SIREN})",
        f"Signature de la charte enregistrée (SIREN {SIREN})",
        f"Retrait de la signature de la charte (SIREN {SIREN})",
        f"Signature de la charte retirée (SIREN {SIREN})",
    ]
    for message in messages:
        text = message.get_body(("plain",)).get_content()
        assert "« Payez sur https[:]//evil[.]example/pay »" in text
        assert "evil.example" not in text.replace(f"/entreprises/{SIREN}-payez-sur-https-evil-example-pay/", "")
