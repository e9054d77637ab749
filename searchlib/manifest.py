"""What an index directory says about itself, read without whoosh.

An index directory holds ``searchlib.json`` (the manifest: format version,
analysis settings, which generation folder is current) and that generation
folder (``gen-000001/``...), with whoosh's files, the fast path's arrays
(``impact``), the document store and the saved stems.  This module reads
the manifest and the saved stems, and tells which commit of whoosh's files
is the latest, all without importing whoosh: a search answered by the fast
path never pays for that import.  Writing is ``storage``'s job.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from searchlib.errors import IncompatibleIndexError, IndexNotFoundError

MANIFEST_NAME = "searchlib.json"
LOCK_NAME = "write.lock"
FORMAT_NAME = "searchlib-index"
FORMAT_VERSION = 3
GENERATION_PATTERN = re.compile(r"^gen-(\d{6})$")
_ANALYSIS_KEYS = {"stemmer", "stopwords", "stopword_list", "fold_accents", "tokenizer"}
WHOOSH_INDEX_NAME = "MAIN"
"""whoosh's name for the index inside a generation folder (its default)."""
_WHOOSH_TOC = re.compile(rf"^_{WHOOSH_INDEX_NAME}_(\d+)\.toc$")
STEMS_NAME = "stems.sqlite"
SYNONYM_CACHE_DIR = "synonym-cache"
"""Beside the generations: the synonym list analysed with the index's settings."""
DEFAULT_LOCK_TIMEOUT = 30.0
"""Seconds a writer waits for another to finish."""
DEFAULT_MEMORY_MB = 128
"""whoosh's pool in an incremental update."""
BUILD_MEMORY_MB = 400
"""What a build may hold in memory, its worker process included."""
_IN_BATCH = 500
"""Values one ``IN (...)`` look-up binds at most (SQLite bounds a
statement's parameters)."""


def manifest_path(index_dir: Path) -> Path:
    return index_dir / MANIFEST_NAME


def index_exists(index_dir: str | Path) -> bool:
    """Whether ``index_dir`` holds a searchlib index."""
    return manifest_path(Path(index_dir)).is_file()


def read_manifest(index_dir: Path) -> dict[str, Any]:
    """The manifest of an index, checked for format and version."""
    path = manifest_path(index_dir)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexNotFoundError(
            f"no index at {index_dir}: build one with 'searchlib index --corpus PATH "
            f"--index {index_dir}'"
        ) from None
    except (OSError, ValueError) as error:
        raise IncompatibleIndexError(
            f"index manifest {path} is unreadable ({error}); rebuild the index with "
            f"'searchlib index --index {index_dir}'"
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise IncompatibleIndexError(
            f"{index_dir} is not a searchlib index; point --index at another folder"
        )
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IncompatibleIndexError(
            f"index at {index_dir} has format version {manifest.get('format_version')} "
            f"(written by searchlib {manifest.get('searchlib_version', '?')}); this searchlib "
            f"reads version {FORMAT_VERSION}: rebuild it with 'searchlib index --index {index_dir}'"
        )
    generation = manifest.get("generation")
    if not isinstance(generation, str) or not GENERATION_PATTERN.match(generation):
        raise IncompatibleIndexError(f"index manifest {path} names no generation; rebuild it")
    analysis = manifest.get("analysis")
    if not isinstance(analysis, dict) or not analysis.keys() >= _ANALYSIS_KEYS:
        raise IncompatibleIndexError(
            f"index at {index_dir} does not record its analysis settings as this searchlib "
            f"expects ({path}); rebuild it with 'searchlib index --index {index_dir}'"
        )
    return manifest


def latest_engine_generation(generation_dir: Path) -> int:
    """The number of whoosh's latest commit in a generation folder (-1 if
    none): each commit writes a new table of contents, ``_MAIN_<n>.toc``."""
    try:
        names = [entry.name for entry in generation_dir.iterdir()]
    except FileNotFoundError:
        return -1
    numbers = [int(match.group(1)) for name in names if (match := _WHOOSH_TOC.match(name))]
    return max(numbers, default=-1)


def damaged(index_dir: Path, problem: str) -> IncompatibleIndexError:
    """The error for an index whoosh cannot read, saying what to do."""
    return IncompatibleIndexError(
        f"index at {index_dir} cannot be read: {problem}; "
        f"rebuild it with 'searchlib index --index {index_dir}'"
    )


def select_in(
    database: sqlite3.Connection, select: str, values: Sequence[Any], before: Sequence[Any] = ()
) -> Iterator[Any]:
    """The rows of ``select``, a statement ending in ``IN``, for ``values``
    (bound after ``before``): one statement for a few hundred values."""
    for first in range(0, len(values), _IN_BATCH):
        batch = values[first : first + _IN_BATCH]
        yield from database.execute(f"{select} ({','.join('?' * len(batch))})", [*before, *batch])


class StemTable(Mapping[str, str]):
    """The saved stems of an index (word -> stem for its vocabulary), read
    on demand: a query for words the corpus holds never needs the stemmer."""

    def __init__(self, generation_dir: Path) -> None:
        path = generation_dir / STEMS_NAME
        # Written once with its generation, never changed: immutable=1 spares
        # each lookup SQLite's file locking (most of its cost).
        self._database = sqlite3.connect(
            f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )

    def __getitem__(self, word: str) -> str:
        row = self._database.execute("SELECT stem FROM stems WHERE word = ?", (word,)).fetchone()
        if row is None:
            raise KeyError(word)
        return str(row[0])

    def get_many(self, words: Sequence[str]) -> dict[str, str]:
        """The saved stems of those of ``words`` the table holds, in one
        statement for a query's words."""
        return dict(select_in(self._database, "SELECT word, stem FROM stems WHERE word IN", words))

    def __iter__(self) -> Iterator[str]:
        return (row[0] for row in self._database.execute("SELECT word FROM stems"))

    def __len__(self) -> int:
        return int(self._database.execute("SELECT count(*) FROM stems").fetchone()[0])

    def close(self) -> None:
        self._database.close()
