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
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable
from itertools import accumulate

from searchlib.analysis import Analyzer
from searchlib.models import Snippet

SNIPPET_LENGTH = 200
ELLIPSIS = "\u2026"
# A sentence ends after . ! ? or an ellipsis (and closing quotes or
# brackets) before white space, or at a line break; the next starts where
# the white space ends (only the ends of matches are used).
_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019)]*\s+|\n\s*")
_SPACE = re.compile(r"\s+")

Span = tuple[int, int]
_LOOK_BACK = 1_000  # characters looked at to tell whether a sentence starts


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
        if merged and (start <= merged[-1][1] or _only_joiners(text[merged[-1][1] : start])):
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
    spans = []
    for first, last in starts:
        token = pattern.match(text, last)
        if token is not None:  # always, unless the text changed under the index
            spans.append((first, token.end()))
    return _merge(spans, text)


def cut_snippet(text: str, matches: list[Span], length: int = SNIPPET_LENGTH) -> Snippet:
    """The best fragment of ``text`` around ``matches`` (sorted, merged spans)."""
    if not text:
        return Snippet("")
    start, end = _best_window(text, matches, length)
    return _cut(text, start, end, matches)


class _SentenceStarts:
    """Where a text's sentences start, found only as far as they are asked
    for: the best window is near the matches, and a long article need not
    be read past them."""

    def __init__(self, text: str) -> None:
        self._found = [0]
        self._ends = _SENTENCE_END.finditer(text)
        self._length = len(text)

    def get(self, number: int) -> int | None:
        """The start of sentence ``number`` (from 0), None past the last."""
        while number >= len(self._found):
            end = next(self._ends, None)
            if end is None:
                return None
            if end.end() < self._length:
                self._found.append(end.end())
        return self._found[number]


def _best_window(text: str, matches: list[Span], length: int) -> Span:
    """Whole sentences, about ``length`` characters, holding the most matches.

    A window opens at a sentence start and takes sentences until it is 60%
    of ``length`` long; both its end and the matches it holds only move
    forward from one sentence start to the next (``matches`` are sorted
    and do not overlap), so one pass finds every window."""
    if not matches:
        return 0, _word_boundary(text, min(len(text), length))
    starts = _SentenceStarts(text)
    best: tuple[int, int, int] | None = None  # (-score, start, end)
    first_inside = 0  # the first match at or after the window's start
    after_inside = 0  # the first match ending after the window's end
    number = 0
    following = 0  # the sentence after the window, or len(starts)
    while (start := starts.get(number)) is not None:
        while first_inside < len(matches) and matches[first_inside][0] < start:
            first_inside += 1
        if first_inside == len(matches):
            break
        following = max(following, number + 1)
        while (next_start := starts.get(following)) is not None and (
            next_start - start < length * 0.6
        ):
            following += 1
        end = _start_or_end(starts, following, text)
        after_inside = max(after_inside, first_inside)
        while after_inside < len(matches) and matches[after_inside][1] <= end:
            after_inside += 1
        number += 1
        inside = matches[first_inside:after_inside]
        if not inside:
            continue
        score = len({text[s:e].lower() for s, e in inside}) * 10 + len(inside)
        candidate = (-score, start, end)
        if best is None or candidate < best:
            best = candidate
    if best is None:  # a match runs past every sentence end: centre on it
        first = matches[0][0]
        start = max(0, first - length // 3)
        return start, min(len(text), start + length)
    _, start, end = best
    if end - start > length:
        start, end = _trim_around(text, start, end, matches, length)
    return start, end


def _start_or_end(starts: _SentenceStarts, number: int, text: str) -> int:
    found = starts.get(number)
    return len(text) if found is None else found


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
    folded = _SPACE.sub(" ", window)
    if window[:1].isspace():
        folded = folded[1:]  # white space opening the fragment is dropped
    body = (opening + folded).rstrip()
    if end < len(text) and not window.rstrip().endswith((".", "!", "?", '"', "\u201d")):
        body += " " + ELLIPSIS
    position = _FoldedPositions(window, len(opening))
    highlights = tuple(
        (position.of(s - start), position.of(e - start))
        for s, e in matches
        if s >= start and e <= end
    )
    return Snippet(body, highlights)


class _FoldedPositions:
    """Where a character of a fragment lands once its white space is
    folded (each run to one space, a leading run dropped): its index less
    the characters dropped before it, plus what opens the snippet."""

    def __init__(self, window: str, opening: int) -> None:
        self._opening = opening
        self._runs: list[Span] = [run.span() for run in _SPACE.finditer(window)]
        self._run_starts = [first for first, _ in self._runs]
        # By the runs before each run: all of a leading run, the rest of the others.
        dropped = [last - first - (first > 0) for first, last in self._runs]
        self._dropped_before = [0, *accumulate(dropped)]

    @staticmethod
    def _dropped(first: int, last: int, before: int) -> int:
        """Characters of the run [first, last) dropped before index ``before``."""
        kept = 0 if first == 0 else 1  # a run keeps one space, unless it opens the window
        return max(0, min(before, last) - (first + kept))

    def of(self, index: int) -> int:
        runs = bisect_left(self._run_starts, index)  # runs starting before ``index``
        dropped = self._dropped_before[runs - 1] if runs else 0
        if runs:
            first, last = self._runs[runs - 1]
            dropped += self._dropped(first, last, index)
        return self._opening + index - dropped


def _starts_sentence(text: str, index: int) -> bool:
    before = text[max(0, index - _LOOK_BACK) : index].rstrip()
    return not before or before.endswith((".", "!", "?", "\n", '"', "\u201d"))
