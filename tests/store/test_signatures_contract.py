"""The signatures repository on both backends: the register, its filters and pages, links."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from functions.core.clock import FixedClock
from functions.core.domain.charter import (
    CharterCatalog,
    Link,
    LinkPurpose,
    SignatureStatus,
    Standing,
    load_charter,
)
from functions.core.store import ConditionFailed, Store
from functions.core.store.signatures import MailboxMark, Pending, Signatures
from tests.charter.factories import NEXT_VERSION, VERSION, make_request, make_signature

NAMES = {
    "552100554": "Société Générale d'Équipement",
    "732829320": "Boulangerie Étoile",
    "542065479": "Scierie du Morvan",
    "380129866": "Société Nouvelle des Eaux",
    "403052111": "Atelier Brézé",
}


def sign_all(store: Store, names: dict[str, str] = NAMES, **changes: object) -> None:
    for siren, name in names.items():
        store.signatures.record_signature(
            make_signature(siren=siren, company_name=name, **changes), None, action="signature.signed", actor="t"
        )


def sirens(store: Store, **filters: object) -> list[str]:
    found, _ = store.signatures.list_signatures(**filters)
    return [s.siren for s in found]


def test_a_signature_is_read_back_with_its_revision(store: Store) -> None:
    saved = store.signatures.record_signature(make_signature(), None, action="signature.signed", actor="t")
    assert saved.revision == 1
    assert store.signatures.get_signature(saved.siren) == saved
    assert store.signatures.get_signature("732829320") is None


def test_a_signature_change_is_audited_without_names_or_addresses(store: Store) -> None:
    store.signatures.record_signature(make_signature(), None, action="signature.signed", actor="signatory:552100554")
    event = store.audit.list_events("company:552100554")[-1]
    assert (event.action, event.actor, event.entity) == (
        "signature.signed",
        "signatory:552100554",
        "signature:552100554",
    )
    assert event.after == {
        "siren": "552100554",
        "charter_version": VERSION,
        "signed_at": "2026-03-02T09:00:00Z",
        "standing": "active",
        "standing_since": "2026-03-02T09:00:00Z",
    }
    assert "direction@" not in repr(event) and "Claire" not in repr(event)


def test_a_signature_change_marks_the_company_for_refresh(store: Store) -> None:
    store.signatures.record_signature(make_signature(), None, action="signature.signed", actor="t")
    assert [m.data["siren"] for m in store.outbox.list_marked()] == ["552100554"]


def test_a_stale_copy_cannot_overwrite_a_newer_signature(store: Store, clock: FixedClock) -> None:
    first = store.signatures.record_signature(make_signature(), None, action="signature.signed", actor="t")
    suspended = replace(first, standing=Standing.SUSPENDED, standing_since=clock())
    store.signatures.record_signature(suspended, first, action="signature.suspended", actor="t")
    with pytest.raises(ConditionFailed):
        store.signatures.record_signature(replace(first, standing=Standing.WITHDRAWN), first, action="x", actor="t")
    with pytest.raises(ConditionFailed):
        store.signatures.record_signature(make_signature(), None, action="signature.signed", actor="t")
    assert store.signatures.get_signature(first.siren).standing is Standing.SUSPENDED


def test_the_register_is_in_name_order_ignoring_case_and_accents(store: Store) -> None:
    sign_all(store)
    assert sirens(store) == ["403052111", "732829320", "542065479", "552100554", "380129866"]


def test_the_register_filters_by_name_prefix_ignoring_case_and_accents(store: Store) -> None:
    sign_all(store)
    assert sirens(store, prefix="SOCIÉTÉ") == ["552100554", "380129866"]
    assert sirens(store, prefix="societe n") == ["380129866"]
    assert sirens(store, prefix="é") == []
    assert sirens(store, prefix="ate", status="active") == ["403052111"]


def test_active_never_lists_a_suspended_or_withdrawn_company(store: Store, clock: FixedClock) -> None:
    sign_all(store)
    for siren, standing in (("552100554", Standing.SUSPENDED), ("732829320", Standing.WITHDRAWN)):
        before = store.signatures.get_signature(siren)
        store.signatures.record_signature(
            replace(before, standing=standing, standing_since=clock()), before, action="x", actor="t"
        )
    assert sirens(store, status="active") == ["403052111", "542065479", "380129866"]
    assert sirens(store, status="suspended") == ["552100554"]
    assert sirens(store, status="withdrawn") == ["732829320"]
    assert len(sirens(store)) == 5


def test_a_newer_version_in_force_moves_older_signatures_to_outdated(store: Store, clock: FixedClock) -> None:
    sign_all(store)
    assert sirens(store, status=SignatureStatus.OUTDATED) == []
    clock.now = load_charter().get(NEXT_VERSION).effective_at + timedelta(hours=1)
    renewed = store.signatures.get_signature("542065479")
    store.signatures.record_signature(
        replace(renewed, charter_version=NEXT_VERSION, signed_at=clock()),
        renewed,
        action="signature.renewed",
        actor="t",
    )
    assert sirens(store, status="active") == ["542065479"]
    assert sirens(store, status="outdated") == ["403052111", "732829320", "552100554", "380129866"]


def test_pages_follow_one_another_without_gap_or_repeat(store: Store) -> None:
    sign_all(store)
    seen, cursor = [], None
    while True:
        page, cursor = store.signatures.list_signatures(limit=2, cursor=cursor)
        assert len(page) <= 2
        seen += [s.siren for s in page]
        if cursor is None:
            break
    assert seen == sirens(store)


def test_outdated_pages_walk_every_older_version(
    store: Store, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = load_charter()
    third = replace(shipped.versions[-1], version="2027-01", effective_on=date(2027, 1, 4))
    monkeypatch.setattr(Signatures, "catalog", property(lambda self: CharterCatalog((*shipped.versions, third))))
    sign_all(store, dict(list(NAMES.items())[:3]), charter_version=VERSION)
    clock.now = datetime(2026, 10, 1, tzinfo=UTC)
    sign_all(store, dict(list(NAMES.items())[3:]), charter_version=NEXT_VERSION, signed_at=clock())
    clock.now = datetime(2027, 2, 1, tzinfo=UTC)
    seen, cursor, pages = [], None, 0
    while True:
        page, cursor = store.signatures.list_signatures(status="outdated", limit=2, cursor=cursor)
        seen += [s.siren for s in page]
        pages += 1
        if cursor is None:
            break
    # Newest older version first, each version in name order.
    assert seen == ["403052111", "380129866", "732829320", "542065479", "552100554"]
    assert pages == 3
    assert sirens(store, status="active") == []


def test_a_forged_cursor_is_refused(store: Store) -> None:
    sign_all(store)
    _, cursor = store.signatures.list_signatures(limit=2)
    assert cursor is not None
    with pytest.raises(ValueError):
        store.signatures.list_signatures(status="withdrawn", cursor=cursor)
    with pytest.raises(ValueError):
        store.signatures.list_signatures(cursor="not-a-cursor")


def link(clock: FixedClock, purpose: LinkPurpose = LinkPurpose.SIGN) -> Link:
    request = make_request() if purpose is LinkPurpose.SIGN else None
    return Link(purpose, "552100554", clock(), clock() + timedelta(hours=48), request)


MAILBOX = "d" * 64


def record(
    store: Store, link: Link, token_hash: str, previous: Pending | None, *, mailbox: MailboxMark | None = None
) -> None:
    """Record a link as the service does: with the mailbox marker read just before, kept 5 minutes."""
    mark = mailbox or store.signatures.get_mailbox(MAILBOX, link.purpose)
    until = link.created_at + timedelta(minutes=5)
    store.signatures.record_link(link, token_hash, previous, mark, mailbox_until=until, actor="t")


def test_a_link_is_found_by_its_hash_only(store: Store, clock: FixedClock) -> None:
    record(store, link(clock), "a" * 64, None)
    found = store.signatures.get_link("a" * 64)
    assert found is not None and found.request == make_request() and found.expires_at == clock() + timedelta(hours=48)
    assert store.signatures.get_link("b" * 64) is None
    assert store.signatures.get_pending("552100554", LinkPurpose.SIGN).token_hash == "a" * 64
    assert store.signatures.get_pending("552100554", LinkPurpose.WITHDRAW) is None


def test_a_new_link_replaces_the_previous_one(store: Store, clock: FixedClock) -> None:
    record(store, link(clock), "a" * 64, None)
    previous = store.signatures.get_pending("552100554", LinkPurpose.SIGN)
    record(store, link(clock), "b" * 64, previous)
    assert store.signatures.get_link("a" * 64) is None
    assert store.signatures.get_link("b" * 64) is not None
    with pytest.raises(ConditionFailed):
        record(store, link(clock), "c" * 64, previous)


def test_a_link_serves_once(store: Store, clock: FixedClock) -> None:
    record(store, link(clock), "a" * 64, None)
    found = store.signatures.get_link("a" * 64)
    store.signatures.record_signature(
        make_signature(), None, action="signature.signed", actor="t", consumed=found, consumed_hash="a" * 64
    )
    assert store.signatures.get_link("a" * 64) is None
    assert store.signatures.get_pending("552100554", LinkPurpose.SIGN) is None
    with pytest.raises(ConditionFailed):
        store.signatures.consume_link(found, "a" * 64, action="signature.unchanged", actor="t")


def test_expired_links_and_markers_are_purged_a_day_after_expiry(store: Store, clock: FixedClock) -> None:
    record(store, link(clock), "a" * 64, None)
    clock.advance(minutes=5, seconds=1)
    assert store.signatures.purge_expired_links() == 1  # the mailbox's marker: its cooldown is over
    assert store.signatures.get_mailbox(MAILBOX, LinkPurpose.SIGN).requested_at is None
    clock.advance(hours=48 + 23)
    assert store.signatures.purge_expired_links() == 0
    clock.advance(hours=1)
    other = Link(LinkPurpose.SIGN, "732829320", clock(), clock() + timedelta(hours=48), make_request(siren="732829320"))
    record(store, other, "b" * 64, None)
    clock.advance(seconds=1)
    assert store.signatures.purge_expired_links() == 2
    assert store.signatures.get_link("a" * 64) is None
    assert store.signatures.get_pending("552100554", LinkPurpose.SIGN) is None
    assert store.signatures.get_link("b" * 64) is not None
    assert store.signatures.purge_expired_links() == 0


def test_a_mailbox_marker_makes_two_links_at_once_to_one_address_conflict(store: Store, clock: FixedClock) -> None:
    stale = store.signatures.get_mailbox(MAILBOX, LinkPurpose.SIGN)
    record(store, link(clock), "a" * 64, None, mailbox=stale)
    assert store.signatures.get_mailbox(MAILBOX, LinkPurpose.SIGN).requested_at == clock()
    other = Link(LinkPurpose.SIGN, "732829320", clock(), clock() + timedelta(hours=48), make_request(siren="732829320"))
    with pytest.raises(ConditionFailed):
        record(store, other, "b" * 64, None, mailbox=stale)
    assert store.signatures.get_link("b" * 64) is None
    # Each kind of link has its own marker.
    assert store.signatures.get_mailbox(MAILBOX, LinkPurpose.WITHDRAW).requested_at is None
