import importlib

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
