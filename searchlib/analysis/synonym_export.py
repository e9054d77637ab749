"""Synonym rules -> the same behaviour for Solr, Elasticsearch or OpenSearch.

``searchlib synonyms export`` writes the rules searchlib applies as a Solr
synonyms file, or as an Elasticsearch/OpenSearch ``synonym_graph`` filter
with a search analyzer around it, so that a cluster expands queries as
searchlib does.

Terms are exported as written, not analysed.  A cluster analyses each rule
with the tokenizer and filters placed before the synonym filter, so stemmed
forms (``ukrain``) would be stemmed again by a stemmer there, or never meet
the unstemmed tokens if the synonym filter comes first.  Written forms are
right in both places; placed after the stemmer, as in the analyzer written
here, the filter matches analysed forms as searchlib does (``Armenians``
meets the rule for ``Armenian``).  Terms that searchlib's analysis reduces to
nothing are left out, as searchlib ignores them.

Semantics carried over:

* a group ``a, b, c`` is written as it is (each finds the others);
* searchlib keeps the user's own words for a one-way rule (``a => b`` finds
  a and b), where Solr and Elasticsearch replace them, so it is written
  ``a => a, b``, one line per input (``a, c => b`` would let a find c).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from searchlib.analysis.analyzer import Analyzer
from searchlib.analysis.solr_synonyms import SynonymRule

EXPORT_FORMATS = ("solr", "elasticsearch")

# searchlib's stemmers -> the Elasticsearch/OpenSearch stemmer token filter's
# language (Snowball's English stemmer is what they call porter2).  Lancaster
# has no counterpart there.
_CLUSTER_STEMMERS = {"snowball": "porter2", "porter": "porter"}

_SOLR_HEADER = """\
Solr synonyms format, for a query-time synonym filter: Solr's
SynonymGraphFilterFactory, or Elasticsearch/OpenSearch synonym_graph
("format": "solr").  Terms are as written in the source lists, not analysed:
the engine analyses each rule with the tokenizer and filters before the
synonym filter, so place it after lowercasing, accent folding and stemming
to match as searchlib does.
searchlib keeps the user's own words for a one-way rule ("a => b" finds a
and b); these engines replace them, so each one-way rule is written
"a => a, b", one line per input.  Terms that searchlib's analysis drops
(only stop words) are left out."""


def portable_synonym_lines(rules: Sequence[SynonymRule], analyzer: Analyzer) -> list[str]:
    """The rules as Solr-format lines that mean, in a Solr-style engine,
    what they mean in searchlib."""
    lines: list[str] = []
    for rule in rules:
        inputs = _kept(rule.inputs, analyzer)
        if not rule.one_way:
            if len(inputs) > 1:
                lines.append(", ".join(_escaped(term) for term in inputs))
            continue
        outputs = _kept(rule.outputs, analyzer)
        for term in inputs:
            found = [term] + [other for other in outputs if other != term]
            if len(found) > 1:
                lines.append(f"{_escaped(term)} => {', '.join(_escaped(t) for t in found)}")
    return list(dict.fromkeys(lines))


def export_solr(rules: Sequence[SynonymRule], analyzer: Analyzer, sources: Sequence[str]) -> str:
    """A Solr synonyms file, with a header saying what it carries and how."""
    header = [f"Exported by searchlib from: {', '.join(sources) or '(no rules)'}", ""]
    header += _SOLR_HEADER.splitlines()
    text = "\n".join(f"# {line}".rstrip() for line in header)
    return text + "\n\n" + "".join(f"{line}\n" for line in portable_synonym_lines(rules, analyzer))


def export_elasticsearch(rules: Sequence[SynonymRule], analyzer: Analyzer) -> dict[str, Any]:
    """Index settings for Elasticsearch/OpenSearch: the ``searchlib_synonyms``
    synonym_graph filter and ``searchlib_search``, a search analyzer that
    lowercases, folds accents, stems as searchlib does when it can, then
    applies the synonyms."""
    filters: dict[str, Any] = {
        "searchlib_synonyms": {
            "type": "synonym_graph",
            "format": "solr",
            "expand": True,
            "lenient": False,
            "synonyms": portable_synonym_lines(rules, analyzer),
        }
    }
    chain = ["lowercase"]
    if analyzer.settings.fold_accents:
        chain.append("asciifolding")
    chain.append("searchlib_possessive")
    filters["searchlib_possessive"] = {"type": "stemmer", "language": "possessive_english"}
    language = _CLUSTER_STEMMERS.get(analyzer.settings.stemmer)
    if language is not None:
        filters["searchlib_stemmer"] = {"type": "stemmer", "language": language}
        chain.append("searchlib_stemmer")
    chain.append("searchlib_synonyms")
    analyzers = {"searchlib_search": {"type": "custom", "tokenizer": "standard", "filter": chain}}
    return {"settings": {"analysis": {"filter": filters, "analyzer": analyzers}}}


def _kept(terms: Sequence[str], analyzer: Analyzer) -> list[str]:
    """The terms analysis does not drop, each once."""
    return list(dict.fromkeys(term for term in terms if analyzer.terms(term)))


def _escaped(term: str) -> str:
    return term.replace(",", "\\,").replace("=>", "\\=>")
