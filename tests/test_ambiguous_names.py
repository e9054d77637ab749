"""Every ambiguous name of the decisions file, searched through the real
analysis, synonym map and query compiler with the shipped list: what a query
for it also searches, what else is widened into it, and whether that agrees
with the decision written for it.

searchlib/data/geo_synonyms_decisions.md -> its "Ambiguous names" table ->
for each name, the behaviour pinned in ``EXPECTED`` below and checked
against the decision's kind (and, where the decision quotes a rule, against
that rule).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from searchlib.analysis import Analyzer
from searchlib.analysis.synonym_map import Phrase, SynonymMap, load_synonym_rules
from searchlib.errors import QuerySyntaxError
from searchlib.synonym_expansion import expand_query

DECISIONS_FILE = Path(__file__).resolve().parents[1] / "searchlib/data/geo_synonyms_decisions.md"
ANALYZER = Analyzer()


@dataclass(frozen=True)
class Expected:
    """What a query for a name also searches, and which names' queries reach
    it, as terms written in the list (compared after analysis)."""

    finds: tuple[str, ...] = ()
    found_by: tuple[str, ...] = ()


EXPECTED = {
    'Georgia': Expected(finds=('Republic of Georgia', 'Sakartvelo')),
    'Georgian': Expected(),
    'Jordan': Expected(finds=('Hashemite Kingdom of Jordan', 'Jordanian')),
    'Chad': Expected(finds=('Chadian', 'Republic of Chad')),
    'Turkey': Expected(
        found_by=(
            'Ankara', 'Beştepe', 'Republic of Turkey', 'Republic of Türkiye', 'Turkish', 'Türkiye'
        )
    ),
    'Turk': Expected(),
    'Guinea': Expected(finds=('Guinea-Conakry',)),
    'Republic of Guinea': Expected(finds=('Guinea-Conakry',)),
    'Guinean': Expected(),
    'Niger': Expected(finds=('Nigerien', 'Republic of the Niger', 'Republic of Niger')),
    'Congo': Expected(),
    'Congolese': Expected(),
    'Republic of the Congo': Expected(finds=('Congo Republic', 'Congo-Brazzaville')),
    'Republic of Congo': Expected(finds=('Congo Republic', 'Congo-Brazzaville')),
    'Korea': Expected(),
    'Korean': Expected(),
    'Republic of Korea': Expected(finds=('South Korea',)),
    'Sudan': Expected(finds=('Republic of the Sudan', 'Sudanese'), found_by=('Khartoum',)),
    'Sudanese': Expected(found_by=('Sudan',)),
    'Macedonia': Expected(finds=('North Macedonia',)),
    'Macedonian': Expected(),
    'Holland': Expected(finds=('Netherlands',)),
    'America': Expected(finds=('U.S.', 'USA', 'United States', 'United States of America')),
    'American': Expected(finds=('U.S.', 'USA', 'United States', 'United States of America')),
    'US': Expected(
        finds=('USA', 'United States', 'United States of America'),
        found_by=('America', 'American', 'USA', 'United States', 'United States of America'),
    ),
    'WHO': Expected(),
    'IS': Expected(),
    'AU': Expected(),
    'Indian': Expected(finds=('Bharat', 'India', 'Republic of India')),
    'Benin': Expected(finds=('Beninese', 'Dahomey', 'Republic of Benin')),
    'Micronesia': Expected(finds=('FSM', 'Federated States of Micronesia')),
    'Micronesian': Expected(),
    'Moldavia': Expected(finds=('Moldova',)),
    'Dominican': Expected(),
    'Central African': Expected(),
    'CAR': Expected(),
    'PNG': Expected(finds=('Papua New Guinea',)),
    'Pole': Expected(),
    'Kiwi': Expected(),
    'Persian': Expected(),
    'Persia': Expected(finds=('Iran',)),
    'Ceylon': Expected(finds=('Sri Lanka',)),
    'Siam': Expected(finds=('Thailand',)),
    'Abyssinia': Expected(finds=('Ethiopia',)),
    'Rhodesia': Expected(finds=('Zimbabwe',)),
    'East Pakistan': Expected(finds=('Bangladesh',)),
    'British Honduras': Expected(finds=('Belize',)),
    'South West Africa': Expected(finds=('Namibia',)),
    'Yugoslav': Expected(finds=('Yugoslavia',)),
    'Federal Republic of Yugoslavia': Expected(finds=('Serbia and Montenegro',)),
    'Republic of China': Expected(finds=('Taiwan',)),
    'Chinese Taipei': Expected(finds=('Taiwan',)),
    'Formosa': Expected(finds=('Taiwan',)),
    'Moroccan Sahara': Expected(finds=('Western Sahara',)),
    'Serb Republic': Expected(finds=('Republika Srpska',)),
    'Al-Quds': Expected(finds=('Jerusalem',)),
    'Jerusalem': Expected(found_by=('Al-Quds',)),
    'Tskhinvali': Expected(finds=('South Ossetia',), found_by=('Tskhinval',)),
    'Kashmiri': Expected(finds=('Kashmir',)),
    'South Tibet': Expected(finds=('Arunachal Pradesh',)),
    'Northern Territories': Expected(finds=('Kuril Islands',)),
    'West Philippine Sea': Expected(finds=('South China Sea',)),
    'Sebastopol': Expected(finds=('Sevastopol',)),
    'Leningrad': Expected(finds=('Saint Petersburg', 'St Petersburg')),
    'Sverdlovsk': Expected(finds=('Ekaterinburg', 'Yekaterinburg')),
    'Dnipro': Expected(found_by=('Dnepropetrovsk', 'Dnipropetrovsk')),
    'Washington': Expected(),
    'Santiago': Expected(),
    'Tripoli': Expected(),
    'Victoria': Expected(),
    'Kingston': Expected(),
    'Georgetown': Expected(),
    'San José': Expected(),
    'Malé': Expected(),
    'Nassau': Expected(),
    'Sofia': Expected(),
    'Moroni': Expected(),
    "St. John's": Expected(),
    "St. George's": Expected(),
    'Panama City': Expected(),  # the word Panama alone is Panama's: see the next test
    'Salisbury': Expected(),
    'ICC': Expected(finds=('International Cricket Council', 'International Criminal Court')),
    'CIS': Expected(finds=('Commonwealth of Independent States',)),
    'RSF': Expected(finds=('Rapid Support Forces', 'Reporters Without Borders')),
    'SDF': Expected(finds=('Japan Self-Defense Forces', 'Syrian Democratic Forces')),
    'FSB': Expected(finds=('Federal Security Service', 'Financial Stability Board')),
    'DPR': Expected(finds=("Donetsk People's Republic",)),
    'AES': Expected(finds=('Alliance of Sahel States',)),
    'ALBA': Expected(finds=('Bolivarian Alliance for the Peoples of Our America',)),
    'IRA': Expected(finds=('Irish Republican Army',)),
    'ETA': Expected(finds=('Euskadi Ta Askatasuna',)),
    'Fateh': Expected(finds=('Fatah',)),
    'Islamic Emirate': Expected(finds=('Taliban',)),
    'Islamic Jihad': Expected(),
    'Security Council': Expected(),
    'Quad': Expected(),
    'Wagner': Expected(),
    'Commonwealth': Expected(),
    'Amnesty': Expected(),
    'PA': Expected(),
    'OPM': Expected(),
    'Sepah': Expected(),
    'Emirates': Expected(),
    'Cologne': Expected(),
    'Medina': Expected(),
    'Mecca': Expected(),
    'Canton': Expected(),
    'Qarabag': Expected(),
}  # fmt: skip


def decisions() -> list[tuple[str, str]]:
    """(name, decision) rows of the decisions file's "Ambiguous names" table."""
    lines = DECISIONS_FILE.read_text(encoding="utf-8").splitlines()
    start = lines.index("## Ambiguous names")
    rows = []
    for line in lines[start + 1 :]:
        if line.startswith("#"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] not in {"Name", ""} and set(cells[0]) - set("-: "):
            rows.append((cells[0], cells[1]))
    return rows


