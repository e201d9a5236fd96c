import importlib
from typing import Any

import pytest
from flask import Flask
from openapi_spec_validator import validate

from functions.core.config import Settings
from functions.core.openapi import Operation

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
        if rule.endpoint == "static":
            continue
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
