"""Synonym files -> findings: the mistakes a synonym list collects.

A lint for synonym lists (``searchlib synonyms check``), run with the
analyzer that searches will use, since what matters is what a rule means
after analysis, not how it is written.  Each finding names the rule's
``file:line``.  What is found:

* ``syntax``        a line the parser cannot read (every such line, not only the first);
* ``single-term``   a group of one term, which does nothing;
* ``vanishes``      a term that is only stop words: analysis leaves nothing of it;
* ``same-form``     two terms of one rule that are the same words but for
  case, accents or inflection (``Armenian``, ``Armenians``; ``Xankəndi``,
  ``Xankendi``), or a one-way rule whose input and output are: analysis merges
  them, so one is enough.  Spellings that differ in punctuation or in stop
  words (``UN``, ``U.N.``; ``Republic of Congo``, ``Republic of the Congo``)
  also analyse alike here, but are kept on purpose and not reported: other
  engines' tokenizers and phrase matching tell them apart, and the list is
  exported to them (``synonym_export``);
* ``duplicate``     a rule that means exactly what an earlier rule means;
* ``two-groups``    a term in two two-way groups: the groups do not merge (each
  group's other terms do not find the other group's), which is rarely meant;
* ``one-way-in-group``  ``a => b`` where a and b are in one two-way group,
  which makes them find each other both ways whatever the rule says;
* ``mutual-one-way``    ``a => b`` and ``b => a``: a two-way group in disguise.

Several files are checked as one list, as a search would load them: a
clash between two files is reported at the later one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from searchlib.analysis.analyzer import Analyzer
from searchlib.analysis.solr_synonyms import SynonymRule, parse_solr_synonyms, read_synonym_text
from searchlib.analysis.synonym_map import DEFAULT_SYNONYM_FILE, DEFAULT_SYNONYM_ORIGIN, Phrase
from searchlib.data_files import read_data_file

FINDING_KINDS = (
    "syntax",
    "single-term",
    "vanishes",
    "same-form",
    "duplicate",
    "two-groups",
    "one-way-in-group",
    "mutual-one-way",
)


@dataclass(frozen=True, slots=True)
class SynonymFinding:
    """A problem in a synonym list, at ``origin`` (``file:line``)."""

    origin: str
    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.message} [{self.kind}]"


@dataclass(frozen=True, slots=True)
class SynonymSource:
    """A synonym list's text and the name its findings give it."""

    name: str
    text: str


def default_synonym_source() -> SynonymSource:
    """The shipped geopolitical list."""
    text = read_data_file(DEFAULT_SYNONYM_FILE)
    return SynonymSource(DEFAULT_SYNONYM_ORIGIN, text)


def synonym_source(path: str | Path) -> SynonymSource:
    """A synonym file on disk (``SynonymFormatError`` if it cannot be read)."""
    return SynonymSource(str(path), read_synonym_text(path))


def check_synonyms(sources: Sequence[SynonymSource], analyzer: Analyzer) -> list[SynonymFinding]:
    """Every finding in ``sources``, checked together, in file and line order."""
    findings: list[SynonymFinding] = []
    rules: list[SynonymRule] = []
    for source in sources:

        def syntax_error(origin: str, reason: str) -> None:
            findings.append(SynonymFinding(origin, "syntax", reason))

        rules += parse_solr_synonyms(source.text, source.name, on_error=syntax_error)
    findings += _RuleChecker(analyzer).check(rules)
    order = {name: index for index, name in enumerate(dict.fromkeys(s.name for s in sources))}

    def place(finding: SynonymFinding) -> tuple[int, int]:
        name, _, line = finding.origin.rpartition(":")
        return order[name], int(line)

    return sorted(findings, key=place)


def _punctuation(word: str) -> str:
    return re.sub(r"\w+", "", word)


def _shown(phrase: Phrase) -> str:
    return " ".join(phrase)


