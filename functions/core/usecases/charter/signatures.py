"""Charter use cases: sign and verify, withdraw, suspend and reinstate, read the register.

Shared by the charter routes, the propagation refresher, the CLI and the demo.
E-mailed links carry 256 random bits; only their SHA-256 is stored, they expire
after ``LINK_VALIDITY`` and serve once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from functions.core.clock import today_in_paris
from functions.core.cooldown import mailbox_of, refuse_if_too_soon
from functions.core.domain import members
from functions.core.domain.charter import (
    CLAIM_VALIDITY,
    LINK_VALIDITY,
    REQUEST_COOLDOWN,
    CharterCatalog,
    CharterVersion,
    Claim,
    Link,
    LinkPurpose,
    Signature,
    SignatureRequest,
    SigningOutcome,
    Standing,
    apply_report_count,
    apply_signing,
    apply_withdrawal,
    load_charter,
    may_sign,
)
from functions.core.domain.members import Member
from functions.core.errors import (
    Conflict,
    ExpiredLink,
    FieldError,
    Forbidden,
    NotFound,
    RuleNotMet,
    UnknownLink,
    ValidationFailed,
)
from functions.core.french import short_date, short_datetime
from functions.core.logs import get_logger
from functions.core.resources import Resources
from functions.core.store import retry_on_conflict
from functions.core.tokens import hash_token, new_token
from functions.core.usecases.charter import mails as charter_mail
from functions.core.usecases.identity import recorded_identity

SYSTEM_ACTOR = "system:charter"
log = get_logger("charter")


class NotCurrentVersion(RuleNotMet):
    slug, title = "version-depassee", "Version de la charte dépassée"


class NotSigned(NotFound):
    slug, title = "non-signataire", "Entreprise non signataire"


class OtherCompany(Forbidden):
    slug, title = "membre-autre-entreprise", "Jeton d'une autre entreprise"


class UnknownClaim(NotFound):
    slug, title = "demande-inconnue", "Demande de signature inconnue"


# Which address a link went to, never any part of it: a requester may be someone
# else than the address's owner (a withdrawal is asked for by anyone).
SentTo = Literal["requested_address", "signature_address"]


@dataclass(frozen=True)
class LinkReceipt:
    """What the requester learns after a link was (or did not need to be) sent."""

    siren: str
    sent_to: SentTo | None
    expires_at: datetime | None
    already_done: bool = False
    # The secret just e-mailed, for callers that act for the recipient (the demo); never sent back over HTTP.
    token: str | None = field(default=None, repr=False)


def signatory(siren: str) -> str:
    return f"signatory:{siren}"


def catalog_and_current(res: Resources) -> tuple[CharterCatalog, CharterVersion]:
    """Return the charter versions and the one in force today (Paris time)."""
    catalog = load_charter()
    return catalog, catalog.current(today_in_paris(res.clock()))


def open_published_reports(res: Resources, siren: str) -> int:
    """Return how many published unpaid reports the directory holds against ``siren``."""
    aggregate = res.store.reports.get_aggregate(siren)
    return aggregate.open_published_count if aggregate is not None else 0


# -- signing -----------------------------------------------------------------------


def _check_version(res: Resources, version: str) -> None:
    catalog, current = catalog_and_current(res)
    if catalog.get(version) is None:
        raise ValidationFailed(
            "Version de la charte inconnue.",
            [
                FieldError(
                    "version",
                    "version_inconnue",
                    f"Versions connues : {', '.join(v.version for v in catalog.versions)}.",
                )
            ],
        )
    if version != current.version:
        raise NotCurrentVersion(
            f"Vous avez lu la version {version} ; la version en vigueur est la {current.version}, "
            f"du {short_date(current.effective_on)}. Lisez-la, puis signez-la.",
            extra={"current_version": current.version},
        )


def request_signature(res: Resources, request: SignatureRequest, member: Member | None = None) -> LinkReceipt:
    """Check a signature request and e-mail its verification link.

    The answer and the e-mail are the same whether or not the company signed
    already: a request reveals nothing about an existing signature. ``member``,
    an approved member of the same SIREN, proves the requester's right to sign.
    """
    _check_version(res, request.charter_version)
    if member is not None:
        if member.siren != request.siren:
            raise OtherCompany("Votre jeton de membre concerne une autre entreprise que le SIREN indiqué.")
        request = replace(request, proven_by=f"member:{member.id}")
    token, expires_at = _issue_link(res, LinkPurpose.SIGN, request.siren, request.email, request)
    _, current = catalog_and_current(res)
    res.mailer.send(charter_mail.verification(res.settings.base_url, request, current, token, expires_at))
    return LinkReceipt(request.siren, "requested_address", expires_at, token=token)


def verify_signature(res: Resources, token: str) -> tuple[Signature | None, SigningOutcome]:
    """Complete a request from its e-mailed link: sign or renew when the right to sign is proven.

    Otherwise the request becomes a claim for a moderator (``pending``, no
    signature returned), whatever the register holds for that company.
    """

    def attempt() -> tuple[Signature | None, SigningOutcome]:
        link = _open_link(res, token, LinkPurpose.SIGN)
        request = link.request
        if request is None:  # a signing link always carries its request; refuse a damaged one
            raise UnknownLink("Ce lien ne correspond à aucune demande de signature.")
        _check_version(res, request.charter_version)
        request = _still_proven(res, request)
        existing = res.store.signatures.get_signature(request.siren)
        if not may_sign(existing, request):
            now = res.clock()
            claim_id = hash_token(mailbox_of(request.email))[:24]
            previous = res.store.signatures.get_claim(request.siren, claim_id)
            claim = Claim(claim_id, request, now, now + CLAIM_VALIDITY)
            res.store.signatures.record_claim(
                claim, previous, actor=signatory(request.siren), consumed=link, consumed_hash=hash_token(token)
            )
            return None, SigningOutcome.PENDING
        return _sign(res, existing, request, link=link, token=token)

    signature, outcome = retry_on_conflict(attempt)
    if signature is None:
        return None, outcome
    _after_signing(res, signature, outcome)
    return signature, outcome


def _still_proven(res: Resources, request: SignatureRequest) -> SignatureRequest:
    """Keep a member's proof only if that member is still approved for the SIREN when the link is opened."""
    if request.proven_by is None or not request.proven_by.startswith("member:"):
        return request
    member = res.store.members.get_member(request.proven_by.removeprefix("member:"))
    if member is None or not members.is_approved(member) or member.siren != request.siren:
        return replace(request, proven_by=None)
    return request


