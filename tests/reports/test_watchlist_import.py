"""Importing a portfolio of companies to watch from a CSV file (``POST /watchlist``), on both stores."""

from collections import Counter
from typing import Any

import pytest
from flask.testing import FlaskClient

from functions.core.identifiers import with_check_digit
from functions.core.resources import Resources
from functions.core.store.dynamodb import DynamoDbBackend
from functions.core.usecases.reports.portfolio import MAX_LINES
from tests.reports.factories import CREDITOR_SIRENS, DEBTOR_SIREN, add_subscriber

CSV = {"Content-Type": "text/csv"}


def sirens(count: int) -> list[str]:
    return [with_check_digit(f"{10_000_000 + n:08d}") for n in range(count)]


def watched(reports: FlaskClient, key: str) -> list[str]:
    found: list[str] = []
    cursor = ""
    while True:
        page = reports.get(f"/watchlist?limit=500{cursor}", headers={"X-API-Key": key}).json
        found += [item["siren"] for item in page["items"]]
        if not page["next_cursor"]:
            return found
        cursor = f"&cursor={page['next_cursor']}"


def post(reports: FlaskClient, key: str, body: str | bytes, **headers: str) -> Any:
    return reports.post("/watchlist", data=body, headers={"X-API-Key": key, **CSV, **headers})


def test_good_lines_are_watched_and_each_wrong_one_comes_back_with_its_line_and_a_french_error(
    reports: FlaskClient, resources: Resources
) -> None:
    _, key = add_subscriber(resources)
    lines = [f"{DEBTOR_SIREN};Équipement", "123456789;Erreur", "", CREDITOR_SIRENS[0], "552 100 554;Encore", ";Vide"]
    body = "siren;nom\n" + "\n".join(lines) + "\n"
    answer = post(reports, key, body.encode())
    assert answer.status_code == 200, answer.json
    assert answer.json["received"] == 5 and answer.json["added"] == 2 and answer.json["already_watched"] == 0
    assert [(line["line"], line["errors"][0]["code"]) for line in answer.json["rejected"]] == [
        (3, "siren_invalide"),
        (6, "doublon"),
        (7, "siren_invalide"),
    ]
    assert "clé de contrôle" in answer.json["rejected"][0]["errors"][0]["message"]
    assert "ligne 2" in answer.json["rejected"][1]["errors"][0]["message"]
    assert sorted(watched(reports, key)) == sorted([DEBTOR_SIREN, CREDITOR_SIRENS[0]])


def test_a_file_sent_again_watches_nothing_twice_and_keeps_the_first_dates(
    reports: FlaskClient, resources: Resources
) -> None:
    _, key = add_subscriber(resources)
    assert reports.put(f"/watchlist/{DEBTOR_SIREN}", headers={"X-API-Key": key}).status_code == 201
    first_date = reports.get("/watchlist", headers={"X-API-Key": key}).json["items"][0]["added_at"]
    body = f"{DEBTOR_SIREN}\n{CREDITOR_SIRENS[0]}\n{CREDITOR_SIRENS[1]}\n"  # one SIREN a line, no header
    assert post(reports, key, body).json == {"received": 3, "added": 2, "already_watched": 1, "rejected": []}
    assert post(reports, key, body).json == {"received": 3, "added": 0, "already_watched": 3, "rejected": []}
    items = reports.get("/watchlist", headers={"X-API-Key": key}).json["items"]
    assert len(items) == 3
    assert next(item for item in items if item["siren"] == DEBTOR_SIREN)["added_at"] == first_date


def test_the_watchlist_export_imports_as_it_is(reports: FlaskClient, resources: Resources) -> None:
    _, key = add_subscriber(resources)
    body = f"\ufeffsiren,surveillee_depuis\r\n{DEBTOR_SIREN},2026-01-01T00:00:00Z\r\n"
    assert post(reports, key, body.encode()).json["added"] == 1


@pytest.mark.parametrize(
    ("body", "status", "slug"),
    [
        (b"", 400, "requete-invalide"),
        (b"nom,ville\nDupont,Paris\n", 400, "requete-invalide"),
        (b"siren\n", 400, "requete-invalide"),
        ("siren\n552100554\n".encode("utf-16"), 400, "requete-invalide"),
        (("siren\n" + "552100554\n" * (MAX_LINES + 1)).encode(), 413, "trop-volumineux"),
    ],
    ids=["empty", "no-siren-column", "header-only", "not-utf8", "over-the-limit"],
)
def test_a_file_refused_as_a_whole_applies_nothing(
    reports: FlaskClient, resources: Resources, body: bytes, status: int, slug: str
) -> None:
    _, key = add_subscriber(resources)
    answer = post(reports, key, body)
    assert answer.status_code == status
    assert answer.mimetype == "application/problem+json" and answer.json["type"].endswith(slug)
    assert answer.json["detail"]
    assert watched(reports, key) == []


def test_only_csv_is_accepted(reports: FlaskClient, resources: Resources) -> None:
    _, key = add_subscriber(resources)
    answer = reports.post("/watchlist", json={"sirens": [DEBTOR_SIREN]}, headers={"X-API-Key": key})
    assert answer.status_code == 415
    assert watched(reports, key) == []


def test_one_subscriber_s_import_never_reaches_another_s_watchlist(reports: FlaskClient, resources: Resources) -> None:
    _, key = add_subscriber(resources)
    _, other = add_subscriber(resources, name="Autre abonné")
    post(reports, key, f"siren\n{DEBTOR_SIREN}\n")
    assert watched(reports, other) == []
    assert reports.post("/watchlist", data=f"siren\n{DEBTOR_SIREN}\n", headers=CSV).status_code == 401


def test_imported_companies_are_watched_from_both_sides(resources: Resources) -> None:
    subscriber, _ = add_subscriber(resources)
    added = resources.store.watchlist.watch_many(subscriber.id, [DEBTOR_SIREN], "subscriber:test")
    assert added == [DEBTOR_SIREN]
    assert list(resources.store.watchlist.iter_watchers(DEBTOR_SIREN)) == [subscriber.id]


class CountingClient:
    """A DynamoDB client that counts the requests it sends, by operation."""

    def __init__(self, client: Any) -> None:
        self._client, self.calls = client, Counter[str]()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute) or name == "exceptions":
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return attribute(*args, **kwargs)

        return call


def test_ten_thousand_lines_are_written_in_batches_not_one_request_each(
    reports: FlaskClient, resources: Resources
) -> None:
    backend = resources.store.backend
    if not isinstance(backend, DynamoDbBackend):
        pytest.skip("counts DynamoDB requests")
    _, key = add_subscriber(resources)
    counting = CountingClient(backend.client)
    backend.client = counting  # type: ignore[assignment]
    body = "siren\n" + "\n".join(sirens(MAX_LINES)) + "\n"
    answer = post(reports, key, body)
    assert answer.json["added"] == MAX_LINES and answer.json["rejected"] == []
    # Two items a company (its watcher, the subscriber's line): 2 x 10,000 / 25 writes, 2 x 10,000 / 100 reads.
    assert counting.calls["batch_write_item"] == 2 * MAX_LINES // 25
    assert counting.calls["batch_get_item"] == 2 * MAX_LINES // 100
    assert sum(counting.calls.values()) < 2 * MAX_LINES // 25 + 2 * MAX_LINES // 100 + 20
    assert len(watched(reports, key)) == MAX_LINES
