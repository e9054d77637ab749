"""searchlib beside its peers: indexing, query latency and cold start.

Groups, one per stage and corpus: ``indexing <corpus>``, ``query <corpus>
ids`` / ``query <corpus> snippets`` and ``cold start``.  Each benchmark asserts
what it computed, so a broken engine cannot look fast: the index holds every
document and finds the planted seed article, queries find hits and give the
same top ids on every pass, the cold process prints the seed article first.
"""

from __future__ import annotations

import compileall
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from benchmarks.corpora import NEWS_QUERIES, SEED_ARTICLE, SEED_TITLE
from benchmarks.index_store import BuildRecord, BuildTimeout, IndexStore, child_environment
from benchmarks.peers import Engine, SnippetEngine
from benchmarks.peers import peer as peer_info
from benchmarks.peers.searchlib_engine import INDEX_FOLDER
from benchmarks.report import COLD_BASE, MB, REPORT, median, percentile
from benchmarks.shared_data import REPO

TOP_K = 10
COLD_QUERY = "Lachin corridor"
COLD_RUNS = {True: 10, False: 5}
"""Fresh processes timed per engine, with and without ``--full``."""
SMALL_CORPORA = ("bundled", "reuters", "resampled-10k")
HITS_WANTED = 0.95
"""Share of the query set that must find something on every engine."""
SNIPPETS_WANTED = 0.9
"""Share of hits with a snippet (a hit matched in its title only may have none)."""


def _record(benchmark: BenchmarkFixture, measurement: dict[str, Any]) -> None:
    benchmark.extra_info.update(measurement)
    REPORT.add(measurement)


def _skip_if_too_large(peer: str, corpus: str) -> None:
    if peer_info(peer).small_only and corpus not in SMALL_CORPORA:
        pytest.skip(f"{peer} scores every document in Python per query: small corpora only")


def _built(index_store: IndexStore, peer: str, corpus: str) -> BuildRecord:
    try:
        return index_store.get(peer, corpus)
    except BuildTimeout as error:
        pytest.skip(f"{peer} on {corpus}: {error}")


# -- indexing ------------------------------------------------------------------


def test_build(
    benchmark: BenchmarkFixture, index_store: IndexStore, peer: str, corpus: str, rounds: int
) -> None:
    """Build in a fresh child process; time, size on disk and peak memory."""
    _skip_if_too_large(peer, corpus)
    benchmark.group = f"indexing {corpus}"
    try:
        record = index_store.build(peer, corpus, benchmark, rounds)
    except BuildTimeout as error:
        pytest.skip(f"{peer} on {corpus}: {error}")
    engine = index_store.engine(peer, corpus)
    top = engine.search(SEED_TITLE, TOP_K)
    assert top and top[0][0] == SEED_ARTICLE, (peer, top[:3])
    assert record.documents > 1000
    assert record.index_bytes > 0
    assert record.rss_peak >= record.rss_before > 0
    assert record.rss_together_peak >= record.rss_at_start > 0
    seconds = median(record.seconds)
    _record(
        benchmark,
        {
            "kind": "build",
            "peer": peer,
            "corpus": corpus,
            "documents": record.documents,
            "text_bytes": record.text_bytes,
            "rounds": len(record.seconds),
            "seconds": round(seconds, 4),
            "seconds_each": [round(s, 4) for s in record.seconds],
            "docs_per_second": round(record.documents / seconds, 1),
            "mb_per_second": round(record.text_bytes / MB / seconds, 4),
            "index_bytes": record.index_bytes,
            "rss_before": record.rss_before,
            "rss_peak": record.rss_peak,
            "rss_children_peak": record.rss_children_peak,
            "rss_at_start": record.rss_at_start,
            "rss_together_peak": record.rss_together_peak,
        },
    )


# -- querying --------------------------------------------------------------------


def _timed_pass(
    search: Callable[[str, int], list[Any]], queries: list[str]
) -> tuple[list[float], list[list[Any]]]:
    latencies, results = [], []
    for query in queries:
        started = time.perf_counter()
        found = search(query, TOP_K)
        latencies.append(time.perf_counter() - started)
        results.append(found)
    return latencies, results


def _search_function(engine: Engine, mode: str) -> Callable[[str, int], list[Any]]:
    if mode == "ids":
        return engine.search
    if not isinstance(engine, SnippetEngine):
        pytest.skip(f"{engine.name} makes no snippets")
    return engine.search_with_snippets


@pytest.fixture
def fresh_engine(index_store: IndexStore, peer: str, corpus: str) -> Iterator[Engine]:
    """The peer's engine opened anew for one test, so that no test is timed
    on queries another already asked (an engine may keep what it read)."""
    _skip_if_too_large(peer, corpus)
    _built(index_store, peer, corpus)
    with index_store.fresh_engine(peer, corpus) as engine:
        yield engine