def _sign(
    res: Resources,
    existing: Signature | None,
    request: SignatureRequest,
    *,
    link: Link | None = None,
    token: str | None = None,
    claim: Claim | None = None,
) -> tuple[Signature, SigningOutcome]:
    """Apply a proven request to the register, spending its link or settling its claim."""
    actor = request.proven_by if claim is not None and request.proven_by else signatory(request.siren)
    company = res.store.companies.get_company(request.siren)
    if company is not None:
        # The directory's identity, when it has one, wins over what a signatory typed.
        request = replace(request, company_name=company.name)
    reports = 0 if _keeps_standing(existing) else open_published_reports(res, request.siren)
    signature, outcome = apply_signing(existing, request, res.clock(), reports)
    consumed_hash = hash_token(token) if token is not None else None
    if outcome is SigningOutcome.UNCHANGED:
        if link is not None and consumed_hash is not None:
            res.store.signatures.consume_link(link, consumed_hash, action="signature.unchanged", actor=actor)
        elif claim is not None:
            res.store.signatures.drop_claim(claim, action="signature.claim_unchanged", actor=actor)
        return signature, outcome
    action = {
        SigningOutcome.RENEWED: "signature.renewed",
        SigningOutcome.REASSIGNED: "signature.reassigned",
    }.get(outcome, "signature.signed")
    saved = res.store.signatures.record_signature(
        signature,
        existing,
        action=action,
        actor=actor,
        consumed=link,
        consumed_hash=consumed_hash,
        settled=claim,
    )
    return saved, outcome


def _after_signing(res: Resources, signature: Signature, outcome: SigningOutcome) -> None:
    if outcome is not SigningOutcome.UNCHANGED:
        # The site has a page per signatory, and the directory finds it: it is public for good.
        identity = recorded_identity(res, signature.siren, signature.company_name)
        res.store.companies.record_signatory(identity, signatory(signature.siren))
        res.mailer.send(charter_mail.signed(res.settings.base_url, signature))


