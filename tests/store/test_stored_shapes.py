"""Every older shape of a stored entity that the store accepts still reads, on both backends.

Each item below is written as an earlier version of Ardoise wrote it (through
the backend, bypassing the codec), then read through the repositories.
"""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from functions.core.clock import FixedClock
from functions.core.domain import injunction
from functions.core.domain.charter import LinkPurpose, Standing
from functions.core.domain.members import MemberStatus
from functions.core.domain.registry import HeadOffice, JudgmentEffect, ProceedingKind
from functions.core.domain.reports import ReportStatus
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
    moderator = store.moderators.find_by_token("ard_mod_secret")
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


def test_a_company_profile_stored_before_presence_and_verification_reads_as_unknown_to_the_public(
    store: Store,
) -> None:
    profile = {"siren": "732829320", "name": "Menuiserie Durand SARL", "address": "", "postal_code": "", "city": ""}
    store.backend.transact([Put(Item("COMPANY#732829320", "PROFILE", profile), None)])
    company = store.companies.get_company("732829320")
    assert company is not None and company.name == "Menuiserie Durand SARL" and not company.verified
    assert not store.companies.get_presence("732829320").public
    assert store.companies.get_public_company("732829320") is None


def test_a_reply_link_stored_with_its_expiry_in_epoch_seconds_still_opens_and_expires(
    store: Store, clock: FixedClock
) -> None:
    expires = int(clock().timestamp()) + 3600
    data = {"report_id": "rep_1", "debtor_siren": "552100554", "digest": hash_token("ard_rep_old"), "expires": expires}
    store.backend.transact([Put(Item(f"REPLYLINK#{hash_token('ard_rep_old')}", "LINK", data), None)])
    link = store.replies.find_link("ard_rep_old")  # no ``kind``: links came before codes
    assert link is not None and link.report_id == "rep_1" and link.debtor_siren == "552100554"
    assert link.expires_at == datetime.fromtimestamp(expires, UTC)
    assert not link.expired(clock()) and link.expired(clock() + timedelta(hours=1))


def test_a_charter_link_written_to_the_second_with_a_z_reads(store: Store) -> None:
    data = {
        "purpose": "withdraw",
        "siren": "732829320",
        "created_at": "2026-03-02T09:30:00Z",
        "expires_at": "2026-03-03T09:30:00Z",
        "request": None,
    }
    store.backend.transact([Put(Item("CHARTERLINK#abc", "LINK", data, 4), None)])
    link = store.signatures.get_link("abc")
    assert link is not None and link.purpose is LinkPurpose.WITHDRAW and link.request is None
    assert (link.expires_at, link.revision) == (datetime(2026, 3, 3, 9, 30, tzinfo=UTC), 4)


def test_experiences_and_import_progress_read_their_stored_data(store: Store) -> None:
    experience = {
        "creditor_siren": "732829320",
        "debtor_siren": "552100554",
        "amount_cents": 120_000,
        "due_date": "2026-01-31",
        "paid_on": "2026-02-20",
        "reference": "F-1",
        "shared_at": "2026-03-02T09:30:00.000000Z",
    }
    progress = {"source": "bodacc", "fingerprint": "f1", "name": "bodacc.csv", "offset": 10, "records": 10}
    store.backend.transact(
        [
            Put(Item("EXPERIENCES#552100554", "732829320#x", experience), None),
            Put(Item("REGISTRY#IMPORTS", "bodacc#f1", progress), None),  # written before ``file_date`` existed
        ]
    )
    (read,) = store.experiences.list_for_debtor("552100554")
    assert (read.amount_cents, read.due_date, read.paid_on) == (120_000, date(2026, 1, 31), date(2026, 2, 20))
    found = store.registry.get_progress("bodacc", "f1")
    assert found is not None and (found.offset, found.done, found.file_date) == (10, False, "")


def _old_report(**changes: object) -> dict[str, object]:
    """A report as the first versions wrote it: none of the fields added since."""
    return {
        "id": "rpt_old",
        "creditor": {"siren": "732829320", "name": "Menuiserie Durand SARL", "email": "compta@durand.fr"},
        "debtor": {"siren": "552100554", "name": "Garage Martin SAS"},
        "invoice": {"number": "F-1", "issue_date": "2026-01-02", "due_date": "2026-01-31", "amount_cents": 250_000},
        "outstanding_cents": 250_000,
        "steps": {
            "reminder_dates": ["2026-02-05"],
            "notice_date": "2026-02-15",
            "notice_channel": "registered_letter",
        },
        "status": "published",
        "created_at": MOMENT,
        "notified_at": MOMENT,
        "publish_after": MOMENT,
        "published_at": MOMENT,
        "settled_at": None,
        "settled_on": None,
        **changes,
    }


