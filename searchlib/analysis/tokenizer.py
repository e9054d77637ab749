"""Text -> raw tokens with positions and character offsets.

The first stage of analysis.  A tokenizer only breaks text; it does not
change what it finds (filters do).  Tokens keep the exact span of the
original text they came from, so snippets can highlight it.

Rules, chosen for news text:

* numbers with separators stay whole: ``2,000`` -> ``2,000`` (a filter drops
  the thousands separator), ``3.5`` -> ``3.5``;
* dotted abbreviations stay whole: ``U.S.`` and ``U.N.`` are one token each;
* words are runs of letters and digits, with inner apostrophes kept
  (``Baku's``, ``O'Brien``);
* everything else separates, hyphens included: ``Nagorno-Karabakh`` gives
  ``Nagorno`` and ``Karabakh`` at consecutive positions, so the whole name is
  found as a phrase and each part on its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

# Order matters: the first alternative that matches at a place wins.
_NUMBER = r"\d+(?:[.,]\d+)+"
_ABBREVIATION = r"(?:[^\W\d_]\.){2,}(?![^\W\d_])"
_WORD = r"\w+(?:['\u2019]\w+)*"
TOKEN_PATTERN = re.compile(f"{_NUMBER}|{_ABBREVIATION}|{_WORD}")


class RawToken(NamedTuple):
    """A piece of the original text: its text, its position, its span."""

    text: str
    position: int
    start: int
    end: int


class NewsTokenizer:
    """Breaks news text into words, numbers and abbreviations."""

    name = "news-v1"
    pattern = TOKEN_PATTERN

    def tokenize(self, text: str) -> Iterator[RawToken]:
        for position, match in enumerate(TOKEN_PATTERN.finditer(text)):
            yield RawToken(match.group(), position, match.start(), match.end())

    def words(self, text: str) -> list[str]:
        """The token texts alone, in order (the fast path for indexing)."""
        return TOKEN_PATTERN.findall(text)
