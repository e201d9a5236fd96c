"""A member's life as pure functions: each transition returns the next member or refuses with a 409."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from functions.core.domain import members
from functions.core.domain.members import Member, MemberStatus
from functions.core.errors import Conflict

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


def registered(member_id: str = "mbr_1", now: datetime = NOW) -> Member:
    return members.registered(
        member_id,
        siren="732829320",
        company_name="Menuiserie Durand SARL",
        contact_name="Claire Durand",
        email="compta@menuiserie-durand.fr",
        now=now,
    )


def test_a_verified_member_waits_for_a_moderator_and_its_token_opens_the_api_meanwhile() -> None:
    member = members.verified(registered(), NOW, "digest")
    assert member.status is MemberStatus.PENDING and member.token_digest == "digest"
    assert members.opens_api(member) and not members.is_approved(member)
    with pytest.raises(Conflict):
        members.verified(member, NOW, "other")


def test_only_a_pending_member_is_decided_and_a_refusal_closes_the_api() -> None:
    pending = members.verified(registered(), NOW, "digest")
    approved = members.decided(pending, approved=True, note="Kbis vu.", now=NOW, by="moderator:m")
    refused = members.decided(pending, approved=False, note="", now=NOW, by="moderator:m")
    assert members.is_approved(approved)
    assert (approved.decided_by, approved.decision_note) == ("moderator:m", "Kbis vu.")
    assert refused.status is MemberStatus.REFUSED and not members.opens_api(refused)
    assert (approved.token_digest, refused.token_digest) == ("digest", "")  # a refused member's token is forgotten
    with pytest.raises(Conflict, match="n'attend pas de validation"):
        members.decided(registered(), approved=True, note="", now=NOW, by="moderator:m")


def test_revoking_twice_changes_nothing_the_second_time() -> None:
    revoked = members.revoked(members.verified(registered(), NOW, "digest"), NOW)
    assert revoked.status is MemberStatus.REVOKED and revoked.revoked_at == NOW and revoked.token_digest == ""
    assert members.revoked(revoked, NOW + timedelta(days=1)) is revoked


def test_the_members_awaiting_a_decision_come_longest_waiting_first() -> None:
    late = members.verified(registered("mbr_late"), NOW + timedelta(hours=2), "a")
    early = members.verified(registered("mbr_early"), NOW + timedelta(hours=1), "b")
    unverified = registered("mbr_new")
    active = replace(early, id="mbr_active", status=MemberStatus.ACTIVE)
    assert [m.id for m in members.awaiting_decision([late, unverified, active, early])] == ["mbr_early", "mbr_late"]


def test_a_verification_code_expires_at_its_time() -> None:
    assert not members.verification_expired(NOW, NOW - timedelta(seconds=1))
    assert members.verification_expired(NOW, NOW) and members.verification_expired(NOW, NOW + timedelta(hours=1))
    assert not members.verification_expired(None, NOW)
