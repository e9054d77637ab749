"""Query text -> how synonyms expand it, in the rules' own words.

For ``searchlib synonyms expand``, which shows a user tuning a list what a
query will also search.  The query is compiled exactly as a search compiles
it (``query``), so what is shown is what is searched; no index is needed.
Each matched run of query words is given with its alternatives, as analysed
terms, as written in the rules, and with the ``file:line`` of those rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from searchlib.analysis import Analyzer
from searchlib.analysis.synonym_map import Phrase, SynonymMap
from searchlib.query import QueryCompiler
from searchlib.query_syntax import parse_natural, parse_query


@dataclass(frozen=True)
class ExpandedAlternative:
    """One phrase a matched run also searches."""

    terms: Phrase
    written: tuple[str, ...]
    rules: tuple[str, ...]


@dataclass(frozen=True)
class ExpandedRun:
    """A run of query words that a rule matched, and what it also searches."""

    terms: Phrase
    written: tuple[str, ...]
    alternatives: tuple[ExpandedAlternative, ...]


def expand_query(
    text: str, analyzer: Analyzer, synonyms: SynonymMap, *, natural: bool = False
) -> list[ExpandedRun]:
    """Every run of ``text`` that synonyms expand, in query order."""
    node = parse_natural(text) if natural else parse_query(text)
    compiled = QueryCompiler(analyzer, synonyms).compile(node)
    return [
        ExpandedRun(
            terms=expansion.original,
            written=synonyms.written_forms(expansion.original),
            alternatives=tuple(
                ExpandedAlternative(
                    terms=alternative,
                    written=synonyms.written_forms(alternative),
                    rules=synonyms.rules_linking(expansion.original, alternative),
                )
                for alternative in expansion.alternatives
            ),
        )
        for expansion in compiled.expansions
    ]
