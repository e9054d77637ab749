"""The analysis chain: tokens, positions, offsets, folding, stemming, stop words."""

from __future__ import annotations

import pytest

from searchlib.analysis import AnalysisSettings, Analyzer, Token
from searchlib.analysis.stemming import StemFilter
from searchlib.errors import SearchlibError


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def test_tokens_carry_positions_and_character_offsets(analyzer: Analyzer) -> None:
    text = "Baku's move on the Lachin corridor"
    assert analyzer.analyze(text) == [
        Token("baku", 0, 0, 6),
        Token("move", 1, 7, 11),
        Token("lachin", 2, 19, 25),
        Token("corridor", 3, 26, 34),
    ]
    for token in analyzer.analyze(text):
        assert text[token.start : token.end].lower().startswith(token.term[:3])


def test_hyphenated_name_gives_its_parts_at_consecutive_positions(analyzer: Analyzer) -> None:
    text = "in Nagorno-Karabakh today"
    tokens = analyzer.analyze(text)
    assert [(t.term, t.position) for t in tokens] == [
        ("nagorno", 0),
        ("karabakh", 1),
        ("today", 2),
    ]
    assert text[tokens[0].start : tokens[1].end] == "Nagorno-Karabakh"


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("U.S. troops", ["us", "troop"]),
        ("the U.N. said", ["un", "said"]),
        ("US and us", ["us"]),  # capitals keep an acronym that is also a stop word
        ("WHO warned, who knew", ["who", "warn", "knew"]),
        ("2,000 people in 3.5 days", ["2000", "peopl", "3.5", "day"]),
        ("Zürich", ["zurich"]),
        ("Xankəndi", ["xankendi"]),
        ("São Paulo", ["sao", "paulo"]),
        ("Azerbaijan\u2019s army", ["azerbaijan", "armi"]),
        ("Armenians", ["armenian"]),
        ("Ереван", ["ереван"]),  # Cyrillic is kept (lowercased), not dropped
    ],
)
def test_terms(analyzer: Analyzer, text: str, terms: list[str]) -> None:
    assert analyzer.terms(text) == terms


def test_positions_count_kept_tokens_as_the_index_does(analyzer: Analyzer) -> None:
    tokens = analyzer.analyze("the corridor of the region")
    assert [(t.term, t.position) for t in tokens] == [("corridor", 0), ("region", 1)]


@pytest.mark.parametrize(
    ("stemmer", "word", "stem"),
    [
        ("snowball", "generously", "generous"),
        ("porter", "generously", "gener"),
        ("lancaster", "generously", "gen"),
        ("none", "generously", "generously"),
    ],
)
def test_stemmer_choice(stemmer: str, word: str, stem: str) -> None:
    assert Analyzer(AnalysisSettings(stemmer=stemmer)).terms(word) == [stem]


def test_unknown_stemmer_is_a_clear_error() -> None:
    with pytest.raises(SearchlibError, match="choose one of snowball, porter, lancaster, none"):
        AnalysisSettings(stemmer="krovetz")


def test_stopwords_can_be_turned_off_or_replaced(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert Analyzer(AnalysisSettings(stopwords="none")).terms("the road") == ["the", "road"]
    custom = tmp_path / "stop.txt"
    custom.write_text("# mine\nroad\n", encoding="utf-8")
    assert Analyzer(AnalysisSettings(stopwords=str(custom))).terms("the road") == ["the"]


def test_missing_stopword_file_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SearchlibError, match="cannot read stop word file"):
        Analyzer(AnalysisSettings(stopwords=str(tmp_path / "absent.txt")))


def test_known_stems_spare_the_stemmer_import() -> None:
    stem = StemFilter("snowball", known_stems={"corridors": "corridor"})
    assert stem("corridors") == "corridor"
    assert not stem.stemmer_loaded
    assert stem("convoys") == "convoy"
    assert stem.stemmer_loaded


def test_describe_changes_with_every_setting() -> None:
    base = Analyzer().describe()
    assert Analyzer(AnalysisSettings(stemmer="porter")).describe()["stemmer"] != base["stemmer"]
    changed = Analyzer(AnalysisSettings(stopwords="none")).describe()
    assert changed["stopwords_sha256"] != base["stopwords_sha256"]
    assert Analyzer(AnalysisSettings(fold_accents=False)).describe()["fold_accents"] is False


def test_forgetting_words_empties_the_caches_and_changes_no_term() -> None:
    analyzer = Analyzer()
    text = "Azerbaijani forces blocked the Lachin corridor; Armenians protested."
    before = analyzer.terms(text)
    assert analyzer.stem_filter.cache
    analyzer.forget_words()
    assert not analyzer.stem_filter.cache
    assert analyzer.terms(text) == before
