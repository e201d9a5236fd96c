"""The creditor's space, its reminder scenarios: Ardoise's default one and its own, each in full with a preview.

The same use cases as the API's routes (``recovery.py``): ``list_scenarios`` as
``GET /scenarios``, ``get_scenario`` as ``GET /scenarios/{id}`` (a member sees
only its own, 404 for any other), ``preview`` as ``POST /scenarios/preview``
(nothing stored) and ``create_scenario`` as ``POST /scenarios``. The form is
shaped into the API's ``ScenarioIn`` (``PreviewIn`` for the preview) and
validated by it; the rules of a formal notice (its place, its deadline of eight
days at least, its channel) and of the texts' placeholders are the domain's,
shown beside the fields they name. The routes are the space's (``space.py``),
added to its blueprint here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Response, request
from pydantic import ValidationError

from functions.core.clock import today_in_paris
from functions.core.domain.scenarios import (
    ANCHOR_LABELS,
    CHANNEL_LABELS,
    DEFAULT_SCENARIO_ID,
    PLACEHOLDERS,
    STEP_KIND_LABELS,
    Anchor,
    Channel,
    Scenario,
    Step,
    StepKind,
)
from functions.core.errors import Problem
from functions.core.french import NBSP, format_eur, short_date, short_datetime
from functions.core.http import resources
from functions.core.spaces import field_messages, page, see_other, signed_in_only
from functions.core.usecases.recovery import scenarios
from functions.core.usecases.recovery.scenarios import SAMPLE_DEBTOR, PreviewStep
from functions.core.usecases.signin import SignedIn
from functions.core.validation import field_errors
from functions.directory.recovery import steps_of  # the API's own shaping of its steps, shared by the form
from functions.directory.recovery_schemas import PreviewIn, ScenarioIn
from functions.directory.space import signed_in_member, space

__all__ = ["space"]

LIST_TITLE = "Mes scénarios de relance"
NEW_TITLE = "Créer un scénario de relance"
# The form's step rows: enough for two or three reminders and the notice; a row left empty is ignored.
STEP_ROWS = 5
# A row's fields, under the API's names (``StepIn``): ``steps.<row>.<field>`` in the form.
STEP_FIELDS = ("name", "kind", "channel", "delay_days", "anchor", "subject", "body", "deadline_days")
# What a person types in a row (the three choices always carry a value): all empty, the row is ignored.
TYPED_FIELDS = ("name", "delay_days", "subject", "body", "deadline_days")
NO_STEP = "Remplissez au moins une étape : la dernière est la mise en demeure."
PREVIEW = "apercu"  # the « Prévisualiser » button's name: the preview, nothing stored


def _days(count: int) -> str:
    return f"{count}{NBSP}jour{'s' if count > 1 else ''}"


@dataclass(frozen=True)
class StepLine:
    """One step of a scenario as its creditor reads it."""

    name: str
    kind: str
    channel: str
    when: str  # "3 jours après l'échéance"
    deadline: str  # a formal notice's time to pay, "" for a reminder
    subject: str
    body: str


def _step_line(step: Step) -> StepLine:
    notice = step.kind is StepKind.FORMAL_NOTICE
    return StepLine(
        name=step.name,
        kind=STEP_KIND_LABELS[step.kind],
        channel=CHANNEL_LABELS[step.channel],
        when=f"{_days(step.delay_days)} {ANCHOR_LABELS[step.anchor]}",
        deadline=f"{_days(step.deadline_days)} pour payer" if notice else "",
        subject=step.subject,
        body=step.body,
    )


def _scenario_view(scenario: Scenario) -> dict[str, Any]:
    return {
        "id": scenario.id,
        "name": scenario.name,
        "default": scenario.is_default,
        "created": short_datetime(scenario.created_at) if scenario.created_at else "",
        "steps": [_step_line(step) for step in scenario.steps],
    }


def _preview_view(previews: list[PreviewStep]) -> list[dict[str, str]]:
    """Each step as it would go on the example invoice: its date, its texts filled, its amounts."""
    return [
        {
            "name": p.step.name,
            "channel": CHANNEL_LABELS[p.step.channel],
            "on": short_date(p.on),
            "subject": p.rendered.subject,
            "body": p.rendered.body,
            "interest": format_eur(p.rendered.penalties.interest_cents),
            "indemnity": format_eur(p.rendered.penalties.indemnity_cents),
            "deadline": short_date(p.rendered.deadline) if p.rendered.deadline else "",
        }
        for p in previews
    ]


def _sample() -> dict[str, str]:
    """The example invoice the preview fills the texts with, as the use case builds it today."""
    invoice = scenarios.sample_invoice(today_in_paris(resources().clock()))
    return {
        "debtor": SAMPLE_DEBTOR.name,
        "number": invoice.number,
        "amount": format_eur(invoice.amount_cents),
        "issued": short_date(invoice.issue_date),
        "due": short_date(invoice.due_date),
    }


def _placeholders() -> list[tuple[str, str]]:
    return [(f"{{{name}}}", meaning) for name, meaning in PLACEHOLDERS.items()]


@space.get("/scenarios")
@signed_in_only
def scenarios_list(who: SignedIn) -> Response:
    """Ardoise's scenario, then the member's own, each with its steps (``list_scenarios``, as ``GET /scenarios``)."""
    found = scenarios.list_scenarios(resources(), signed_in_member(who))
    return page("espace/scenarios.html", title=LIST_TITLE, who=who, scenarios=[_scenario_view(s) for s in found])


# -- creating one ------------------------------------------------------------------------------


def _row_name(row: int, field: str) -> str:
    return f"steps.{row}.{field}"


FORM_FIELDS = ("name", *(_row_name(row, field) for row in range(STEP_ROWS) for field in STEP_FIELDS))


def _form_values(scenario: Scenario) -> dict[str, str]:
    """The form filled with a scenario's steps (to start from), the rows beyond them empty."""
    values = dict.fromkeys(FORM_FIELDS, "")
    for row in range(1, STEP_ROWS):  # a row added after the first most likely follows the step before it
        values[_row_name(row, "anchor")] = Anchor.PREVIOUS_STEP.value
    for row, step in enumerate(scenario.steps[:STEP_ROWS]):
        typed = {
            "name": step.name,
            "kind": step.kind.value,
            "channel": step.channel.value,
            "delay_days": str(step.delay_days),
            "anchor": step.anchor.value,
            "subject": step.subject,
            "body": step.body,
            "deadline_days": str(step.deadline_days) if step.kind is StepKind.FORMAL_NOTICE else "",
        }
        values.update({_row_name(row, field): value for field, value in typed.items()})
    return values


