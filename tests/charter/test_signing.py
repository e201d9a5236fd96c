"""Signing the charter: request, e-mailed verification, errors, re-signing, new versions."""

from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from functions.core.clock import FixedClock
from functions.core.domain.charter import load_charter
from functions.core.domain.companies import Company
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.store import Store
from functions.local.tick import run_local_tick
from tests.charter.factories import (
    COMPANY,
    EMAIL,
    NEXT_VERSION,
    SIREN,
    VERSION,
    last_token,
    member_header,
    sign,
    signature_form,
)

PROBLEM = "https://ardoise.fr/problemes/"


def assert_problem(response: TestResponse, status: int, slug: str) -> Any:
    assert response.status_code == status, response.json
    assert response.mimetype == "application/problem+json"
    assert response.json["type"] == PROBLEM + slug
    return response.json


def test_a_request_sends_a_french_verification_email_and_signs_nothing_yet(
    charter: FlaskClient, mailer: OutboxMailer
) -> None:
    response = charter.post("/signatures", json=signature_form())
    assert response.status_code == 202
    assert response.json["status"] == "verification_sent"
    assert response.json["sent_to"] == "requested_address"
    assert response.json["expires_at"] == "2026-03-04T09:00:00Z"
    message = mailer.messages()[-1]
    assert message["To"] == EMAIL
    assert message["Subject"] == f"Confirmez la signature de la charte Ardoise (SIREN {SIREN})"
    text = message.get_body(("plain",)).get_content()
    assert "version 2025-06, 8 engagements" in text and f"SIREN {SIREN}" in text
    assert f"- raison sociale : « {COMPANY} »" in text and "- représentant : « Claire Fontaine »" in text
    assert "/charte/confirmer/#jeton=ard_sig_" in text and "avant le 04/03/2026 à 10h00" in text
    assert_problem(charter.get(f"/signatures/{SIREN}"), 404, "non-signataire")


def test_verifying_completes_the_signature_with_its_date_and_version(
    charter: FlaskClient, mailer: OutboxMailer, clock: FixedClock, store: Store, resources: Resources
) -> None:
    charter.post("/signatures", json=signature_form(), headers=member_header(resources, mailer, SIREN))
    clock.advance(hours=3)
    response = charter.post("/signatures/verify", json={"token": last_token(mailer)})
    assert response.status_code == 200
    assert response.json["outcome"] == "signed"
    signature = charter.get(f"/signatures/{SIREN}").json
    assert signature["signed_at"] == "2026-03-02T12:00:00Z"
    assert (signature["version"], signature["status"], signature["company_name"]) == (VERSION, "active", COMPANY)
    assert "email" not in signature and "representative_name" not in signature
    assert mailer.messages()[-1]["Subject"] == f"Signature de la charte enregistrée (SIREN {SIREN})"
    assert store.companies.get_company(SIREN) == Company(SIREN, COMPANY)
    actions = [e.action for e in store.audit.list_events(f"company:{SIREN}") if e.action.startswith("signature.")]
    assert actions[:2] == ["signature.sign_link_sent", "signature.signed"]


def test_every_moment_is_written_to_the_second_whether_fresh_or_stored(
    charter: FlaskClient, mailer: OutboxMailer, clock: FixedClock, resources: Resources
) -> None:
    headers = member_header(resources, mailer, SIREN)
    clock.advance(seconds=35.118267)
    sent = charter.post("/signatures", json=signature_form(), headers=headers)
    assert sent.json["expires_at"] == "2026-03-04T09:00:35Z"
    clock.advance(hours=3, microseconds=404)
    fresh = charter.post("/signatures/verify", json={"token": last_token(mailer)}).json["signature"]
    stored = charter.get(f"/signatures/{SIREN}").json
    listed = charter.get("/signatures").json["items"][0]
    assert fresh["signed_at"] == stored["signed_at"] == listed["signed_at"] == "2026-03-02T12:00:35Z"
    assert fresh["status_since"] == stored["status_since"] == "2026-03-02T12:00:35Z"


def test_the_directory_name_wins_over_the_typed_one(charter: FlaskClient, mailer: OutboxMailer, store: Store) -> None:
    store.companies.record_company(Company(SIREN, "SGE Équipement SA", city="Paris"), "t")
    signature = sign(charter, mailer, company_name="sge")
    assert signature["company_name"] == "SGE Équipement SA"
    assert signature["page_url"].endswith(f"/entreprises/{SIREN}-sge-equipement-sa/")


def test_a_wrong_token_is_a_clear_404(charter: FlaskClient) -> None:
    body = assert_problem(
        charter.post("/signatures/verify", json={"token": "ard_sig_" + "x" * 43}), 404, "lien-inconnu"
    )
    assert "inconnu" in body["detail"]


def test_an_expired_token_is_a_clear_410(charter: FlaskClient, mailer: OutboxMailer, clock: FixedClock) -> None:
    charter.post("/signatures", json=signature_form())
    clock.advance(hours=48)
    body = assert_problem(charter.post("/signatures/verify", json={"token": last_token(mailer)}), 410, "lien-expire")
    assert "04/03/2026 à 10h00" in body["detail"]
    assert charter.get(f"/signatures/{SIREN}").status_code == 404


