"""A scenario's rules: known placeholders only, the formal notice last with eight days at least."""

from __future__ import annotations

from dataclasses import replace

from functions.core.domain.scenarios import (
    DEFAULT_SCENARIO,
    PLACEHOLDERS,
    Anchor,
    Channel,
    StepKind,
    fill,
    placeholders_in,
    scenario_problems,
)

REMINDER, _, NOTICE = DEFAULT_SCENARIO.steps


def codes(steps: tuple) -> list[tuple[str, str]]:  # type: ignore[type-arg]  # a tuple of steps
    return [(problem.field, problem.code) for problem in scenario_problems(steps)]


def test_the_default_scenario_passes_its_own_rules_and_uses_only_known_placeholders() -> None:
    assert scenario_problems(DEFAULT_SCENARIO.steps) == []
    for step in DEFAULT_SCENARIO.steps:
        assert set(placeholders_in(step.subject + step.body)) <= set(PLACEHOLDERS)


def test_an_unknown_placeholder_is_named_with_the_field_that_holds_it() -> None:
    typo = replace(REMINDER, body="Bonjour {debiteur}, il reste {montant_du}.")
    assert codes((typo, NOTICE)) == [("steps.0.body", "variable_inconnue")]
    assert "{montant_du}" in scenario_problems((typo, NOTICE))[0].message


def test_a_notice_giving_less_than_eight_days_is_refused() -> None:
    assert codes((REMINDER, replace(NOTICE, deadline_days=7))) == [
        ("steps.1.deadline_days", "delai_mise_en_demeure_trop_court")
    ]


def test_a_scenario_ends_with_exactly_one_formal_notice() -> None:
    assert codes((REMINDER,)) == [("steps", "mise_en_demeure_en_dernier")]
    assert ("steps", "mise_en_demeure_en_dernier") in codes((NOTICE, REMINDER))
    assert codes((REMINDER, NOTICE, NOTICE)) == [("steps", "mise_en_demeure_en_dernier")]


def test_the_first_step_counts_from_the_due_date() -> None:
    assert codes((replace(REMINDER, anchor=Anchor.PREVIOUS_STEP), NOTICE)) == [
        ("steps.0.anchor", "premiere_etape_sans_precedente")
    ]


def test_a_formal_notice_never_goes_by_sms() -> None:
    notice_by_sms = replace(NOTICE, channel=Channel.SMS)
    assert ("steps.1.channel", "mise_en_demeure_par_sms") in codes((REMINDER, notice_by_sms))
    assert notice_by_sms.kind is StepKind.FORMAL_NOTICE


def test_an_sms_is_short() -> None:
    long_sms = replace(REMINDER, channel=Channel.SMS, body="x" * 301)
    assert codes((long_sms, NOTICE)) == [("steps.0.body", "sms_trop_long")]
    assert codes((replace(long_sms, body="x" * 300), NOTICE)) == []


def test_filling_replaces_known_placeholders_and_leaves_other_braces() -> None:
    assert fill("{facture} : {reste_du} {inconnue}", {"facture": "F-1", "reste_du": "10 €"}) == "F-1 : 10 € {inconnue}"
