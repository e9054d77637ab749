"""Synonym rules -> a map from analysed phrases to their alternatives.

Query-time only: an index holds the words of its articles, and a query asks
for alternatives, so a changed synonym list needs no reindex.  Every term of
every rule goes through the same analysis chain as the text, so ``Armenians``
in a query meets the rule written for ``Armenian``.

Semantics (see ``solr_synonyms`` for the file format):

* ``a, b, c``   each of a, b, c finds the others;
* ``a => b``    a query for a also finds b; a query for b does not find a.

The user's own words are always kept beside their alternatives.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

from searchlib.analysis.analyzer import Analyzer
from searchlib.analysis.solr_synonyms import SynonymRule, parse_solr_synonyms, read_synonym_file

Phrase = tuple[str, ...]
"""A sequence of analysed terms: one word or several."""

DEFAULT_SYNONYM_FILE = "geo_synonyms.txt"


@dataclass(frozen=True, slots=True)
class SynonymMatch:
    """Query terms ``[start, end)`` have these alternatives (their own phrase excluded)."""

    start: int
    end: int
    alternatives: tuple[Phrase, ...]


@dataclass(frozen=True, slots=True)
class VanishedTerm:
    """A synonym term that analysis reduces to nothing (only stop words)."""

    origin: str
    term: str


class SynonymMap:
    """Analysed phrase -> the phrases a query for it also searches."""

    def __init__(self, rules: Iterable[SynonymRule], analyzer: Analyzer) -> None:
        self._alternatives: dict[Phrase, set[Phrase]] = defaultdict(set)
        self.vanished: list[VanishedTerm] = []
        self.rules = list(rules)
        for rule in self.rules:
            inputs = self._analyse_all(rule.inputs, rule.origin, analyzer)
            outputs = (
                inputs
                if not rule.one_way
                else self._analyse_all(rule.outputs, rule.origin, analyzer)
            )
            for phrase in inputs:
                self._alternatives[phrase].update(p for p in outputs if p != phrase)
        self.longest = max((len(p) for p in self._alternatives), default=0)

    def _analyse_all(self, terms: Sequence[str], origin: str, analyzer: Analyzer) -> list[Phrase]:
        phrases = []
        for term in terms:
            phrase = tuple(analyzer.terms(term))
            if phrase:
                phrases.append(phrase)
            else:
                self.vanished.append(VanishedTerm(origin, term))
        return phrases

    def __len__(self) -> int:
        return len(self._alternatives)

    def alternatives(self, phrase: Phrase) -> tuple[Phrase, ...]:
        """What a query for ``phrase`` also searches, in a stable order."""
        return tuple(sorted(self._alternatives.get(phrase, ())))

    def find_matches(self, terms: Sequence[str]) -> list[SynonymMatch]:
        """Non-overlapping rule matches in a run of query terms, longest first
        at each place, scanning left to right."""
        matches = []
        start = 0
        while start < len(terms):
            for length in range(min(self.longest, len(terms) - start), 0, -1):
                phrase = tuple(terms[start : start + length])
                if self._alternatives.get(phrase):
                    matches.append(SynonymMatch(start, start + length, self.alternatives(phrase)))
                    start += length
                    break
            else:
                start += 1
        return matches


def load_synonym_rules(
    files: Iterable[str] = (), *, include_default: bool = True
) -> list[SynonymRule]:
    """Rules of the shipped geopolitical list (unless excluded) and of user files."""
    rules: list[SynonymRule] = []
    if include_default:
        text = resources.files("searchlib.data").joinpath(DEFAULT_SYNONYM_FILE).read_text("utf-8")
        rules += parse_solr_synonyms(text, f"searchlib/data/{DEFAULT_SYNONYM_FILE}")
    for path in files:
        rules += read_synonym_file(path)
    return rules
