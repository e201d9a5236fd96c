"""The registry's pure rules: the proceedings' timeline, the public name, the filing gates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from functions.core.domain.registry import (
    CEASED,
    IN_PROCEEDINGS,
    UNVERIFIED,
    CompanyIdentity,
    Judgment,
    JudgmentEffect,
    ProceedingKind,
    classify_judgment,
    name_matches,
    proceeding_at,
    public_address,
    public_name,
    registry_gates,
)


def identity(**fields: object) -> CompanyIdentity:
    values: dict[str, object] = {
        "siren": "552100554", "name": "ATELIERS REUNIS", "legal_category": "5710", "active": True,
        "state_since": date(2019, 1, 1), "diffusible": True,
    }  # fmt: skip
    values.update(fields)
    return CompanyIdentity(**values)  # type: ignore[arg-type]  # the test's keyword overrides


def judgment(
    nature: str, judged: date, *, family: str = "", notice: str = "", published: date | None = None
) -> Judgment:
    effect, kind = classify_judgment(family, nature)
    return Judgment(notice or f"A{judged:%Y%m%d}{len(nature)}", effect, kind, nature, judged,
                    published or judged + timedelta(days=7), "TC Grenoble", "https://x")  # fmt: skip


@pytest.mark.parametrize(
    ("family", "nature", "effect", "kind"),
    [
        ("Jugement d'ouverture", "Jugement d'ouverture d'une procédure de sauvegarde", "ouverture", "sauvegarde"),
        (
            "Jugement d'ouverture",
            "Jugement d'ouverture d'une procédure de redressement judiciaire",
            "ouverture",
            "redressement_judiciaire",
        ),
        (
            "Jugement d'ouverture",
            "Jugement d'ouverture de liquidation judiciaire",
            "ouverture",
            "liquidation_judiciaire",
        ),
        ("", "Jugement de conversion en liquidation judiciaire", "conversion", "liquidation_judiciaire"),
        (
            "",
            "Jugement prononçant la résolution du plan de redressement et la liquidation judiciaire",
            "conversion",
            "liquidation_judiciaire",
        ),
        ("Jugement arrêtant le plan", "Jugement arrêtant le plan de redressement", "plan", "redressement_judiciaire"),
        ("", "Jugement arrêtant le plan de cession", "autre", None),
        ("Jugement de clôture", "Jugement de clôture pour insuffisance d'actif", "cloture", None),
        ("", "Jugement mettant fin à la procédure de redressement judiciaire", "cloture", "redressement_judiciaire"),
        ("Avis de dépôt", "Avis de dépôt de l'état des créances", "autre", None),
    ],
)
def test_judgments_are_read_from_bodaccs_wording(family: str, nature: str, effect: str, kind: str | None) -> None:
    found_effect, found_kind = classify_judgment(family, nature)
    assert found_effect.value == effect
    if effect in ("ouverture", "conversion", "plan"):
        assert found_kind is not None and found_kind.value == kind


def test_a_proceeding_opened_then_closed_is_open_only_in_between() -> None:
    opened = judgment("Jugement d'ouverture de liquidation judiciaire", date(2023, 5, 10))
    closed = judgment("Jugement de clôture pour insuffisance d'actif", date(2023, 11, 20))
    assert proceeding_at([closed, opened], date(2023, 5, 9)) is None
    during = proceeding_at([closed, opened], date(2023, 6, 1))
    assert during is not None and during.kind is ProceedingKind.LIQUIDATION
    assert proceeding_at([closed, opened], date(2023, 11, 20)) is None


def test_a_conversion_turns_a_redressement_into_a_liquidation() -> None:
    opened = judgment("Jugement d'ouverture d'une procédure de redressement judiciaire", date(2024, 3, 1))
    converted = judgment("Jugement de conversion en liquidation judiciaire", date(2024, 9, 2))
    now = proceeding_at([opened, converted], date(2025, 1, 1))
    assert now is not None and now.kind is ProceedingKind.LIQUIDATION and now.opened == converted


def test_a_plan_ends_the_observation_period_but_not_the_proceeding() -> None:
    opened = judgment("Jugement d'ouverture d'une procédure de sauvegarde", date(2022, 2, 14))
    plan = judgment("Jugement arrêtant le plan de sauvegarde", date(2022, 9, 12))
    now = proceeding_at([opened, plan], date(2024, 1, 1))
    assert now is not None and now.under_plan and now.label == "plan de sauvegarde"


def test_a_cancelled_notice_counts_for_nothing() -> None:
    opened = judgment("Jugement d'ouverture de liquidation judiciaire", date(2024, 3, 20))
    from dataclasses import replace

    assert proceeding_at([replace(opened, cancelled=True)], date(2024, 6, 1)) is None


def test_claims_are_declared_within_two_months_of_the_notice() -> None:
    opened = judgment(
        "Jugement d'ouverture de liquidation judiciaire", date(2023, 12, 20), published=date(2023, 12, 31)
    )
    proceeding = proceeding_at([opened], date(2024, 1, 5))
    assert proceeding is not None and proceeding.claims_deadline == date(2024, 2, 29)


def test_the_public_name_is_the_registrys_never_what_was_typed() -> None:
    shown = public_name(identity(name="ATELIERS REUNIS"), "Les escrocs du coin")
    assert (shown.text, shown.verified, shown.note) == ("ATELIERS REUNIS", True, "")


def test_an_unknown_siren_shows_what_was_typed_marked_unverified() -> None:
    shown = public_name(None, "Menuiserie Bertin")
    assert (shown.text, shown.verified, shown.note) == ("Menuiserie Bertin", False, UNVERIFIED)


@pytest.mark.parametrize("fields", [{"legal_category": "1000"}, {"diffusible": False}])
def test_a_sole_trader_or_a_protected_record_is_never_named(fields: dict[str, object]) -> None:
    company = identity(name="CLAIRE DUMONT", **fields)
    shown = public_name(company, "Claire Dumont")
    assert shown.withheld and "DUMONT" not in shown.text.upper() and "Dumont" not in shown.text
    assert public_address(company) is None


def test_a_typed_name_matches_the_registrys_after_folding() -> None:
    assert name_matches(identity(name="ATELIERS RÉUNIS"), "Ateliers  reunis")
    assert not name_matches(identity(name="ATELIERS REUNIS"), "Ateliers Réunis SARL")


def test_a_ceased_company_cannot_be_reported() -> None:
    failures = registry_gates(identity(active=False, state_since=date(2021, 3, 3)), None)
    assert [f.code for f in failures] == [CEASED]
    assert "3 mars 2021" in failures[0].message


def test_a_company_in_proceedings_cannot_be_reported_and_the_creditor_is_told_how_to_declare() -> None:
    opened = judgment("Jugement d'ouverture d'une procédure de redressement judiciaire", date(2024, 3, 1),
                      published=date(2024, 3, 8))  # fmt: skip
    failures = registry_gates(identity(), proceeding_at([opened], date(2024, 4, 1)))
    assert [f.code for f in failures] == [IN_PROCEEDINGS]
    message = failures[0].message
    assert "Redressement judiciaire" in message and "TC Grenoble" in message and "8 mars 2024" in message
    assert "8 mai 2024" in message  # the last day to declare the claim


def test_under_a_plan_only_invoices_from_before_the_opening_are_refused() -> None:
    opened = judgment("Jugement d'ouverture d'une procédure de sauvegarde", date(2022, 2, 14))
    plan = judgment("Jugement arrêtant le plan de sauvegarde", date(2022, 9, 12))
    proceeding = proceeding_at([opened, plan], date(2024, 1, 1))
    assert registry_gates(identity(), proceeding, invoice_issued=date(2023, 6, 1)) == []
    assert [f.code for f in registry_gates(identity(), proceeding, invoice_issued=date(2022, 1, 5))] == [IN_PROCEEDINGS]


def test_an_unknown_company_passes_the_gates() -> None:
    assert registry_gates(None, None) == []


def test_judgment_effects_are_stable_codes() -> None:
    assert {e.value for e in JudgmentEffect} == {"ouverture", "conversion", "plan", "cloture", "autre"}
