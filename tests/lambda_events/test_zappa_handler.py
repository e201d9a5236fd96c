"""Real API Gateway events through Zappa's own Lambda handler, one stage at a time.

The events are REST (v1) proxy events kept as JSON under ``tests/events/``.
A module named ``zappa_settings`` stands in for the one Zappa writes into each
stage's archive, built from ``zappa_settings.json`` itself.
"""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from zappa.handler import LambdaHandler, lambda_handler

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "tests" / "events"
STAGES = json.loads((ROOT / "zappa_settings.json").read_text())


def stage_setting(stage: str, key: str) -> Any:
    """Read a stage's setting, following ``extends`` as Zappa does."""
    settings = STAGES[stage]
    if key in settings:
        return settings[key]
    return stage_setting(settings["extends"], key) if "extends" in settings else None


def generated_settings_module(stage: str) -> types.ModuleType:
    module_name, _, function = stage_setting(stage, "app_function").rpartition(".")
    module = types.ModuleType("zappa_settings")
    values = {
        "APP_MODULE": module_name,
        "APP_FUNCTION": function,
        "EXCEPTION_HANDLER": None,
        "DEBUG": False,
        "LOG_LEVEL": "WARNING",
        "BINARY_SUPPORT": stage_setting(stage, "binary_support"),
        "CONTEXT_HEADER_MAPPINGS": {},
        "DOMAIN": None,
        "BASE_PATH": None,
        # Production values would make the app refuse to start without AWS; the
        # test environment (conftest) supplies a local store instead.
        "ENVIRONMENT_VARIABLES": {},
        "API_STAGE": stage,
        "PROJECT_NAME": stage_setting(stage, "project_name"),
        "SETTINGS_FILE": None,
        "DJANGO_SETTINGS": None,
        "AWS_EVENT_MAPPING": {},
        "AWS_BOT_EVENT_MAPPING": {},
        "COGNITO_TRIGGER_MAPPING": {},
        "ASYNC_RESPONSE_TABLE": "",
        "ADDITIONAL_TEXT_MIMETYPES": ["application/problem+json"],
    }
    for key, value in values.items():
        setattr(module, key, value)
    return module


@pytest.fixture
def stage(request: pytest.FixtureRequest) -> Iterator[str]:
    name = request.param
    sys.modules["zappa_settings"] = generated_settings_module(name)
    LambdaHandler._LambdaHandler__instance = None  # type: ignore[attr-defined]  # reset Zappa's singleton per stage
    LambdaHandler.settings = None
    yield name
    sys.modules.pop("zappa_settings", None)
    LambdaHandler._LambdaHandler__instance = None  # type: ignore[attr-defined]  # same reason
    LambdaHandler.settings = None


def invoke(event_file: str) -> dict[str, Any]:
    event = json.loads((EVENTS / event_file).read_text())
    response: dict[str, Any] = lambda_handler(event, None)
    return response


def body_of(response: dict[str, Any]) -> Any:
    return json.loads(response["body"])


@pytest.mark.parametrize("stage", ["directory", "charter", "reports", "einvoice", "publisher"], indirect=True)
def test_health_answers_through_the_lambda_handler(stage: str) -> None:
    response = invoke(f"{stage}_health.json")
    assert response["statusCode"] == 200
    assert body_of(response)["status"] == "ok"


@pytest.mark.parametrize("stage", ["directory", "charter", "reports"], indirect=True)
def test_the_openapi_document_comes_through_the_lambda_handler(stage: str) -> None:
    response = invoke(f"{stage}_openapi.json")
    assert response["statusCode"] == 200
    assert body_of(response)["openapi"] == "3.1.0"


@pytest.mark.parametrize(
    ("stage", "event_file"),
    [("directory", "directory_company_invalid_siren.json"), ("charter", "charter_signature_invalid_siren.json")],
    indirect=["stage"],
)
def test_an_invalid_siren_is_a_problem_naming_the_field(stage: str, event_file: str) -> None:
    response = invoke(event_file)
    assert response["statusCode"] == 400
    assert response["headers"]["Content-Type"] == "application/problem+json"
    assert body_of(response)["errors"][0]["field"] == "siren"


@pytest.mark.parametrize("stage", ["reports"], indirect=True)
def test_a_solvency_request_without_a_key_is_refused(stage: str) -> None:
    response = invoke("reports_solvency_without_key.json")
    assert response["statusCode"] == 401
    assert response["headers"]["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("stage", ["directory"], indirect=True)
def test_the_scheduled_event_runs_the_tick(stage: str) -> None:
    result = invoke("directory_tick_schedule.json")
    assert isinstance(result, dict)
    assert "refresh_marked" in result


@pytest.mark.parametrize("stage", ["publisher"], indirect=True)
def test_the_scheduled_event_runs_the_site_publication(stage: str) -> None:
    result = invoke("publisher_publish_schedule.json")
    # The tests switch publication off (ARDOISE_SITE_PUBLISH=off); the job says so.
    assert result == {"publish_site": {"skipped": "ARDOISE_SITE_PUBLISH is off"}}


@pytest.mark.parametrize("stage", ["publisher"], indirect=True)
def test_the_scheduled_registry_import_does_nothing_without_a_registry_bucket(stage: str) -> None:
    assert invoke("publisher_import_registry_schedule.json") == {"skipped": "ARDOISE_REGISTRY_BUCKET is not set"}


def test_the_directory_stage_schedules_the_tick_every_15_minutes() -> None:
    events = stage_setting("directory", "events")
    assert {"function": "functions.directory.jobs.tick", "expression": "rate(15 minutes)"} in events
    assert stage_setting("charter", "events") == [] and stage_setting("reports", "events") == []
    assert stage_setting("einvoice", "events") == []


def test_only_the_publisher_stage_builds_the_site() -> None:
    assert stage_setting("publisher", "events") == [
        {"function": "functions.publisher.jobs.publish", "expression": "rate(15 minutes)"},
        {"function": "functions.publisher.jobs.import_registry", "expression": "rate(10 minutes)"},
    ]
    assert stage_setting("publisher", "environment_variables")["ARDOISE_SITE_PUBLISH"] == "on"
    for api_stage in ("directory", "charter", "reports"):
        assert stage_setting(api_stage, "environment_variables")["ARDOISE_SITE_PUBLISH"] == "off"
    assert "site" not in stage_setting("publisher", "exclude")


@pytest.mark.parametrize("stage", ["directory", "charter", "reports", "einvoice", "publisher"])
def test_every_stage_targets_eu_west_3_on_python_311_and_its_own_app(stage: str) -> None:
    assert stage_setting(stage, "aws_region") == "eu-west-3"
    assert stage_setting(stage, "runtime") == "python3.11"
    module_name, _, attribute = stage_setting(stage, "app_function").rpartition(".")
    assert module_name == f"functions.{stage}.app"
    module = __import__(module_name, fromlist=[attribute])
    assert callable(getattr(module, attribute))
