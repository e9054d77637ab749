"""searchlib: full-text search for news-article corpora.

    import searchlib
    index = searchlib.build_index("corpus/", "index/")
    for hit in index.search("Artsakh", limit=5):
        print(hit.rank, hit.score, hit.title, hit.snippet)
    index = searchlib.open_index("index/")
    index.update([searchlib.Article(id="new-1", title="...", text="...")])

Errors are ``SearchlibError`` subclasses (see ``searchlib.errors``).
"""

from __future__ import annotations

from searchlib.analysis import AnalysisSettings
from searchlib.corpus import read_articles
from searchlib.errors import (
    CorpusError,
    IncompatibleIndexError,
    IndexLockedError,
    IndexNotFoundError,
    IndexProblem,
    QuerySyntaxError,
    SearchlibError,
    SynonymFormatError,
)
from searchlib.models import Article, BuildReport, CorpusProblem, Hit, UpdateReport
from searchlib.ranking import RankingSettings
from searchlib.search import Index, IndexInfo, SearchResults, build_index, open_index

__all__ = [
    "AnalysisSettings",
    "Article",
    "BuildReport",
    "CorpusError",
    "CorpusProblem",
    "Hit",
    "IncompatibleIndexError",
    "Index",
    "IndexInfo",
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexProblem",
    "QuerySyntaxError",
    "RankingSettings",
    "SearchResults",
    "SearchlibError",
    "SynonymFormatError",
    "UpdateReport",
    "build_index",
    "open_index",
    "read_articles",
]
