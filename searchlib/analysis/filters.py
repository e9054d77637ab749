"""Token filters: each maps one token's text to a new text, or drops it.

The second stage of analysis.  Every filter here is a pure function of one
token's text, so the analyzer can cache the whole chain per distinct word.
A filter returns ``None`` to drop the token.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection
from typing import Protocol

# Latin letters that Unicode does not decompose into base + accent, so NFKD
# alone would keep them (Xankəndi would not meet Xankendi).
_UNDECOMPOSED_LETTERS = str.maketrans(
    {
        "ə": "e",
        "\u0131": "i",  # dotless i
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ŧ": "t",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        "ŋ": "n",
        "ɨ": "i",
        "\u2019": "'",
    }
)


class TokenFilter(Protocol):
    """One step of the filter chain."""

    def __call__(self, text: str) -> str | None: ...


class LowercaseFilter:
    """``Karabakh`` -> ``karabakh``."""

    def __call__(self, text: str) -> str | None:
        return text.lower()


class AbbreviationFilter:
    """``U.S.`` -> ``US`` and ``2,000`` -> ``2000``: drops inner dots of
    abbreviations and thousands separators of numbers."""

    def __call__(self, text: str) -> str | None:
        if "." in text and not text[0].isdigit():
            return text.replace(".", "")
        if "," in text:
            return text.replace(",", "")
        return text


class AccentFoldingFilter:
    """``zürich`` -> ``zurich``, ``xankəndi`` -> ``xankendi``.

    Decomposes (NFKD), drops combining marks, and maps the Latin letters that
    have no decomposition.  Non-Latin scripts keep their letters (an Armenian
    or Cyrillic word stays itself, minus its combining marks).  A few
    ligatures decompose into several words (``ﷺ``); their spaces are dropped,
    so that one word stays one term (the index splits terms at spaces).
    """

    def __call__(self, text: str) -> str | None:
        if text.isascii():
            return text
        decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED_LETTERS))
        return "".join(
            char for char in decomposed if not unicodedata.combining(char) and not char.isspace()
        )


class PossessiveFilter:
    """``baku's`` -> ``baku`` (English possessive), after folding."""

    def __call__(self, text: str) -> str | None:
        if text.endswith("'s"):
            return text[:-2] or None
        return text


class StopFilter:
    """Drops stop words, but keeps acronyms written in capitals.

    ``who`` is a stop word, ``WHO`` the World Health Organization; likewise
    ``US`` and ``IT``.  The filter therefore looks at the token as written:
    it must run first in the chain, on the original text.
    """

    def __init__(self, stopwords: Collection[str]) -> None:
        self.stopwords = frozenset(stopwords)

    def __call__(self, text: str) -> str | None:
        if len(text) > 1 and text.replace(".", "").isupper():
            return text
        normalised = text.lower().replace("\u2019", "'")
        if normalised in self.stopwords:
            return None
        return text
