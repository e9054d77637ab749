"""Compiled concepts -> whoosh's queries (the reference path and every
query the fast path does not answer: fields, AND/OR/NOT, date ranges).

Two whoosh queries come out of one syntax tree.  In ``all_words`` the words
of a ``Sequence`` are all required; in ``any_words`` some are enough.  The
searcher ranks the first's hits above the second's, so documents with all
the words come first.  Explicit ``AND``, ``OR`` and ``NOT`` mean the same in
both.  The concepts, their synonyms and the errors for malformed queries
come from ``query.QueryCompiler``; this module only knows whoosh.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence as SequenceOf
from typing import Any

from whoosh import query as wq
from whoosh.matching import DisjunctionMaxMatcher, NullMatcher

from searchlib.analysis.synonym_map import Phrase as TermPhrase
from searchlib.errors import QuerySyntaxError
from searchlib.query import (
    NOTHING_TO_SEARCH,
    Collected,
    Concept,
    QueryCompiler,
    WhooshQueries,
)
from searchlib.query_syntax import AllOf, AnyOf, DateRange, Node, Not, Phrase, Sequence, Word
from searchlib.ranking import bm25_query_term_weight, capped_synonym_weight
from searchlib.schema import DEFAULT_FIELDS


class WhooshQueryBuilder:
    """Builds whoosh's two queries for a syntax tree, with the concepts,
    ranking and synonym statistics of a ``QueryCompiler``."""

    def __init__(self, compiler: QueryCompiler) -> None:
        self.compiler = compiler

    def build(self, node: Node, collected: Collected) -> WhooshQueries:
        """(all words required, some words enough); ``collected`` gathers
        what to highlight."""
        self.compiler.reset_term_count()
        all_words = self._compile(node, require_all=True, collected=collected)
        self.compiler.reset_term_count()
        any_words = self._compile(node, require_all=False, collected=Collected())
        self.compiler.reset_term_count()
        if all_words is None or any_words is None:
            raise QuerySyntaxError(NOTHING_TO_SEARCH)
        return all_words, any_words

    def _compile(self, node: Node, *, require_all: bool, collected: Collected) -> wq.Query | None:
        if isinstance(node, (Word, Phrase)):
            concepts = self._concept_queries([node], require_all, collected)
            return concepts[0] if concepts else None
        if isinstance(node, DateRange):
            return _date_filter(node)
        if isinstance(node, Not):
            raise QuerySyntaxError("NOT needs something to search for beside it, as in: a NOT b")
        if isinstance(node, AnyOf):
            if any(isinstance(child, Not) for child in node.children):
                raise QuerySyntaxError("NOT cannot stand inside OR; write: (a OR b) NOT c")
            parts = self._compile_all(node.children, require_all, collected)
            return _combine(wq.Or, parts)
        if isinstance(node, AllOf):
            return self._required(node.children, True, require_all, collected)
        if isinstance(node, Sequence):
            return self._required(node.children, require_all, require_all, collected)
        raise TypeError(f"not a query node: {node!r}")

    def _compile_all(
        self, nodes: SequenceOf[Node], require_all: bool, collected: Collected
    ) -> list[wq.Query]:
        compiled = (self._compile(n, require_all=require_all, collected=collected) for n in nodes)
        return [q for q in compiled if q is not None]

    def _required(
        self,
        children: SequenceOf[Node],
        all_required: bool,
        require_all: bool,
        collected: Collected,
    ) -> wq.Query | None:
        """Children side by side: plain words grouped for synonyms, date
        ranges always required, NOT clauses subtracted."""
        negatives = [c.child for c in children if isinstance(c, Not)]
        dates = [c for c in children if isinstance(c, DateRange)]
        others = [c for c in children if not isinstance(c, (Not, DateRange))]
        words = [c for c in others if isinstance(c, (Word, Phrase))]
        groups = [c for c in others if not isinstance(c, (Word, Phrase))]
        parts = self._concept_queries(words, require_all, collected)
        parts += _merge_repeats(
            self._compile_all(groups, require_all, collected), self.compiler.ranking.k3
        )
        positive = _combine(wq.And if all_required else wq.Or, parts)
        filters = [_date_filter(d) for d in dates]
        if filters:
            positive = _combine(wq.And, ([positive] if positive else []) + filters)
        if negatives:
            if positive is None:
                raise QuerySyntaxError(
                    "nothing to search for beside NOT: add a word, as in: Karabakh NOT Armenia"
                )
            excluded = self._compile_all(negatives, True, Collected())
            if excluded:
                positive = wq.AndNot(positive, _combine(wq.Or, excluded))
        return positive

    def _concept_query(self, concept: Concept, require_all: bool) -> wq.Query:
        """A concept as whoosh sees it: the user's words (all of them, or
        some) or any synonym, the synonyms weighted down.

        A concept scores the best of its ways to match (a disjunction-max),
        not their sum: a document holding the user's words and a synonym
        that repeats one of them ("corridor" in "Berdzor corridor") must not
        count that word twice.
        """
        words = [self._phrase_query(word, concept.field) for word in concept.words]
        original = _combine(wq.And if require_all else wq.Or, words)
        choices = [original] if original is not None else []
        choices += [
            self._phrase_query(synonym, concept.field, synonym_of=concept.original)
            for synonym in concept.synonyms
        ]
        return choices[0] if len(choices) == 1 else BestOf(choices)

    def _concept_queries(
        self, nodes: SequenceOf[Word | Phrase], require_all: bool, collected: Collected
    ) -> list[wq.Query]:
        return [
            self._concept_query(concept, require_all).with_boost(weight)
            if weight != 1
            else self._concept_query(concept, require_all)
            for concept, weight in self.compiler.weigh_repeats(
                self.compiler.concepts(nodes, collected)
            )
        ]

    def _phrase_query(
        self, terms: TermPhrase, target: str | None, synonym_of: TermPhrase | None = None
    ) -> wq.Query:
        """``terms`` as a word or phrase in each field it targets; as a synonym
        of ``synonym_of``, weighed by ``_synonym_weight``."""
        fields = (target,) if target else DEFAULT_FIELDS
        queries = []
        for name in fields:
            boost = self.compiler.ranking.title_weight if (name == "title" and not target) else 1.0
            if boost == 0:
                continue
            if synonym_of is not None:
                boost *= self._synonym_weight(name, synonym_of, terms)
            if len(terms) == 1:
                queries.append(wq.Term(name, terms[0], boost=boost))
            else:
                queries.append(wq.Phrase(name, list(terms), boost=boost))
        return queries[0] if len(queries) == 1 else wq.Or(queries)

    def _synonym_weight(self, name: str, original: TermPhrase, synonym: TermPhrase) -> float:
        """A synonym's weight in field ``name`` (see ``capped_synonym_weight``)."""
        if self.compiler.statistics is None:
            return self.compiler.ranking.synonym_weight
        idf = self.compiler.statistics.idf
        return capped_synonym_weight(
            self.compiler.ranking.synonym_weight,
            sum(idf(name, term) for term in original),
            sum(idf(name, term) for term in synonym),
        )


