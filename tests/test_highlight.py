"""Snippets: the right offsets, whole sentences, matches anywhere in long text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searchlib import Article
from searchlib.analysis import Analyzer
from searchlib.highlight import (
    ELLIPSIS,
    SNIPPET_LENGTH,
    Span,
    _best_window,
    _trim_around,
    cut_snippet,
    find_matches,
    make_snippet,
    sentence_starts,
)

ANALYZER = Analyzer()


def marked(text: str, spans: tuple[tuple[int, int], ...]) -> list[str]:
    return [text[start:end] for start, end in spans]


def test_offsets_point_at_the_matched_words() -> None:
    text = "Residents said convoys were blocked. Armenians in Karabakh need medicine."
    snippet = make_snippet(text, ANALYZER, {"armenian", "medicin"}, set())
    assert marked(snippet.text, snippet.highlights) == ["Armenians", "medicine"]


def test_a_phrase_is_one_span_and_only_where_it_is_a_phrase() -> None:
    text = "The corridor near Lachin. Traffic on the Lachin corridor stopped."
    spans = find_matches(text, ANALYZER, set(), {("lachin", "corridor")})
    assert marked(text, tuple(spans)) == ["Lachin corridor"]


def test_hyphenated_match_is_one_span() -> None:
    text = "Talks on Nagorno-Karabakh resumed."
    snippet = make_snippet(text, ANALYZER, set(), {("nagorno", "karabakh")})
    assert marked(snippet.text, snippet.highlights) == ["Nagorno-Karabakh"]


def test_matches_equal_those_of_full_analysis() -> None:
    text = (
        "The U.S. and the Red Cross met in Baku's old town; the Red Cross of Armenia "
        "said the Lachin corridor, the corridor of Lachin, stayed shut. Armenians protested."
    )
    terms = {"us", "armenian", "baku"}
    phrases = {("red", "cross"), ("lachin", "corridor")}
    tokens = ANALYZER.analyze(text)
    expected = [(t.start, t.end) for t in tokens if t.term in terms]
    for index, token in enumerate(tokens):
        for phrase in phrases:
            window = tuple(t.term for t in tokens[index : index + len(phrase)])
            if window == phrase:
                expected.append((token.start, tokens[index + len(phrase) - 1].end))
    found = find_matches(text, ANALYZER, terms, phrases)
    assert found == sorted(set(expected))
    assert [text[start:end] for start, end in found] == [
        "U.S.",
        "Red Cross",
        "Baku's",
        "Red Cross",
        "Lachin corridor",  # "the corridor of Lachin" is not the phrase
        "Armenians",  # "Armenia" stems to "armenia", not "armenian"
    ]


def test_snippet_is_the_sentence_with_the_most_distinct_matches() -> None:
    sentences = [
        "Oil prices rose on Monday.",
        "Nothing else happened in the markets, where traders waited all day for news "
        "that never came, and the screens stayed a quiet shade of grey until the close.",
        "In Baku, officials discussed oil and gas exports with Armenia.",
        "The weather was mild.",
    ]
    text = " ".join(sentences)
    snippet = make_snippet(text, ANALYZER, {"oil", "baku", "armenia"}, set())
    assert snippet.text.startswith("In Baku")
    assert marked(snippet.text, snippet.highlights) == ["Baku", "oil", "Armenia"]


def test_matches_far_into_a_long_article_are_found() -> None:
    filler = "This sentence talks about nothing in particular at all. " * 2000  # ~110 KB
    text = filler + "The Lachin corridor was closed again."
    snippet = make_snippet(text, ANALYZER, set(), {("lachin", "corridor")})
    assert marked(snippet.text, snippet.highlights) == ["Lachin corridor"]
    assert len(snippet.text) <= SNIPPET_LENGTH + 10


def test_long_sentence_is_cut_near_the_match_with_ellipses() -> None:
    words = " ".join(f"word{n}" for n in range(200))
    text = f"{words} Karabakh {words}."
    snippet = make_snippet(text, ANALYZER, {"karabakh"}, set())
    assert snippet.text.startswith(ELLIPSIS) and snippet.text.endswith(ELLIPSIS)
    assert marked(snippet.text, snippet.highlights) == ["Karabakh"]
    assert len(snippet.text) <= SNIPPET_LENGTH + 10


def test_without_body_matches_the_snippet_is_the_lead() -> None:
    text = "First sentence of the story. Second sentence."
    snippet = make_snippet(text, ANALYZER, {"karabakh"}, set())
    assert snippet.text == text
    assert snippet.highlights == ()


def test_white_space_is_folded_and_offsets_follow() -> None:
    text = "Aid   convoys\n\nreached\tKarabakh."
    snippet = make_snippet(text, ANALYZER, {"karabakh", "convoy"}, set())
    assert snippet.text == "Aid convoys reached Karabakh."
    assert marked(snippet.text, snippet.highlights) == ["convoys", "Karabakh"]


@pytest.mark.parametrize("query", ["Lachin corridor", "Artsakh", '"Red Cross"', "Armenia"])
def test_search_highlights_stay_inside_snippets(tiny_index, query: str) -> None:  # type: ignore[no-untyped-def]
    for hit in tiny_index.search(query):
        for start, end in hit.highlights:
            assert 0 <= start < end <= len(hit.snippet)


def test_subtitle_matches_are_shown(make_index) -> None:  # type: ignore[no-untyped-def]
    index = make_index([Article(id="a", title="News", subtitle="Talks in Yerevan", text="Body.")])
    (hit,) = index.search("Yerevan").hits
    assert marked(hit.snippet, hit.highlights) == ["Yerevan"]


# -- the window, against a plain reading of the rule ---------------------------------

# How sentences end, as written before the engine's faster spelling of it.
SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019)]*\s+|\n\s*")
SENTENCE_PIECES = [
    "word", "Lachin", "x" * 90, " ", " ", "  ", "\n", "\n\n", "\t", ". ", "! ", "? ", ".",
    "\u2026 ", '." ', "\u201d ", ") ", "\u00a0", " " * 70, "Karabakh talks resumed. ",
]  # fmt: skip


def windows_by_reading_every_sentence(text: str, matches: list[Span], length: int) -> Span:
    """The rule of ``_best_window`` applied to every sentence of the text,
    the way it reads: open at each sentence start, take sentences until 60%
    of ``length``, keep the window with the most distinct, then most, matches."""
    starts = [0] + [end.end() for end in SENTENCE_END.finditer(text) if end.end() < len(text)]
    best = None
    for number, start in enumerate(starts):
        following = number + 1
        while following < len(starts) and starts[following] - start < length * 0.6:
            following += 1
        end = starts[following] if following < len(starts) else len(text)
        inside = [(s, e) for s, e in matches if s >= start and e <= end]
        if inside:
            score = len({text[s:e].lower() for s, e in inside}) * 10 + len(inside)
            best = min(best or (-score, start, end), (-score, start, end))
    if best is None:
        start = max(0, matches[0][0] - length // 3)
        return start, min(len(text), start + length)
    _, start, end = best
    return _trim_around(text, start, end, matches, length) if end - start > length else (start, end)


@st.composite
def text_and_matches(draw: st.DrawFn) -> tuple[str, list[Span]]:
    text = "".join(draw(st.lists(st.sampled_from(SENTENCE_PIECES), min_size=1, max_size=60)))
    points = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=16))))
    # Sorted spans that neither overlap nor touch, as matches are once merged.
    matches = [(s, e) for s, e in zip(points[::2], points[1::2], strict=False) if s < e]
    return text, [m for i, m in enumerate(matches) if i == 0 or m[0] > matches[i - 1][1]]


@settings(max_examples=300, deadline=None)
@given(text_and_matches(), st.sampled_from([SNIPPET_LENGTH, 120, 40, 7]))
def test_the_window_is_the_one_every_sentence_gives(
    case: tuple[str, list[Span]], length: int
) -> None:
    text, matches = case
    if not matches:
        return
    expected = windows_by_reading_every_sentence(text, matches, length)
    assert _best_window(text, matches, length) == expected
    assert _best_window(text, matches, length, sentence_starts(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Opening. " + "A long sentence without an end " * 40 + "then Lachin. Last one.",
        "\n\n  ." + " " * 300 + "Lachin \u201d) here.",
        "Lachin.",
        "",
    ],
)
def test_snippets_are_the_same_with_the_stored_sentence_starts(text: str) -> None:
    matches = [(m.start(), m.end()) for m in re.finditer("Lachin", text)]
    assert cut_snippet(text, matches, sentence_starts=sentence_starts(text)) == cut_snippet(
        text, matches
    )
