"""Article text + query terms -> a snippet with the matches' character spans.

The text is analysed with the index's own chain, so a match is exactly what
the index matched: ``Armenians`` is highlighted for a query ``Armenian``, a
synonym's words for the word it expands, and a phrase as one span from its
first to its last word.  The best fragment is chosen from whole sentences
around the matches, about ``SNIPPET_LENGTH`` characters, anywhere in the
text: there is no cut-off after the first few kilobytes.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Iterable, Sequence

from searchlib.analysis import Analyzer
from searchlib.models import Snippet

SNIPPET_LENGTH = 200
ELLIPSIS = "\u2026"
# A sentence ends after . ! ? or an ellipsis (and closing quotes or
# brackets) before white space, or at a line break; the next starts where
# the white space ends (only the ends of matches are used).  Written to
# open with one set of characters, which the regular expression engine
# looks for quickly, rather than as two alternatives.
_SENTENCE_END = re.compile(r"[.!?\u2026\n](?:(?<=\n)\s*|[\"'\u201d\u2019)]*\s+)")

Span = tuple[int, int]
_LOOK_BACK = 1_000  # characters looked at to tell whether a sentence starts
# What a sentence end holds besides white space, and how far back to look
# for a character it cannot hold before scanning for sentence ends.
_SENTENCE_END_CHARACTERS = frozenset(".!?\u2026\"'\u201d\u2019)")
_SCAN_START_REACH = 64


def find_matches(
    text: str, analyzer: Analyzer, terms: Collection[str], phrases: Iterable[tuple[str, ...]]
) -> list[Span]:
    """Character spans of matched terms and phrases, sorted and merged.

    Equivalent to analysing the whole text and comparing every token, but
    only the matched tokens' spans are materialised: the tokenizer's
    ``findall`` and the analyzer's per-word cache do the rest, so a long
    article costs little more than reading it once.
    """
    words = analyzer.tokenizer.words(text)
    term_of = analyzer.term
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        by_first.setdefault(phrase[0], []).append(phrase)
    wanted = {w for w in set(words) if (t := term_of(w)) in terms or t in by_first}
    if not wanted:
        return []
    needed: list[tuple[int, int]] = []  # (first token, last token) of each match
    for index in [i for i, w in enumerate(words) if w in wanted]:
        term = term_of(words[index])
        if term in terms:
            needed.append((index, index))
        for phrase in by_first.get(term or "", ()):
            last = _phrase_end(words, index, phrase, term_of)
            if last is not None:
                needed.append((index, last))
    if not needed:
        return []
    boundaries = {i for pair in needed for i in pair}
    spans_of: dict[int, tuple[int, int]] = {}
    for index, match in enumerate(analyzer.tokenizer.pattern.finditer(text)):
        if index in boundaries:
            spans_of[index] = match.span()
            if len(spans_of) == len(boundaries):
                break
    return _merge([(spans_of[a][0], spans_of[b][1]) for a, b in needed], text)


def _phrase_end(
    words: list[str], start: int, phrase: tuple[str, ...], term_of: Callable[[str], str | None]
) -> int | None:
    """The index of the phrase's last token if ``phrase`` starts at ``start``
    (dropped words such as stop words are skipped, as in the index)."""
    matched = 1
    index = start
    while matched < len(phrase):
        index += 1
        if index >= len(words):
            return None
        term = term_of(words[index])
        if term is None:
            continue
        if term != phrase[matched]:
            return None
        matched += 1
    return index


def _merge(spans: list[Span], text: str) -> list[Span]:
    """Overlapping spans, and spans only white space or a hyphen apart
    (``Lachin corridor``, ``Nagorno-Karabakh``), become one."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and (
            start <= merged[-1][1]
            or (start - merged[-1][1] <= 2 and _only_joiners(text[merged[-1][1] : start]))
        ):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _only_joiners(gap: str) -> bool:
    return len(gap) <= 2 and all(c.isspace() or c == "-" for c in gap)


def make_snippet(
    text: str,
    analyzer: Analyzer,
    terms: Collection[str],
    phrases: Collection[tuple[str, ...]],
    length: int = SNIPPET_LENGTH,
) -> Snippet:
    """The best fragment of ``text`` for the query, with highlight offsets
    into the fragment."""
    if not text:
        return Snippet("")
    matches = find_matches(text, analyzer, terms, phrases) if terms or phrases else []
    return cut_snippet(text, matches, length)