def _combine(kind: type[wq.CompoundQuery], parts: list[wq.Query]) -> wq.Query | None:
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else kind(parts)


class _BestOfMatcher(DisjunctionMaxMatcher):  # type: ignore[misc]
    """whoosh's disjunction-max matcher, corrected.

    whoosh 2.7.5 scores the maximum of both sides even when they stand on
    different documents, and its ``replace`` drops both sides when one runs
    out; both are fixed here.
    """

    def score(self) -> float:
        a, b = self.a, self.b
        if not a.is_active():
            return float(b.score())
        if not b.is_active():
            return float(a.score())
        a_id, b_id = a.id(), b.id()
        if a_id != b_id:
            return float(a.score() if a_id < b_id else b.score())
        return float(max(a.score(), b.score()))

    def replace(self, minquality: float = 0) -> Any:
        a, b = self.a, self.b
        if not a.is_active():
            return b.replace(minquality) if b.is_active() else NullMatcher()
        if not b.is_active():
            return a.replace(minquality)
        if minquality and max(a.max_quality(), b.max_quality()) < minquality:
            return NullMatcher()
        new_a, new_b = a.replace(minquality), b.replace(minquality)
        if not new_a.is_active():
            return new_b if new_b.is_active() else NullMatcher()
        if not new_b.is_active():
            return new_a
        if new_a is not a or new_b is not b:
            return self.__class__(new_a, new_b)
        return self


class BestOf(wq.DisjunctionMax):  # type: ignore[misc]
    """Matches what any subquery matches; scores the best subquery's score."""

    def _matcher(self, subs: Any, searcher: Any, context: Any) -> Any:
        reader = searcher.reader()
        return self._tree_matcher(
            subs, _BestOfMatcher, searcher, context, lambda q: q.estimate_size(reader)
        )


def _merge_repeats(parts: list[wq.Query], k3: float) -> list[wq.Query]:
    """A group written n times counts ``bm25_query_term_weight(n)`` times."""
    # Keyed by repr, not by the query: whoosh hashes a compound query as the
    # XOR of its parts, so Or(title:x, body:x) hashes alike for every x and
    # a dict of them degrades to a list.
    counts: dict[str, tuple[wq.Query, int]] = {}
    for part in parts:
        key = repr(part)
        counts[key] = (part, counts[key][1] + 1 if key in counts else 1)
    return [
        part if count == 1 else part.with_boost(part.boost * bm25_query_term_weight(count, k3))
        for part, count in counts.values()
    ]


def _date_filter(node: DateRange) -> wq.Query:
    # Dates are indexed as midnight.  An inclusive end takes the whole day;
    # an exclusive start skips it.
    start = end = None
    if node.start:
        start = dt.datetime.combine(
            node.start, dt.time.min if node.start_inclusive else dt.time.max
        )
    if node.end:
        end = dt.datetime.combine(node.end, dt.time.max if node.end_inclusive else dt.time.min)
    date_range = wq.DateRange(
        "date",
        start,
        end,
        startexcl=not node.start_inclusive,
        endexcl=not node.end_inclusive,
    )
    # A filter: it decides which documents qualify and adds nothing to scores.
    return wq.ConstantScoreQuery(date_range, score=0.0)
