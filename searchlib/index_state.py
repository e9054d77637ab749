"""What an open index reads from: one committed state and its files.

A state is one generation folder at one whoosh commit.  Its files:

* the saved analysis settings (manifest) and stems (``stems.sqlite``);
* the fast path's arrays (``impact_reading``) and the document store
  (``document_store``), when they describe this commit -- they are written
  by a build; an incremental update leaves them behind, and whoosh answers
  until the next build;
* whoosh's files (``storage.Snapshot``), opened at once (every file open,
  so that a later commit or rebuild cannot take one away), or -- for a
  *lazy* state with current fast-path files -- only when a query needs them
  (phrases, fields, boolean operators, dates, the reference path).  Opening
  whoosh costs a fresh process more than the whole search, so the command
  line opens lazily.  If the index changed before whoosh's files were
  opened, ``StateMoved`` says so and the index moves to the latest state.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from searchlib.analysis import Analyzer
from searchlib.document_store import DocumentStore
from searchlib.errors import IndexProblem
from searchlib.impact_reading import DamagedArraysError, ImpactIndex
from searchlib.manifest import (
    STEMS_NAME,
    StemTable,
    damaged,
    latest_engine_generation,
    read_manifest,
)
from searchlib.saved_settings import saved_analyzer

OPEN_ATTEMPTS = 10
_RETRY_SECONDS = 0.05


class StateMoved(Exception):
    """A lazy state found the index changed when it opened whoosh's files."""


@dataclass
class FastFiles:
    """The fast path's arrays and document store of one generation."""

    impact: ImpactIndex
    documents: DocumentStore

    def close(self) -> None:
        self.impact.close()
        self.documents.close()


@dataclass
class IndexState:
    """One committed state of an index and the files open to read it."""

    path: Path
    manifest: dict[str, Any]
    engine_generation: int
    analyzer: Analyzer
    stems: StemTable | None
    fast: FastFiles | None
    snapshot: Any = None  # storage.Snapshot, when whoosh's files are open
    _searchers: dict[Any, Any] = field(default_factory=dict)

    @property
    def generation_dir(self) -> Path:
        return self.path / str(self.manifest["generation"])

    @property
    def document_count(self) -> int:
        if self.fast is not None:  # the fast files describe this very commit
            return self.fast.impact.document_count
        return int(self.engine().reader.doc_count())

    def is_latest(self) -> bool:
        """Whether nothing was committed since this state was opened."""
        try:
            manifest = read_manifest(self.path)
        except IndexProblem:
            return False
        return bool(
            manifest["generation"] == self.manifest["generation"]
            and latest_engine_generation(self.generation_dir) == self.engine_generation
        )

    def engine(self) -> Any:
        """whoosh's snapshot of this state, opened now if it was not.

        Raises ``StateMoved`` if the index changed since the state was
        opened (its commit is no longer there to read).
        """
        if self.snapshot is None:
            from searchlib.storage import open_snapshot

            snapshot = open_snapshot(self.path)
            if (
                snapshot.manifest["generation"] != self.manifest["generation"]
                or snapshot.reader.generation() != self.engine_generation
            ):
                snapshot.close()
                raise StateMoved
            self.snapshot = snapshot
        return self.snapshot

    def searcher(self, weighting: Any) -> Any:
        """A whoosh searcher over this state, one per weighting."""
        if weighting not in self._searchers:
            from whoosh.searching import Searcher

            engine = self.engine()
            self._searchers[weighting] = Searcher(
                engine.reader, weighting=weighting, fromindex=engine.engine, closereader=False
            )
        return self._searchers[weighting]

    def close(self) -> None:
        for searcher in self._searchers.values():
            searcher.close()
        self._searchers.clear()
        if self.fast is not None:
            self.fast.close()
        if self.stems is not None:
            self.stems.close()
        if self.snapshot is not None:
            self.snapshot.close()


def open_state(path: Path, lazy: bool) -> IndexState:
    """The latest committed state of the index at ``path``.

    Lazy: whoosh's files wait for a query that needs them, when the fast
    path's files describe the latest commit; otherwise they open now.
    """
    if lazy:
        for _attempt in range(OPEN_ATTEMPTS):
            manifest = read_manifest(path)
            generation_dir = path / manifest["generation"]
            engine_generation = latest_engine_generation(generation_dir)
            try:
                fast = _open_fast_files(path, generation_dir, engine_generation)
            except FileNotFoundError:
                if read_manifest(path)["generation"] == manifest["generation"]:
                    raise damaged(path, "a file of the fast path is missing") from None
                time.sleep(_RETRY_SECONDS)  # a rebuild switched generations meanwhile
                continue
            if fast is None:
                break  # updated since the build: whoosh answers
            return _state(path, manifest, engine_generation, fast, snapshot=None)
    from searchlib.storage import open_snapshot

    snapshot = open_snapshot(path)
    try:
        generation_dir = path / snapshot.manifest["generation"]
        engine_generation = int(snapshot.reader.generation())
        fast = _open_fast_files(path, generation_dir, engine_generation)
        return _state(path, snapshot.manifest, engine_generation, fast, snapshot)
    except BaseException:
        snapshot.close()
        raise


def _state(
    path: Path,
    manifest: dict[str, Any],
    engine_generation: int,
    fast: FastFiles | None,
    snapshot: Any,
) -> IndexState:
    generation_dir = path / manifest["generation"]
    stems = StemTable(generation_dir) if (generation_dir / STEMS_NAME).is_file() else None
    try:
        analyzer = saved_analyzer(path, manifest, known_stems=stems)
    except BaseException:
        if stems is not None:
            stems.close()
        if fast is not None:
            fast.close()
        raise
    return IndexState(path, manifest, engine_generation, analyzer, stems, fast, snapshot)


def _open_fast_files(path: Path, generation_dir: Path, engine_generation: int) -> FastFiles | None:
    """The fast path's files, when they describe whoosh's commit
    ``engine_generation`` (an update since the build leaves them behind)."""
    if not ImpactIndex.exists(generation_dir):
        if not generation_dir.is_dir():
            raise FileNotFoundError(generation_dir)
        return None
    with reading_fast_files(path, opening=True):
        impact = ImpactIndex(generation_dir)
        if impact.engine_generation != engine_generation:
            impact.close()
            return None
        try:
            documents = DocumentStore(generation_dir)
        except BaseException:
            impact.close()
            raise
    return FastFiles(impact, documents)


_DAMAGE_WHILE_READING = (sqlite3.DatabaseError, DamagedArraysError)
"""What a damaged file of the fast path raises when it is read."""
_DAMAGE_WHILE_OPENING = (
    *_DAMAGE_WHILE_READING,
    OSError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
)
"""... and when it is opened: a truncated array, a garbled meta.json."""


@contextlib.contextmanager
def reading_fast_files(path: Path, *, opening: bool = False) -> Iterator[None]:
    """Around opening (or reading, during a search) the fast path's files:
    damage gives a clear error.  A missing file stays ``FileNotFoundError``
    (a rebuild may have removed it)."""
    damage = _DAMAGE_WHILE_OPENING if opening else _DAMAGE_WHILE_READING
    try:
        yield
    except FileNotFoundError:
        raise
    except damage as error:
        raise damaged(path, f"a file of the fast path is damaged ({error!r:.80})") from None
