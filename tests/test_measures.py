"""Evaluation measures against numbers worked out by hand."""

from __future__ import annotations

import math

import pytest

from searchlib.evaluation.measures import DEFAULT_MEASURES, EvaluationResult, evaluate_run
from searchlib.evaluation.trec import EvaluationError, ranked_documents

# One query, graded: a=3, b=2, c=1, z=2 (z never retrieved), n judged not relevant.
QRELS = {"q1": {"a": 3, "b": 2, "c": 1, "z": 2, "n": 0}}
# Ranked x, a, c, n, b: x unjudged, so it counts as not relevant.
RUN = {"q1": {"x": 5.0, "a": 4.0, "c": 3.0, "n": 2.0, "b": 1.0}}


def _log2(rank: int) -> float:
    return math.log2(rank + 1)


def test_ndcg_at_10_by_hand() -> None:
    # gains at ranks 1..5: 0, 3, 1, 0, 2 (trec_eval's linear gain)
    dcg = 0 / _log2(1) + 3 / _log2(2) + 1 / _log2(3) + 0 / _log2(4) + 2 / _log2(5)
    # the ideal ranking lists the grades 3, 2, 2, 1
    ideal = 3 / _log2(1) + 2 / _log2(2) + 2 / _log2(3) + 1 / _log2(4)
    result = evaluate_run(RUN, QRELS)
    assert result.per_query["q1"]["nDCG@10"] == pytest.approx(dcg / ideal)
    # (1.8928 + 0.5 + 0.7737) / (3 + 1.2619 + 1 + 0.4307) = 3.1665 / 5.6926
    assert result.mean["nDCG@10"] == pytest.approx(0.5563, abs=1e-4)


def test_ap_precision_recall_by_hand() -> None:
    result = evaluate_run(RUN, QRELS)
    # 4 relevant; found at ranks 2, 3 and 5
    assert result.per_query["q1"]["AP@1000"] == pytest.approx((1 / 2 + 2 / 3 + 3 / 5) / 4)
    assert result.per_query["q1"]["P@10"] == pytest.approx(3 / 10)
    assert result.per_query["q1"]["R@100"] == pytest.approx(3 / 4)
    assert result.per_query["q1"]["R@1000"] == pytest.approx(3 / 4)


def test_cutoffs_count() -> None:
    qrels = {"q": {f"d{i:02}": 1 for i in range(20)}}
    # relevant documents at ranks 11..30, under ten unjudged ones
    run = {"q": {f"u{i}": 100.0 - i for i in range(10)} | {f"d{i:02}": 50.0 - i for i in range(20)}}
    result = evaluate_run(run, qrels, ["P@10", "nDCG@10", "R@100", "P@20"])
    assert result.mean == pytest.approx({"P@10": 0.0, "nDCG@10": 0.0, "R@100": 1.0, "P@20": 0.5})


def test_mean_is_over_the_judged_queries() -> None:
    qrels = {"q1": {"a": 1}, "q2": {"b": 1}, "q3": {"c": 0, "d": 0}}
    run = {
        "q1": {"a": 2.0, "x": 1.0},  # P@10 0.1, R 1
        # q2 has no results: 0 everywhere, and still counted
        "q3": {"c": 1.0},  # nothing relevant to find: 0, and still counted
        "q9": {"a": 1.0},  # not judged: left out
    }
    result = evaluate_run(run, qrels)
    assert result.query_count == 3
    assert set(result.per_query) == {"q1", "q2", "q3"}
    assert result.per_query["q2"] == dict.fromkeys(DEFAULT_MEASURES, 0.0)
    assert result.per_query["q3"] == dict.fromkeys(DEFAULT_MEASURES, 0.0)
    assert result.mean["P@10"] == pytest.approx(0.1 / 3)
    assert result.mean["R@1000"] == pytest.approx(1 / 3)
    assert result.mean["nDCG@10"] == pytest.approx(1 / 3)


def test_ties_are_ranked_like_the_run_writer() -> None:
    qrels = {"q": {"a": 1}}
    run = {"q": {"a": 1.0, "b": 1.0}}
    assert [doc_id for doc_id, _ in ranked_documents(run["q"])] == ["b", "a"]
    result = evaluate_run(run, qrels, ["P@1", "AP@1000"])
    assert result.mean == pytest.approx({"P@1": 0.0, "AP@1000": 0.5})


def test_an_ideal_run_scores_one() -> None:
    qrels = {"q1": {"a": 1, "b": 3, "c": 2}, "q2": {"d": 1, "e": 0}}
    ideal = {
        query_id: {doc_id: float(g) for doc_id, g in grades.items()}
        for query_id, grades in qrels.items()
    }
    result = evaluate_run(ideal, qrels)
    assert result.mean["nDCG@10"] == pytest.approx(1.0)
    assert result.mean["AP@1000"] == pytest.approx(1.0)
    assert result.mean["R@100"] == pytest.approx(1.0)
    assert result.mean["P@10"] == pytest.approx((3 / 10 + 1 / 10) / 2)


def test_result_keys_are_the_names_asked_for() -> None:
    result = evaluate_run(RUN, QRELS)
    assert isinstance(result, EvaluationResult)
    assert list(result.mean) == list(DEFAULT_MEASURES)
    assert DEFAULT_MEASURES == ("nDCG@10", "AP@1000", "P@10", "R@100", "R@1000")
    assert list(evaluate_run(RUN, QRELS, ["RR", "AP(rel=2)@1000"]).mean) == ["RR", "AP(rel=2)@1000"]


def test_integer_scores_are_accepted() -> None:
    run = {"q1": {doc_id: int(score) for doc_id, score in RUN["q1"].items()}}
    assert evaluate_run(run, QRELS).mean == evaluate_run(RUN, QRELS).mean


@pytest.mark.parametrize("name", ["ndcg", "nDCG@ten", "P", "Judged@10", ""])
def test_unknown_measure_names_the_examples(name: str) -> None:
    with pytest.raises(EvaluationError, match=r"unknown measure .*e\.g\. nDCG@10, AP@1000"):
        evaluate_run(RUN, QRELS, [name])


def test_empty_qrels_cannot_be_evaluated() -> None:
    with pytest.raises(EvaluationError, match="nothing to evaluate"):
        evaluate_run(RUN, {})
