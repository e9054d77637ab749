"""Queries -> a run: every query searched as natural-language text.

The step between a test collection's queries and ``measures``: each query's
text is read as plain words (``U.S. policy (1963): NATO?`` is four words, no
operators), searched with the index's analysis, synonyms and BM25 settings,
and its top ``limit`` documents kept with their scores.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from searchlib.errors import QuerySyntaxError
from searchlib.search import Index

Run = dict[str, dict[str, float]]
ProgressHandler = Callable[[int, int], None]
SkipHandler = Callable[[str, str], None]


def run_queries(
    index: Index,
    queries: Mapping[str, str],
    *,
    limit: int = 1000,
    on_progress: ProgressHandler | None = None,
    on_skip: SkipHandler | None = None,
) -> Run:
    """query id -> document id -> score, for every query that has words to
    search for (a query made only of stop words is passed to ``on_skip``)."""
    run: Run = {}
    for done, (query_id, text) in enumerate(queries.items(), start=1):
        try:
            results = index.search(text, limit=limit, snippets=False, syntax="natural")
        except QuerySyntaxError as error:
            if on_skip is not None:
                on_skip(query_id, str(error))
            results = None
        if results is not None:
            run[query_id] = {hit.id: hit.score for hit in results}
        if on_progress is not None:
            on_progress(done, len(queries))
    return run


def binary_judgments(qrels: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    """Grades folded to relevant (1) or not (0)."""
    return {
        query_id: {doc_id: int(grade > 0) for doc_id, grade in grades.items()}
        for query_id, grades in qrels.items()
    }
