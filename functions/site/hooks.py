"""MkDocs hooks (``mkdocs.yml: hooks``): a thin adapter around ``handwritten.py``.

- our stylesheet and search script, fingerprinted (name carries a content hash)
  so that they can be cached for a year;
- the pages of the charter's earlier versions;
- ``{{ grace_days }}``-style values and ``<!-- ardoise:... -->`` markers in pages;
- the search form wherever a page has ``<div data-ardoise="recherche"></div>``;
- the theme's markup mended for accessibility (``accessibility.py``);
- ``assets/ardoise/espaces.css``, under a stable name: the web spaces' pages (served by the
  functions, not built here) link it to get the site's look (Material's stylesheets and ours);
  ``assets/ardoise/espaces.js`` beside it, the script that enhances a few of their pages.

``ardoise build-site`` passes its inputs in ``config.extra["ardoise"]``; a plain
``mkdocs build`` computes them from the environment.
"""

from __future__ import annotations

import hashlib
import posixpath
import sys
from pathlib import Path
from typing import Any

# A plain `mkdocs build` loads this file by path: make the repository importable first.
_REPOSITORY = str(Path(__file__).resolve().parents[2])
if _REPOSITORY not in sys.path:
    sys.path.insert(0, _REPOSITORY)

from jinja2 import Environment, FileSystemLoader  # noqa: E402 - after the sys.path line above
from mkdocs.config.config_options import ExtraScriptValue  # noqa: E402 - after the sys.path line above
from mkdocs.config.defaults import MkDocsConfig  # noqa: E402 - after the sys.path line above
from mkdocs.structure.files import File, Files  # noqa: E402 - after the sys.path line above
from mkdocs.structure.pages import Page  # noqa: E402 - after the sys.path line above

from functions.core.clock import system_clock, today_in_paris  # noqa: E402 - after the sys.path line above
from functions.core.config import load_settings  # noqa: E402 - after the sys.path line above
from functions.core.domain.charter import load_charter  # noqa: E402 - after the sys.path line above
from functions.site.accessibility import name_section_navs  # noqa: E402 - after the sys.path line above
from functions.site.chrome import root_for  # noqa: E402 - after the sys.path line above
from functions.site.handwritten import (  # noqa: E402 - after the sys.path line above
    HandwrittenInputs,
    fill_markers,
    handwritten_inputs,
    old_version_markdown,
    substitute,
    token_values,
    version_path,
)
from functions.site.render import TEMPLATES  # noqa: E402 - after the sys.path line above

STATIC = Path(__file__).with_name("static")
ASSETS = "assets/ardoise"
SEARCH_SLOT = '<div data-ardoise="recherche"></div>'
THEME_SCRIPTS = ("material-scope.js", "material-tabs.js")


def fingerprinted_assets() -> dict[str, Path]:
    """Return ``assets/ardoise/<name>.<hash>.<ext>`` -> source file, for every static file."""
    assets = {}
    for path in sorted(STATIC.iterdir()):
        digest = hashlib.blake2b(path.read_bytes(), digest_size=4).hexdigest()
        assets[f"{ASSETS}/{path.stem}.{digest}{path.suffix}"] = path
    return assets


SPACES_STYLESHEET = "assets/ardoise/espaces.css"
SPACES_RULES = Path(__file__).with_name("spaces.css")
# The spaces' one script, under a stable name too (``core/spaces.py: SCRIPT``): it only enhances their pages.
SPACES_SCRIPT = "assets/ardoise/espaces.js"
SPACES_SCRIPT_SOURCE = Path(__file__).with_name("spaces.js")


def spaces_stylesheet(uris: list[str]) -> str:
    """The stable stylesheet of the web spaces: ``@import`` of the site's own (fingerprinted) ones, then theirs."""
    wanted = [u for u in uris if u.startswith("assets/stylesheets/") and u.endswith(".min.css")]
    wanted += [u for u in uris if u.startswith(f"{ASSETS}/ardoise.") and u.endswith(".css")]
    imports = "".join(f'@import url("{posixpath.relpath(u, "assets/ardoise")}");\n' for u in sorted(wanted))
    return imports + SPACES_RULES.read_text()


def _inputs(config: MkDocsConfig) -> HandwrittenInputs:
    inputs = config.extra.get("ardoise")
    if inputs is None:
        inputs = handwritten_inputs(load_settings(), today_in_paris(system_clock()))
        config.extra["ardoise"] = inputs
    if not isinstance(inputs, HandwrittenInputs):
        raise TypeError("config.extra['ardoise'] must hold the builder's HandwrittenInputs")
    return inputs


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    # Material's inline scripts, moved to files: the theme's partials/javascripts/ load them where they ran.
    theme: dict[str, str] = {}
    config.extra["ardoise_theme_scripts"] = theme
    for uri, source in fingerprinted_assets().items():
        if source.name in THEME_SCRIPTS:
            theme[source.stem] = uri
        elif uri.endswith(".css"):
            config.extra_css.append(uri)
        elif uri.endswith(".js"):
            script = ExtraScriptValue(uri)
            script.defer = True
            config.extra_javascript.append(script)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for uri, source in fingerprinted_assets().items():
        files.append(File.generated(config, uri, abs_src_path=str(source)))
    files.append(File.generated(config, SPACES_STYLESHEET, content=spaces_stylesheet([f.src_uri for f in files])))
    files.append(File.generated(config, SPACES_SCRIPT, abs_src_path=str(SPACES_SCRIPT_SOURCE)))
    inputs = _inputs(config)
    catalog = load_charter()
    current = catalog.current(inputs.today)
    for version in catalog.published(inputs.today):
        if version.version != current.version:
            files.append(
                File.generated(
                    config, version_path(version), content=old_version_markdown(version, catalog, inputs.today)
                )
            )
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    inputs = _inputs(config)
    operator: dict[str, Any] = dict(config.extra.get("operator", {}))
    return fill_markers(substitute(markdown, token_values(inputs, operator)), inputs, operator)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if SEARCH_SLOT not in html:
        return html
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    form = env.get_template("search_form.html").render(root=root_for(page.url))
    return html.replace(SEARCH_SLOT, form)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return name_section_navs(output)


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    """The theme's own pages (the 404 page) carry the same navigation."""
    return name_section_navs(output_content)
