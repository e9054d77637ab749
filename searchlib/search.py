"""The ``Index`` a user holds: open or build, then search.

Ties the stages together: query text -> ``query_syntax`` -> ``query`` (with
synonyms) -> whoosh with ``ranking``'s BM25 -> ``highlight`` -> ``Hit``.

Ranking of a query with several words side by side: documents that hold all
of them come first, in BM25 order; then documents that hold some of them,
in BM25 order.  Ties in score are broken by id, so results never depend on
the order in which documents were indexed.

An open ``Index`` answers from one committed state (a ``storage.Snapshot``)
until ``refresh``: a batch committed meanwhile is seen whole or not at all,
and the search count always agrees with ``document_count``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from whoosh import query as wq

from searchlib.analysis import AnalysisSettings
from searchlib.analysis.synonym_map import SynonymMap, load_synonym_map
from searchlib.corpus import ProblemHandler
from searchlib.errors import IndexNotFoundError, QuerySyntaxError
from searchlib.highlight import make_snippet
from searchlib.impact import ImpactIndex
from searchlib.indexing import (
    DEFAULT_LOCK_TIMEOUT,
    SYNONYM_CACHE_DIR,
    BuildReport,
    ProgressHandler,
    check_settings,
    saved_analyzer,
    write_index,
)
from searchlib.models import Article, Hit
from searchlib.query import CompiledQuery, QueryCompiler
from searchlib.query_syntax import parse_natural, parse_query
from searchlib.ranking import BM25Weighting, RankingSettings, bm25_idf
from searchlib.storage import (
    STEMS_NAME,
    Snapshot,
    StemTable,
    open_snapshot,
    read_manifest,
    reading_files,
)
from searchlib.updating import UpdateReport, delete_articles, update_index

QuerySyntax = Literal["query", "natural"]


@dataclass(frozen=True)
class SearchResults:
    """The hits of one query, best first, and how many documents matched."""

    hits: tuple[Hit, ...]
    total: int
    query: CompiledQuery

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)

    def __getitem__(self, index: int) -> Hit:
        return self.hits[index]


@dataclass(frozen=True)
class IndexInfo:
    """What ``searchlib info`` shows."""

    path: str
    documents: int
    size_bytes: int
    built: str | None
    searchlib_version: str | None
    analysis: dict[str, Any]


class Index:
    """An open index: search it, describe it, close it."""

    def __init__(
        self,
        path: Path,
        snapshot: Snapshot,
        *,
        synonym_files: Iterable[str] = (),
        use_synonyms: bool = True,
        ranking: RankingSettings | None = None,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    ) -> None:
        self.path = path
        self.ranking = ranking or RankingSettings()
        self.lock_timeout = lock_timeout
        """How long ``add``, ``update`` and ``delete`` wait for another writer."""
        self._synonym_files = tuple(synonym_files)
        self._use_synonyms = use_synonyms
        self._synonyms: SynonymMap | None = None
        self._searcher: Any = None
        self._snapshot = snapshot
        self._stems: StemTable | None = None
        self._impact: ImpactIndex | None = None
        try:
            self._open_generation_files()
        except BaseException:
            snapshot.close()
            raise
        self.build_report: BuildReport | None = None
        """What the build did, when this index was opened by ``build_index``."""

    @property
    def manifest(self) -> dict[str, Any]:
        """What the index saved about itself (settings, counts, dates)."""
        return self._snapshot.manifest

    # -- configuration -------------------------------------------------------

    @property
    def synonyms(self) -> SynonymMap | None:
        """The synonym map queries are expanded with (None when turned off)."""
        if not self._use_synonyms:
            return None
        if self._synonyms is None:
            self._synonyms = load_synonym_map(
                self.analyzer, self._synonym_files, cache_dir=self.path / SYNONYM_CACHE_DIR
            )
        return self._synonyms

    def compile(self, text: str, syntax: QuerySyntax = "query") -> CompiledQuery:
        """The whoosh queries and highlight terms for a query text."""
        node = parse_query(text) if syntax == "query" else parse_natural(text)
        statistics = _SearcherStatistics(self._open_searcher()) if self.synonyms else None
        return QueryCompiler(self.analyzer, self.synonyms, self.ranking, statistics).compile(node)

    # -- searching -----------------------------------------------------------

    def search(
        self,
        text: str,
        *,
        limit: int = 10,
        snippets: bool = True,
        syntax: QuerySyntax = "query",
        all_words_first: bool | None = None,
        reference: bool = False,
    ) -> SearchResults:
        """The ``limit`` best hits for ``text`` (see ``query_syntax``).

        ``all_words_first`` ranks documents holding every word side by side
        above the others; by default it is on for the query syntax and off
        for natural-language text (long questions rarely have a document
        with all their words, and BM25 alone ranks them better).

        Plain words are ranked over the fast path's arrays when the index
        has them; ``reference=True`` ranks with whoosh's matchers instead
        (slower, the same results: it is what the fast path is checked
        against).
        """
        compiled = self.compile(text, syntax)
        if all_words_first is None:
            all_words_first = syntax == "query"
        searcher = self._open_searcher()
        # Stored fields hold the whole text: each is read once per search.
        stored = functools.lru_cache(maxsize=None)(searcher.stored_fields)
        with reading_files(self.path), _bounded_recursion():
            ranked, total = self._ranked_documents(
                searcher, stored, compiled, max(limit, 0), all_words_first, reference
            )
            hits = tuple(
                self._hit(rank, score, stored(docnum), compiled, snippets)
                for rank, (score, docnum) in enumerate(ranked, start=1)
            )
        return SearchResults(hits, total, compiled)

    def _ranked_documents(
        self,
        searcher: Any,
        stored: Callable[[int], Any],
        compiled: CompiledQuery,
        limit: int,
        all_words_first: bool,
        reference: bool,
    ) -> tuple[list[tuple[float, int]], int]:
        if not reference and self._impact is not None and compiled.concepts is not None:
            return self._ranked_by_impact(searcher, compiled, limit, all_words_first)
        return self._ranked_by_whoosh(searcher, stored, compiled, limit, all_words_first)

    def _ranked_by_impact(
        self, searcher: Any, compiled: CompiledQuery, limit: int, all_words_first: bool
    ) -> tuple[list[tuple[float, int]], int]:
        """The fast path: plain words, scored over the impact arrays."""
        assert self._impact is not None and compiled.concepts is not None

        def phrase_documents(field: str, terms: tuple[str, ...]) -> list[int]:
            return sorted(searcher.docs_for_query(wq.Phrase(field, list(terms))))

        ranked = self._impact.rank(
            compiled.concepts, self.ranking, limit, all_words_first, phrase_documents
        )
        return list(zip(ranked.scores, ranked.documents, strict=True)), ranked.total

    def _ranked_by_whoosh(
        self,
        searcher: Any,
        stored: Callable[[int], Any],
        compiled: CompiledQuery,
        limit: int,
        all_words_first: bool,
    ) -> tuple[list[tuple[float, int]], int]:
        """The reference path: whoosh's matchers with ``ranking``'s BM25.

        Scores always come from the 'some words' query; with
        ``all_words_first`` the documents that match the 'all words' query
        are taken first.  A few more hits than asked for are fetched, so
        that ties at the cut are broken by id as the fast path does.
        """
        margin = limit + 10
        loose = searcher.search(compiled.any_words, limit=margin)
        total = len(loose)
        if limit == 0:
            return [], total
        if not (all_words_first and compiled.tiered):
            return _stable_order(stored, loose)[:limit], total
        first = searcher.search(compiled.any_words, filter=compiled.all_words, limit=margin)
        ranked = _stable_order(stored, first)[:limit]
        if len(ranked) < limit:
            rest = searcher.search(compiled.any_words, mask=compiled.all_words, limit=margin)
            ranked += _stable_order(stored, rest)[: limit - len(ranked)]
        return ranked, total

    def _hit(
        self,
        rank: int,
        score: float,
        stored: dict[str, Any],
        compiled: CompiledQuery,
        snippets: bool,
    ) -> Hit:
        snippet = ""
        highlights: tuple[tuple[int, int], ...] = ()
        if snippets:
            body = stored.get("text") or ""
            if stored.get("subtitle"):
                body = f"{stored['subtitle']}\n\n{body}"
            made = make_snippet(
                body, self.analyzer, compiled.highlight_terms, compiled.highlight_phrases
            )
            snippet, highlights = made.text, made.highlights
        published = stored.get("published")
        return Hit(
            rank=rank,
            id=stored["id"],
            score=round(score, 6),
            title=stored.get("title") or "",
            date=dt.date.fromisoformat(published) if published else None,
            source=stored.get("source") or None,
            url=stored.get("url") or None,
            snippet=snippet,
            highlights=highlights,
        )

    def _open_searcher(self) -> Any:
        if self._searcher is None:
            from whoosh.searching import Searcher

            self._searcher = Searcher(
                self._snapshot.reader,
                weighting=BM25Weighting(self.ranking),
                fromindex=self._snapshot.engine,
                closereader=False,
            )
        return self._searcher

    # -- changes ---------------------------------------------------------------

    def add(self, articles: Iterable[Article]) -> UpdateReport:
        """Index articles with new ids; one whose id is indexed already is
        reported and skipped (use ``update``).  One commit; then refreshes."""
        return self._change(articles, replace=False)

    def update(
        self, source: str | Path | Iterable[Article], *, delete_missing: bool = False
    ) -> UpdateReport:
        """Add new articles and replace indexed ones with the same id;
        unchanged ones are not written again.  ``source`` is a batch of
        articles (the last of an id wins) or a corpus path; with
        ``delete_missing``, indexed articles not in it are deleted.  One
        commit; then refreshes."""
        return self._change(source, replace=True, delete_missing=delete_missing)

    def delete(self, ids: Iterable[str]) -> UpdateReport:
        """Delete the articles with these ids.  One commit; then refreshes."""
        report = delete_articles(ids, self.path, lock_timeout=self.lock_timeout)
        self.refresh()
        return report

    def _change(
        self,
        source: str | Path | Iterable[Article],
        *,
        replace: bool,
        delete_missing: bool = False,
    ) -> UpdateReport:
        report = update_index(
            source,
            self.path,
            replace=replace,
            delete_missing=delete_missing,
            lock_timeout=self.lock_timeout,
        )
        self.refresh()
        return report

    def refresh(self) -> bool:
        """Answer from the latest committed state from now on (an update or
        a rebuild by this or another process).  Whether anything changed."""
        if self._snapshot.is_latest(self.path):
            return False
        snapshot = open_snapshot(self.path)
        try:
            saved_analyzer(self.path, snapshot.manifest)
        except BaseException:
            snapshot.close()
            raise
        settings = self.analyzer.describe()
        self._close_snapshot()
        self._snapshot = snapshot
        self._open_generation_files()
        if self.analyzer.describe() != settings:  # rebuilt with other settings
            self._synonyms = None
        return True

    def _open_generation_files(self) -> None:
        """The analyzer, saved stems and fast-path arrays of the generation
        the snapshot reads."""
        generation_dir = self.path / self._snapshot.manifest["generation"]
        self._stems = _open_stem_table(generation_dir)
        try:
            self.analyzer = saved_analyzer(
                self.path, self._snapshot.manifest, known_stems=self._stems
            )
            self._impact = _open_impact(generation_dir, self._snapshot)
        except BaseException:
            self._close_generation_files()
            raise

    def _close_generation_files(self) -> None:
        if self._stems is not None:
            self._stems.close()
            self._stems = None
        if self._impact is not None:
            self._impact.close()
            self._impact = None

    # -- description and life cycle -------------------------------------------

    @property
    def document_count(self) -> int:
        """Documents in the state this index answers from."""
        return int(self._snapshot.reader.doc_count())

    def info(self) -> IndexInfo:
        size = sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())
        return IndexInfo(
            path=str(self.path),
            documents=self.document_count,
            size_bytes=size,
            built=self.manifest.get("built"),
            searchlib_version=self.manifest.get("searchlib_version"),
            analysis={k: v for k, v in self.manifest["analysis"].items() if k != "stopword_list"},
        )

    def close(self) -> None:
        self._close_snapshot()

    def _close_snapshot(self) -> None:
        self._close_generation_files()
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._snapshot.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _SearcherStatistics:
    """The index's document frequencies, for weighing synonyms (``query``)."""

    def __init__(self, searcher: Any) -> None:
        self._searcher = searcher

    def idf(self, field: str, term: str) -> float:
        # The same statistics as ranking's scorer: collection-wide, not per segment.
        searcher = self._searcher
        return bm25_idf(searcher.doc_count(), searcher.doc_frequency(field, term))


