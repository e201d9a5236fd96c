"""Errors as RFC 9457 problem details, with stable types.

Status codes live on the exception classes; one handler per app turns any of
them into ``application/problem+json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

PROBLEM_BASE = "https://ardoise.fr/problemes/"


@dataclass(frozen=True)
class FieldError:
    """One offending input field, with a stable code and a French message."""

    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


@dataclass
class Problem(Exception):
    """Base of every error the API reports; subclasses fix status and type."""

    detail: str = ""
    errors: list[FieldError] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    status: ClassVar[int] = 500
    slug: ClassVar[str] = "erreur-interne"
    title: ClassVar[str] = "Erreur interne"

    def __post_init__(self) -> None:
        super().__init__(self.detail or self.title)

    @property
    def type(self) -> str:
        return PROBLEM_BASE + self.slug

    def as_dict(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type, "title": self.title, "status": self.status}
        if self.detail:
            body["detail"] = self.detail
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = [error.as_dict() for error in self.errors]
        body.update(self.extra)
        return body


class BadRequest(Problem):
    status, slug, title = 400, "requete-invalide", "Requête invalide"


class ValidationFailed(Problem):
    status, slug, title = 400, "validation", "Données invalides"


class PayloadTooLarge(Problem):
    status, slug, title = 413, "trop-volumineux", "Requête trop volumineuse"


class Unauthorized(Problem):
    status, slug, title = 401, "non-authentifie", "Authentification requise"


class Forbidden(Problem):
    status, slug, title = 403, "interdit", "Accès interdit"


class NotFound(Problem):
    status, slug, title = 404, "introuvable", "Ressource introuvable"


class MethodNotAllowed(Problem):
    status, slug, title = 405, "methode-non-autorisee", "Méthode non autorisée"


class NotAcceptable(Problem):
    status, slug, title = 406, "non-acceptable", "Format de réponse non disponible"


class Conflict(Problem):
    status, slug, title = 409, "conflit", "Conflit"


class Duplicate(Problem):
    status, slug, title = 409, "doublon", "Doublon"


class Gone(Problem):
    status, slug, title = 410, "expire", "Lien expiré"


class UnknownLink(NotFound):
    """A link's token matches nothing: mistyped, forged, already used or replaced by a newer link.

    Every e-mailed or signed link answers with this one type (charter requests,
    member verification, summary links), so that a client handles them alike.
    """

    slug, title = "lien-inconnu", "Lien inconnu ou déjà utilisé"


class ExpiredLink(Gone):
    """A link's token was real, but its validity ran out: the detail says when and how to get a new one."""

    slug, title = "lien-expire", "Lien expiré"


class UnsupportedMediaType(Problem):
    status, slug, title = 415, "type-non-supporte", "Type de contenu non supporté"


class RuleNotMet(Problem):
    status, slug, title = 422, "regle-non-respectee", "Règle non respectée"


class QuotaExceeded(Problem):
    status, slug, title = 429, "quota-depasse", "Quota dépassé"


class ServiceUnavailable(Problem):
    """The store (or another dependency) cannot serve the request now; ``Retry-After`` says when to try again."""

    status, slug, title = 503, "service-indisponible", "Service momentanément indisponible"


def missing(field: str, message: str) -> ValidationFailed:
    """The 400 of a field a rule requires here (a refusal's reason): the same answer on every surface."""
    return ValidationFailed("Certains champs manquent.", [FieldError(field, "missing", message)])
