"""One run's saved JSON -> ``benchmarks/RESULTS.md`` and its plot.

Reads the pytest-benchmark JSON of a run (``--benchmark-json``; the
measurements are in each benchmark's ``extra_info``) and the relevance JSON
the same run wrote (``<results-dir>/relevance.json``), and writes the tables
(searchlib and its peers side by side, with ratios) and a PNG plot of build
time and query latency against corpus size::

    python -m benchmarks.make_results \\
        --benchmark-json benchmarks/results/benchmark.json \\
        --relevance-json benchmarks/results/relevance.json

A corpus too slow to measure in the same run (the 1M documents) can come
from another run of the suite (``--extra-json``, repeatable): its tables
and rows say which run they come from, and the run is described beside
the main one.

Nothing is measured here: every number comes from the JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.report import (
    MB,
    PEER_ORDER,
    Measurement,
    Table,
    analysis_table,
    build_tables,
    cold_table,
    markdown_table,
    query_tables,
    relevance_tables,
    scale_table,
)

HERE = Path(__file__).resolve().parent
RESULTS_DIR = HERE / "results"


def load_measurements(document: dict[str, Any], run: str | None = None) -> list[Measurement]:
    """The measurements of a run's JSON; ``run`` names another run than
    the main one in the tables."""
    return [
        {**bench["extra_info"], **({"run": run} if run else {})}
        for bench in document.get("benchmarks", [])
        if "kind" in bench.get("extra_info", {})
    ]


def plot_scaling(measurements: Sequence[Measurement], path: Path) -> bool:
    """Build time and median query latency against documents, one line per
    engine, each corpus named above its size."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    builds = [m for m in measurements if m["kind"] == "build"]
    sizes = {m["corpus"]: (m["text_bytes"] / MB, m["documents"]) for m in builds}
    queries = [m for m in measurements if m["kind"] == "query" and m["mode"] == "ids"]
    if len(sizes) < 2:
        return False
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.8))
    for peer in [p for p in PEER_ORDER if any(m["peer"] == p for m in builds)]:
        built = sorted((sizes[m["corpus"]][1], m["seconds"]) for m in builds if m["peer"] == peer)
        left.plot(*zip(*built, strict=True), marker="o", label=peer)
        latency = sorted(
            (sizes[m["corpus"]][1], m["median_ms"])
            for m in queries
            if m["peer"] == peer and m["corpus"] in sizes
        )
        if latency:
            right.plot(*zip(*latency, strict=True), marker="o", label=peer)
    for corpus, (megabytes, documents) in sizes.items():
        left.axvline(documents, color="grey", alpha=0.2)
        left.annotate(
            f"{corpus}, {megabytes:.0f} MB",
            (documents, 1),
            xycoords=("data", "axes fraction"),
            rotation=90,
            va="top",
            ha="right",
            fontsize="x-small",
            color="grey",
        )
        right.axvline(documents, color="grey", alpha=0.2)
        right.annotate(
            corpus,
            (documents, 1),
            xycoords=("data", "axes fraction"),
            rotation=90,
            va="top",
            ha="right",
            fontsize="x-small",
            color="grey",
        )
    left.set(title="Build time", xlabel="documents", ylabel="seconds")
    right.set(title="Query latency, top 10 ids (median)", xlabel="documents", ylabel="ms")
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    plain = FuncFormatter(lambda value, _: f"{value:,.10g}")
    for axes in (left, right):
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.set_xticks(sorted(documents for _, documents in sizes.values()))
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
        axes.xaxis.set_minor_formatter(NullFormatter())
        axes.yaxis.set_minor_locator(LogLocator(subs=(2.0, 5.0)))
        axes.yaxis.set_major_formatter(plain)
        axes.yaxis.set_minor_formatter(plain)
        axes.grid(True, which="both", alpha=0.3)
    right.legend(fontsize="small")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return True


def _describe_run(document: dict[str, Any]) -> list[str]:
    machine = document.get("machine_info", {})
    commit = document.get("commit_info", {})
    run = document.get("searchlib_run", {})
    versions = ", ".join(f"{k} {v}" for k, v in run.get("versions", {}).items())
    cpu = machine.get("cpu", {}).get("brand_raw") or machine.get("processor") or "?"
    lines = [
        f"- run: {document.get('datetime', '?')}, commit {commit.get('id', '?')[:10]}"
        f"{' (uncommitted changes)' if commit.get('dirty') else ''}",
        f"- machine: {cpu}, {run.get('cpus', '?')} cores, "
        f"Python {machine.get('python_version', '?')}, {machine.get('system', '?')}",
        f"- versions: {versions}" if versions else "- versions: ?",
        f"- options: {run.get('options', {})}",
    ]
    load = run.get("load_average")
    if load:
        start, end = (", ".join(f"{x:.1f}" for x in load[key]) for key in ("start", "end"))
        lines.append(f"- load average (1, 5, 15 min) at start: {start}; at end: {end}")
    return lines


