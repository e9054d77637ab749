"""Articles -> an index on disk, with its saved settings.

Reads articles (from a corpus path or any iterable of ``Article``), analyses
them with the chain of ``analysis``, and writes them:

* ``write_index`` builds a new index generation and switches to it (see
  ``storage`` for the layout and why a rebuild cannot hurt the index that
  readers are using);
* ``updating`` changes the current generation in place instead.

Bad records are reported and skipped; the rest are indexed.  A corpus is a
set of articles: of two with the same id the first wins, as in
``read_articles``, and the other is reported.  ``saved_settings`` reads
back what an index saved.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import time
from collections.abc import Iterable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from searchlib.analysis import AnalysisSettings, Analyzer
from searchlib.batch_writing import (
    BatchWriter,
    default_workers,
    remove_stem_runs,
    saved_stems,
    text_size,
)
from searchlib.corpus import ProblemHandler, ProblemLog, first_of_each_id, read_articles
from searchlib.document_store import DocumentStoreWriter
from searchlib.errors import CorpusError, IncompatibleIndexError, IndexProblem
from searchlib.impact_writing import write_impact
from searchlib.manifest import BUILD_MEMORY_MB, DEFAULT_LOCK_TIMEOUT, SYNONYM_CACHE_DIR
from searchlib.models import Article, BuildReport, CorpusProblem, ProgressHandler
from searchlib.schema import build_schema
from searchlib.segment_writing import commit_segments
from searchlib.storage import (
    FORMAT_NAME,
    FORMAT_VERSION,
    DurableFileStorage,
    clean_up,
    fsync_tree,
    new_generation,
    read_manifest,
    remove_stale_generations,
    remove_temporary_files,
    write_manifest,
    write_stem_table,
    writer_lock,
)
from searchlib.term_vectors import write_vectors

PROGRESS_EVERY = 500


def write_index(
    source: str | Path | Iterable[Article],
    index_dir: str | Path,
    *,
    settings: AnalysisSettings | None = None,
    on_problem: ProblemHandler | None = None,
    on_progress: ProgressHandler | None = None,
    memory_mb: int = BUILD_MEMORY_MB,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    workers: int | None = None,
) -> BuildReport:
    """Build (or rebuild) the index at ``index_dir`` from ``source``.

    The previous index, if any, answers queries until the new one is
    complete, then is replaced in one step.  The build holds about
    ``memory_mb`` of memory at most, whatever the corpus size, and writes
    with ``workers`` processes (by default one per core, at most two) when
    the corpus is larger than one batch.
    """
    started = time.perf_counter()
    index_dir = Path(index_dir)
    analyzer = Analyzer(settings)
    problems = ProblemLog(on_problem)
    if isinstance(source, (str, Path)):
        articles: Iterable[Article] = read_articles(source, problems)
    else:
        articles = _unique_articles(source, problems)

    with writer_lock(index_dir, lock_timeout):
        _clean_up_before_build(index_dir)
        generation = new_generation(index_dir)
        generation_dir = index_dir / generation
        generation_dir.mkdir()
        try:
            indexed = _write_generation(
                articles,
                generation_dir,
                analyzer,
                on_progress,
                memory_mb,
                default_workers() if workers is None else workers,
                _expected_bytes(source),
            )
            if indexed == 0:
                where = source if isinstance(source, (str, Path)) else "the input"
                raise CorpusError(
                    f"no articles to index in {where} ({len(problems.problems)} bad records); "
                    "the existing index, if any, is kept"
                )
            write_manifest(index_dir, _manifest(analyzer, generation, indexed, problems.skipped))
        except BaseException:
            shutil.rmtree(generation_dir, ignore_errors=True)
            raise
        remove_stale_generations(index_dir, keep=generation)
    _prepare_synonym_cache(index_dir, analyzer)
    return BuildReport(
        indexed=indexed,
        skipped=problems.skipped,
        repaired=problems.repaired,
        seconds=time.perf_counter() - started,
        problems=tuple(problems.problems),
    )


def _write_generation(
    articles: Iterable[Article],
    generation_dir: Path,
    analyzer: Analyzer,
    on_progress: ProgressHandler | None,
    memory_mb: int,
    workers: int,
    expected_bytes: int | None,
) -> int:
    storage = DurableFileStorage(str(generation_dir))
    engine = storage.create_index(build_schema())
    batches = BatchWriter(
        generation_dir,
        analyzer,
        memory_mb=memory_mb,
        workers=workers,
        expected_bytes=expected_bytes,
    )
    # Nothing kept per document in memory: ids are read back from the store.
    documents = DocumentStoreWriter(generation_dir)
    indexed = 0
    try:
        try:
            for article in articles:
                batches.add(article)
                documents.add(indexed, article)
                indexed += 1
                if on_progress is not None and indexed % PROGRESS_EVERY == 0:
                    on_progress(indexed)
            written = batches.finish()
        except BaseException:
            batches.cancel()
            raise
        commit_segments(storage, engine.schema, [batch.segment for batch in written])
        engine = storage.open_index()
        _check_document_numbers(engine, indexed, documents)
        write_impact(
            generation_dir,
            [batch.number for batch in written],
            indexed,
            documents.numbers_by_id(),
            engine.latest_generation(),
        )
    except BaseException:
        documents.cancel()
        raise
    documents.close()
    write_vectors(generation_dir, [batch.number for batch in written])
    write_stem_table(generation_dir, saved_stems(generation_dir))
    remove_stem_runs(generation_dir)
    remove_temporary_files(generation_dir)
    fsync_tree(generation_dir)  # before the manifest names this generation
    if on_progress is not None:
        on_progress(indexed)
    return indexed


def _expected_bytes(source: object) -> int | None:
    """The size of the articles' text, when they are all at hand (a list)."""
    if not isinstance(source, Sequence) or isinstance(source, str):
        return None
    return sum(text_size(a) for a in source if isinstance(a, Article) and _has_text(a))


