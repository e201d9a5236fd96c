"""Members, moderators and reply links on both backends: secrets only as digests."""

from dataclasses import replace
from datetime import timedelta

import pytest

from functions.core.clock import FixedClock
from functions.core.domain import members, moderators
from functions.core.domain.members import Member, MemberStatus
from functions.core.domain.moderators import Moderator
from functions.core.store import ConditionFailed, Store
from functions.core.tokens import hash_token
from tests.directory.factories import make_report


def unverified(clock: FixedClock) -> Member:
    return Member(
        id="mbr_1",
        siren="732829320",
        company_name="Menuiserie Durand SARL",
        contact_name="Claire Durand",
        email="compta@menuiserie-durand.fr",
        status=MemberStatus.UNVERIFIED,
        created_at=clock(),
    )


def verify(store: Store, clock: FixedClock, code: str, api_token: str) -> Member:
    """What ``verify_member`` writes: the verified member, its code consumed."""
    pending = store.members.get_verification(code)
    assert pending is not None
    member = store.members.get_member(pending.member_id)
    assert member is not None
    verified = members.verified(member, clock(), hash_token(api_token))
    return store.members.save(member, verified, "member.verified", f"member:{member.id}", consumed=pending)


def test_a_verification_reads_once_and_the_token_opens_its_member_while_it_holds_the_digest(
    store: Store, clock: FixedClock
) -> None:
    store.members.register(unverified(clock), "ard_ver_code", clock() + timedelta(hours=48), "public")
    pending = store.members.get_verification("ard_ver_code")
    assert pending is not None and pending.member_id == "mbr_1" and pending.expires_at == clock() + timedelta(hours=48)
    assert store.members.find_by_token("ard_mbr_secret") is None
    member = verify(store, clock, "ard_ver_code", "ard_mbr_secret")
    assert member.status is MemberStatus.PENDING and member.version == 2  # a moderator approves it next
    assert store.members.get_verification("ard_ver_code") is None  # consumed in the same transaction
    assert store.members.find_by_token("ard_mbr_secret") == member
    assert store.members.find_by_token("ard_mbr_other") is None
    assert store.backend.get(f"MEMBERTOKEN#{hash_token('ard_mbr_secret')}", "TOKEN") is not None
    assert "ard_mbr_secret" not in str(store.backend.get("MEMBER#mbr_1", "PROFILE").data)


def test_a_verification_consumed_twice_at_once_verifies_once(store: Store, clock: FixedClock) -> None:
    store.members.register(unverified(clock), "ard_ver_code", clock() + timedelta(hours=48), "public")
    pending = store.members.get_verification("ard_ver_code")
    member = store.members.get_member("mbr_1")
    assert pending is not None and member is not None
    store.members.save(member, members.verified(member, clock(), "a"), "member.verified", "m", consumed=pending)
    with pytest.raises(ConditionFailed):
        store.members.save(member, members.verified(member, clock(), "b"), "member.verified", "m", consumed=pending)


def test_a_member_that_loses_its_token_digest_loses_its_token_pointer(store: Store, clock: FixedClock) -> None:
    store.members.register(unverified(clock), "ard_ver_code", clock() + timedelta(hours=48), "public")
    member = verify(store, clock, "ard_ver_code", "ard_mbr_secret")
    revoked = store.members.save(member, members.revoked(member, clock()), "member.revoked", "operator:test")
    assert store.members.find_by_token("ard_mbr_secret") is None
    assert store.backend.get(f"MEMBERTOKEN#{hash_token('ard_mbr_secret')}", "TOKEN") is None
    assert store.members.list_members("732829320") == [revoked]
    assert [e.action for e in store.audit.list_events("member:mbr_1")] == [
        "member.registered",
        "member.verified",
        "member.revoked",
    ]


def test_a_decision_is_written_with_its_audit_event_without_the_note(store: Store, clock: FixedClock) -> None:
    store.members.register(unverified(clock), "ard_ver_code", clock() + timedelta(hours=48), "public")
    member = verify(store, clock, "ard_ver_code", "ard_mbr_secret")
    decision = members.decided(member, approved=False, note="Inconnu du gérant.", now=clock(), by="moderator:mod_1")
    refused = store.members.save(member, decision, "member.refused", "moderator:mod_1")
    assert store.members.get_member("mbr_1") == refused and refused.decision_note == "Inconnu du gérant."
    assert store.members.find_by_token("ard_mbr_secret") is None
    events = store.audit.list_events("member:mbr_1")
    assert events[-1].action == "member.refused" and "Inconnu" not in str(events[-1].after)


