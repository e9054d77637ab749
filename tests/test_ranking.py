"""BM25 against numbers computed by hand on a three-document corpus."""

from __future__ import annotations

import math

import pytest

from searchlib import Article, RankingSettings
from searchlib.ranking import bm25_idf, bm25_query_term_weight, bm25_term_score

# Bodies after analysis (no stop words, stems equal to the words here):
#   d1: karabakh corridor corridor       length 3
#   d2: karabakh talks -> karabakh talk  length 2
#   d3: corridor trade route port        length 4
# N = 3, avgdl = (3 + 2 + 4) / 3 = 3, k1 = 1.2, b = 0.75.
THREE_DOCUMENTS = [
    Article(id="d1", text="Karabakh corridor corridor"),
    Article(id="d2", text="Karabakh talks"),
    Article(id="d3", text="corridor trade route port"),
]

# idf(corridor) = ln(1 + (3 - 2 + 0.5) / (2 + 0.5)) = ln(1.6) = 0.4700036292
# d1: tf 2, dl 3: 0.4700036292 * 2 * 2.2 / (2 + 1.2 * (0.25 + 0.75 * 3/3))
#     = 0.4700036292 * 4.4 / 3.2 = 0.6462549902
# d3: tf 1, dl 4: 0.4700036292 * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 4/3)) = 0.4700036292 * 2.2 / 2.5
#     = 0.4136031937
CORRIDOR_SCORES = {"d1": 0.6462549902, "d3": 0.4136031937}

# idf(port) = ln(1 + (3 - 1 + 0.5) / (1 + 0.5)) = ln(2.6666666667) = 0.9808292530
# d3: 0.9808292530 * 2.2 / 2.5 = 0.8631297426
# d1 and d3 for "corridor port": d1 0.6462549902; d3 0.4136031937 + 0.8631297426 = 1.2767329363
CORRIDOR_PORT_SCORES = {"d3": 1.2767329363, "d1": 0.6462549902}


def test_idf_formula() -> None:
    assert bm25_idf(3, 2) == pytest.approx(math.log(1.6))
    assert bm25_idf(1000, 1000) > 0  # Lucene's idf never goes negative


def test_term_score_formula() -> None:
    assert bm25_term_score(math.log(1.6), 2, 3, 3, 1.2, 0.75) == pytest.approx(0.6462549902)
    assert bm25_term_score(1.0, 0, 3, 3, 1.2, 0.75) == 0.0


@pytest.mark.parametrize(
    ("count", "k3", "weight"),
    [
        (1, 8.0, 1.0),  # a word written once weighs 1 whatever k3
        (2, 8.0, 1.8),  # 2 * 9 / 10
        (4, 8.0, 3.0),  # 4 * 9 / 12
        (3, 0.0, 1.0),  # k3 = 0: a repeated word counts once
        (3, 1e9, 3.0),  # a huge k3: as often as it is written
    ],
)
def test_query_term_weight_formula(count: int, k3: float, weight: float) -> None:
    assert bm25_query_term_weight(count, k3) == pytest.approx(weight, rel=1e-6)


def test_index_scores_equal_hand_computed_bm25(make_index) -> None:  # type: ignore[no-untyped-def]
    index = make_index(THREE_DOCUMENTS)
    scores = {hit.id: hit.score for hit in index.search("text:corridor")}
    assert scores == pytest.approx(CORRIDOR_SCORES, abs=1e-6)


def test_scores_of_several_terms_add_up(make_index) -> None:  # type: ignore[no-untyped-def]
    index = make_index(THREE_DOCUMENTS)
    hits = index.search("text:(corridor OR port)").hits
    assert [h.id for h in hits] == ["d3", "d1"]
    assert {h.id: h.score for h in hits} == pytest.approx(CORRIDOR_PORT_SCORES, abs=1e-6)


def test_lengths_are_compared_with_the_mean_of_the_stored_lengths(make_index) -> None:  # type: ignore[no-untyped-def]
    # whoosh stores 11 terms as 12 (one byte, rounded up).  The average must
    # be of the stored lengths, (12 + 1) / 2 = 6.5, not of the exact ones, 6.
    words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo"
    # No titles: an empty field has no stored length at all.
    index = make_index([Article(id="long", text=words), Article(id="short", text="lima")])
    expected = bm25_term_score(bm25_idf(2, 1), 1, 12, 6.5, 1.2, 0.75)
    for reference in (True, False):  # whoosh, and the fast path
        hits = index.search("alpha", syntax="natural", reference=reference).hits
        assert [(h.id, h.score) for h in hits] == [("long", pytest.approx(expected, abs=1e-6))]


def test_k1_and_b_are_used(make_index) -> None:  # type: ignore[no-untyped-def]
    # b = 0: no length normalisation; k1 = 0: term frequency saturates at once.
    index = make_index(THREE_DOCUMENTS, ranking=RankingSettings(k1=0.0, b=0.0))
    scores = {hit.id: hit.score for hit in index.search("text:corridor")}
    assert scores == pytest.approx({"d1": math.log(1.6), "d3": math.log(1.6)}, abs=1e-6)


def test_title_weighs_more_than_body(make_index) -> None:  # type: ignore[no-untyped-def]
    index = make_index(
        [
            Article(id="in-body", title="Regional news", text="Talks on Karabakh resumed today."),
            Article(id="in-title", title="Karabakh talks", text="Regional news resumed today."),
        ]
    )
    assert [h.id for h in index.search("Karabakh")] == ["in-title", "in-body"]


def test_equal_scores_are_ordered_by_id_whatever_the_indexing_order(make_index) -> None:  # type: ignore[no-untyped-def]
    articles = [Article(id=f"doc-{n}", text="same words here") for n in (3, 1, 2)]
    forward = [h.id for h in make_index(articles).search("words")]
    backward = [h.id for h in make_index(list(reversed(articles))).search("words")]
    assert forward == backward == ["doc-1", "doc-2", "doc-3"]


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="0 <= b <= 1"):
        RankingSettings(b=1.5)
    with pytest.raises(ValueError, match="k3 >= 0"):
        RankingSettings(k3=-1.0)
