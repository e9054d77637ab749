"""The ``Index`` a user holds: open or build, then search.

Ties the stages together: query text -> ``query_syntax`` -> ``query`` (with
synonyms) -> BM25 (``ranking``) over the fast path's arrays
(``impact_reading``) or whoosh's matchers (``whoosh_queries``) ->
``highlight`` -> ``Hit``.

Ranking of a query with several words side by side: documents that hold all
of them come first, in BM25 order; then documents that hold some of them,
in BM25 order.  Ties in score are broken by id, so results never depend on
the order in which documents were indexed.

An open ``Index`` answers from one committed state (``index_state``) until
``refresh``: a batch committed meanwhile is seen whole or not at all, and
the search count always agrees with ``document_count``.  (An index opened
``lazy`` opens whoosh's files at the first query that needs them; if the
index changed before that, that query already sees the change.)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from searchlib.analysis import AnalysisSettings, Analyzer
from searchlib.analysis.synonym_map import SynonymMap, load_synonym_map
from searchlib.errors import (
    IncompatibleIndexError,
    IndexClosedError,
    IndexNotFoundError,
    QuerySyntaxError,
)
from searchlib.highlight import cut_snippet, make_snippet, spans_from_starts
from searchlib.impact_reading import ImpactIndex, Ranked
from searchlib.index_state import (
    OPEN_ATTEMPTS,
    IndexState,
    StateMoved,
    open_state,
    reading_fast_files,
)
from searchlib.manifest import (
    DEFAULT_LOCK_TIMEOUT,
    SYNONYM_CACHE_DIR,
    StemTable,
    read_manifest,
)
from searchlib.models import (
    Article,
    BuildReport,
    Hit,
    ProgressHandler,
    Snippet,
    UpdateReport,
    article_body,
)
from searchlib.query import CompiledQuery, QueryCompiler
from searchlib.query_syntax import parse_natural, parse_query
from searchlib.ranking import RankingSettings, bm25_idf
from searchlib.saved_settings import check_settings

if TYPE_CHECKING:
    from searchlib.corpus import ProblemHandler
    from searchlib.query import TermStatistics

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
        state: IndexState,
        *,
        synonym_files: Iterable[str] = (),
        use_synonyms: bool = True,
        ranking: RankingSettings | None = None,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        lazy: bool = False,
    ) -> None:
        self.path = path
        self.ranking = ranking or RankingSettings()
        self.lock_timeout = lock_timeout
        """How long ``add``, ``update`` and ``delete`` wait for another writer."""
        self._synonym_files = tuple(synonym_files)
        self._use_synonyms = use_synonyms
        self._synonyms: SynonymMap | None = None
        self._lazy = lazy
        self._open_state: IndexState | None = state
        self._weighting: Any = None
        self.build_report: BuildReport | None = None
        """What the build did, when this index was opened by ``build_index``."""

    @property
    def manifest(self) -> dict[str, Any]:
        """What the index saved about itself (settings, counts, dates)."""
        return self._state.manifest

    @property
    def analyzer(self) -> Analyzer:
        """The analysis chain the index was built with."""
        return self._state.analyzer

    @property
    def _impact(self) -> ImpactIndex | None:
        return self._state.fast.impact if self._state.fast else None

    @property
    def _stems(self) -> StemTable | None:
        return self._state.stems

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
        """The concepts, whoosh queries and highlight terms for a query text."""
        node = parse_query(text) if syntax == "query" else parse_natural(text)
        statistics: TermStatistics | None = None
        if self.synonyms:
            statistics = self._impact or _SearcherStatistics(self._open_searcher)
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
        if all_words_first is None:
            all_words_first = syntax == "query"
        for _attempt in range(OPEN_ATTEMPTS):
            try:
                return self._search(
                    text, max(limit, 0), snippets, syntax, all_words_first, reference
                )
            except StateMoved:  # a lazy index found it changed: answer from the new state
                self._move_to_latest()
        raise IncompatibleIndexError(
            f"index at {self.path} changed {OPEN_ATTEMPTS} times during one search; try again"
        )

    def _search(
        self,
        text: str,
        limit: int,
        snippets: bool,
        syntax: QuerySyntax,
        all_words_first: bool,
        reference: bool,
    ) -> SearchResults:
        compiled = self.compile(text, syntax)
        fast = self._state.fast
        with _bounded_recursion():
            if not reference and fast is not None and compiled.concepts is not None:
                with reading_fast_files(self.path):
                    ranked = fast.impact.rank(
                        compiled.concepts,
                        self.ranking,
                        limit,
                        all_words_first,
                    )
                    hits = self._fast_hits(ranked, compiled, snippets)
                return SearchResults(hits, ranked.total, compiled)
            from searchlib.storage import reading_files

            searcher = self._open_searcher()
            # Stored fields hold the whole text: each is read once per search.
            stored = functools.lru_cache(maxsize=None)(searcher.stored_fields)
            with reading_files(self.path):
                ranked_pairs, total = self._ranked_by_whoosh(
                    searcher, stored, compiled, limit, all_words_first
                )
                hits = tuple(
                    self._hit(rank, score, stored(docnum), compiled, snippets)
                    for rank, (score, docnum) in enumerate(ranked_pairs, start=1)
                )
        return SearchResults(hits, total, compiled)

    def _fast_hits(
        self, ranked: Ranked, compiled: CompiledQuery, snippets: bool
    ) -> tuple[Hit, ...]:
        """Hits of the fast path, shown from the document store."""
        fast = self._state.fast
        assert fast is not None
        documents = fast.documents
        shown = documents.shown(ranked.documents)
        bodies = documents.bodies(ranked.documents) if snippets else {}
        starts_in = (
            fast.impact.vectors.body_matches(
                ranked.documents, compiled.highlight_terms, compiled.highlight_phrases
            )
            if snippets
            else []
        )
        hits = []
        for rank, (number, score) in enumerate(
            zip(ranked.documents, ranked.scores, strict=True), start=1
        ):
            snippet = None
            if snippets:  # cut where the arrays say the matches start
                body, sentences = bodies[number]
                starts = starts_in[rank - 1]
                matches = spans_from_starts(body, starts, self.analyzer.tokenizer.pattern)
                snippet = cut_snippet(body, matches, sentence_starts=sentences)
            hits.append(_shown_hit(rank, score, shown[number], snippet))
        return tuple(hits)

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
        """A hit of the whoosh path: the snippet's matches found by analysing
        the body."""
        snippet = None
        if snippets:
            body = article_body(stored.get("subtitle") or "", stored.get("text") or "")
            snippet = make_snippet(
                body, self.analyzer, compiled.highlight_terms, compiled.highlight_phrases
            )
        return _shown_hit(rank, score, stored, snippet)

    def _open_searcher(self) -> Any:
        if self._weighting is None:
            from searchlib.whoosh_scoring import BM25Weighting

            self._weighting = BM25Weighting(self.ranking)
        return self._state.searcher(self._weighting)

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
        from searchlib.updating import delete_articles

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
        from searchlib.updating import update_index

        self._still_open()  # before anything is written
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
        if self._state.is_latest():
            return False
        self._move_to_latest()
        return True

    def _move_to_latest(self) -> None:
        state = open_state(self.path, self._lazy)  # the old one answers if this fails
        settings = self.analyzer.describe()
        self._state.close()
        self._open_state = state
        if self.analyzer.describe() != settings:  # rebuilt with other settings
            self._synonyms = None

    # -- description and life cycle -------------------------------------------

    @property
    def document_count(self) -> int:
        """Documents in the state this index answers from."""
        return self._state.document_count

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

    @property
    def _state(self) -> IndexState:
        return self._still_open()

    def _still_open(self) -> IndexState:
        """The state this index answers from, unless it was closed."""
        if self._open_state is None:
            raise IndexClosedError(
                f"the index at {self.path} was closed: open it again with "
                f"searchlib.open_index({str(self.path)!r})"
            )
        return self._open_state

    def close(self) -> None:
        """Close the index's files; closing it again does nothing."""
        if self._open_state is not None:
            self._open_state.close()
            self._open_state = None

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _shown_hit(rank: int, score: float, stored: dict[str, Any], snippet: Snippet | None) -> Hit:
    published = stored.get("published")
    return Hit(
        rank=rank,
        id=stored["id"],
        score=round(score, 6),
        title=stored.get("title") or "",
        date=dt.date.fromisoformat(published) if published else None,
        source=stored.get("source") or None,
        url=stored.get("url") or None,
        snippet=snippet.text if snippet else "",
        highlights=snippet.highlights if snippet else (),
    )