def test_two_registrations_on_the_same_markers_cannot_both_succeed(store: Store, clock: FixedClock) -> None:
    seen = store.members.last_requests("732829320", "Compta@Menuiserie-Durand.fr")
    assert [r.at for r in seen] == [None, None]
    store.members.register(
        unverified(clock),
        "ard_ver_a",
        clock() + timedelta(hours=48),
        "public",
        requests=seen,
        requests_until=clock() + timedelta(minutes=5),
    )
    with pytest.raises(ConditionFailed):
        store.members.register(
            replace(unverified(clock), id="mbr_2"),
            "ard_ver_b",
            clock() + timedelta(hours=48),
            "public",
            requests=seen,
            requests_until=clock() + timedelta(minutes=5),
        )
    assert [r.at for r in store.members.last_requests("732829320", "compta@menuiserie-durand.fr")] == [clock()] * 2
    clock.advance(minutes=5)
    assert [r.at for r in store.members.last_requests("732829320", "compta@menuiserie-durand.fr")] == [None, None]


def test_expired_records_and_unverified_members_are_purged_on_every_store(store: Store, clock: FixedClock) -> None:
    requests = store.members.last_requests("732829320", "compta@menuiserie-durand.fr")
    store.members.register(
        unverified(clock),
        "ard_ver_a",
        clock() + timedelta(hours=48),
        "public",
        requests=requests,
        requests_until=clock() + timedelta(minutes=5),
    )
    kept = replace(unverified(clock), id="mbr_kept")
    store.members.register(kept, "ard_ver_kept", clock() + timedelta(hours=48), "public")
    verify(store, clock, "ard_ver_kept", "ard_mbr_kept")
    report = make_report()
    store.reports.file_report(report, actor="a", extra_writes=[store.replays.claim("IDEMPOTENCY#k", "f", None)])
    store.replies.issue_link(report, "ard_rep_secret", clock() + timedelta(days=60))
    clock.advance(minutes=5)
    assert store.expiring.purge_expired(clock()) == 2  # the two cooldown markers
    clock.advance(hours=24)
    assert store.expiring.purge_expired(clock()) == 1  # the idempotency record
    assert store.backend.get("IDEMPOTENCY#k", "IDEMPOTENCY") is None
    clock.advance(hours=24)
    assert store.expiring.purge_expired(clock()) == 2  # the unverified member and its verification
    assert store.members.get_member("mbr_1") is None and store.members.get_member("mbr_kept") is not None
    assert store.audit.list_events("member:mbr_1")[-1].action == "member.expired"
    clock.advance(days=60)
    assert store.replies.find_link("ard_rep_secret").expired(clock())  # still says "expired" for a while
    clock.advance(days=30)
    assert store.expiring.purge_expired(clock()) == 1
    assert store.replies.find_link("ard_rep_secret") is None
    assert store.reports.list_partition(report.debtor.siren, f"LINK#{report.id}#") == []
    assert store.expiring.purge_expired(clock()) == 0


def test_a_moderator_token_finds_its_moderator_until_the_digest_is_forgotten(store: Store, clock: FixedClock) -> None:
    appointed = Moderator("mod_1", "Inès Moreau", "ines@ardoise.fr", clock(), token_digest=hash_token("ard_mod_secret"))
    moderator = store.moderators.create(appointed, "op")
    assert store.moderators.find_by_token("ard_mod_secret") == moderator and moderator.version == 1
    assert store.moderators.find_by_token("ard_mod_other") is None
    revoked = store.moderators.save(moderator, moderators.revoked(moderator), "moderator.revoked", "op")
    assert store.moderators.find_by_token("ard_mod_secret") is None and revoked.version == 2
    assert store.moderators.get_moderator("mod_1") == revoked
    assert [e.action for e in store.audit.list_events("moderator:mod_1")] == ["moderator.created", "moderator.revoked"]


def test_a_reply_link_opens_its_report_until_it_expires_and_dies_with_it(store: Store, clock: FixedClock) -> None:
    report = store.reports.file_report(make_report(), actor="a")
    store.replies.issue_link(report, "ard_rep_secret", clock() + timedelta(days=60))
    link = store.replies.find_link("ard_rep_secret")
    assert link is not None and link.report_id == report.id and not link.expired(clock())
    assert link.expired(clock() + timedelta(days=60))
    assert store.replies.find_link("ard_rep_guess") is None
    store.reports.delete_report(report, actor="system:retention")
    assert store.replies.find_link("ard_rep_secret") is None
