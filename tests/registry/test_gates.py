"""The registry's gates through the HTTP API, on both stores: ceased companies, collective proceedings, identity."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from functions.core.clock import FixedClock
from functions.core.domain.companies import Company
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.usecases.directory import progress
from functions.core.usecases.propagation import refresh_marked
from functions.core.usecases.registry_import import LocalFile, import_file
from tests.directory.conftest import register, register_pending
from tests.directory.factories import filing_payload
from tests.directory.proof import file_report
from tests.registry.samples import generate as sample

SAMPLES = Path(__file__).with_name("samples")


@pytest.fixture
def registry(resources: Resources) -> Resources:
    for name in ("StockUniteLegale_sample.csv", "StockEtablissement_sample.csv", "bodacc_annonces_sample.json"):
        assert import_file(resources, LocalFile(SAMPLES / name)).done
    return resources


@pytest.fixture
def member(directory: FlaskClient, mailer: OutboxMailer) -> dict[str, str]:
    """An approved member (the directory's usual creditor)."""
    return {"Authorization": register(directory, mailer)}


def file(directory: FlaskClient, member: dict[str, str], siren: str, name: str = "Nom saisi", **extra: object):  # type: ignore[no-untyped-def]  # a test client's response
    body = filing_payload(debtor_siren=siren, debtor_name=name, **extra)
    return file_report(directory, member, body)


def test_a_report_against_a_ceased_company_is_refused(
    registry: Resources, directory: FlaskClient, member: dict[str, str]
) -> None:
    response = file(directory, member, sample.CEASED)
    assert response.status_code == 422
    assert response.json["type"].endswith("/regle-non-respectee") or "regle" in response.json["type"]
    assert [e["code"] for e in response.json["errors"]] == ["entreprise_cessee"]
    assert "cessée le 3 mars 2021" in response.json["errors"][0]["message"]


def test_a_report_against_a_company_in_redressement_is_refused_with_how_to_declare_the_claim(
    registry: Resources, directory: FlaskClient, member: dict[str, str]
) -> None:
    response = file(directory, member, sample.REDRESSEMENT)
    assert response.status_code == 422
    error = response.json["errors"][0]
    assert error["code"] == "procedure_collective"
    assert "Redressement judiciaire" in error["message"] and "TRIBUNAL DE COMMERCE DE GRENOBLE" in error["message"]
    assert "8 mars 2024" in error["message"] and "8 mai 2024" in error["message"]


def test_a_company_whose_liquidation_was_closed_is_refused_as_ceased_not_as_in_proceedings(
    registry: Resources, directory: FlaskClient, member: dict[str, str]
) -> None:
    response = file(directory, member, sample.CLOSED)
    assert [e["code"] for e in response.json["errors"]] == ["entreprise_cessee"]


def test_a_company_unknown_to_the_registry_is_reported_as_before(
    registry: Resources, directory: FlaskClient, member: dict[str, str]
) -> None:
    assert file(directory, member, "542065479").status_code == 201


def test_the_public_sees_the_registrys_name_never_what_the_creditor_typed(
    registry: Resources, directory: FlaskClient, member: dict[str, str], clock: FixedClock
) -> None:
    response = file(directory, member, sample.SA, name="Les Escrocs Réunis")
    assert response.status_code == 201, response.json
    assert "nom_different_du_repertoire" in [flag["code"] for flag in response.json["flags"]]
    clock.advance(days=16)
    assert progress.publish_due(registry) == 1
    page = directory.get(f"/companies/{sample.SA}").json
    assert page["name"] == 'SOCIETE "LES ATELIERS REUNIS", BATIMENT ET TRAVAUX' and page["city"] == "PARIS 8"
    assert "Escrocs" not in str(page)
    found = directory.get("/companies", query_string={"q": "ateliers reunis"}).json
    assert [hit["siren"] for hit in found["items"]] == [sample.SA]


def test_a_sole_trader_is_never_named_in_public(
    registry: Resources, directory: FlaskClient, member: dict[str, str], clock: FixedClock
) -> None:
    assert file(directory, member, sample.SOLE_TRADER, name="Claire Dumont").status_code == 201
    clock.advance(days=16)
    assert progress.publish_due(registry) == 1
    page = directory.get(f"/companies/{sample.SOLE_TRADER}").json
    assert "DUMONT" not in str(page).upper() and page["name"] == "Entrepreneur individuel (nom non diffusé)"
    assert page["city"] == ""  # a sole trader's address is often their home


def test_a_known_company_takes_the_registrys_identity_when_the_registry_is_imported_later(
    resources: Resources, directory: FlaskClient
) -> None:
    resources.store.companies.record_company(Company(sample.SA, "Nom tapé par un signataire"), "test")
    import_file(resources, LocalFile(SAMPLES / "StockUniteLegale_sample.csv"))
    while refresh_marked(resources):
        pass
    company = resources.store.companies.get_company(sample.SA)
    assert company is not None and company.verified and company.name.startswith('SOCIETE "LES ATELIERS')


def test_a_ceased_company_cannot_register_as_a_member(registry: Resources, directory: FlaskClient) -> None:
    response = directory.post(
        "/members",
        json={"siren": sample.CEASED, "company_name": "Menuiserie Bertin", "contact_name": "Paul Bertin",
              "email": "paul@bertin.fr"},
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json["errors"][0]["code"] == "entreprise_cessee"


def test_an_active_company_registers_as_before(
    registry: Resources, directory: FlaskClient, mailer: OutboxMailer
) -> None:
    member_id, _ = register_pending(directory, mailer, siren=sample.SAUVEGARDE, name="Charpentes du Vercors")
    assert member_id.startswith("mbr_")
