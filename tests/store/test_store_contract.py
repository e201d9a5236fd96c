"""The store facade on both backends: audited commits, the outbox, companies."""

import threading
from dataclasses import replace

import pytest

from functions.core.clock import FixedClock
from functions.core.domain.companies import Company
from functions.core.domain.reports import ReportStatus
from functions.core.domain.visibility import Presence
from functions.core.store import Store
from functions.core.store.base import retry_on_conflict
from functions.core.store.items import ConditionFailed, Item, Put
from functions.core.text import MAX_NAME_WORDS
from tests.directory.factories import make_report, published

ACME = Company("552100554", "Société Générale d'Équipement", "12 rue de la Paix", "75002", "Paris")


def public(store: Store, company: Company) -> None:
    """Record a company the public may know of (a charter signatory): the name index holds only those."""
    store.companies.record_company(company, "a")
    store.companies.record_signatory(company, "a")


def test_recording_a_company_appends_an_audit_event(store: Store) -> None:
    store.companies.record_company(ACME, "operator:alice")
    events = store.audit.list_events("company:552100554")
    assert [e.action for e in events] == ["company.recorded"]
    assert events[0].actor == "operator:alice"
    assert events[0].before is None and events[0].after["name"] == ACME.name


def test_recording_the_same_company_again_changes_nothing(store: Store) -> None:
    store.companies.record_company(ACME, "a")
    store.companies.record_company(ACME, "a")
    assert len(store.audit.list_events("company:552100554")) == 1


def test_a_change_records_before_and_after(store: Store) -> None:
    store.companies.record_company(ACME, "a")
    moved = Company(ACME.siren, ACME.name, "1 place Bellecour", "69002", "Lyon")
    store.companies.record_company(moved, "a")
    assert store.companies.get_company(ACME.siren) == moved
    last = store.audit.list_events("company:552100554")[-1]
    assert (last.before["city"], last.after["city"]) == ("Paris", "Lyon")


def test_a_failed_commit_leaves_no_audit_event(store: Store) -> None:
    store.backend.transact([Put(Item("X", "1", {}))])
    event = store.event("company:1", "x", "x.created", "a")
    with pytest.raises(ConditionFailed):
        store.commit([Put(Item("X", "1", {}))], [event])
    assert store.audit.list_events("company:1") == []


def test_audit_events_are_kept_in_time_order(store: Store, clock: FixedClock) -> None:
    for n in range(3):
        store.commit([], [store.event("s", "e", f"step{n}", "a")])
        clock.advance(seconds=1)
    assert [e.action for e in store.audit.list_events("s")] == ["step0", "step1", "step2"]


def test_a_change_marks_its_company_for_refresh(store: Store) -> None:
    store.companies.record_company(ACME, "a")
    marks = store.outbox.list_marked()
    assert [m.data["siren"] for m in marks] == [ACME.siren]
    assert store.outbox.clear(marks[0])
    assert store.outbox.list_marked() == []


def test_a_mark_set_again_while_refreshing_is_not_lost(store: Store) -> None:
    store.companies.record_company(ACME, "a")
    seen = store.outbox.list_marked()[0]
    store.companies.record_company(Company(ACME.siren, "Nouveau nom"), "a")
    assert not store.outbox.clear(seen)
    assert len(store.outbox.list_marked()) == 1


def test_companies_are_found_by_the_start_of_any_word_ignoring_case_and_accents(store: Store) -> None:
    public(store, ACME)
    public(store, Company("732829320", "Société Nouvelle des Eaux"))
    public(store, Company("542065479", "Boulangerie Étoile"))
    found, _ = store.companies.search_by_name("SOCIETE g")
    assert [c.siren for c in found] == [ACME.siren]
    found, _ = store.companies.search_by_name("soci")
    assert {c.siren for c in found} == {ACME.siren, "732829320"}
    found, _ = store.companies.search_by_name("étoi")
    assert [c.siren for c in found] == ["542065479"]
    found, _ = store.companies.search_by_name("boulangerie eto")
    assert [c.siren for c in found] == ["542065479"]


def test_a_word_in_the_middle_of_a_name_finds_the_company(store: Store) -> None:
    public(store, Company("542065479", "Chauvin Deschamps SARL"))
    public(store, Company("732829320", "Deschamps Frères"))
    found, _ = store.companies.search_by_name("DESCHÂMPS")
    assert [c.siren for c in found] == ["732829320", "542065479"]  # in the order of the matched words
    found, _ = store.companies.search_by_name("deschamps s")
    assert [c.name for c in found] == ["Chauvin Deschamps SARL"]
    found, _ = store.companies.search_by_name("hamps")
    assert found == []


def test_a_renamed_company_is_no_longer_found_by_its_old_words(store: Store) -> None:
    public(store, Company("542065479", "Chauvin Deschamps Menuiserie Générale"))
    store.companies.record_company(Company("542065479", "Chauvin Bois"), "a")
    for old_word in ("deschamps", "menuiserie", "generale"):
        assert store.companies.search_by_name(old_word) == ([], None)
    found, _ = store.companies.search_by_name("bois")
    assert [c.name for c in found] == ["Chauvin Bois"]
    assert [i.sk for i in store.backend.query("COMPANY#542065479").items if i.sk.startswith("NAMEWORD#")] == [
        "NAMEWORD#1"
    ]