def test_a_token_serves_once(charter: FlaskClient, mailer: OutboxMailer) -> None:
    charter.post("/signatures", json=signature_form())
    token = last_token(mailer)
    assert charter.post("/signatures/verify", json={"token": token}).status_code == 200
    assert_problem(charter.post("/signatures/verify", json={"token": token}), 404, "lien-inconnu")


def test_explicit_acceptance_is_required(charter: FlaskClient) -> None:
    for accepted in (False, "oui", None):
        body = assert_problem(charter.post("/signatures", json=signature_form(accepted=accepted)), 400, "validation")
        assert [e["field"] for e in body["errors"]] == ["accepted"]
    body = assert_problem(charter.post("/signatures", json=signature_form(accepted=False)), 400, "validation")
    assert body["errors"][0]["message"] == "Vous devez accepter explicitement la charte pour la signer."


def test_every_invalid_field_is_listed(charter: FlaskClient) -> None:
    form = signature_form(siren="552100555", email="pas-une-adresse", representative_name="", version="v2")
    body = assert_problem(charter.post("/signatures", json=form), 400, "validation")
    assert {e["field"] for e in body["errors"]} == {"siren", "email", "representative_name", "version"}


def test_an_unknown_version_is_refused(charter: FlaskClient) -> None:
    body = assert_problem(charter.post("/signatures", json=signature_form(version="2019-01")), 400, "validation")
    assert body["errors"][0]["code"] == "version_inconnue"


def test_a_version_other_than_the_current_one_is_refused(charter: FlaskClient, clock: FixedClock) -> None:
    body = assert_problem(
        charter.post("/signatures", json=signature_form(version=NEXT_VERSION)), 422, "version-depassee"
    )
    assert body["current_version"] == VERSION
    clock.now = load_charter().get(NEXT_VERSION).effective_at
    body = assert_problem(charter.post("/signatures", json=signature_form(version=VERSION)), 422, "version-depassee")
    assert f"la version en vigueur est la {NEXT_VERSION}" in body["detail"]


def test_a_request_verified_after_a_new_version_took_effect_is_refused(
    charter: FlaskClient, mailer: OutboxMailer, clock: FixedClock
) -> None:
    clock.now = load_charter().get(NEXT_VERSION).effective_at - timedelta(hours=1)
    charter.post("/signatures", json=signature_form())
    clock.advance(hours=2)
    assert_problem(charter.post("/signatures/verify", json={"token": last_token(mailer)}), 422, "version-depassee")


def test_a_burst_of_requests_is_refused_with_retry_after(
    charter: FlaskClient, mailer: OutboxMailer, clock: FixedClock
) -> None:
    charter.post("/signatures", json=signature_form())
    clock.advance(minutes=2)
    response = charter.post("/signatures", json=signature_form())
    assert_problem(response, 429, "demande-trop-rapprochee")
    assert response.headers["Retry-After"] == "181"
    assert len(mailer.messages()) == 1


SIRENS = ("552100554", "732829320", "542051180", "383474814", "443061841", "356000018")


def test_one_address_gets_one_link_per_cooldown_whatever_the_sirens_named(
    charter: FlaskClient, mailer: OutboxMailer, clock: FixedClock
) -> None:
    victim = "a.dupont@example.org"
    # The same inbox however written: case, a +tag, nothing else changes where it lands.
    spellings = [victim, "A.Dupont@Example.org", "a.dupont+1@example.org", "a.dupont+urgent@example.org"]
    answers = [
        charter.post("/signatures", json=signature_form(siren=siren, email=spellings[n % len(spellings)]))
        for n, siren in enumerate(SIRENS)
    ]
    assert [a.status_code for a in answers] == [202, 429, 429, 429, 429, 429]
    refused = assert_problem(answers[1], 429, "demande-trop-rapprochee")
    assert "cette adresse e-mail" in refused["detail"] and answers[1].headers["Retry-After"] == "301"
    assert len(mailer.messages()) == 1
    clock.advance(minutes=5)
    assert charter.post("/signatures", json=signature_form(siren=SIRENS[1], email=spellings[2])).status_code == 202
    assert len(mailer.messages()) == 2


def test_two_requests_at_once_to_one_address_send_one_link(charter: FlaskClient, mailer: OutboxMailer) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        forms = [signature_form(siren=siren, email="a.dupont@example.org") for siren in SIRENS[:2]]
        statuses = sorted(pool.map(lambda form: charter.post("/signatures", json=form).status_code, forms))
    assert statuses == [202, 429]
    assert len(mailer.messages()) == 1


