"""Pydantic types for the inputs every function shares (SIREN, cents, ...)."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, get_args

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, RootModel, ValidationError
from pydantic_core import PydanticCustomError
from pydantic_core.core_schema import ErrorType

from functions.core.errors import FieldError, ValidationFailed
from functions.core.identifiers import InvalidIdentifier, parse_company


def _siren(value: str) -> str:
    try:
        if len(value) > SIREN_MAX_LENGTH:
            raise InvalidIdentifier("Un SIREN compte 9 chiffres (un SIRET, 14).")
        return parse_company(value)
    except InvalidIdentifier as exc:
        raise PydanticCustomError("siren_invalide", str(exc)) from exc


# What people may type for a SIREN: 9 digits, or the 14 of a SIRET (reduced to its SIREN),
# with the spaces, dots and dashes of printed numbers. The check digits are checked apart.
_SEPARATORS = r"[ .\-\u00a0\u202f]*"
SIREN_MAX_LENGTH = 40
SIREN_PATTERN = rf"^{_SEPARATORS}(?:[0-9]{_SEPARATORS}){{9}}(?:(?:[0-9]{_SEPARATORS}){{5}})?$"

Siren = Annotated[
    str,
    Field(
        description="SIREN (9 chiffres dont une clé de Luhn), ou SIRET (14 chiffres), ramené à son SIREN.",
        examples=["552100554"],
        # Documented, not enforced by pydantic: parse_company checks the same shape (a test
        # compares them) and answers with one code, siren_invalide, whatever is wrong.
        json_schema_extra={"pattern": SIREN_PATTERN, "minLength": 9, "maxLength": SIREN_MAX_LENGTH},
    ),
    AfterValidator(_siren),
]
Cents = Annotated[int, Field(ge=0, le=10**13, description="Montant en centimes d'euro.")]


class View(BaseModel):
    """Base of every request and response model: its validator and serializer are built on first use.

    A function's cold start then builds none of its dozens of models; the first
    request a model serves pays for that one (a few milliseconds).
    """

    model_config = ConfigDict(defer_build=True)


class Model(View):
    """Base of request and response models: unknown fields are refused, strings trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


_BUILT_IN_ERRORS = frozenset(get_args(ErrorType))

_MESSAGES_FR = {
    "missing": "Ce champ est obligatoire.",
    "extra_forbidden": "Ce champ n'est pas attendu.",
    "string_too_short": "Ce texte est trop court.",
    "string_too_long": "Ce texte est trop long.",
    "string_pattern_mismatch": "Ce texte n'a pas le format attendu.",
    "string_type": "Un texte est attendu.",
    "int_parsing": "Un nombre entier est attendu.",
    "int_type": "Un nombre entier est attendu.",
    "int_from_float": "Un nombre entier est attendu (sans décimales).",
    "float_type": "Un nombre est attendu.",
    "float_parsing": "Un nombre est attendu.",
    "decimal_type": "Un nombre est attendu.",
    "decimal_parsing": "Un nombre est attendu.",
    "bool_type": "Vrai ou faux est attendu.",
    "bool_parsing": "Vrai ou faux est attendu.",
    "date_type": "Une date au format AAAA-MM-JJ est attendue.",
    "date_parsing": "Une date au format AAAA-MM-JJ est attendue.",
    "date_from_datetime_parsing": "Une date au format AAAA-MM-JJ est attendue.",
    "date_from_datetime_inexact": "Une date sans heure est attendue (AAAA-MM-JJ).",
    "datetime_type": "Une date et une heure ISO 8601 sont attendues.",
    "datetime_parsing": "Une date et une heure ISO 8601 sont attendues.",
    "datetime_from_date_parsing": "Une date et une heure ISO 8601 sont attendues.",
    "greater_than": "La valeur est trop petite.",
    "greater_than_equal": "La valeur est trop petite.",
    "less_than": "La valeur est trop grande.",
    "less_than_equal": "La valeur est trop grande.",
    "too_short": "La liste ne contient pas assez d'éléments.",
    "too_long": "La liste contient trop d'éléments.",
    "list_type": "Une liste est attendue.",
    "tuple_type": "Une liste est attendue.",
    "dict_type": "Un objet est attendu.",
    "model_type": "Un objet est attendu.",
    "model_attributes_type": "Un objet est attendu.",
    "literal_error": "Valeur non reconnue.",
    "enum": "Valeur non reconnue.",
    "url_parsing": "Adresse web invalide.",
    "url_scheme": "Adresse web invalide.",
    "json_invalid": "JSON invalide.",
    "value_error": "Valeur invalide.",
}


# Marks an error our own validator raised under one of pydantic's codes: its message is ours, kept as is.
_WORDED = "worded_by_ardoise"


def worded_error(code: str, message: str) -> PydanticCustomError:
    """An error a validator raises under ``code``, one of pydantic's (clients handle both alike), in our words."""
    return PydanticCustomError(code, message, {_WORDED: True})


# A tagged union names its chosen shape first in an error's location, and reports a missing or
# unknown tag as the whole body's error: both become the tag field's own, as in a flat model.
_TAG_ERRORS = {"union_tag_not_found": "missing", "union_tag_invalid": "literal_error"}


