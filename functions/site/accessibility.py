"""What the Material theme's markup lacks for accessibility, mended in the HTML that MkDocs writes.

Run by the ``on_post_page`` hook on every hand-written page; the generated pages
reuse that chrome (``chrome.py``), so they carry the fix too. The browser tests
run axe-core on every page type and fail if a theme upgrade changes this shape.
"""

from __future__ import annotations

import html
import re

# With `navigation.indexes`, a section's sub-navigation is labelled by a <label> holding only an icon (its
# title is the section's link), so every section's landmark had the same empty name (axe: landmark-unique).
_SECTION_NAV = re.compile(
    r'<nav class="md-nav" data-md-level="(\d+)" aria-labelledby="[^"]+"([^>]*)>(\s*<label class="md-nav__title"'
    r"[^>]*>)(.*?)(</label>)",
    re.S,
)
_TAG = re.compile(r"<[^>]+>")


def name_section_navs(page: str) -> str:
    """Give each section's navigation the section's title as its name (``aria-label``)."""

    def named(match: re.Match[str]) -> str:
        level, rest, label_open, label, label_close = match.groups()
        title = " ".join(html.unescape(_TAG.sub(" ", label)).split())
        name = html.escape(f"Rubrique {title}", quote=True)
        return f'<nav class="md-nav" data-md-level="{level}" aria-label="{name}"{rest}>{label_open}{label}{label_close}'

    return _SECTION_NAV.sub(named, page)
