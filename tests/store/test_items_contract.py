"""The item port: the same behaviour on SQLite and on DynamoDB (moto)."""

import threading

import pytest

from functions.core.store.items import (
    Check,
    ConditionFailed,
    Delete,
    EncodedData,
    Item,
    ItemBackend,
    LimitReached,
    Put,
    StoreError,
)


def put(backend: ItemBackend, pk: str, sk: str, **data: object) -> Item:
    item = Item(pk, sk, data)
    backend.transact([Put(item)])
    return item


def test_an_item_reads_back_with_its_data_and_version(backend: ItemBackend) -> None:
    put(backend, "A", "1", name="Société Générale d'Exemple", cents=12345, nested={"ok": True})
    item = backend.get("A", "1")
    assert item is not None
    assert item.data == {"name": "Société Générale d'Exemple", "cents": 12345, "nested": {"ok": True}}
    assert isinstance(item.data["cents"], int)
    assert item.version == 1


def test_a_missing_item_is_none(backend: ItemBackend) -> None:
    assert backend.get("A", "nope") is None


def test_creating_an_item_twice_fails(backend: ItemBackend) -> None:
    put(backend, "A", "1")
    with pytest.raises(ConditionFailed):
        put(backend, "A", "1")


def test_an_update_needs_the_version_it_read(backend: ItemBackend) -> None:
    first = put(backend, "A", "1", n=1)
    backend.transact([Put(first.bumped({"n": 2}), expected_version=1)])
    with pytest.raises(ConditionFailed):
        backend.transact([Put(first.bumped({"n": 3}), expected_version=1)])
    current = backend.get("A", "1")
    assert current is not None and current.data == {"n": 2} and current.version == 2


def test_a_failed_transaction_writes_nothing(backend: ItemBackend) -> None:
    put(backend, "A", "1")
    with pytest.raises(ConditionFailed):
        backend.transact([Put(Item("A", "2", {})), Put(Item("A", "1", {}))])
    assert backend.get("A", "2") is None


def test_a_check_guards_a_transaction(backend: ItemBackend) -> None:
    put(backend, "A", "1")
    with pytest.raises(ConditionFailed):
        backend.transact([Check("A", "1", expected_version=7), Put(Item("B", "1", {}))])
    backend.transact([Check("A", "1", expected_version=1), Put(Item("B", "1", {}))])
    assert backend.get("B", "1") is not None


def test_a_delete_is_conditional_on_the_version(backend: ItemBackend) -> None:
    put(backend, "A", "1")
    with pytest.raises(ConditionFailed):
        backend.transact([Delete("A", "1", expected_version=2)])
    backend.transact([Delete("A", "1", expected_version=1)])
    assert backend.get("A", "1") is None


def test_a_query_returns_a_partition_in_sort_key_order(backend: ItemBackend) -> None:
    for sk in ["b", "a", "c", "ab"]:
        put(backend, "P", sk)
    put(backend, "Q", "a")
    assert [i.sk for i in backend.query("P").items] == ["a", "ab", "b", "c"]
    assert [i.sk for i in backend.query("P", descending=True).items] == ["c", "b", "ab", "a"]


def test_a_query_filters_by_prefix_and_range(backend: ItemBackend) -> None:
    for sk in ["2026-01-01#x", "2026-02-01#y", "2026-03-01#z", "2027-01-01#w"]:
        put(backend, "P", sk)
    assert [i.sk[:7] for i in backend.query("P", sk_prefix="2026-0").items] == ["2026-01", "2026-02", "2026-03"]
    assert [i.sk[:7] for i in backend.query("P", sk_to="2026-02-99").items] == ["2026-01", "2026-02"]
    assert [i.sk[:7] for i in backend.query("P", sk_from="2026-02", sk_prefix="2026").items] == ["2026-02", "2026-03"]


def test_a_prefix_query_handles_accented_keys(backend: ItemBackend) -> None:
    for sk in ["été", "étude", "eta", "évian"]:
        put(backend, "P", sk)
    assert [i.sk for i in backend.query("P", sk_prefix="ét").items] == ["étude", "été"]


def test_pages_follow_each_other_without_gap_or_repeat(backend: ItemBackend) -> None:
    for n in range(7):
        put(backend, "P", f"{n:02d}")
    seen, cursor = [], None
    while True:
        page = backend.query("P", limit=3, cursor=cursor)
        seen += [i.sk for i in page.items]
        cursor = page.cursor
        if cursor is None:
            break
    assert seen == [f"{n:02d}" for n in range(7)]


def test_an_exact_last_page_has_no_cursor(backend: ItemBackend) -> None:
    for n in range(4):
        put(backend, "P", f"{n}")
    first = backend.query("P", limit=2)
    second = backend.query("P", limit=2, cursor=first.cursor)
    assert [i.sk for i in second.items] == ["2", "3"] and second.cursor is None