def _form_body(values: dict[str, str]) -> tuple[dict[str, Any], list[int]]:
    """``POST /scenarios``'s body from the form, and each step's row (rows left empty are ignored)."""
    steps, rows = [], []
    for row in range(STEP_ROWS):
        step = {field: values[_row_name(row, field)] for field in STEP_FIELDS}
        if not any(step[field] for field in TYPED_FIELDS):
            continue
        if not step["deadline_days"]:
            del step["deadline_days"]  # a reminder has none: the API's default
        steps.append(step)
        rows.append(row)
    return {"name": values["name"], "steps": steps}, rows


def _form_names(errors: dict[str, str], rows: list[int]) -> dict[str, str]:
    """The API's field names as the form's: its ``steps.1.body`` is the body of the second row filled in."""
    named: dict[str, str] = {}
    for api_name, message in errors.items():
        parts = api_name.split(".")
        name = api_name
        if parts[0] == "steps" and len(parts) > 2 and parts[1].isdigit() and int(parts[1]) < len(rows):
            name = _row_name(rows[int(parts[1])], parts[2])
        # The scenario's whole rule (a single notice, and last) stands above the steps.
        named.setdefault(name if name in FORM_FIELDS else "steps", message)
    return named


def _form_page(
    who: SignedIn,
    values: dict[str, str],
    status: int = 200,
    errors: dict[str, str] | None = None,
    preview: list[dict[str, str]] | None = None,
) -> Response:
    return page(
        "espace/nouveau_scenario.html",
        status,
        title=NEW_TITLE,
        who=who,
        values=values,
        errors=errors or {},
        rows=range(STEP_ROWS),
        kinds=[(kind.value, STEP_KIND_LABELS[kind]) for kind in StepKind],
        channels=[(channel.value, CHANNEL_LABELS[channel]) for channel in Channel],
        anchors=[(anchor.value, ANCHOR_LABELS[anchor]) for anchor in Anchor],
        preview=preview,
        sample=_sample(),
        placeholders=_placeholders(),
    )


