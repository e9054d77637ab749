"""Syntax tree -> whoosh query, with analysis and synonym expansion.

The query side of the pipeline: every word goes through the same analysis
chain as the indexed text; runs of plain words are matched against the
synonym map; each concept becomes a whoosh query over the fields it targets.

Two whoosh queries come out of one tree.  In ``all_words`` the words of a
``Sequence`` are all required; in ``any_words`` some are enough.  The
searcher ranks the first's hits above the second's, so documents with all
the words come first.  Explicit ``AND``, ``OR`` and ``NOT`` mean the same in
both.

A word repeated in a query counts more for each time it is written (long
natural-language queries repeat their key words), with diminishing returns
(``ranking.bm25_query_term_weight``).  A synonym counts
``synonym_weight`` times as much as the user's own word, and a concept
scores the best of its ways to match, not their sum.  A synonym rarer than
the user's words is weighed down further (``ranking.capped_synonym_weight``),
so that it never outscores them; the idfs come from the index through
``TermStatistics``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence as SequenceOf
from dataclasses import dataclass, field
from typing import Any, Protocol

from whoosh import query as wq
from whoosh.matching import DisjunctionMaxMatcher, NullMatcher

from searchlib.analysis import Analyzer
from searchlib.analysis.synonym_map import Phrase as TermPhrase
from searchlib.analysis.synonym_map import SynonymMap
from searchlib.errors import QuerySyntaxError
from searchlib.query_syntax import (
    MAX_CLAUSES,
    AllOf,
    AnyOf,
    DateRange,
    Node,
    Not,
    Phrase,
    Sequence,
    Word,
)
from searchlib.ranking import RankingSettings, bm25_query_term_weight, capped_synonym_weight
from searchlib.schema import DEFAULT_FIELDS

MAX_PHRASE_TERMS = 256
"""Terms in one phrase or hyphenated word: whoosh's phrase matching slows
with each, and ``a-b-c-...`` is one word of the query syntax."""
MAX_QUERY_TERMS = MAX_CLAUSES
"""Terms in a whole query, phrases' terms included."""


class TermStatistics(Protocol):
    """What the compiler may ask of an index to weigh synonyms."""

    def idf(self, field: str, term: str) -> float:
        """The BM25 idf of an analysed term in a field, as the scorer computes it."""
        ...


@dataclass(frozen=True)
class Expansion:
    """A run of query terms and the alternatives synonyms added to it."""

    original: TermPhrase
    alternatives: tuple[TermPhrase, ...]


@dataclass(frozen=True)
class Concept:
    """A word of a query, or a run of words a synonym rule matched.

    ``words`` are the user's own (each one term, or the terms of a
    hyphenated word or quoted phrase); ``synonyms`` what the rule added.  A
    document holds the concept fully when it holds all the words, or any
    synonym; partly when it holds some of the words.
    """

    words: tuple[TermPhrase, ...]
    synonyms: tuple[TermPhrase, ...]
    field: str | None

    @property
    def original(self) -> TermPhrase:
        """Every term of the user's words, in order."""
        return tuple(term for word in self.words for term in word)


@dataclass(frozen=True)
class CompiledQuery:
    """A query ready for whoosh, with what snippets should highlight.

    ``concepts`` is the same query as weighted concepts (the weight of how
    often it was written) when it is a plain bag of words, else None.
    """

    all_words: wq.Query
    any_words: wq.Query
    highlight_terms: frozenset[str]
    highlight_phrases: frozenset[TermPhrase]
    expansions: tuple[Expansion, ...]
    concepts: tuple[tuple[Concept, float], ...] | None = None

    @property
    def tiered(self) -> bool:
        """Whether 'all words' and 'some words' can give different hits."""
        return bool(self.all_words != self.any_words)


@dataclass
class _Collected:
    terms: set[str] = field(default_factory=set)
    phrases: set[TermPhrase] = field(default_factory=set)
    expansions: list[Expansion] = field(default_factory=list)

    def add(self, phrase: TermPhrase) -> None:
        if len(phrase) == 1:
            self.terms.add(phrase[0])
        else:
            self.phrases.add(phrase)


