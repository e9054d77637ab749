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
  nobody; ``writer_lock`` waits a bounded time and names the holder.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import shutil
import socket
import sqlite3
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage

from searchlib.errors import IncompatibleIndexError, IndexLockedError, IndexNotFoundError

MANIFEST_NAME = "searchlib.json"
LOCK_NAME = "write.lock"
FORMAT_NAME = "searchlib-index"
FORMAT_VERSION = 2
_GENERATION = re.compile(r"^gen-(\d{6})$")
_ANALYSIS_KEYS = {"stemmer", "stopwords", "stopword_list", "fold_accents", "tokenizer"}


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
    if not isinstance(generation, str) or not _GENERATION.match(generation):
        raise IncompatibleIndexError(f"index manifest {path} names no generation; rebuild it")
    analysis = manifest.get("analysis")
    if not isinstance(analysis, dict) or not analysis.keys() >= _ANALYSIS_KEYS:
        raise IncompatibleIndexError(
            f"index manifest {path} has no complete analysis settings; rebuild it with "
            f"'searchlib index --index {index_dir}'"
        )
    return manifest


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
        if (match := _GENERATION.match(child.name))
    ]
    return f"gen-{max(numbers, default=0) + 1:06d}"


def remove_stale_generations(index_dir: Path, keep: str) -> None:
    """Delete generation folders other than ``keep`` (left by a finished
    rebuild, or by a build that crashed before switching)."""
    for child in index_dir.iterdir():
        if _GENERATION.match(child.name) and child.name != keep:
            shutil.rmtree(child, ignore_errors=True)


def fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class _SyncOnClose:
    """A file object that reaches the disk before it reports closed."""

    def __init__(self, file: Any) -> None:
        self._file = file

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


STEMS_NAME = "stems.sqlite"


def write_stem_table(generation_dir: Path, stems: dict[str, str]) -> None:
    """Save word -> stem for the index's vocabulary: a query for words the
    corpus holds then never needs the stemmer (nor the import of nltk)."""
    database = sqlite3.connect(generation_dir / STEMS_NAME)
    database.execute("CREATE TABLE stems (word TEXT PRIMARY KEY, stem TEXT) WITHOUT ROWID")
    database.executemany("INSERT INTO stems VALUES (?, ?)", sorted(stems.items()))
    database.commit()
    database.close()


class StemTable(Mapping[str, str]):
    """The saved stems of an index, read on demand."""

    def __init__(self, generation_dir: Path) -> None:
        path = generation_dir / STEMS_NAME
        self._database = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

    def __getitem__(self, word: str) -> str:
        row = self._database.execute("SELECT stem FROM stems WHERE word = ?", (word,)).fetchone()
        if row is None:
            raise KeyError(word)
        return str(row[0])

    def __iter__(self) -> Iterator[str]:
        return (row[0] for row in self._database.execute("SELECT word FROM stems"))

    def __len__(self) -> int:
        return int(self._database.execute("SELECT count(*) FROM stems").fetchone()[0])

    def close(self) -> None:
        self._database.close()


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
