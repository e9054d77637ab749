"""bm25s (PyPI ``bm25s``): BM25 as sparse matrices in numpy.

Its default method (Lucene's BM25, k1 = 1.5, b = 0.75), its tokenizer
(lowercased words of two or more characters) with its English stop words and
PyStemmer's Snowball English stemmer.  Title and text are indexed as one
text.  It ranks ids only (no snippets).  Documents that share no word with
the query score 0 and are not returned.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import bm25s
import Stemmer

from benchmarks.peers import Ranked, answer_once, article_body

if TYPE_CHECKING:
    from searchlib.models import Article

IDS_FILE = "ids.json"
STOPWORDS = "en"


class Bm25sEngine:
    name = "bm25s"

    def __init__(self) -> None:
        self.stemmer = Stemmer.Stemmer("english")
        self.retriever: Any = None
        self.ids: list[str] = []

    def build(self, articles: Sequence[Article], workdir: Path) -> None:
        texts = [f"{article.title}\n{article_body(article)}" for article in articles]
        tokens = bm25s.tokenize(
            texts, stopwords=STOPWORDS, stemmer=self.stemmer, show_progress=False
        )
        retriever = bm25s.BM25()
        retriever.index(tokens, show_progress=False)
        workdir.mkdir(parents=True, exist_ok=True)
        retriever.save(str(workdir), show_progress=False)
        ids = [article.id for article in articles]
        (workdir / IDS_FILE).write_text(json.dumps(ids), encoding="utf-8")
        self.retriever, self.ids = retriever, ids

    def open(self, workdir: Path) -> None:
        self.retriever = bm25s.BM25.load(str(workdir), show_progress=False)
        self.ids = json.loads((workdir / IDS_FILE).read_text(encoding="utf-8"))

    def search(self, query: str, k: int) -> Ranked:
        tokens = bm25s.tokenize(
            [query],
            stopwords=STOPWORDS,
            stemmer=self.stemmer,
            return_ids=False,
            show_progress=False,
        )
        if not tokens[0]:
            return []
        documents, scores = self.retriever.retrieve(
            tokens, k=min(k, len(self.ids)), show_progress=False
        )
        return [
            (self.ids[int(document)], float(score))
            for document, score in zip(documents[0], scores[0], strict=True)
            if score > 0
        ]

    def close(self) -> None:
        self.retriever = None


ENGINE_CLASS = Bm25sEngine

if __name__ == "__main__":
    sys.exit(answer_once(Bm25sEngine(), sys.argv))
