"""Synonyms: the Solr file format, the map's semantics, and expansion in search."""

from __future__ import annotations

from pathlib import Path

import pytest

import searchlib
from searchlib.analysis import Analyzer
from searchlib.analysis.solr_synonyms import SynonymRule, parse_solr_synonyms, read_synonym_file
from searchlib.analysis.synonym_map import SynonymMap, load_synonym_rules
from searchlib.errors import SynonymFormatError


def test_parse_equivalents_one_way_comments_and_escapes() -> None:
    text = (
        "# comment\n"
        "\n"
        "Artsakh, Nagorno-Karabakh ,  Karabakh\n"
        "Moscow, Kremlin => Russia   # metonyms\n"
        "a\\,b, c\n"
    )
    assert parse_solr_synonyms(text, "f.txt") == [
        SynonymRule(
            ("Artsakh", "Nagorno-Karabakh", "Karabakh"),
            ("Artsakh", "Nagorno-Karabakh", "Karabakh"),
            one_way=False,
            origin="f.txt:3",
        ),
        SynonymRule(("Moscow", "Kremlin"), ("Russia",), one_way=True, origin="f.txt:4"),
        SynonymRule(("a,b", "c"), ("a,b", "c"), one_way=False, origin="f.txt:5"),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("a, , b", "f.txt:1: empty term"),
        ("a => b => c", "f.txt:1: more than one '=>'"),
        ("=> b", "f.txt:1: empty term"),
        ("a =>", "f.txt:1: empty term"),
    ],
)
def test_malformed_lines_name_file_and_line(line: str, message: str) -> None:
    with pytest.raises(SynonymFormatError, match=message):
        parse_solr_synonyms(line, "f.txt")


def test_unreadable_synonym_files(tmp_path: Path) -> None:
    with pytest.raises(SynonymFormatError, match="synonym file not found"):
        read_synonym_file(tmp_path / "absent.txt")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00a")
    with pytest.raises(SynonymFormatError, match="not UTF-8"):
        read_synonym_file(binary)


def test_map_is_analysed_and_one_way_rules_are_not_reversed() -> None:
    rules = parse_solr_synonyms("Armenia, Armenians\nBaku => Azerbaijan\nthe, of\n", "f")
    synonyms = SynonymMap(rules, Analyzer())
    assert synonyms.alternatives(("armenian",)) == (("armenia",),)
    assert synonyms.alternatives(("armenia",)) == (("armenian",),)
    assert synonyms.alternatives(("baku",)) == (("azerbaijan",),)
    assert synonyms.alternatives(("azerbaijan",)) == ()
    assert [v.term for v in synonyms.vanished] == ["the", "of"]


def test_longest_match_wins_and_matches_do_not_overlap() -> None:
    rules = parse_solr_synonyms("Red Cross, ICRC\nInternational Committee of the Red Cross, ICRC")
    synonyms = SynonymMap(rules, Analyzer())
    terms = Analyzer().terms("International Committee of the Red Cross aid")
    matches = synonyms.find_matches(terms)
    assert [(m.start, m.end) for m in matches] == [(0, 4)]
    assert matches[0].alternatives == (("icrc",),)


# -- in search: every example of the shipped list, from each of its forms ----

EQUIVALENTS = [
    (["Nagorno-Karabakh", "Karabakh", "Artsakh"], {"karabakh-aid"}),
    (["Lachin corridor", "Berdzor corridor"], {"karabakh-aid", "berdzor"}),
    (["Stepanakert", "Khankendi", "Xankəndi"], {"berdzor"}),
    (["Azerbaijan", "Azerbaijani", "Azeri"], {"karabakh-aid"}),
    (["Armenia", "Armenian"], {"karabakh-aid"}),
    (
        ["International Committee of the Red Cross", "ICRC", "Red Cross"],
        {"karabakh-aid", "icrc-yemen"},
    ),
]


@pytest.mark.parametrize(
    ("form", "expected"),
    [(form, expected) for forms, expected in EQUIVALENTS for form in forms],
)
def test_each_form_finds_every_article_of_its_group(
    tiny_index: searchlib.Index, form: str, expected: set[str]
) -> None:
    found = {hit.id for hit in tiny_index.search(form, limit=20)}
    assert expected <= found


@pytest.mark.parametrize(
    ("query", "also_finds", "reverse_query", "reverse_misses"),
    [
        ("Baku", "karabakh-aid", "Azerbaijan", "baku-oil"),
        ("Kremlin", "karabakh-aid", "Russia", "moscow-snow"),
        ("Moscow", "karabakh-aid", "Russia", "moscow-snow"),
    ],
)
def test_one_way_rules(
    tiny_index: searchlib.Index,
    query: str,
    also_finds: str,
    reverse_query: str,
    reverse_misses: str,
) -> None:
    assert also_finds in {hit.id for hit in tiny_index.search(query, limit=20)}
    assert reverse_misses not in {hit.id for hit in tiny_index.search(reverse_query, limit=20)}


def test_matched_synonym_is_highlighted(tiny_index: searchlib.Index) -> None:
    (hit,) = [h for h in tiny_index.search("Artsakh") if h.id == "karabakh-aid"]
    assert [hit.snippet[s:e] for s, e in hit.highlights] == ["Nagorno-Karabakh"]


def test_own_words_outrank_synonyms(tiny_index: searchlib.Index) -> None:
    hits = tiny_index.search("Lachin corridor").hits
    assert [h.id for h in hits[:2]] == ["karabakh-aid", "berdzor"]


def test_no_synonyms_and_user_files(tmp_path: Path, make_index) -> None:  # type: ignore[no-untyped-def]
    index = make_index(use_synonyms=False)
    assert index.search("Artsakh").total == 0
    user_file = tmp_path / "mine.txt"
    user_file.write_text("zyxland, Gwadar\n", encoding="utf-8")
    mine = make_index(synonym_files=[str(user_file)])
    assert [h.id for h in mine.search("zyxland")] == ["corridor-trade"]


def test_shipped_list_parses_without_vanished_terms() -> None:
    synonyms = SynonymMap(load_synonym_rules(), Analyzer())
    assert len(synonyms) > 10
    assert synonyms.vanished == []
