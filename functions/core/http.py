"""The Flask edge shared by every function: routing with validation, errors, OpenAPI.

Routes only parse, call and respond. :class:`Api` records each route's
models so that the OpenAPI document and the validation come from one place.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, wraps
from typing import Any, TypeVar

from flask import Blueprint, Flask, Response, current_app, g, request
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import HTTPException

from functions.core import headers, idempotency
from functions.core.clock import Clock
from functions.core.config import Settings, load_settings
from functions.core.errors import (
    BadRequest,
    FieldError,
    MethodNotAllowed,
    NotAcceptable,
    NotFound,
    PayloadTooLarge,
    Problem,
    ServiceUnavailable,
    Unauthorized,
    UnsupportedMediaType,
    ValidationFailed,
)
from functions.core.json_input import load_json
from functions.core.logs import configure_logging, get_logger
from functions.core.mailer import Mailer
from functions.core.openapi import Operation, RawBody, Webhook, build_document
from functions.core.openapi import Response as Documented
from functions.core.resources import Resources
from functions.core.store import Store
from functions.core.store.base import KeyClaimed, RequestWrites, request_writes
from functions.core.store.items import InvalidCursor, StoreUnavailable
from functions.core.usecases.propagation import refresh_companies
from functions.core.validation import View, union_tag, validation_failed

PROBLEM_MIMETYPE = "application/problem+json"
VERSION = "0.1.0"
OCTETS = "application/octet-stream"
# What a plain HTML form posts (a file with it: multipart).
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
log = get_logger("http")

M = TypeVar("M", bound=BaseModel)


def binary_body(media_types: Iterable[str]) -> dict[str, dict[str, str]]:
    """The raw body of an upload, for the document: the bytes, under the type announced (or as octets)."""
    return {media: {"type": "string", "format": "binary"} for media in [*sorted(media_types), OCTETS]}


def resources() -> Resources:
    """Return the resources of the app handling the current request."""
    return current_app.extensions["ardoise"]  # type: ignore[no-any-return]  # set by build_app


@dataclass
class Api:
    """A blueprint that records, for each route, the models it validates with."""

    name: str
    tag: str = ""

    def __post_init__(self) -> None:
        self.blueprint = Blueprint(self.name, __name__)
        self.operations: list[Operation] = []

    def route(
        self,
        rule: str,
        method: str,
        *,
        summary: str,
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        responses: dict[int, Documented] | None = None,
        security: str | None = None,
        problems: tuple[int, ...] = (),
        auth: Callable[[], Any] | None = None,
        raw_body: RawBody | None = None,
        repeatable: bool = False,
        uses_store: bool = True,
        idempotent: bool | None = None,
        max_body_bytes: int | None = None,
        path: type[BaseModel] | None = None,
        headers: dict[int, dict[str, str]] | None = None,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register a view; ``path``/``body``/``query`` models are parsed and passed as keywords.

        ``auth`` runs first (a bad credential is a 401 whatever the body holds)
        and what it returns reaches the view as ``principal``; the path
        parameters are validated next (``path``: a model of some of them, whose
        values replace the raw ones). ``raw_body`` (media type -> JSON schema)
        only documents a body the view reads itself; ``security`` ending in
        ``?`` documents optional credentials; ``headers`` documents the
        response headers of a status (``{201: {"Location": "..."}}``).
        ``repeatable`` says that running the request again applies nothing twice
        (its writes are upserts): a failure after some of its commits then keeps
        its own status, so that the client sends it again. ``uses_store`` False
        (texts, health) leaves the 503 of an unavailable store out of the document.
        Every route but ``GET`` honours ``Idempotency-Key`` (see ``idempotency.py``)
        unless ``idempotent`` says otherwise. ``max_body_bytes`` raises the app's
        body limit for this route (a bulk upload).
        """
        keyed_route = method != "GET" if idempotent is None else idempotent
        operation = Operation(
            rule,
            method,
            summary,
            body,
            query,
            responses or {200: None},
            security,
            (self.tag,) if self.tag else (),
            problems,
            raw_body,
            uses_store,
            keyed_route,
            repeatable,
            path,
            headers or {},
        )
        self.operations.append(operation)

        def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
            @wraps(view)
            def endpoint(**raw_path: Any) -> Response:
                g.repeatable = repeatable
                if max_body_bytes is not None:
                    request.max_content_length = max_body_bytes
                arguments = dict(raw_path)
                if auth is not None:
                    arguments["principal"] = auth()
                if path is not None:
                    arguments.update(parse_path(path, raw_path))
                if body is not None:
                    arguments["body"] = parse_json_body(body)
                if query is not None:
                    arguments["query"] = parse_query(query)
                key = idempotency.key_of_request() if keyed_route else None
                if key is None:
                    return to_response(view(**arguments))
                keyed = idempotency.keyed_request(
                    key, arguments.get("principal"), security, arguments.get("body"), repeatable
                )
                return run_keyed(keyed, lambda: to_response(view(**arguments)))

            self.blueprint.add_url_rule(rule, endpoint=view.__name__, view_func=endpoint, methods=[method])
            return view

        return decorator


