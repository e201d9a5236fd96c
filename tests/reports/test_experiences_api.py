"""Members share payment experiences: JSON or CSV, per-line errors, three creditors before they count."""

import re
from datetime import date

from flask.testing import FlaskClient

from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.usecases.directory.experiences import check_line
from functions.core.usecases.directory.members import decide_member, register_member, verify_member
from functions.core.usecases.propagation import refresh_marked
from tests.reports.factories import CREDITOR_SIRENS, DEBTOR_SIREN, add_subscriber, record_company


def member_token(resources: Resources, mailer: OutboxMailer, siren: str) -> dict[str, str]:
    """Register and verify a member the way a creditor does, and return its auth header."""
    register_member(
        resources,
        siren=siren,
        company_name=f"Fournisseur {siren}",
        contact_name="Claire Martin",
        email=f"compta@{siren}.fr",
    )
    verification = re.findall(r"ard_ver_[\w-]+", mailer.messages()[-1].get_content())[0]
    credentials = verify_member(resources, verification)
    assert credentials.member is not None
    # Only a member whose company's identity a moderator checked may share experiences.
    decide_member(resources, credentials.member.id, approved=True, note="", actor="moderator:test")
    return {"Authorization": f"Bearer {credentials.token}"}


def line(paid_on: str = "2026-02-09", **changes: object) -> dict[str, object]:
    """An invoice of 1,500 EUR due on 10 January, paid 30 days late unless told otherwise."""
    return {
        "debtor_siren": DEBTOR_SIREN,
        "amount_cents": 1_500_00,
        "due_date": "2026-01-10",
        "paid_on": paid_on,
        **changes,
    }


def test_valid_lines_are_kept_and_each_invalid_one_is_explained(
    directory: FlaskClient, resources: Resources, mailer: OutboxMailer
) -> None:
    headers = member_token(resources, mailer, CREDITOR_SIRENS[0])
    lines = [
        line(),
        line(debtor_siren="123456789"),
        line(amount_cents=0),
        line(paid_on="2027-01-01"),
        line(debtor_siren=CREDITOR_SIRENS[0]),
        line(reference="F-2026-17"),
    ]
    response = directory.post("/experiences", json={"experiences": lines}, headers=headers)
    assert response.status_code == 200
    body = response.json
    assert (body["received"], body["accepted"]) == (6, 2)
    assert [(r["line"], r["errors"][0]["code"]) for r in body["rejected"]] == [
        (2, "siren_invalide"),
        (3, "greater_than_equal"),
        (4, "date_future"),
        (5, "soi_meme"),
    ]
    assert len(resources.store.experiences.list_for_debtor(DEBTOR_SIREN)) == 2


def test_a_semicolon_csv_from_a_spreadsheet_is_accepted(
    directory: FlaskClient, resources: Resources, mailer: OutboxMailer
) -> None:
    headers = {**member_token(resources, mailer, CREDITOR_SIRENS[0]), "Content-Type": "text/csv"}
    csv = (
        "\ufeffdebtor_siren;amount_cents;due_date;paid_on;reference\n"
        "552100554;120000;2026-01-31;2026-02-20;F-1\n"
        "552100554;abc;2026-01-31;2026-02-20;F-2\n"
    )
    response = directory.post("/experiences", data=csv.encode(), headers=headers)
    assert response.status_code == 200
    assert response.json["accepted"] == 1
    assert response.json["rejected"][0]["line"] == 2
    assert resources.store.experiences.list_for_debtor(DEBTOR_SIREN)[0].amount_cents == 1_200_00


def test_sharing_needs_a_member_token(directory: FlaskClient) -> None:
    response = directory.post("/experiences", json={"experiences": [line()]})
    assert response.status_code == 401
    wrong = directory.post(
        "/experiences", json={"experiences": [line()]}, headers={"Authorization": "Bearer ard_mbr_faux"}
    )
    assert wrong.status_code == 401


def test_more_than_ten_thousand_lines_are_refused(
    directory: FlaskClient, resources: Resources, mailer: OutboxMailer
) -> None:
    headers = member_token(resources, mailer, CREDITOR_SIRENS[0])
    response = directory.post("/experiences", json={"experiences": [line()] * 10_001}, headers=headers)
    assert response.status_code == 413
    assert resources.store.experiences.list_for_debtor(DEBTOR_SIREN) == []


