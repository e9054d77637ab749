"""Query syntax and semantics: phrases, booleans, fields, dates, ranking tiers."""

from __future__ import annotations

import pytest

import searchlib
from searchlib import Article
from searchlib.errors import QuerySyntaxError


def ids(index: searchlib.Index, query: str, limit: int = 20) -> list[str]:
    return [hit.id for hit in index.search(query, limit=limit)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # A quoted phrase that is a synonym entry as a whole still expands.
        ('"Lachin corridor"', {"karabakh-aid", "berdzor"}),
        ('"economic corridor"', {"corridor-trade"}),
        ('"corridor Lachin"', set()),
        ("Nagorno-Karabakh", {"karabakh-aid"}),  # a hyphenated name is a phrase
        ('"Red Cross"', {"karabakh-aid", "icrc-yemen"}),
        ("corridor AND Gwadar", {"corridor-trade"}),
        ("Gwadar OR Sanaa", {"corridor-trade", "icrc-yemen"}),
        ("corridor NOT Gwadar", {"karabakh-aid", "berdzor"}),
        ("corridor -Gwadar", {"karabakh-aid", "berdzor"}),
        ("(Gwadar OR Sanaa) AND medicine", {"icrc-yemen"}),
        ("title:corridor", {"corridor-trade"}),
        ("text:Gwadar", {"corridor-trade"}),
        ("title:Stepanakert", {"berdzor"}),
        ("source:Jazeera", {"icrc-yemen", "corridor-trade"}),
        ('source:"Moscow Times"', {"karabakh-aid"}),
        ("corridor date:[2017-01-01 TO 2017-12-31]", {"corridor-trade"}),
        ("corridor date:[* TO 2023-01-31]", {"berdzor", "corridor-trade"}),
        ("date:2017-02", {"baku-oil", "corridor-trade"}),
        ("date:{2017-02-01 TO 2017-03-01}", {"corridor-trade"}),
        ("U.S.", {"zurich-talks"}),
        ("Zurich", {"zurich-talks"}),  # accents folded both ways
        ("zürich", {"zurich-talks"}),
        ("corridors", {"karabakh-aid", "berdzor", "corridor-trade"}),  # stemmed
    ],
)
def test_query_matches(tiny_index: searchlib.Index, query: str, expected: set[str]) -> None:
    assert set(ids(tiny_index, query)) == expected


def test_all_words_rank_above_some_words(make_index) -> None:  # type: ignore[no-untyped-def]
    index = make_index(
        [
            # Many mentions of one word: the higher BM25 score of the two.
            Article(id="one-word", text="corridor corridor corridor corridor corridor"),
            Article(id="both-words", text="The Lachin corridor, and many other words " * 5),
        ]
    )
    results = index.search("Lachin corridor")
    assert [h.id for h in results] == ["both-words", "one-word"]
    assert results.total == 2


def test_repeated_query_words_count_more(make_index) -> None:  # type: ignore[no-untyped-def]
    index = make_index(
        [
            Article(id="oil", text="oil prices and gas"),
            Article(id="gas", text="gas prices and oil"),
            Article(id="filler", text="unrelated text"),
        ]
    )
    oil_first = [h.id for h in index.search("oil oil gas", syntax="natural")]
    gas_first = [h.id for h in index.search("oil gas gas", syntax="natural")]
    # Both documents hold both words once: the repeated word decides only via
    # its weight, and equal lengths make the two documents tie ...
    assert set(oil_first) == set(gas_first) == {"oil", "gas"}
    # ... so compare scores: a repeated term weighs more, with diminishing
    # returns (BM25's k3, 8 by default: 2 * 9 / 10 and 4 * 9 / 12).
    single = index.search("oil", syntax="natural")[0].score
    double = index.search("oil oil", syntax="natural")[0].score
    quadruple = index.search("oil oil oil oil", syntax="natural")[0].score
    assert double == pytest.approx(1.8 * single, abs=2e-6)
    assert quadruple == pytest.approx(3.0 * single, abs=2e-6)
    # A repeated group is weighed alike.
    grouped = index.search("(oil OR gas) (oil OR gas)")[0].score
    assert grouped == pytest.approx(1.8 * index.search("oil OR gas")[0].score, abs=2e-6)


def test_natural_syntax_ignores_operators(tiny_index: searchlib.Index) -> None:
    results = tiny_index.search('U.S. policy (1963): "NATO? AND', syntax="natural")
    assert "zurich-talks" in {h.id for h in results}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "empty query"),
        ("   ", "empty query"),
        ('"Lachin corridor', "unbalanced quote"),
        ("(Karabakh OR Artsakh", "unbalanced parenthesis"),
        ("Karabakh)", "unbalanced parenthesis"),
        ("date:[2017-01-01 TO 2017-02-01", "unbalanced bracket"),
        ("]", "unbalanced bracket"),
        ("foo:bar", "unknown field 'foo'; use one of date, source, text, title"),
        ("AND", "needs a word before it"),
        ("Karabakh AND", "needs a word after it"),
        ("OR Karabakh", "needs a word before it"),
        ("NOT", "needs a word after it"),
        ("NOT Karabakh", "search for beside it"),
        ("Karabakh NOT", "needs a word after it"),
        ("the of and", "only stop words"),
        ("title:[a TO b]", "ranges work on date only"),
        ("date:[2017-13-01 TO 2018-01-01]", "no such day"),
        ("date:[2018 TO 2017]", "ends before it starts"),
        ("date:yesterday", "bad date"),
        ("(" * 40 + "x" + ")" * 40, "nested too deeply"),
        ("a OR NOT b", "NOT cannot stand inside OR"),
    ],
)
def test_bad_queries_raise_one_line_errors(
    tiny_index: searchlib.Index, query: str, message: str
) -> None:
    with pytest.raises(QuerySyntaxError, match=message.replace("(", r"\(")) as raised:
        tiny_index.search(query)
    assert "\n" not in str(raised.value)


def test_thousands_of_terms_are_refused_not_hung(tiny_index: searchlib.Index) -> None:
    with pytest.raises(QuerySyntaxError, match="query too long"):
        tiny_index.search(" ".join(f"w{n}" for n in range(5000)))


def test_lowercase_operators_are_words(tiny_index: searchlib.Index) -> None:
    # "not" is a stop word here, so this is the query "Gwadar Sanaa".
    assert set(ids(tiny_index, "Gwadar not Sanaa")) == {"corridor-trade", "icrc-yemen"}


def test_limit_and_total(tiny_index: searchlib.Index) -> None:
    results = tiny_index.search("corridor", limit=1)
    assert len(results) == 1
    assert results.total == 3
    assert tiny_index.search("corridor", limit=0).hits == ()
