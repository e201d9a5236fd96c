"""The moderators' space: sign in by link, the queues with counts and ages, each decision through the API's use case."""

from __future__ import annotations

from flask.testing import FlaskClient

from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.usecases.directory.members import create_moderator, revoke_moderator
from tests.directory.conftest import register, register_pending, reply_token, subjects_to
from tests.directory.factories import filing_payload
from tests.directory.proof import file_for_review, file_report
from tests.spaces.helpers import SIGN_IN_LINK, last_mail_to, submit, text

MODERATOR_EMAIL = "ines.moreau@ardoise.localhost"


def _signed_in(directory: FlaskClient, mailer: OutboxMailer, resources: Resources) -> FlaskClient:
    create_moderator(resources, name="Inès Moreau", email=MODERATOR_EMAIL, actor="operator:test")
    browser = directory.application.test_client()
    asked = submit(browser, "/moderation/", "/moderation/connexion", email=MODERATOR_EMAIL)
    assert asked.status_code == 200
    token = SIGN_IN_LINK.findall(last_mail_to(mailer, MODERATOR_EMAIL))[0]
    opened = submit(browser, f"/moderation/connexion/{token}", "/moderation/connexion/ouvrir", jeton=token)
    assert opened.status_code == 303 and opened.headers["Location"] == "/moderation/"
    return browser


def test_a_moderator_sees_the_queues_with_counts_and_ages(
    directory: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    register_pending(directory, mailer, siren="404833048", name="Garage du Centre", email="garage@exemple.fr")
    headers = {"Authorization": register(directory, mailer)}
    assert file_for_review(directory, headers, filing_payload()).status_code == 201
    browser = _signed_in(directory, mailer, resources)
    home = text(browser.get("/moderation/"))
    assert "Membres à valider (1)" in home and "Garage du Centre (SIREN 404833048)" in home
    assert "Signalements à vérifier (1)" in home and "Contestations à trancher (0)" in home
    assert "0 min" in home


def test_a_moderator_approves_a_member_and_a_refusal_needs_its_note(
    directory: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    member_id, _ = register_pending(directory, mailer)
    browser = _signed_in(directory, mailer, resources)
    page = f"/moderation/membres/{member_id}"
    refused = submit(browser, page, page, decision="refused", note="")
    assert refused.status_code == 400 and 'id="erreur-note"' in refused.get_data(as_text=True)
    assert "Indiquez au membre le motif du refus." in text(refused)
    approved = submit(browser, page, page, decision="approved", note="Kbis vérifié.")
    assert approved.status_code == 303
    assert resources.store.members.get_member(member_id).status.value == "active"  # type: ignore[union-attr]
    assert "Ardoise : inscription validée" in subjects_to(mailer, "compta@menuiserie-durand.fr")


def test_a_moderator_checks_a_report_and_the_debtor_is_told(
    directory: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    headers = {"Authorization": register(directory, mailer)}
    report_id = file_for_review(directory, headers, filing_payload()).json["id"]
    browser = _signed_in(directory, mailer, resources)
    page = f"/moderation/verifications/{report_id}"
    shown = browser.get(page)
    assert "SHA-256" in text(shown) and "Mise en demeure" in text(shown)
    missing = submit(browser, page, page, decision="refused", note="")
    assert missing.status_code == 400 and "Indiquez au créancier le motif du refus." in text(missing)
    assert submit(browser, page, page, decision="approved").status_code == 303
    assert resources.store.reports.get_report(report_id).notified_at is not None  # type: ignore[union-attr]
    assert reply_token(mailer)  # the debtor's notice went out with its link


def test_a_moderator_decides_a_dispute_with_a_note_to_both_sides(
    directory: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    headers = {"Authorization": register(directory, mailer)}
    report_id = file_report(directory, headers, filing_payload()).json["id"]
    token = reply_token(mailer)
    disputed = directory.post(
        f"/replies/{token}",
        json={
            "action": "dispute",
            "reason": "not_owed",
            "text": "Les travaux n'ont jamais été terminés, voir PV.",
            "evidence_ids": [],
        },
    )
    assert disputed.status_code == 200, disputed.json
    browser = _signed_in(directory, mailer, resources)
    assert "Contestations à trancher (1)" in text(browser.get("/moderation/"))
    page = f"/moderation/contestations/{report_id}"
    assert "Les travaux n'ont jamais été terminés" in text(browser.get(page))
    assert submit(browser, page, page, decision="upheld", note="").status_code == 400
    assert submit(browser, page, page, decision="rejected", note="Le créancier n'a pas répondu.").status_code == 303
    assert resources.store.reports.get_report(report_id).moderation is not None  # type: ignore[union-attr]


def test_a_member_session_opens_nothing_in_the_moderation_space(
    directory: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    browser = _signed_in(directory, mailer, resources)
    cookie = browser.get_cookie("ardoise_moderator", path="/moderation/")
    assert cookie is not None
    member_browser = directory.application.test_client()
    member_browser.set_cookie("ardoise_member", cookie.value, path="/moderation/")  # the wrong cookie for this space
    assert member_browser.get("/moderation/membres/x").status_code == 303


def test_revoking_a_moderator_ends_its_session_at_once(
    directory: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    browser = _signed_in(directory, mailer, resources)
    moderator = next(m for m in resources.store.moderators.list_moderators() if m.email == MODERATOR_EMAIL)
    revoke_moderator(resources, moderator.id, "operator:test")
    assert "Recevoir un lien de connexion" in text(browser.get("/moderation/"))