def write_results(
    benchmark_json: Path,
    relevance_json: Path | None,
    out: Path,
    plot: Path,
    extra_jsons: Sequence[Path] = (),
) -> None:
    document = json.loads(benchmark_json.read_text(encoding="utf-8"))
    measurements = load_measurements(document)
    extra_runs = []
    for number, path in enumerate(extra_jsons):
        label = chr(ord("B") + number)
        extra = json.loads(path.read_text(encoding="utf-8"))
        labelled = load_measurements(extra, label)
        corpora = sorted({m["corpus"] for m in labelled if "corpus" in m})
        extra_runs.append((label, path, extra, corpora))
        kept = {(m["kind"], m.get("corpus")) for m in measurements}
        # a corpus the main run measured is not shown twice
        measurements += [m for m in labelled if (m["kind"], m.get("corpus")) not in kept]
    relevance = (
        json.loads(relevance_json.read_text(encoding="utf-8"))
        if relevance_json and relevance_json.is_file()
        else None
    )
    lines = [
        "# Benchmark results",
        "",
        "Generated by `python -m benchmarks.make_results` from one run's JSON "
        f"(`{_relative(benchmark_json, out)}`"
        + (f", `{_relative(relevance_json, out)}`" if relevance else "")
        + "); do not edit by hand.  How to run: [README.md](README.md).",
        "",
        *_describe_run(document),
        "",
    ]
    for label, path, extra, corpora in extra_runs:
        lines += [
            f'Run {label} (`{_relative(path, out)}`), marked "(run {label})" below, '
            f"measured only {', '.join(corpora)}:",
            "",
            *_describe_run(extra),
            "",
        ]
    lines += [
        "Ratios divide the engine's figure by searchlib's in the same run (0.10 = ten "
        "times less time).  The machine is shared and noisy: compare ratios, not "
        "absolute times across runs.  Each engine is used the way its documentation "
        "shows (see `benchmarks/peers/`).",
        "",
    ]
    sections: list[tuple[str, list[Table]]] = [
        ("Indexing", build_tables(measurements)),
        ("Analysis", analysis_table(measurements)),
        ("Query latency", query_tables(measurements)),
        ("Cold start", cold_table(measurements)),
    ]
    for heading, tables in sections:
        if tables:
            lines += [f"## {heading}", ""]
            for table in tables:
                lines += markdown_table(table)
    if plot_scaling(measurements, plot):
        lines += [
            "## Scale",
            "",
            *[line for table in scale_table(measurements) for line in markdown_table(table)],
            f"![build time and query latency against corpus size]({_relative(plot, out)})",
            "",
            "The corpora differ in more than their number of documents: bundled news "
            "articles are long (13 MB in 3,789), Reuters "
            "stories short, and resampled corpora are made of real titles and sentences "
            "drawn at random (see `benchmarks/corpora.py`): their words are real, their "
            "topics are not.",
            "",
        ]
    tables = relevance_tables(relevance)
    if relevance and tables:
        lines += [
            "## Relevance",
            "",
            f"Every judged query as plain text, top {relevance['depth']}, "
            f"judgments {relevance['judgments']}, trec_eval's measures "
            "through ir-measures.  The reference row is what the issue reported; "
            "where a peer differs, README.md says why.",
            "",
        ]
        for table in tables:
            lines += markdown_table(table)
    out.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")


def _relative(path: Path | None, out: Path) -> str:
    if path is None:
        return ""
    try:
        return str(path.resolve().relative_to(out.resolve().parent))
    except ValueError:
        return str(path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--benchmark-json", type=Path, default=RESULTS_DIR / "benchmark.json")
    parser.add_argument("--relevance-json", type=Path, default=RESULTS_DIR / "relevance.json")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--plot", type=Path, default=RESULTS_DIR / "scaling.png")
    parser.add_argument(
        "--extra-json",
        type=Path,
        action="append",
        default=[],
        help="another run's benchmark JSON, for corpora the main run did not measure",
    )
    args = parser.parse_args(argv)
    write_results(args.benchmark_json, args.relevance_json, args.out, args.plot, args.extra_json)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
