"""A summary in the three formats a subscriber may ask for: JSON, HTML (French page), PDF.

Every format is built from the same stored summary. The HTML is rendered by
Jinja2 with autoescaping, so a company name holding markup shows as text; the
chart is inline SVG (no script, no external asset), and the PDF uses the
project's own text-PDF writer (no heavy dependency in the Lambda archive).
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from flask import Response
from jinja2 import Environment, Template

from functions.core.clock import parse_iso
from functions.core.domain.charter import CHARTER_STATUS_LABELS
from functions.core.french import format_eur, month_label, short_date, short_datetime
from functions.core.headers import CSP, new_nonce, page_csp

CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 640, 220, 36


def french_date(iso: str | None) -> str:
    """A summary's ISO day as ``23/11/2026`` (a dash for none)."""
    return short_date(date.fromisoformat(iso[:10])) if iso else "—"


def computed_when(summary: dict[str, Any]) -> str:
    """When the summary was computed, in Paris time: ``23/11/2026 à 15h05``."""
    return short_datetime(parse_iso(summary["computed_at"]))


def index_text(summary: dict[str, Any]) -> str:
    if summary["payment_index"] is None:
        return "Données insuffisantes"
    return f"{summary['payment_index']} / 100 — note {summary['grade']} ({summary['grade_label']})"