# -- moderation --------------------------------------------------------------------


def list_claims(res: Resources, limit: int = 50, cursor: str | None = None) -> tuple[list[Claim], str | None]:
    """Return the claims awaiting a moderator, oldest first; a forged cursor is a 400."""
    try:
        return res.store.signatures.list_claims(limit=limit, cursor=cursor)
    except ValueError as exc:
        raise ValidationFailed(
            "Curseur de pagination invalide.", [FieldError("cursor", "curseur_invalide", "Curseur inconnu.")]
        ) from exc


def decide_claim(
    res: Resources, siren: str, claim_id: str, *, approved: bool, actor: str
) -> tuple[Signature | None, SigningOutcome | None]:
    """Approve a claim (the moderator checked the link to the company) or refuse it; 404 when unknown."""

    def attempt() -> tuple[Signature | None, SigningOutcome | None]:
        claim = res.store.signatures.get_claim(siren, claim_id)
        if claim is None or claim.expires_at <= res.clock():
            raise UnknownClaim("Cette demande de signature est inconnue, expirée ou déjà traitée.")
        if not approved:
            res.store.signatures.drop_claim(claim, action="signature.claim_refused", actor=actor)
            return None, None
        request = replace(claim.request, proven_by=actor)
        _check_version(res, request.charter_version)
        existing = res.store.signatures.get_signature(siren)
        return _sign(res, existing, request, claim=claim)

    signature, outcome = retry_on_conflict(attempt)
    if signature is not None and outcome is not None:
        _after_signing(res, signature, outcome)
    return signature, outcome


def _keeps_standing(existing: Signature | None) -> bool:
    return existing is not None and existing.standing is not Standing.WITHDRAWN


# -- withdrawal --------------------------------------------------------------------


def request_withdrawal(res: Resources, siren: str) -> LinkReceipt:
    """E-mail a withdrawal link to the signature's verified address."""
    signature = get_signature(res, siren)
    if signature.standing is Standing.WITHDRAWN:
        raise Conflict(f"La signature de cette entreprise a déjà été retirée le {short_date(signature.since)}.")
    token, expires_at = _issue_link(res, LinkPurpose.WITHDRAW, siren, signature.email, None)
    res.mailer.send(charter_mail.withdrawal_link(res.settings.base_url, signature, token, expires_at))
    return LinkReceipt(siren, "signature_address", expires_at, token=token)


def confirm_withdrawal(res: Resources, siren: str, token: str) -> Signature:
    """Withdraw a signature from the link e-mailed to its verified address."""

    def attempt() -> tuple[Signature, bool]:
        link = _open_link(res, token, LinkPurpose.WITHDRAW, siren)
        signature = get_signature(res, siren)
        withdrawn = apply_withdrawal(signature, res.clock())
        if withdrawn is None:
            res.store.signatures.consume_link(
                link, hash_token(token), action="signature.unchanged", actor=signatory(siren)
            )
            return signature, False
        saved = res.store.signatures.record_signature(
            withdrawn,
            signature,
            action="signature.withdrawn",
            actor=signatory(siren),
            consumed=link,
            consumed_hash=hash_token(token),
        )
        return saved, True

    signature, changed = retry_on_conflict(attempt)
    if changed:
        res.mailer.send(charter_mail.withdrawn(res.settings.base_url, signature))
    return signature


# -- suspension --------------------------------------------------------------------


def refresh_charter_standing(res: Resources, siren: str) -> None:
    """Suspend a signatory with published unpaid reports; reinstate it when none remain.

    A propagation refresher: runs after every change to the company (in the
    request that made it, then at each tick) and is idempotent.
    """

    def attempt() -> tuple[Signature, Signature] | None:
        signature = res.store.signatures.get_signature(siren)
        if signature is None:
            return None
        renamed = _with_directory_name(res, signature)
        changed = None
        if renamed.standing is not Standing.WITHDRAWN:
            changed = apply_report_count(renamed, open_published_reports(res, siren), res.clock())
        if changed is not None:
            action = "signature.suspended" if changed.standing is Standing.SUSPENDED else "signature.reinstated"
        elif renamed != signature:
            changed, action = renamed, "signature.company_renamed"
        else:
            return None
        return signature, res.store.signatures.record_signature(changed, signature, action=action, actor=SYSTEM_ACTOR)

    result = retry_on_conflict(attempt)
    if result is not None and result[0].standing is not result[1].standing:
        log.info("charter standing changed", extra={"siren": siren, "standing": result[1].standing.value})
        res.mailer.send(charter_mail.standing_changed(res.settings.base_url, result[1]))