def _store_report(store: Store, data: dict[str, object]) -> None:
    store.backend.transact(
        [
            Put(Item("DEBTOR#552100554", "REPORT#rpt_old", data, 7), None),
            Put(Item("REPORTID#rpt_old", "REPORTID", {"debtor_siren": "552100554"}), None),
        ]
    )


def test_a_report_stored_before_public_references_gets_a_stable_one_that_hides_its_id(store: Store) -> None:
    _store_report(store, _old_report())
    report = store.reports.get_report("rpt_old")
    assert report is not None and report.version == 7 and report.status is ReportStatus.PUBLISHED
    assert report.public_ref.startswith("pub_") and "rpt_old" not in report.public_ref
    assert report.public_ref == store.reports.get_report("rpt_old").public_ref  # the same at every read
    assert (report.description, report.payments, report.flags, report.filed_by) == ("", (), (), "")
    assert (report.notice, report.dispute, report.moderation, report.earlier_disputes) == (None, None, None, ())
    assert report.debtor.email == "" and report.invoice.due_date == date(2026, 1, 31)


def test_a_dispute_and_notice_stored_before_their_later_fields_read_with_their_defaults(store: Store) -> None:
    dispute = {
        "kind": "dispute",
        "reason": "not_owed",
        "text": "Facture jamais reçue.",
        "opened_at": MOMENT,
        "was_published": True,
    }
    notice = {"dated_at": MOMENT, "seed": "seed"}  # before attempts and claims
    _store_report(store, _old_report(status="disputed", dispute=dispute, notice=notice, public_ref="pub_kept"))
    report = store.reports.get_report("rpt_old")
    assert report is not None and report.public_ref == "pub_kept" and report.dispute is not None
    assert report.dispute.was_published is True and report.dispute.evidence_ids == ()
    assert (report.dispute.paid_on, report.dispute.declared_amount_cents, report.dispute.payment_note) == (
        None,
        None,
        "",
    )
    assert report.notice is not None and (report.notice.attempts, report.notice.claim) == (1, "")


def test_a_signature_written_to_the_second_with_a_z_reads_with_its_history(store: Store) -> None:
    data = {
        "siren": "732829320",
        "company_name": "Menuiserie Durand SARL",
        "representative_name": "Claire Durand",
        "representative_role": "Gérante",
        "email": "claire@durand.fr",
        "charter_version": "2026-09",
        "signed_at": "2026-10-01T08:00:00Z",
        "standing": "suspended",
        "standing_since": "2026-10-20T08:00:00Z",
        "history": [
            {"charter_version": "2026-03", "signed_at": "2026-03-02T09:30:00Z", "ended_at": "2026-10-01T08:00:00Z"}
        ],
    }
    store.backend.transact([Put(Item("SIGNATURE#732829320", "RECORD", data, 5), None)])
    signature = store.signatures.get_signature("732829320")
    assert signature is not None and signature.standing is Standing.SUSPENDED and signature.revision == 5
    assert signature.since == datetime(2026, 10, 20, 8, tzinfo=UTC)
    assert [p.charter_version for p in signature.history] == ["2026-03"]


# -- the registry, as the first imports wrote it (hand-written dicts, before the codec) ----------------------

UNIT = {
    "siren": "732829320",
    "name": "MENUISERIE DURAND",
    "legal_category": "5499",
    "active": False,
    "state_since": "2021-03-03",
    "diffusible": True,
    "naf_code": "16.23Z",
    "workforce_band": "03",
    "created_on": None,  # dateCreationUniteLegale empty in the file
    "head_office_nic": "00017",
    "updated": "2024-03-22T01:02:03",
}
SEAT = {
    "siren": "732829320",
    "nic": "00017",
    "street_number": "12 bis",
    "street_type": "RUE",
    "street": "DES ACACIAS",
    "postal_code": "38000",
    "city": "GRENOBLE",
    "city_code": "38185",
    "updated": "2024-03-20T00:00:00",
}
JUDGMENT = {
    "notice_id": "A202400871234",
    "effect": "ouverture",
    "kind": "redressement_judiciaire",
    "nature": "Jugement d'ouverture d'une procédure de redressement judiciaire",
    "judged_on": None,  # a notice without ``jugement.date``: it counts from its publication
    "published_on": "2024-03-08",
    "court": "TRIBUNAL DE COMMERCE DE GRENOBLE",
    "url": "https://www.bodacc.fr/annonce/detail-annonce/A/20240087/1234",
    "updated": "2024-03-08",  # the bulk write's stamp, beside the judgment
}


def _store_registry(store: Store, *items: Item) -> None:
    store.backend.transact([Put(item, None) for item in items])


def test_a_legal_unit_and_its_head_office_stored_by_the_first_imports_read_as_the_company_identity(
    store: Store,
) -> None:
    _store_registry(store, Item("REGISTRY#732829320", "UNIT", UNIT), Item("REGISTRY#732829320", "SEAT", SEAT))
    identity = store.registry.get_identity("732829320")
    assert identity is not None and identity.name == "MENUISERIE DURAND" and not identity.active
    assert (identity.ceased_on, identity.created_on, identity.naf_code) == (date(2021, 3, 3), None, "16.23Z")
    assert str(identity.head_office) == "12 bis RUE DES ACACIAS, 38000 GRENOBLE"


