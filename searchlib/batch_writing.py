"""Articles -> batches -> whoosh segments and fast-path runs, written in this
process or in worker processes, within a memory budget.

A build hands its articles, in order, to a ``BatchWriter``.  Articles are
gathered into batches of a bounded size of text; each batch is analysed and
written as one whoosh segment (``segment_writing``) and one run of the fast
path's postings (``impact_writing``) and term vectors (``term_vectors``).
Memory so depends on the batch size, which the budget sets, not on the
corpus size.

A corpus that fits in one batch is written in this process.  A larger one
is shared between this process and a worker process (with two writers, the
default on two cores or more): a batch goes to the worker when it is free,
else this process writes it.  Each batch is one segment and whoosh pays per
term and segment, so batches are as large as the budget allows, about two
per writer when the corpus's size is known in advance.  whoosh's own
multiprocessing writer is not used (it is unreliable).  Batches are
numbered as they are formed, and their segments are listed in that order,
so document numbers are those of the articles as given.  A worker is a
fresh interpreter (no copy of the parent's memory, no re-import of the
caller's script), analyses with the same settings, and dies with its
parent, so a killed build leaves no writer behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import itertools
import os
import pickle
import queue
import shutil
import signal
import subprocess
import sys
import threading
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from searchlib.analysis import AnalysisSettings, Analyzer
from searchlib.impact_writing import RUNS_DIR, write_run
from searchlib.models import Article
from searchlib.schema import analyse_article, article_fields
from searchlib.segment_writing import SegmentBuilder
from searchlib.storage import DurableFileStorage
from searchlib.term_vectors import VECTOR_RUNS_DIR, VectorRunWriter

WORKER_MB = 60
"""What a worker process holds before any batch: Python, whoosh, numpy and
the stemmer (nltk without scipy, see ``_WORKER_MAIN``)."""
PARENT_MB = 40
"""What a build adds to its own process besides its batches and caches."""
CACHE_MB = 32
"""What each writer's word and stem caches hold when full (see
``STEM_CACHE_LIMIT``; the analyzer's word cache has the same bound):
measured on news text, 100,000 stems and 41,000 words took 25 MB."""
MEMORY_PER_TEXT_BYTE = 14
"""Memory a batch takes per character of its articles' text while it is
written (the articles, their terms and postings; measured on news text)."""
MIN_BATCH_BYTES = 1 << 20
"""whoosh pays per term and segment: smaller batches cost more than they save."""
SHARES_LEFT = 2
"""A batch of a corpus of known size is 1 / (SHARES_LEFT x writers) of what is left."""
SMALL_BATCH_BYTES = 2 << 20
"""The first batches' size when the corpus's size is unknown; later ones grow
to a quarter of the text so far."""
MAX_BATCH_DOCUMENTS = 50_000
STEM_RUNS_DIR = "stem-runs"
STEM_CACHE_LIMIT = 100_000
"""Words whose stems a writer keeps in memory (about 15 MB); the stems
are saved with each batch, so the cache may be emptied between batches."""


def _spare_bytes(memory_mb: int, writers: int) -> int:
    """What the budget leaves for the batches of ``writers`` writers (this
    process and ``writers - 1`` workers) together."""
    fixed = PARENT_MB + WORKER_MB * (writers - 1) + CACHE_MB * writers
    return (memory_mb - fixed) * (1 << 20)


def batch_bytes(memory_mb: int, workers: int) -> int:
    """The text a batch may hold so that a build (this process and its
    workers) stays within ``memory_mb``."""
    spare = _spare_bytes(memory_mb, max(workers, 1)) // max(workers, 1)
    return max(MIN_BATCH_BYTES, spare // MEMORY_PER_TEXT_BYTE)


def affordable_writers(memory_mb: int, wanted: int) -> int:
    """As many writers as the budget leaves room for, up to ``wanted``."""
    writers = max(1, wanted)
    while writers > 1:
        if _spare_bytes(memory_mb, writers) >= writers * MIN_BATCH_BYTES * MEMORY_PER_TEXT_BYTE:
            break
        writers -= 1
    return writers


def default_workers() -> int:
    return min(2, os.cpu_count() or 1)


@dataclass(frozen=True)
class BatchResult:
    """One written batch: its number, its segment and its size."""

    number: int
    segment: Any  # whoosh's Segment
    count: int


_Job = tuple[int, int, list[Article]]
"""A batch to write: its number, its first document's number, its articles."""


