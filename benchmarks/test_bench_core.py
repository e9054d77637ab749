"""Core benchmarks: query latency of searchlib's own query syntax on the
bundled corpus, with and without snippets.  Each asserts what it computed.

The build of the bundled corpus is measured in ``test_bench_peers.py``
(``indexing bundled``), in a child process beside the peers'; the index it
builds is the one queried here.
"""

from __future__ import annotations

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

import searchlib
from benchmarks.conftest import QUERIES

SEED_ID = "000_6773254eee61951c"


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