@cache
def synonyms() -> SynonymMap:
    return SynonymMap(load_synonym_rules(), ANALYZER)


def analysed(names: tuple[str, ...] | list[str]) -> set[Phrase]:
    return {tuple(ANALYZER.terms(name)) for name in names}


@cache
def widened_into() -> dict[Phrase, set[Phrase]]:
    """Analysed phrase -> the phrases whose query also searches it."""
    reverse: dict[Phrase, set[Phrase]] = {}
    for rule in synonyms().rules:
        for phrase in analysed(rule.terms):
            for alternative in synonyms().alternatives(phrase):
                reverse.setdefault(alternative, set()).add(phrase)
    return reverse


def finds(name: str) -> set[Phrase]:
    """What a query for the whole name also searches, through the query compiler."""
    whole = tuple(ANALYZER.terms(name))
    try:
        runs = expand_query(name, ANALYZER, synonyms())
    except QuerySyntaxError:  # only stop words: nothing is searched at all
        return set()
    return {a.terms for run in runs if run.terms == whole for a in run.alternatives}


def quoted_rules(decision: str) -> list[tuple[list[str], list[str]]]:
    """The complete ``a, b => c, d`` rules quoted in a decision (not those with '...')."""
    rules = []
    for quoted in re.findall(r"`([^`]*=>[^`]*)`", decision):
        left, right = quoted.split("=>")
        if "..." not in right:
            rules.append(([t.strip() for t in left.split(",") if t.strip()], right.split(",")))
    return rules