def test_a_legal_unit_stored_with_only_its_required_fields_reads_with_empty_optional_ones(store: Store) -> None:
    required = {k: UNIT[k] for k in ("siren", "name", "legal_category", "active", "state_since", "diffusible")}
    _store_registry(store, Item("REGISTRY#732829320", "UNIT", required), Item("REGISTRY#732829320", "SEAT", SEAT))
    identity = store.registry.get_identity("732829320")
    assert identity is not None and (identity.naf_code, identity.head_office_nic, identity.updated) == ("", "", "")
    assert identity.head_office is not None  # no seat named by the unit: the establishment's seat is taken


def test_a_head_office_that_is_not_the_seat_the_unit_names_is_not_its_address(store: Store) -> None:
    moved = {**SEAT, "nic": "00025"}
    _store_registry(store, Item("REGISTRY#732829320", "UNIT", UNIT), Item("REGISTRY#732829320", "SEAT", moved))
    identity = store.registry.get_identity("732829320")
    assert identity is not None and identity.head_office is None


def test_a_sirene_file_imported_again_writes_nothing_over_what_the_first_imports_stored(store: Store) -> None:
    _store_registry(store, Item("REGISTRY#732829320", "UNIT", UNIT), Item("REGISTRY#732829320", "SEAT", SEAT))
    identity = store.registry.get_identity("732829320")
    assert identity is not None
    assert store.registry.put_units([replace(identity, head_office=None)]) == 0
    assert store.registry.put_seats([HeadOffice(**SEAT)]) == 0
    assert store.registry.put_units([replace(identity, head_office=None, name="MENUISERIE DURAND ET FILS")]) == 1


def test_bodacc_judgments_and_cancellations_stored_by_the_first_imports_read_with_the_cancellation(
    store: Store,
) -> None:
    later = {**JUDGMENT, "notice_id": "A202400990001", "published_on": "2024-04-02", "updated": "2024-04-02"}
    _store_registry(
        store,
        Item("REGISTRY#732829320", "BODACC#A202400871234", JUDGMENT),
        Item("REGISTRY#732829320", "BODACC#A202400990001", later),
        Item("REGISTRY#732829320", "CANCEL#A202400990001", {"notice_id": "A202400990001"}),
    )
    first, cancelled = store.registry.list_judgments("732829320")
    assert (first.effect, first.kind, first.judged_on) == (
        JudgmentEffect.OPENING,
        ProceedingKind.REDRESSEMENT,
        None,
    )
    assert first.published_on == date(2024, 3, 8) and not first.cancelled and cancelled.cancelled
    assert store.registry.put_judgments([("732829320", first)]) == 0  # the same notice: nothing written
    assert store.registry.cancel_judgments([("732829320", "A202400990001")]) == 0


def test_a_court_request_stored_before_payments_split_its_penalty_periods_reads_each_on_its_principal(
    store: Store,
) -> None:
    from functions.core.store.codec import to_data
    from tests.recovery.test_injunction_domain import compose, unpaid

    case = unpaid()
    prepared = injunction.request_prepared(case, compose(case), datetime(2026, 3, 30, 9, tzinfo=UTC), "member:m")
    data = to_data(prepared)
    # As the first court requests were written: periods without the balance they ran on.
    for period in data["events"][-1]["court_request"]["penalties"]["periods"]:
        del period["base_cents"]
    store.backend.transact([Put(Item(f"CASE#{case.id}", "CASE", data, 4), None)])
    read = store.cases.get_case(case.id)
    assert read is not None and read.version == 4
    request = read.events[-1].court_request
    assert request is not None and request.penalties.periods
    assert [p.base_cents for p in request.penalties.periods] == [2_400_00] * len(request.penalties.periods)
    assert request == prepared.events[-1].court_request  # as prepared, to the period


def test_a_letter_stored_before_letter_posters_reads_as_one_the_creditor_posts(store: Store) -> None:
    from functions.core.store.codec import to_data
    from tests.recovery.test_injunction_domain import unpaid

    case = unpaid()
    data = to_data(case)
    # As letters were written before posters: no ``posting`` in any message's trace.
    messages = [event["message"] for event in data["events"] if event.get("message")]
    assert messages and all(message.pop("posting") is None for message in messages)
    store.backend.transact([Put(Item(f"CASE#{case.id}", "CASE", data, 4), None)])
    read = store.cases.get_case(case.id)
    assert read is not None and read.version == 4
    assert [event.message for event in read.events if event.message] == [e.message for e in case.events if e.message]
    assert all(event.message.posting is None for event in read.events if event.message)
