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

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from searchlib.analysis import AnalysisSettings
    from searchlib.corpus import read_articles
    from searchlib.errors import (
        CorpusError,
        IncompatibleIndexError,
        IndexClosedError,
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

_HOMES = {
    "AnalysisSettings": "searchlib.analysis",
    "Article": "searchlib.models",
    "BuildReport": "searchlib.models",
    "CorpusError": "searchlib.errors",
    "CorpusProblem": "searchlib.models",
    "Hit": "searchlib.models",
    "IncompatibleIndexError": "searchlib.errors",
    "Index": "searchlib.search",
    "IndexClosedError": "searchlib.errors",
    "IndexInfo": "searchlib.search",
    "IndexLockedError": "searchlib.errors",
    "IndexNotFoundError": "searchlib.errors",
    "IndexProblem": "searchlib.errors",
    "QuerySyntaxError": "searchlib.errors",
    "RankingSettings": "searchlib.ranking",
    "SearchResults": "searchlib.search",
    "SearchlibError": "searchlib.errors",
    "SynonymFormatError": "searchlib.errors",
    "UpdateReport": "searchlib.models",
    "build_index": "searchlib.search",
    "open_index": "searchlib.search",
    "read_articles": "searchlib.corpus",
}
"""Where each public name lives.  They are imported on first use (PEP 562), so
that ``import searchlib.cli`` or a submodule does not pay for the corpus
readers and the rest of the package it does not need."""


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'searchlib' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "AnalysisSettings",
    "Article",
    "BuildReport",
    "CorpusError",
    "CorpusProblem",
    "Hit",
    "IncompatibleIndexError",
    "Index",
    "IndexClosedError",
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
