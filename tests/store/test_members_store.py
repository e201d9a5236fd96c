"""Members, moderators and reply links on both backends: secrets only as digests."""

from dataclasses import replace
from datetime import timedelta

import pytest

from functions.core.clock import FixedClock
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


def test_a_member_is_verified_once_and_then_authenticated_by_its_token(store: Store, clock: FixedClock) -> None:
    store.members.register(unverified(clock), "ard_ver_code", clock() + timedelta(hours=48), "public")
    assert store.members.authenticate("ard_mbr_secret") is None
    member = store.members.verify("ard_ver_code", "ard_mbr_secret", clock())
    assert member is not None and member.status is MemberStatus.PENDING  # a moderator approves it next
    assert store.members.verify("ard_ver_code", "ard_mbr_other", clock()) is None
    assert store.members.authenticate("ard_mbr_secret") == member
    assert store.backend.get(f"MEMBERTOKEN#{hash_token('ard_mbr_secret')}", "TOKEN") is not None
    assert "ard_mbr_secret" not in str(store.backend.get("MEMBER#mbr_1", "PROFILE").data)


def test_a_verification_code_expires(store: Store, clock: FixedClock) -> None:
    store.members.register(unverified(clock), "ard_ver_code", clock() + timedelta(hours=48), "public")
    assert store.members.verify("ard_ver_code", "ard_mbr_secret", clock() + timedelta(hours=48)) is None


def test_a_revoked_member_is_no_longer_authenticated(store: Store, clock: FixedClock) -> None:
    store.members.register(unverified(clock), "ard_ver_code", clock() + timedelta(hours=48), "public")
    member = store.members.verify("ard_ver_code", "ard_mbr_secret", clock())
    store.members.revoke(member, clock(), "operator:test")
    assert store.members.authenticate("ard_mbr_secret") is None
    assert store.members.list_members("732829320")[0].status is MemberStatus.REVOKED
    assert [e.action for e in store.audit.list_events("member:mbr_1")] == [
        "member.registered",
        "member.verified",
        "member.revoked",
    ]


def test_a_moderator_approves_or_refuses_a_verified_member(store: Store, clock: FixedClock) -> None:
    store.members.register(unverified(clock), "ard_ver_code", clock() + timedelta(hours=48), "public")
    member = store.members.verify("ard_ver_code", "ard_mbr_secret", clock())
    approved = store.members.decide(member, approved=True, note="Kbis vu.", now=clock(), actor="moderator:mod_1")
    assert approved.status is MemberStatus.ACTIVE and store.members.authenticate("ard_mbr_secret") == approved
    assert (approved.decided_by, approved.decision_note) == ("moderator:mod_1", "Kbis vu.")
    other = replace(unverified(clock), id="mbr_2")
    store.members.register(other, "ard_ver_other", clock() + timedelta(hours=48), "public")
    refused = store.members.decide(
        store.members.verify("ard_ver_other", "ard_mbr_other", clock()),
        approved=False,
        note="Inconnu du gérant.",
        now=clock(),
        actor="moderator:mod_1",
    )
    assert refused.status is MemberStatus.REFUSED and store.members.authenticate("ard_mbr_other") is None
    events = store.audit.list_events("member:mbr_2")
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
        cooldown=timedelta(minutes=5),
    )
    with pytest.raises(ConditionFailed):
        store.members.register(
            replace(unverified(clock), id="mbr_2"),
            "ard_ver_b",
            clock() + timedelta(hours=48),
            "public",
            requests=seen,
            cooldown=timedelta(minutes=5),
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
        cooldown=timedelta(minutes=5),
    )
    kept = replace(unverified(clock), id="mbr_kept")
    store.members.register(kept, "ard_ver_kept", clock() + timedelta(hours=48), "public")
    store.members.verify("ard_ver_kept", "ard_mbr_kept", clock())
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


def test_moderators_are_authenticated_until_revoked(store: Store, clock: FixedClock) -> None:
    moderator = store.moderators.create(
        Moderator("mod_1", "Inès Moreau", "ines@ardoise.fr", clock()), "ard_mod_secret", "op"
    )
    assert store.moderators.authenticate("ard_mod_secret") == moderator
    assert store.moderators.authenticate("ard_mod_other") is None
    store.moderators.revoke(moderator, "op")
    assert store.moderators.authenticate("ard_mod_secret") is None


def test_a_reply_link_opens_its_report_until_it_expires_and_dies_with_it(store: Store, clock: FixedClock) -> None:
    report = store.reports.file_report(make_report(), actor="a")
    store.replies.issue_link(report, "ard_rep_secret", clock() + timedelta(days=60))
    link = store.replies.find_link("ard_rep_secret")
    assert link is not None and link.report_id == report.id and not link.expired(clock())
    assert link.expired(clock() + timedelta(days=60))
    assert store.replies.find_link("ard_rep_guess") is None
    store.reports.delete_report(report, actor="system:retention")
    assert store.replies.find_link("ard_rep_secret") is None
