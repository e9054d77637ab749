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

import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from searchlib.analysis.analyzer import Analyzer
from searchlib.data_files import read_data_file
from searchlib.errors import SynonymFormatError

if TYPE_CHECKING:  # the rules' file format is read only when the cache cannot answer
    from searchlib.analysis.solr_synonyms import SynonymRule

Phrase = tuple[str, ...]
"""A sequence of analysed terms: one word or several."""

DEFAULT_SYNONYM_FILE = "geo_synonyms.txt"
DEFAULT_SYNONYM_ORIGIN = f"searchlib/data/{DEFAULT_SYNONYM_FILE}"
"""How rules of the shipped list name their file in ``origin``."""
_CACHE_FORMAT = 3
"""Part of a cache file's key: a changed layout never reads an older file."""


class SynonymMatch(NamedTuple):
    """Query terms ``[start, end)`` have these alternatives (their own phrase excluded)."""

    start: int
    end: int
    alternatives: tuple[Phrase, ...]


class VanishedTerm(NamedTuple):
    """A synonym term that analysis reduces to nothing (only stop words)."""

    origin: str
    term: str


class SynonymMap:
    """Analysed phrase -> the phrases a query for it also searches.

    It also remembers where each phrase came from (the terms as written and
    their rules' ``file:line``), to explain an expansion to a user.
    """

    def __init__(self, rules: Iterable[SynonymRule], analyzer: Analyzer) -> None:
        self._alternatives: Mapping[Phrase, Collection[Phrase]]
        self._alternatives = alternatives = defaultdict[Phrase, set[Phrase]](set)
        self._written: dict[Phrase, dict[str, None]] = defaultdict(dict)
        self._links: dict[tuple[Phrase, Phrase], dict[str, None]] = defaultdict(dict)
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
                for alternative in outputs:
                    if alternative != phrase:
                        alternatives[phrase].add(alternative)
                        self._links[phrase, alternative][rule.origin] = None
        self.longest = max((len(p) for p in self._alternatives), default=0)
        self._prefixes = _prefixes(p for p, found in self._alternatives.items() if found)

    def _analyse_all(self, terms: Sequence[str], origin: str, analyzer: Analyzer) -> list[Phrase]:
        phrases = []
        for term in terms:
            phrase = tuple(analyzer.terms(term))
            if phrase:
                phrases.append(phrase)
                self._written[phrase][term] = None
            else:
                self.vanished.append(VanishedTerm(origin, term))
        return phrases

    @classmethod
    def from_table(cls, table: dict[str, Any]) -> SynonymMap:
        """A map from ``table()``'s output, without analysing anything."""
        synonyms = cls.__new__(cls)
        synonyms._alternatives = _JoinedTable(table["alternatives"])
        synonyms._written = defaultdict(dict)  # the cache keeps no provenance
        synonyms._links = defaultdict(dict)
        synonyms.vanished = []
        synonyms.rules = []
        synonyms.longest = table["longest"]
        synonyms._prefixes = set(table["prefixes"])
        return synonyms

    def table(self) -> dict[str, Any]:
        """The map as JSON-ready data (for the cache): each phrase and its
        alternatives as space-joined terms (a term never holds a space)."""
        return {
            "longest": self.longest,
            "prefixes": sorted(self._prefixes),
            "alternatives": {
                " ".join(phrase): [" ".join(a) for a in sorted(alternatives)]
                for phrase, alternatives in sorted(self._alternatives.items())
            },
        }

    def __len__(self) -> int:
        return len(self._alternatives)

    def __contains__(self, phrase: object) -> bool:
        """Whether a rule gives ``phrase`` alternatives."""
        if not isinstance(phrase, tuple):
            return False
        alternatives = self._alternatives
        if isinstance(alternatives, _JoinedTable):  # without converting them
            return alternatives.has_alternatives(phrase)
        return bool(alternatives.get(phrase))

    def may_start(self, term: str) -> bool:
        """Whether some phrase with alternatives starts with ``term`` (a
        quick test most words of a query fail)."""
        return term in self._prefixes or (term,) in self

    def extends(self, phrase: Phrase) -> bool:
        """Whether a longer phrase with alternatives starts with ``phrase``
        (else no run of more words from there can match a rule)."""
        return " ".join(phrase) in self._prefixes

    def alternatives(self, phrase: Phrase) -> tuple[Phrase, ...]:
        """What a query for ``phrase`` also searches, in a stable order."""
        return tuple(sorted(self._alternatives.get(phrase, ())))

    def written_forms(self, phrase: Phrase) -> tuple[str, ...]:
        """The terms of the rules, as written, that analyse to ``phrase``
        (none for a map read from the cache: build it from the rules)."""
        return tuple(self._written.get(phrase, ()))

    def rules_linking(self, phrase: Phrase, alternative: Phrase) -> tuple[str, ...]:
        """The ``file:line`` of each rule that makes ``phrase`` find ``alternative``."""
        return tuple(self._links.get((phrase, alternative), ()))

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


