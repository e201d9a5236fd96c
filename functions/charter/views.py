"""Turn domain objects into the charter API's response models."""

from __future__ import annotations

from datetime import date

from functions.charter.schemas import (
    CharterText,
    CharterVersions,
    CharterVersionSummary,
    ClaimView,
    CommitmentView,
    PastSignatureView,
    SignatureView,
    Suspension,
)
from functions.core.domain.charter import (
    CharterCatalog,
    CharterVersion,
    Claim,
    Signature,
    SignatureStatus,
    public_status,
)
from functions.core.domain.registry import CompanyIdentity
from functions.core.usecases.charter.mails import badge_url, page_url


def charter_text(version: CharterVersion, catalog: CharterCatalog, today: date) -> CharterText:
    return CharterText(
        version=version.version,
        date=version.effective_on,
        title=version.title,
        current=version.version == catalog.current(today).version,
        superseded_on=catalog.superseded_on(version.version, today),
        preamble=version.preamble,
        commitments=[CommitmentView(number=c.number, title=c.title, text=c.text) for c in version.commitments],
        closing=version.closing,
        markdown=version.markdown,
    )


def charter_versions(catalog: CharterCatalog, today: date) -> CharterVersions:
    current = catalog.current(today).version
    return CharterVersions(
        current_version=current,
        versions=[
            CharterVersionSummary(
                version=v.version,
                date=v.effective_on,
                title=v.title,
                current=v.version == current,
                commitments=len(v.commitments),
            )
            for v in catalog.published(today)
        ],
    )


def signature_view(signature: Signature, catalog: CharterCatalog, today: date, base_url: str) -> SignatureView:
    """The public face of a signature: never the e-mail nor the representative."""
    status = public_status(signature, catalog, today)
    suspension = None
    if status.status is SignatureStatus.SUSPENDED and status.reason and status.reason_text:
        suspension = Suspension(since=status.since, reason=status.reason, reason_text=status.reason_text)
    return SignatureView(
        siren=signature.siren,
        company_name=signature.company_name,
        version=signature.charter_version,
        signed_at=signature.signed_at,
        status=status.status.value,
        status_since=status.since,
        suspension=suspension,
        withdrawn_at=status.since if status.status is SignatureStatus.WITHDRAWN else None,
        current_version=catalog.current(today).version,
        page_url=page_url(base_url, signature.siren, signature.company_name),
        badge_url=badge_url(base_url, signature.siren),
        history=[
            PastSignatureView(version=p.charter_version, signed_at=p.signed_at, ended_at=p.ended_at)
            for p in signature.history
        ],
    )


def claim_view(claim: Claim, identity: CompanyIdentity | None) -> ClaimView:
    """A claim as a moderator checks it: what was typed beside what the registry says."""
    request = claim.request
    return ClaimView(
        id=claim.id,
        siren=request.siren,
        typed_company_name=request.company_name,
        registry_name=identity.name if identity else None,
        registry_address=str(identity.head_office) if identity and identity.head_office else None,
        registry_active=identity.active if identity else None,
        representative_name=request.representative_name,
        representative_role=request.representative_role,
        email=request.email,
        charter_version=request.charter_version,
        verified_at=claim.verified_at,
        expires_at=claim.expires_at,
    )
