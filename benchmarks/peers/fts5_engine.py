"""SQLite FTS5 from the standard library's ``sqlite3``.

One FTS5 table with the id (not indexed), title and body, the ``porter
unicode61`` tokenizer, ``bm25()`` ranking through FTS5's ``rank`` column
(bm25 with its default weights; ``ORDER BY rank`` gives the same order as
``ORDER BY bm25(articles)`` and lets FTS5 sort before computing the other
columns, snippets included; the sign is turned so that higher is better)
and ``snippet()`` for snippets.  A query is
turned into an OR of its words, each quoted, so any text is a valid FTS5
query.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.peers import Ranked, Snippeted, answer_once, article_body

if TYPE_CHECKING:
    from searchlib.models import Article

DATABASE = "fts5.db"
_WORD = re.compile(r"\w+")
SNIPPET_TOKENS = 32


def match_expression(query: str) -> str:
    """'Lachin "corridor' -> '"Lachin" OR "corridor"'; '' when there is no word."""
    return " OR ".join(f'"{word}"' for word in _WORD.findall(query))


class Fts5Engine:
    name = "fts5"

    def __init__(self) -> None:
        self.connection: sqlite3.Connection | None = None

    def build(self, articles: Sequence[Article], workdir: Path) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(workdir / DATABASE)
        with connection:
            connection.execute(
                "CREATE VIRTUAL TABLE articles USING fts5("
                "id UNINDEXED, title, body, tokenize='porter unicode61')"
            )
            connection.executemany(
                "INSERT INTO articles (id, title, body) VALUES (?, ?, ?)",
                ((article.id, article.title, article_body(article)) for article in articles),
            )
        self.connection = connection

    def open(self, workdir: Path) -> None:
        path = workdir / DATABASE
        if not path.is_file():
            raise FileNotFoundError(path)
        self.connection = sqlite3.connect(path)

    def _rows(self, query: str, k: int, columns: str) -> list[tuple[str, float, str]]:
        assert self.connection is not None, "build or open first"
        expression = match_expression(query)
        if not expression:
            return []
        sql = (
            f"SELECT id, -rank, {columns} FROM articles "
            "WHERE articles MATCH ? ORDER BY rank LIMIT ?"
        )
        return self.connection.execute(sql, (expression, k)).fetchall()

    def search(self, query: str, k: int) -> Ranked:
        return [(doc_id, score) for doc_id, score, _ in self._rows(query, k, "''")]

    def search_with_snippets(self, query: str, k: int) -> Snippeted:
        snippet = f"snippet(articles, 2, '[', ']', '…', {SNIPPET_TOKENS})"
        return self._rows(query, k, snippet)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


ENGINE_CLASS = Fts5Engine

if __name__ == "__main__":
    sys.exit(answer_once(Fts5Engine(), sys.argv))
