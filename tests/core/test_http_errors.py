"""Every error of every app is a problem+json with a stable type."""

import pytest
from flask.testing import FlaskClient

PROBLEM = "application/problem+json"


def test_an_unknown_path_is_a_404_problem(directory: FlaskClient) -> None:
    response = directory.get("/nowhere")
    assert response.status_code == 404
    assert response.mimetype == PROBLEM
    assert response.json["type"] == "https://ardoise.fr/problemes/introuvable"
    assert response.json["instance"] == "/nowhere"


def test_a_wrong_method_is_a_405_problem_with_allow(directory: FlaskClient) -> None:
    response = directory.delete("/health")
    assert response.status_code == 405
    assert response.mimetype == PROBLEM
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize("path", ["/companies/123456789", "/companies/12345", "/companies/abcdefghi"])
def test_an_invalid_siren_in_a_path_is_a_400_naming_the_field(directory: FlaskClient, path: str) -> None:
    response = directory.get(path)
    assert response.status_code == 400
    assert response.mimetype == PROBLEM
    assert response.json["errors"][0]["field"] == "siren"
    assert response.json["errors"][0]["code"] == "siren_invalide"


def test_health_answers_on_every_function(directory: FlaskClient, charter: FlaskClient, reports: FlaskClient) -> None:
    for client in (directory, charter, reports):
        response = client.get("/health")
        assert response.status_code == 200
        assert response.json["status"] == "ok"