@pytest.mark.parametrize("mode", ["ids", "snippets"])
def test_query_latency(
    benchmark: BenchmarkFixture,
    fresh_engine: Engine,
    queries: list[str],
    peer: str,
    corpus: str,
    mode: str,
    rounds: int,
) -> None:
    """The query set, top 10, one query at a time; median and p95 per
    query.  Each mode opens the engine anew (``fresh_engine``)."""
    benchmark.group = f"query {corpus} {mode}"
    engine = fresh_engine
    search = _search_function(engine, mode)
    for query in NEWS_QUERIES:  # warm caches: the first query of a process pays imports
        search(query, TOP_K)
    passes: list[tuple[list[float], list[list[Any]]]] = []

    def run() -> None:
        passes.append(_timed_pass(search, queries))

    benchmark.pedantic(run, rounds=rounds, iterations=1)

    top_ids = [[hit[0] for hit in found] for found in passes[0][1]]
    for _, results in passes[1:]:
        assert [[hit[0] for hit in found] for found in results] == top_ids
    with_hits = sum(bool(ids) for ids in top_ids)
    assert with_hits >= HITS_WANTED * len(queries), (peer, with_hits)
    assert all(len(ids) <= TOP_K for ids in top_ids)
    if mode == "snippets":
        hits = [hit for results in passes[0][1] for hit in results]
        assert sum(bool(hit[2].strip()) for hit in hits) >= SNIPPETS_WANTED * len(hits)
        # snippets change nothing in the ranking
        assert [[hit[0] for hit in found] for found in passes[0][1][:20]] == [
            [hit[0] for hit in found] for found in (engine.search(q, TOP_K) for q in queries[:20])
        ]
    seed = engine.search(SEED_TITLE, TOP_K)
    assert seed and seed[0][0] == SEED_ARTICLE
    latencies = [latency for times, _ in passes for latency in times]
    _record(
        benchmark,
        {
            "kind": "query",
            "peer": peer,
            "corpus": corpus,
            "mode": mode,
            "queries": len(queries),
            "k": TOP_K,
            "passes": len(passes),
            "with_hits": with_hits,
            "median_ms": round(median(latencies) * 1000, 3),
            "p95_ms": round(percentile(latencies, 0.95) * 1000, 3),
            "mean_ms": round(sum(latencies) / len(latencies) * 1000, 3),
        },
    )


# -- cold start --------------------------------------------------------------------


@pytest.fixture(scope="session")
def compiled_bytecode() -> None:
    """Bytecode for this checkout's packages, as ``pip install`` writes it.

    The fresh processes import searchlib and the peers' scripts from the
    checkout; without ``__pycache__`` (``PYTHONDONTWRITEBYTECODE`` is set on
    some machines) each of them would compile every module it imports, a cost
    an installed package never pays."""
    for package in ("searchlib", "benchmarks"):
        assert compileall.compile_dir(REPO / package, quiet=1), package


def _cold_run(command: list[str]) -> str:
    done = subprocess.run(
        command, capture_output=True, text=True, env=child_environment(), cwd=REPO, check=True
    )
    return done.stdout


def _cold_benchmark(benchmark: BenchmarkFixture, name: str, command: list[str], runs: int) -> str:
    benchmark.group = "cold start"
    outputs: list[str] = []
    benchmark.pedantic(lambda: outputs.append(_cold_run(command)), rounds=runs, warmup_rounds=1)
    assert len(set(outputs)) == 1, f"{name}: different answers in different runs"
    times = benchmark.stats.stats.data if benchmark.stats else []
    _record(
        benchmark,
        {
            "kind": "cold",
            "peer": name,
            "query": COLD_QUERY,
            "runs": len(times),
            "median_s": round(median(times), 4) if times else None,
        },
    )
    return outputs[0]


@pytest.mark.usefixtures("compiled_bytecode")
def test_cold_start(
    benchmark: BenchmarkFixture, index_store: IndexStore, peer: str, full: bool
) -> None:
    """A fresh process opens the bundled corpus's index and answers one query:
    each peer's tiny script (``python -m benchmarks.peers.<module>``)."""
    if peer == "searchlib" and not full:
        pytest.skip("searchlib's own command is timed below; its library with --full")
    workdir = _built(index_store, peer, "bundled").workdir
    command = [sys.executable, "-m", peer_info(peer).module, str(workdir), COLD_QUERY]
    output = _cold_benchmark(benchmark, peer, command, COLD_RUNS[full])
    first = output.splitlines()[0].split("\t")
    assert first[:2] == ["1", SEED_ARTICLE], output[:300]


@pytest.mark.usefixtures("compiled_bytecode")
def test_cold_start_search_command(
    benchmark: BenchmarkFixture, index_store: IndexStore, full: bool
) -> None:
    """searchlib's own ``search`` command, as a user runs it."""
    index = _built(index_store, "searchlib", "bundled").workdir / INDEX_FOLDER
    command = [sys.executable, "-m", "searchlib", "search", "--index", str(index), "--json"]
    output = _cold_benchmark(benchmark, COLD_BASE, [*command, COLD_QUERY], COLD_RUNS[full])
    hits = [json.loads(line) for line in output.splitlines()]
    assert hits[0]["id"] == SEED_ARTICLE
    assert len(hits) == TOP_K