@space.get("/scenarios/nouveau")
@signed_in_only
def scenario_form(who: SignedIn) -> Response:
    """The form, filled with Ardoise's scenario (or the member's one named by ``?depuis=``) to start from."""
    start = scenarios.get_scenario(resources(), signed_in_member(who), request.args.get("depuis", DEFAULT_SCENARIO_ID))
    values = _form_values(start)
    values["name"] = "" if start.is_default else f"Copie de {start.name}"[:120]
    return _form_page(who, values)


@space.post("/scenarios/nouveau")
@signed_in_only
def scenario_creation(who: SignedIn) -> Response:
    """« Prévisualiser » (``preview``, as ``POST /scenarios/preview``: nothing stored) or « Enregistrer »
    (``create_scenario``, as ``POST /scenarios``); each problem beside its field."""
    member = signed_in_member(who)
    values = {name: request.form.get(name, "").strip() for name in FORM_FIELDS}
    raw, rows = _form_body(values)
    previewing = PREVIEW in request.form
    if not rows:
        return _form_page(who, values, 400, {"steps": NO_STEP})
    try:
        if previewing:
            steps = steps_of(PreviewIn.model_validate({"steps": raw["steps"]}).steps)
            shown = _preview_view(scenarios.preview(resources(), member, steps=steps, case=None))
            return _form_page(who, values, preview=shown)
        body = ScenarioIn.model_validate(raw)
        scenario = scenarios.create_scenario(resources(), member, name=body.name, steps=steps_of(body.steps))
    except ValidationError as exc:
        return _form_page(who, values, 400, _form_names(field_messages(field_errors(exc)), rows))
    except Problem as problem:
        if not problem.errors:
            raise  # not approved: the problem's own page
        return _form_page(who, values, problem.status, _form_names(field_messages(problem.errors), rows))
    return see_other(f"/scenarios/{scenario.id}?enregistre=creation")


# -- one scenario ------------------------------------------------------------------------------


@space.get("/scenarios/<scenario_id>")
@signed_in_only
def scenario_page(who: SignedIn, scenario_id: str) -> Response:
    """One scenario in full (``get_scenario``; 404 for another member's), each step previewed on the example
    invoice (``preview``), the placeholders its texts may use."""
    member = signed_in_member(who)
    scenario = scenarios.get_scenario(resources(), member, scenario_id)
    try:
        preview, refusals = _preview_view(scenarios.preview(resources(), member, steps=scenario.steps, case=None)), []
    except Problem as problem:
        # A scenario saved under older rules still reads; the preview says which rule it now fails.
        preview, refusals = [], list(field_messages(problem.errors).values()) or [problem.detail or problem.title]
    return page(
        "espace/scenario.html",
        title=f"Scénario « {scenario.name} »",
        who=who,
        scenario=_scenario_view(scenario),
        preview=preview,
        refusals=refusals,
        sample=_sample(),
        placeholders=_placeholders(),
        done=request.args.get("enregistre", ""),
    )
