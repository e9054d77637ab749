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


def test_map_remembers_the_written_terms_and_rules_behind_each_alternative() -> None:
    rules = parse_solr_synonyms("Armenia, Armenians\nArmenian => Yerevan\nBaku => Armenia\n", "f")
    synonyms = SynonymMap(rules, Analyzer())
    assert synonyms.written_forms(("armenian",)) == ("Armenians", "Armenian")
    assert synonyms.rules_linking(("armenian",), ("armenia",)) == ("f:1",)
    assert synonyms.rules_linking(("baku",), ("armenia",)) == ("f:3",)
    assert synonyms.rules_linking(("armenia",), ("baku",)) == ()
    assert synonyms.written_forms(("absent",)) == ()


def test_a_map_read_from_a_table_expands_alike_but_knows_no_provenance() -> None:
    rules = parse_solr_synonyms("Armenia, Armenians\n", "f")
    synonyms = SynonymMap.from_table(SynonymMap(rules, Analyzer()).table())
    assert synonyms.alternatives(("armenia",)) == (("armenian",),)
    assert synonyms.written_forms(("armenia",)) == ()
    assert synonyms.rules_linking(("armenia",), ("armenian",)) == ()


def test_a_map_knows_which_runs_a_longer_rule_starts_with() -> None:
    """What lets a query stop extending a run of words early, built or cached."""
    rules = parse_solr_synonyms("Red Cross Red Crescent, ICRC\nRed Army => Soviet Army\n", "f")
    built = SynonymMap(rules, Analyzer())
    for synonyms in (built, SynonymMap.from_table(built.table())):
        assert synonyms.extends(("red",))
        assert synonyms.extends(("red", "cross"))
        assert synonyms.extends(("red", "cross", "red"))
        assert not synonyms.extends(("red", "cross", "red", "crescent"))  # the whole rule
        assert not synonyms.extends(("icrc",))
        assert not synonyms.extends(("soviet",))  # a one-way rule's output matches nothing
        assert not synonyms.extends(("cross",))


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


# -- ranking: the user's own words count at least as much as their synonyms --


def _corpus_with_frequencies(
    original_text: str, synonym_text: str, fillers: dict[str, int]
) -> list[searchlib.Article]:
    """A document with the original, one of the same length with the synonym,
    and filler documents that set each word's document frequency."""
    articles = [
        searchlib.Article(id="with-original", text=original_text),
        searchlib.Article(id="with-synonym", text=synonym_text),
    ]
    for word, count in fillers.items():
        articles += [
            searchlib.Article(id=f"filler-{word}-{n}", text=f"{word} and longer filler text")
            for n in range(count)
        ]
    articles += [searchlib.Article(id=f"other-{n}", text="other filler") for n in range(60)]
    return articles


@pytest.mark.parametrize(
    ("rule", "query", "original_text", "synonym_text", "fillers"),
    [
        # The synonym is far rarer (higher idf) than the word the user typed:
        # at a fixed weight of 0.5 it would outscore the user's own word.
        ("kalvar, morvu", "kalvar", "kalvar plain words", "morvu plain words", {"kalvar": 20}),
        # The synonym is commoner: its own idf already keeps it below.
        ("kalvar, morvu", "morvu", "morvu plain words", "kalvar plain words", {"kalvar": 20}),
        # A phrase scores the sum of its words' idfs: two fairly common words
        # outweigh one common word unless capped.
        (
            "kalvar, morvu teska",
            "kalvar",
            "kalvar plain words",
            "morvu teska words",
            {"kalvar": 20, "morvu": 10, "teska": 10},
        ),
        # The user typed the phrase; the synonym is one rare word.
        (
            "morvu teska, kalvar",
            "morvu teska",
            "morvu teska words",
            "kalvar plain words",
            {"morvu": 30, "teska": 30},
        ),
    ],
    ids=["rare-synonym", "common-synonym", "multi-word-synonym", "multi-word-original"],
)
@pytest.mark.parametrize("reference", [False, True], ids=["fast-path", "whoosh-path"])
def test_document_with_the_users_word_ranks_above_one_with_only_a_synonym(
    tmp_path: Path,
    make_index,  # type: ignore[no-untyped-def]
    rule: str,
    query: str,
    original_text: str,
    synonym_text: str,
    fillers: dict[str, int],
    reference: bool,
) -> None:
    rules = tmp_path / "rules.txt"
    rules.write_text(rule + "\n", encoding="utf-8")
    index = make_index(
        _corpus_with_frequencies(original_text, synonym_text, fillers),
        synonym_files=[str(rules)],
    )
    original, synonym = _two_hits(index, query, reference)
    assert original.rank < synonym.rank
    # Same count, same length: the synonym scores at most synonym_weight times
    # the original.
    assert synonym.score <= searchlib.RankingSettings().synonym_weight * original.score + 1e-6


def _two_hits(
    index: searchlib.Index, query: str, reference: bool = False
) -> tuple[searchlib.Hit, searchlib.Hit]:
    hits = {hit.id: hit for hit in index.search(query, limit=200, reference=reference)}
    return hits["with-original"], hits["with-synonym"]


def test_a_rarer_synonym_scores_exactly_synonym_weight_times_the_original(
    tmp_path: Path,
    make_index,  # type: ignore[no-untyped-def]
) -> None:
    rules = tmp_path / "rules.txt"
    rules.write_text("kalvar, morvu\n", encoding="utf-8")
    articles = _corpus_with_frequencies("kalvar plain words", "morvu plain words", {"kalvar": 20})
    for weight in (0.5, 0.25):
        index = make_index(
            articles,
            synonym_files=[str(rules)],
            ranking=searchlib.RankingSettings(synonym_weight=weight),
        )
        for reference in (False, True):
            original, synonym = _two_hits(index, "kalvar", reference)
            assert synonym.score == pytest.approx(weight * original.score, abs=2e-6)


def test_without_statistics_synonyms_weigh_synonym_weight() -> None:
    from searchlib.query import QueryCompiler
    from searchlib.query_syntax import parse_query

    rules = parse_solr_synonyms("kalvar, morvu")
    compiler = QueryCompiler(Analyzer(), SynonymMap(rules, Analyzer()))
    query = str(compiler.compile(parse_query("kalvar")).any_words)
    assert "content:morvu^0.5" in query
    assert "title:morvu^0.25" in query  # title_weight times synonym_weight


def test_synonym_weight_above_one_is_refused() -> None:
    with pytest.raises(ValueError, match="synonym_weight"):
        searchlib.RankingSettings(synonym_weight=1.5)
