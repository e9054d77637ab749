"""rank-bm25 (PyPI ``rank-bm25``): ``BM25Okapi`` in numpy, for small corpora.

Its defaults (k1 = 1.5, b = 0.75, idf floored at 0.25 times the mean idf).
rank-bm25 has no tokenizer of its own; the words are made as the bm25s peer
makes them (lowercased words of two or more characters, bm25s's English stop
words, PyStemmer's Snowball English stemmer), so that the two differ only in
their BM25.  Title and text are indexed as one text; the index is pickled.
Every query scores every document in Python (O(N) per query term): it is run
on small corpora only.  Ids only, no snippets; documents scoring 0 are left out.
"""

from __future__ import annotations

import pickle
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN
from rank_bm25 import BM25Okapi

from benchmarks.peers import Ranked, answer_once, article_body

if TYPE_CHECKING:
    from searchlib.models import Article

INDEX_FILE = "rank_bm25.pickle"
_WORD = re.compile(r"(?u)\b\w\w+\b")
_STOPWORDS = frozenset(STOPWORDS_EN)
_STEMMER = Stemmer.Stemmer("english")


def english_tokens(text: str) -> list[str]:
    words = [word for word in _WORD.findall(text.lower()) if word not in _STOPWORDS]
    return list(_STEMMER.stemWords(words))


class RankBm25Engine:
    name = "rank_bm25"

    def __init__(self) -> None:
        self.model: Any = None
        self.ids: list[str] = []

    def build(self, articles: Sequence[Article], workdir: Path) -> None:
        corpus = [english_tokens(f"{a.title}\n{article_body(a)}") for a in articles]
        self.model = BM25Okapi(corpus)
        self.ids = [article.id for article in articles]
        workdir.mkdir(parents=True, exist_ok=True)
        with (workdir / INDEX_FILE).open("wb") as out:
            pickle.dump((self.model, self.ids), out, protocol=pickle.HIGHEST_PROTOCOL)

    def open(self, workdir: Path) -> None:
        with (workdir / INDEX_FILE).open("rb") as source:
            self.model, self.ids = pickle.load(source)

    def search(self, query: str, k: int) -> Ranked:
        tokens = english_tokens(query)
        if not tokens:
            return []
        scores = self.model.get_scores(tokens)
        count = min(k, len(scores))
        best = np.argpartition(-scores, count - 1)[:count]
        ranked = sorted(best, key=lambda document: (-scores[document], document))
        return [(self.ids[int(d)], float(scores[d])) for d in ranked if scores[d] > 0]

    def close(self) -> None:
        self.model = None


ENGINE_CLASS = RankBm25Engine

if __name__ == "__main__":
    sys.exit(answer_once(RankBm25Engine(), sys.argv))
