"""Article text + query terms -> a snippet with the matches' character spans.

The text is analysed with the index's own chain, so a match is exactly what
the index matched: ``Armenians`` is highlighted for a query ``Armenian``, a
synonym's words for the word it expands, and a phrase as one span from its
first to its last word.  The best fragment is chosen from whole sentences
around the matches, about ``SNIPPET_LENGTH`` characters, anywhere in the
text: there is no cut-off after the first few kilobytes.

A long text (a 50 MB article) is not analysed whole for each query: the
index gives where the query's terms stand in it (``IndexedPositions``), the
stretch between two checkpoints with the most distinct matches is chosen,
and only it and its neighbours are analysed.  The work is bounded whatever the
length, and a match anywhere in the text is found.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from searchlib.analysis import Analyzer, Token
from searchlib.models import Snippet

SNIPPET_LENGTH = 200
ELLIPSIS = "\u2026"
_SENTENCE_END = re.compile(r"(?<=[.!?\u2026])[\"'\u201d\u2019)]*\s+|\n\s*")
_SPACE = re.compile(r"\s+")

Span = tuple[int, int]
_LOOK_BACK = 1_000  # characters looked at to tell whether a sentence starts


@dataclass(frozen=True)
class IndexedPositions:
    """Where a query's terms stand in a long text, as its index holds them."""

    positions: Mapping[str, Sequence[int]]
    """Term -> positions among the text's terms."""
    checkpoints: Sequence[tuple[int, int]]
    """(character offset, term position) pairs, ascending: analysing the
    text from an offset gives the terms from that position on."""


def find_matches(
    text: str, tokens: list[Token], terms: Collection[str], phrases: Iterable[tuple[str, ...]]
) -> list[Span]:
    """Character spans of matched terms and phrases, sorted and merged."""
    spans = [(t.start, t.end) for t in tokens if t.term in terms]
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        by_first.setdefault(phrase[0], []).append(phrase)
    if by_first:
        term_list = [t.term for t in tokens]
        for index, token in enumerate(tokens):
            for phrase in by_first.get(token.term, ()):
                end = index + len(phrase)
                if tuple(term_list[index:end]) == phrase:
                    spans.append((token.start, tokens[end - 1].end))
    return _merge(spans, text)


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
    located: IndexedPositions | None = None,
) -> Snippet:
    """The best fragment of ``text`` for the query, with highlight offsets
    into the fragment.  Given ``located``, only the part of the text around
    the best matches is analysed."""
    if not text:
        return Snippet("")
    if located is not None and located.checkpoints:
        return _snippet_of_long_text(text, analyzer, terms, phrases, length, located)
    matches = find_matches(text, analyzer.analyze(text), terms, phrases) if terms or phrases else []
    start, end = _best_window(text, matches, length)
    return _cut(text, start, end, matches)


def _snippet_of_long_text(
    text: str,
    analyzer: Analyzer,
    terms: Collection[str],
    phrases: Collection[tuple[str, ...]],
    length: int,
    located: IndexedPositions,
) -> Snippet:
    stretch = _best_stretch(located, terms, phrases)
    if stretch is None:  # nothing in the text matched (the title did)
        return _cut(text, 0, _word_boundary(text, min(len(text), length)), [])
    offsets = [offset for offset, _ in located.checkpoints] + [len(text)]
    # With the stretches on either side: a sentence or a phrase may run
    # across a checkpoint.
    region_start = offsets[max(stretch - 1, 0)]
    region_end = offsets[min(stretch + 2, len(offsets) - 1)]
    region = text[region_start:region_end]
    matches = find_matches(region, analyzer.analyze(region), terms, phrases)
    start, end = _best_window(region, matches, length)
    shifted = [(s + region_start, e + region_start) for s, e in matches]
    return _cut(text, start + region_start, end + region_start, shifted)


def _best_stretch(
    located: IndexedPositions, terms: Collection[str], phrases: Collection[tuple[str, ...]]
) -> int | None:
    """The checkpoint after which the most distinct terms and phrases match
    (then the most matches, then the earliest); None if nothing matches."""
    found: list[tuple[int, object]] = [
        (position, term) for term in terms for position in located.positions.get(term, ())
    ]
    for phrase in phrases:
        following = [set(located.positions.get(word, ())) for word in phrase[1:]]
        found += [
            (position, phrase)
            for position in located.positions.get(phrase[0], ())
            if all(position + step in later for step, later in enumerate(following, start=1))
        ]
    if not found:
        return None
    starts = [position for _, position in located.checkpoints]
    kinds: dict[int, set[object]] = {}
    counts: dict[int, int] = {}
    for position, what in found:
        stretch = max(bisect.bisect_right(starts, position) - 1, 0)
        kinds.setdefault(stretch, set()).add(what)
        counts[stretch] = counts.get(stretch, 0) + 1
    return min(kinds, key=lambda stretch: (-len(kinds[stretch]), -counts[stretch], stretch))


def _sentence_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in _SENTENCE_END.finditer(text) if m.end() < len(text)]


def _best_window(text: str, matches: list[Span], length: int) -> Span:
    """Whole sentences, about ``length`` characters, holding the most matches."""
    if not matches:
        return 0, _word_boundary(text, min(len(text), length))
    starts = _sentence_starts(text)
    best: tuple[int, int, int] | None = None  # (-score, start, end)
    match_index = 0
    for number, start in enumerate(starts):
        while match_index < len(matches) and matches[match_index][0] < start:
            match_index += 1
        if match_index == len(matches):
            break
        end = starts[number + 1] if number + 1 < len(starts) else len(text)
        following = number + 1
        while end - start < length * 0.6 and following < len(starts):
            following += 1
            end = starts[following] if following < len(starts) else len(text)
        inside = [m for m in matches[match_index:] if m[1] <= end]
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


def _trim_around(text: str, start: int, end: int, matches: list[Span], length: int) -> Span:
    """A window of about ``length`` characters inside [start, end), placed so
    that it opens a little before the first match in it."""
    first = next(m for m in matches if m[0] >= start)
    if first[1] - start <= length * 3 // 4:
        return start, _word_boundary(text, start + length)
    window_start = max(start, first[0] - length // 4)
    if window_start > start:
        window_start = _word_boundary(text, window_start, forward=True)
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
    pieces: list[str] = []
    offsets: list[int] = []  # offsets[i] = position in snippet of text[start + i]
    position = 0
    if start > 0 and not _starts_sentence(text, start):
        pieces.append(ELLIPSIS + " ")
        position = 2
    last_space = True
    for char in text[start:end]:
        offsets.append(position)
        if char.isspace():
            if last_space:
                continue
            char = " "
            last_space = True
        else:
            last_space = False
        pieces.append(char)
        position += 1
    offsets.append(position)
    body = "".join(pieces).rstrip()
    if end < len(text) and not text[start:end].rstrip().endswith((".", "!", "?", '"', "\u201d")):
        body += " " + ELLIPSIS
    highlights = tuple(
        (offsets[s - start], offsets[e - start]) for s, e in matches if s >= start and e <= end
    )
    return Snippet(body, highlights)


def _starts_sentence(text: str, index: int) -> bool:
    before = text[max(0, index - _LOOK_BACK) : index].rstrip()
    return not before or before.endswith((".", "!", "?", "\n", '"', "\u201d"))
