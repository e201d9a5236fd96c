"""Material's inline scripts run from our files (the site's CSP allows no inline script): the same code as Material's.

When a Material upgrade changes them, this fails: copy the new code into
``functions/site/static/material-*.js`` (keeping our scope expression).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import material

from functions.site.builder import SiteBuilder
from functions.site.handwritten import HandwrittenInputs
from functions.site.hooks import STATIC
from tests.site.factories import make_record, make_signatory, make_snapshot, many_records

MATERIAL = Path(material.__file__).parent / "templates" / "partials" / "javascripts"
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
# Material writes the site's root per page; from a file, the root is two folders above the script.
MATERIAL_SCOPE = 'new URL("{{ config.extra.scope | d(base_url) }}",location)'
OUR_SCOPE = 'new URL("../..",document.currentScript.src)'


def code_of(name: str) -> str:
    """Return a static file's code without its leading comment."""
    return re.sub(r"^/\*.*?\*/\s*", "", (STATIC / name).read_text(), flags=re.S).strip()


def test_the_head_script_is_material_s_with_the_root_found_from_the_file() -> None:
    [material_code] = _SCRIPT.findall((MATERIAL / "base.html").read_text())
    assert MATERIAL_SCOPE in material_code
    assert code_of("material-scope.js") == material_code.replace(MATERIAL_SCOPE, OUR_SCOPE)


def test_the_content_script_is_material_s() -> None:
    # The other script of content.html serves "content.tabs.link", a feature this site does not enable.
    *_, material_code = _SCRIPT.findall((MATERIAL / "content.html").read_text())
    assert code_of("material-tabs.js") == material_code
    assert "content.tabs.link" not in (Path(__file__).resolve().parents[2] / "mkdocs.yml").read_text()


_INLINE = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S)


def test_no_built_page_carries_an_inline_script(
    make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs
) -> None:
    builder = make_builder()
    builder.build(make_snapshot(make_record(), make_signatory(), *many_records(30)), inputs)
    pages = sorted(builder.out.rglob("*.html"))
    assert len(pages) > 30
    for page in pages:
        for attributes, code in _INLINE.findall(page.read_text()):
            # A JSON data block is never run (Material's configuration).
            assert 'type="application/json"' in attributes, (page.relative_to(builder.out), code[:80])
