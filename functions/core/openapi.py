"""OpenAPI 3.1 documents generated from the pydantic models that validate requests."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "code", "message"],
                "properties": {"field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}

_FLASK_PARAM = re.compile(r"<(?:[a-z_]+:)?([a-z_]+)>")


# What one status answers: a model (JSON), a media type, several of them
# (content negotiation: JSON, HTML, PDF), or None for no content.
Content = type[BaseModel] | str
Response = Content | tuple[Content, ...] | None


# A body documented, not validated: media type -> JSON schema, or a function answering it when the document is built.
RawBody = dict[str, dict[str, Any]] | Callable[[], dict[str, dict[str, Any]]]


@dataclass(frozen=True)
class Operation:
    """What the document says about one route."""

    rule: str
    method: str
    summary: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    responses: dict[int, Response] = field(default_factory=dict)
    security: str | None = None
    tags: tuple[str, ...] = ()
    problems: tuple[int, ...] = ()
    # For documentation only: a body the view reads itself (CSV, a file), media type -> JSON schema
    # (or a function answering it, called when the document is built).
    raw_body: RawBody | None = None
    # Reads or writes the store, so may meet it throttled or unavailable (503).
    uses_store: bool = True
    # Honours Idempotency-Key (every state-changing route); repeatable: its writes are upserts.
    idempotent: bool = False
    repeatable: bool = False
    # The model that validates the path parameters (the others are plain strings).
    path_model: type[BaseModel] | None = None
    # Response headers a status carries: status -> {name: description}.
    headers: dict[int, dict[str, str]] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return _FLASK_PARAM.sub(r"{\1}", self.rule)

    @property
    def path_params(self) -> list[str]:
        return _FLASK_PARAM.findall(self.rule)


SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "memberToken": {"type": "http", "scheme": "bearer", "description": "Jeton de membre (créancier)."},
    "moderatorToken": {"type": "http", "scheme": "bearer", "description": "Jeton de modérateur."},
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key", "description": "Clé d'abonné."},
}

_PROBLEM_TEXT = {
    400: "Requête invalide",
    401: "Authentification requise",
    403: "Accès interdit",
    404: "Introuvable",
    406: "Format de réponse non disponible",
    409: "Conflit ou doublon",
    410: "Lien expiré",
    413: "Requête trop volumineuse",
    415: "Type de contenu non supporté",
    422: "Règle métier non respectée",
    429: "Quota dépassé",
    503: "Service momentanément indisponible (réessayer après Retry-After secondes)",
}

# Headers every problem of a status carries, whatever the route (429: errors.QuotaExceeded and
# cooldown.TooSoon; 503: an unavailable store).
RETRY_AFTER = {"Retry-After": "Secondes à attendre avant de réessayer."}
PROBLEM_HEADERS: dict[int, dict[str, str]] = {429: RETRY_AFTER, 503: RETRY_AFTER}


@dataclass(frozen=True)
class Webhook:
    """A request the service sends (OpenAPI 3.1 ``webhooks``): its event type, what it means, its body."""

    event_type: str
    summary: str
    body: type[BaseModel]


def build_document(
    title: str,
    version: str,
    description: str,
    operations: list[Operation],
    mount: str | None = None,
    *,
    webhooks: Sequence[Webhook] = (),
) -> dict[str, Any]:
    """Return the OpenAPI 3.1 document for a list of operations served under ``mount`` (``/api/directory``).

    The server URL is relative, so it resolves against wherever the document
    was fetched from: ``ardoise serve`` locally, the production origin behind
    CloudFront.
    """
    models = {m for op in operations for m in [op.body, op.query, *_contents(op)] if isinstance(m, type)}
    models |= {hook.body for hook in webhooks}
    ordered = sorted(models, key=lambda m: m.__name__)
    refs, definitions = models_json_schema(
        [(m, "validation") for m in ordered], ref_template="#/components/schemas/{model}"
    )
    schemas: dict[str, Any] = dict(definitions.get("$defs", {}))
    schemas["Problem"] = PROBLEM_SCHEMA
    if any(op.idempotent for op in operations):
        schemas["Accepted"] = ACCEPTED_SCHEMA
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, refs)
    used_security = {op.security.rstrip("?") for op in operations if op.security}
    servers = [{"url": mount, "description": "Relative à l'origine de ce document."}] if mount else []
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version, "description": description},
        **({"servers": servers} if servers else {}),
        "paths": paths,
        **({"webhooks": {hook.event_type: _webhook(hook, refs) for hook in webhooks}} if webhooks else {}),
        "components": {
            "schemas": schemas,
            "securitySchemes": {name: SECURITY_SCHEMES[name] for name in sorted(used_security)},
        },
    }


def _webhook(hook: Webhook, refs: dict[Any, Any]) -> dict[str, Any]:
    return {
        "post": {
            "summary": hook.summary,
            "operationId": "webhook_" + hook.event_type.replace(".", "_"),
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _schema_ref(hook.body, refs)}},
            },
            "responses": {"2XX": {"description": "Reçu (toute autre réponse est retentée)."}},
        }
    }


def _schema_ref(model: type[BaseModel], refs: dict[Any, Any]) -> dict[str, Any]:
    return dict(refs[(model, "validation")])


def _operation(op: Operation, refs: dict[Any, Any]) -> dict[str, Any]:
    document: dict[str, Any] = {"summary": op.summary, "operationId": _operation_id(op), "responses": {}}
    if op.tags:
        document["tags"] = list(op.tags)
    path_schemas = op.path_model.model_json_schema()["properties"] if op.path_model else {}
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": path_schemas.get(name, {"type": "string"})}
        for name in op.path_params
    ]
    if op.query is not None:
        for name, info in op.query.model_fields.items():
            schema = op.query.model_json_schema()["properties"][name]
            parameters.append({"name": name, "in": "query", "required": info.is_required(), "schema": schema})
    if parameters:
        document["parameters"] = parameters
    if op.body is not None:
        document["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _schema_ref(op.body, refs)}},
        }
    elif op.raw_body:
        document["requestBody"] = {
            "required": True,
            "content": {media: {"schema": schema} for media, schema in _raw_schemas(op.raw_body).items()},
        }
    if op.security:
        # A trailing "?" marks optional credentials: the route also answers without them.
        document["security"] = [{op.security.rstrip("?"): []}] + ([{}] if op.security.endswith("?") else [])
    for status, response in op.responses.items():
        document["responses"][str(status)] = _response(response, refs) | _headers(op.headers.get(status, {}))
    for status in sorted(_problem_statuses(op)):
        document["responses"][str(status)] = {
            "description": _PROBLEM_TEXT.get(status, "Erreur"),
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        } | _headers({**PROBLEM_HEADERS.get(status, {}), **op.headers.get(status, {})})
    if op.idempotent:
        _document_idempotency(document, op)
    return document


IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Clé choisie par le client (un UUID, par exemple) : une requête renvoyée avec la même clé dans les "
        "24 heures n'est pas appliquée une seconde fois ; sa première réponse est rejouée. La même clé avec "
        "un autre corps est refusée (422 cle-idempotence-reutilisee)."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
}
REPLAYED = {
    "Idempotent-Replayed": {
        "description": "`true` quand la réponse est celle, rejouée, d'une requête précédente de même clé.",
        "schema": {"type": "string", "enum": ["true"]},
    }
}
ACCEPTED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Changement enregistré, mais sa réponse n'a pas pu être préparée : consulter la ressource.",
    "required": ["status", "detail"],
    "properties": {"status": {"const": "accepted"}, "detail": {"type": "string"}},
}


def _document_idempotency(document: dict[str, Any], op: Operation) -> None:
    """Document Idempotency-Key: the header, the replay header, the 422 of a reused key, the 202 of a lost response."""
    document.setdefault("parameters", []).append(IDEMPOTENCY_KEY)
    responses = document["responses"]
    accepted = {"$ref": "#/components/schemas/Accepted"}
    if not op.repeatable:
        if "202" in responses:
            content = responses["202"].setdefault("content", {}).setdefault("application/json", {})
            content["schema"] = {"oneOf": [content["schema"], accepted]} if "schema" in content else accepted
        else:
            responses["202"] = {
                "description": "Changement enregistré ; sa réponse n'a pas pu être préparée",
                "content": {"application/json": {"schema": accepted}},
            }
    for status, response in responses.items():
        if status.startswith("2"):
            response.setdefault("headers", {}).update(REPLAYED)
    responses.setdefault(
        "422",
        {
            "description": _PROBLEM_TEXT[422],
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        },
    )


def _headers(headers: dict[str, str]) -> dict[str, Any]:
    if not headers:
        return {}
    return {
        "headers": {
            name: {"description": text, "schema": {"type": "integer" if name == "Retry-After" else "string"}}
            for name, text in headers.items()
        }
    }


def _raw_schemas(raw_body: RawBody) -> dict[str, dict[str, Any]]:
    return raw_body() if callable(raw_body) else raw_body


def _problem_statuses(op: Operation) -> set[int]:
    """Return the error statuses an operation can answer: its own, and those the edge adds."""
    problems = set(op.problems) | ({400} if op.body or op.raw_body or op.query or op.path_params else set())
    if op.body is not None:
        problems |= {413, 415}
    if op.raw_body:
        problems.add(413)
    if op.security:
        problems.add(401)
    if op.uses_store:
        problems.add(503)
    return problems


def _contents(op: Operation) -> list[Content]:
    found: list[Content] = []
    for response in op.responses.values():
        if isinstance(response, tuple):
            found.extend(response)
        elif response is not None:
            found.append(response)
    return found


def _response(response: Response, refs: dict[Any, Any]) -> dict[str, Any]:
    if response is None:
        return {"description": "Aucun contenu"}
    contents = response if isinstance(response, tuple) else (response,)
    models = [c for c in contents if not isinstance(c, str)]
    description = (models[0].__doc__ or "Réponse").strip().splitlines()[0] if models else "Réponse"
    content: dict[str, Any] = {}
    for item in contents:
        if isinstance(item, str):
            content[item] = {
                "schema": {"type": "string", "format": "binary"} if item == "application/pdf" else {"type": "string"}
            }
        else:
            content["application/json"] = {"schema": _schema_ref(item, refs)}
    return {"description": description, "content": content}


def _operation_id(op: Operation) -> str:
    words = re.sub(r"[{}]", "", op.path).strip("/").replace("/", "_").replace("-", "_")
    return f"{op.method.lower()}_{words or 'root'}"