class _SearcherStatistics:
    """whoosh's document frequencies, for weighing synonyms (``query``),
    when the fast path's arrays are not there to give them."""

    def __init__(self, open_searcher: Callable[[], Any]) -> None:
        self._open_searcher = open_searcher

    def idf(self, field: str, term: str) -> float:
        # The same statistics as ranking's scorer: collection-wide, not per segment.
        searcher = self._open_searcher()
        return bm25_idf(searcher.doc_count(), searcher.doc_frequency(field, term))


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
    lazy: bool = False,
) -> Index:
    """Open the index at ``path``.

    Given ``settings``, they must be those the index was built with: an
    index answers only queries analysed the way its text was.

    ``lazy`` opens whoosh's files only when a query needs them (phrases,
    fields, operators, dates), which makes opening much faster for a
    process that asks a query or two; but an index changed by another
    process before that query is then read in its new state, as after
    ``refresh``.  Without it, the index answers from the state it opened
    until ``refresh``, whatever other processes do to its files.
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
        open_state(path, lazy),
        synonym_files=synonym_files,
        use_synonyms=use_synonyms,
        ranking=ranking,
        lock_timeout=lock_timeout,
        lazy=lazy,
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
    from searchlib.indexing import write_index

    report = write_index(
        source, path, settings=settings, on_problem=on_problem, on_progress=on_progress
    )
    index = open_index(
        path, synonym_files=synonym_files, use_synonyms=use_synonyms, ranking=ranking
    )
    index.build_report = report
    return index
