"""The court step of an unpaid case in the pure domain: the amounts, who may file what, and where."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest

from functions.core.clock import PARIS
from functions.core.domain import injunction, recovery
from functions.core.domain.court_requests import CheckState, CourtRequest, Procedure
from functions.core.domain.courts import Court, court_table, departement_of, parse_table, postal_code_in, propose_court
from functions.core.domain.penalties import RateChange, parse_rate_table
from functions.core.domain.recovery import RecoveryCase, SentMessage
from functions.core.domain.registry import (
    Address,
    CompanyIdentity,
    Judgment,
    JudgmentEffect,
    Proceeding,
    ProceedingKind,
)
from functions.core.domain.scenarios import DEFAULT_SCENARIO, Channel, Scenario
from functions.core.errors import Conflict, RuleNotMet
from tests.directory.factories import DEBTOR_SIREN
from tests.recovery.factories import make_case

RATES = parse_rate_table("")  # the dated ECB table the formal notice uses
PARIS_COURT = Court("tae-paris", "Tribunal des activités économiques de Paris", "Paris")


def paris(day: int, month: int = 3, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=PARIS)


def unpaid(case: RecoveryCase | None = None) -> RecoveryCase:
    """The default scenario run to its end: reminders, the notice, its deadline passed (27 March 2026)."""
    case = case or make_case()
    for _ in case.scenario.steps:
        action = recovery.next_action(case)
        assert action is not None and action.step is not None
        message = SentMessage(f"msg_{action.step}", Channel.EMAIL, "a@b.fr", "x", "0" * 64, 10)
        case = recovery.step_sent(case, action.step, message, action.at, "system:tick")
    return recovery.scenario_ended(case, paris(27), "system:tick")


def debtor_identity(*, active: bool = True) -> CompanyIdentity:
    return CompanyIdentity(
        siren=DEBTOR_SIREN,
        name="SOCIETE GENERALE D'EQUIPEMENT",
        legal_category="5710",
        active=active,
        state_since=date(2021, 3, 3),
        diffusible=True,
        head_office=Address("3", "AV", "DES CHAMPS", "75008", "PARIS 8", "75108"),
    )


def redressement(opened: date = date(2026, 3, 20)) -> Proceeding:
    judgment = Judgment(
        "A202600123456",
        JudgmentEffect.OPENING,
        ProceedingKind.REDRESSEMENT,
        "Jugement d'ouverture d'une procédure de redressement judiciaire",
        opened,
        opened,
        "Tribunal des activités économiques de Paris",
        "https://www.bodacc.fr/annonce/detail/A202600123456",
    )
    return Proceeding(ProceedingKind.REDRESSEMENT, judgment)


def compose(
    case: RecoveryCase,
    procedure: Procedure = Procedure.INJUNCTION,
    *,
    debtor: CompanyIdentity | None = None,
    proceeding: Proceeding | None = None,
    court: Court | None = PARIS_COURT,
    now: datetime | None = None,
    rates: tuple[RateChange, ...] = RATES,
) -> CourtRequest:
    return injunction.compose(
        procedure,
        case,
        creditor=None,
        debtor=debtor,
        proceeding=proceeding,
        proceeding_known=proceeding is not None,
        court=court,
        appeal_court="",
        now=now or paris(30),
        table=rates,
    )


def check(request: CourtRequest, code: str) -> CheckState:
    (item,) = [item for item in request.checklist if item.code == code]
    return item.state


# -- the amounts -------------------------------------------------------------------------


def test_the_breakdown_is_the_principal_interest_to_date_at_ecb_plus_ten_and_the_40_eur_indemnity() -> None:
    request = compose(unpaid(), now=paris(30))
    # 2,400 EUR at 12.15 % (ECB 2.15 % on 1 January 2026 + 10 points) from 2 to 30 March, 29 days: 23.17 EUR.
    assert request.principal_cents == 2_400_00
    assert [(p.start, p.end, p.percent) for p in request.penalties.periods] == [
        (date(2026, 3, 2), date(2026, 3, 30), Decimal("12.15"))
    ]
    assert (request.interest_cents, request.indemnity_cents) == (23_17, 40_00)
    assert request.total_cents == 2_463_17
    assert request.prepared_on == date(2026, 3, 30)


def test_interest_runs_on_what_is_still_owed_and_crosses_half_years_at_each_rate() -> None:
    case = unpaid(make_case(amount_cents=3_000_00, outstanding_cents=1_000_00))
    request = compose(case, now=paris(15, month=7))
    # 1,000 EUR: 2 March-30 June 2026 (121 days) then 1-15 July (15 days), each half-year at its 1 January or
    # 1 July rate; the built-in table has no change after June 2025, so both are 12.15 %.
    assert [(p.days, p.cents) for p in request.penalties.periods] == [(121, 40_28), (15, 4_99)]
    assert request.principal_cents == 1_000_00 and request.total_cents == 1_000_00 + 40_28 + 4_99 + 40_00
    assert any("2 000,00" in line.replace("\u202f", " ") for line in request.basis)  # the partial payments


def test_the_basis_names_the_invoice_the_notice_and_the_rate() -> None:
    lines = " ".join(compose(unpaid()).basis).replace("\u202f", " ").replace("\u00a0", " ")
    assert "facture n° F-2026-0117" in lines
    assert "mise en demeure du 18 mars 2026" in lines
    assert "12,15 % l'an" in lines


def test_the_basis_names_the_rates_in_the_order_the_half_years_ran() -> None:
    # The ECB rate falls from 5 % to 1 % on 1 March 2026: 15 % for the first half-year, 11 % for the second.
    falling = parse_rate_table("2016-03-16:5.00,2026-03-01:1.00")
    request = compose(unpaid(), now=paris(15, month=7), rates=falling)
    assert [p.percent for p in request.penalties.periods] == [Decimal(15), Decimal(11)]
    lines = " ".join(request.basis).replace("\u202f", " ").replace("\u00a0", " ")
    assert "majoré de 10 points, soit 15,00 % l'an puis 11,00 % l'an" in lines


def test_a_scenario_of_a_notice_alone_is_told_without_counting_reminders() -> None:
    notice_only = Scenario("scn_notice", "Mise en demeure seule", DEFAULT_SCENARIO.steps[-1:], owner="mbr_test")
    lines = " ".join(compose(unpaid(make_case(scenario=notice_only))).basis)
    assert "Malgré une mise en demeure du" in lines and "0 relance" not in lines


# -- who may file what -------------------------------------------------------------------


@pytest.mark.parametrize("state", ["running", "paid", "withdrawn"])
def test_only_an_unpaid_case_gets_a_request(state: str) -> None:
    case = make_case()
    if state == "paid":
        case = recovery.payment_recorded(
            case, amount_cents=2_400_00, paid_on=date(2026, 3, 2), now=paris(3), actor="member:m"
        )
    elif state == "withdrawn":
        case = recovery.withdrawn(case, paris(3), "member:m")
    with pytest.raises(Conflict) as refused:
        compose(case)
    assert refused.value.slug == "dossier-non-impaye"
    assert refused.value.extra == {"status": state}


def test_a_debtor_in_collective_proceedings_is_refused() -> None:
    with pytest.raises(RuleNotMet) as refused:
        compose(unpaid(), debtor=debtor_identity(), proceeding=redressement())
    assert [e.code for e in refused.value.errors] == ["procedure_collective"]


def test_a_debtor_ceased_per_the_registry_is_refused() -> None:
    with pytest.raises(RuleNotMet) as refused:
        compose(unpaid(), debtor=debtor_identity(active=False))
    assert [e.code for e in refused.value.errors] == ["entreprise_cessee"]


def test_a_known_active_debtor_takes_its_name_form_and_seat_from_the_registry() -> None:
    request = compose(unpaid(), debtor=debtor_identity())
    assert request.debtor.verified and request.debtor.name == "SOCIETE GENERALE D'EQUIPEMENT"
    assert request.debtor.legal_form == "Société par actions simplifiée (SAS)"
    assert request.debtor.seat == "3 AV DES CHAMPS, 75008 PARIS 8"
    assert check(request, "aucune_procedure_collective") is CheckState.DONE
    assert "identite_a_verifier" not in [item.code for item in request.checklist]
    # The creditor is not in the registry here: the request says its identity was typed.
    assert not request.creditor.verified


def test_a_record_closed_to_diffusion_is_named_as_the_creditor_typed_it_unverified() -> None:
    withheld = replace(debtor_identity(), name="", diffusible=False, head_office=None)
    request = compose(unpaid(), debtor=withheld)
    assert (request.debtor.name, request.debtor.seat) == (
        "Société Générale d'Équipement",
        "12 rue de la Paix, 75002 Paris",
    )
    assert not request.debtor.verified and check(request, "identite_a_verifier") is CheckState.WARNING


def test_an_unknown_debtor_gets_the_bodacc_and_identity_checks_to_do_by_hand() -> None:
    request = compose(unpaid())
    assert check(request, "procedure_collective_a_verifier") is CheckState.WARNING
    assert check(request, "identite_a_verifier") is CheckState.WARNING
    assert request.debtor.seat == "12 rue de la Paix, 75002 Paris"


def test_below_5000_eur_the_petites_creances_procedure_is_offered() -> None:
    case = unpaid()
    assert injunction.offered_procedures(case, paris(30), RATES) == (Procedure.INJUNCTION, Procedure.SMALL_CLAIM)
    letter = compose(case, Procedure.SMALL_CLAIM, court=PARIS_COURT)
    assert letter.court is None and letter.appeal_court == "Paris"
    assert check(letter, "montant_petites_creances") is CheckState.DONE
    assert check(letter, "commissaire_competent") is CheckState.TO_DO


def test_beyond_5000_eur_in_principal_and_interest_only_the_injunction_is_offered() -> None:
    # 4,980 EUR owed: 29 days of interest (48.07 EUR) take it over 5,000 EUR.
    case = unpaid(make_case(amount_cents=4_980_00))
    assert injunction.offered_procedures(case, paris(30), RATES) == (Procedure.INJUNCTION,)
    with pytest.raises(RuleNotMet) as refused:
        compose(case, Procedure.SMALL_CLAIM)
    assert [e.code for e in refused.value.errors] == ["montant_trop_eleve_petites_creances"]
    # On 2 March, one day of interest, the same amount was within the limit.
    assert Procedure.SMALL_CLAIM in injunction.offered_procedures(case, paris(2), RATES)


def test_beyond_10000_eur_the_checklist_warns_that_a_lawyer_is_needed_in_opposition() -> None:
    big = compose(unpaid(make_case(amount_cents=12_000_00)))
    small = compose(unpaid())
    assert check(big, "avocat_en_cas_d_opposition") is CheckState.WARNING
    assert check(small, "avocat_en_cas_d_opposition") is CheckState.INFO


def test_the_checklist_lists_the_signed_document_the_fee_and_the_month_for_opposition() -> None:
    request = compose(unpaid())
    assert check(request, "document_signe") is CheckState.TO_DO
    assert check(request, "frais_de_greffe") is CheckState.INFO
    (opposition,) = [item for item in request.checklist if item.code == "signification_et_opposition"]
    assert "opposition dans le mois" in opposition.label
    assert check(request, "tribunal_confirme") is CheckState.DONE


def test_a_request_composed_before_the_court_is_confirmed_says_it_is_to_confirm() -> None:
    request = compose(unpaid(), court=None)
    assert check(request, "tribunal_a_confirmer") is CheckState.TO_DO


def test_the_pieces_are_the_invoice_each_step_sent_and_the_case_record() -> None:
    titles = [e.title for e in compose(unpaid()).exhibits]
    assert titles[0].startswith("Facture n° F-2026-0117")
    assert len(titles) == 5  # the invoice, two reminders, the notice, the case's record
    assert titles[-1] == "Relevé horodaté du dossier de recouvrement Ardoise case_0001"


def test_a_prepared_request_is_kept_on_the_timeline_and_the_latest_is_the_one_shown() -> None:
    case = unpaid()
    first = compose(case, now=paris(28))
    case = injunction.request_prepared(case, first, paris(28), "member:m")
    second = compose(case, now=paris(30))
    case = injunction.request_prepared(case, second, paris(30), "member:m")
    assert case.status is recovery.CaseStatus.UNPAID
    assert [e.kind for e in case.events[-2:]] == [recovery.EventKind.COURT_REQUEST_PREPARED] * 2
    assert injunction.latest_request(case, Procedure.INJUNCTION) == second
    assert injunction.latest_request(case, Procedure.SMALL_CLAIM) is None


# -- where -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("city_code", "postal_code", "departement"),
    [
        ("75108", "75008", "75"),  # Paris 8e: INSEE's commune code
        ("2A004", "20000", "2A"),  # Ajaccio
        ("", "20200", "2B"),  # Bastia, from its postal code alone
        ("", "20137", "2A"),  # Porto-Vecchio
        ("97411", "97400", "974"),  # Saint-Denis (La Réunion)
        ("", "13002", "13"),
        ("", "7500", None),
        ("", "", None),
    ],
)
def test_the_departement_comes_from_the_commune_else_the_postal_code(
    city_code: str, postal_code: str, departement: str | None
) -> None:
    assert departement_of(city_code, postal_code) == departement


def test_a_departement_with_one_court_gets_it_as_the_default() -> None:
    proposal = propose_court(court_table(), departement_of("75108"), "siège")
    assert proposal.default is not None and proposal.default.code == "tae-paris"
    assert proposal.default.appeal_court == "Paris"


def test_a_departement_with_several_courts_gets_the_list_and_no_default() -> None:
    proposal = propose_court(court_table(), departement_of(postal_code="13002"), "siège")
    assert proposal.default is None
    assert [c.code for c in proposal.candidates] == [
        "tc-aix-en-provence",
        "tae-marseille",
        "tc-salon-de-provence",
        "tc-tarascon",
    ]


def test_a_departement_the_table_does_not_cover_gets_none() -> None:
    assert propose_court(court_table(), "974", "siège").candidates == ()
    assert propose_court(court_table(), None, "adresse saisie").candidates == ()


def test_the_postal_code_of_a_typed_address_is_its_last_five_digit_group() -> None:
    assert postal_code_in("12 rue de la Paix, 75002 Paris") == "75002"
    assert postal_code_in("BP 12345, 13002 Marseille") == "13002"
    assert postal_code_in("sans code") == ""


def test_the_shipped_table_states_its_source_and_covers_fifty_departements() -> None:
    table = court_table()
    assert any("https://www.legifrance.gouv.fr/codes/section_lc/LEGITEXT000005634379" in s for s in table.source)
    assert any("Partielle" in line for line in table.source)
    assert len(table.courts) == 50
    codes = [court.code for courts in table.courts.values() for court in courts]
    assert len(codes) == len(set(codes))  # by_code finds one court
    assert all(court.appeal_court for courts in table.courts.values() for court in courts)


def test_a_table_row_reads_into_a_court_by_code() -> None:
    table = parse_table(
        "# source: test\ndepartement,code,nom,cour_appel\n21,tc-dijon,Tribunal de commerce de Dijon,Dijon\n"
    )
    assert table.source == ("source: test",)
    assert table.by_code("tc-dijon") == Court("tc-dijon", "Tribunal de commerce de Dijon", "Dijon")
    assert table.by_code("tc-nulle-part") is None


def test_composing_reads_no_clock_the_same_inputs_give_the_same_request() -> None:
    case = unpaid()
    assert compose(case) == compose(replace(case))