class _BatchContext:
    """What writing a batch needs in one process; the analyzer lives across batches."""

    def __init__(self, generation_dir: Path, analyzer: Analyzer) -> None:
        self.generation_dir = generation_dir
        self.analyzer = analyzer
        self.storage = DurableFileStorage(str(generation_dir))
        self.schema = self.storage.open_index().schema
        self._stems_given = 0

    def write(self, number: int, base: int, articles: Iterable[Article]) -> BatchResult:
        builder = SegmentBuilder(self.storage, self.schema)
        vectors = VectorRunWriter()
        for article in articles:
            analysed = analyse_article(article, self.analyzer)
            builder.add(article_fields(article, analysed))
            vectors.add(
                {"content": analysed.content, "title": analysed.title}, analysed.body_starts
            )
        postings = builder.finish()
        write_run(self.generation_dir / RUNS_DIR, number, base, postings)
        vectors.write(self.generation_dir / VECTOR_RUNS_DIR, number)
        self._save_stems(number)
        return BatchResult(number, builder.segment, builder.count)

    def _save_stems(self, number: int) -> None:
        """Save the stems first met in this batch, and empty the stem cache
        when it is large: the vocabulary of a corpus has no bound."""
        cache = self.analyzer.stem_filter.cache
        stems = list(itertools.islice(cache.items(), self._stems_given, None))
        folder = self.generation_dir / STEM_RUNS_DIR
        folder.mkdir(exist_ok=True)
        (folder / f"{number:06d}.pickle").write_bytes(
            pickle.dumps(stems, protocol=pickle.HIGHEST_PROTOCOL)
        )
        if len(cache) >= STEM_CACHE_LIMIT:
            cache.clear()
        self._stems_given = len(cache)


def _return_free_heap() -> None:
    """Give the C heap's free pages back to the system (glibc only): the
    batches' memory, freed, otherwise stays in this process's resident set
    while the final stages of a build run."""
    try:
        libc = ctypes.CDLL(None)
        trim = libc.malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc
        return
    trim(0)


class _Worker:
    """A worker process (a fresh ``python`` running ``_serve``) and its pipes.

    A fresh interpreter rather than ``multiprocessing``: it never re-imports
    the caller's main script, and nothing of the parent's memory is copied.
    Jobs and results are pickled over two pipes of its own, so nothing a
    library prints can disturb them.
    """

    def __init__(self, generation_dir: Path, settings: AnalysisSettings) -> None:
        jobs_read, jobs_write = os.pipe()
        results_read, results_write = os.pipe()
        package_parent = str(Path(__file__).resolve().parent.parent)
        environment = dict(os.environ)
        environment["PYTHONPATH"] = os.pathsep.join(
            [package_parent, *filter(None, [environment.get("PYTHONPATH")])]
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", _WORKER_MAIN, str(jobs_read), str(results_write)],
            pass_fds=(jobs_read, results_write),
            env=environment,
            stdin=subprocess.DEVNULL,
        )
        os.close(jobs_read)
        os.close(results_write)
        self._jobs = os.fdopen(jobs_write, "wb")
        self._results = os.fdopen(results_read, "rb")
        self.busy = False
        self.failure: BaseException | None = None
        self._send((generation_dir, settings, os.getpid()))

    def _send(self, message: object) -> None:
        pickle.dump(message, self._jobs, protocol=pickle.HIGHEST_PROTOCOL)
        self._jobs.flush()

    def submit(self, number: int, base: int, articles: list[Article]) -> None:
        self._send((number, base, [_wire_article(article) for article in articles]))
        self.busy = True

    def result(self) -> BatchResult:
        try:
            outcome, value = pickle.load(self._results)
        except EOFError:
            code = self.process.wait()
            raise RuntimeError(f"a build worker ended unexpectedly (exit status {code})") from None
        self.busy = False
        if outcome == "error":
            raise value
        return value  # type: ignore[no-any-return]

    def feed(self, jobs: queue.Queue[_Job | None], results: list[BatchResult]) -> None:
        """Write the jobs of ``jobs`` until a None, in a thread of the parent:
        the worker never waits for this process to hand it the next batch."""
        try:
            while (job := jobs.get()) is not None:
                self.submit(*job)
                del job  # the worker has the articles now; this process need not keep them
                results.append(self.result())
        except BaseException as error:  # raised again by the build's thread
            self.failure = error

    def stop(self) -> None:
        """End the worker: at once if it is still working."""
        if self.busy:
            self.process.kill()
        for stream in (self._jobs, self._results):
            with contextlib.suppress(OSError):
                stream.close()
        self.process.wait()


