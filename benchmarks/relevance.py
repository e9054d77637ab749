"""Relevance of searchlib and its peers on the classic test collections.

For each collection (CISI, CRAN, MED, NPL from ``../shared/data/smart``)
and each peer: index the documents (title and text as the loaders give
them), run every judged query as plain text (top 1000), and score the run
with ``searchlib.evaluation.measures`` (trec_eval's code through ir-measures).

Two choices, so that the numbers compare with the published ones:

* Judgments are binary: a grade of 1 or more is relevant.  CRAN's loader
  keeps Cleverdon's four degrees as grades 4..1 (and -1 as 0, judged not
  relevant); here they all become 1, as in the reference numbers.
* The run is scored in each engine's own order: a hit's score for
  trec_eval is made from its rank, since trec_eval would sort by score and
  searchlib ranks documents holding all the words above the others
  whatever their BM25 score.  Ties keep the engine's order too.

Usable as a script; it prints a table per collection and writes the JSON
that ``make_results.py`` reads::

    python -m benchmarks.relevance --out .benchmarks/results/relevance.json
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchmarks.peers import PEER_NAMES, load_engine, missing_requirements
from benchmarks.shared_data import shared_path

COLLECTIONS = ("cisi", "cran", "med", "npl")
MEASURES = ("nDCG@10", "AP@1000", "P@10", "R@100", "R@1000")
DEPTH = 1000

# nDCG@10 with binary judgments, measured by whoever filed the issue.
REFERENCE_NDCG10: dict[str, dict[str, float]] = {
    "cisi": {"bm25s": 0.396, "fts5": 0.381, "tantivy": 0.314, "whoosh": 0.305},
    "cran": {"bm25s": 0.388, "tantivy": 0.384, "fts5": 0.379},
    "med": {"tantivy": 0.702, "bm25s": 0.696, "fts5": 0.690, "whoosh": 0.713},
}


@dataclass(frozen=True)
class PeerScores:
    """One peer's means on one collection, with what it took."""

    collection: str
    peer: str
    mean: dict[str, float]
    queries: int
    build_seconds: float
    search_seconds: float
    empty_queries: int
    """Judged queries for which the engine returned nothing."""


def binary_qrels(qrels: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    """Grades >= 1 -> 1, others -> 0 (still judged)."""
    return {
        query_id: {doc_id: int(grade >= 1) for doc_id, grade in grades.items()}
        for query_id, grades in qrels.items()
    }


def rank_scores(ranked: Sequence[tuple[str, float]]) -> dict[str, float]:
    """Scores that put trec_eval's order equal to the engine's: n, n-1, ... 1."""
    return {doc_id: float(len(ranked) - rank) for rank, (doc_id, _) in enumerate(ranked)}


def load_collection(name: str) -> Any:
    from searchlib.evaluation.collections import load_smart_collection

    folder = shared_path("smart", name)
    if folder is None:
        raise FileNotFoundError(f"no shared data for {name}")
    return load_smart_collection(name, folder)


def score_peer(peer: str, collection: Any, workdir: Path) -> PeerScores:
    """Build, run the judged queries, evaluate."""
    from searchlib.evaluation.measures import evaluate_run

    engine = load_engine(peer)
    started = time.perf_counter()
    engine.build(collection.articles, workdir)
    built = time.perf_counter()
    run: dict[str, dict[str, float]] = {}
    empty = 0
    for query_id, text in collection.queries.items():
        if query_id not in collection.qrels:
            continue  # unjudged (36 of CISI's): trec_eval would ignore its results
        ranked = engine.search(text, DEPTH)
        empty += not ranked
        run[query_id] = rank_scores(ranked)
    searched = time.perf_counter()
    engine.close()
    result = evaluate_run(run, binary_qrels(collection.qrels), MEASURES)
    return PeerScores(
        collection.name,
        peer,
        {name: round(value, 4) for name, value in result.mean.items()},
        result.query_count,
        round(built - started, 3),
        round(searched - built, 3),
        empty,
    )


def evaluate(
    collections: Sequence[str], peers: Sequence[str], workdir: Path, log: Any = None
) -> list[PeerScores]:
    scores = []
    for name in collections:
        collection = load_collection(name)
        for peer in peers:
            scored = score_peer(peer, collection, workdir / name / peer)
            if log is not None:
                print(f"{name:5} {peer:10} nDCG@10 {scored.mean['nDCG@10']:.3f}", file=log)
            scores.append(scored)
    return scores


def format_tables(scores: Sequence[PeerScores]) -> str:
    """A table per collection: a row per measure, a column per peer."""
    lines = []
    for name in dict.fromkeys(s.collection for s in scores):
        rows = [s for s in scores if s.collection == name]
        header = f"{name.upper():9}" + "".join(f"{s.peer:>11}" for s in rows)
        lines += [header, "-" * len(header)]
        for measure in MEASURES:
            lines.append(f"{measure:9}" + "".join(f"{s.mean[measure]:11.3f}" for s in rows))
        reference = REFERENCE_NDCG10.get(name, {})
        if reference:
            cells = "".join(
                f"{reference[s.peer]:11.3f}" if s.peer in reference else f"{'':11}" for s in rows
            )
            lines.append(f"{'reference':9}{cells}")
        lines.append(f"{'queries':9}" + "".join(f"{s.queries:11d}" for s in rows))
        lines.append("")
    return "\n".join(lines)


def relevance_document(scores: Sequence[PeerScores]) -> dict[str, Any]:
    """What ``make_results.py`` reads: the scores and how they were made."""
    return {
        "kind": "searchlib-relevance",
        "measures": list(MEASURES),
        "judgments": "binary (grade >= 1)",
        "depth": DEPTH,
        "machine": platform.platform(),
        "python": platform.python_version(),
        "reference_ndcg10": REFERENCE_NDCG10,
        "scores": [asdict(s) for s in scores],
    }


def save_json(scores: Sequence[PeerScores], path: Path) -> dict[str, Any]:
    document = relevance_document(scores)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    return document


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--collections", default=",".join(COLLECTIONS))
    parser.add_argument("--peers", default=",".join(PEER_NAMES))
    parser.add_argument("--out", type=Path, help="write the scores as JSON here")
    args = parser.parse_args(argv)
    peers = [p for p in args.peers.split(",") if p]
    for peer in peers:
        if missing := missing_requirements(peer):
            parser.error(f"peer {peer} needs {', '.join(missing)}: pip install '.[bench]'")
    with tempfile.TemporaryDirectory(prefix="searchlib-relevance-") as workdir:
        scores = evaluate(args.collections.split(","), peers, Path(workdir), log=sys.stderr)
    print(format_tables(scores))
    if args.out:
        save_json(scores, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
