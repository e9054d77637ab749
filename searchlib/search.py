"""The ``Index`` a user holds: open or build, then search.

Ties the stages together: query text -> ``query_syntax`` -> ``query`` (with
synonyms) -> whoosh with ``ranking``'s BM25 -> ``highlight`` -> ``Hit``.

Ranking of a query with several words side by side: documents that hold all
of them come first, in BM25 order; then documents that hold some of them,
in BM25 order.  Ties in score are broken by id, so results never depend on
the order in which documents were indexed.
"""

from __future__ import annotations

import datetime as dt
import gc
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from whoosh import query as wq

from searchlib.analysis import AnalysisSettings, Analyzer
from searchlib.analysis.synonym_map import SynonymMap, load_synonym_map
from searchlib.corpus import ProblemHandler
from searchlib.errors import IncompatibleIndexError, IndexNotFoundError
from searchlib.highlight import make_snippet
from searchlib.impact import ImpactIndex
from searchlib.indexing import SYNONYM_CACHE_DIR, BuildReport, ProgressHandler, write_index
from searchlib.models import Article, Hit
from searchlib.query import CompiledQuery, QueryCompiler
from searchlib.query_syntax import parse_natural, parse_query
from searchlib.ranking import BM25Weighting, RankingSettings, bm25_idf
from searchlib.storage import STEMS_NAME, StemTable, read_manifest

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
        manifest: dict[str, Any],
        *,
        synonym_files: Iterable[str] = (),
        use_synonyms: bool = True,
        ranking: RankingSettings | None = None,
    ) -> None:
        self.path = path
        self.manifest = manifest
        self.ranking = ranking or RankingSettings()
        analysis = manifest["analysis"]
        self._stems = _open_stem_table(path / manifest["generation"])
        self.analyzer = Analyzer(
            AnalysisSettings(
                stemmer=analysis["stemmer"],
                stopwords=analysis["stopwords"],
                fold_accents=analysis["fold_accents"],
            ),
            stopwords=analysis["stopword_list"],
            known_stems=self._stems,
        )
        self._synonym_files = tuple(synonym_files)
        self._use_synonyms = use_synonyms
        self._synonyms: SynonymMap | None = None
        self._engine = _open_engine(path, manifest["generation"])
        self._searcher: Any = None
        self._impact = _open_impact(path / manifest["generation"], self._engine)
        self.build_report: BuildReport | None = None
        """What the build did, when this index was opened by ``build_index``."""

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
        ranked, total = self._ranked_documents(
            searcher, compiled, max(limit, 0), all_words_first, reference
        )
        hits = tuple(
            self._hit(rank, score, searcher.stored_fields(docnum), compiled, snippets)
            for rank, (score, docnum) in enumerate(ranked, start=1)
        )
        return SearchResults(hits, total, compiled)

    def _ranked_documents(
        self,
        searcher: Any,
        compiled: CompiledQuery,
        limit: int,
        all_words_first: bool,
        reference: bool,
    ) -> tuple[list[tuple[float, int]], int]:
        if not reference and self._impact is not None and compiled.concepts is not None:
            return self._ranked_by_impact(searcher, compiled, limit, all_words_first)
        return self._ranked_by_whoosh(searcher, compiled, limit, all_words_first)

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
        self, searcher: Any, compiled: CompiledQuery, limit: int, all_words_first: bool
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
            return self._stable_order(searcher, loose)[:limit], total
        first = searcher.search(compiled.any_words, filter=compiled.all_words, limit=margin)
        ranked = self._stable_order(searcher, first)[:limit]
        if len(ranked) < limit:
            rest = searcher.search(compiled.any_words, mask=compiled.all_words, limit=margin)
            ranked += self._stable_order(searcher, rest)[: limit - len(ranked)]
        return ranked, total

    @staticmethod
    def _stable_order(searcher: Any, results: Any) -> list[tuple[float, int]]:
        pairs = [(hit.score, hit.docnum) for hit in results]
        pairs.sort(key=lambda pair: (-round(pair[0], 9), searcher.stored_fields(pair[1])["id"]))
        return pairs

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
            self._searcher = self._engine.searcher(weighting=BM25Weighting(self.ranking))
        return self._searcher

    # -- description and life cycle -------------------------------------------

    @property
    def document_count(self) -> int:
        return int(self._engine.doc_count())

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
        if self._stems is not None:
            self._stems.close()
            self._stems = None
        if self._impact is not None:
            self._impact.close()
            self._impact = None
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._engine.close()

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


def _open_impact(generation_dir: Path, engine: Any) -> ImpactIndex | None:
    """The fast path's arrays, when they describe the engine's current state
    (an update since the build leaves them behind: whoosh answers then)."""
    if not ImpactIndex.exists(generation_dir):
        return None
    impact = ImpactIndex(generation_dir)
    if impact.engine_generation != engine.latest_generation():
        impact.close()
        return None
    return impact


def _open_engine(path: Path, generation: str) -> Any:
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import EmptyIndexError

    # whoosh leaves open the file it failed on: the warning filter keeps the
    # user from meeting a ResourceWarning when it is collected.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            return FileStorage(str(path / generation), readonly=True).open_index()
        except (EmptyIndexError, FileNotFoundError):
            problem = f"index at {path} is missing its files ({generation})"
        except Exception as error:  # whoosh raises many kinds on damaged files
            problem = f"index at {path} is damaged or from an incompatible version ({error!r:.60})"
        gc.collect()
    raise IncompatibleIndexError(f"{problem}; rebuild it with 'searchlib index --index {path}'")


def open_index(
    path: str | Path,
    *,
    settings: AnalysisSettings | None = None,
    synonym_files: Iterable[str] = (),
    use_synonyms: bool = True,
    ranking: RankingSettings | None = None,
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
    manifest = read_manifest(path)
    if settings is not None:
        check_settings(path, manifest, settings)
    return Index(
        path, manifest, synonym_files=synonym_files, use_synonyms=use_synonyms, ranking=ranking
    )


def check_settings(path: Path, manifest: dict[str, Any], settings: AnalysisSettings) -> None:
    """Raise if ``settings`` differ from those the index was built with."""
    wanted = Analyzer(settings).describe()
    saved = manifest["analysis"]
    for key in ("tokenizer", "stemmer", "stopwords_sha256", "fold_accents"):
        if saved.get(key) != wanted[key]:
            shown = "stopwords" if key == "stopwords_sha256" else key
            raise IncompatibleIndexError(
                f"index at {path} was built with {shown}={saved.get(shown)!r}, not "
                f"{wanted[shown]!r}: rebuild it with these settings ('searchlib index') "
                "or leave them out to use the index's own"
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
