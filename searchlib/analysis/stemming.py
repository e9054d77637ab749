"""Word -> stem, with NLTK's stemmers behind a cache.

The last filter of the chain.  The algorithms are NLTK's (Snowball English,
Porter, Lancaster); this module adapts them and keeps two costs off the query
path:

* ``import nltk`` takes a few hundred milliseconds, so the stemmer is imported
  on the first word that is not already in the cache;
* an index saves the stems of its vocabulary (see ``indexing``), and a
  searcher preloads them, so most queries never import nltk at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

STEMMERS = ("snowball", "porter", "lancaster", "none")
"""The stemmer names a user can choose, default first."""
_UNSAVED_LIMIT = 100_000


def load_stem_function(name: str) -> Callable[[str], str]:
    """The stemming function of an NLTK stemmer, imported now."""
    if name == "snowball":
        from nltk.stem.snowball import EnglishStemmer

        return EnglishStemmer().stem  # type: ignore[no-any-return]
    if name == "porter":
        from nltk.stem.porter import PorterStemmer

        return PorterStemmer().stem  # type: ignore[no-any-return]
    if name == "lancaster":
        from nltk.stem.lancaster import LancasterStemmer

        return LancasterStemmer().stem  # type: ignore[no-any-return]
    if name == "none":
        return _identity
    raise ValueError(f"unknown stemmer {name!r}; choose one of {', '.join(STEMMERS)}")


def _identity(word: str) -> str:
    return word


class StemFilter:
    """Stems a word with the named NLTK stemmer, loading it only when needed."""

    def __init__(self, stemmer: str, known_stems: Mapping[str, str] | None = None) -> None:
        if stemmer not in STEMMERS:
            raise ValueError(f"unknown stemmer {stemmer!r}; choose one of {', '.join(STEMMERS)}")
        self.stemmer = stemmer
        self.cache: dict[str, str] = {}
        self.known_stems = known_stems
        self._stem: Callable[[str], str] | None = None
        self._unsaved: set[str] = set()
        """Words looked up in ``known_stems`` together and not found there."""

    def __call__(self, text: str) -> str | None:
        stem = self.cache.get(text)
        if stem is None and self.known_stems is not None and text not in self._unsaved:
            stem = self.known_stems.get(text)
            if stem is not None:
                self.cache[text] = stem
        if stem is None:
            if self._stem is None:
                self._stem = load_stem_function(self.stemmer)
            # NLTK's stemmers can return an empty string for odd input; keep
            # the word then rather than drop a token the user typed.
            stem = self._stem(text) or text
            self.cache[text] = stem
        return stem

    def look_up(self, texts: Iterable[str]) -> None:
        """Read the saved stems of ``texts`` not cached yet at once (one
        look-up for a query's new words rather than one each)."""
        if self.known_stems is None:
            return
        missing = [text for text in dict.fromkeys(texts) if text not in self.cache]
        get_many = getattr(self.known_stems, "get_many", None)
        if len(missing) > 1 and get_many is not None:
            found = get_many(missing)
            self.cache.update(found)
            if len(self._unsaved) > _UNSAVED_LIMIT:
                self._unsaved.clear()
            self._unsaved.update(text for text in missing if text not in found)

    @property
    def stemmer_loaded(self) -> bool:
        """Whether NLTK has been imported for this filter."""
        return self._stem is not None
