"""The search shards: found by SIREN or by the start of any word of the name, at a bounded cost per look-up."""

from __future__ import annotations

import json

from functions.core.domain.companies import Company
from functions.core.identifiers import with_check_digit
from functions.core.store import Store
from functions.site.search_index import LEAF_BUDGET, all_roots, build_search_index, lookup, shard_file
from tests.site.factories import make_record, make_signatory, many_records

LIMIT = 30_000  # bytes one look-up may download (issue 6)


def test_a_company_is_found_by_siren_prefix_and_by_the_start_of_any_word_of_its_name() -> None:
    records = [make_record(name="Boulangerie Lefèvre & Fils"), make_signatory(name="Œuvres du Garage Central")]
    files = build_search_index(records).files
    for query in ("552", "552100554", "boul", "BOULANGERIE", "lefe", "Lefèvre", "fils", "lefevre fi"):
        assert "552100554" in lookup(files, query).sirens, query
    for query in ("oeuvre", "ŒUVRES", "garage c", "central", "7328"):
        assert "732829320" in lookup(files, query).sirens, query
    assert lookup(files, "ange").sirens == ()  # inside a word: not a prefix
    assert lookup(files, "b").bytes == 0 and lookup(files, "b").sirens == ()


def test_every_root_exists_so_the_browser_never_meets_a_404() -> None:
    files = build_search_index([make_record()]).files
    assert len(all_roots()) == 36 * 37 and all(shard_file(root) in files for root in all_roots())
    assert json.loads(files["recherche/zz.json"]) == {"k": "zz", "r": []}
    assert json.loads(files["recherche/a_.json"]) == {"k": "a ", "r": []}  # a one-letter first word


def test_a_big_directory_is_split_into_a_tree_and_a_look_up_stays_under_30_kb() -> None:
    records = many_records(6_000)  # every name starts with "Entreprise": a deep tree under "en"
    index = build_search_index(records)
    root = json.loads(index.files["recherche/en.json"])
    assert "c" in root and root["n"] == 6_000 and len(root["r"]) <= 8
    assert index.worst_lookup_bytes <= LIMIT
    for record in records[::97]:
        for query in (record.siren, record.siren[:4], record.name, record.name.split()[-1], "entreprise mar"):
            found = lookup(index.files, query)
            assert found.bytes <= LIMIT, query
        assert record.siren in lookup(index.files, record.name).sirens
        assert record.siren in lookup(index.files, record.siren).sirens


def test_the_same_name_too_many_times_fills_one_shard_and_says_how_many_were_left_out() -> None:
    records = [
        make_record(siren=with_check_digit(f"{20_000_000 + n:08d}"), name="Garage du Centre") for n in range(400)
    ]
    index = build_search_index(records)
    found = lookup(index.files, "garage du centre")
    assert 0 < len(found.sirens) < 400 and found.bytes <= LIMIT
    leaf = json.loads(index.files[found.files[-1]])
    assert leaf["m"] == 400 - len(leaf["r"])
    assert len(index.files[found.files[-1]]) <= LEAF_BUDGET + 100


SAME_MATCHING_NAMES = {
    "542065479": "A&B Bâtiment",
    "732829320": "L'Atelier du Bois",
    "552100554": "Société X Y Transports",
    "383474814": "Un Deux Trois Quatre Cinq Six Sept Huit Neuf Dix Onze",
    "404833048": "Chauvin Deschamps SARL",
}
SAME_MATCHING_QUERIES = [
    "A&B", "a b", "a&b bât", "b bat", "bâtiment", "ab", "l'atelier", "l atel", "atelier du", "du bois",
    "x", "x y", "y trans", "société x", "neuf", "dix", "onze", "deschamps sa", "chauvin d", "sarl",
]  # fmt: skip


def test_the_site_and_the_api_find_the_same_companies_for_every_query(store: Store) -> None:
    """One rule for the directory API (store) and the site's shards: a word of one letter starts a key too."""
    records = [make_record(siren=siren, name=name) for siren, name in SAME_MATCHING_NAMES.items()]
    for siren, name in SAME_MATCHING_NAMES.items():
        # Public, as the site's records are: the API's index holds the companies the public may know of only.
        store.companies.record_signatory(Company(siren, name), "test")
    files = build_search_index(records).files
    for query in SAME_MATCHING_QUERIES:
        api = sorted(company.siren for company in store.companies.search_by_name(query, limit=100)[0])
        assert sorted(lookup(files, query).sirens) == api, query
    assert lookup(files, "A&B").sirens == ("542065479",)
