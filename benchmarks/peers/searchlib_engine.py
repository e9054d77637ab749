"""searchlib itself, through its public API with its default settings.

Queries are read as plain words (``syntax="natural"``), so any text is safe:
operators, quotes and field names are just words.  A query that is nothing
but stop words has no results (searchlib raises ``QuerySyntaxError``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import searchlib
from benchmarks.peers import Ranked, Snippeted, answer_once

INDEX_FOLDER = "index"


class SearchlibEngine:
    name = "searchlib"

    def __init__(self) -> None:
        self.index: searchlib.Index | None = None

    def build(self, articles: Sequence[searchlib.Article], workdir: Path) -> None:
        self.index = searchlib.build_index(articles, workdir / INDEX_FOLDER)

    def open(self, workdir: Path) -> None:
        # One query per process here: whoosh's files only if the query needs them.
        self.index = searchlib.open_index(workdir / INDEX_FOLDER, lazy=True)

    def _results(self, query: str, k: int, snippets: bool) -> searchlib.SearchResults | None:
        assert self.index is not None, "build or open first"
        try:
            return self.index.search(query, limit=k, snippets=snippets, syntax="natural")
        except searchlib.QuerySyntaxError:  # only stop words: nothing to look for
            return None

    def search(self, query: str, k: int) -> Ranked:
        results = self._results(query, k, snippets=False)
        return [(hit.id, hit.score) for hit in results or ()]

    def search_with_snippets(self, query: str, k: int) -> Snippeted:
        results = self._results(query, k, snippets=True)
        return [(hit.id, hit.score, hit.snippet) for hit in results or ()]

    def close(self) -> None:
        if self.index is not None:
            self.index.close()
            self.index = None


ENGINE_CLASS = SearchlibEngine

if __name__ == "__main__":
    sys.exit(answer_once(SearchlibEngine(), sys.argv))