def test_experiences_feed_the_index_only_from_the_third_creditor(
    directory: FlaskClient, reports: FlaskClient, resources: Resources, mailer: OutboxMailer
) -> None:
    record_company(resources)
    _, key = add_subscriber(resources)
    get = lambda: reports.get(f"/solvency/{DEBTOR_SIREN}", headers={"X-API-Key": key})  # noqa: E731 - a local shorthand
    for creditor, paid_on in zip(CREDITOR_SIRENS[:2], ("2026-01-10", "2026-01-25"), strict=True):
        headers = member_token(resources, mailer, creditor)
        shared = [line(paid_on), line(paid_on, reference="bis")]
        directory.post("/experiences", json={"experiences": shared}, headers=headers)
        refresh_marked(resources)
    # Two creditors' invoices are not shown, not even as a sign that the company is known.
    assert get().status_code == 404
    headers = member_token(resources, mailer, CREDITOR_SIRENS[2])
    directory.post("/experiences", json={"experiences": [line("2026-02-09")]}, headers=headers)
    refresh_marked(resources)
    summary = get().json
    # On time twice (80), 15 days late twice (70), 30 days late once (50), same amounts: 350 / 5 = 70.
    assert summary["basis"]["experiences"] == 5
    assert summary["payment_index"] == 70
    assert summary["grade"] == "B"


def test_sharing_the_same_invoice_again_does_not_count_it_twice(
    directory: FlaskClient, resources: Resources, mailer: OutboxMailer
) -> None:
    headers = member_token(resources, mailer, CREDITOR_SIRENS[0])
    for _ in range(2):
        directory.post("/experiences", json={"experiences": [line(reference="F-9")]}, headers=headers)
    assert len(resources.store.experiences.list_for_debtor(DEBTOR_SIREN)) == 1


def test_a_reference_holding_control_characters_is_refused_line_by_line() -> None:
    shared = line(reference="F-1\u202eevil")
    experience, errors = check_line(shared, CREDITOR_SIRENS[0], date(2026, 3, 2))
    assert experience is None
    assert [(e.field, e.code) for e in errors] == [("reference", "texte_invalide")]


def test_dates_out_of_their_window_are_refused_line_by_line_in_json_and_csv(
    directory: FlaskClient, resources: Resources, mailer: OutboxMailer
) -> None:
    headers = member_token(resources, mailer, CREDITOR_SIRENS[0])
    absurd = [
        line(due_date="9999-12-31"),  # once an OverflowError: a 500 for the whole upload
        line(due_date="2027-03-10", paid_on="2026-02-09"),
        line(due_date="2026-01-10", paid_on="0001-01-01"),
        line(due_date="0001-01-01", paid_on="2026-02-09"),
        line(paid_on="9999-12-31"),
    ]
    as_json = directory.post("/experiences", json={"experiences": absurd}, headers=headers)
    csv = "debtor_siren,amount_cents,due_date,paid_on\n" + "".join(
        f"{e['debtor_siren']},{e['amount_cents']},{e['due_date']},{e['paid_on']}\n" for e in absurd
    )
    as_csv = directory.post("/experiences", data=csv.encode(), headers={**headers, "Content-Type": "text/csv"})
    for response in (as_json, as_csv):
        assert response.status_code == 200
        assert response.json["accepted"] == 0
        assert [[e["code"] for e in r["errors"]] for r in response.json["rejected"]] == [
            ["echeance_trop_lointaine", "dates_trop_eloignees"],
            ["echeance_trop_lointaine"],
            ["dates_trop_eloignees"],
            ["dates_trop_eloignees"],
            ["date_future", "dates_trop_eloignees"],
        ]
    assert resources.store.experiences.list_for_debtor(DEBTOR_SIREN) == []


def test_an_invoice_due_within_a_year_and_paid_early_is_accepted(
    directory: FlaskClient, resources: Resources, mailer: OutboxMailer
) -> None:
    headers = member_token(resources, mailer, CREDITOR_SIRENS[0])
    response = directory.post(
        "/experiences", json={"experiences": [line(due_date="2027-03-02", paid_on="2026-02-09")]}, headers=headers
    )
    assert response.json["accepted"] == 1, response.json
