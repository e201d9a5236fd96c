"""The page chrome of generated pages, cut out of a page that MkDocs built.

MkDocs (with the Material theme) builds a handful of hand-written pages; the
generator renders the 100,000 company pages itself. To keep one look, it takes a
MkDocs-built page, keeps everything around the article (head, header, navigation,
footer, scripts) and turns it into a Jinja template whose ``content`` block
receives the generated page. Relative links are re-rooted so that the chrome
works at any depth (``{{ root }}`` is ``""``, ``"../"``, ``"../../"``...), which
keeps the site working from any folder, bucket or sub-path.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass

_ARTICLE = re.compile(r'(<article class="md-content__inner md-typeset">)(.*?)(</article>)', re.S)
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_DESCRIPTION = re.compile(r'(<meta name="description" content=")([^"]*)(")')
_CANONICAL = re.compile(r'(<link rel="canonical" href=")([^"]*)(")')
_TOPIC = re.compile(
    r'(<div class="md-header__topic" data-md-component="header-topic">\s*<span class="md-ellipsis">)(.*?)(</span>)',
    re.S,
)
_SKIP = re.compile(r'(<a href="#)([^"]*)(" class="md-skip">)')
_URL_ATTR = re.compile(r'((?:href|src)=")([^"]*)(")')
_CONFIG_BASE = re.compile(r'("base":\s*")([^"]*)(")')
_SCOPE = re.compile(r'(__md_scope=new URL\(")([^"]*)(",location\))')
_EXTERNAL = ("http:", "https:", "mailto:", "tel:", "data:", "javascript:", "#", "/")
_INDENT = re.compile(r"\n[ \t]*(?:\n[ \t]*)*")


class ChromeError(ValueError):
    """The MkDocs page does not have the shape the generator relies on (a theme upgrade?)."""


@dataclass(frozen=True)
class _Cut:
    start: int
    end: int
    replacement: str


def root_for(url: str) -> str:
    """Return the relative prefix from a page URL (``"entreprises/x/"``) to the site root (``"../../"``)."""
    return "../" * url.count("/")


def _site_path(value: str, page_url: str) -> str:
    """Resolve a link relative to ``page_url`` into a path from the site root (``""`` is the root)."""
    page_dir = page_url if page_url.endswith("/") else posixpath.dirname(page_url)
    trailing = value.endswith("/") or value in (".", "..") or value.endswith(("/.", "/.."))
    path, _, fragment = value.partition("#")
    resolved = posixpath.normpath(posixpath.join("/" + page_dir, path)).lstrip("/")
    if resolved == ".":
        resolved = ""
    if trailing and resolved and not resolved.endswith("/"):
        resolved += "/"
    return resolved + (f"#{fragment}" if fragment else "")


def _cuts(pattern: re.Pattern[str], html: str, make: Callable[[re.Match[str]], str], *, required: bool) -> list[_Cut]:
    found = [_Cut(m.start(2), m.end(2), make(m)) for m in pattern.finditer(html)]
    if required and not found:
        raise ChromeError(f"pattern not found in the MkDocs page: {pattern.pattern[:60]}")
    return found


def chrome_template(html: str, page_url: str) -> str:
    """Return a Jinja template of ``html`` (built by MkDocs for ``page_url``) with the page left out.

    The template expects ``title``, ``description``, ``canonical``, ``topic``,
    ``root``, ``base`` and ``anchor``, and defines a ``content`` block.
    """
    title = _TITLE.search(html)
    if title is None:
        raise ChromeError("no <title>")
    site_name = title.group(1).rpartition(" - ")[2].strip()
    article = _ARTICLE.search(html)
    if article is None:
        raise ChromeError("no Material article")
    cuts = [
        _Cut(title.start(1), title.end(1), "{{ title }} - " + site_name),
        _Cut(article.start(2), article.end(2), "{% block content %}{% endblock %}"),
    ]
    cuts += _cuts(_DESCRIPTION, html, lambda m: "{{ description }}", required=True)
    cuts += _cuts(_CANONICAL, html, lambda m: "{{ canonical }}", required=False)
    cuts += _cuts(_TOPIC, html, lambda m: "{{ topic }}", required=True)
    cuts += _cuts(_SKIP, html, lambda m: "{{ anchor }}", required=False)
    cuts += _cuts(_CONFIG_BASE, html, lambda m: "{{ base }}", required=True)
    cuts += _cuts(_SCOPE, html, lambda m: "{{ base }}", required=False)
    for match in _URL_ATTR.finditer(html):
        value = match.group(2)
        if inside(match.start(), article.start(2), article.end(2)) or value.startswith(_EXTERNAL) or not value:
            continue
        cuts.append(_Cut(match.start(2), match.end(2), "{{ root }}" + _raw(_site_path(value, page_url))))
    return _assemble(html, sorted(cuts, key=lambda cut: cut.start))


def inside(position: int, start: int, end: int) -> bool:
    return start <= position < end


def _raw(text: str) -> str:
    return "{% raw %}" + text + "{% endraw %}" if text else ""


def _assemble(html: str, cuts: list[_Cut]) -> str:
    parts, position = [], 0
    for cut in cuts:
        if cut.start < position:
            raise ChromeError("overlapping replacements in the MkDocs page")
        parts.append(_raw(_compact(html[position : cut.start])))
        parts.append(cut.replacement)
        position = cut.end
    parts.append(_raw(_compact(html[position:])))
    source = "".join(parts)
    if source.count("{% endraw %}") != source.count("{% raw %}"):
        raise ChromeError("the MkDocs page contains a Jinja raw marker")
    return source


def _compact(text: str) -> str:
    """Drop indentation and blank lines: the chrome has no <pre>, and every generated page carries it."""
    return _INDENT.sub("\n", text)
