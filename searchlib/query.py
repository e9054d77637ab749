"""Syntax tree -> concepts with synonyms, and (on demand) whoosh queries.

The query side of the pipeline: every word goes through the same analysis
chain as the indexed text; runs of plain words are matched against the
synonym map; each word or matched run becomes a ``Concept``.

A query made only of words and phrases side by side (a bag of concepts) is
what the fast path (``impact_reading``) answers, without whoosh; whoosh's
queries for it are built only if asked for (``CompiledQuery.any_words``).
Any other query (fields, AND/OR/NOT, dates) is built for whoosh at once,
by ``whoosh_queries``, which also says how its two queries rank.

A word repeated in a query weighs more each time it is written, with
diminishing returns (BM25's k3, ``ranking.bm25_query_term_weight``): long
natural-language queries repeat their key words.  A synonym counts
``synonym_weight`` times as much as the user's own word, and a concept
scores the best of its ways to match, not their sum.  A synonym rarer than
the user's words is weighed down further (``ranking.capped_synonym_weight``),
so that it never outscores them; the idfs come from the index through
``TermStatistics``.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence as SequenceOf
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from searchlib.analysis import Analyzer
from searchlib.analysis.synonym_map import Phrase as TermPhrase
from searchlib.analysis.synonym_map import SynonymMap
from searchlib.errors import QuerySyntaxError
from searchlib.query_syntax import MAX_CLAUSES, Node, Phrase, Sequence, Word
from searchlib.ranking import RankingSettings, bm25_query_term_weight

if TYPE_CHECKING:
    from whoosh import query as wq

MAX_PHRASE_TERMS = 256
"""Terms in one phrase or hyphenated word: whoosh's phrase matching slows
with each, and ``a-b-c-...`` is one word of the query syntax."""
MAX_QUERY_TERMS = MAX_CLAUSES
"""Terms in a whole query, phrases' terms included."""
NOTHING_TO_SEARCH = "nothing to search for: the query has only stop words or only NOT clauses"


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

    @property
    def terms(self) -> tuple[TermPhrase, ...]:
        """The words, then the synonyms: every way to match the concept."""
        return (*self.words, *self.synonyms)


WhooshQueries = tuple["wq.Query", "wq.Query"]
"""A query for whoosh as (all words required, some words enough)."""


class CompiledQuery:
    """A compiled query: what snippets should highlight, the synonyms that
    fired, and the query for whoosh.

    ``concepts`` is the query as weighted concepts (weight = how often it
    was written) when it is a plain bag of words, else None.  whoosh's two
    queries are built when first asked for.  In ``all_words`` the words of
    a ``Sequence`` are all required; in ``any_words`` some are enough.
    """

    def __init__(
        self,
        whoosh_queries: Callable[[], WhooshQueries],
        highlight_terms: frozenset[str],
        highlight_phrases: frozenset[TermPhrase],
        expansions: tuple[Expansion, ...],
        concepts: tuple[tuple[Concept, float], ...] | None = None,
    ) -> None:
        self._build_whoosh_queries = whoosh_queries
        self._whoosh_queries: WhooshQueries | None = None
        self.highlight_terms = highlight_terms
        self.highlight_phrases = highlight_phrases
        self.expansions = expansions
        self.concepts = concepts

    def _queries(self) -> WhooshQueries:
        if self._whoosh_queries is None:
            self._whoosh_queries = self._build_whoosh_queries()
        return self._whoosh_queries

    @property
    def all_words(self) -> wq.Query:
        return self._queries()[0]

    @property
    def any_words(self) -> wq.Query:
        return self._queries()[1]

    @property
    def tiered(self) -> bool:
        """Whether 'all words' and 'some words' can give different hits."""
        all_words, any_words = self._queries()
        return bool(all_words != any_words)

    def __repr__(self) -> str:
        return f"CompiledQuery(concepts={self.concepts!r}, expansions={self.expansions!r})"


@dataclass
class Collected:
    """What a syntax tree asks for: single terms, phrases and synonym expansions."""

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
        concepts = self._bag_of_concepts(node)
        if concepts is None:
            return self._compile_for_whoosh(node)
        words, collected = concepts
        weighted = tuple(self.weigh_repeats(words))
        if not weighted:
            raise QuerySyntaxError(NOTHING_TO_SEARCH)
        return CompiledQuery(
            lambda: self._whoosh_queries(node, Collected()),
            frozenset(collected.terms),
            frozenset(collected.phrases),
            tuple(dict.fromkeys(collected.expansions)),
            weighted,
        )

    def _compile_for_whoosh(self, node: Node) -> CompiledQuery:
        collected = Collected()
        queries = self._whoosh_queries(node, collected)
        return CompiledQuery(
            lambda: queries,
            frozenset(collected.terms),
            frozenset(collected.phrases),
            tuple(dict.fromkeys(collected.expansions)),
        )

    def _whoosh_queries(self, node: Node, collected: Collected) -> WhooshQueries:
        from searchlib.whoosh_queries import WhooshQueryBuilder

        return WhooshQueryBuilder(self).build(node, collected)

    def _bag_of_concepts(self, node: Node) -> tuple[list[Concept], Collected] | None:
        """The query's concepts and what they highlight, when it is only
        words and phrases side by side with no field (what the fast path
        can answer)."""
        children = node.children if isinstance(node, Sequence) else (node,)
        if not all(isinstance(c, (Word, Phrase)) and c.field is None for c in children):
            return None
        words = [c for c in children if isinstance(c, (Word, Phrase))]
        collected = Collected()
        self.reset_term_count()
        concepts = self.concepts(words, collected)
        self.reset_term_count()
        return concepts, collected

    def weigh_repeats(self, concepts: list[Concept]) -> list[tuple[Concept, float]]:
        """Each distinct concept with the weight of how often it was written
        (``ranking.bm25_query_term_weight``)."""
        return [
            (concept, bm25_query_term_weight(count, self.ranking.k3))
            for concept, count in count_repeats(concepts)
        ]

    def reset_term_count(self) -> None:
        """Start counting a query's terms anew (``MAX_QUERY_TERMS``)."""
        self._term_count = 0

    # -- words, phrases and synonyms -----------------------------------------

    def concepts(self, nodes: SequenceOf[Word | Phrase], collected: Collected) -> list[Concept]:
        """One concept per word, phrase, or run of words that a synonym rule
        matched (with the rule's alternatives)."""
        units: list[tuple[TermPhrase, str | None, bool]] = []  # terms, field, quoted
        analysed = self.analyzer.terms_of_each(node.text for node in nodes)
        for node, node_terms in zip(nodes, analysed, strict=True):
            terms = tuple(node_terms)
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
        if self.synonyms is None or not self.synonyms.may_start(units[start][0][0]):
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
            run = tuple(terms)
            if run in self.synonyms:
                best = end + 1
            if quoted or not self.synonyms.extends(run):
                break  # a quoted phrase expands only as a whole; no longer rule
        return best


def count_repeats(concepts: list[Concept]) -> list[tuple[Concept, int]]:
    """Each distinct concept with how many times it was written."""
    counts: dict[Concept, int] = {}
    for concept in concepts:
        counts[concept] = counts.get(concept, 0) + 1
    return list(counts.items())