class _JoinedTable(Mapping[Phrase, Collection[Phrase]]):
    """The cached table as read, converted a phrase at a time on lookup.

    A query looks up a handful of phrases of the thousands a list holds, so
    turning every entry into tuples on opening (about 8 ms) would be wasted.
    """

    def __init__(self, joined: dict[str, list[str]]) -> None:
        self._joined = joined

    def __getitem__(self, phrase: Phrase) -> Collection[Phrase]:
        return _split(self._joined[" ".join(phrase)])

    def get(self, phrase: Phrase, default: Any = None) -> Any:  # no KeyError on a miss
        joined = self._joined.get(" ".join(phrase))
        return default if joined is None else _split(joined)

    def __contains__(self, phrase: object) -> bool:
        return isinstance(phrase, tuple) and " ".join(phrase) in self._joined

    def has_alternatives(self, phrase: Phrase) -> bool:
        return bool(self._joined.get(" ".join(phrase)))

    def __iter__(self) -> Iterator[Phrase]:
        return (tuple(phrase.split(" ")) for phrase in self._joined)

    def __len__(self) -> int:
        return len(self._joined)


def _prefixes(phrases: Iterable[Phrase]) -> set[str]:
    """Every shorter start of the phrases, space-joined."""
    return {" ".join(phrase[:length]) for phrase in phrases for length in range(1, len(phrase))}


def _split(joined: list[str]) -> list[Phrase]:
    return [tuple(alternative.split(" ")) for alternative in joined]


def load_synonym_map(
    analyzer: Analyzer,
    files: Iterable[str] = (),
    *,
    include_default: bool = True,
    cache_dir: Path | None = None,
) -> SynonymMap:
    """The synonym map of the shipped list and user files, analysed with
    ``analyzer``; cached in ``cache_dir`` when one is given.

    Analysing a list of thousands of terms means stemming them (and
    importing nltk): a few seconds, on every query of a command-line user.
    The cache is keyed by the files' contents and the analysis settings, so a
    changed list or index is never answered from a stale cache.  A cache that
    cannot be written (a read-only index) is simply not used.
    """
    sources = []
    if include_default:
        text = read_data_file(DEFAULT_SYNONYM_FILE)
        sources.append((DEFAULT_SYNONYM_ORIGIN, text))
    for path in files:
        sources.append((str(path), _read_text(path)))
    if cache_dir is None:
        return _build_map(sources, analyzer)
    described = json.dumps([_CACHE_FORMAT, analyzer.describe(), sources])
    key = hashlib.sha256(described.encode()).hexdigest()
    cache_file = cache_dir / f"synonyms-{key[:32]}.json"
    try:
        return SynonymMap.from_table(json.loads(cache_file.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    synonyms = _build_map(sources, analyzer)
    try:
        cache_dir.mkdir(exist_ok=True)
        temporary = cache_file.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(synonyms.table()), encoding="utf-8")
        temporary.replace(cache_file)
    except OSError:
        pass
    return synonyms


def _read_text(path: str) -> str:
    rules_text = Path(path)
    try:
        return rules_text.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SynonymFormatError(f"synonym file not found: {path}") from None
    except UnicodeDecodeError as error:
        raise SynonymFormatError(f"{path}: not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise SynonymFormatError(f"cannot read synonym file {path}: {error.strerror}") from None


def _build_map(sources: list[tuple[str, str]], analyzer: Analyzer) -> SynonymMap:
    from searchlib.analysis.solr_synonyms import parse_solr_synonyms

    rules = [rule for name, text in sources for rule in parse_solr_synonyms(text, name)]
    return SynonymMap(rules, analyzer)


def load_synonym_rules(
    files: Iterable[str] = (), *, include_default: bool = True
) -> list[SynonymRule]:
    """Rules of the shipped geopolitical list (unless excluded) and of user files."""
    from searchlib.analysis.solr_synonyms import parse_solr_synonyms, read_synonym_file

    rules: list[SynonymRule] = []
    if include_default:
        text = read_data_file(DEFAULT_SYNONYM_FILE)
        rules += parse_solr_synonyms(text, DEFAULT_SYNONYM_ORIGIN)
    for path in files:
        rules += read_synonym_file(path)
    return rules