def spans_from_starts(
    text: str, starts: Iterable[tuple[int, int]], pattern: re.Pattern[str]
) -> list[Span]:
    """Matches given as (start of first token, start of last token), as the
    index saved them, -> the spans ``find_matches`` gives: the last token
    ends where the tokenizer's ``pattern``, matched at its start, ends."""
    token_at = pattern.match
    spans = [
        (first, token.end())
        for first, last in starts
        # always a token, unless the text changed under the index
        if (token := token_at(text, last)) is not None
    ]
    return _merge(spans, text)


def cut_snippet(
    text: str,
    matches: list[Span],
    length: int = SNIPPET_LENGTH,
    sentence_starts: Sequence[int] | None = None,
) -> Snippet:
    """The best fragment of ``text`` around ``matches`` (sorted, merged
    spans); ``sentence_starts`` of the whole text, if known, spare looking."""
    if not text:
        return Snippet("")
    start, end = _best_window(text, matches, length, sentence_starts)
    return _cut(text, start, end, matches)


def _best_window(
    text: str, matches: list[Span], length: int, sentence_starts: Sequence[int] | None = None
) -> Span:
    """Whole sentences, about ``length`` characters, holding the most matches.

    A window opens at a sentence start and takes sentences until it is 60%
    of ``length`` long (``reach``); the best holds the most distinct
    matches, then the most matches, then opens first.  A window whose first
    match is ``matches[a]`` opens after the match before it starts, and
    holds ``matches[a]`` only if it opens late enough to reach past its
    end; since a window's end and the matches it holds only grow with its
    start, only the last few sentences before each match are looked at.
    ``sentence_starts`` are all of the text's (``sentence_starts``), or
    None to find those near the matches."""
    if not matches:
        return 0, _word_boundary(text, min(len(text), length))
    reach = length * 0.6
    starts = _starts_near(text, matches, reach) if sentence_starts is None else sentence_starts
    match_ends = [end for _, end in matches]
    folded = [text[start:end].lower() for start, end in matches]
    text_length = len(text)
    best: tuple[int, int, int] | None = None  # (-score, start, end)
    lowest = 0  # the first window opening after the match before starts
    for first_inside, (match_start, match_end) in enumerate(matches):
        after_last = bisect_right(starts, match_start, lowest)
        number = after_last - 1  # the last window opening at or before the match
        found: tuple[int, int, int] | None = None  # the best of these windows
        while number >= lowest:
            start = starts[number]
            end = _window_end(starts, number, reach, text_length)
            if end < match_end:
                break
            after = bisect_right(match_ends, end, first_inside)
            score = len(set(folded[first_inside:after])) * 10 + after - first_inside
            if found is not None and -score > found[0]:
                break  # opening earlier only holds fewer
            found = (-score, start, end)
            number -= 1
        if found is not None and (best is None or found < best):
            best = found
        lowest = after_last
    if best is None:  # a match runs past every sentence end: centre on it
        first = matches[0][0]
        start = max(0, first - length // 3)
        return start, min(len(text), start + length)
    _, start, end = best
    if end - start > length:
        start, end = _trim_around(text, start, end, matches, length)
    return start, end


def _starts_near(text: str, matches: list[Span], reach: float) -> list[int]:
    """The sentence starts ``_best_window`` needs: from a little before the
    first match (further back while windows of the first match could open
    earlier) to the first one a window of the last match can end at."""
    stop = matches[-1][0] + max(int(reach), 0) + 1
    first_start, first_end = matches[0]
    back = 2 * max(int(reach), 100)
    while True:
        anchor = _scan_start(text, max(0, first_start - back))
        starts = _sentence_starts(text, anchor, stop)
        # Done when a window opening at the first sentence found is too
        # early to hold the first match: one opening before it is too.
        if anchor == 0 or (
            starts
            and starts[0] <= first_start
            and _window_end(starts, 0, reach, len(text)) < first_end
        ):
            return starts
        back *= 4


def _window_end(starts: Sequence[int], number: int, reach: float, text_length: int) -> int:
    """Where the window opening at sentence ``number`` ends: at the first
    sentence start ``reach`` or more after it, or at the text's end."""
    following = bisect_left(starts, starts[number] + reach, number + 1)
    return starts[following] if following < len(starts) else text_length


def sentence_starts(text: str) -> list[int]:
    """Where every sentence of ``text`` starts, 0 first: what snippets are
    cut along, kept by the document store so that a hit need not look."""
    return _sentence_starts(text, 0, len(text))


def _scan_start(text: str, index: int) -> int:
    """A place at or before ``index`` from which a scan for sentence ends
    finds those a scan of the whole text finds after it: one that follows
    a character no sentence end holds (0 if none is near)."""
    nearest = max(0, index - _SCAN_START_REACH)
    while index > nearest:
        before = text[index - 1]
        if not (before.isspace() or before in _SENTENCE_END_CHARACTERS):
            return index
        index -= 1
    return 0


def _sentence_starts(text: str, anchor: int, stop: int) -> list[int]:
    """The sentence starts after ``anchor`` (from ``_scan_start``; with the
    text's start when it is 0) before ``stop``, and the first from there."""
    found = [end.end() for end in _SENTENCE_END.finditer(text, anchor, stop)]
    if found and found[-1] >= stop:  # may be cut short by ``stop``
        found.pop()
    following = _SENTENCE_END.search(text, found[-1] if found else anchor)
    if following is not None:
        found.append(following.end())
    if found and found[-1] >= len(text):  # a text's end starts no sentence
        found.pop()
    return [0, *found] if anchor == 0 else found


def _trim_around(text: str, start: int, end: int, matches: list[Span], length: int) -> Span:
    """A window of about ``length`` characters inside [start, end), placed so
    that it opens a little before the first match in it."""
    first = next(m for m in matches if m[0] >= start)
    if first[1] - start <= length * 3 // 4:
        return start, _word_boundary(text, start + length)
    window_start = max(start, first[0] - length // 4)
    if window_start > start:
        # Never move past the match itself.
        window_start = min(_word_boundary(text, window_start, forward=True), first[0])
    window_end = _word_boundary(text, min(end, window_start + length))
    return window_start, max(window_end, min(first[1], end))


def _word_boundary(text: str, index: int, forward: bool = False) -> int:
    """``index`` moved to the nearest space (back, or forward)."""
    if index <= 0 or index >= len(text) or text[index].isspace():
        return index
    if forward:
        found = text.find(" ", index, index + 30)
        return found + 1 if found >= 0 else index
    found = text.rfind(" ", max(0, index - 30), index)
    return found if found >= 0 and found > index - 30 else index


def _cut(text: str, start: int, end: int, matches: list[Span]) -> Snippet:
    """The fragment [start, end) with white space folded, ellipses where it
    cuts a sentence, and the matches' spans moved into it."""
    window = text[start:end]
    opening = ELLIPSIS + " " if start > 0 and not _starts_sentence(text, start) else ""
    # Each run of white space becomes one space; a leading or trailing run goes.
    body = (opening + " ".join(window.split())).rstrip()
    if end < len(text) and not window.rstrip().endswith((".", "!", "?", '"', "\u201d")):
        body += " " + ELLIPSIS
    highlights = []
    position = _FoldedPositions(window, len(opening))
    for match_start, match_end in matches[bisect_left(matches, (start, -1)) :]:
        if match_start > end:
            break
        if match_end <= end:
            highlights.append((position.of(match_start - start), position.of(match_end - start)))
    return Snippet(body, tuple(highlights))


class _FoldedPositions:
    """Where characters of a fragment land once its white space is folded
    (each run to one space, a leading run dropped), asked for in order: the
    fragment is read once, a piece between two questions at a time."""

    def __init__(self, window: str, opening: int) -> None:
        self._window = window
        self._opening = opening - (1 if window[:1].isspace() else 0)
        self._read = 0  # characters of the window read
        self._folded = 0  # what they fold to

    def of(self, index: int) -> int:
        """Where character ``index`` (at or after the last one asked) lands."""
        if index == 0:
            return self._opening + (1 if self._window[:1].isspace() else 0)
        piece = self._window[self._read : index]
        if piece:
            self._folded += _folded_length(piece)
            if piece[0].isspace() and self._read > 0 and self._window[self._read - 1].isspace():
                self._folded -= 1  # a run already counted goes on
            self._read = index
        return self._opening + self._folded


def _folded_length(piece: str) -> int:
    """The length of ``piece`` with each run of white space made one space."""
    words = piece.split()
    if not words:
        return 1 if piece else 0
    return sum(map(len, words)) + len(words) - 1 + piece[0].isspace() + piece[-1].isspace()


def _starts_sentence(text: str, index: int) -> bool:
    before = text[max(0, index - _LOOK_BACK) : index].rstrip()
    return not before or before.endswith((".", "!", "?", "\n", '"', "\u201d"))
