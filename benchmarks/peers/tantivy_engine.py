"""tantivy through its Python binding (PyPI ``tantivy``).

Title and body as stored text fields with the ``en_stem`` tokenizer
(lowercase, English Snowball stemmer, no stop words), the id as a stored raw
field; the default writer (tantivy picks its thread count: both cores here);
``parse_query`` over title and body with every word quoted and OR-ed, so any
text is safe; tantivy's BM25; ``SnippetGenerator`` for snippets.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tantivy

from benchmarks.peers import Ranked, Snippeted, answer_once, article_body

if TYPE_CHECKING:
    from searchlib.models import Article

_WORD = re.compile(r"\w+")
FIELDS = ["title", "body"]


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("body", stored=True, tokenizer_name="en_stem")
    return builder.build()


def query_text(query: str) -> str:
    """'Lachin AND corridor' -> '"Lachin" OR "AND" OR "corridor"'."""
    return " OR ".join(f'"{word}"' for word in _WORD.findall(query))


class TantivyEngine:
    name = "tantivy"

    def __init__(self) -> None:
        self.index: Any = None
        self.searcher: Any = None

    def build(self, articles: Sequence[Article], workdir: Path) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        index = tantivy.Index(build_schema(), path=str(workdir))
        writer = index.writer()
        for article in articles:
            writer.add_document(
                tantivy.Document(id=article.id, title=article.title, body=article_body(article))
            )
        writer.commit()
        writer.wait_merging_threads()
        self.open(workdir)

    def open(self, workdir: Path) -> None:
        self.index = tantivy.Index.open(str(workdir))
        self.index.reload()
        self.searcher = self.index.searcher()

    def _hits(self, query: str, k: int) -> tuple[Any, list[tuple[float, Any]]]:
        text = query_text(query)
        if not text:
            return None, []
        parsed = self.index.parse_query(text, FIELDS)
        return parsed, self.searcher.search(parsed, k).hits

    def search(self, query: str, k: int) -> Ranked:
        _, hits = self._hits(query, k)
        return [(self.searcher.doc(address)["id"][0], score) for score, address in hits]

    def search_with_snippets(self, query: str, k: int) -> Snippeted:
        parsed, hits = self._hits(query, k)
        if not hits:
            return []
        generator = tantivy.SnippetGenerator.create(
            self.searcher, parsed, self.index.schema, "body"
        )
        found = []
        for score, address in hits:
            document = self.searcher.doc(address)
            snippet = generator.snippet_from_doc(document).to_html()
            found.append((document["id"][0], score, snippet))
        return found

    def close(self) -> None:
        self.index = self.searcher = None


ENGINE_CLASS = TantivyEngine

if __name__ == "__main__":
    sys.exit(answer_once(TantivyEngine(), sys.argv))
