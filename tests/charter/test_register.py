"""The public register over HTTP: paging, filters, errors."""

from flask.testing import FlaskClient

from functions.core.store import Store
from tests.charter.factories import make_signature
from tests.charter.test_signing import assert_problem

COMPANIES = [
    ("552100554", "Société Générale d'Équipement"),
    ("732829320", "Boulangerie Étoile"),
    ("542065479", "Scierie du Morvan"),
    ("380129866", "Société Nouvelle des Eaux"),
    ("403052111", "Atelier Brézé"),
]


def seed(store: Store) -> None:
    for siren, name in COMPANIES:
        store.signatures.record_signature(
            make_signature(siren=siren, company_name=name), None, action="signature.signed", actor="t"
        )


def test_the_register_pages_with_a_cursor(charter: FlaskClient, store: Store) -> None:
    seed(store)
    names, cursor, pages = [], "", 0
    while cursor is not None:
        body = charter.get("/signatures", query_string={"limit": 2, **({"cursor": cursor} if cursor else {})}).json
        names += [item["company_name"] for item in body["items"]]
        cursor, pages = body["next_cursor"], pages + 1
    assert names == sorted((name for _, name in COMPANIES), key=lambda n: n.replace("É", "E"))
    assert pages == 3


def test_the_register_filters_by_name_prefix_without_accents_or_case(charter: FlaskClient, store: Store) -> None:
    seed(store)
    body = charter.get("/signatures", query_string={"prefix": "SOCIETE", "status": "active"}).json
    assert [item["siren"] for item in body["items"]] == ["552100554", "380129866"]
    assert "email" not in body["items"][0]


def test_bad_filters_are_400s(charter: FlaskClient, store: Store) -> None:
    seed(store)
    assert_problem(charter.get("/signatures?status=pending"), 400, "validation")
    assert_problem(charter.get("/signatures?limit=500"), 400, "validation")
    body = assert_problem(charter.get("/signatures?cursor=forged"), 400, "validation")
    assert body["errors"][0]["field"] == "cursor"


def test_a_bad_siren_in_the_path_is_a_400(charter: FlaskClient) -> None:
    assert_problem(charter.get("/signatures/552100555"), 400, "validation")
