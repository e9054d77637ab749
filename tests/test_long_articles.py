"""Huge articles: one indexes, and its snippets come from the part that
matched, found through the index, without analysing the whole text.

The article is ``SEARCHLIB_LONG_ARTICLE_MB`` megabytes (2 in CI); the 50 MB
case is run by hand:

    SEARCHLIB_LONG_ARTICLE_MB=50 python -m pytest tests/test_long_articles.py -s
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import searchlib
from searchlib import AnalysisSettings, Article
from searchlib.analysis import Analyzer, Token
from searchlib.highlight import find_matches

LONG_ARTICLE_MB = float(os.environ.get("SEARCHLIB_LONG_ARTICLE_MB", "2"))
SECONDS_ALLOWED = 5.0
ANALYZER = Analyzer(AnalysisSettings(stemmer="none"))
WORDS = ["Karabakh", "corridor", "U.S.", "2,000", "3.5", "Zürich", "O'Brien", "the", "Ստեփ", "ﷺ"]


def long_text(megabytes: float) -> str:
    sentence = "Officials said the harvest of wheat rose along the river valley again. "
    filler = sentence * int(megabytes * 1_000_000 / len(sentence) / 2)
    return (
        "Opening remarks from the Quokka commission. "
        + filler
        + "The Zanzibarite envoy arrived in the middle. "
        + filler
        + "At the very end, the Lachin corridor reopened."
    )


def test_a_huge_article_indexes_and_its_snippets_stay_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = long_text(LONG_ARTICLE_MB)
    articles = [Article(id="huge", title="Long", text=text), Article(id="small", text="wheat")]
    started = time.perf_counter()
    index = searchlib.build_index(articles, tmp_path, settings=AnalysisSettings(stemmer="none"))
    build_seconds = time.perf_counter() - started

    analysed: list[int] = []
    real_analyze = Analyzer.analyze

    def counting_analyze(self: Analyzer, text: str) -> list[Token]:
        analysed.append(len(text))
        return real_analyze(self, text)

    monkeypatch.setattr(Analyzer, "analyze", counting_analyze)
    timings = {}
    with index:
        for query, shown in [
            ("Quokka", "Quokka"),
            ("Zanzibarite", "Zanzibarite"),
            ('"Lachin corridor"', "Lachin corridor"),
            ("Zanzibarite Lachin", "Zanzibarite"),
            ("title:Long", None),
        ]:
            started = time.perf_counter()
            (hit,) = [h for h in index.search(query) if h.id == "huge"]
            timings[query] = time.perf_counter() - started
            marked = [hit.snippet[s:e] for s, e in hit.highlights]
            assert marked == ([shown] if shown else []), (query, hit.snippet)
            assert len(hit.snippet) < 400
    # Only a bounded part of the text was analysed for any snippet.
    assert analysed and max(analysed) < 100_000
    print(f"\n{len(text) / 1e6:.1f} MB article: built in {build_seconds:.1f} s; searches:", timings)
    assert max(timings.values()) < SECONDS_ALLOWED


def test_a_long_article_from_an_older_index_still_gets_its_snippet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Indexes written before checkpoints were stored: the whole text is
    analysed, as it was then."""
    monkeypatch.setattr("searchlib.schema.LONG_BODY", 10**12)
    with searchlib.build_index([Article(id="a", text=long_text(0.2))], tmp_path) as index:
        (hit,) = index.search("Zanzibarite")
        assert [hit.snippet[s:e] for s, e in hit.highlights] == ["Zanzibarite"]


@pytest.mark.parametrize(
    "query",
    ["Karabakh", '"Lachin corridor"', "Red Cross convoys", "Stepanakert corridor", "Zürich"],
)
def test_snippets_found_through_the_index_highlight_true_matches(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    tiny_articles: tuple[Article, ...],
    query: str,
) -> None:
    """Every text takes the long-text path here (tiny thresholds): what it
    highlights must be matches that the full analysis finds."""
    monkeypatch.setattr("searchlib.schema.LONG_BODY", 0)
    monkeypatch.setattr("searchlib.schema.CHECKPOINT_EVERY", 40)
    texts = {article.id: article.text for article in tiny_articles}
    with searchlib.build_index(tiny_articles, tmp_path) as index:
        results = index.search(query)
        compiled = results.query
        assert results.hits
        for hit in results:
            text = texts[hit.id]
            tokens = index.analyzer.analyze(text)
            spans = find_matches(text, tokens, compiled.highlight_terms, compiled.highlight_phrases)
            true_matches = {" ".join(text[s:e].split()) for s, e in spans}
            marked = [hit.snippet[s:e] for s, e in hit.highlights]
            assert marked, hit.snippet
            for shown in marked:
                assert any(shown in match for match in true_matches), (shown, true_matches)


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=4)), max_size=40),
    gaps=st.lists(st.sampled_from([" ", "\n", "  ", "\t", ", ", ". ", "-", ""]), max_size=40),
    every=st.integers(1, 60),
)
def test_checkpoints_resume_analysis_exactly(words: list[str], gaps: list[str], every: int) -> None:
    text = "".join(word + gap for word, gap in zip(words, gaps, strict=False))
    terms, checkpoints = ANALYZER.terms_in_chunks(text, every)
    assert terms == ANALYZER.terms(text)
    for offset, position in checkpoints:
        assert ANALYZER.terms(text[offset:]) == terms[position:]