def _open_stem_table(generation_dir: Path) -> StemTable | None:
    return StemTable(generation_dir) if (generation_dir / STEMS_NAME).is_file() else None


def _open_impact(generation_dir: Path, snapshot: Snapshot) -> ImpactIndex | None:
    """The fast path's arrays, when they describe the state the snapshot
    reads (an update since the build leaves them behind: whoosh answers
    then; the arrays are not updated incrementally)."""
    if not ImpactIndex.exists(generation_dir):
        return None
    impact = ImpactIndex(generation_dir)
    if impact.engine_generation != snapshot.reader.generation():
        impact.close()
        return None
    return impact


@contextlib.contextmanager
def _bounded_recursion() -> Iterator[None]:
    """whoosh walks query trees recursively; the parser's limits keep them
    shallow, and this turns any query that still goes too deep into a
    one-line error rather than a traceback."""
    try:
        yield
    except RecursionError:
        raise QuerySyntaxError(
            "query too complex to run: use fewer words, brackets or date ranges"
        ) from None


def _stable_order(stored: Callable[[int], Any], results: Any) -> list[tuple[float, int]]:
    pairs = [(hit.score, hit.docnum) for hit in results]
    pairs.sort(key=lambda pair: (-round(pair[0], 9), stored(pair[1])["id"]))
    return pairs