def union_tag(model: type[BaseModel]) -> str | None:
    """The field whose value chooses a body's shape (``action``), or None for a body of one shape."""
    root = model.model_fields.get("root") if issubclass(model, RootModel) else None
    discriminator = root.discriminator if root is not None else None
    return discriminator if isinstance(discriminator, str) else None


def field_errors(error: ValidationError, prefix: str = "", tag: str | None = None) -> list[FieldError]:
    """Turn pydantic's errors into our field errors, with French messages (``tag``: see :func:`union_tag`)."""
    result = []
    for item in error.errors(include_url=False):
        location, kind = item["loc"], item["type"]
        if tag is not None:
            location, kind = ((tag,), _TAG_ERRORS[kind]) if kind in _TAG_ERRORS else (location[1:], kind)
        path = ".".join(str(part) for part in location) or "body"
        # Our own error codes carry a French message already; pydantic's built-in
        # ones are translated, and any we did not foresee get a plain French one.
        ours = kind not in _BUILT_IN_ERRORS or item.get("ctx", {}).get(_WORDED)
        message = item["msg"] if ours else _MESSAGES_FR.get(kind, "Valeur invalide.")
        if kind == "value_error" and item.get("ctx", {}).get("error"):
            message = str(item["ctx"]["error"])  # our validators raise ValueError with French text
        result.append(FieldError(prefix + path, kind, message))
    return result


def validation_failed(error: ValidationError, prefix: str = "", tag: str | None = None) -> ValidationFailed:
    """Build the 400 problem for a pydantic error."""
    return ValidationFailed("Certains champs sont invalides.", field_errors(error, prefix, tag))


class SirenPath(Model):
    """A route whose path names a company: ``/companies/{siren}`` (a SIRET is reduced to its SIREN)."""

    siren: Siren


_EMAIL_SHAPE = re.compile(
    r"^[^@\s<>\"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


def _email(value: str) -> str:
    # The shape's local part allows any non-space character: controls (NUL, BEL, RLO...) are refused apart.
    if not _EMAIL_SHAPE.match(value) or any(_is_control(c) for c in value):
        raise PydanticCustomError("email_invalide", "Adresse e-mail invalide.")
    local, domain = value.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


Email = Annotated[
    str,
    Field(min_length=3, max_length=254, description="Adresse e-mail.", examples=["compta@exemple.fr"]),
    AfterValidator(_email),
]


_MOBILE_SHAPE = re.compile(r"^(?:\+33|0033|0)([67][0-9]{8})$")


def _mobile_phone(value: str) -> str:
    # Spaces, dots and dashes are how people write numbers: 06 12 34 56 78, +33 6.12.34.56.78.
    digits = re.sub(r"[ .\-]", "", value)
    match = _MOBILE_SHAPE.match(digits)
    if match is None:
        raise PydanticCustomError(
            "telephone_invalide", "Numéro de mobile français invalide (06 ou 07, ou +33 6 ou +33 7)."
        )
    return "+33" + match.group(1)


MobilePhone = Annotated[
    str,
    Field(
        min_length=10,
        max_length=20,
        description="Numéro de mobile français, rendu au format E.164 (+336…).",
        examples=["06 12 34 56 78"],
    ),
    AfterValidator(_mobile_phone),
]


# Characters that end or reorder a line: the C0/C1 controls (tab, line feed, carriage
# return, NUL...), the Unicode line and paragraph separators, and the bidirectional
# overrides and isolates that make displayed text differ from stored text.
_BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_CONTROL_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


def _is_control(character: str) -> bool:
    return unicodedata.category(character) in _CONTROL_CATEGORIES or character in _BIDI_CONTROLS


def _single_line(value: str) -> str:
    if any(_is_control(c) for c in value):
        raise PydanticCustomError(
            "texte_invalide", "Ce texte doit tenir sur une ligne, sans tabulation ni caractère de contrôle."
        )
    return value


def _unify_line_ends(value: object) -> object:
    # Browsers send a textarea's line breaks as CRLF: one line feed each is what we keep.
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def _multi_line(value: str) -> str:
    if any(c != "\n" and _is_control(c) for c in value):
        raise PydanticCustomError(
            "texte_invalide",
            "Ce texte ne doit contenir ni tabulation ni caractère de contrôle (retours à la ligne admis).",
        )
    return value


# The whitespace XML allows between elements; any other control character is not XML at all.
_XML_SPACE = frozenset("\t\n\r")


def _xml_document(value: str) -> str:
    if any(c not in _XML_SPACE and _is_control(c) for c in value):
        raise PydanticCustomError(
            "texte_invalide", "Ce document XML contient un caractère de contrôle (seuls tabulations et retours admis)."
        )
    return value


SingleLine = Annotated[str, AfterValidator(_single_line)]
"""One line of text (names, numbers, references): no control character at all, not even a line feed."""

MultiLine = Annotated[str, BeforeValidator(_unify_line_ends), AfterValidator(_multi_line)]
"""Free text over several lines: line feeds allowed (CRLF unified), no other control character."""

XmlDocument = Annotated[str, AfterValidator(_xml_document)]
"""An XML document sent as a JSON string (a CDAR message): tabs and line breaks allowed, no other control."""