def test_what_the_requester_typed_is_quoted_defused_and_never_in_the_subject(
    charter: FlaskClient, mailer: OutboxMailer
) -> None:
    trap = "urgent : réglez via http://evil.example/pay"
    form = signature_form(company_name=trap, representative_name="Service www.evil.example", representative_role="DAF")
    assert charter.post("/signatures", json=form).status_code == 202
    [message] = mailer.messages()
    assert message["Subject"] == f"Confirmez la signature de la charte Ardoise (SIREN {SIREN})"
    text = message.get_body(("plain",)).get_content()
    assert "- raison sociale : « urgent : réglez via http[:]//evil[.]example/pay »" in text
    assert "- représentant : « Service www[.]evil[.]example »" in text
    assert "tel quel (Ardoise ne l'a pas vérifié)" in text and text.startswith("Bonjour,\n")
    assert "evil.example" not in text and "http://evil" not in text
    # The only links are Ardoise's own.
    assert [line for line in text.splitlines() if "://" in line] == [
        line for line in text.splitlines() if "/charte/" in line
    ]


def test_a_receipt_reveals_nothing_of_the_address(
    charter: FlaskClient, mailer: OutboxMailer, clock: FixedClock
) -> None:
    sign(charter, mailer)
    clock.advance(minutes=10)
    for response in (
        charter.post("/signatures", json=signature_form()),  # already signed: answered as for a new company
        charter.post(f"/signatures/{SIREN}/withdraw"),  # asked by anyone, sent to the signature's address
    ):
        assert response.status_code == 202
        assert "direction" not in response.text and "sge-equipement" not in response.text


def test_a_new_request_replaces_the_older_link(
    charter: FlaskClient, mailer: OutboxMailer, clock: FixedClock, resources: Resources
) -> None:
    headers = member_header(resources, mailer, SIREN)
    charter.post("/signatures", json=signature_form(), headers=headers)
    first = last_token(mailer)
    clock.advance(minutes=10)
    form = signature_form(representative_name="Paul Martin")
    assert charter.post("/signatures", json=form, headers=headers).status_code == 202
    assert_problem(charter.post("/signatures/verify", json={"token": first}), 404, "lien-inconnu")
    assert charter.post("/signatures/verify", json={"token": last_token(mailer)}).json["outcome"] == "signed"


def test_re_signing_the_current_version_is_a_no_op(
    charter: FlaskClient, mailer: OutboxMailer, clock: FixedClock, store: Store
) -> None:
    signed = sign(charter, mailer)
    clock.advance(days=3)
    # From the signature's own address, proven when it signed: no member token needed.
    assert charter.post("/signatures", json=signature_form()).status_code == 202
    assert charter.post("/signatures/verify", json={"token": last_token(mailer)}).json["outcome"] == "unchanged"
    assert charter.get(f"/signatures/{SIREN}").json == signed


def test_signing_a_newer_version_supersedes_the_older_one(
    charter: FlaskClient, mailer: OutboxMailer, clock: FixedClock
) -> None:
    first = sign(charter, mailer)
    clock.now = load_charter().get(NEXT_VERSION).effective_at + timedelta(days=2)
    outdated = charter.get(f"/signatures/{SIREN}").json
    assert (outdated["status"], outdated["status_since"], outdated["current_version"]) == (
        "outdated",
        "2026-08-31T22:00:00Z",
        NEXT_VERSION,
    )
    assert [s["siren"] for s in charter.get("/signatures?status=outdated").json["items"]] == [SIREN]
    assert charter.get("/signatures?status=active").json["items"] == []
    renewed = charter.post("/signatures/verify", json={"token": _request_token(charter, mailer, NEXT_VERSION)}).json
    assert renewed["outcome"] == "renewed"
    signature = renewed["signature"]
    assert (signature["version"], signature["status"]) == (NEXT_VERSION, "active")
    assert signature["history"] == [
        {"version": VERSION, "signed_at": first["signed_at"], "ended_at": signature["signed_at"]}
    ]
    assert [s["siren"] for s in charter.get("/signatures?status=active").json["items"]] == [SIREN]
    assert charter.get("/signatures?status=outdated").json["items"] == []


def test_renewing_from_another_address_only_leaves_a_claim_for_a_moderator(
    charter: FlaskClient, mailer: OutboxMailer, clock: FixedClock
) -> None:
    signed = sign(charter, mailer)
    clock.now = load_charter().get(NEXT_VERSION).effective_at
    form = signature_form(version=NEXT_VERSION, email="intrus@exemple.fr")
    response = charter.post("/signatures", json=form)
    assert response.status_code == 202 and "sge-equipement" not in response.text
    verified = charter.post("/signatures/verify", json={"token": last_token(mailer)}).json
    assert verified == {"outcome": "pending", "signature": None}
    kept = charter.get(f"/signatures/{SIREN}").json
    assert (kept["version"], kept["signed_at"]) == (signed["version"], signed["signed_at"])


def _request_token(charter: FlaskClient, mailer: OutboxMailer, version: str) -> str:
    assert charter.post("/signatures", json=signature_form(version=version)).status_code == 202
    return last_token(mailer)


def test_the_tick_purges_unverified_requests_once_expired(
    charter: FlaskClient, mailer: OutboxMailer, clock: FixedClock, resources: Resources
) -> None:
    charter.post("/signatures", json=signature_form())
    token = last_token(mailer)
    clock.advance(days=3, seconds=1)
    assert run_local_tick(resources)["charter_links"] == 3  # the link, its company's marker, its mailbox's marker
    assert_problem(charter.post("/signatures/verify", json={"token": token}), 404, "lien-inconnu")