class _RuleChecker:
    """The checks that need the analysed rules, run over them in order."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.findings: list[SynonymFinding] = []
        self.group_of: dict[Phrase, SynonymRule] = {}
        self.meaning_of: dict[tuple[object, ...], SynonymRule] = {}
        # (input, output) of each one-way rule -> the rule and the terms as written
        self.edges: dict[tuple[Phrase, Phrase], tuple[SynonymRule, str, str]] = {}

    def report(self, rule: SynonymRule, kind: str, message: str) -> None:
        self.findings.append(SynonymFinding(rule.origin, kind, message))

    def check(self, rules: Sequence[SynonymRule]) -> list[SynonymFinding]:
        for rule in rules:
            inputs = self._analyse_side(rule, rule.inputs)
            if not rule.one_way:
                self._check_group(rule, inputs)
                continue
            outputs = self._analyse_side(rule, rule.outputs)
            self._check_one_way(rule, inputs, outputs)
        for (left, right), (rule, left_term, right_term) in self.edges.items():
            group = self.group_of.get(left)
            if group is not None and self.group_of.get(right) is group:
                self.report(
                    rule,
                    "one-way-in-group",
                    f"'{left_term} => {right_term}': both are in the group at "
                    f"{group.origin}, so they find each other both ways; "
                    "take one of them out of the group, or drop this rule",
                )
        return self.findings

    def _analyse_side(self, rule: SynonymRule, terms: Sequence[str]) -> dict[Phrase, str]:
        """Analysed phrase -> the term first written for it, on one side of a rule."""
        analysed: dict[Phrase, str] = {}
        for term in terms:
            phrase = tuple(self.analyzer.terms(term))
            if not phrase:
                self.report(
                    rule,
                    "vanishes",
                    f"'{term}' is only stop words: analysis drops it, so it finds nothing",
                )
                continue
            if phrase not in analysed:
                analysed[phrase] = term
            elif analysed[phrase] == term:
                self.report(rule, "same-form", f"'{term}' is written twice")
            elif self._same_words(analysed[phrase], term):
                self.report(
                    rule,
                    "same-form",
                    f"'{term}' analyses like '{analysed[phrase]}' ({_shown(phrase)}): "
                    "one of them is enough",
                )
        return analysed

    def _same_words(self, first: str, second: str) -> bool:
        """Whether two terms that analyse alike are the same words but for
        case, accents or inflection (not punctuation or stop words)."""
        first_words = self.analyzer.tokenizer.words(first)
        second_words = self.analyzer.tokenizer.words(second)
        if len(first_words) != len(second_words):
            return False
        term = self.analyzer.term
        return all(
            _punctuation(a) == _punctuation(b)
            and (term(a) is not None or a.casefold() == b.casefold())
            and term(a) == term(b)
            for a, b in zip(first_words, second_words, strict=True)
        )

    def _check_group(self, rule: SynonymRule, phrases: dict[Phrase, str]) -> None:
        if len(rule.inputs) == 1:
            self.report(
                rule,
                "single-term",
                f"a group of one term ('{rule.inputs[0]}') does nothing: "
                "add its equivalents, or write 'a => b' for a one-way rule",
            )
        if self._is_duplicate(rule, ("group", frozenset(phrases))):
            return
        for phrase, term in phrases.items():
            earlier = self.group_of.setdefault(phrase, rule)
            if earlier is not rule:
                self.report(
                    rule,
                    "two-groups",
                    f"'{term}' is also in the group at {earlier.origin}: the two groups do "
                    "not merge (the other terms of each do not find the other's); "
                    "make them one group, or take the term out of one",
                )

    def _check_one_way(
        self, rule: SynonymRule, inputs: dict[Phrase, str], outputs: dict[Phrase, str]
    ) -> None:
        for phrase, term in inputs.items():
            if phrase in outputs and self._same_words(term, outputs[phrase]):
                self.report(
                    rule,
                    "same-form",
                    f"'{term} => {outputs[phrase]}': both analyse to '{_shown(phrase)}', "
                    "so this part of the rule does nothing",
                )
        meaning = ("one-way", frozenset(inputs), frozenset(outputs))
        if self._is_duplicate(rule, meaning):
            return
        for left in inputs:
            for right in outputs:
                if left == right:
                    continue
                reverse = self.edges.get((right, left))
                if reverse is not None:
                    self.report(
                        rule,
                        "mutual-one-way",
                        f"'{inputs[left]} => {outputs[right]}' and its reverse at "
                        f"{reverse[0].origin} make a two-way pair: write them as one group",
                    )
                self.edges.setdefault((left, right), (rule, inputs[left], outputs[right]))

    def _is_duplicate(self, rule: SynonymRule, meaning: tuple[object, ...]) -> bool:
        earlier = self.meaning_of.setdefault(meaning, rule)
        if earlier is rule:
            return False
        self.report(rule, "duplicate", f"repeats the rule at {earlier.origin}")
        return True