def test_every_ambiguous_name_has_a_tested_decision() -> None:
    names = [name for name, _ in decisions()]
    assert len(names) == len(set(names)) > 40
    assert sorted(names) == sorted(EXPECTED)


@pytest.mark.parametrize(("name", "decision"), decisions(), ids=lambda value: value[:30])
def test_behaviour_agrees_with_the_decision(name: str, decision: str) -> None:
    expected = EXPECTED[name]
    key = tuple(ANALYZER.terms(name))
    found_by = widened_into().get(key, set())
    # What searchlib does ...
    assert finds(name) == analysed(expected.finds)
    assert found_by == analysed(expected.found_by)
    # ... agrees with what the decision says.
    if decision.startswith(("left out", "inside longer names only")):
        assert not expected.finds and not expected.found_by
    elif decision.startswith("one-way, as target"):
        assert not expected.finds and expected.found_by
    elif decision.startswith("one-way"):
        assert expected.finds
    elif decision.startswith("two-way, through"):
        through = decision.split("`")[1]
        assert analysed([through]) == {key}, f"{through} is not read as {name}"
        assert expected.finds and expected.found_by
    else:
        pytest.fail(f"unknown decision for {name}: {decision!r}")
    # Whatever a one-way rule widens into the name, the decision says so.
    if decision.startswith("one-way"):
        for source in expected.found_by:
            assert source in decision, f"{source} reaches {name}, the decision does not say so"
    # A rule the decision quotes in full is the rule searchlib applies.
    for left, right in quoted_rules(decision):
        if key in analysed(left) or not left:
            assert finds(name) >= analysed(right) - {key}
        if key in analysed(right):
            assert analysed(left) <= found_by


def test_a_word_of_a_left_out_name_is_still_its_own_name() -> None:
    # 'Panama City' is left out as a whole; 'Panama' in it is Panama's.
    (run,) = expand_query("Panama City", ANALYZER, synonyms())
    assert run.terms == ("panama",)


# -- the cases the product issue names, spelt out --


def test_georgia_is_widened_only_to_the_unambiguous_names_and_never_into() -> None:
    assert finds("Georgia") == analysed(["Republic of Georgia", "Sakartvelo"])
    assert finds("Tbilisi") == analysed(["Republic of Georgia", "Sakartvelo", "Tiflis"])
    assert tuple(ANALYZER.terms("Georgia")) not in widened_into()
    assert finds("Atlanta") == set()


@pytest.mark.parametrize("query", ["turkey", "Turkey", "TURKEY"])
def test_turkey_alone_is_not_widened(query: str) -> None:
    assert finds(query) == set()


def test_turkiye_and_turkish_reach_turkey() -> None:
    assert analysed(["Turkey"]) <= finds("Türkiye")
    assert analysed(["Turkey"]) <= finds("Turkish")


def test_congo_alone_expands_to_nothing_but_each_congo_does() -> None:
    assert finds("Congo") == set()
    assert analysed(["DRC"]) <= finds("Democratic Republic of the Congo")
    assert finds("Republic of the Congo") == analysed(["Congo-Brazzaville", "Congo Republic"])


@pytest.mark.parametrize(
    ("acronym", "word", "also_finds"),
    [
        ("US", "us", {"United States", "USA"}),
        ("WHO", "who", set()),
        ("IS", "is", set()),
    ],
)
def test_acronyms_in_capitals_are_kept_and_lower_case_stop_words_are_not(
    acronym: str, word: str, also_finds: set[str]
) -> None:
    assert ANALYZER.terms(acronym) == [word]
    assert finds(acronym) >= analysed(sorted(also_finds))
    assert bool(finds(acronym)) == bool(also_finds)
    with pytest.raises(QuerySyntaxError, match="nothing to search for"):
        expand_query(word, ANALYZER, synonyms())


def test_the_united_states_reach_articles_that_write_us() -> None:
    assert ("us",) in finds("United States")
    assert ("us",) in finds("U.S.A.")
    assert ("us",) not in finds("World Health Organization")
