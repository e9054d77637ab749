"""The index directory on disk: layout, manifest, durable files, the writer lock.

whoosh keeps its own files and pickles its schema into them; this module
keeps whoosh's traps away from users:

* **layout** -- an index directory holds ``searchlib.json`` (the manifest)
  and one generation folder (``gen-000001/``...) with whoosh's files.  A
  rebuild writes a new generation beside the old one and switches the
  manifest with one atomic rename, so readers never see a half-built index
  and a crash leaves the previous one intact;
* **version and settings** -- the manifest is read and checked before whoosh
  unpickles anything, so an index from another version or with other
  analysis settings gives a clear message, never a pickle traceback;
* **durability** -- whoosh never calls fsync; files made through
  ``DurableFileStorage`` are flushed to disk when closed, before whoosh's
  table of contents (renamed into place last) points at them;
* **locks** -- whoosh's writer lock fails at once (timeout 0) and names
  nobody; ``writer_lock`` waits a bounded time and names the holder;
* **snapshots** -- whoosh opens some files of a segment only when they are
  first needed (stored fields, field lengths), so a reader could find them
  deleted by a later commit or rebuild; ``open_snapshot`` opens every file
  at once (an open file outlives its deletion), retrying if a writer removed
  one in between;
* **recovery** -- a writer killed at any moment leaves files no table of
  contents points at (half-written segments, whoosh's temporary folder,
  a half-built generation, a temporary manifest); ``clean_up`` removes them
  before the next write.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import gc
import json
import os
import shutil
import socket
import sqlite3
import time
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, EmptyIndexError, LockError, clean_files

from searchlib.errors import (
    IncompatibleIndexError,
    IndexLockedError,
    SearchlibError,
)
from searchlib.manifest import (
    FORMAT_NAME,
    FORMAT_VERSION,
    GENERATION_PATTERN,
    LOCK_NAME,
    MANIFEST_NAME,
    STEMS_NAME,
    WHOOSH_INDEX_NAME,
    StemTable,
    damaged,
    index_exists,
    manifest_path,
    read_manifest,
)

__all__ = [  # read without whoosh in ``manifest``; here for the writers
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MANIFEST_NAME",
    "STEMS_NAME",
    "WHOOSH_INDEX_NAME",
    "StemTable",
    "index_exists",
    "read_manifest",
]

OPEN_ATTEMPTS = 10
_OPEN_RETRY_SECONDS = 0.05


def write_manifest(index_dir: Path, manifest: dict[str, Any]) -> None:
    """Replace the manifest atomically and durably."""
    path = manifest_path(index_dir)
    temporary = path.with_name(f".{MANIFEST_NAME}.{os.getpid()}.tmp")
    with temporary.open("w", encoding="utf-8") as stream:
        json.dump(manifest, stream, indent=2, sort_keys=True)
        stream.write("\n")
        stream.flush()
        os.fsync(stream.fileno())
    temporary.replace(path)
    fsync_directory(index_dir)


def new_generation(index_dir: Path) -> str:
    """A generation folder name not used yet in ``index_dir``."""
    numbers = [
        int(match.group(1))
        for child in index_dir.iterdir()
        if (match := GENERATION_PATTERN.match(child.name))
    ]
    return f"gen-{max(numbers, default=0) + 1:06d}"


def remove_stale_generations(index_dir: Path, keep: str) -> None:
    """Delete generation folders other than ``keep`` (left by a finished
    rebuild, or by a build that crashed before switching)."""
    for child in index_dir.iterdir():
        if GENERATION_PATTERN.match(child.name) and child.name != keep:
            shutil.rmtree(child, ignore_errors=True)


def remove_temporary_files(folder: Path) -> None:
    """Remove whoosh's temporary folders from a generation folder once its
    segments are written (whoosh's writer would destroy its own)."""
    for child in folder.iterdir():
        if child.is_dir() and child.name.endswith(".tmp"):
            shutil.rmtree(child, ignore_errors=True)


def fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def fsync_tree(folder: Path) -> None:
    """Make every file under ``folder`` durable, and the folders' entries
    (files written without ``DurableFileStorage``, before a commit)."""
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file():
            with path.open("rb") as stream:
                os.fsync(stream.fileno())
        elif path.is_dir():
            fsync_directory(path)
    fsync_directory(folder)


class _SyncOnClose:
    """A file object that reaches the disk before it reports closed."""

    def __init__(self, file: Any) -> None:
        self._file = file
        # whoosh calls these once a posting or more: bound here, not looked up.
        self.write = file.write
        self.tell = file.tell
        self.seek = file.seek

    def close(self) -> None:
        if not self._file.closed:
            self._file.flush()
            os.fsync(self._file.fileno())
        self._file.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


class DurableFileStorage(FileStorage):  # type: ignore[misc]
    """whoosh's file storage, with every written file fsynced on close and
    renames made durable."""

    def create_file(self, name: str, excl: bool = False, mode: str = "wb", **kwargs: Any) -> Any:
        structfile = super().create_file(name, excl=excl, mode=mode, **kwargs)
        structfile.file = _SyncOnClose(structfile.file)
        return structfile

    def rename_file(self, oldname: str, newname: str, safe: bool = False) -> None:
        super().rename_file(oldname, newname, safe=safe)
        fsync_directory(Path(self.folder))


def write_stem_table(generation_dir: Path, stems: Iterable[tuple[str, str]]) -> None:
    """Save word -> stem for the index's vocabulary: a query for words the
    corpus holds then never needs the stemmer (nor the import of nltk).
    A word given more than once is saved once."""
    database = sqlite3.connect(generation_dir / STEMS_NAME)
    database.execute("CREATE TABLE stems (word TEXT PRIMARY KEY, stem TEXT) WITHOUT ROWID")
    database.executemany("INSERT OR IGNORE INTO stems VALUES (?, ?)", stems)
    database.commit()
    database.close()


@contextlib.contextmanager
def writer_lock(index_dir: Path, timeout: float) -> Iterator[None]:
    """Hold the index's writer lock, waiting at most ``timeout`` seconds.

    An OS lock (flock): it is released when its holder dies, so a killed
    writer never leaves a stale lock behind.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / LOCK_NAME
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    holder = path.read_text(encoding="utf-8", errors="replace").strip()
                    raise IndexLockedError(
                        f"index {index_dir} is being written by {holder or 'another process'}; "
                        f"waited {timeout:g} s (raise --lock-timeout, or try again when it ends)"
                    ) from None
                time.sleep(0.05)
        os.ftruncate(descriptor, 0)
        os.write(descriptor, f"process {os.getpid()} on {socket.gethostname()}".encode())
        yield
    finally:
        os.close(descriptor)


# -- opening -------------------------------------------------------------------


def open_engine(index_dir: Path, generation: str, *, writable: bool = False) -> Any:
    """whoosh's index in a generation folder; a damaged or foreign one gives
    ``IncompatibleIndexError``.  Writable engines write durably."""
    try:
        return _open_engine(index_dir, generation, writable)
    except (EmptyIndexError, FileNotFoundError):
        raise damaged(index_dir, f"it is missing its files ({generation})") from None
    except _DamagedFiles as error:
        raise damaged(index_dir, str(error)) from None


def open_writer(index_dir: Path, engine: Any, memory_mb: int) -> Any:
    """A whoosh writer on an engine opened ``writable``; hold ``writer_lock``.

    Non-compound segments, for the new segment and for those whoosh merges
    into it (whoosh reads a compound file wholly into memory); one process
    (whoosh's multiprocessing writer is unreliable).  whoosh's own lock is
    only held by a program other than searchlib while ours is ours.
    """
    try:
        return engine.writer(limitmb=memory_mb, compound=False, procs=1)
    except LockError:
        raise IndexLockedError(
            f"index {index_dir} is locked by another program than searchlib "
            f"({WHOOSH_INDEX_NAME}_WRITELOCK); try again when it ends"
        ) from None


def _open_engine(index_dir: Path, generation: str, writable: bool) -> Any:
    folder = str(index_dir / generation)
    storage = DurableFileStorage(folder) if writable else FileStorage(folder, readonly=True)
    return _quietly(storage.open_index)


@contextlib.contextmanager
def reading_files(index_dir: Path) -> Iterator[None]:
    """Around whoosh reading an open index: a file damaged where opening it
    did not look gives a clear error instead of whoosh's traceback."""
    try:
        yield
    except (SearchlibError, RecursionError):  # a query too deep is not damage
        raise
    except Exception as error:  # whoosh raises many kinds on damaged files
        raise damaged(index_dir, f"reading it failed ({error!r:.80})") from error


class _DamagedFiles(Exception):
    """whoosh failed on a file that is there: not a race with a writer."""


def _quietly(function: Any, *args: Any) -> Any:
    """Call whoosh, turning its errors on damaged files into ``_DamagedFiles``
    (a missing file stays ``FileNotFoundError``: a writer may have removed it).

    whoosh leaves open the file it failed on; the warning filter keeps the
    user from meeting a ResourceWarning when it is collected.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            return function(*args)
        except (EmptyIndexError, FileNotFoundError):
            gc.collect()
            raise
        except Exception as error:  # whoosh raises many kinds on damaged files
            failure = f"damaged or from an incompatible version ({error!r:.80})"
        gc.collect()
    raise _DamagedFiles(failure)


@dataclass
class Snapshot:
    """One committed state of an index, with every file it needs open."""

    manifest: dict[str, Any]
    engine: Any  # whoosh's FileIndex
    reader: Any  # whoosh's IndexReader

    def is_latest(self, index_dir: Path) -> bool:
        """Whether nothing was committed since this snapshot was opened."""
        try:
            manifest = read_manifest(index_dir)
        except IncompatibleIndexError:
            return False
        return bool(
            manifest["generation"] == self.manifest["generation"]
            and self.engine.latest_generation() == self.reader.generation()
        )

    def close(self) -> None:
        self.reader.close()


def open_snapshot(index_dir: Path) -> Snapshot:
    """The latest committed state of the index at ``index_dir``.

    A writer may delete files between our reading the manifest or whoosh's
    table of contents and our opening them (a commit that merged segments, a
    rebuild that switched generations): then the manifest or the table of
    contents has changed, and we read them again.  A file missing from an
    index nobody changed means a damaged index.
    """
    for attempt in range(OPEN_ATTEMPTS):
        manifest = read_manifest(index_dir)
        generation = manifest["generation"]
        toc_generation = _latest_toc(index_dir / generation)
        try:
            engine = _open_engine(index_dir, generation, False)
            reader = _quietly(engine.reader)
            try:
                _quietly(_open_lazy_files, reader)
            except BaseException:
                reader.close()
                raise
            return Snapshot(manifest, engine, reader)
        except (EmptyIndexError, FileNotFoundError) as error:
            if not _changed_since(index_dir, generation, toc_generation):
                raise damaged(index_dir, f"a file is missing ({error})") from None
        except _DamagedFiles as error:
            raise damaged(index_dir, str(error)) from None
        time.sleep(_OPEN_RETRY_SECONDS * (attempt + 1))
    raise IncompatibleIndexError(
        f"index at {index_dir} changed {OPEN_ATTEMPTS} times while being opened; try again"
    )


def _latest_toc(folder: Path) -> int:
    return int(TOC._latest_generation(FileStorage(str(folder)), WHOOSH_INDEX_NAME))


def _changed_since(index_dir: Path, generation: str, toc_generation: int) -> bool:
    """Whether a writer committed since we read ``generation``/``toc_generation``."""
    return bool(
        read_manifest(index_dir)["generation"] != generation
        or _latest_toc(index_dir / generation) != toc_generation
    )


def _open_lazy_files(reader: Any) -> None:
    """Open now the files whoosh opens on first use: stored fields and the
    field-length columns BM25 reads, checking that those are whole."""
    for leaf, _base in reader.leaf_readers():
        if leaf.doc_count_all() == 0:
            continue
        leaf.stored_fields(0)
        for name, field in leaf.schema.items():
            if field.scorable and leaf.field_length(name) > 0:
                # Reads the whole column; whoosh would read it at the first search.
                leaf.min_field_length(name)


# -- recovery --------------------------------------------------------------------


def clean_up(index_dir: Path, keep: str) -> None:
    """Remove what killed writers left behind.  Call with the writer lock held.

    Keeps the generation ``keep`` and, in it, the files whoosh's latest
    table of contents refers to; removes other generation folders (a build
    that never switched), temporary manifests, whoosh's temporary folder,
    half-written tables of contents and segment files nothing refers to.
    """
    for child in index_dir.iterdir():
        if child.name.startswith(f".{MANIFEST_NAME}.") and child.name.endswith(".tmp"):
            child.unlink(missing_ok=True)
    remove_stale_generations(index_dir, keep)
    folder = index_dir / keep
    if not folder.is_dir():
        return
    toc_pattern = TOC._pattern(WHOOSH_INDEX_NAME)
    for child in folder.iterdir():
        if child.is_dir() and child.name.endswith(".tmp"):
            shutil.rmtree(child, ignore_errors=True)
        elif ".toc." in child.name and not toc_pattern.match(child.name):
            child.unlink(missing_ok=True)  # a table of contents never renamed into place
    storage = DurableFileStorage(str(folder))
    try:
        toc = _quietly(TOC.read, storage, WHOOSH_INDEX_NAME)
    except (EmptyIndexError, FileNotFoundError):
        raise damaged(index_dir, f"it is missing its files ({keep})") from None
    except _DamagedFiles as error:
        raise damaged(index_dir, str(error)) from None
    clean_files(storage, WHOOSH_INDEX_NAME, toc.generation, toc.segments)
