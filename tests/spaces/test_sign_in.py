"""Signing in to the creditor's space by an e-mailed one-time link: single use, 15 minutes, rate-limited."""

from __future__ import annotations

from flask.testing import FlaskClient

from functions.core.clock import FixedClock
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.usecases.directory.members import revoke_member
from tests.spaces.conftest import CREDITOR_SIREN, MEMBER_EMAIL
from tests.spaces.helpers import sign_in, sign_in_token, submit, text


def _cookies(response: object) -> list[str]:
    return response.headers.getlist("Set-Cookie")  # type: ignore[attr-defined, no-any-return]  # a TestResponse


def test_a_member_signs_in_by_the_emailed_link_and_the_token_leaves_the_address(
    browser: FlaskClient, mailer: OutboxMailer
) -> None:
    opened = sign_in(browser, mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    assert opened.status_code == 303
    assert opened.headers["Location"] == "/espace/"
    session_cookie = next(c for c in _cookies(opened) if c.startswith("ardoise_member="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie and "Path=/espace/" in session_cookie
    assert "Secure" not in session_cookie  # a local run is plain HTTP
    home = browser.get("/espace/")
    assert "Menuiserie Durand" in text(home) and "validée" in text(home)


def test_the_link_opens_one_session_only(browser: FlaskClient, mailer: OutboxMailer) -> None:
    sign_in(browser, mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    token = sign_in_token(mailer, MEMBER_EMAIL)
    again = submit(browser, "/espace/", "/espace/connexion/ouvrir", jeton=token)
    assert again.status_code == 404
    assert "déjà servi" in text(again)
    assert browser.get(f"/espace/connexion/{token}").status_code == 404


def test_the_link_expires_after_15_minutes(browser: FlaskClient, mailer: OutboxMailer, clock: FixedClock) -> None:
    submit(browser, "/espace/", "/espace/connexion", siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    token = sign_in_token(mailer, MEMBER_EMAIL)
    clock.advance(minutes=15)
    expired = browser.get(f"/espace/connexion/{token}")
    assert expired.status_code == 410
    assert "a expiré (15 minutes)" in text(expired)


def test_the_link_still_opens_a_session_just_before_15_minutes(
    browser: FlaskClient, mailer: OutboxMailer, clock: FixedClock
) -> None:
    submit(browser, "/espace/", "/espace/connexion", siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    token = sign_in_token(mailer, MEMBER_EMAIL)
    clock.advance(minutes=14, seconds=59)
    opened = submit(browser, f"/espace/connexion/{token}", "/espace/connexion/ouvrir", jeton=token)
    assert opened.status_code == 303 and opened.headers["Location"] == "/espace/"
    assert token not in opened.headers["Location"]


def test_an_unknown_address_gets_the_same_answer_and_no_email(browser: FlaskClient, mailer: OutboxMailer) -> None:
    before = len(mailer.messages())
    known = submit(browser, "/espace/", "/espace/connexion", siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    unknown = submit(browser, "/espace/", "/espace/connexion", siren=CREDITOR_SIREN, email="intrus@exemple.fr")
    assert known.status_code == unknown.status_code == 200
    assert text(known).replace(MEMBER_EMAIL, "X") == text(unknown).replace("intrus@exemple.fr", "X")
    assert len(mailer.messages()) == before + 1


def test_links_are_limited_per_address_with_a_french_page(browser: FlaskClient, clock: FixedClock) -> None:
    for _ in range(5):
        assert (
            submit(browser, "/espace/", "/espace/connexion", siren=CREDITOR_SIREN, email=MEMBER_EMAIL).status_code
            == 200
        )
    refused = submit(browser, "/espace/", "/espace/connexion", siren="404833048", email=MEMBER_EMAIL)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Trop de liens de connexion demandés" in text(refused)
    clock.advance(hours=1)
    assert submit(browser, "/espace/", "/espace/connexion", siren=CREDITOR_SIREN, email=MEMBER_EMAIL).status_code == 200


def test_links_are_limited_per_company(browser: FlaskClient) -> None:
    for n in range(5):
        submit(browser, "/espace/", "/espace/connexion", siren=CREDITOR_SIREN, email=f"personne{n}@exemple.fr")
    refused = submit(browser, "/espace/", "/espace/connexion", siren=CREDITOR_SIREN, email="autre@exemple.fr")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Trop de liens de connexion demandés" in text(refused)


def test_a_form_error_is_shown_beside_its_field(browser: FlaskClient) -> None:
    refused = submit(browser, "/espace/", "/espace/connexion", siren="123456789", email="pas-une-adresse")
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert 'aria-invalid="true"' in page and 'id="erreur-siren"' in page and 'id="erreur-email"' in page
    assert 'role="alert"' in page
    assert 'value="pas-une-adresse"' in page  # what was typed stays


def test_the_session_ends_after_30_idle_minutes(browser: FlaskClient, mailer: OutboxMailer, clock: FixedClock) -> None:
    sign_in(browser, mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    clock.advance(minutes=29)
    assert "Se déconnecter" in text(browser.get("/espace/"))  # used: the idle timeout starts again
    clock.advance(minutes=29)
    assert "Se déconnecter" in text(browser.get("/espace/"))
    clock.advance(minutes=31)
    assert "Recevoir un lien de connexion" in text(browser.get("/espace/"))


def test_signing_out_ends_the_session(browser: FlaskClient, mailer: OutboxMailer) -> None:
    sign_in(browser, mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    cookie = browser.get_cookie("ardoise_member", path="/espace/")
    assert cookie is not None
    out = submit(browser, "/espace/", "/espace/deconnexion")
    assert out.status_code == 303
    assert browser.get_cookie("ardoise_member", path="/espace/") is None
    # The old cookie, replayed, opens nothing: the session is gone from the store.
    browser.set_cookie("ardoise_member", cookie.value, path="/espace/")
    assert "Recevoir un lien de connexion" in text(browser.get("/espace/"))


def test_revoking_the_member_ends_its_session_at_once(
    browser: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    sign_in(browser, mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    member = resources.store.members.list_members(CREDITOR_SIREN)[0]
    revoke_member(resources, member.id, "operator:test")
    page = browser.get("/espace/")
    assert "Recevoir un lien de connexion" in text(page)
    assert "Menuiserie Durand" not in text(page)


def test_the_session_cookie_is_secure_in_production(
    browser: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    production = browser.application.extensions["ardoise"]
    production.settings = resources.settings.replace(env="production")
    opened = sign_in(browser, mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    assert all("Secure" in cookie for cookie in _cookies(opened))


def test_every_page_is_private_with_the_security_headers(browser: FlaskClient) -> None:
    page = browser.get("/espace/")
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["X-Frame-Options"] == "DENY" and page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    policy = page.headers["Content-Security-Policy"]
    assert "script-src" not in policy and "default-src 'none'" in policy and "form-action 'self'" in policy
    assert page.mimetype == "text/html"
