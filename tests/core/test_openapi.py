import importlib
import random
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from openapi_spec_validator import validate
from pydantic import ValidationError
from werkzeug.test import Client

from functions.core.config import Settings
from functions.core.mounts import is_space_page
from functions.core.openapi import Operation
from functions.core.resources import Resources
from functions.core.validation import SIREN_PATTERN, Model, Siren
from functions.local.server import build_local_app

FUNCTIONS = ["functions.directory.app", "functions.charter.app", "functions.reports.app"]


def build(module: str, settings: Settings) -> Flask:
    app: Flask = importlib.import_module(module).create_app(settings=settings)
    return app


@pytest.mark.parametrize("module", FUNCTIONS)
def test_each_function_serves_a_valid_openapi_31_document(module: str, settings: Settings) -> None:
    response = build(module, settings).test_client().get("/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document["openapi"] == "3.1.0"
    validate(document)


@pytest.mark.parametrize("module", FUNCTIONS)
def test_every_route_is_in_the_openapi_document(module: str, settings: Settings) -> None:
    app = build(module, settings)
    document = app.test_client().get("/openapi.json").json
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or is_space_page(rule.endpoint):
            continue  # the web spaces' pages are not the API: docs/spaces.md lists them (tests/spaces)
        path = Operation(rule.rule, "GET", "").path
        assert path in document["paths"], f"{rule.rule} missing from OpenAPI"
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            assert method.lower() in document["paths"][path], f"{method} {rule.rule} missing from OpenAPI"


def _operation(module: str, settings: Settings, path: str, method: str) -> dict[str, Any]:
    document = build(module, settings).test_client().get("/openapi.json").json
    operation: dict[str, Any] = document["paths"][path][method]
    return operation


def test_a_negotiated_summary_documents_json_html_and_pdf(settings: Settings) -> None:
    operation = _operation("functions.reports.app", settings, "/solvency/{siren}", "get")
    content = operation["responses"]["200"]["content"]
    assert set(content) == {"application/json", "text/html", "application/pdf"}
    assert content["application/json"]["schema"]["$ref"].endswith("/Solvency")
    assert "406" in operation["responses"]


def test_the_debtor_link_documents_its_json_and_its_html_page(settings: Settings) -> None:
    operation = _operation("functions.directory.app", settings, "/replies/{token}", "get")
    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/html"}


def test_the_debtor_s_action_is_documented_as_one_body_per_action(settings: Settings) -> None:
    document = build("functions.directory.app", settings).test_client().get("/openapi.json").json
    body = document["paths"]["/replies/{token}"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    schemas = document["components"]["schemas"]
    union = schemas[body["$ref"].rsplit("/", 1)[1]]
    mapping = union["discriminator"]["mapping"]
    assert union["discriminator"]["propertyName"] == "action"
    assert sorted(mapping) == ["declare_payment", "dispute", "reply"]
    in_order = ("dispute", "declare_payment", "reply")
    assert [choice["$ref"] for choice in union["oneOf"]] == [mapping[action] for action in in_order]
    shapes = {action: schemas[ref.rsplit("/", 1)[1]] for action, ref in mapping.items()}
    assert {action: shape["properties"]["action"]["const"] for action, shape in shapes.items()} == {
        action: action for action in mapping
    }
    assert {action: sorted(shape["required"]) for action, shape in shapes.items()} == {
        "dispute": ["action", "reason", "text"],
        "declare_payment": ["action", "paid_on"],
        "reply": ["action", "text"],
    }
    assert shapes["dispute"]["properties"]["text"]["minLength"] == 10
    assert set(shapes["reply"]["properties"]) == {"action", "text"}
    assert all(shape["additionalProperties"] is False for shape in shapes.values())


def test_bodies_read_by_the_view_itself_are_documented_with_their_media_types(settings: Settings) -> None:
    experiences = _operation("functions.directory.app", settings, "/experiences", "post")["requestBody"]
    assert set(experiences["content"]) == {"application/json", "text/csv"}
    as_json = experiences["content"]["application/json"]["schema"]["oneOf"]
    assert as_json[0]["type"] == "array" and "debtor_siren" in as_json[0]["items"]["properties"]
    evidence = _operation("functions.directory.app", settings, "/replies/{token}/evidence/{evidence_id}", "put")
    media = evidence["requestBody"]["content"]
    assert {"application/octet-stream", "application/pdf", "image/jpeg"} <= set(media)
    assert media["application/pdf"]["schema"] == {"type": "string", "format": "binary"}


def test_every_operation_that_uses_the_store_documents_its_503_and_retry_after(settings: Settings) -> None:
    for module in FUNCTIONS:
        document = build(module, settings).test_client().get("/openapi.json").json
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                unavailable = operation["responses"].get("503")
                if path in {"/health", "/openapi.json"} or path.startswith("/charter"):
                    assert unavailable is None, f"{method} {path}"
                    continue
                assert unavailable is not None, f"{method} {path}"
                assert "Retry-After" in unavailable["headers"]


MOUNTS = {"functions.directory.app": "/api/directory", "functions.charter.app": "/api/charter"}
MOUNTS["functions.reports.app"] = "/api/reports"


@pytest.mark.parametrize("module", FUNCTIONS)
def test_each_document_says_where_its_api_is_served(module: str, settings: Settings) -> None:
    document = build(module, settings).test_client().get("/openapi.json").json
    assert [server["url"] for server in document["servers"]] == [MOUNTS[module]]


def _example(name: str) -> str:
    return "55210055400013" if name == "siren" else "inconnu"


def test_a_client_following_servers_and_paths_reaches_every_operation(resources: Resources, tmp_path: Path) -> None:
    """What a generated client does: the document's server URL, then each path, on `ardoise serve`'s WSGI app."""
    platform = Client(build_local_app(resources))
    reached = 0
    for mount in MOUNTS.values():
        document = platform.get(f"{mount}/openapi.json").json
        base = document["servers"][0]["url"]
        for path, operations in document["paths"].items():
            url = base + re.sub(r"\{([a-z_]+)\}", lambda m: _example(m.group(1)), path)
            for method, operation in operations.items():
                body = {"json": {}} if "requestBody" in operation else {}
                response = platform.open(url, method=method.upper(), **body)
                where = f"{method.upper()} {url}: {response.status_code}"
                # Answered by the operation itself: a documented status, never the router's "no such address".
                assert str(response.status_code) in operation["responses"], where
                assert response.mimetype != "text/html" or "text/html" in str(operation["responses"]), where
                if response.status_code in {404, 405}:
                    assert response.json["detail"] not in {
                        "Cette adresse n'existe pas.",
                        "Cette méthode n'est pas acceptée ici.",
                    }, where
                reached += 1
    assert reached > 40


def test_a_siren_is_documented_with_the_shape_validation_accepts(settings: Settings) -> None:
    document = build("functions.directory.app", settings).test_client().get("/openapi.json").json
    parameter = document["paths"]["/companies/{siren}"]["get"]["parameters"][0]
    schema = parameter["schema"]
    assert schema["pattern"] == SIREN_PATTERN and (schema["minLength"], schema["maxLength"]) == (9, 40)
    draw = random.Random(7)
    for _ in range(20_000):
        typed = "".join(draw.choices("0123456789 .-x", weights=[8] * 10 + [1, 1, 1, 1], k=draw.randint(7, 22)))
        shaped = bool(re.fullmatch(schema["pattern"], typed)) and 9 <= len(typed) <= 40
        try:
            MemberLookup.model_validate({"siren": typed})
        except ValidationError as exc:
            wrong_key = "clé" in str(exc) or "premiers chiffres" in str(exc)
            assert shaped == wrong_key, typed  # refused for its shape exactly when the pattern refuses it
        else:
            assert shaped, typed


class MemberLookup(Model):
    siren: Siren
