"""Where the build folder keeps each published file.

A company page is published as ``entreprises/<siren>-<slug>/index.html`` (its URL
ends with a slash), but the build folder keeps it flat, as
``entreprises/<siren>-<slug>.html``: creating 100,000 folders, one per company,
costs the disk about three times as much as the files alone. The publisher reads
each file from here and writes it under its published path.
"""

from __future__ import annotations

import re
from pathlib import Path

_COMPANY_PAGE = re.compile(r"^(entreprises/\d{9}[^/]*)/index\.html$")


def stored_path(path: str) -> str:
    """The build folder's path of a published path."""
    match = _COMPANY_PAGE.match(path)
    return f"{match.group(1)}.html" if match else path


def stored_file(out: Path, path: str) -> Path:
    return out / stored_path(path)