def _with_directory_name(res: Resources, signature: Signature) -> Signature:
    """Follow the directory's name, so the badge links to the page the site generates."""
    company = res.store.companies.get_company(signature.siren)
    if company is None or company.name == signature.company_name:
        return signature
    return replace(signature, company_name=company.name)


# -- reading -----------------------------------------------------------------------


def get_signature(res: Resources, siren: str) -> Signature:
    """Return a company's signature; raise 404 when it never signed."""
    signature = res.store.signatures.get_signature(siren)
    if signature is None:
        raise NotSigned("Cette entreprise n'a pas signé la charte.")
    return signature


def list_signatures(
    res: Resources, status: str | None, prefix: str | None, limit: int, cursor: str | None
) -> tuple[list[Signature], str | None]:
    """Return one page of the register; a forged cursor is a 400."""
    try:
        return res.store.signatures.list_signatures(status=status, prefix=prefix, limit=limit, cursor=cursor)
    except ValueError as exc:
        raise ValidationFailed(
            "Curseur de pagination invalide.", [FieldError("cursor", "curseur_invalide", "Curseur inconnu.")]
        ) from exc


# -- links -------------------------------------------------------------------------


def purge_expired_links(res: Resources) -> int:
    """Tick step: delete e-mailed links (and their requests' personal data) once expired."""
    total = 0
    while purged := res.store.signatures.purge_expired_links():
        total += purged
    return total


_FOR_COMPANY = "Un lien vient d'être envoyé pour cette entreprise ; consultez la boîte de réception ou réessayez"
_TO_ADDRESS = "Un lien vient d'être envoyé à cette adresse e-mail ; consultez la boîte de réception ou réessayez"


def _issue_link(
    res: Resources, purpose: LinkPurpose, siren: str, email: str, request: SignatureRequest | None
) -> tuple[str, datetime]:
    """Record a new link to ``email``, once per company and per mailbox within ``REQUEST_COOLDOWN``.

    Per company, so that a company's inbox is not flooded; per mailbox too (for
    each kind of link), so that requests naming many SIRENs cannot send many
    e-mails to one person.
    """
    digest = hash_token(mailbox_of(email))

    def attempt() -> tuple[str, datetime]:
        now = res.clock()
        previous = res.store.signatures.get_pending(siren, purpose)
        refuse_if_too_soon(previous.requested_at if previous else None, now, REQUEST_COOLDOWN, _FOR_COMPANY)
        mailbox = res.store.signatures.get_mailbox(digest, purpose)
        # A withdrawal goes to the signature's address, which the requester must not learn
        # anything about: it is told about the company only.
        lead = _TO_ADDRESS if purpose is LinkPurpose.SIGN else _FOR_COMPANY
        refuse_if_too_soon(mailbox.requested_at, now, REQUEST_COOLDOWN, lead)
        token = new_token("ard_sig" if purpose is LinkPurpose.SIGN else "ard_ret")
        link = Link(purpose, siren, now, now + LINK_VALIDITY, request)
        res.store.signatures.record_link(
            link, hash_token(token), previous, mailbox, mailbox_until=now + REQUEST_COOLDOWN, actor=signatory(siren)
        )
        return token, link.expires_at

    # A concurrent request wins the race: reading again, this one meets the cooldown (429).
    return retry_on_conflict(attempt)


def _open_link(res: Resources, token: str, purpose: LinkPurpose, siren: str | None = None) -> Link:
    link = res.store.signatures.get_link(hash_token(token))
    if link is None or link.purpose is not purpose or (siren is not None and link.siren != siren):
        raise UnknownLink("Ce lien est inconnu, a déjà servi ou a été remplacé par un lien plus récent.")
    if res.clock() >= link.expires_at:
        raise ExpiredLink(f"Ce lien a expiré le {short_datetime(link.expires_at)} ; faites une nouvelle demande.")
    return link
