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

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from searchlib.analysis import AnalysisSettings
from searchlib.analysis.synonym_map import SynonymMap, load_synonym_rules
from searchlib.corpus import ProblemHandler
from searchlib.errors import IndexNotFoundError
from searchlib.highlight import IndexedPositions, make_snippet
from searchlib.indexing import (
    DEFAULT_LOCK_TIMEOUT,
    BuildReport,
    ProgressHandler,
    check_settings,
    saved_analyzer,
    write_index,
)
from searchlib.models import Article, Hit
from searchlib.query import CompiledQuery, QueryCompiler
from searchlib.query_syntax import parse_natural, parse_query
from searchlib.ranking import BM25Weighting, RankingSettings
from searchlib.schema import indexed_body
from searchlib.storage import Snapshot, open_snapshot, read_manifest, reading_files
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
        try:
            self.analyzer = saved_analyzer(path, snapshot.manifest)
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
            rules = load_synonym_rules(self._synonym_files)
            self._synonyms = SynonymMap(rules, self.analyzer)
        return self._synonyms

    def compile(self, text: str, syntax: QuerySyntax = "query") -> CompiledQuery:
        """The whoosh queries and highlight terms for a query text."""
        node = parse_query(text) if syntax == "query" else parse_natural(text)
        return QueryCompiler(self.analyzer, self.synonyms, self.ranking).compile(node)

    # -- searching -----------------------------------------------------------

    def search(
        self,
        text: str,
        *,
        limit: int = 10,
        snippets: bool = True,
        syntax: QuerySyntax = "query",
    ) -> SearchResults:
        """The ``limit`` best hits for ``text`` (see ``query_syntax``)."""
        compiled = self.compile(text, syntax)
        searcher = self._open_searcher()
        # Stored fields hold the whole text: each is read once per search.
        stored = functools.lru_cache(maxsize=None)(searcher.stored_fields)
        with reading_files(self.path):
            ranked, total = self._ranked_documents(searcher, stored, compiled, max(limit, 0))
            hits = tuple(
                self._hit(rank, score, docnum, stored(docnum), searcher, compiled, snippets)
                for rank, (score, docnum) in enumerate(ranked, start=1)
            )
        return SearchResults(hits, total, compiled)

    def _ranked_documents(
        self, searcher: Any, stored: Callable[[int], Any], compiled: CompiledQuery, limit: int
    ) -> tuple[list[tuple[float, int]], int]:
        loose = searcher.search(compiled.any_words, limit=limit or 1)
        total = len(loose)
        if limit == 0:
            return [], total
        if compiled.tiered:
            strict = searcher.search(compiled.all_words, limit=limit)
            ranked = _stable_order(stored, strict)
            if len(ranked) < limit:
                taken = {docnum for _, docnum in ranked}
                more = searcher.search(compiled.any_words, limit=limit + len(ranked))
                rest = [pair for pair in _stable_order(stored, more) if pair[1] not in taken]
                ranked += rest[: limit - len(ranked)]
        else:
            ranked = _stable_order(stored, loose)
        return ranked, total

    def _hit(
        self,
        rank: int,
        score: float,
        docnum: int,
        stored: dict[str, Any],
        searcher: Any,
        compiled: CompiledQuery,
        snippets: bool,
    ) -> Hit:
        snippet = ""
        highlights: tuple[tuple[int, int], ...] = ()
        if snippets:
            body = indexed_body(stored.get("subtitle") or "", stored.get("text") or "")
            located = None
            if stored.get("body_checkpoints"):  # a long text: find its matches through the index
                positions = _body_positions(searcher, docnum, compiled)
                located = IndexedPositions(positions, stored["body_checkpoints"])
            made = make_snippet(
                body,
                self.analyzer,
                compiled.highlight_terms,
                compiled.highlight_phrases,
                located=located,
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
            analyzer = saved_analyzer(self.path, snapshot.manifest)
        except BaseException:
            snapshot.close()
            raise
        self._close_snapshot()
        self._snapshot = snapshot
        if analyzer.describe() != self.analyzer.describe():  # rebuilt with other settings
            self.analyzer = analyzer
            self._synonyms = None
        return True

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
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._snapshot.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _stable_order(stored: Callable[[int], Any], results: Any) -> list[tuple[float, int]]:
    pairs = [(hit.score, hit.docnum) for hit in results]
    pairs.sort(key=lambda pair: (-round(pair[0], 9), stored(pair[1])["id"]))
    return pairs


def _body_positions(searcher: Any, docnum: int, compiled: CompiledQuery) -> dict[str, list[int]]:
    """Where each highlighted term stands in a document's body, as indexed."""
    from whoosh.reading import TermNotFound

    words = set(compiled.highlight_terms).union(*compiled.highlight_phrases)
    reader = searcher.reader()
    found = {}
    for word in words:
        try:
            matcher = reader.postings("body", word)
        except TermNotFound:
            continue
        matcher.skip_to(docnum)
        if matcher.is_active() and matcher.id() == docnum:
            found[word] = list(matcher.value_as("positions"))
    return found


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