@pytest.mark.parametrize("index", ["gsi1", "gsi2"])
def test_secondary_indexes_query_and_page(backend: ItemBackend, index: str) -> None:
    for n in range(5):
        keys = {f"{index}pk": "QUEUE", f"{index}sk": f"2026-0{5 - n}"}
        backend.transact([Put(Item(f"R#{n}", "X", {"n": n}, **keys))])
    backend.transact([Put(Item("R#other", "X", {}))])
    page = backend.query("QUEUE", index=index, limit=2)  # type: ignore[arg-type]
    assert [i.data["n"] for i in page.items] == [4, 3]
    rest = backend.query("QUEUE", index=index, cursor=page.cursor)  # type: ignore[arg-type]
    assert [i.data["n"] for i in rest.items] == [2, 1, 0]
    due = backend.query("QUEUE", index=index, sk_to="2026-02")  # type: ignore[arg-type]
    assert [i.data["n"] for i in due.items] == [4, 3]


def test_get_many_returns_the_existing_items(backend: ItemBackend) -> None:
    for n in range(3):
        put(backend, f"P{n}", "S", n=n)
    found = backend.get_many([("P0", "S"), ("P2", "S"), ("P9", "S")])
    assert sorted(i.data["n"] for i in found) == [0, 2]


def test_a_counter_counts_up_to_its_limit(backend: ItemBackend) -> None:
    assert backend.get_counter("USAGE#k", "2026-03") == 0
    assert backend.increment("USAGE#k", "2026-03", limit=2) == 1
    assert backend.increment("USAGE#k", "2026-03", limit=2) == 2
    with pytest.raises(LimitReached):
        backend.increment("USAGE#k", "2026-03", limit=2)
    assert backend.get_counter("USAGE#k", "2026-03") == 2


def test_counters_do_not_collide_with_items(backend: ItemBackend) -> None:
    put(backend, "K", "S", kept=True)
    backend.increment("K", "S")
    item = backend.get("K", "S")
    assert item is not None and item.data == {"kept": True}


def test_concurrent_increments_are_all_counted(backend: ItemBackend) -> None:
    def work() -> None:
        for _ in range(10):
            backend.increment("C", "n")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert backend.get_counter("C", "n") == 40


def test_scan_partitions_finds_partitions_by_prefix(backend: ItemBackend) -> None:
    for pk in ["AUDIT#a", "AUDIT#b", "OTHER#c"]:
        put(backend, pk, "1")
    put(backend, "AUDIT#a", "2")
    assert backend.scan_partitions("AUDIT#") == ["AUDIT#a", "AUDIT#b"]


def test_a_scan_yields_the_items_of_the_kinds_asked_and_its_segments_share_them_out(backend: ItemBackend) -> None:
    for pk in ["COMPANY#1", "COMPANY#2", "COMPANY#3", "DEBTOR#1", "OTHER#1"]:
        put(backend, pk, "PROFILE")
        put(backend, pk, "LISTING#a")
    kinds = [("COMPANY#", "PROFILE"), ("DEBTOR#", "LISTING#")]
    whole = sorted((item.pk, item.sk) for item in backend.scan(kinds))
    assert whole == [
        ("COMPANY#1", "PROFILE"),
        ("COMPANY#2", "PROFILE"),
        ("COMPANY#3", "PROFILE"),
        ("DEBTOR#1", "LISTING#a"),
    ]
    segments = [sorted((item.pk, item.sk) for item in backend.scan(kinds, segment=n, segments=3)) for n in range(3)]
    assert sorted(key for segment in segments for key in segment) == whole
    assert list(backend.scan([])) == []


def test_a_transaction_may_touch_each_item_once_only(backend: ItemBackend) -> None:
    with pytest.raises(StoreError, match="once at most"):
        backend.transact([Put(Item("A", "1", {})), Delete("A", "1", unconditional=True)])
    assert backend.get("A", "1") is None


def test_a_transaction_carries_at_most_one_hundred_writes(backend: ItemBackend) -> None:
    with pytest.raises(StoreError, match="at most 100"):
        backend.transact([Put(Item("A", str(n), {})) for n in range(101)])
    assert backend.query("A").items == []


def test_a_bulk_write_rewrites_only_what_changed_and_takes_data_given_as_json_text(backend: ItemBackend) -> None:
    asked: list[object] = []

    def always(stored: object, new: object) -> bool:
        asked.append(stored)
        return True

    first = [Item("R#1", "UNIT", EncodedData('{"name":"Société A","n":1}')), Item("R#2", "UNIT", {"name": "B"})]
    assert [item.pk for item in backend.put_newer(first, always)] == ["R#1", "R#2"]
    assert backend.get("R#1", "UNIT").data == {"name": "Société A", "n": 1}  # type: ignore[union-attr]  # just written
    asked.clear()
    again = [Item("R#1", "UNIT", {"name": "Société A", "n": 1}), Item("R#2", "UNIT", EncodedData('{"name":"C"}'))]
    written = backend.put_newer(again, always)
    assert [(item.pk, item.version) for item in written] == [("R#2", 2)] and asked == [{"name": "B"}]
    assert backend.get("R#1", "UNIT").version == 1  # type: ignore[union-attr]  # unchanged: not rewritten
