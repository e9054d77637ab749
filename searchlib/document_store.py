"""The articles of one index generation as the fast path shows them.

whoosh stores every article too, but reading it means importing and opening
whoosh, which costs a fresh process more than the whole search.  The fast
path (``impact_reading``) numbers documents as whoosh does in a fresh build;
this store keeps, under the same numbers, what a hit shows: the id, title,
date, source and URL in one table, and the subtitle and text (for snippets)
in another, so a search without snippets never reads the text.

The store describes the build only, like the fast path's arrays: after an
incremental update both are left behind and whoosh answers (``search``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from searchlib.models import Article

DOCUMENTS_NAME = "documents.sqlite"
_BATCH = 1_000


class DocumentStoreWriter:
    """Writes the store of a new generation, article by article."""

    def __init__(self, generation_dir: Path) -> None:
        self._database = sqlite3.connect(generation_dir / DOCUMENTS_NAME)
        self._database.executescript(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
            "CREATE TABLE shown (number INTEGER PRIMARY KEY, id TEXT, title TEXT,"
            " published TEXT, source TEXT, url TEXT);"
            "CREATE TABLE body (number INTEGER PRIMARY KEY, subtitle TEXT, text TEXT);"
        )
        self._shown: list[tuple[Any, ...]] = []
        self._body: list[tuple[Any, ...]] = []

    def add(self, number: int, article: Article) -> None:
        published = article.date.isoformat() if article.date else None
        self._shown.append(
            (number, article.id, article.title, published, article.source, article.url)
        )
        self._body.append((number, article.subtitle, article.text))
        if len(self._shown) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        self._database.executemany("INSERT INTO shown VALUES (?, ?, ?, ?, ?, ?)", self._shown)
        self._database.executemany("INSERT INTO body VALUES (?, ?, ?)", self._body)
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
        self._database.execute("SELECT count(*) FROM shown").fetchone()

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

    def body(self, number: int) -> tuple[str, str]:
        """(subtitle, text) of a document."""
        row = self._database.execute(
            "SELECT subtitle, text FROM body WHERE number = ?", (number,)
        ).fetchone()
        if row is None:
            raise KeyError(number)
        return row[0] or "", row[1] or ""

    def close(self) -> None:
        self._database.close()
