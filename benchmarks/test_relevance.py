"""Relevance on CISI, CRAN, MED and NPL: every peer, binary judgments.

Prints a table per collection (peers side by side) and saves all the scores
to ``<results-dir>/relevance.json`` for ``make_results.py``.  Asserts that
every engine's numbers are sane; it does not assert which engine is best.
Skips when ``../shared/data`` is absent.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.peers import missing_requirements
from benchmarks.relevance import (
    COLLECTIONS,
    PeerScores,
    evaluate,
    format_tables,
    load_collection,
    save_json,
)
from benchmarks.report import REPORT
from benchmarks.shared_data import shared_path

pytest.importorskip("ir_measures", reason="relevance needs the 'eval' extra")

_SCORES: list[PeerScores] = []


@pytest.fixture(scope="module", autouse=True)
def _save_scores(results_dir: Path) -> Iterator[None]:
    yield
    if _SCORES:
        REPORT.relevance = save_json(_SCORES, results_dir / "relevance.json")


QUICK_COLLECTIONS = ("med",)
"""The collections of the quicker default run; --full runs them all."""


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_relevance(
    collection: str,
    pytestconfig: pytest.Config,
    full: bool,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if not full and collection not in QUICK_COLLECTIONS:
        pytest.skip("run with --full")
    if shared_path("smart", collection) is None:
        pytest.skip(f"no shared data: smart/{collection}")
    from benchmarks.conftest import selected_peers

    peers = [p for p in selected_peers(pytestconfig) if not missing_requirements(p)]
    judged = len(load_collection(collection).qrels)
    scores = evaluate([collection], peers, tmp_path)
    _SCORES.extend(scores)
    with capsys.disabled():
        print("\n" + format_tables(scores))
    for scored in scores:
        assert scored.queries == judged
        assert scored.empty_queries == 0, scored
        assert scored.mean["nDCG@10"] > 0.2, scored
        assert scored.mean["R@1000"] >= scored.mean["R@100"] > 0.3, scored
        assert 0 < scored.mean["AP@1000"] <= 1