def _serve(jobs_descriptor: int, results_descriptor: int) -> None:
    """A worker's loop: write the batches the parent sends until it closes the pipe."""
    with os.fdopen(jobs_descriptor, "rb") as jobs, os.fdopen(results_descriptor, "wb") as results:
        generation_dir, settings, parent = pickle.load(jobs)
        if sys.platform.startswith("linux"):
            pr_set_pdeathsig = 1
            ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before the line above
            return
        context = _BatchContext(generation_dir, Analyzer(settings))
        while True:
            try:
                number, base, wired = pickle.load(jobs)
            except EOFError:
                return
            try:
                articles = [_unwire_article(fields) for fields in wired]
                message: tuple[str, object] = ("ok", context.write(number, base, articles))
            except Exception as error:  # given to the parent, which raises it
                message = ("error", _picklable(error))
            pickle.dump(message, results, protocol=pickle.HIGHEST_PROTOCOL)
            results.flush()


_ARTICLE_FIELDS = tuple(field.name for field in dataclasses.fields(Article))


def _wire_article(article: Article) -> tuple[object, ...]:
    """An article's fields as a worker is sent them, text as UTF-8 bytes.

    Pickling a string makes Python keep a UTF-8 copy inside it for as long
    as it lives: the caller's articles, when held in a list, would each grow
    by their size in UTF-8 (those that are not ASCII), about 130 MB for the
    million articles of the benchmarks.  Encoded here, the copies are this
    batch's, and go with it.  Lone surrogates pass, as pickle lets them."""
    return tuple(
        value.encode("utf-8", "surrogatepass") if isinstance(value, str) else value
        for value in (getattr(article, name) for name in _ARTICLE_FIELDS)
    )


def _unwire_article(fields: tuple[Any, ...]) -> Article:
    values: list[Any] = [
        value.decode("utf-8", "surrogatepass") if isinstance(value, bytes) else value
        for value in fields
    ]
    return Article(*values)


def _picklable(error: Exception) -> Exception:
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError("".join(traceback.format_exception(error)))
    return error


