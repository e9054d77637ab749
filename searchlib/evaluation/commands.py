"""``searchlib run``, ``searchlib eval`` and ``searchlib convert``.

Thin click commands over ``runner``, ``measures``, ``trec`` and
``collections``: parse, call, render.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from searchlib.cli_options import F, index_option, reports_errors
from searchlib.evaluation.collections import (
    SMART_COLLECTIONS,
    TestCollection,
    load_bbc_articles,
    load_beir_collection,
    load_reuters_articles,
    load_smart_collection,
)
from searchlib.evaluation.runner import Run, binary_judgments, run_queries
from searchlib.evaluation.trec import (
    convert_collection,
    read_queries_tsv,
    read_trec_qrels,
    read_trec_run,
    write_trec_run,
)
from searchlib.ranking import RankingSettings
from searchlib.search import open_index

FORMATS = ("smart", "beir", "reuters", "bbc")
DEFAULT_MEASURE_NAMES = ("nDCG@10", "AP@1000", "P@10", "R@100", "R@1000")


def _search_run(
    index_path: Path,
    queries_path: Path,
    limit: int,
    k1: float,
    b: float,
    k3: float,
    no_synonyms: bool,
    synonym_files: tuple[Path, ...],
) -> Run:
    queries = read_queries_tsv(queries_path)
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty() and (done % 10 == 0 or done == total):
            click.echo(f"\rsearched {done}/{total} queries", err=True, nl=False)

    def skipped(query_id: str, reason: str) -> None:
        click.echo(f"warning: query {query_id} skipped: {reason}", err=True)

    with open_index(
        index_path,
        use_synonyms=not no_synonyms,
        synonym_files=[str(p) for p in synonym_files],
        ranking=RankingSettings(k1=k1, b=b, k3=k3),
    ) as index:
        run = run_queries(index, queries, limit=limit, on_progress=progress, on_skip=skipped)
    if sys.stderr.isatty():
        click.echo("", err=True)
    click.echo(
        f"searched {len(queries)} queries in {time.perf_counter() - started:.1f} s", err=True
    )
    return run


def ranking_options(command: F) -> F:
    for option in reversed(
        [
            click.option("--limit", default=1000, show_default=True, type=click.IntRange(1)),
            click.option("--k1", type=click.FloatRange(min=0), default=RankingSettings.k1),
            click.option("--b", "b", type=click.FloatRange(0, 1), default=RankingSettings.b),
            click.option(
                "--k3",
                type=click.FloatRange(min=0),
                default=RankingSettings.k3,
                help="How much a repeated query word counts (0: once).",
            ),
            click.option("--no-synonyms", is_flag=True, help="Search the words as written."),
            click.option(
                "--synonyms",
                "synonym_files",
                multiple=True,
                type=click.Path(dir_okay=False, path_type=Path),
                help="Extra synonym file (repeatable).",
            ),
        ]
    ):
        command = option(command)
    return command


@click.command(name="run")
@index_option
@click.option(
    "--queries",
    "queries_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Queries as TSV: qid<TAB>text.",
)
@click.option("--tag", default="searchlib", show_default=True, help="Run tag (last column).")
@ranking_options
@reports_errors
def run_command(
    index_path: Path,
    queries_path: Path,
    tag: str,
    limit: int,
    k1: float,
    b: float,
    k3: float,
    no_synonyms: bool,
    synonym_files: tuple[Path, ...],
) -> None:
    """Search every query of a TSV file as plain words and print a TREC run
    (qid Q0 docid rank score tag)."""
    run = _search_run(index_path, queries_path, limit, k1, b, k3, no_synonyms, synonym_files)
    write_trec_run(run, sys.stdout, tag=tag)


@click.command(name="eval")
@click.option("--run", "run_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--qrels", "qrels_path", required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@click.option("--index", "index_path", type=click.Path(file_okay=False, path_type=Path))
@click.option("--queries", "queries_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--measure",
    "measures",
    multiple=True,
    default=DEFAULT_MEASURE_NAMES,
    show_default=True,
    help="A measure in ir-measures' notation (repeatable).",
)
@click.option("--binary", is_flag=True, help="Count every grade above 0 as simply relevant.")
@click.option("--per-query", is_flag=True, help="Also show each query's scores.")
@click.option("--json", "as_json", is_flag=True)
@ranking_options
@reports_errors
def eval_command(
    run_path: Path | None,
    qrels_path: Path,
    index_path: Path | None,
    queries_path: Path | None,
    measures: tuple[str, ...],
    binary: bool,
    per_query: bool,
    as_json: bool,
    limit: int,
    k1: float,
    b: float,
    k3: float,
    no_synonyms: bool,
    synonym_files: tuple[Path, ...],
) -> None:
    """Score a TREC run against TREC qrels: nDCG@10, MAP, P@10, R@100, R@1000.

    Give --run FILE, or --index and --queries to search and score in one step.
    """
    from searchlib.evaluation.measures import evaluate_run

    if run_path is not None:
        run = read_trec_run(run_path)
    elif index_path is not None and queries_path is not None:
        run = _search_run(index_path, queries_path, limit, k1, b, k3, no_synonyms, synonym_files)
    else:
        raise click.UsageError("give --run FILE, or --index PATH and --queries FILE")
    qrels = read_trec_qrels(qrels_path)
    if binary:
        qrels = binary_judgments(qrels)
    result = evaluate_run(run, qrels, measures)
    if as_json:
        payload: dict[str, object] = {"queries": result.query_count, "mean": result.mean}
        if per_query:
            payload["per_query"] = result.per_query
        click.echo(json.dumps(payload, indent=2))
        return
    names = list(result.mean)
    click.echo("query    " + "  ".join(f"{name:>8}" for name in names))
    if per_query:
        for query_id, scores in result.per_query.items():
            click.echo(f"{query_id:<8} " + "  ".join(f"{scores[n]:>8.4f}" for n in names))
    click.echo(f"{'all':<8} " + "  ".join(f"{result.mean[n]:>8.4f}" for n in names))
    click.echo(f"({result.query_count} judged queries)", err=True)


@click.command(name="convert")
@click.argument("source_format", type=click.Choice(FORMATS))
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--collection",
    type=click.Choice(sorted(SMART_COLLECTIONS)),
    help="Which SMART collection SOURCE holds (default: the folder's name).",
)
@reports_errors
def convert_command(
    source_format: str, source: Path, out_dir: Path, collection: str | None
) -> None:
    """Turn a test collection into a searchlib corpus (corpus.jsonl), queries
    (queries.tsv) and judgments (qrels.txt) in OUT_DIR.

    Formats: smart (CISI, CRAN, MED, NPL, LISA, ADI folders), beir (corpus.jsonl,
    queries.jsonl, qrels/test.tsv), reuters (Reuters-21578 .sgm folder), bbc
    (BBC News category folders).
    """
    loaded = _load_collection(source_format, source, collection)
    files = convert_collection(loaded, out_dir)
    click.echo(
        f"wrote {files.corpus} ({len(loaded.articles):,} articles), "
        f"{files.queries} ({len(loaded.queries)} queries), {files.qrels}",
        err=True,
    )


def _load_collection(source_format: str, source: Path, collection: str | None) -> TestCollection:
    def warn(problem: object) -> None:
        click.echo(f"warning: {problem}", err=True)

    if source_format == "smart":
        name = collection or source.name.lower()
        return load_smart_collection(name, source, on_problem=warn)
    if source_format == "beir":
        return load_beir_collection(source, on_problem=warn)
    articles = (
        load_reuters_articles(source, on_problem=warn)
        if source_format == "reuters"
        else load_bbc_articles(source, on_problem=warn)
    )
    return TestCollection(name=source_format, articles=list(articles), queries={}, qrels={})
