"""Members, moderators and reply links on both backends: secrets only as digests."""

from datetime import timedelta

from functions.core.clock import FixedClock
from functions.core.store import Store
from functions.core.store.members import Member, MemberStatus
from functions.core.store.moderators import Moderator
from functions.core.tokens import hash_token
from tests.directory.factories import make_report


def pending(clock: FixedClock) -> Member:
    return Member(
        id="mbr_1",
        siren="732829320",
        company_name="Menuiserie Durand SARL",
        contact_name="Claire Durand",
        email="compta@menuiserie-durand.fr",
        status=MemberStatus.PENDING,
        created_at=clock(),
    )


def test_a_member_is_verified_once_and_then_authenticated_by_its_token(store: Store, clock: FixedClock) -> None:
    store.members.register(pending(clock), "ard_ver_code", clock() + timedelta(hours=48), "public")
    assert store.members.authenticate("ard_mbr_secret") is None
    member = store.members.verify("ard_ver_code", "ard_mbr_secret", clock())
    assert member is not None and member.status is MemberStatus.ACTIVE
    assert store.members.verify("ard_ver_code", "ard_mbr_other", clock()) is None
    assert store.members.authenticate("ard_mbr_secret") == member
    assert store.backend.get(f"MEMBERTOKEN#{hash_token('ard_mbr_secret')}", "TOKEN") is not None
    assert "ard_mbr_secret" not in str(store.backend.get("MEMBER#mbr_1", "PROFILE").data)


def test_a_verification_code_expires(store: Store, clock: FixedClock) -> None:
    store.members.register(pending(clock), "ard_ver_code", clock() + timedelta(hours=48), "public")
    assert store.members.verify("ard_ver_code", "ard_mbr_secret", clock() + timedelta(hours=48)) is None


def test_a_revoked_member_is_no_longer_authenticated(store: Store, clock: FixedClock) -> None:
    store.members.register(pending(clock), "ard_ver_code", clock() + timedelta(hours=48), "public")
    member = store.members.verify("ard_ver_code", "ard_mbr_secret", clock())
    store.members.revoke(member, clock(), "operator:test")
    assert store.members.authenticate("ard_mbr_secret") is None
    assert store.members.list_members("732829320")[0].status is MemberStatus.REVOKED
    assert [e.action for e in store.audit.list_events("member:mbr_1")] == [
        "member.registered",
        "member.verified",
        "member.revoked",
    ]


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


def test_an_idempotency_record_lives_24_hours(store: Store, clock: FixedClock) -> None:
    report = make_report()
    store.reports.file_report(
        report, actor="a", extra_writes=[store.reports.replay_write("mbr_1", "k", {"report_id": report.id})]
    )
    assert store.reports.get_replay("mbr_1", "k") == {"report_id": report.id}
    assert store.reports.get_replay("mbr_2", "k") is None
    clock.advance(hours=24)
    assert store.reports.get_replay("mbr_1", "k") is None