def run_keyed(keyed: idempotency.KeyedRequest, run: Callable[[], Response]) -> Response:
    """Replay a keyed request's recorded outcome, or run it with its claim riding the first commit."""
    res = resources()
    g.keyed = keyed
    replayed = idempotency.start(res, keyed)
    if replayed is not None:
        return replayed
    try:
        response = run()
    finally:
        writes = request_writes.get()
        if writes is not None:
            writes.claim = None  # never carried by the refresh's commits after the view
    idempotency.finish(res, keyed, response)
    return response


# JSON bodies are small forms; an app may accept larger raw uploads (evidence files).
MAX_JSON_BYTES = 1024 * 1024


def json_body_bytes() -> bytes:
    """Return the raw JSON body, refusing other media types and oversized bodies."""
    if not request.mimetype or request.mimetype != "application/json":
        raise UnsupportedMediaType("Le corps doit être du JSON (Content-Type: application/json).")
    if (request.content_length or 0) > MAX_JSON_BYTES:
        raise PayloadTooLarge(f"Un corps JSON ne dépasse pas {MAX_JSON_BYTES // 1024} Kio.")
    raw = request.get_data(cache=True)
    if len(raw) > MAX_JSON_BYTES:
        raise PayloadTooLarge(f"Un corps JSON ne dépasse pas {MAX_JSON_BYTES // 1024} Kio.")
    return raw


def parse_json_body(model: type[M]) -> M:
    """Validate the JSON body against ``model``, strictly: ``"250000"`` is not an amount.

    Validating the JSON text itself (not a decoded dict) keeps JSON's own types:
    strings for dates, numbers for amounts, with no silent coercion. The text is
    parsed by :func:`load_json` first, which refuses deep nesting and repeated keys.
    """
    raw = json_body_bytes()
    payload = load_json(raw)
    if not isinstance(payload, dict):
        raise BadRequest("Le corps doit être un objet JSON.")
    try:
        return model.model_validate_json(raw, strict=True)
    except ValidationError as exc:
        raise validation_failed(exc, tag=union_tag(model)) from exc


def parse_path(model: type[BaseModel], raw: dict[str, Any]) -> dict[str, Any]:
    """Validate the path parameters ``model`` names; return their parsed values."""
    try:
        parsed = model.model_validate({name: raw[name] for name in model.model_fields if name in raw})
    except ValidationError as exc:
        raise validation_failed(exc, prefix="") from exc
    return {name: getattr(parsed, name) for name in model.model_fields if name in raw}


def parse_query(model: type[M]) -> M:
    """Validate the query string against ``model`` (repeated keys become lists)."""
    values: dict[str, Any] = {}
    for key in request.args:
        items = request.args.getlist(key)
        values[key] = items if len(items) > 1 else items[0]
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise validation_failed(exc, prefix="") from exc