def test_a_company_matched_by_its_name_and_by_a_word_shows_once_on_every_page(store: Store) -> None:
    sirens = ["542065479", "732829320", "552100554", "383474814"]
    for n, siren in enumerate(sirens):
        public(store, Company(siren, f"Martin {'Martin ' * n}Marty"))
    found, _ = store.companies.search_by_name("mar", limit=100)
    assert sorted(c.siren for c in found) == sorted(sirens)
    for limit in (1, 2, 3):
        seen: list[str] = []
        cursor = None
        while True:
            page, cursor = store.companies.search_by_name("mar", limit=limit, cursor=cursor)
            assert len(page) <= limit
            seen += [c.siren for c in page]
            if cursor is None:
                break
        assert sorted(seen) == sorted(sirens)


def test_a_long_name_gets_a_bounded_number_of_word_look_ups(store: Store) -> None:
    words = [f"mot{n}" for n in range(20)]
    public(store, Company("542065479", " ".join(words)))
    assert [c.siren for c in store.companies.search_by_name(words[MAX_NAME_WORDS])[0]] == ["542065479"]
    assert store.companies.search_by_name(words[MAX_NAME_WORDS + 1]) == ([], None)


def test_concurrent_company_updates_all_land_in_the_audit_log(store: Store) -> None:
    store.companies.record_company(ACME, "a")

    def rename(n: int) -> None:
        store.companies.record_company(Company(ACME.siren, f"Nom {n}"), f"t{n}")

    threads = [threading.Thread(target=rename, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    events = store.audit.list_events("company:552100554")
    assert len(events) == 5
    # Each update saw the previous one: following before -> after from the
    # creation walks every event and ends on what the store holds now.
    successor = {e.before["name"]: e.after["name"] for e in events if e.before}
    name, steps = ACME.name, 0
    while name in successor:
        name, steps = successor[name], steps + 1
    current = store.companies.get_company(ACME.siren)
    assert steps == 4
    assert current is not None and current.name == name


def test_an_identity_alone_is_not_in_the_public_index(store: Store) -> None:
    store.companies.record_company(ACME, "a")
    assert store.companies.get_company(ACME.siren) == ACME
    assert store.companies.get_public_company(ACME.siren) is None
    assert store.companies.search_by_name("societe") == ([], None)
    assert store.companies.search_by_siren("552") == ([], None)


def test_a_company_is_in_the_public_index_while_listed_or_once_it_signed(store: Store, clock: FixedClock) -> None:
    def found() -> tuple[list[str], list[str], Presence | None]:
        by_name = [c.siren for c in store.companies.search_by_name("equipement")[0]]
        by_siren = [c.siren for c in store.companies.search_by_siren("5521")[0]]
        public = store.companies.get_public_company(ACME.siren)
        return by_name, by_siren, public[1] if public else None

    listed = store.reports.file_report(published(make_report(), at=clock()), actor="a")
    assert found() == ([ACME.siren], [ACME.siren], Presence(listed=True))
    assert store.companies.get_company(ACME.siren) == Company(ACME.siren, listed.debtor.name)  # as the report names it
    settled = store.reports.save(listed, replace(listed, status=ReportStatus.SETTLED), actor="a", action="t")
    assert found() == ([], [], None)
    store.companies.record_signatory(Company(ACME.siren, "Autre nom"), "a")
    assert found() == ([ACME.siren], [ACME.siren], Presence(signatory=True))
    store.reports.delete_report(settled, actor="a")
    assert found()[2] == Presence(signatory=True)  # a signatory stays public for good
    assert store.companies.get_company(ACME.siren) == Company(ACME.siren, listed.debtor.name)  # identity kept


def settle(store: Store, report_id: str) -> None:
    def attempt() -> None:
        current = store.reports.get_report(report_id)
        assert current is not None
        store.reports.save(current, replace(current, status=ReportStatus.SETTLED), actor="a", action="t")

    retry_on_conflict(attempt)


def test_a_signature_racing_the_last_report_leaving_the_listing_keeps_the_company_public(
    store: Store, clock: FixedClock
) -> None:
    for n, siren in enumerate(["552100554", "542065479", "383474814", "443061841"]):
        report = published(make_report(id=f"rpt_{n}", debtor_siren=siren), at=clock())
        store.reports.file_report(report, actor="a")
        threads = [
            threading.Thread(target=settle, args=(store, report.id)),
            threading.Thread(target=store.companies.record_signatory, args=(Company(siren, "X"), "a")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        public = store.companies.get_public_company(siren)
        assert public is not None and public[1] == Presence(signatory=True)
        assert [c.siren for c in store.companies.search_by_siren(siren)[0]] == [siren]