def open_index(
    path: str | Path,
    *,
    settings: AnalysisSettings | None = None,
    synonym_files: Iterable[str] = (),
    use_synonyms: bool = True,
    ranking: RankingSettings | None = None,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> Index:
    """Open the index at ``path``.

    Given ``settings``, they must be those the index was built with: an
    index answers only queries analysed the way its text was.
    """
    path = Path(path)
    if not path.is_dir():
        raise IndexNotFoundError(
            f"no index at {path}: build one with 'searchlib index --corpus PATH --index {path}'"
        )
    if settings is not None:
        check_settings(path, read_manifest(path), settings)
    return Index(
        path,
        open_snapshot(path),
        synonym_files=synonym_files,
        use_synonyms=use_synonyms,
        ranking=ranking,
        lock_timeout=lock_timeout,
    )


def build_index(
    source: str | Path | Iterable[Article],
    path: str | Path,
    *,
    settings: AnalysisSettings | None = None,
    on_problem: ProblemHandler | None = None,
    on_progress: ProgressHandler | None = None,
    synonym_files: Iterable[str] = (),
    use_synonyms: bool = True,
    ranking: RankingSettings | None = None,
) -> Index:
    """Build the index at ``path`` from a corpus path or articles, and open it."""
    report = write_index(
        source, path, settings=settings, on_problem=on_problem, on_progress=on_progress
    )
    index = open_index(
        path, synonym_files=synonym_files, use_synonyms=use_synonyms, ranking=ranking
    )
    index.build_report = report
    return index