def chart(history: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the SVG geometry of the 12-month chart: outstanding bars, index line (0-100)."""
    count = len(history)
    inner_w, inner_h = CHART_WIDTH - 2 * CHART_PAD, CHART_HEIGHT - 2 * CHART_PAD
    step = inner_w / max(1, count - 1)
    highest = max((p["outstanding_cents"] for p in history), default=0) or 1
    bars, index_points, labels = [], [], []
    for n, point in enumerate(history):
        x = CHART_PAD + n * step
        height = inner_h * point["outstanding_cents"] / highest
        bars.append(
            {
                "x": round(x - step * 0.3, 1),
                "y": round(CHART_PAD + inner_h - height, 1),
                "w": round(step * 0.6, 1),
                "h": round(height, 1),
            }
        )
        if point["payment_index"] is not None:
            index_points.append(f"{x:.1f},{CHART_PAD + inner_h * (1 - point['payment_index'] / 100):.1f}")
        labels.append({"x": round(x, 1), "text": month_label(date.fromisoformat(point["as_of"]))})
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "bars": bars,
        "index_line": " ".join(index_points),
        "labels": labels,
        "baseline": CHART_PAD + inner_h,
        "top": CHART_PAD,
        "highest": format_eur(highest if highest > 1 else 0),
        "left": CHART_PAD,
        "right": CHART_WIDTH - CHART_PAD,
    }


TEMPLATE = Path(__file__).with_name("templates") / "solvency.html"


@cache
def _page() -> Template:
    # Compiled on first use: most calls want JSON, and a cold start should not pay for it.
    return Environment(autoescape=True).from_string(TEMPLATE.read_text(encoding="utf-8"))


def _address(company: dict[str, Any]) -> str:
    """One line of the company's postal address, from the parts it has."""
    return " ".join(part for part in (company.get("address"), company.get("postal_code"), company.get("city")) if part)


def to_html(summary: dict[str, Any], nonce: str) -> str:
    """Render the summary as a self-contained French page; its style runs under ``nonce``."""
    company = summary["company"] or {}
    return _page().render(
        nonce=nonce,
        s=summary,
        name=company.get("name") or f"SIREN {summary['siren']}",
        address=_address(company),
        as_of=french_date(summary["as_of"]),
        computed_at=computed_when(summary),
        charter=CHARTER_STATUS_LABELS.get(summary["charter"]["status"], summary["charter"]["status"]),
        c=chart(summary["history"]),
        eur=format_eur,
        fdate=french_date,
    )


def _point_text(point: dict[str, Any]) -> str:
    index = point["payment_index"] if point["payment_index"] is not None else "—"
    return f"indice {index}, encours {format_eur(point['outstanding_cents'])}"


def _days(value: int | None, suffix: str = "") -> str:
    return f"{value} jours{suffix}" if value is not None else "—"


def to_pdf(summary: dict[str, Any]) -> bytes:
    """Render the summary as a one- or two-page PDF to file."""
    from functions.core.pdf import TextPdf

    company = summary["company"] or {}
    name = company.get("name") or f"SIREN {summary['siren']}"
    doc = TextPdf(
        title=f"Synthèse de solvabilité — {name}", footer=f"Ardoise — synthèse au {french_date(summary['as_of'])}"
    )
    doc.heading(f"Synthèse de solvabilité — {name}")
    address = _address(company)
    doc.paragraph(f"SIREN {summary['siren']}" + (f" — {address}" if address else ""))
    doc.rule()
    proceeding = summary.get("collective_proceeding")
    if proceeding:
        doc.heading("Procédure collective en cours", size=12.0)
        doc.rows(
            [
                ("Procédure", proceeding["label"] + (" (plan arrêté)" if proceeding["under_plan"] else "")),
                ("Jugement d'ouverture", french_date(proceeding["opened_on"])),
                ("Tribunal", proceeding["court"] or "—"),
                ("Publication au BODACC", french_date(proceeding["published_on"])),
                ("Déclaration des créances", f"jusqu'au {french_date(proceeding['claims_deadline'])}"),
            ]
        )
        if proceeding["bodacc_url"]:
            doc.paragraph(f"Annonce : {proceeding['bodacc_url']}")
        doc.rule()
    opened, settled = summary["open_reports"], summary["settled_reports"]
    basis = summary["basis"]
    charter = CHARTER_STATUS_LABELS.get(summary["charter"]["status"], summary["charter"]["status"])
    doc.rows(
        [
            ("Indice de paiement", index_text(summary)),
            ("Base de calcul", f"{basis['reports']} signalement(s), {basis['experiences']} expérience(s)"),
            ("Signalements non réglés", str(opened["count"])),
            ("Encours publié", format_eur(opened["outstanding_cents"])),
            ("Plus ancienne échéance", french_date(opened["oldest_due_date"])),
            ("Retard le plus long", _days(opened["worst_days_beyond_terms"])),
            (f"Réglés ({settled['window_months']} mois)", str(settled["count"])),
            ("Délai moyen de règlement", _days(settled["average_days_to_settle"], " après échéance")),
            ("Contestations en attente", str(summary["pending_disputes"])),
            ("Charte de paiement", charter),
        ]
    )
    doc.rule()
    doc.paragraph("Tendance", bold=True)
    doc.rows([(f"Il y a {t['months_ago']} mois ({french_date(t['as_of'])})", _point_text(t)) for t in summary["trend"]])
    doc.paragraph("Évolution sur 12 mois", bold=True)
    doc.rows(
        [(month_label(date.fromisoformat(p["as_of"])), _point_text(p)) for p in summary["history"]],
        label_width=110,
    )
    doc.paragraph(
        "Indice de 1 à 100 : 100 paie en avance, 80 à l'échéance, 50 environ 30 jours après, 20 au-delà de 120 jours. "
        f"Calculé le {computed_when(summary)}.",
        size=8.5,
    )
    return doc.to_bytes()


PRIVATE = {"Cache-Control": "private, no-store"}


def html_response(summary: dict[str, Any]) -> Response:
    """The summary as a page whose own style alone may apply (its nonce); no cache keeps it."""
    nonce = new_nonce()
    return Response(to_html(summary, nonce), mimetype="text/html", headers={**PRIVATE, CSP: page_csp(nonce)})


def pdf_response(summary: dict[str, Any]) -> Response:
    """The summary as a PDF shown inline, named after the company's SIREN; no cache keeps it."""
    disposition = {"Content-Disposition": f'inline; filename="synthese-{summary["siren"]}.pdf"'}
    return Response(to_pdf(summary), mimetype="application/pdf", headers={**PRIVATE, **disposition})
