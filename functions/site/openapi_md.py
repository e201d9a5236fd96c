"""Readable French Markdown from an OpenAPI 3.1 document (one page per function).

A plain function from the document to Markdown, golden-tested; the MkDocs hook
only places its result in the page. Texts come from our own code (summaries,
docstrings, field descriptions) and are still escaped for tables and HTML.
"""

from __future__ import annotations

from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")
_WHERE = {"path": "chemin", "query": "requête", "header": "en-tête"}
_TYPES = {
    "string": "texte",
    "integer": "entier",
    "number": "nombre",
    "boolean": "booléen",
    "object": "objet",
    "null": "null",
}
_FORMATS = {
    "date": "date",
    "date-time": "date et heure",
    "email": "adresse électronique",
    "uri": "URI",
    "binary": "fichier",
}
_AUTH = {
    "http": "en-tête `Authorization: Bearer <jeton>`",
    "apiKey": "en-tête `{name}`",
}


def cell(text: Any) -> str:
    """Make a value safe inside a Markdown table cell (no HTML, no column break, one line)."""
    value = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value.replace("|", "\\|").replace("\n", " ").strip()


def anchor(name: str) -> str:
    return "schema-" + "".join(ch if ch.isalnum() else "-" for ch in name.lower())


def type_of(schema: dict[str, Any]) -> str:
    """Describe a JSON schema's type in a few French words, linking to named schemas."""
    if "$ref" in schema:
        name = schema["$ref"].rpartition("/")[2]
        return f"[`{name}`](#{anchor(name)})"
    options = schema.get("anyOf") or schema.get("oneOf")
    if options:
        return " ou ".join(type_of(option) for option in options)
    if "const" in schema or "enum" in schema:
        values = [schema["const"]] if "const" in schema else schema["enum"]
        return ("un de " if len(values) > 1 else "") + ", ".join(f"`{value}`" for value in values)
    kind = schema.get("type", "")
    if isinstance(kind, list):
        return " ou ".join(str(_TYPES.get(k, k)) for k in kind)
    if kind == "array":
        return "liste de " + type_of(schema.get("items", {}))
    words = _TYPES.get(kind, kind or "valeur")
    return words + (f" ({_FORMATS[schema['format']]})" if schema.get("format") in _FORMATS else "")


def constraints(schema: dict[str, Any]) -> str:
    parts = []
    for key, words in (
        ("minLength", "au moins {} caractères"),
        ("maxLength", "au plus {} caractères"),
        ("minimum", "minimum {}"),
        ("maximum", "maximum {}"),
        ("exclusiveMinimum", "plus de {}"),
        ("minItems", "au moins {} éléments"),
        ("maxItems", "au plus {} éléments"),
        ("pattern", "forme `{}`"),
        ("default", "par défaut `{}`"),
    ):
        if key in schema and schema[key] is not None:
            parts.append(words.format(schema[key]))
    return "; ".join(parts)


def describe(schema: dict[str, Any]) -> str:
    text = schema.get("description", "")
    extra = constraints(schema)
    return cell(f"{text} ({extra})" if text and extra else text or extra)


def _security(operation: dict[str, Any], schemes: dict[str, Any]) -> str:
    names = [name for requirement in operation.get("security", []) for name in requirement]
    if not names:
        return "Authentification : aucune."
    described = []
    for name in names:
        scheme = schemes.get(name, {})
        how = _AUTH.get(scheme.get("type", ""), "").format(name=scheme.get("name", ""))
        described.append(f"{scheme.get('description', name).rstrip('.')} ({how})" if how else name)
    return "Authentification : " + " ; ".join(described) + "."


def _parameters(operation: dict[str, Any]) -> list[str]:
    parameters = operation.get("parameters", [])
    if not parameters:
        return []
    lines = ["| Paramètre | Où | Type | Requis | Description |", "|---|---|---|---|---|"]
    for p in parameters:
        schema = p.get("schema", {})
        lines.append(
            f"| `{cell(p['name'])}` | {_WHERE.get(p['in'], p['in'])} | {type_of(schema)} | "
            f"{'oui' if p.get('required') else 'non'} | {describe(schema)} |"
        )
    return ["", *lines]


def _content(content: dict[str, Any]) -> str:
    parts = []
    for media, body in content.items():
        schema = body.get("schema", {})
        parts.append(
            f"{type_of(schema)} (`{media}`)" if schema.get("type") != "string" or "$ref" in schema else f"`{media}`"
        )
    return ", ".join(parts)


def _operation(path: str, method: str, operation: dict[str, Any], schemes: dict[str, Any]) -> list[str]:
    lines = [
        f"### `{method.upper()} {path}`",
        "",
        cell(operation.get("summary", "")),
        "",
        _security(operation, schemes),
    ]
    lines += _parameters(operation)
    body = operation.get("requestBody")
    if body:
        lines += ["", f"Corps de la requête : {_content(body.get('content', {}))}."]
    lines += ["", "| Réponse | Signification | Contenu |", "|---|---|---|"]
    for status, response in operation.get("responses", {}).items():
        lines.append(
            f"| {status} | {cell(response.get('description', ''))} | {_content(response.get('content', {}))} |"
        )
    return [*lines, ""]


def _schema(name: str, schema: dict[str, Any]) -> list[str]:
    lines = [f"### {name} {{ #{anchor(name)} }}", ""]
    if schema.get("description"):
        lines += [cell(schema["description"]), ""]
    properties = schema.get("properties", {})
    if not properties:
        return [*lines, f"Type : {type_of(schema)}.", ""]
    required = set(schema.get("required", []))
    lines += ["| Champ | Type | Requis | Description |", "|---|---|---|---|"]
    for field, sub in properties.items():
        lines.append(
            f"| `{cell(field)}` | {type_of(sub)} | {'oui' if field in required else 'non'} | {describe(sub)} |"
        )
    return [*lines, ""]


def openapi_markdown(document: dict[str, Any]) -> str:
    """Return the reference of every operation, grouped by tag, then every schema."""
    schemes = document.get("components", {}).get("securitySchemes", {})
    info = document.get("info", {})
    lines = [f"Version du service : `{cell(info.get('version', ''))}`. {cell(info.get('description', ''))}", ""]
    groups: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                tag = (item[method].get("tags") or ["Autres"])[0]
                groups.setdefault(tag, []).append((path, method, item[method]))
    for tag, operations in groups.items():
        lines += [f"## {cell(tag)}", ""]
        for path, method, operation in operations:
            lines += _operation(path, method, operation, schemes)
    schemas = document.get("components", {}).get("schemas", {})
    if schemas:
        lines += ["## Schémas", ""]
        for name in sorted(schemas):
            lines += _schema(name, schemas[name])
    return "\n".join(lines).rstrip() + "\n"
