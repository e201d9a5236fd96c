"""Drawing a prepared court request as a PDF ready to sign: the injonction de payer, or the petites créances letter."""

from __future__ import annotations

from functions.core.domain.court_requests import CHECK_STATE_LABELS, PROCEDURE_LABELS, CourtRequest, Litigant, Procedure
from functions.core.french import format_eur, long_date


def _party(label: str, party: Litigant) -> list[tuple[str, str]]:
    rows = [(label, party.name), ("SIREN", party.siren), ("Siège", party.seat or "à compléter")]
    if party.legal_form:
        rows.insert(1, ("Forme", party.legal_form))
    if not party.verified:
        rows.append(("Identité", "non vérifiée au répertoire SIRENE (saisie par le créancier)"))
    return rows


def request_pdf(request: CourtRequest) -> bytes:
    """The request as an A4 document: parties, amounts, basis, pieces, then the checklist on its own page."""
    from functions.core.pdf import TextPdf  # loaded when a request is drawn, not at the directory's cold start

    injunction = request.procedure is Procedure.INJUNCTION
    title = "Requête en injonction de payer" if injunction else "Demande de procédure simplifiée de recouvrement"
    doc = TextPdf(title=title, author=request.creditor.name, created=request.prepared_at, footer="Préparé par Ardoise")
    doc.heading(title)
    if injunction and request.court is not None:
        doc.paragraph(
            f"À Monsieur ou Madame le Président du {request.court.name}"
            + (f"\n{request.court.address}" if request.court.address else "")
            + "\n(Code de procédure civile, art. 1405 à 1407)",
            after=10,
        )
    else:
        addressee = request.commissaire or "Maître ...................., commissaire de justice"
        ressort = f" (ressort de la cour d'appel de {request.appeal_court})" if request.appeal_court else ""
        doc.paragraph(
            f"À {addressee}{ressort}\n(Code des procédures civiles d'exécution, art. L. 125-1 et R. 125-1 à R. 125-8)",
            after=10,
        )
    doc.rows(_party("Créancier", request.creditor))
    doc.rows(_party("Débiteur", request.debtor))
    doc.rule()
    doc.paragraph("Montant de la créance", bold=True)
    doc.rows(
        [
            ("Principal restant dû", format_eur(request.principal_cents)),
            (f"Intérêts de retard au {long_date(request.prepared_on)}", format_eur(request.interest_cents)),
            ("Indemnité forfaitaire (D. 441-5)", format_eur(request.indemnity_cents)),
            ("Total", format_eur(request.total_cents)),
        ]
    )
    doc.paragraph("Fondement de la créance", bold=True)
    for line in request.basis:
        doc.paragraph(line)
    if injunction:
        doc.paragraph(
            f"Le requérant demande qu'il soit enjoint à {request.debtor.name} de lui payer "
            f"{format_eur(request.total_cents)}, outre les intérêts de retard au même taux à compter du "
            "lendemain de la présente requête jusqu'au paiement, et les dépens.",
            after=10,
        )
    else:
        doc.paragraph(
            f"Le créancier vous demande de mettre en œuvre la procédure simplifiée de recouvrement de cette créance "
            f"de {format_eur(request.total_cents)} auprès de {request.debtor.name}.",
            after=10,
        )
    doc.paragraph("Bordereau des pièces produites", bold=True)
    doc.bullets([(f"Pièce n° {e.number} : {e.title}", [e.detail] if e.detail else []) for e in request.exhibits])
    doc.paragraph(f"Fait le {long_date(request.prepared_on)}\nSignature :", after=40)
    doc.page_break()
    doc.heading(f"Avant de déposer : {PROCEDURE_LABELS[request.procedure]}")
    doc.bullets(
        [
            (f"[{CHECK_STATE_LABELS[item.state]}] {item.label}", [item.detail] if item.detail else [])
            for item in request.checklist
        ]
    )
    return doc.to_bytes()
