"""Huge articles: one indexes, and its snippets show the part that
matched, wherever it is, in bounded time.

The article is ``SEARCHLIB_LONG_ARTICLE_MB`` megabytes (2 in CI); the 50 MB
case is run by hand:

    SEARCHLIB_LONG_ARTICLE_MB=50 python -m pytest tests/test_long_articles.py -s
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

import searchlib
from searchlib import AnalysisSettings, Article
from searchlib.highlight import find_matches

LONG_ARTICLE_MB = float(os.environ.get("SEARCHLIB_LONG_ARTICLE_MB", "2"))
# A few passes over the whole text per hit, on a loaded machine.
SECONDS_ALLOWED = 10.0 + 2.0 * LONG_ARTICLE_MB


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


def test_a_huge_article_indexes_and_its_snippets_stay_bounded(tmp_path: Path) -> None:
    text = long_text(LONG_ARTICLE_MB)
    articles = [Article(id="huge", title="Long", text=text), Article(id="small", text="wheat")]
    started = time.perf_counter()
    index = searchlib.build_index(articles, tmp_path, settings=AnalysisSettings(stemmer="none"))
    build_seconds = time.perf_counter() - started

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
    print(f"\n{len(text) / 1e6:.1f} MB article: built in {build_seconds:.1f} s; searches:", timings)
    assert max(timings.values()) < SECONDS_ALLOWED


def test_a_long_article_gets_its_snippet_from_the_middle(tmp_path: Path) -> None:
    with searchlib.build_index([Article(id="a", text=long_text(0.2))], tmp_path) as index:
        (hit,) = index.search("Zanzibarite")
        assert [hit.snippet[s:e] for s, e in hit.highlights] == ["Zanzibarite"]


@pytest.mark.parametrize(
    "query",
    ["Karabakh", '"Lachin corridor"', "Red Cross convoys", "Stepanakert corridor", "Zürich"],
)
def test_snippets_highlight_true_matches(
    tmp_path: Path, tiny_articles: tuple[Article, ...], query: str
) -> None:
    """What a snippet highlights must be matches that the full analysis finds."""
    texts = {article.id: article.text for article in tiny_articles}
    with searchlib.build_index(tiny_articles, tmp_path) as index:
        results = index.search(query)
        compiled = results.query
        assert results.hits
        for hit in results:
            text = texts[hit.id]
            spans = find_matches(
                text, index.analyzer, compiled.highlight_terms, compiled.highlight_phrases
            )
            true_matches = {" ".join(text[s:e].split()) for s, e in spans}
            marked = [hit.snippet[s:e] for s, e in hit.highlights]
            assert marked, hit.snippet
            for shown in marked:
                assert any(shown in match for match in true_matches), (shown, true_matches)
