"""Articles -> changes to an existing index, without rebuilding it.

``update_index`` adds new articles, replaces changed ones (same id) and,
asked to, deletes the ones a corpus no longer holds; ``delete_articles``
deletes by id.  Each call is one whoosh commit on the index's current
generation (see ``storage``): whoosh writes new segment files, then renames
its new table of contents into place, so readers see all of a batch or none
of it, and a writer killed at any moment leaves the last commit intact.
The writer lock is held from the first lookup to the commit.

An article whose stored content hash is unchanged is not written again.
Which of two articles with the same id is kept: a corpus path is a set of
articles, read as a build reads it (the first wins); articles given as an
iterable are a list of changes applied in order (the last wins).  Either
way the other one is reported.

Scores after an update may differ a little from a fresh build until whoosh
merges away the segments holding replaced documents: whoosh counts their
terms in document frequencies until then.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from searchlib.analysis import AnalysisSettings
from searchlib.corpus import ProblemHandler, ProblemLog, SeenIds, read_articles
from searchlib.errors import CorpusError
from searchlib.indexing import PROGRESS_EVERY, well_formed, write_index
from searchlib.manifest import DEFAULT_LOCK_TIMEOUT, DEFAULT_MEMORY_MB
from searchlib.models import Article, CorpusProblem, ProgressHandler, UpdateReport
from searchlib.saved_settings import check_settings, saved_analyzer
from searchlib.schema import analyse_article, article_fields, content_hash
from searchlib.storage import (
    clean_up,
    index_exists,
    open_engine,
    open_writer,
    read_manifest,
    reading_files,
    write_manifest,
    writer_lock,
)


def update_index(
    source: str | Path | Iterable[Article],
    index_dir: str | Path,
    *,
    delete_missing: bool = False,
    replace: bool = True,
    settings: AnalysisSettings | None = None,
    on_problem: ProblemHandler | None = None,
    on_progress: ProgressHandler | None = None,
    memory_mb: int = DEFAULT_MEMORY_MB,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> UpdateReport:
    """Bring the index at ``index_dir`` up to date with ``source``, without
    rebuilding it.

    An article with a new id is added.  One whose id is indexed replaces the
    indexed one if its content changed (with ``replace=False`` it is reported
    and skipped instead) and is left alone if not, at the cost of a lookup.
    With ``delete_missing``, indexed articles that ``source`` does not hold
    are deleted; a source with no article at all is then refused, as it
    would empty the index.  Everything is one commit.  Without an index at
    ``index_dir`` yet, this builds one.  Articles given as an iterable are
    held in memory (the last of each id wins); a corpus path is streamed.
    """
    started = time.perf_counter()
    index_dir = Path(index_dir)
    if not index_exists(index_dir):
        return _first_build(
            source, index_dir, settings, on_problem, on_progress, memory_mb, lock_timeout
        )
    problems = ProblemLog(on_problem)
    if isinstance(source, (str, Path)):
        articles: Iterable[Article] = read_articles(source, problems)
    else:
        articles = _last_of_each_id(source, problems)

    with writer_lock(index_dir, lock_timeout):
        changes = _Changes(index_dir, settings, memory_mb)
        seen = SeenIds()
        try:
            for number, article in enumerate(articles, start=1):
                seen.add(article.id)
                changes.put(article, replace, number, problems)
                if on_progress is not None and number % PROGRESS_EVERY == 0:
                    on_progress(number)
            if delete_missing:
                if not seen:
                    raise CorpusError(
                        f"no articles in {_describe(source)} "
                        f"({len(problems.problems)} bad records): "
                        "deleting the missing ones would empty the index; nothing was changed"
                    )
                for article_id in changes.indexed_ids():
                    if article_id not in seen:
                        changes.delete(article_id)
            documents = changes.finish()
        except BaseException:
            changes.abandon()
            raise
        finally:
            seen.close()
    if on_progress is not None:
        on_progress(len(seen))
    return changes.report(documents, problems, time.perf_counter() - started)


def delete_articles(
    ids: Iterable[str],
    index_dir: str | Path,
    *,
    on_problem: ProblemHandler | None = None,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> UpdateReport:
    """Delete the articles with these ids from the index, in one commit.
    An id that is not indexed is reported and counted as skipped."""
    started = time.perf_counter()
    index_dir = Path(index_dir)
    problems = ProblemLog(on_problem)
    wanted = [ids] if isinstance(ids, str) else list(dict.fromkeys(ids))
    with writer_lock(index_dir, lock_timeout):
        changes = _Changes(index_dir, None, DEFAULT_MEMORY_MB)
        try:
            for number, article_id in enumerate(wanted, start=1):
                if not changes.delete(str(article_id)):
                    problems(CorpusProblem("<ids>", number, f"id {article_id!r} is not indexed"))
            documents = changes.finish()
        except BaseException:
            changes.abandon()
            raise
    return changes.report(documents, problems, time.perf_counter() - started)


class _Changes:
    """One whoosh writer on an index's current generation, counting what it does.

    Create and finish it with the writer lock held.
    """

    def __init__(self, index_dir: Path, settings: AnalysisSettings | None, memory_mb: int) -> None:
        self.index_dir = index_dir
        self.manifest = read_manifest(index_dir)
        self.analyzer = saved_analyzer(index_dir, self.manifest)
        if settings is not None:
            check_settings(index_dir, self.manifest, settings)
        generation = self.manifest["generation"]
        clean_up(index_dir, generation)
        self.engine = open_engine(index_dir, generation, writable=True)
        self.writer = open_writer(index_dir, self.engine, memory_mb)
        # The committed state.  whoosh's update_document would look ids up
        # here too, so it never sees a document added in the same batch:
        # batches are made unique before they come here.
        self.searcher = self.writer.searcher()
        self.added = self.updated = self.deleted = self.unchanged = 0

    def put(self, article: Article, replace: bool, number: int, report: ProblemHandler) -> None:
        docnum = self._find(article.id)
        if docnum is not None:
            with reading_files(self.index_dir):
                indexed_hash = self.searcher.stored_fields(docnum).get("content_hash")
            if indexed_hash == content_hash(article):
                self.unchanged += 1
                return
            if not replace:
                report(
                    CorpusProblem(
                        "<articles>", number, f"id {article.id!r} is indexed already (update it)"
                    )
                )
                return
            self.writer.delete_document(docnum)
            self.updated += 1
        else:
            self.added += 1
        fields = article_fields(article, analyse_article(article, self.analyzer))
        # An index written by an earlier version may lack a newer stored field.
        schema = self.writer.schema
        self.writer.add_document(
            **{k: v for k, v in fields.items() if k in schema or k.startswith("_stored_")}
        )

    def _find(self, article_id: str) -> int | None:
        """The number of the committed document with this id, if any."""
        with reading_files(self.index_dir):
            docnum = self.searcher.document_number(id=article_id)
        return None if docnum is None else int(docnum)

    def delete(self, article_id: str) -> bool:
        docnum = self._find(article_id)
        if docnum is None:
            return False
        self.writer.delete_document(docnum)
        self.deleted += 1
        return True

    def indexed_ids(self) -> list[str]:
        """The ids of the committed documents (not those deleted)."""
        with reading_files(self.index_dir):
            terms = list(self.searcher.reader().field_terms("id"))
        return [article_id for article_id in terms if self._find(article_id) is not None]

    def finish(self) -> int:
        """Commit (or, with nothing changed, drop) the writer; update the
        manifest's count.  The number of documents now in the index."""
        changed = bool(self.added or self.updated or self.deleted)
        if changed:
            # Merging reads older segments: damage there shows now.
            with reading_files(self.index_dir):
                self.writer.commit()
        else:
            self.cancel()
        documents = int(self.engine.doc_count())
        # A writer killed between whoosh's commit and this line left the
        # count behind: any later update puts it right.
        if changed or documents != self.manifest.get("documents"):
            write_manifest(self.index_dir, _counted(self.manifest, documents))
        return documents

    def cancel(self) -> None:
        """Drop the writer and the files of the segment it had begun (whoosh
        leaves them behind)."""
        if not self.writer.is_closed:
            self.writer.cancel()
        clean_up(self.index_dir, self.manifest["generation"])

    def abandon(self) -> None:
        """``cancel`` while another error is on its way: that one is kept."""
        with contextlib.suppress(Exception):
            self.cancel()

    def report(self, documents: int, problems: ProblemLog, seconds: float) -> UpdateReport:
        return UpdateReport(
            added=self.added,
            updated=self.updated,
            deleted=self.deleted,
            unchanged=self.unchanged,
            skipped=problems.skipped,
            repaired=problems.repaired,
            documents=documents,
            seconds=seconds,
            problems=tuple(problems.problems),
        )


