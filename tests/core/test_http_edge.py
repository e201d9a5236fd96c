"""The shared HTTP edge, on a small app of its own: strict JSON, limits, cursors, problem shape."""

from __future__ import annotations

from datetime import date

import pytest
from flask.testing import FlaskClient

from functions.core.config import Settings
from functions.core.http import MAX_JSON_BYTES, Api, build_app
from functions.core.store.items import decode_cursor
from functions.core.validation import Cents, Model, Siren


class Invoice(Model):
    siren: Siren
    amount_cents: Cents
    due_date: date
    urgent: bool = False


class Paging(Model):
    cursor: str | None = None


api = Api("edge-test")


@api.route("/invoices", "POST", summary="Enregistrer une facture.", body=Invoice, responses={201: Invoice})
def create_invoice(body: Invoice) -> tuple[Invoice, int]:
    return body, 201


@api.route("/invoices", "GET", summary="Lister.", query=Paging)
def list_invoices(query: Paging) -> dict[str, object]:
    if query.cursor:
        decode_cursor(query.cursor)
    return {"items": []}


def require_key() -> str:
    from flask import request

    from functions.core.errors import Unauthorized

    if request.headers.get("X-Key") != "sesame":
        raise Unauthorized("Clé manquante ou invalide.")
    return "caller-1"


@api.route("/private", "POST", summary="Écrire, authentifié.", body=Invoice, security="apiKey", auth=require_key)
def private_write(principal: str, body: Invoice) -> dict[str, str]:
    return {"caller": principal, "siren": body.siren}


@pytest.fixture
def client(settings: Settings) -> FlaskClient:
    app = build_app(__name__, title="Test", description="Test", apis=[api], settings=settings)
    return app.test_client()


VALID = {"siren": "552100554", "amount_cents": 250000, "due_date": "2026-01-31"}


def test_a_valid_body_reaches_the_view_with_its_types(client: FlaskClient) -> None:
    response = client.post("/invoices", json=VALID)
    assert response.status_code == 201
    assert response.json == {**VALID, "urgent": False}


@pytest.mark.parametrize(
    ("field", "value"),
    [("amount_cents", "250000"), ("amount_cents", 2500.5), ("urgent", "true"), ("due_date", 20260131)],
)
def test_json_values_are_not_coerced_from_other_types(client: FlaskClient, field: str, value: object) -> None:
    response = client.post("/invoices", json={**VALID, field: value})
    assert response.status_code == 400
    assert [e["field"] for e in response.json["errors"]] == [field]


def test_validation_messages_are_french_whatever_the_error(client: FlaskClient) -> None:
    response = client.post(
        "/invoices", json={"siren": "123456789", "amount_cents": 1.5, "due_date": "31/01/2026", "x": 1}
    )
    messages = {e["field"]: e["message"] for e in response.json["errors"]}
    assert messages == {
        "siren": "Ce SIREN n'existe pas : sa clé de contrôle est fausse.",
        "amount_cents": "Un nombre entier est attendu.",
        "due_date": "Une date au format AAAA-MM-JJ est attendue.",
        "x": "Ce champ n'est pas attendu.",
    }


def test_a_body_over_the_json_limit_is_a_413_problem(client: FlaskClient) -> None:
    response = client.post(
        "/invoices", data=b'{"pad": "' + b"x" * MAX_JSON_BYTES + b'"}', content_type="application/json"
    )
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [(b"{not json", "application/json", 400), (b"[1, 2]", "application/json", 400), (b"siren=1", "text/plain", 415)],
)
def test_malformed_bodies_are_problems(client: FlaskClient, data: bytes, content_type: str, status: int) -> None:
    response = client.post("/invoices", data=data, content_type=content_type)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"


def test_a_forged_cursor_is_a_400_naming_the_cursor(client: FlaskClient) -> None:
    response = client.get("/invoices?cursor=zzz")
    assert response.status_code == 400
    assert response.json["errors"] == [
        {
            "field": "cursor",
            "code": "curseur_invalide",
            "message": "Ce curseur de pagination n'est pas valide : repartez de la première page.",
        }
    ]


def test_the_problem_instance_includes_the_mount_point(client: FlaskClient) -> None:
    response = client.get("/nowhere", environ_overrides={"SCRIPT_NAME": "/api/directory"})
    assert response.json["instance"] == "/api/directory/nowhere"


def test_bodies_declare_their_limits_in_openapi(client: FlaskClient) -> None:
    operation = client.get("/openapi.json").json["paths"]["/invoices"]["post"]
    assert {"400", "413", "415"} <= set(operation["responses"])


def test_a_response_may_document_several_media_types() -> None:
    from functions.core.openapi import Operation, build_document

    operation = Operation("/x", "GET", "Lire.", responses={200: (Invoice, "text/html", "application/pdf")})
    document = build_document("T", "1", "D", [operation])
    content = document["paths"]["/x"]["get"]["responses"]["200"]["content"]
    assert set(content) == {"application/json", "text/html", "application/pdf"}
    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/Invoice"}


def test_credentials_are_checked_before_the_body(client: FlaskClient) -> None:
    assert client.post("/private", json={}).status_code == 401
    assert client.post("/private", json={}, headers={"X-Key": "wrong"}).status_code == 401
    assert client.post("/private", json={}, headers={"X-Key": "sesame"}).status_code == 400
    response = client.post("/private", json=VALID, headers={"X-Key": "sesame"})
    assert response.json == {"caller": "caller-1", "siren": "552100554"}
