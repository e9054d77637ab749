"""The articles of one index generation as the fast path shows them.

whoosh stores every article too, but reading it means importing and opening
whoosh, which costs a fresh process more than the whole search.  The fast
path (``impact_reading``) numbers documents as whoosh does in a fresh build;
this store keeps, under the same numbers, what a hit shows: the id, title,
date, source and URL in one table, and the subtitle and text (for snippets)
in another, so a search without snippets never reads the text.  Beside the
text, where its sentences start (``highlight.sentence_starts`` of the body,
int32s): a hit's snippet is cut along them without reading the article for
sentence ends.  A store written before they were kept has none, and the
snippet looks for them.

The store describes the build only, like the fast path's arrays: after an
incremental update both are left behind and whoosh answers (``search``).
"""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from searchlib.highlight import sentence_starts
from searchlib.models import Article, article_body

DOCUMENTS_NAME = "documents.sqlite"
_BATCH = 1_000
MAPPED_BYTES = 1 << 30
"""How much of the store a reader maps (SQLite's own limit is 2 GB)."""
_LONGEST_WITH_SENTENCES = 2**31 - 1  # the starts are int32s


def _utf8(text: str | None) -> bytes | None:
    """``text`` encoded for SQLite, which stores it as text (``CAST(? AS
    TEXT)``).  Binding the string itself would make Python keep a UTF-8 copy
    inside it for as long as it lives: the caller's articles, when they are
    held in a list, would grow by their size in UTF-8 (those that are not
    ASCII), a million articles' worth at a million."""
    return None if text is None else text.encode("utf-8")


class StoredBody(NamedTuple):
    """An article's body (``models.article_body``) and where its sentences
    start (None when the store does not say)."""

    text: str
    sentence_starts: Sequence[int] | None


class DocumentStoreWriter:
    """Writes the store of a new generation, article by article."""

    def __init__(self, generation_dir: Path) -> None:
        self._database = sqlite3.connect(generation_dir / DOCUMENTS_NAME)
        self._database.executescript(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
            "CREATE TABLE shown (number INTEGER PRIMARY KEY, id TEXT, title TEXT,"
            " published TEXT, source TEXT, url TEXT);"
            "CREATE TABLE body (number INTEGER PRIMARY KEY, subtitle TEXT, text TEXT,"
            " sentences BLOB);"
        )
        self._shown: list[tuple[Any, ...]] = []
        self._body: list[tuple[Any, ...]] = []

    def add(self, number: int, article: Article) -> None:
        published = article.date.isoformat() if article.date else None
        self._shown.append(
            (
                number,
                _utf8(article.id),
                _utf8(article.title),
                published,
                _utf8(article.source),
                _utf8(article.url),
            )
        )
        body = article_body(article.subtitle or "", article.text or "")
        sentences = (
            array("i", sentence_starts(body)).tobytes()
            if len(body) <= _LONGEST_WITH_SENTENCES
            else None
        )
        self._body.append((number, _utf8(article.subtitle), _utf8(article.text), sentences))
        if len(self._shown) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        self._database.executemany(
            "INSERT INTO shown VALUES (?, CAST(? AS TEXT), CAST(? AS TEXT), ?,"
            " CAST(? AS TEXT), CAST(? AS TEXT))",
            self._shown,
        )
        self._database.executemany(
            "INSERT INTO body VALUES (?, CAST(? AS TEXT), CAST(? AS TEXT), ?)", self._body
        )
        self._shown.clear()
        self._body.clear()

    def ids(self, numbers: Iterable[int]) -> list[str]:
        """The ids of documents already added, in the order asked."""
        self._flush()
        return [
            self._database.execute("SELECT id FROM shown WHERE number = ?", (n,)).fetchone()[0]
            for n in numbers
        ]

    def numbers_by_id(self) -> Iterator[int]:
        """The document numbers in the order of their ids (SQLite's order of
        text is that of code points, as Python's), sorted on disk."""
        self._flush()
        for (number,) in self._database.execute("SELECT number FROM shown ORDER BY id"):
            yield number

    def close(self) -> None:
        """Write what is left; the build fsyncs the folder afterwards."""
        self._flush()
        self._database.commit()
        self._database.close()

    def cancel(self) -> None:
        self._database.close()


class DocumentStore:
    """The store of one generation, read only (its file never changes)."""

    def __init__(self, generation_dir: Path) -> None:
        path = generation_dir / DOCUMENTS_NAME
        # immutable=1: no locks, no journal; the connection keeps the file
        # open, so a rebuild that deletes the generation cannot break it.
        self._database = sqlite3.connect(
            f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
        # Read through a memory map rather than a read call per page: the
        # ten bodies of a page of hits cost about a third less.
        self._database.execute(f"PRAGMA mmap_size = {MAPPED_BYTES}")
        # A file that is not this store fails here, not at the first query;
        # one row, not a count: counting reads every page of the table
        # (1.2 GB from disk for a million articles, as their text is beside it).
        self._database.execute("SELECT number FROM shown LIMIT 1").fetchone()
        columns = {row[1] for row in self._database.execute("PRAGMA table_info(body)")}
        self._sentences = "sentences" if "sentences" in columns else "NULL"

    @staticmethod
    def exists(generation_dir: Path) -> bool:
        return (generation_dir / DOCUMENTS_NAME).is_file()

    def shown(self, numbers: Iterable[int]) -> dict[int, dict[str, Any]]:
        """What a hit shows of each document: id, title, published, source, url."""
        wanted = list(numbers)
        if not wanted:
            return {}
        rows = self._database.execute(
            "SELECT number, id, title, published, source, url FROM shown WHERE number IN "
            f"({','.join('?' * len(wanted))})",
            wanted,
        ).fetchall()
        return {
            row[0]: {
                "id": row[1],
                "title": row[2],
                "published": row[3],
                "source": row[4],
                "url": row[5],
            }
            for row in rows
        }

    def bodies(self, numbers: Iterable[int]) -> dict[int, StoredBody]:
        """The body of each document, and where its sentences start, read
        in one query."""
        wanted = list(numbers)
        if not wanted:
            return {}
        rows = self._database.execute(
            f"SELECT number, subtitle, text, {self._sentences} FROM body WHERE number IN "
            f"({','.join('?' * len(wanted))})",
            wanted,
        ).fetchall()
        return {
            number: StoredBody(
                article_body(subtitle or "", text or ""),
                None if sentences is None else memoryview(sentences).cast("i"),
            )
            for number, subtitle, text, sentences in rows
        }

    def close(self) -> None:
        self._database.close()
