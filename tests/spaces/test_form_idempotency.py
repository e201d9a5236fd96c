"""Every form of the spaces carries a one-time token: sent twice (double click, back button), it is applied once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from tests.directory.conftest import register
from tests.directory.factories import filing_payload
from tests.directory.proof import file_for_review
from tests.spaces.conftest import CREDITOR_SIREN, MEMBER_EMAIL
from tests.spaces.helpers import form_tokens_of, sign_in, text
from tests.spaces.test_filing_form import form
from tests.spaces.test_moderation_space import _signed_in


def _twice(
    client: FlaskClient, page: str, action: str, fields: Callable[[], dict[str, Any]], **second: Any
) -> tuple[TestResponse, TestResponse]:
    """Post the form of ``page`` twice with the same tokens, as a double click does (``second``: values changed)."""
    tokens = form_tokens_of(client, page)
    first = client.post(action, data={**tokens, **fields()})
    again = client.post(action, data={**tokens, **fields(), **second})
    return first, again


def test_a_filing_form_sent_twice_files_one_report_and_shows_the_same_result(
    browser: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    sign_in(browser, mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    first, again = _twice(browser, "/espace/signaler", "/espace/signaler", form)
    assert first.status_code == again.status_code == 303, text(again)
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(resources.store.reports.list_for_creditor(CREDITOR_SIREN)) == 1


def test_a_new_page_of_the_form_files_a_new_report(
    browser: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    sign_in(browser, mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    for number in ("F-1", "F-2"):
        tokens = form_tokens_of(browser, "/espace/signaler")
        assert (
            browser.post("/espace/signaler", data={**tokens, **form(**{"invoice.number": number})}).status_code == 303
        )
    assert len(resources.store.reports.list_for_creditor(CREDITOR_SIREN)) == 2


def test_a_form_sent_again_with_other_values_is_refused_in_french_and_applies_nothing(
    browser: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    sign_in(browser, mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    first, again = _twice(browser, "/espace/signaler", "/espace/signaler", form, **{"invoice.number": "F-AUTRE"})
    assert first.status_code == 303 and again.status_code == 422
    assert "déjà été envoyé avec d'autres valeurs" in text(again)
    [report] = resources.store.reports.list_for_creditor(CREDITOR_SIREN)
    assert report.invoice.number == "F-2025-0412"


def test_a_refused_form_can_be_corrected_and_sent_with_the_same_token(
    browser: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    sign_in(browser, mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    first, again = _twice(
        browser,
        "/espace/signaler",
        "/espace/signaler",
        lambda: form(**{"invoice.amount": "abc"}),
        **{"invoice.amount": "1 250,00"},
    )
    assert first.status_code == 400 and again.status_code == 303
    assert len(resources.store.reports.list_for_creditor(CREDITOR_SIREN)) == 1


def test_a_moderation_decision_sent_twice_is_taken_once_and_the_debtor_told_once(
    directory: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    headers = {"Authorization": register(directory, mailer)}
    report_id = file_for_review(directory, headers, filing_payload()).json["id"]
    browser = _signed_in(directory, mailer, resources)
    sent_before = len(mailer.messages())
    page = f"/moderation/verifications/{report_id}"
    first, again = _twice(browser, page, page, lambda: {"decision": "approved", "note": ""})
    assert first.status_code == again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    assert len(mailer.messages()) == sent_before + 1  # the debtor's notice, once
    assert resources.store.reports.get_report(report_id).notified_at is not None  # type: ignore[union-attr]
