"""whoosh-reloaded used the obvious way, as its documentation shows.

``RegexTokenizer | LowercaseFilter | StopFilter | StemFilter`` with NLTK's
Snowball English stemmer (cached), title and body as stored ``TEXT`` fields,
whoosh's default BM25F, ``MultifieldParser`` over title and body with
``OrGroup`` (any word may match), the default writer (one process, compound
segments) and ``hit.highlights("body")`` for snippets.  The query text goes
to the parser as it is, so its syntax (``AND``, ``*``, ``field:``) applies.

The stem function is pickled into whoosh's schema by name, so an index built
here opens only where this module can be imported.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nltk.stem.snowball import SnowballStemmer
from whoosh import index as whoosh_index
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import MultifieldParser, OrGroup

from benchmarks.peers import Ranked, Snippeted, answer_once, article_body

if TYPE_CHECKING:
    from searchlib.models import Article

_STEMMER = SnowballStemmer("english")


@functools.cache
def snowball_stem(word: str) -> str:
    return str(_STEMMER.stem(word))


def build_schema() -> Schema:
    stem = StemFilter(stemfn=snowball_stem)
    analyzer = RegexTokenizer() | LowercaseFilter() | StopFilter() | stem
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=analyzer, stored=True),
        body=TEXT(analyzer=analyzer, stored=True),
    )


class WhooshEngine:
    name = "whoosh"

    def __init__(self) -> None:
        self.index: Any = None
        self.searcher: Any = None
        self.parser: Any = None

    def build(self, articles: Sequence[Article], workdir: Path) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        index = whoosh_index.create_in(str(workdir), build_schema())
        writer = index.writer()
        for article in articles:
            writer.add_document(id=article.id, title=article.title, body=article_body(article))
        writer.commit()
        self.open(workdir)

    def open(self, workdir: Path) -> None:
        self.index = whoosh_index.open_dir(str(workdir))
        self.searcher = self.index.searcher()
        self.parser = MultifieldParser(["title", "body"], self.index.schema, group=OrGroup)

    def _hits(self, query: str, k: int) -> Any:
        return self.searcher.search(self.parser.parse(query), limit=k)

    def search(self, query: str, k: int) -> Ranked:
        return [(hit["id"], hit.score) for hit in self._hits(query, k)]

    def search_with_snippets(self, query: str, k: int) -> Snippeted:
        return [(hit["id"], hit.score, hit.highlights("body")) for hit in self._hits(query, k)]

    def close(self) -> None:
        if self.searcher is not None:
            self.searcher.close()
        if self.index is not None:
            self.index.close()
        self.index = self.searcher = self.parser = None


ENGINE_CLASS = WhooshEngine

if __name__ == "__main__":
    sys.exit(answer_once(WhooshEngine(), sys.argv))