def to_response(result: Any) -> Response:
    """Turn what a view returns (model, dict, list, Response, with status/headers) into a Response."""
    if isinstance(result, Response):
        return result
    status, headers = 200, None
    if isinstance(result, tuple):
        result, status, *rest = result
        headers = rest[0] if rest else None
    if status == 204:
        return Response(status=204, headers=headers)
    if isinstance(result, BaseModel):
        result = result.model_dump(mode="json")
    response = current_app.response_class(
        json.dumps(result, ensure_ascii=False, separators=(",", ":")), status=status, mimetype="application/json"
    )
    if headers:
        response.headers.update(headers)
    return response


def problem_response(problem: Problem) -> Response:
    """Render a problem as ``application/problem+json``."""
    # script_root carries the mount (/api/directory locally, the stage on Lambda).
    body = json.dumps(problem.as_dict(instance=request.script_root + request.path), ensure_ascii=False)
    response = Response(body, status=problem.status, mimetype=PROBLEM_MIMETYPE)
    response.headers.update(problem.headers)
    if problem.status == 401:
        response.headers.setdefault("WWW-Authenticate", "Bearer")
    return response


_HTTP_PROBLEMS: dict[int, Callable[[], Problem]] = {
    400: lambda: BadRequest("Requête mal formée."),
    401: Unauthorized,
    404: lambda: NotFound("Cette adresse n'existe pas."),
    405: lambda: MethodNotAllowed("Cette méthode n'est pas acceptée ici."),
    406: lambda: NotAcceptable("Aucun des formats demandés (en-tête Accept) n'est disponible ici."),
    413: lambda: PayloadTooLarge("La requête dépasse la taille autorisée."),
    415: UnsupportedMediaType,
}


def _handle_http_exception(error: HTTPException) -> Response:
    factory = _HTTP_PROBLEMS.get(error.code or 500)
    if factory is None:
        return problem_response(Problem(error.description or ""))
    response = problem_response(factory())
    if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _handle_invalid_cursor(_error: InvalidCursor) -> Response:
    field = FieldError(
        "cursor", "curseur_invalide", "Ce curseur de pagination n'est pas valide : repartez de la première page."
    )
    return problem_response(ValidationFailed("Curseur invalide.", [field]))


def _route() -> str:
    # The matched rule, never the raw path: paths carry private tokens (a debtor's reply link).
    return request.url_rule.rule if request.url_rule is not None else "(no route)"


def _committed() -> bool:
    """Tell whether this request committed a change that running it again would apply twice."""
    writes = request_writes.get()
    return writes is not None and writes.commits > 0 and not g.get("repeatable", False)


def _handle_problem(problem: Problem) -> Response:
    if problem.status >= 500 and _committed():
        log.error("error after the change was committed", extra={"route": _route(), "problem": problem.slug})
        return idempotency.committed()
    return problem_response(problem)


# Long enough for DynamoDB's throttling to ease or SQLite's other writer to finish.
RETRY_AFTER_SECONDS = 5