class QueryCompiler:
    """Compiles syntax trees for one analyzer, synonym map and ranking.

    Without ``statistics`` (no index at hand) every synonym weighs
    ``synonym_weight``, uncapped.
    """

    def __init__(
        self,
        analyzer: Analyzer,
        synonyms: SynonymMap | None = None,
        ranking: RankingSettings | None = None,
        statistics: TermStatistics | None = None,
    ) -> None:
        self.analyzer = analyzer
        self.synonyms = synonyms
        self.ranking = ranking or RankingSettings()
        self.statistics = statistics
        self._term_count = 0

    def compile(self, node: Node) -> CompiledQuery:
        collected = _Collected()
        self._term_count = 0
        all_words = self._compile(node, require_all=True, collected=collected)
        self._term_count = 0
        any_words = self._compile(node, require_all=False, collected=_Collected())
        self._term_count = 0
        if all_words is None or any_words is None:
            raise QuerySyntaxError(
                "nothing to search for: the query has only stop words or only NOT clauses"
            )
        unique_expansions = tuple(dict.fromkeys(collected.expansions))
        return CompiledQuery(
            all_words,
            any_words,
            frozenset(collected.terms),
            frozenset(collected.phrases),
            unique_expansions,
            self._bag_of_concepts(node),
        )

    def _bag_of_concepts(self, node: Node) -> tuple[tuple[Concept, float], ...] | None:
        """The query as weighted concepts, when it is only words and phrases
        side by side with no field (what the fast path can answer)."""
        children = node.children if isinstance(node, Sequence) else (node,)
        if not all(isinstance(c, (Word, Phrase)) and c.field is None for c in children):
            return None
        words = [c for c in children if isinstance(c, (Word, Phrase))]
        return tuple(self._weigh_repeats(self._concepts(words, _Collected())))

    # -- tree walking --------------------------------------------------------

    def _compile(self, node: Node, *, require_all: bool, collected: _Collected) -> wq.Query | None:
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
        self, nodes: SequenceOf[Node], require_all: bool, collected: _Collected
    ) -> list[wq.Query]:
        compiled = (self._compile(n, require_all=require_all, collected=collected) for n in nodes)
        return [q for q in compiled if q is not None]

    def _required(
        self,
        children: SequenceOf[Node],
        all_required: bool,
        require_all: bool,
        collected: _Collected,
    ) -> wq.Query | None:
        """Children side by side: plain words grouped for synonyms, date
        ranges always required, NOT clauses subtracted."""
        negatives = [c.child for c in children if isinstance(c, Not)]
        dates = [c for c in children if isinstance(c, DateRange)]
        others = [c for c in children if not isinstance(c, (Not, DateRange))]
        words = [c for c in others if isinstance(c, (Word, Phrase))]
        groups = [c for c in others if not isinstance(c, (Word, Phrase))]
        parts = self._concept_queries(words, require_all, collected)
        parts += _merge_repeats(self._compile_all(groups, require_all, collected), self.ranking)
        positive = _combine(wq.And if all_required else wq.Or, parts)
        filters = [_date_filter(d) for d in dates]
        if filters:
            positive = _combine(wq.And, ([positive] if positive else []) + filters)
        if negatives:
            if positive is None:
                raise QuerySyntaxError(
                    "nothing to search for beside NOT: add a word, as in: Karabakh NOT Armenia"
                )
            excluded = self._compile_all(negatives, True, _Collected())
            if excluded:
                positive = wq.AndNot(positive, _combine(wq.Or, excluded))
        return positive

    # -- words, phrases and synonyms -----------------------------------------

    def _concepts(self, nodes: SequenceOf[Word | Phrase], collected: _Collected) -> list[Concept]:
        """One concept per word, phrase, or run of words that a synonym rule
        matched (with the rule's alternatives)."""
        units: list[tuple[TermPhrase, str | None, bool]] = []  # terms, field, quoted
        for node in nodes:
            terms = tuple(self.analyzer.terms(node.text))
            self._count_terms(terms)
            if terms:
                units.append((terms, node.field, isinstance(node, Phrase)))
        concepts = []
        index = 0
        while index < len(units):
            end = self._synonym_span(units, index)
            terms, target, _quoted = units[index]
            if end is None:
                collected.add(terms)
                concepts.append(Concept((terms,), (), target))
                index += 1
                continue
            words = tuple(unit[0] for unit in units[index:end])
            original: TermPhrase = tuple(t for word in words for t in word)
            alternatives = self.synonyms.alternatives(original) if self.synonyms else ()
            collected.expansions.append(Expansion(original, alternatives))
            for word in (*words, *alternatives):
                collected.add(word)
            concepts.append(Concept(words, alternatives, target))
            index = end
        return concepts

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
        self, nodes: SequenceOf[Word | Phrase], require_all: bool, collected: _Collected
    ) -> list[wq.Query]:
        return [
            self._concept_query(concept, require_all).with_boost(weight)
            if weight != 1
            else self._concept_query(concept, require_all)
            for concept, weight in self._weigh_repeats(self._concepts(nodes, collected))
        ]

    def _weigh_repeats(self, concepts: list[Concept]) -> list[tuple[Concept, float]]:
        """Each distinct concept with the weight of how often it was written."""
        return [
            (concept, bm25_query_term_weight(count, self.ranking.k3))
            for concept, count in count_repeats(concepts)
        ]

    def _count_terms(self, terms: TermPhrase) -> None:
        if len(terms) > MAX_PHRASE_TERMS:
            raise QuerySyntaxError(
                f"phrase too long: {len(terms):,} words, at most {MAX_PHRASE_TERMS} are searched "
                "side by side"
            )
        self._term_count += len(terms)
        if self._term_count > MAX_QUERY_TERMS:
            raise QuerySyntaxError(f"query too long: more than {MAX_QUERY_TERMS} words")

    def _synonym_span(
        self, units: list[tuple[TermPhrase, str | None, bool]], start: int
    ) -> int | None:
        """The end of the longest run of whole units from ``start`` that a
        synonym rule matches, all in one field; None if no rule does."""
        if self.synonyms is None or not len(self.synonyms):
            return None
        target = units[start][1]
        terms: list[str] = []
        best = None
        for end in range(start, len(units)):
            unit_terms, unit_field, quoted = units[end]
            if unit_field != target or (quoted and end > start):
                break
            terms.extend(unit_terms)
            if len(terms) > self.synonyms.longest:
                break
            if self.synonyms.alternatives(tuple(terms)):
                best = end + 1
            if quoted:
                break  # a quoted phrase expands only as a whole
        return best

    def _phrase_query(
        self, terms: TermPhrase, target: str | None, synonym_of: TermPhrase | None = None
    ) -> wq.Query:
        """``terms`` as a word or phrase in each field it targets; as a synonym
        of ``synonym_of``, weighed by ``_synonym_weight``."""
        fields = (target,) if target else DEFAULT_FIELDS
        queries = []
        for name in fields:
            boost = self.ranking.title_weight if (name == "title" and not target) else 1.0
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
        if self.statistics is None:
            return self.ranking.synonym_weight
        idf = self.statistics.idf
        return capped_synonym_weight(
            self.ranking.synonym_weight,
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


def count_repeats(concepts: list[Concept]) -> list[tuple[Concept, int]]:
    """Each distinct concept with how many times it was written."""
    counts: dict[Concept, int] = {}
    for concept in concepts:
        counts[concept] = counts.get(concept, 0) + 1
    return list(counts.items())


def _merge_repeats(parts: list[wq.Query], ranking: RankingSettings) -> list[wq.Query]:
    """A group written n times counts ``bm25_query_term_weight(n)`` times."""
    # Keyed by repr, not by the query: whoosh hashes a compound query as the
    # XOR of its parts, so Or(title:x, body:x) hashes alike for every x and
    # a dict of them degrades to a list.
    counts: dict[str, tuple[wq.Query, int]] = {}
    for part in parts:
        key = repr(part)
        counts[key] = (part, counts[key][1] + 1 if key in counts else 1)
    return [
        part
        if count == 1
        else part.with_boost(part.boost * bm25_query_term_weight(count, ranking.k3))
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
