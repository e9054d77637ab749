"""Articles -> an index on disk, with its saved settings.

Reads articles (from a corpus path or any iterable of ``Article``), analyses
them with the chain of ``analysis``, and writes a new index generation
(see ``storage`` for the layout and why a rebuild cannot hurt the index that
readers are using).  Bad records are reported and skipped; the rest are
indexed.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from searchlib.analysis import AnalysisSettings, Analyzer
from searchlib.corpus import ProblemHandler, read_articles
from searchlib.errors import CorpusError
from searchlib.impact import ImpactWriter
from searchlib.models import Article, CorpusProblem
from searchlib.schema import analyse_article, article_fields, build_schema
from searchlib.storage import (
    FORMAT_NAME,
    FORMAT_VERSION,
    DurableFileStorage,
    new_generation,
    remove_stale_generations,
    write_manifest,
    write_stem_table,
    writer_lock,
)

ProgressHandler = Callable[[int], None]
SYNONYM_CACHE_DIR = "synonym-cache"
PROGRESS_EVERY = 500
DEFAULT_MEMORY_MB = 128
DEFAULT_LOCK_TIMEOUT = 30.0


@dataclass(frozen=True)
class BuildReport:
    """What a build did."""

    indexed: int
    skipped: int
    repaired: int
    seconds: float
    problems: tuple[CorpusProblem, ...] = field(default=(), repr=False)


def write_index(
    source: str | Path | Iterable[Article],
    index_dir: str | Path,
    *,
    settings: AnalysisSettings | None = None,
    on_problem: ProblemHandler | None = None,
    on_progress: ProgressHandler | None = None,
    memory_mb: int = DEFAULT_MEMORY_MB,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> BuildReport:
    """Build (or rebuild) the index at ``index_dir`` from ``source``.

    The previous index, if any, answers queries until the new one is
    complete, then is replaced in one step.
    """
    started = time.perf_counter()
    index_dir = Path(index_dir)
    analyzer = Analyzer(settings)
    problems: list[CorpusProblem] = []

    def record_problem(problem: CorpusProblem) -> None:
        problems.append(problem)
        if on_problem is not None:
            on_problem(problem)

    if isinstance(source, (str, Path)):
        articles: Iterable[Article] = read_articles(source, record_problem)
    else:
        articles = _unique_articles(source, record_problem)

    with writer_lock(index_dir, lock_timeout):
        generation = new_generation(index_dir)
        generation_dir = index_dir / generation
        generation_dir.mkdir()
        try:
            indexed = _write_generation(articles, generation_dir, analyzer, on_progress, memory_mb)
            if indexed == 0:
                where = source if isinstance(source, (str, Path)) else "the input"
                raise CorpusError(
                    f"no articles to index in {where} ({len(problems)} bad records); "
                    "the existing index, if any, is kept"
                )
            write_manifest(index_dir, _manifest(analyzer, generation, indexed, problems))
        except BaseException:
            shutil.rmtree(generation_dir, ignore_errors=True)
            raise
        remove_stale_generations(index_dir, keep=generation)
    _prepare_synonym_cache(index_dir, analyzer)
    return BuildReport(
        indexed=indexed,
        skipped=sum(p.skipped for p in problems),
        repaired=sum(not p.skipped for p in problems),
        seconds=time.perf_counter() - started,
        problems=tuple(problems),
    )


def _write_generation(
    articles: Iterable[Article],
    generation_dir: Path,
    analyzer: Analyzer,
    on_progress: ProgressHandler | None,
    memory_mb: int,
) -> int:
    storage = DurableFileStorage(str(generation_dir))
    engine = storage.create_index(build_schema())
    # Non-compound segments: whoosh copies a compound file wholly into memory
    # when it opens it; separate files are memory-mapped.
    writer = engine.writer(limitmb=memory_mb, compound=False)
    impact = ImpactWriter()
    indexed = 0
    try:
        for article in articles:
            analysed = analyse_article(article, analyzer)
            writer.add_document(**article_fields(article, analysed))
            impact.add(article.id, {"content": analysed.content, "title": analysed.title})
            indexed += 1
            if on_progress is not None and indexed % PROGRESS_EVERY == 0:
                on_progress(indexed)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    _check_document_numbers(engine, impact.document_ids)
    impact.write(generation_dir, engine.latest_generation())
    write_stem_table(generation_dir, analyzer.stem_filter.cache)
    if on_progress is not None:
        on_progress(indexed)
    return indexed


def _check_document_numbers(engine: Any, document_ids: list[str]) -> None:
    """The fast path numbers documents in the order they were added, as
    whoosh does in a fresh index; make sure it did (a sample suffices)."""
    count = len(document_ids)
    with engine.reader() as reader:
        if reader.doc_count_all() != count:
            raise RuntimeError("whoosh holds another number of documents than were added")
        for number in {0, count // 2, count - 1} if count else ():
            if reader.stored_fields(number)["id"] != document_ids[number]:
                raise RuntimeError("whoosh numbered the new index's documents unexpectedly")


def _prepare_synonym_cache(index_dir: Path, analyzer: Analyzer) -> None:
    """Analyse the shipped synonym list now, with the stemmer already
    loaded, so that the first search does not pay for it."""
    from searchlib.analysis.synonym_map import load_synonym_map

    load_synonym_map(analyzer, cache_dir=index_dir / SYNONYM_CACHE_DIR)


def _unique_articles(articles: Iterable[Article], report: ProblemHandler) -> Iterable[Article]:
    """Articles with the first of each id kept: whoosh would index both."""
    seen: set[str] = set()
    for number, article in enumerate(articles, start=1):
        if article.id in seen:
            report(CorpusProblem("<articles>", number, f"duplicate id {article.id!r}"))
            continue
        seen.add(article.id)
        yield article


def _manifest(
    analyzer: Analyzer, generation: str, indexed: int, problems: list[CorpusProblem]
) -> dict[str, Any]:
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "searchlib_version": searchlib_version(),
        "generation": generation,
        "analysis": analyzer.describe(),
        "documents": indexed,
        "skipped": sum(p.skipped for p in problems),
        "built": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }


def searchlib_version() -> str:
    try:
        return metadata.version("searchlib")
    except metadata.PackageNotFoundError:
        return "unknown"