def _first_build(
    source: str | Path | Iterable[Article],
    index_dir: Path,
    settings: AnalysisSettings | None,
    on_problem: ProblemHandler | None,
    on_progress: ProgressHandler | None,
    memory_mb: int,
    lock_timeout: float,
) -> UpdateReport:
    # As an update would: the last article of each id wins (and the others
    # count as skipped, as in an update).
    duplicates = ProblemLog(on_problem)
    if not isinstance(source, (str, Path)):
        source = _last_of_each_id(source, duplicates)
    build = write_index(
        source,
        index_dir,
        settings=settings,
        on_problem=on_problem,
        on_progress=on_progress,
        memory_mb=memory_mb,
        lock_timeout=lock_timeout,
    )
    return UpdateReport(
        added=build.indexed,
        skipped=build.skipped + duplicates.skipped,
        repaired=build.repaired + duplicates.repaired,
        documents=build.indexed,
        seconds=build.seconds,
        problems=tuple(duplicates.problems) + build.problems,
    )


def _last_of_each_id(articles: Iterable[Article], report: ProblemHandler) -> list[Article]:
    """A batch of changes with the last article of each id kept, in the order
    of their first appearance (whoosh would index every one)."""
    latest: dict[str, tuple[int, Article]] = {}
    for number, article in enumerate(articles, start=1):
        if not well_formed(article, number, report):
            continue
        earlier = latest.get(article.id)
        if earlier is not None:
            report(
                CorpusProblem(
                    "<articles>",
                    earlier[0],
                    f"duplicate id {article.id!r}: article {number} replaces it",
                )
            )
        latest[article.id] = (number, article)
    return [article for _, article in latest.values()]


def _describe(source: object) -> str:
    return str(source) if isinstance(source, (str, Path)) else "the input"


def _counted(manifest: dict[str, Any], documents: int) -> dict[str, Any]:
    return {
        **manifest,
        "documents": documents,
        "updated": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
