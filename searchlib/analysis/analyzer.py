"""Text -> index terms: the one place where the analysis chain is composed.

    NewsTokenizer -> StopFilter -> AbbreviationFilter -> LowercaseFilter
                  -> AccentFoldingFilter -> PossessiveFilter -> StemFilter

The same chain runs at index time and at query time (synonyms are the named
exception: they are applied to the query only, see ``synonym_map``).  Every
filter maps one word to one word or drops it, so the chain is cached per
distinct word: a corpus has far fewer distinct words than tokens.

The settings that shape the chain are saved with an index (``indexing``), and
an index refuses to be opened with other ones.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from searchlib.analysis.filters import (
    AbbreviationFilter,
    AccentFoldingFilter,
    LowercaseFilter,
    PossessiveFilter,
    StopFilter,
    TokenFilter,
)
from searchlib.analysis.stemming import STEMMERS, StemFilter
from searchlib.analysis.tokenizer import NewsTokenizer
from searchlib.data_files import read_data_file
from searchlib.errors import SearchlibError

BUILTIN_STOPWORD_LISTS = ("english", "none")
"""Stop word list names; anything else is read as a file, one word a line."""

_WORD_CACHE_LIMIT = 100_000
"""Words as written whose terms are kept (about 15 MB); the cache is
emptied when full, since a corpus's vocabulary has no bound."""


class Token(NamedTuple):
    """An analysed token: its index term and where it stands in the text."""

    term: str
    position: int
    start: int
    end: int


@dataclass(frozen=True)
class AnalysisSettings:
    """What shapes the analysis chain, as a user chooses it."""

    stemmer: str = "snowball"
    stopwords: str = "english"
    fold_accents: bool = True

    def __post_init__(self) -> None:
        if self.stemmer not in STEMMERS:
            raise SearchlibError(
                f"unknown stemmer {self.stemmer!r}; choose one of {', '.join(STEMMERS)}"
            )


def load_stopwords(name_or_path: str) -> frozenset[str]:
    """The stop words of a built-in list (``english``, ``none``) or a file."""
    if name_or_path == "none":
        return frozenset()
    if name_or_path == "english":
        text = read_data_file("stopwords_en.txt")
    else:
        path = Path(name_or_path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise SearchlibError(
                f"cannot read stop word file {path} ({error}); give a UTF-8 file with one "
                f"word a line, or one of {', '.join(BUILTIN_STOPWORD_LISTS)}"
            ) from None
    words = (line.strip().lower() for line in text.splitlines())
    return frozenset(word for word in words if word and not word.startswith("#"))


class Analyzer:
    """The analysis chain for one set of settings."""

    def __init__(
        self,
        settings: AnalysisSettings | None = None,
        *,
        stopwords: Iterable[str] | None = None,
        known_stems: Mapping[str, str] | None = None,
    ) -> None:
        self.settings = settings or AnalysisSettings()
        self.stopwords = frozenset(
            stopwords if stopwords is not None else load_stopwords(self.settings.stopwords)
        )
        self.tokenizer = NewsTokenizer()
        self.stem_filter = StemFilter(self.settings.stemmer, known_stems)
        filters: list[TokenFilter] = []
        if self.stopwords:
            filters.append(StopFilter(self.stopwords))
        filters += [AbbreviationFilter(), LowercaseFilter()]
        if self.settings.fold_accents:
            filters.append(AccentFoldingFilter())
        filters += [PossessiveFilter(), self.stem_filter]
        self.filters = tuple(filters)
        self._word_cache: dict[str, str | None] = {}

    def forget_words(self) -> None:
        """Empty the caches of words and stems (a build does when its
        batches are written: their memory is the next stages' to use)."""
        self._word_cache.clear()
        self.stem_filter.cache.clear()

    def term(self, word: str) -> str | None:
        """The index term of one token as written, or None if it is dropped."""
        cache = self._word_cache
        if word in cache:
            return cache[word]
        term = self._run_filters(word, self.filters)
        if len(cache) >= _WORD_CACHE_LIMIT:
            cache.clear()
        cache[word] = term
        return term

    @staticmethod
    def _run_filters(word: str, filters: Sequence[TokenFilter]) -> str | None:
        text = word
        for token_filter in filters:
            filtered = token_filter(text)
            if not filtered:
                return None
            text = filtered
        return text

    def terms(self, text: str) -> list[str]:
        """The index terms of a text, in order (positions are list indexes)."""
        return self._terms_of_words(self.tokenizer.words(text))

    def _terms_of_words(self, words: list[str]) -> list[str]:
        cache = self._word_cache
        term = self.term
        analysed = [cache[w] if w in cache else term(w) for w in words]
        return [t for t in analysed if t is not None]

    def terms_of_each(self, texts: Iterable[str]) -> list[list[str]]:
        """The index terms of each text (``terms``), the saved stems of
        their new words fetched at once: a query's new words cost one
        look-up, not one each."""
        cache = self._word_cache
        words_of = [self.tokenizer.words(text) for text in texts]
        if self.stem_filter.known_stems is not None:
            unstemmed = self.filters[:-1]  # every filter but stemming, the last
            forms = [
                form
                for words in words_of
                for word in words
                if word not in cache and (form := self._run_filters(word, unstemmed))
            ]
            if forms:
                self.stem_filter.look_up(forms)
        return [self._terms_of_words(words) for words in words_of]

    def terms_and_starts(self, text: str) -> tuple[list[str], list[int]]:
        """The index terms of a text, in order, and where each one's token
        starts in ``text`` (its end is where the tokenizer's pattern, matched
        there, ends)."""
        cache = self._word_cache
        term = self.term
        terms: list[str] = []
        starts: list[int] = []
        for match in self.tokenizer.pattern.finditer(text):
            word = match.group()
            found = cache[word] if word in cache else term(word)
            if found is not None:
                terms.append(found)
                starts.append(match.start())
        return terms, starts

    def analyze(self, text: str) -> list[Token]:
        """Index terms with positions and character offsets into ``text``.

        Positions count the kept tokens, as the index does, so a phrase over a
        dropped stop word matches here as it does in the index.
        """
        tokens = []
        position = 0
        for raw in self.tokenizer.tokenize(text):
            term = self.term(raw.text)
            if term is not None:
                tokens.append(Token(term, position, raw.start, raw.end))
                position += 1
        return tokens

    def describe(self) -> dict[str, Any]:
        """The settings as saved with an index: enough to rebuild this chain."""
        words = sorted(self.stopwords)
        return {
            "tokenizer": self.tokenizer.name,
            "stemmer": self.settings.stemmer,
            "stopwords": self.settings.stopwords,
            "stopwords_sha256": hashlib.sha256("\n".join(words).encode()).hexdigest(),
            "stopword_list": words,
            "fold_accents": self.settings.fold_accents,
        }