class BatchWriter:
    """Articles added in order -> written batches, in order.

    With ``workers`` above one, ``workers - 1`` worker processes write
    batches and this process writes one itself whenever they are all busy,
    then hands the next to the first that is free.
    """

    def __init__(
        self,
        generation_dir: Path,
        analyzer: Analyzer,
        *,
        memory_mb: int,
        workers: int,
        expected_bytes: int | None = None,
    ) -> None:
        self._generation_dir = generation_dir
        self._analyzer = analyzer
        self._workers = affordable_writers(memory_mb, workers)
        self._largest = batch_bytes(memory_mb, self._workers)
        self._expected = expected_bytes if self._workers > 1 else None
        # Batch after batch in one process: the fewer the better.
        self._smallest = self._largest if self._workers == 1 else SMALL_BATCH_BYTES
        self._seen_bytes = 0
        self._limit = self._next_limit()
        self._pending: list[Article] = []
        self._pending_bytes = 0
        self._base = 0
        self._batches = 0
        self._local: _BatchContext | None = None
        self._pool: list[_Worker] = []
        self._feeders: list[threading.Thread] = []
        self._queue: queue.Queue[_Job | None] = queue.Queue(maxsize=max(1, self._workers - 1))
        self.results: list[BatchResult] = []

    def add(self, article: Article) -> None:
        self._pending.append(article)
        size = text_size(article)
        self._pending_bytes += size
        self._seen_bytes += size
        if self._pending_bytes >= self._limit or len(self._pending) >= MAX_BATCH_DOCUMENTS:
            self._dispatch(last=False)

    def finish(self) -> list[BatchResult]:
        """Write what is left and wait for every batch; the results in order."""
        if self._pending:
            self._dispatch(last=True)
        for _ in self._feeders:
            while True:  # a feeder whose worker failed takes nothing more
                try:
                    self._queue.put(None, timeout=0.1)
                    break
                except queue.Full:
                    self._raise_failures()
        for feeder in self._feeders:
            feeder.join()
        self._raise_failures()
        self._stop_workers()
        self._local = None
        self._analyzer.forget_words()
        _return_free_heap()
        self.results.sort(key=lambda result: result.number)
        return self.results

    def cancel(self) -> None:
        """Stop at once: batches not started are dropped, running ones end."""
        self._stop_workers()

    def _dispatch(self, *, last: bool) -> None:
        articles, base, number = self._pending, self._base, self._batches
        self._pending, self._pending_bytes = [], 0
        self._base += len(articles)
        self._batches += 1
        self._limit = self._next_limit()
        if not self._pool and self._workers > 1 and not (last and number == 0):
            self._start_workers()
        self._raise_failures()
        if self._pool:
            try:  # a worker is free, or will be next: it takes the batch
                self._queue.put_nowait((number, base, articles))
                return
            except queue.Full:
                pass
        if self._local is None:
            self._local = _BatchContext(self._generation_dir, self._analyzer)
        # Copies, as a worker has: whoosh pickles the stored text, and the
        # copies, not the caller's strings, keep the UTF-8 (``_wire_article``).
        copies = [_unwire_article(_wire_article(article)) for article in articles]
        self.results.append(self._local.write(number, base, copies))

    def _next_limit(self) -> int:
        """The next batch's size.

        Of a corpus of known size, a share of what is left, so that batches
        shrink towards the end and the processes finish together; of one of
        unknown size, small batches first, so that the processes soon all
        have work, then larger ones.  Within the budget either way.
        """
        if self._expected is not None:
            left = self._expected - self._seen_bytes
            wanted = max(MIN_BATCH_BYTES, left // (SHARES_LEFT * self._workers))
        else:
            wanted = max(self._smallest, self._seen_bytes // 4)
        return min(self._largest, wanted)

    def _start_workers(self) -> None:
        settings = self._analyzer.settings
        self._pool = [_Worker(self._generation_dir, settings) for _ in range(self._workers - 1)]
        self._feeders = [
            threading.Thread(target=worker.feed, args=(self._queue, self.results), daemon=True)
            for worker in self._pool
        ]
        for feeder in self._feeders:
            feeder.start()

    def _raise_failures(self) -> None:
        for worker in self._pool:
            if worker.failure is not None:
                raise worker.failure

    def _stop_workers(self) -> None:
        with contextlib.suppress(queue.Empty):
            while True:  # batches no worker took
                self._queue.get_nowait()
        for worker in self._pool:
            worker.stop()
        for _ in self._feeders:
            self._queue.put(None)  # room for one a feeder: the queue was emptied
        for feeder in self._feeders:
            feeder.join()
        self._pool, self._feeders = [], []


def saved_stems(generation_dir: Path) -> Iterator[tuple[str, str]]:
    """Every (word, stem) the batches of a build saved, a batch at a time
    (a word may come more than once, always with the same stem)."""
    for path in sorted((generation_dir / STEM_RUNS_DIR).glob("*.pickle")):
        stems: list[tuple[str, str]] = pickle.loads(path.read_bytes())
        yield from stems


def remove_stem_runs(generation_dir: Path) -> None:
    shutil.rmtree(generation_dir / STEM_RUNS_DIR, ignore_errors=True)


def text_size(article: Article) -> int:
    """The characters of an article's text fields: what a batch is measured in."""
    return len(article.title) + len(article.subtitle) + len(article.text)


_WORKER_MAIN = (
    # nltk's package imports scipy (about 70 MB) for statistics a stemmer
    # never uses, and does without it when it is missing: a worker does.
    "import sys; sys.modules['scipy'] = None; "
    "import searchlib.batch_writing as b; b._serve(*map(int, sys.argv[1:]))"
)
