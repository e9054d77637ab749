"""Syntax tree -> whoosh query, with analysis and synonym expansion.

The query side of the pipeline: every word goes through the same analysis
chain as the indexed text; runs of plain words are matched against the
synonym map; each concept becomes a whoosh query over the fields it targets.

Two whoosh queries come out of one tree.  In ``all_words`` the words of a
``Sequence`` are all required; in ``any_words`` some are enough.  The
searcher ranks the first's hits above the second's, so documents with all
the words come first.  Explicit ``AND``, ``OR`` and ``NOT`` mean the same in
both.

A word repeated in a query counts once for each time it is written (long
natural-language queries repeat their key words).  A synonym counts
``synonym_weight`` times as much as the user's own word.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence as SequenceOf
from dataclasses import dataclass, field

from whoosh import query as wq

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
from searchlib.ranking import RankingSettings
from searchlib.schema import DEFAULT_FIELDS

MAX_PHRASE_TERMS = 256
"""Terms in one phrase or hyphenated word: whoosh's phrase matching slows
with each, and ``a-b-c-...`` is one word of the query syntax."""
MAX_QUERY_TERMS = MAX_CLAUSES
"""Terms in a whole query, phrases' terms included."""


@dataclass(frozen=True)
class Expansion:
    """A run of query terms and the alternatives synonyms added to it."""

    original: TermPhrase
    alternatives: tuple[TermPhrase, ...]


@dataclass(frozen=True)
class CompiledQuery:
    """A query ready for whoosh, with what snippets should highlight."""

    all_words: wq.Query
    any_words: wq.Query
    highlight_terms: frozenset[str]
    highlight_phrases: frozenset[TermPhrase]
    expansions: tuple[Expansion, ...]

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
    """Compiles syntax trees for one analyzer, synonym map and ranking."""

    def __init__(
        self,
        analyzer: Analyzer,
        synonyms: SynonymMap | None = None,
        ranking: RankingSettings | None = None,
    ) -> None:
        self.analyzer = analyzer
        self.synonyms = synonyms
        self.ranking = ranking or RankingSettings()
        self._term_count = 0

    def compile(self, node: Node) -> CompiledQuery:
        collected = _Collected()
        self._term_count = 0
        all_words = self._compile(node, require_all=True, collected=collected)
        self._term_count = 0
        any_words = self._compile(node, require_all=False, collected=_Collected())
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
        )

    # -- tree walking --------------------------------------------------------

    def _compile(self, node: Node, *, require_all: bool, collected: _Collected) -> wq.Query | None:
        if isinstance(node, (Word, Phrase)):
            concepts = self._concepts([node], require_all, collected)
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
        parts = self._concepts(words, require_all, collected)
        parts += self._compile_all(groups, require_all, collected)
        parts = _merge_repeats(parts)
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

    def _concepts(
        self, nodes: SequenceOf[Word | Phrase], require_all: bool, collected: _Collected
    ) -> list[wq.Query]:
        """One query per concept: a word, a phrase, or a run of words that a
        synonym rule matched, with its alternatives."""
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
                concepts.append(self._phrase_query(terms, target))
                index += 1
                continue
            original_units = units[index:end]
            original: TermPhrase = tuple(t for unit in original_units for t in unit[0])
            alternatives = self.synonyms.alternatives(original) if self.synonyms else ()
            collected.expansions.append(Expansion(original, alternatives))
            for unit_terms, _, _ in original_units:
                collected.add(unit_terms)
            original_parts = [self._phrase_query(u[0], target) for u in original_units]
            original_query = _combine(wq.And if require_all else wq.Or, original_parts)
            choices = [original_query] if original_query is not None else []
            for alternative in alternatives:
                collected.add(alternative)
                choices.append(
                    self._phrase_query(alternative, target).with_boost(self.ranking.synonym_weight)
                )
            concepts.append(wq.Or(choices))
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

    def _phrase_query(self, terms: TermPhrase, target: str | None) -> wq.Query:
        fields = (target,) if target else DEFAULT_FIELDS
        queries = []
        for name in fields:
            boost = self.ranking.title_weight if (name == "title" and not target) else 1.0
            if len(terms) == 1:
                queries.append(wq.Term(name, terms[0], boost=boost))
            else:
                queries.append(wq.Phrase(name, list(terms), boost=boost))
        return queries[0] if len(queries) == 1 else wq.Or(queries)


def _combine(kind: type[wq.CompoundQuery], parts: list[wq.Query]) -> wq.Query | None:
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else kind(parts)


def _merge_repeats(parts: list[wq.Query]) -> list[wq.Query]:
    """A concept written n times counts n times (query term frequency)."""
    # Keyed by repr, not by the query: whoosh hashes a compound query as the
    # XOR of its parts, so Or(title:x, body:x) hashes alike for every x and
    # a dict of them degrades to a list.
    counts: dict[str, tuple[wq.Query, int]] = {}
    for part in parts:
        key = repr(part)
        counts[key] = (part, counts[key][1] + 1 if key in counts else 1)
    return [
        part if count == 1 else part.with_boost(part.boost * count)
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
