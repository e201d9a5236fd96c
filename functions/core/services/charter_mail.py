"""The charter's e-mails, in French: verification and withdrawal links, confirmations.

Links point to pages of the public site that post the token to the charter API;
the token travels in the URL fragment so that it never reaches a server log or
a ``Referer`` header.
"""

from __future__ import annotations

from datetime import datetime

from functions.core.clock import PARIS
from functions.core.domain.charter import CharterVersion, Signature, SignatureRequest, Standing, company_page_path
from functions.core.mailer import Message

API_PATH = "/api/charter"
SIGNATURE_FOOTER = "\n\n--\nArdoise, l'annuaire des retards de paiement et la charte des bons payeurs.\n"


def _when(moment: datetime) -> str:
    return moment.astimezone(PARIS).strftime("%d/%m/%Y à %Hh%M")


def verify_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/charte/confirmer/#jeton={token}"


def withdraw_url(base_url: str, siren: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/charte/retirer/#siren={siren}&jeton={token}"


def badge_url(base_url: str, siren: str) -> str:
    return f"{base_url.rstrip('/')}{API_PATH}/signatures/{siren}/badge.svg"


def page_url(base_url: str, siren: str, name: str) -> str:
    return base_url.rstrip("/") + company_page_path(siren, name)


def verification(
    base_url: str, request: SignatureRequest, version: CharterVersion, token: str, expires_at: datetime
) -> Message:
    """Ask the representative to confirm the signature."""
    text = (
        f"Bonjour {request.representative_name},\n\n"
        f"Vous avez demandé à signer la charte Ardoise des délais de paiement (version {version.version}, "
        f"{len(version.commitments)} engagements) au nom de {request.company_name} (SIREN {request.siren}), "
        f"en qualité de {request.representative_role}.\n\n"
        f"Pour confirmer cette signature, ouvrez ce lien avant le {_when(expires_at)} :\n"
        f"{verify_url(base_url, token)}\n\n"
        "Une fois confirmée, l'entreprise apparaîtra dans le registre public des signataires. Elle sera "
        "suspendue automatiquement tant qu'un signalement d'impayé publié la visera, et vous pourrez retirer "
        "la signature à tout moment.\n\n"
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : rien ne sera publié."
    )
    return Message(
        request.email, f"Confirmez la signature de la charte pour {request.company_name}", text + SIGNATURE_FOOTER
    )


def signed(base_url: str, signature: Signature) -> Message:
    """Confirm a signature and give the badge to show it."""
    text = (
        f"Bonjour {signature.representative_name},\n\n"
        f"La signature de la charte Ardoise (version {signature.charter_version}) par {signature.company_name} "
        f"est enregistrée depuis le {_when(signature.signed_at)}.\n\n"
        f"Page publique de l'entreprise : {page_url(base_url, signature.siren, signature.company_name)}\n"
        "Badge à afficher sur votre site (il reflète le statut en temps réel) : "
        f"{badge_url(base_url, signature.siren)}\n\n"
        "Pour retirer la signature, demandez un lien de retrait depuis la page de la charte : il sera envoyé "
        "à cette adresse."
    )
    return Message(
        signature.email, f"Signature de la charte enregistrée pour {signature.company_name}", text + SIGNATURE_FOOTER
    )


def withdrawal_link(base_url: str, signature: Signature, token: str, expires_at: datetime) -> Message:
    """Send the link that withdraws a signature."""
    text = (
        f"Bonjour,\n\n"
        f"Un retrait de la signature de la charte Ardoise par {signature.company_name} (SIREN {signature.siren}) "
        f"a été demandé.\n\nPour confirmer le retrait, ouvrez ce lien avant le {_when(expires_at)} :\n"
        f"{withdraw_url(base_url, signature.siren, token)}\n\n"
        "Le retrait sera indiqué dans le registre public avec sa date. Si vous n'êtes pas à l'origine de "
        "cette demande, ignorez ce message : la signature reste en place."
    )
    return Message(
        signature.email, f"Retrait de la signature de la charte : {signature.company_name}", text + SIGNATURE_FOOTER
    )


def withdrawn(base_url: str, signature: Signature) -> Message:
    """Confirm a withdrawal."""
    text = (
        f"Bonjour,\n\nLa signature de la charte Ardoise par {signature.company_name} est retirée depuis le "
        f"{_when(signature.since)}. Le registre public l'indique désormais.\n\n"
        f"Vous pourrez signer à nouveau la charte à tout moment : {base_url.rstrip('/')}/charte/"
    )
    return Message(
        signature.email, f"Signature de la charte retirée : {signature.company_name}", text + SIGNATURE_FOOTER
    )


def standing_changed(base_url: str, signature: Signature) -> Message:
    """Tell the signatory that it was suspended, or reinstated."""
    page = page_url(base_url, signature.siren, signature.company_name)
    if signature.standing is Standing.SUSPENDED:
        subject = f"Signature de la charte suspendue : {signature.company_name}"
        body = (
            f"Depuis le {_when(signature.since)}, au moins un signalement d'impayé visant {signature.company_name} "
            "est publié dans l'annuaire Ardoise. Conformément à la charte, votre signature est suspendue : le "
            "registre et le badge l'indiquent.\n\nElle sera rétablie automatiquement dès qu'aucun signalement "
            f"publié ne restera ouvert. Détail des signalements : {page}"
        )
    else:
        subject = f"Signature de la charte rétablie : {signature.company_name}"
        body = (
            f"Plus aucun signalement d'impayé publié ne vise {signature.company_name} : votre signature de la "
            f"charte est rétablie depuis le {_when(signature.since)}. Merci d'avoir régularisé la situation."
        )
    return Message(signature.email, subject, "Bonjour,\n\n" + body + SIGNATURE_FOOTER)
