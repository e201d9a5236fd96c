"""The charter's e-mails, in French: verification and withdrawal links, confirmations.

Links point to pages of the public site that post the token to the charter API;
the token travels in the URL fragment so that it never reaches a server log or
a ``Referer`` header.

Anyone may fill in the signing form with someone else's address, so these
e-mails must not carry the requester's words as Ardoise's: subjects name the
SIREN only, and bodies quote what was typed (company name, representative,
role) as such, defused so that no mail client makes a link of it
(:func:`~functions.core.text.as_typed`).
"""

from __future__ import annotations

from datetime import datetime

from functions.core.domain.charter import CharterVersion, Signature, SignatureRequest, Standing, company_page_path
from functions.core.french import short_datetime
from functions.core.mailer import Message
from functions.core.mounts import api_url
from functions.core.text import as_typed

SIGNATURE_FOOTER = "\n\n--\nArdoise, l'annuaire des retards de paiement et la charte des bons payeurs.\n"


def verify_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/charte/confirmer/#jeton={token}"


def withdraw_url(base_url: str, siren: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/charte/retirer/#siren={siren}&jeton={token}"


def badge_url(base_url: str, siren: str) -> str:
    return api_url(base_url, "charter", f"/signatures/{siren}/badge.svg")


def page_url(base_url: str, siren: str, name: str) -> str:
    return base_url.rstrip("/") + company_page_path(siren, name)


def verification(
    base_url: str, request: SignatureRequest, version: CharterVersion, token: str, expires_at: datetime
) -> Message:
    """Ask the owner of the address to confirm a signature someone requested."""
    text = (
        "Bonjour,\n\n"
        f"Une demande de signature de la charte Ardoise des délais de paiement (version {version.version}, "
        f"{len(version.commitments)} engagements) a été faite pour l'entreprise de SIREN {request.siren}, "
        "avec cette adresse e-mail.\n\n"
        "Voici ce que la personne a saisi dans le formulaire, tel quel (Ardoise ne l'a pas vérifié) :\n"
        f"- raison sociale : {as_typed(request.company_name)}\n"
        f"- représentant : {as_typed(request.representative_name)}\n"
        f"- fonction : {as_typed(request.representative_role)}\n\n"
        f"Pour confirmer cette signature, ouvrez ce lien avant le {short_datetime(expires_at)} :\n"
        f"{verify_url(base_url, token)}\n\n"
        "Une fois confirmée, l'entreprise apparaîtra dans le registre public des signataires (sous le nom que "
        "lui connaît l'annuaire, sinon sous la raison sociale saisie). Elle sera suspendue automatiquement tant "
        "qu'un signalement d'impayé publié la visera, et vous pourrez retirer la signature à tout moment.\n\n"
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : rien ne sera publié, et Ardoise "
        "ne vous demandera jamais de paiement."
    )
    return Message(
        request.email, f"Confirmez la signature de la charte Ardoise (SIREN {request.siren})", text + SIGNATURE_FOOTER
    )


def _registered_as(signature: Signature) -> str:
    return f"l'entreprise de SIREN {signature.siren} (nom au registre : {as_typed(signature.company_name)})"


def signed(base_url: str, signature: Signature) -> Message:
    """Confirm a signature and give the badge to show it."""
    text = (
        "Bonjour,\n\n"
        f"La signature de la charte Ardoise (version {signature.charter_version}) pour {_registered_as(signature)} "
        f"est enregistrée depuis le {short_datetime(signature.signed_at)}.\n\n"
        f"Page publique de l'entreprise : {page_url(base_url, signature.siren, signature.company_name)}\n"
        "Badge à afficher sur votre site (il reflète le statut en temps réel) : "
        f"{badge_url(base_url, signature.siren)}\n\n"
        "Pour retirer la signature, demandez un lien de retrait depuis la page de la charte : il sera envoyé "
        "à cette adresse."
    )
    return Message(
        signature.email, f"Signature de la charte enregistrée (SIREN {signature.siren})", text + SIGNATURE_FOOTER
    )


def withdrawal_link(base_url: str, signature: Signature, token: str, expires_at: datetime) -> Message:
    """Send the link that withdraws a signature."""
    text = (
        "Bonjour,\n\n"
        f"Un retrait de la signature de la charte Ardoise pour {_registered_as(signature)} a été demandé.\n\n"
        f"Pour confirmer le retrait, ouvrez ce lien avant le {short_datetime(expires_at)} :\n"
        f"{withdraw_url(base_url, signature.siren, token)}\n\n"
        "Le retrait sera indiqué dans le registre public avec sa date. Si vous n'êtes pas à l'origine de "
        "cette demande, ignorez ce message : la signature reste en place."
    )
    return Message(
        signature.email, f"Retrait de la signature de la charte (SIREN {signature.siren})", text + SIGNATURE_FOOTER
    )


def withdrawn(base_url: str, signature: Signature) -> Message:
    """Confirm a withdrawal."""
    text = (
        f"Bonjour,\n\nLa signature de la charte Ardoise pour {_registered_as(signature)} est retirée depuis le "
        f"{short_datetime(signature.since)}. Le registre public l'indique désormais.\n\n"
        f"Vous pourrez signer à nouveau la charte à tout moment : {base_url.rstrip('/')}/charte/"
    )
    return Message(
        signature.email, f"Signature de la charte retirée (SIREN {signature.siren})", text + SIGNATURE_FOOTER
    )


def standing_changed(base_url: str, signature: Signature) -> Message:
    """Tell the signatory that it was suspended, or reinstated."""
    page = page_url(base_url, signature.siren, signature.company_name)
    if signature.standing is Standing.SUSPENDED:
        subject = f"Signature de la charte suspendue (SIREN {signature.siren})"
        body = (
            f"Depuis le {short_datetime(signature.since)}, au moins un signalement d'impayé visant "
            f"{_registered_as(signature)} est publié dans l'annuaire Ardoise. Conformément à la charte, votre "
            "signature est suspendue : le registre et le badge l'indiquent.\n\nElle sera rétablie "
            f"automatiquement dès qu'aucun signalement publié ne restera ouvert. Détail des signalements : {page}"
        )
    else:
        subject = f"Signature de la charte rétablie (SIREN {signature.siren})"
        body = (
            f"Plus aucun signalement d'impayé publié ne vise {_registered_as(signature)} : votre signature de la "
            f"charte est rétablie depuis le {short_datetime(signature.since)}. Merci d'avoir régularisé la situation."
        )
    return Message(signature.email, subject, "Bonjour,\n\n" + body + SIGNATURE_FOOTER)
