"""'Mes scénarios': a member reads Ardoise's scenario and its own, previews one and creates one in its space."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
from flask.testing import FlaskClient

from functions.core.domain.scenarios import DEFAULT_SCENARIO, Scenario
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from tests.directory.conftest import register, register_pending
from tests.recovery.factories import notice_payload, step_payload
from tests.spaces.conftest import CREDITOR_SIREN, MEMBER_EMAIL
from tests.spaces.helpers import form_tokens_of, sign_in, submit, text

NEW = "/espace/scenarios/nouveau"


@pytest.fixture
def member(directory: FlaskClient, mailer: OutboxMailer) -> dict[str, str]:
    """The API's headers of an approved member, Menuiserie Durand."""
    return {"Authorization": register(directory, mailer)}


@pytest.fixture
def browser(directory: FlaskClient, mailer: OutboxMailer, member: dict[str, str]) -> FlaskClient:
    """A browser signed in as that member."""
    client = directory.application.test_client()
    sign_in(client, mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    return client


def rows(*steps: dict[str, Any], first: int = 0) -> dict[str, str]:
    """The form's step rows filled with the API's steps, from row ``first`` on (the rows before left empty)."""
    return {
        f"steps.{first + row}.{field}": str(value) for row, step in enumerate(steps) for field, value in step.items()
    }


def listed(directory: FlaskClient, member: dict[str, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = directory.get("/scenarios", headers=member).json["items"]
    return items


def _created(directory: FlaskClient, member: dict[str, str], name: str = "Rappel puis courrier") -> str:
    body = {"name": name, "steps": [step_payload(), notice_payload()]}
    created = directory.post("/scenarios", json=body, headers=member)
    assert created.status_code == 201, created.json
    return str(created.json["id"])


def test_the_list_shows_ardoise_s_scenario_and_the_member_s_own_with_each_step(
    directory: FlaskClient, member: dict[str, str], browser: FlaskClient
) -> None:
    own = _created(directory, member)
    response = browser.get("/espace/scenarios")
    assert response.status_code == 200
    page = text(response)
    assert page.index("Scénario Ardoise : deux relances puis mise en demeure") < page.index("Rappel puis courrier")
    assert "Relance courtoise relance e-mail 3 jours après l'échéance —" in page
    assert "Relance ferme relance e-mail 7 jours après l'étape précédente —" in page
    assert "Mise en demeure mise en demeure courrier 7 jours après l'étape précédente 8 jours pour payer" in page
    assert "Rappel amical relance e-mail 5 jours après l'échéance —" in page
    assert "10 jours après l'étape précédente 8 jours pour payer" in page
    html = response.get_data(as_text=True)
    assert 'href="/espace/scenarios/default"' in html and f'href="/espace/scenarios/{own}"' in html


def test_the_space_s_navigation_and_the_case_opening_form_link_to_the_scenarios(browser: FlaskClient) -> None:
    assert 'href="/espace/scenarios">Mes scénarios</a>' in browser.get("/espace/").get_data(as_text=True)
    opening = browser.get("/espace/dossiers/nouveau").get_data(as_text=True)
    assert '<a href="/espace/scenarios">Voir ou créer un scénario</a>' in opening


def test_a_scenario_s_page_shows_its_texts_their_preview_and_the_placeholders(browser: FlaskClient) -> None:
    response = browser.get("/espace/scenarios/default")
    assert response.status_code == 200
    page = text(response)
    assert "Sauf erreur de notre part, la facture {facture} du {date_facture}" in page  # the text as written
    # The preview: the sample invoice due 30 days before the clock's 2 March 2026, its steps already due.
    assert "la facture F-2026-042 du 01/01/2026, d'un montant de 1 250,00 €" in page
    assert "Relance courtoise : e-mail, prévue le 03/02/2026" in page
    assert "Mise en demeure : courrier, prévue le 17/02/2026" in page
    assert "au sens de l'article 1344 du Code civil" in page and "au plus tard le 10/03/2026" in page
    assert "indemnité forfaitaire : 40,00 € ; date limite de paiement : 10/03/2026" in page
    assert "{reste_du} le reste dû (principal)" in page and "{jours_de_retard}" in page


def test_the_form_starts_from_ardoise_s_steps_each_in_a_labelled_fieldset(browser: FlaskClient) -> None:
    html = browser.get(NEW).get_data(as_text=True)
    assert html.count("<fieldset>") == 5 and "<legend>Étape 1</legend>" in html
    assert "<legend>Étape 5</legend>" in html
    assert '<label for="champ-steps.0.name">' in html and 'id="champ-steps.0.name"' in html
    assert 'name="steps.0.name" type="text" value="Relance courtoise"' in html
    assert '<option value="letter" selected>courrier</option>' in html  # the notice's row
    assert 'name="steps.2.deadline_days" type="text" value="8"' in html
    assert 'name="steps.3.name" type="text" value=""' in html


def test_a_scenario_created_through_the_form_is_listed_and_offered_when_opening_a_case(
    directory: FlaskClient, member: dict[str, str], browser: FlaskClient
) -> None:
    steps = rows(step_payload(channel="sms", body="{creancier} : facture {facture}, reste {reste_du}."))
    notice = rows(notice_payload(deadline_days=10), first=2)  # the second row left empty: ignored
    created = submit(browser, NEW, NEW, name="SMS puis courrier", **steps, **notice)
    assert created.status_code == 303, text(created)
    found = re.fullmatch(r"/espace/scenarios/(scn_\w+)\?enregistre=creation", created.headers["Location"])
    assert found, created.headers["Location"]
    shown = text(browser.get(created.headers["Location"]))
    assert "Le scénario est enregistré" in shown and "Rappel amical (relance, SMS, 5 jours après l'échéance)" in shown
    scenario = listed(directory, member)[1]
    assert (scenario["id"], scenario["name"]) == (found.group(1), "SMS puis courrier")
    assert [(s["channel"], s["deadline_days"]) for s in scenario["steps"]] == [("sms", 0), ("letter", 10)]
    opening = browser.get("/espace/dossiers/nouveau").get_data(as_text=True)
    assert f'<option value="{scenario["id"]}" >SMS puis courrier</option>' in opening


def test_the_creation_sent_twice_is_applied_once(
    directory: FlaskClient, member: dict[str, str], browser: FlaskClient
) -> None:
    form = {**form_tokens_of(browser, NEW), "name": "Deux fois", **rows(step_payload(), notice_payload())}
    first, second = browser.post(NEW, data=form), browser.post(NEW, data=form)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert [s["name"] for s in listed(directory, member)] == [listed(directory, member)[0]["name"], "Deux fois"]


def test_the_domain_s_refusals_are_shown_beside_their_fields_and_nothing_is_stored(
    directory: FlaskClient, member: dict[str, str], browser: FlaskClient
) -> None:
    typo = step_payload(body="Bonjour {debitor}, merci de payer {reste_du}.")
    steps = {**rows(typo), **rows(notice_payload(deadline_days=5, channel="sms"), first=3)}
    refused = submit(browser, NEW, NEW, name="Trop pressé", **steps)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    for field in ("steps.0.body", "steps.3.deadline_days", "steps.3.channel"):
        assert re.search(rf'id="champ-{re.escape(field)}"[^>]*aria-describedby="[^"]*erreur-{re.escape(field)}"', html)
        assert f'id="erreur-{field}"' in html and f'href="#champ-{field}"' in html
    page = text(refused)
    assert "La variable {debitor} n'existe pas." in page
    assert "Une mise en demeure laisse au moins 8 jours au débiteur pour payer." in page
    assert "Une mise en demeure part par courrier ou par e-mail, jamais par SMS." in page
    assert 'value="Trop pressé"' in html and "Bonjour {debitor}, merci de payer {reste_du}.</textarea>" in html
    assert len(listed(directory, member)) == 1


def test_a_scenario_without_a_notice_last_or_without_any_step_is_refused_above_the_steps(
    directory: FlaskClient, member: dict[str, str], browser: FlaskClient
) -> None:
    reminders = submit(browser, NEW, NEW, name="Sans fin", **rows(step_payload()))
    assert reminders.status_code == 422
    assert 'id="champ-steps">Un scénario se termine par une mise en demeure' in reminders.get_data(as_text=True)
    empty = submit(browser, NEW, NEW, name="Vide")
    assert empty.status_code == 400 and "Remplissez au moins une étape" in text(empty)
    assert len(listed(directory, member)) == 1


def test_a_delay_that_is_not_a_number_is_said_beside_its_field(browser: FlaskClient) -> None:
    steps = rows(step_payload(delay_days="trois"), notice_payload())
    refused = submit(browser, NEW, NEW, name="Faute de frappe", **steps)
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert '<p class="ardoise-erreur-champ" id="erreur-steps.0.delay_days">Un nombre entier est attendu.</p>' in html


def test_the_preview_shows_each_step_filled_in_and_stores_nothing(
    directory: FlaskClient, member: dict[str, str], browser: FlaskClient
) -> None:
    steps = rows(step_payload(), notice_payload())
    previewed = submit(browser, NEW, NEW, name="", apercu="1", **steps)
    assert previewed.status_code == 200, text(previewed)
    page = text(previewed)
    assert "Aperçu sur une facture d'exemple" in page and "Rien n'est enregistré ni envoyé." in page
    assert "Rappel amical : e-mail, prévue le 05/02/2026" in page
    assert "Bonjour Société Exemple SAS, il reste 1 250,00 € à régler sur la facture F-2026-042." in page
    assert "Mise en demeure : courrier, prévue le 15/02/2026" in page and "au plus tard le 10/03/2026" in page
    assert 'name="steps.1.body"' in previewed.get_data(as_text=True)  # the form again, to go on editing
    assert len(listed(directory, member)) == 1
    wrong = submit(browser, NEW, NEW, apercu="1", **rows(notice_payload(deadline_days=3)))
    assert wrong.status_code == 422 and 'id="erreur-steps.0.deadline_days"' in wrong.get_data(as_text=True)
    assert "Aperçu sur une facture d'exemple" not in text(wrong)


def test_the_member_s_text_is_escaped_on_every_page(
    directory: FlaskClient, member: dict[str, str], browser: FlaskClient
) -> None:
    script = "<script>alert('x')</script>"
    steps = rows(step_payload(name=f"{script} étape", body=f"Bonjour {{debiteur}} {script}"), notice_payload())
    previewed = submit(browser, NEW, NEW, name=f"{script} mien", apercu="1", **steps)
    created = submit(browser, NEW, NEW, name=f"{script} mien", **steps)
    assert previewed.status_code == 200 and created.status_code == 303
    pages = [previewed, browser.get(created.headers["Location"]), browser.get("/espace/scenarios")]
    for response in pages:
        html = response.get_data(as_text=True)
        assert "<script>alert" not in html and "&lt;script&gt;alert(" in html


def test_another_member_s_scenario_is_a_404(
    directory: FlaskClient, mailer: OutboxMailer, member: dict[str, str], browser: FlaskClient
) -> None:
    other = {"Authorization": register(directory, mailer, siren="542065479", name="Autre SARL")}
    theirs = _created(directory, other, name="Le leur")
    assert browser.get(f"/espace/scenarios/{theirs}").status_code == 404
    assert browser.get(f"{NEW}?depuis={theirs}").status_code == 404
    assert "Le leur" not in text(browser.get("/espace/scenarios"))


def test_the_form_starts_from_one_of_the_member_s_scenarios(
    directory: FlaskClient, member: dict[str, str], browser: FlaskClient
) -> None:
    mine = _created(directory, member)
    html = browser.get(f"{NEW}?depuis={mine}").get_data(as_text=True)
    assert 'value="Copie de Rappel puis courrier"' in html and 'value="Rappel amical"' in html
    assert f'href="{NEW}?depuis={mine}"' in browser.get(f"/espace/scenarios/{mine}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("kind", "ultimatum"),
        ("channel", "pigeon"),
        ("anchor", "hier"),
        ("delay_days", "99999999999999999999999"),
        ("delay_days", "-3"),
        ("deadline_days", "1,5"),
        ("subject", "Deux\nlignes"),
        ("name", "x" * 500),
    ],
)
def test_a_value_the_api_would_refuse_is_a_400_beside_its_field(
    directory: FlaskClient, member: dict[str, str], browser: FlaskClient, field: str, typed: str
) -> None:
    steps = rows(step_payload(**{field: typed}), notice_payload())
    refused = submit(browser, NEW, NEW, name="Valeurs étranges", **steps)
    assert refused.status_code == 400, text(refused)
    assert f'id="erreur-steps.0.{field}"' in refused.get_data(as_text=True)
    assert len(listed(directory, member)) == 1


def test_a_member_awaiting_approval_may_preview_but_not_save(
    directory: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    pending, _ = register_pending(directory, mailer, siren="404833048", name="Garage", email="garage@exemple.fr")
    client = directory.application.test_client()
    sign_in(client, mailer, siren="404833048", email="garage@exemple.fr")
    steps = rows(step_payload(), notice_payload())
    assert submit(client, NEW, NEW, apercu="1", **steps).status_code == 200
    refused = submit(client, NEW, NEW, name="Le mien", **steps)
    assert refused.status_code == 403 and "en attente de validation" in text(refused)
    assert resources.store.cases.list_scenarios(pending) == []


def test_a_scenario_saved_under_older_rules_still_reads_and_says_what_it_now_fails(
    directory: FlaskClient, member: dict[str, str], browser: FlaskClient, resources: Resources
) -> None:
    owner = resources.store.members.list_members(CREDITOR_SIREN)[0]
    short = replace(DEFAULT_SCENARIO.steps[-1], deadline_days=5)  # what the rules refuse today
    old = Scenario("scn_older_rules", "Ancien", (*DEFAULT_SCENARIO.steps[:-1], short), owner=owner.id)
    resources.store.cases.create_scenario(old, actor="test")
    response = browser.get("/espace/scenarios/scn_older_rules")
    assert response.status_code == 200
    page = text(response)
    assert "Ce scénario ne peut plus être prévisualisé ni utilisé" in page
    assert "Une mise en demeure laisse au moins 8 jours au débiteur pour payer." in page
    assert "Aperçu sur une facture d'exemple" not in page


@pytest.mark.parametrize("scenario_id", ["scn_" + "x" * 3000, "scn_%C3%A9%00", "../default"])
def test_an_id_no_scenario_has_is_a_404_on_both_pages(browser: FlaskClient, scenario_id: str) -> None:
    assert browser.get(f"/espace/scenarios/{scenario_id}").status_code == 404
    assert browser.get(f"{NEW}?depuis={scenario_id}").status_code == 404