def _has_text(article: Article) -> bool:
    return all(isinstance(text, str) for text in (article.title, article.subtitle, article.text))


def _check_document_numbers(engine: Any, count: int, documents: DocumentStoreWriter) -> None:
    """The fast path numbers documents in the order they were added, as
    whoosh does in a fresh index; make sure it did (a sample suffices)."""
    with engine.reader() as reader:
        if reader.doc_count_all() != count:
            raise RuntimeError("whoosh holds another number of documents than were added")
        sample = sorted({0, count // 2, count - 1}) if count else []
        for number, added in zip(sample, documents.ids(sample), strict=True):
            if reader.stored_fields(number)["id"] != added:
                raise RuntimeError("whoosh numbered the new index's documents unexpectedly")


def _prepare_synonym_cache(index_dir: Path, analyzer: Analyzer) -> None:
    """Analyse the shipped synonym list now, with the stemmer already
    loaded, so that the first search does not pay for it."""
    from searchlib.analysis.synonym_map import load_synonym_map

    load_synonym_map(analyzer, cache_dir=index_dir / SYNONYM_CACHE_DIR)


def _clean_up_before_build(index_dir: Path) -> None:
    """Remove what a killed writer left, keeping the generation readers use."""
    try:
        keep = read_manifest(index_dir)["generation"]
    except (IndexProblem, OSError):
        return  # no index, or one the build is about to replace: nothing to keep apart
    # A damaged index is replaced by this build; its folders go after the switch.
    with contextlib.suppress(IncompatibleIndexError):
        clean_up(index_dir, keep)


def _unique_articles(articles: Iterable[Article], report: ProblemHandler) -> Iterable[Article]:
    """Articles with the first of each id kept: whoosh would index both."""
    placed = (
        (article, ("<articles>", number))
        for number, article in enumerate(articles, start=1)
        if well_formed(article, number, report)
    )
    return first_of_each_id(placed, report)


def well_formed(article: object, number: int, report: ProblemHandler) -> bool:
    """Whether an article given through the API can be indexed; reports it if not."""
    if not isinstance(article, Article):
        reason = f"not an Article but a {type(article).__name__}"
    elif not isinstance(article.id, str) or not article.id.strip():
        reason = "missing id (a non-empty string is required)"
    else:
        wrong = [
            name
            for name in ("title", "text", "subtitle")
            if not isinstance(getattr(article, name), str)
        ] + [
            name
            for name in ("source", "url")
            if not isinstance(getattr(article, name), (str, type(None)))
        ]
        if article.date is not None and not isinstance(article.date, dt.date):
            wrong.append("date")
        if not wrong:
            return True
        reason = (
            f"field {wrong[0]!r} has the wrong type ({type(getattr(article, wrong[0])).__name__})"
        )
    report(CorpusProblem("<articles>", number, reason))
    return False


def _manifest(analyzer: Analyzer, generation: str, indexed: int, skipped: int) -> dict[str, Any]:
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "searchlib_version": searchlib_version(),
        "generation": generation,
        "analysis": analyzer.describe(),
        "documents": indexed,
        "skipped": skipped,
        "built": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }


def searchlib_version() -> str:
    try:
        return metadata.version("searchlib")
    except metadata.PackageNotFoundError:
        return "unknown"
