"""Properties that must hold for any input: the query parser, the analyzer,
snippets and search never crash on text a user can type, offsets stay in
bounds, and snippets show only the article's own text.

Inputs that break a property (found by hypothesis or by reading the code)
are kept next to it as plain tests, so they run every time whatever
hypothesis draws.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from searchlib import Article, Index, QuerySyntaxError, build_index
from searchlib.analysis import Analyzer
from searchlib.highlight import ELLIPSIS, make_snippet
from searchlib.query_syntax import Node, Sequence, Word, parse_natural, parse_query
from searchlib.search import QuerySyntax

PROPERTY = settings(max_examples=200, deadline=None)
ANALYZER = Analyzer()

NEWS_WORDS = [
    "Karabakh", "Nagorno-Karabakh", "Artsakh", "Lachin", "corridor", "Armenia's",
    "Azerbaijani", "Baku", "Yerevan", "U.S.", "U.N.", "2,000", "3.5", "wheat", "harvests",
    "the", "and", "of", "WHO", "it", "IT", "Xankəndi", "Zürich", "O'Brien", "don't",
    "Stepanakert", "peace", "talks", "résumé", "naïve", "İstanbul", "Straße",
]  # fmt: skip
PUNCTUATION = [" ", " ", " ", ", ", ". ", "! ", "? ", "\n", "\n\n", " - ", "\u2026 ", '"', "'"]
QUERY_SYNTAX = [
    "AND", "OR", "NOT", "TO", "(", ")", '"', "[", "]", "{", "}", ":", "-", "*", "?",
    "title:", "text:", "body:", "source:", "foo:", "TITLE:",
]  # fmt: skip
DATE_SYNTAX = ["date:", "date:2023", "date:2022-05", "[2023-01-01 TO 2023-12-31]", "[* TO 2023}"]
SEPARATORS = [" ", " ", "", "  ", "\t"]


@st.composite
def joined(draw: st.DrawFn, pieces: st.SearchStrategy[str], max_pieces: int = 12) -> str:
    """Pieces put side by side, with or without white space between them."""
    parts = draw(st.lists(pieces, max_size=max_pieces))
    gaps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(parts), max_size=len(parts)))
    return "".join(part + gap for part, gap in zip(parts, gaps, strict=True))


NEWS_TEXT = st.lists(
    st.tuples(st.sampled_from(NEWS_WORDS), st.sampled_from(PUNCTUATION)), max_size=40
).map(lambda pairs: "".join(word + gap for word, gap in pairs))
MIXED_TEXT = joined(
    st.one_of(st.text(max_size=6), st.sampled_from(NEWS_WORDS), st.sampled_from(PUNCTUATION)),
    max_pieces=30,
)
ANY_TEXT = st.one_of(st.text(), NEWS_TEXT, MIXED_TEXT)
QUERY_TEXT = st.one_of(
    st.text(),
    joined(st.one_of(st.sampled_from(QUERY_SYNTAX + NEWS_WORDS), st.text(max_size=5))),
)
DATED_QUERY_TEXT = joined(
    st.one_of(st.sampled_from(DATE_SYNTAX), st.sampled_from(QUERY_SYNTAX + NEWS_WORDS))
)


def assert_parsed(text: str) -> Node | None:
    """The tree of ``text``, or None after a one-line QuerySyntaxError."""
    try:
        node = parse_query(text)
    except QuerySyntaxError as error:
        assert str(error)
        assert "\n" not in str(error)
        return None
    assert isinstance(node, Node)
    return node


# -- query parser ----------------------------------------------------------------


@PROPERTY
@given(QUERY_TEXT)
def test_parse_query_gives_a_tree_or_a_syntax_error(text: str) -> None:
    assert_parsed(text)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Karabakh " + "-" * 1500 + "Armenia", id="many-minus"),
        pytest.param("Karabakh " + "NOT " * 2000 + "Armenia", id="many-not"),
    ],
)
def test_parse_query_long_runs_of_not(text: str) -> None:
    assert_parsed(text)


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TimeoutError in the block once ``seconds`` have passed."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_parse_query_time_grows_linearly() -> None:
    # Lexing 120 KB in linear time takes a few hundredths of a second.
    with time_limit(5.0):  # quadratic lexing of this input took 45 s; linear takes 0.05 s
        assert_parsed("title:" * 20_000 + "x")


@PROPERTY
@given(st.text().filter(lambda text: text.split()))
def test_parse_natural_reads_any_text_as_words(text: str) -> None:
    node = parse_natural(text)

    words = node.children if isinstance(node, Sequence) else (node,)
    assert all(isinstance(word, Word) and word.field is None for word in words)
    assert [word.text for word in words] == text.split()


# -- analyzer ----------------------------------------------------------------------


@PROPERTY
@given(ANY_TEXT)
def test_analyze_offsets_and_positions(text: str) -> None:
    tokens = ANALYZER.analyze(text)

    for token in tokens:
        assert 0 <= token.start < token.end <= len(text)
    for before, after in itertools.pairwise(tokens):
        assert before.end <= after.start
    assert [token.position for token in tokens] == list(range(len(tokens)))
    assert [token.term for token in tokens] == ANALYZER.terms(text)


@pytest.mark.parametrize(
    "text",
    ["\u037a", "x\u037a", "\ufdfa", "peace \ufdfb be", "\ufe70"],
    ids=["ypogegrammeni", "after-a-letter", "arabic-ligature", "arabic-in-text", "arabic-form"],
)
def test_terms_are_single_words(text: str) -> None:
    # The index joins terms with spaces: a term with a space in it becomes
    # several index terms, and the query term never matches them.
    terms = ANALYZER.terms(text)

    assert terms
    assert all(term and not any(char.isspace() for char in term) for term in terms)


# -- snippets ----------------------------------------------------------------------


def fold(text: str) -> str:
    return " ".join(text.split())


@st.composite
def snippet_cases(draw: st.DrawFn) -> tuple[str, set[str], set[tuple[str, ...]]]:
    """An article text with some of its own terms and phrases, and others."""
    text = draw(ANY_TEXT)
    own = ANALYZER.terms(text)
    terms = set(draw(st.lists(st.sampled_from(own), max_size=4))) if own else set()
    terms |= set(draw(st.lists(st.sampled_from(["karabakh", "lachin", "zzz"]), max_size=2)))
    phrases = set()
    if len(own) >= 2:
        for _ in range(draw(st.integers(0, 2))):
            start = draw(st.integers(0, len(own) - 2))
            size = draw(st.integers(2, 3))
            phrases.add(tuple(own[start : start + size]))
    return text, terms, phrases


@PROPERTY
# Below 120 characters the window can start past its first match: see the
# regression tests after this one.
@given(snippet_cases(), st.sampled_from([200, 120]))
def test_snippet_is_article_text_with_highlights_inside(
    case: tuple[str, set[str], set[tuple[str, ...]]], length: int
) -> None:
    text, terms, phrases = case

    snippet = make_snippet(text, ANALYZER, terms, phrases, length=length)

    previous_end = 0
    for start, end in snippet.highlights:
        assert previous_end <= start < end <= len(snippet.text)
        previous_end = end
    body = snippet.text
    if body.startswith(ELLIPSIS + " "):
        body = body[2:]
    if body.endswith(" " + ELLIPSIS):
        body = body[:-2]
    assert fold(body) in fold(text)


@pytest.mark.parametrize(
    ("text", "terms", "length"),
    [
        pytest.param("000000000000000000:0 ", {"0"}, 20, id="found-by-hypothesis"),
        pytest.param(
            "More at https://example.org/news/2023/armenia-azerbaijan/lachin and elsewhere, "
            "officials said on Monday in Yerevan.",
            {"lachin"},
            60,
            id="url",
        ),
    ],
)
def test_short_snippet_keeps_a_match_after_a_long_unspaced_run(
    text: str, terms: set[str], length: int
) -> None:
    snippet = make_snippet(text, ANALYZER, terms, set(), length=length)

    assert snippet.highlights
    assert fold(snippet.text.strip(ELLIPSIS + " ")) in fold(text)


# -- search ------------------------------------------------------------------------

ARTICLES = [
    Article(
        id="k1",
        title="Convoy stopped on the Lachin corridor",
        text="Protesters blocked the road between Armenia and Nagorno-Karabakh. "
        "Residents of Karabakh report shortages.",
        date=dt.date(2023, 1, 10),
        source="BBC",
    ),
    Article(id="w1", title="Wheat harvest breaks records", text="Farmers in Kansas."),
    Article(
        id="f1",
        title="Cup final decided on penalties",
        text="The final was decided on penalties.",
        date=dt.date(2022, 5, 1),
    ),
    Article(
        id="a1",
        title="Pilgrims gather in Medina",
        text="Crowds recited the Prophet's name \ufdfa at dawn.",
        date=dt.date(2023, 6, 28),
    ),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    path: Path = tmp_path_factory.mktemp("properties") / "index"
    with build_index(ARTICLES, path) as built:
        yield built


def search_or_syntax_error(index: Index, text: str, syntax: QuerySyntax) -> None:
    try:
        results = index.search(text, limit=3, syntax=syntax)
    except QuerySyntaxError:
        return
    assert len(results) <= min(3, results.total)
    assert [hit.rank for hit in results] == list(range(1, len(results) + 1))
    assert {hit.id for hit in results} <= {article.id for article in ARTICLES}


@PROPERTY
@given(QUERY_TEXT, st.sampled_from(["query", "natural"]))
def test_search_gives_results_or_a_syntax_error(
    index: Index, text: str, syntax: QuerySyntax
) -> None:
    search_or_syntax_error(index, text, syntax)


# While the date bug stands, about one example in ten fails: shrinking them
# would only cost time.
@settings(PROPERTY, phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(DATED_QUERY_TEXT)
def test_search_with_dates_gives_results_or_a_syntax_error(index: Index, text: str) -> None:
    search_or_syntax_error(index, text, "query")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("date:2023", ["a1", "k1"]),
        ("Karabakh date:[2023-01-01 TO 2023-12-31]", ["k1"]),
        ("penalties date:2022-05", ["f1"]),
    ],
)
def test_search_with_dates(index: Index, query: str, expected: list[str]) -> None:
    assert sorted(hit.id for hit in index.search(query)) == expected


def test_search_finds_a_letter_that_folds_to_several_words(index: Index) -> None:
    assert [hit.id for hit in index.search("\ufdfa")] == ["a1"]
