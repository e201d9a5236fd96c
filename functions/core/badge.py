"""The signatory's badge: a small SVG that shows the charter status and links to the company page.

Suppliers embed it as ``<a href="PAGE"><img src="BADGE"></a>`` (an ``<img>`` never
follows links inside an SVG; ``<object>`` does). The company name is user input:
it only ever enters the document through XML escaping.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from functions.core.domain.charter import SignatureStatus

LABEL = "charte Ardoise"
_STATES: dict[SignatureStatus, tuple[str, str]] = {
    SignatureStatus.ACTIVE: ("signataire", "#2e7d32"),
    SignatureStatus.SUSPENDED: ("suspendue", "#c62828"),
    SignatureStatus.OUTDATED: ("version dépassée", "#b45309"),
    SignatureStatus.WITHDRAWN: ("retirée", "#616161"),
}
_SPOKEN = {
    SignatureStatus.ACTIVE: "signataire",
    SignatureStatus.SUSPENDED: "signature suspendue",
    SignatureStatus.OUTDATED: "signataire d'une version dépassée",
    SignatureStatus.WITHDRAWN: "signature retirée",
}
# Average advance of Verdana 11px, in pixels: good enough to size the two halves.
_CHAR_WIDTH = 6.6
_PADDING = 12


def _width(text: str) -> int:
    return round(len(text) * _CHAR_WIDTH) + _PADDING


def render_badge(company_name: str, status: SignatureStatus, page_url: str | None) -> str:
    """Return the SVG document of one signatory's badge, linking to ``page_url``.

    ``None``: no link, for the badge shown inline on the company page itself (a link
    inside an element whose role is ``img`` is a control a keyboard cannot name).
    """
    value, colour = _STATES[status]
    left, right = _width(LABEL), _width(value)
    total = left + right
    spoken = f"{LABEL} — {company_name} : {_SPOKEN[status]}"
    drawing = (
        f'<rect width="{left}" height="20" rx="3" fill="#37474f"/>'
        f'<rect x="{left}" width="{right}" height="20" rx="3" fill="{colour}"/>'
        f'<rect x="{left - 3}" width="6" height="20" fill="{colour}"/>'
        '<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">'
        f'<text x="{left / 2:.1f}" y="14">{escape(LABEL)}</text>'
        f'<text x="{left + right / 2:.1f}" y="14">{escape(value)}</text>'
        "</g>"
    )
    if page_url is not None:
        drawing = f'<a href={quoteattr(page_url)} xlink:href={quoteattr(page_url)} target="_blank">{drawing}</a>'
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{total}" '
        f'height="20" viewBox="0 0 {total} 20" role="img" aria-label={quoteattr(spoken)}>'
        f"<title>{escape(spoken)}</title>{drawing}</svg>\n"
    )
