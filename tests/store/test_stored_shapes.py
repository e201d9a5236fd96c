"""Every older shape of a stored entity that the store accepts still reads, on both backends.

Each item below is written as an earlier version of Ardoise wrote it (through
the backend, bypassing the codec), then read through the repositories.
"""

from datetime import UTC, datetime

import pytest

from functions.core.clock import FixedClock
from functions.core.domain.members import MemberStatus
from functions.core.store import Store
from functions.core.store.items import Item, Put
from functions.core.tokens import hash_token

MOMENT = "2026-03-02T09:30:00+00:00"  # moments were written by isoformat(), not as ...Z


def _member_item(**data: object) -> Item:
    profile = {
        "id": "mbr_1",
        "siren": "732829320",
        "company_name": "Menuiserie Durand SARL",
        "contact_name": "Claire Durand",
        "email": "compta@menuiserie-durand.fr",
        "created_at": MOMENT,
        "verified_at": None,
        "revoked_at": None,
        "token_digest": "",
        **data,
    }
    return Item("MEMBER#mbr_1", "PROFILE", profile, 3, gsi2pk="MEMBERS", gsi2sk="732829320#mbr_1")


@pytest.mark.parametrize(
    ("stored", "verified_at", "read"),
    [
        # Before moderators approved members, "pending" meant "e-mail not verified"...
        ("pending", None, MemberStatus.UNVERIFIED),
        # ... and "active" meant verified, never checked: it must be approved now.
        ("active", MOMENT, MemberStatus.PENDING),
        ("revoked", MOMENT, MemberStatus.REVOKED),
    ],
)
def test_a_member_stored_before_approval_existed_reads_conservatively(
    store: Store, stored: str, verified_at: str | None, read: MemberStatus
) -> None:
    store.backend.transact([Put(_member_item(status=stored, verified_at=verified_at), None)])
    member = store.members.get_member("mbr_1")
    assert member is not None and member.status is read and member.version == 3
    assert member.created_at == datetime(2026, 3, 2, 9, 30, tzinfo=UTC) and member.decided_at is None
    assert [m.status for m in store.members.list_members("732829320")] == [read]


def test_a_member_decided_by_a_moderator_reads_as_stored(store: Store) -> None:
    decided = _member_item(status="active", verified_at=MOMENT, decided_at=MOMENT, decided_by="moderator:m")
    store.backend.transact([Put(decided, None)])
    member = store.members.get_member("mbr_1")
    assert member is not None and member.status is MemberStatus.ACTIVE and member.decided_by == "moderator:m"
    assert member.decision_note == ""  # not written by the first versions with approval


def test_a_moderator_stored_with_isoformat_moments_is_authenticated(store: Store) -> None:
    digest = hash_token("ard_mod_secret")
    profile = {"id": "mod_1", "name": "Inès Moreau", "email": "ines@ardoise.fr", "created_at": MOMENT}
    store.backend.transact(
        [
            Put(Item("MODERATOR#mod_1", "PROFILE", {**profile, "active": True, "token_digest": digest}, 2), None),
            Put(Item(f"MODTOKEN#{digest}", "TOKEN", {"moderator_id": "mod_1"}), None),
        ]
    )
    moderator = store.moderators.authenticate("ard_mod_secret")
    assert moderator is not None and moderator.version == 2
    assert moderator.created_at == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_a_subscriber_stored_before_webhooks_reads_with_e_mail_alerts(store: Store, clock: FixedClock) -> None:
    data = {
        "id": "0123456789ab",
        "name": "Cabinet Martin",
        "email": "contact@cabinet-martin.fr",
        "plan": "pro",
        "key_digest": hash_token("ard_sub_0123456789ab_secret"),
        "created_at": "2026-03-02T09:30:00.000000Z",
        "status": "active",
    }
    store.backend.transact([Put(Item("SUBSCRIBER#0123456789ab", "PROFILE", data), None)])
    subscriber = store.subscribers.authenticate("ard_sub_0123456789ab_secret")
    assert subscriber is not None and subscriber.plan == "pro"
    assert (subscriber.webhook_url, subscriber.webhook_nonce, subscriber.revoked_at) == ("", "", None)
