"""Recovery scenarios: the steps Ardoise takes for a creditor before any report, and their texts.

A scenario is an ordered list of steps. Each step says when it goes (a number
of days after the invoice's due date, or after the previous step was sent),
by which channel (e-mail, letter, SMS) and with what text. Texts carry
placeholders in braces (``{debiteur}``, ``{reste_du}``…): :data:`PLACEHOLDERS`
lists them all, and a text naming another one is refused (``variable_inconnue``).

The default French scenario (:data:`DEFAULT_SCENARIO`): a courteous reminder,
a firm reminder, then the formal notice (mise en demeure, Code civil art. 1344)
that states the principal, the late-payment penalties to date, the 40 EUR
indemnity and a deadline of at least eight days. A scenario's last step is a
formal notice, so that a case that ends unpaid can become a report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from functions.core.errors import FieldError

# Code de commerce and Code civil: a formal notice gives the debtor time to pay, at least eight days here.
MIN_NOTICE_DEADLINE_DAYS = 8
MAX_STEPS = 10
MAX_DELAY_DAYS = 365
# Two SMS segments' worth before the placeholders are filled: a reminder, not a letter.
MAX_SMS_CHARACTERS = 300
DEFAULT_SCENARIO_ID = "default"


class Channel(StrEnum):
    """How a step reaches the debtor."""

    EMAIL = "email"
    LETTER = "letter"  # a PDF for the creditor to post (registered-mail providers: an adapter, none wired)
    SMS = "sms"


CHANNEL_LABELS = {Channel.EMAIL: "e-mail", Channel.LETTER: "courrier", Channel.SMS: "SMS"}


class Anchor(StrEnum):
    """What a step's delay counts from."""

    DUE_DATE = "due_date"
    PREVIOUS_STEP = "previous_step"


# "3 jours après l'échéance": what a delay counts from, as a creditor reads it after the number of days.
ANCHOR_LABELS = {Anchor.DUE_DATE: "après l'échéance", Anchor.PREVIOUS_STEP: "après l'étape précédente"}


class StepKind(StrEnum):
    """A reminder, or the formal notice that ends the amicable recovery."""

    REMINDER = "reminder"
    FORMAL_NOTICE = "formal_notice"


STEP_KIND_LABELS = {StepKind.REMINDER: "relance", StepKind.FORMAL_NOTICE: "mise en demeure"}


@dataclass(frozen=True)
class Step:
    """One step of a scenario: when, how and what."""

    name: str
    kind: StepKind
    channel: Channel
    delay_days: int
    anchor: Anchor
    subject: str
    body: str
    # A formal notice's deadline to pay, from the day it is sent (8 days at least).
    deadline_days: int = 0


@dataclass(frozen=True)
class Scenario:
    """A member's scenario (``owner`` its member id) or the default one (``owner`` empty)."""

    id: str
    name: str
    steps: tuple[Step, ...]
    owner: str = ""
    created_at: datetime | None = None
    version: int = 0

    @property
    def is_default(self) -> bool:
        return not self.owner


# Every placeholder a text may use, with what it becomes (the preview and the API document list them).
PLACEHOLDERS: Mapping[str, str] = {
    "debiteur": "le nom du débiteur",
    "creancier": "le nom du créancier",
    "facture": "le numéro de la facture",
    "date_facture": "la date de la facture",
    "echeance": "la date d'échéance",
    "montant": "le montant de la facture",
    "reste_du": "le reste dû (principal)",
    "penalites": "les pénalités de retard à ce jour (taux BCE + 10 points)",
    "taux": "le taux des pénalités de retard",
    "indemnite": "l'indemnité forfaitaire pour frais de recouvrement (40 €)",
    "total": "le principal, les pénalités et l'indemnité",
    "date_limite": "la date limite de paiement d'une mise en demeure",
    "jours_de_retard": "le nombre de jours depuis l'échéance",
}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def placeholders_in(text: str) -> list[str]:
    """Return the placeholders a text names, in order (known or not)."""
    return _PLACEHOLDER.findall(text)


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace each known placeholder by its value; a text is checked first (:func:`scenario_problems`)."""
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def _text_problems(field: str, text: str) -> list[FieldError]:
    unknown = [name for name in placeholders_in(text) if name not in PLACEHOLDERS]
    return [
        FieldError(
            field,
            "variable_inconnue",
            f"La variable {{{name}}} n'existe pas. Variables possibles : "
            + ", ".join(f"{{{known}}}" for known in PLACEHOLDERS)
            + ".",
        )
        for name in dict.fromkeys(unknown)
    ]


def step_problems(step: Step, position: int) -> list[FieldError]:
    """Return what is wrong with one step (its position in the scenario names the fields)."""
    where = f"steps.{position}"
    problems = _text_problems(f"{where}.subject", step.subject) + _text_problems(f"{where}.body", step.body)
    if step.kind is StepKind.FORMAL_NOTICE and step.deadline_days < MIN_NOTICE_DEADLINE_DAYS:
        problems.append(
            FieldError(
                f"{where}.deadline_days",
                "delai_mise_en_demeure_trop_court",
                f"Une mise en demeure laisse au moins {MIN_NOTICE_DEADLINE_DAYS} jours au débiteur pour payer.",
            )
        )
    if position == 0 and step.anchor is Anchor.PREVIOUS_STEP:
        problems.append(
            FieldError(
                f"{where}.anchor",
                "premiere_etape_sans_precedente",
                "La première étape se compte depuis l'échéance de la facture : elle n'a pas d'étape précédente.",
            )
        )
    if step.channel is Channel.SMS and len(step.body) > MAX_SMS_CHARACTERS:
        problems.append(
            FieldError(
                f"{where}.body",
                "sms_trop_long",
                f"Un SMS tient en {MAX_SMS_CHARACTERS} caractères au plus (variables comprises avant remplissage).",
            )
        )
    if step.kind is StepKind.FORMAL_NOTICE and step.channel is Channel.SMS:
        problems.append(
            FieldError(
                f"{where}.channel",
                "mise_en_demeure_par_sms",
                "Une mise en demeure part par courrier ou par e-mail, jamais par SMS.",
            )
        )
    return problems


def scenario_problems(steps: tuple[Step, ...]) -> list[FieldError]:
    """Return every rule a scenario's steps fail (empty: it may be used)."""
    problems = [problem for position, step in enumerate(steps) for problem in step_problems(step, position)]
    notices = [position for position, step in enumerate(steps) if step.kind is StepKind.FORMAL_NOTICE]
    if notices != [len(steps) - 1]:
        problems.append(
            FieldError(
                "steps",
                "mise_en_demeure_en_dernier",
                "Un scénario se termine par une mise en demeure, et n'en compte qu'une : "
                "c'est elle qui ouvre, faute de paiement, le signalement.",
            )
        )
    return problems