def _handle_store_unavailable(error: StoreUnavailable) -> Response:
    log.warning("store unavailable", extra={"route": _route(), "method": request.method, "error": str(error)})
    return _handle_problem(
        ServiceUnavailable(
            "Le service est momentanément surchargé ou indisponible : réessayez dans quelques secondes.",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    )


def _handle_unexpected(error: Exception) -> Response:
    if _committed():
        log.exception("error after the change was committed", extra={"route": _route(), "method": request.method})
        return idempotency.committed()
    log.exception("unhandled error", extra={"route": _route(), "method": request.method})
    return problem_response(Problem("Une erreur inattendue est survenue ; elle a été enregistrée."))


def _handle_key_claimed(_error: KeyClaimed) -> Response:
    return idempotency.answer_for_lost_claim(resources(), g.keyed)


def _collect_writes() -> None:
    g.writes_token = request_writes.set(RequestWrites())


def _refresh_touched_companies(response: Response) -> Response:
    """Bring the changed companies' summaries and charter standing up to date before answering.

    The client's change is already committed: a failure here is logged and
    leaves the companies marked, and the tick finishes the job.
    """
    writes = request_writes.get()
    if writes is None or not writes.touched or response.status_code >= 500:
        return response
    try:
        refresh_companies(resources(), writes.touched)
    except Exception:  # after the commit, nothing may turn the answer into an error
        log.exception("refresh after the commit failed", extra={"route": _route(), "companies": len(writes.touched)})
    return response


def _stop_collecting(_error: BaseException | None) -> None:
    token = g.pop("writes_token", None)
    if token is not None:
        request_writes.reset(token)


# Our credentials: an answer to a request carrying one is for that caller only.
_CREDENTIALS = ("Authorization", "X-API-Key")


def _is_private() -> bool:
    """Say whether the request carries a credential or a private link's token (``/replies/<token>``)."""
    return any(name in request.headers for name in _CREDENTIALS) or "token" in (request.view_args or {})


def _secure(response: Response) -> Response:
    """Give every answer, errors included, the security headers; let no cache keep it unless the view says so.

    A view may set its own policy (a page with its nonce) or a public
    ``Cache-Control`` (the badge); an answer that is private never keeps one.
    """
    for name, value in headers.COMMON.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault(headers.CSP, headers.API_CSP)
    cache = response.headers.get("Cache-Control")
    if cache is None or (_is_private() and "no-store" not in cache):
        response.headers["Cache-Control"] = "no-store"
    return response


def build_app(
    import_name: str,
    *,
    title: str,
    description: str,
    apis: list[Api],
    settings: Settings | None = None,
    store: Store | None = None,
    mailer: Mailer | None = None,
    clock: Clock | None = None,
    max_body_bytes: int = 1024 * 1024,
    mount: str | None = None,
    webhooks: Sequence[Webhook] = (),
) -> Flask:
    """Build one function's Flask app: routes, /health, /openapi.json, one error shape.

    ``mount`` is the base path the app is served under (:data:`functions.core.mounts.API_MOUNTS`), the
    OpenAPI document's ``servers`` entry.
    """
    settings = settings or load_settings()
    configure_logging(settings.log_level)
    app = Flask(import_name)
    app.config["MAX_CONTENT_LENGTH"] = max_body_bytes
    app.extensions["ardoise"] = Resources(settings, store=store, mailer=mailer, clock=clock)
    app.register_error_handler(Problem, _handle_problem)
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(InvalidCursor, _handle_invalid_cursor)
    app.register_error_handler(StoreUnavailable, _handle_store_unavailable)
    app.register_error_handler(KeyClaimed, _handle_key_claimed)
    app.register_error_handler(Exception, _handle_unexpected)
    app.before_request(_collect_writes)
    app.after_request(_refresh_touched_companies)
    app.after_request(_secure)
    app.teardown_request(_stop_collecting)

    operations = [op for api in apis for op in api.operations]
    meta = Api("meta", tag="Service")

    @meta.route("/health", "GET", summary="Dire si le service répond.", responses={200: Health}, uses_store=False)
    def health() -> Health:
        return Health(status="ok", service=title)

    @meta.route(
        "/openapi.json",
        "GET",
        summary="Donner ce document OpenAPI 3.1.",
        responses={200: "application/json"},
        uses_store=False,
    )
    def openapi() -> dict[str, Any]:
        return document()

    @cache
    def document() -> dict[str, Any]:
        # Built on the first request for it, not at the cold start: it builds every model's schema.
        return build_document(title, VERSION, description, operations + meta.operations, mount, webhooks=webhooks)

    for api in [*apis, meta]:
        app.register_blueprint(api.blueprint)
    return app


class Health(View):
    """État du service."""

    status: str
    service: str
