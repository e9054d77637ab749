"""The fast path (impact arrays) ranks exactly as the whoosh reference path."""

from __future__ import annotations

import pytest

import searchlib
from searchlib import Article, RankingSettings
from searchlib.errors import SearchlibError
from searchlib.indexing import write_index

QUERIES = [
    "Lachin corridor",
    "Artsakh",
    "Red Cross",
    "corridor",
    "corridors corridor corridor",  # repeated words
    "Nagorno-Karabakh",  # a phrase from one hyphenated word
    '"economic corridor" China',
    "Baku oil",
    "Azerbaijan Armenia Russia",
    "medicine hospitals Yemen ICRC",
    "Zürich U.S. delegation",
    "Stepanakert Khankendi",
    "nothing-matches-this zyxwv",
]


def ranked(index: searchlib.Index, query: str, reference: bool, **options: object):  # type: ignore[no-untyped-def]
    results = index.search(query, limit=20, reference=reference, **options)  # type: ignore[arg-type]
    return [(hit.id, hit.score) for hit in results], results.total


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("syntax", ["query", "natural"])
def test_same_hits_scores_and_totals(tiny_index: searchlib.Index, query: str, syntax: str) -> None:
    fast = ranked(tiny_index, query, False, syntax=syntax)
    reference = ranked(tiny_index, query, True, syntax=syntax)
    assert fast[1] == reference[1]
    assert [i for i, _ in fast[0]] == [i for i, _ in reference[0]]
    assert [s for _, s in fast[0]] == pytest.approx([s for _, s in reference[0]], abs=1e-6)


def test_same_with_other_parameters(make_index) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import TINY_CORPUS

    index = make_index(
        TINY_CORPUS, ranking=RankingSettings(k1=0.7, b=0.3, title_weight=0, synonym_weight=0.9)
    )
    for query in QUERIES:
        (fast, fast_total), (reference, reference_total) = (
            ranked(index, query, False),
            ranked(index, query, True),
        )
        assert fast_total == reference_total
        assert [i for i, _ in fast] == [i for i, _ in reference]
        assert [s for _, s in fast] == pytest.approx([s for _, s in reference], abs=1e-6)


class WhooshPathUsed(SearchlibError):
    """Raised by the test in place of the whoosh path (a searchlib error, so
    that it passes through unchanged)."""


def test_fast_path_is_used_for_plain_words(tiny_index: searchlib.Index, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def refuse(*args: object) -> None:
        raise WhooshPathUsed("whoosh path used")

    monkeypatch.setattr(tiny_index, "_ranked_by_whoosh", refuse)
    assert tiny_index.search("Lachin corridor").hits
    with pytest.raises(WhooshPathUsed, match="whoosh path used"):
        tiny_index.search("title:Lachin")


def test_ties_are_broken_by_id_on_both_paths(make_index) -> None:  # type: ignore[no-untyped-def]
    articles = [Article(id=f"doc-{n:02d}", text="same words") for n in (5, 3, 9, 1, 7)]
    index = make_index(articles)
    fast = [h.id for h in index.search("words", limit=3)]
    reference = [h.id for h in index.search("words", limit=3, reference=True)]
    assert fast == reference == ["doc-01", "doc-03", "doc-05"]


def test_stale_arrays_after_an_update_leave_whoosh_to_answer(make_index) -> None:  # type: ignore[no-untyped-def]
    """The arrays describe the build; after an update whoosh answers, with
    the update's articles, and a rebuild brings the fast path back."""
    index = make_index()
    assert index._impact is not None
    index.add([Article(id="zz-new", title="Lachin corridor", text="The Lachin corridor again.")])
    assert index._impact is None
    hits = [hit.id for hit in index.search("Lachin corridor", limit=50)]
    assert "zz-new" in hits
    assert ranked(index, "Lachin corridor", False) == ranked(index, "Lachin corridor", True)

    write_index([Article(id="only", text="Lachin corridor")], index.path)
    assert index.refresh()
    assert index._impact is not None and index._stems is not None
    assert [hit.id for hit in index.search("Lachin corridor")] == ["only"]
    assert ranked(index, "corridor", False) == ranked(index, "corridor", True)
