"""Core benchmarks: building the bundled corpus's index, and query latency
with and without snippets.  Each asserts what it computed."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

import searchlib
from benchmarks.conftest import BUNDLED_CORPUS, QUERIES

SEED_ID = "000_6773254eee61951c"


@pytest.mark.benchmark(group="indexing")
def test_build_bundled_corpus(benchmark: BenchmarkFixture, tmp_path: Path) -> None:
    counter = iter(range(1_000))

    def build() -> searchlib.BuildReport:
        report = searchlib.indexing.write_index(BUNDLED_CORPUS, tmp_path / f"ix{next(counter)}")
        return report

    report = benchmark.pedantic(build, rounds=1, iterations=1)
    assert report.indexed == 3789
    assert report.skipped == 0
    benchmark.extra_info["documents_per_second"] = round(report.indexed / report.seconds, 1)


def _run_queries(index: searchlib.Index, snippets: bool) -> list[searchlib.SearchResults]:
    return [index.search(query, limit=10, snippets=snippets) for query in QUERIES]


@pytest.mark.benchmark(group="query")
@pytest.mark.parametrize("snippets", [False, True], ids=["ids-only", "with-snippets"])
def test_query_set_latency(
    benchmark: BenchmarkFixture, bundled_index: searchlib.Index, snippets: bool
) -> None:
    results = benchmark(_run_queries, bundled_index, snippets)
    assert all(len(r) > 0 for r in results), [
        q for q, r in zip(QUERIES, results, strict=True) if not r
    ]
    assert results[0][0].id == SEED_ID
    if snippets:
        assert all(hit.snippet for r in results for hit in r)
    benchmark.extra_info["queries_per_round"] = len(QUERIES)
