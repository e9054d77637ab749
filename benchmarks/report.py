"""Measurements -> tables, with every peer beside searchlib and its ratio.

The benchmarks put one *measurement* (a flat dict with a ``kind``) in each
pytest-benchmark ``extra_info`` and in ``REPORT``; the terminal summary of a
run and ``make_results.py`` (from the saved JSON) make the same tables from
them.  A ratio is the peer's figure divided by searchlib's on the same
corpus in the same run: a time ratio of 0.1 is ten times faster.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

Measurement = dict[str, Any]
MB = 1_000_000
MODES = ("ids", "snippets")


def percentile(values: Sequence[float], fraction: float) -> float:
    """The value below which ``fraction`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


@dataclass(frozen=True)
class Table:
    title: str
    header: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]
    note: str = ""


def _ratio(value: float | None, base: float | None) -> str:
    if value is None or not base:
        return ""
    ratio = value / base
    return f"{ratio:.2f}" if ratio >= 0.1 else f"{ratio:.2g}"


def _scaled(value: float | None, unit: float) -> float | None:
    return None if value is None else value / unit


def _number(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def _by(
    measurements: Iterable[Measurement], kind: str, *keys: str
) -> dict[tuple[Any, ...], Measurement]:
    return {tuple(m[k] for k in keys): m for m in measurements if m.get("kind") == kind}


def _together_added(measurement: Measurement) -> float | None:
    """What a build added at its peak, the building process and its children
    sampled at the same moment (absent from runs that did not sample it)."""
    if "rss_together_peak" not in measurement:
        return None
    return float(measurement["rss_together_peak"] - measurement["rss_at_start"])


def _run_note(measurement: Measurement) -> str:
    """Which run a measurement comes from, when not the main one."""
    run = measurement.get("run")
    return f" (run {run})" if run else ""


def _ordered(items: Iterable[str], order: Sequence[str]) -> list[str]:
    unique = list(dict.fromkeys(items))
    return sorted(unique, key=lambda x: (order.index(x) if x in order else len(order), x))


CORPUS_ORDER = ("bundled", "reuters", "resampled-10k", "resampled-100k", "resampled-1m")
PEER_ORDER = ("searchlib", "whoosh", "fts5", "tantivy", "bm25s", "rank_bm25")
COLD_BASE = "searchlib CLI"
"""The ``search`` command: what cold-start ratios divide by."""


def build_tables(measurements: Sequence[Measurement]) -> list[Table]:
    builds = _by(measurements, "build", "corpus", "peer")
    tables = []
    for corpus in _ordered((c for c, _ in builds), CORPUS_ORDER):
        peers = _ordered((p for c, p in builds if c == corpus), PEER_ORDER)
        base = builds.get((corpus, "searchlib"), {}).get("seconds")
        rows = []
        for peer in peers:
            m = builds[(corpus, peer)]
            rows.append(
                (
                    peer,
                    _number(m["seconds"], 2),
                    _ratio(m["seconds"], base),
                    _number(m["docs_per_second"], 0),
                    _number(m["mb_per_second"], 2),
                    _number(m["index_bytes"] / MB, 1),
                    _number(m["index_bytes"] / m["text_bytes"], 2),
                    _number(m["rss_peak"] / MB, 0),
                    _number((m["rss_peak"] - m["rss_before"]) / MB, 0),
                    _number(m.get("rss_children_peak", 0) / MB, 0),
                    _number(_scaled(_together_added(m), MB), 0),
                )
            )
        first = builds[(corpus, peers[0])]
        tables.append(
            Table(
                f"Indexing {corpus}: {first['documents']:,} documents, "
                f"{first['text_bytes'] / MB:.1f} MB of text{_run_note(first)}",
                (
                    "engine",
                    "build s",
                    "time ÷ searchlib",
                    "docs/s",
                    "MB/s",
                    "index MB",
                    "index ÷ text",
                    "peak RSS MB",
                    "RSS added MB",
                    "child processes' RSS MB",
                    "added at once MB",
                ),
                rows,
                f"build rounds: {first['rounds']} (median shown); added at once: the "
                "largest resident set of the building process and its children together, "
                "sampled every 20 ms, less the process's own when the build started",
            )
        )
    return tables


def query_tables(measurements: Sequence[Measurement]) -> list[Table]:
    queries = _by(measurements, "query", "corpus", "mode", "peer")
    tables = []
    for corpus in _ordered((c for c, _, _ in queries), CORPUS_ORDER):
        peers = _ordered((p for c, _, p in queries if c == corpus), PEER_ORDER)
        rows = []
        for peer in peers:
            cells = [peer]
            for mode in MODES:
                m = queries.get((corpus, mode, peer))
                base = queries.get((corpus, mode, "searchlib"), {}).get("median_ms")
                if m is None:
                    cells += ["", "", ""]
                    continue
                ratio = _ratio(m["median_ms"], base)
                cells += [_number(m["median_ms"], 2), _number(m["p95_ms"], 2), ratio]
            rows.append(tuple(cells))
        any_m = next(m for (c, _, _), m in queries.items() if c == corpus)
        tables.append(
            Table(
                f"Query latency on {corpus}: {any_m['queries']} queries, "
                f"top {any_m['k']}{_run_note(any_m)}",
                (
                    "engine",
                    "ids median ms",
                    "ids p95 ms",
                    "÷ searchlib",
                    "snippets median ms",
                    "snippets p95 ms",
                    "÷ searchlib",
                ),
                rows,
                f"per-query latency over {any_m['passes']} timed pass(es); empty: no snippets",
            )
        )
    return tables


def scale_table(measurements: Sequence[Measurement]) -> list[Table]:
    """searchlib's figures on every corpus of the run, smallest first."""
    builds = {
        c: m
        for (c, p), m in _by(measurements, "build", "corpus", "peer").items()
        if p == "searchlib"
    }
    queries = _by(measurements, "query", "corpus", "mode", "peer")
    if len(builds) < 2:
        return []
    rows = []
    for corpus in sorted(builds, key=lambda c: builds[c]["documents"]):
        m = builds[corpus]
        ids = queries.get((corpus, "ids", "searchlib"), {})
        snippets = queries.get((corpus, "snippets", "searchlib"), {})
        added = m["rss_peak"] - m["rss_before"] + m.get("rss_children_peak", 0)
        rows.append(
            (
                corpus + _run_note(m),
                f"{m['documents']:,}",
                _number(m["text_bytes"] / MB, 1),
                _number(m["seconds"], 1),
                _number(m["mb_per_second"], 2),
                _number(m["index_bytes"] / MB, 1),
                _number(ids.get("median_ms"), 2),
                _number(ids.get("p95_ms"), 2),
                _number(snippets.get("median_ms"), 2),
                _number(added / MB, 0),
                _number(_scaled(_together_added(m), MB), 0),
            )
        )
    return [
        Table(
            "Scale: searchlib on every corpus of the run",
            (
                "corpus",
                "documents",
                "text MB",
                "build s",
                "MB/s",
                "index MB",
                "ids p50 ms",
                "ids p95 ms",
                "snippets p50 ms",
                "build memory added MB",
                "added at once MB",
            ),
            rows,
            "build memory added: the building process's peak less its resident set before "
            "the build, plus its worker's peak, each whenever it came (an upper bound); "
            "added at once: both sampled together every 20 ms (the tables above give "
            "the peers)",
        )
    ]


def analysis_table(measurements: Sequence[Measurement]) -> list[Table]:
    chains = _by(measurements, "analysis", "peer")
    if not chains:
        return []
    base = chains.get(("searchlib",), {}).get("seconds")
    rows = [
        (
            peer,
            _number(m["seconds"], 2),
            _ratio(m["seconds"], base),
            _number(m["mb_per_second"], 2),
            f"{m['terms']:,}",
            _number(m["us_per_term"], 2),
        )
        for peer in _ordered((p for (p,) in chains), PEER_ORDER)
        for m in [chains[(peer,)]]
    ]
    first = next(iter(chains.values()))
    return [
        Table(
            f"Analysis alone: titles and texts of the {first['corpus']} corpus, "
            f"{first['text_bytes'] / MB:.1f} MB",
            ("analyzer", "seconds", "time ÷ searchlib", "MB/s", "terms out", "µs per term"),
            rows,
            f"median of {first['rounds']} round(s), each with empty stem caches (NLTK "
            "stems each distinct word once); whoosh is the obvious chain the whoosh peer "
            "indexes with",
        )
    ]


def cold_table(measurements: Sequence[Measurement]) -> list[Table]:
    cold = _by(measurements, "cold", "peer")
    if not cold:
        return []
    base = cold.get((COLD_BASE,), {}).get("median_s")
    rows = [
        (peer, _number(cold[(peer,)]["median_s"], 3), _ratio(cold[(peer,)]["median_s"], base))
        for peer in _ordered((p for (p,) in cold), (COLD_BASE, *PEER_ORDER))
    ]
    first = next(iter(cold.values()))
    return [
        Table(
            f"Cold start: {first['query']!r} in a fresh process, index of the bundled corpus",
            ("engine", "median s", f"÷ {COLD_BASE}"),
            rows,
            f"{first['runs']} runs each, after one untimed; the whole process: interpreter, "
            f"imports, opening the index, top 10 with snippets where the engine makes them; "
            f"{COLD_BASE} is the search command, searchlib its library through the "
            "benchmark's adapter",
        )
    ]


def relevance_tables(document: dict[str, Any] | None) -> list[Table]:
    if not document:
        return []
    scores = document["scores"]
    reference = document.get("reference_ndcg10", {})
    tables = []
    for collection in dict.fromkeys(s["collection"] for s in scores):
        rows_in = [s for s in scores if s["collection"] == collection]
        peers = _ordered((s["peer"] for s in rows_in), PEER_ORDER)
        by_peer = {s["peer"]: s for s in rows_in}
        rows = [
            (measure, *(f"{by_peer[p]['mean'][measure]:.3f}" for p in peers))
            for measure in document["measures"]
        ]
        known = reference.get(collection, {})
        if known:
            rows.append(
                ("nDCG@10 reference", *(f"{known[p]:.3f}" if p in known else "" for p in peers))
            )
        queries = rows_in[0]["queries"]
        tables.append(
            Table(
                f"Relevance on {collection.upper()}: {queries} judged queries",
                ("measure", *peers),
                rows,
            )
        )
    return tables


def text_table(table: Table) -> list[str]:
    widths = [
        max(len(cell) for cell in column) for column in zip(table.header, *table.rows, strict=True)
    ]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )

    lines = ["", table.title, line(table.header), line(["-" * w for w in widths])]
    lines += [line(row) for row in table.rows]
    if table.note:
        lines.append(f"({table.note})")
    return lines


def markdown_table(table: Table) -> list[str]:
    align = ["---"] + ["---:"] * (len(table.header) - 1)
    lines = [f"### {table.title}", "", "| " + " | ".join(table.header) + " |"]
    lines.append("|" + "|".join(align) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in table.rows]
    if table.note:
        lines += ["", f"*{table.note}*"]
    return [*lines, ""]


@dataclass
class Report:
    """The measurements of this run, for the terminal summary."""

    measurements: list[Measurement] = field(default_factory=list)
    relevance: dict[str, Any] | None = None

    def add(self, measurement: Measurement) -> None:
        self.measurements.append(measurement)

    def tables(self) -> list[Table]:
        return [
            *build_tables(self.measurements),
            *analysis_table(self.measurements),
            *query_tables(self.measurements),
            *cold_table(self.measurements),
            *relevance_tables(self.relevance),
        ]

    def summary_lines(self, render: Callable[[Table], list[str]] = text_table) -> list[str]:
        tables = self.tables()
        if not tables:
            return []
        lines = ["", "searchlib and its peers (ratios: peer ÷ searchlib, same run)"]
        for table in tables:
            lines += render(table)
        return lines


REPORT = Report()
