"""The synonym test set: does the shipped list help, and does it hurt?

    python benchmarks/synonym_eval.py [--index DIR] [--per-query]

benchmarks/synonym_testset/*.tsv (id, query, relevance pattern) -> judgments
built from the bundled corpus (corpus/: newsarticles.jsonl.gz and the seed
article) -> two runs on an index of that corpus, synonyms on and off ->
nDCG@10, R@100 and AP from searchlib's own evaluation (trec_eval's measures).

An article is relevant to a query when its title, subtitle or text matches
the query's pattern: the entity's names, or the topic's wording, written by
hand in the test set and not derived from the synonym list (they include
names the list lacks, and the list has names they lack).  ``entities.tsv``
holds queries written in one variant of a name whose articles often use
another (Kyiv / Kiev, Daesh / Islamic State, Kremlin for the Russian
leadership); ``topics.tsv`` holds queries with no such variant, which must
lose nothing.  The pattern is a Python regular expression, case-sensitive
unless it says ``(?i)``, searched in the whole article.

Queries are searched as the ``search`` command does (query syntax, articles
with all the words first), 1,000 hits each; a hit's score for the
evaluation is its rank, reversed, since the tiers are not in score order.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import searchlib
from searchlib.evaluation.measures import EvaluationResult, evaluate_run

REPO = Path(__file__).resolve().parents[1]
TESTSET = REPO / "benchmarks" / "synonym_testset"
GROUPS = {"variant": TESTSET / "entities.tsv", "no-variant": TESTSET / "topics.tsv"}
BUNDLED_CORPUS = REPO / "corpus"
MEASURES = ("nDCG@10", "R@100", "AP")
LIMIT = 1000
COLUMNS = ["id", "query", "relevant"]


@dataclass(frozen=True)
class JudgedQuery:
    """A query of the test set and the pattern that makes an article relevant to it."""

    id: str
    query: str
    relevant: re.Pattern[str]


def read_testset(path: Path) -> list[JudgedQuery]:
    """The queries of one test-set file (TSV with a header: id, query, relevant)."""
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or rows[0] != COLUMNS:
        raise ValueError(f"{path}: the header must be {' '.join(COLUMNS)}")
    queries = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(COLUMNS):
            raise ValueError(f"{path}:{number}: {len(row)} columns, not {len(COLUMNS)}")
        queries.append(JudgedQuery(row[0], row[1], re.compile(row[2])))
    return queries


def article_text(article: searchlib.Article) -> str:
    return "\n".join(part for part in (article.title, article.subtitle, article.text) if part)


def judge(
    articles: Iterable[searchlib.Article], queries: Sequence[JudgedQuery]
) -> dict[str, dict[str, int]]:
    """Binary judgments: query id -> id of each article its pattern matches -> 1."""
    qrels: dict[str, dict[str, int]] = {query.id: {} for query in queries}
    for article in articles:
        text = article_text(article)
        for query in queries:
            if query.relevant.search(text):
                qrels[query.id][article.id] = 1
    return qrels


def search_run(
    index: searchlib.Index, queries: Sequence[JudgedQuery]
) -> dict[str, dict[str, float]]:
    """query id -> article id -> a score that orders the hits as ranked."""
    return {
        query.id: {
            hit.id: float(LIMIT + 1 - hit.rank)
            for hit in index.search(query.query, limit=LIMIT, snippets=False)
        }
        for query in queries
    }


@dataclass(frozen=True)
class GroupResult:
    """One group of queries, scored without and with synonyms."""

    name: str
    queries: list[JudgedQuery]
    relevant: dict[str, int]
    without: EvaluationResult
    with_synonyms: EvaluationResult


def evaluate_testset(index_path: Path, corpus: Path = BUNDLED_CORPUS) -> list[GroupResult]:
    """Every group of the test set, judged on ``corpus`` and searched in the
    index at ``index_path`` (built from that corpus) with synonyms off and on."""
    groups = {name: read_testset(path) for name, path in GROUPS.items()}
    every_query = [query for queries in groups.values() for query in queries]
    qrels = judge(searchlib.read_articles(corpus), every_query)
    results = []
    with (
        searchlib.open_index(index_path, use_synonyms=False) as plain,
        searchlib.open_index(index_path, use_synonyms=True) as expanded,
    ):
        for name, queries in groups.items():
            judged = {query.id: qrels[query.id] for query in queries}
            results.append(
                GroupResult(
                    name,
                    queries,
                    {query_id: len(grades) for query_id, grades in judged.items()},
                    evaluate_run(search_run(plain, queries), judged, MEASURES),
                    evaluate_run(search_run(expanded, queries), judged, MEASURES),
                )
            )
    return results


def render(results: Sequence[GroupResult], per_query: bool = False) -> str:
    header = f"{'':<28}{'queries':>8}{'relevant':>9}" + "".join(
        f"{measure:>10}{'+syn':>8}" for measure in MEASURES
    )
    lines = [header]
    for group in results:
        if per_query:
            for query in group.queries:
                lines.append(
                    _row(
                        f"  {query.id}",
                        "",
                        group.relevant[query.id],
                        group.without.per_query[query.id],
                        group.with_synonyms.per_query[query.id],
                    )
                )
        lines.append(
            _row(
                group.name,
                len(group.queries),
                sum(group.relevant.values()),
                group.without.mean,
                group.with_synonyms.mean,
            )
        )
    lines.append("(first column of each measure: without synonyms; +syn: with the shipped list)")
    return "\n".join(lines)


def _row(
    label: str,
    queries: int | str,
    relevant: int,
    without: dict[str, float],
    with_synonyms: dict[str, float],
) -> str:
    return f"{label:<28}{queries!s:>8}{relevant:>9}" + "".join(
        f"{without[m]:>10.3f}{with_synonyms[m]:>8.3f}" for m in MEASURES
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="an index of corpus/ (built if not given)")
    parser.add_argument("--per-query", action="store_true", help="also show each query")
    args = parser.parse_args(argv)
    if args.index is not None:
        print(render(evaluate_testset(args.index), args.per_query))
        return 0
    with tempfile.TemporaryDirectory() as folder:
        print(f"building an index of {BUNDLED_CORPUS} ...", file=sys.stderr)
        searchlib.build_index(BUNDLED_CORPUS, Path(folder) / "index").close()
        print(render(evaluate_testset(Path(folder) / "index"), args.per_query))
    return 0


if __name__ == "__main__":
    sys.exit(main())