_COURTEOUS = (
    "Bonjour,\n\n"
    "Sauf erreur de notre part, la facture {facture} du {date_facture}, d'un montant de {montant}, "
    "arrivée à échéance le {echeance}, reste impayée : il reste dû {reste_du}.\n\n"
    "Il s'agit peut-être d'un simple oubli. Nous vous remercions de bien vouloir procéder à son règlement "
    "dans les meilleurs délais ; si vous l'avez déjà fait, ne tenez pas compte de ce message.\n\n"
    "Cordialement,\n{creancier}"
)
_FIRM = (
    "Bonjour,\n\n"
    "Malgré notre précédente relance, la facture {facture} du {date_facture}, échue le {echeance}, "
    "reste impayée depuis {jours_de_retard} jours : il reste dû {reste_du}.\n\n"
    "Nous vous rappelons que tout retard de paiement entraîne de plein droit des pénalités de retard "
    "(article L441-10 du Code de commerce), {penalites} à ce jour, et une indemnité forfaitaire "
    "pour frais de recouvrement de {indemnite}.\n\n"
    "Nous vous demandons de régler cette somme sans délai.\n\n{creancier}"
)
_NOTICE = (
    "Madame, Monsieur,\n\n"
    "Par la présente, nous vous mettons en demeure, au sens de l'article 1344 du Code civil, de nous régler "
    "la facture {facture} du {date_facture}, échue le {echeance}, restée impayée malgré nos relances.\n\n"
    "Principal restant dû : {reste_du}\n"
    "Pénalités de retard à ce jour ({taux}, article L441-10 du Code de commerce) : {penalites}\n"
    "Indemnité forfaitaire pour frais de recouvrement (article D441-5 du Code de commerce) : {indemnite}\n"
    "Total : {total}\n\n"
    "À défaut de paiement au plus tard le {date_limite}, nous serons fondés à engager toute action utile "
    "au recouvrement de notre créance, dont son signalement dans l'annuaire Ardoise des retards de paiement, "
    "sans autre avis.\n\n"
    "Veuillez agréer, Madame, Monsieur, nos salutations distinguées.\n\n{creancier}"
)

DEFAULT_SCENARIO = Scenario(
    id=DEFAULT_SCENARIO_ID,
    name="Scénario Ardoise : deux relances puis mise en demeure",
    steps=(
        Step(
            "Relance courtoise",
            StepKind.REMINDER,
            Channel.EMAIL,
            3,
            Anchor.DUE_DATE,
            "Facture {facture} : un oubli ?",
            _COURTEOUS,
        ),
        Step(
            "Relance ferme",
            StepKind.REMINDER,
            Channel.EMAIL,
            7,
            Anchor.PREVIOUS_STEP,
            "Facture {facture} impayée : deuxième relance",
            _FIRM,
        ),
        Step(
            "Mise en demeure",
            StepKind.FORMAL_NOTICE,
            Channel.LETTER,
            7,
            Anchor.PREVIOUS_STEP,
            "Mise en demeure de payer la facture {facture}",
            _NOTICE,
            deadline_days=MIN_NOTICE_DEADLINE_DAYS,
        ),
    ),
)
