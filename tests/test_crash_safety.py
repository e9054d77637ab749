"""A writer killed at any moment: the index keeps its last commit and the
next run recovers on its own.

Each round changes the corpus (adds, changes and deletes articles), starts a
real ``searchlib index`` process (an update or a rebuild), kills it with
SIGKILL after a random delay, and checks that the index opens and answers
exactly as before the round or exactly as after it, never in between.  A
follow-up ``--update`` must then succeed, reach the new state and leave no
stray files.

The number of kills and the seed come from the environment, for long runs:

    SEARCHLIB_KILL_TEST_KILLS=300 SEARCHLIB_KILL_TEST_SEED=7 \\
        python -m pytest tests/test_crash_safety.py -s
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

import searchlib
from searchlib.cli import main_group
from searchlib.document_store import DOCUMENTS_NAME
from searchlib.impact_reading import IMPACT_DIR
from searchlib.manifest import SYNONYM_CACHE_DIR
from searchlib.storage import MANIFEST_NAME, STEMS_NAME, WHOOSH_INDEX_NAME
from searchlib.term_vectors import VECTORS_DIR

REPO = Path(__file__).resolve().parents[1]
KILLS = int(os.environ.get("SEARCHLIB_KILL_TEST_KILLS", "15"))
SEED = int(os.environ.get("SEARCHLIB_KILL_TEST_SEED", "5"))
CORPUS_SIZE = 250
WORDS = [
    *("talks", "corridor", "convoy", "border", "ceasefire", "minister", "parliament"),
    *("election", "pipeline", "exports", "harvest", "river", "capital", "airport"),
    *("refugees", "treaty", "summit", "envoy", "protest", "court"),
]


@dataclass
class Corpus:
    """The articles of the corpus file, as the test changes them."""

    path: Path
    random: random.Random
    articles: dict[str, str] = field(default_factory=dict)
    next_number: int = 0

    def article_text(self, number: int, extra: str = "") -> str:
        words = self.random.choices(WORDS, k=self.random.randint(40, 160))
        return f"newsroom uid{number} {extra} " + " ".join(words)

    def add(self, count: int, marker: str) -> None:
        for _ in range(count):
            self.articles[f"a{self.next_number}"] = self.article_text(self.next_number, marker)
            self.next_number += 1

    def save(self) -> None:
        temporary = self.path.with_suffix(".tmp")
        with temporary.open("w", encoding="utf-8") as stream:
            for article_id, text in self.articles.items():
                stream.write(json.dumps({"id": article_id, "title": article_id, "text": text}))
                stream.write("\n")
        temporary.replace(self.path)


@dataclass(frozen=True)
class Round:
    """What one round changes, and the document counts before and after."""

    number: int
    before: int
    after: int
    added: int
    deleted: tuple[str, ...]  # uid words of the deleted articles
    changed: int


def change_corpus(corpus: Corpus, number: int) -> Round:
    """Delete, change and add articles; the corpus stays near ``CORPUS_SIZE``
    so that every round's writer does about as much work."""
    before = len(corpus.articles)
    deletions = corpus.random.randint(0, 15) + max(0, before - CORPUS_SIZE)
    chosen = corpus.random.sample(sorted(corpus.articles), deletions + corpus.random.randint(0, 15))
    deleted, changed = chosen[:deletions], chosen[deletions:]
    for article_id in deleted:
        del corpus.articles[article_id]
    for article_id in changed:
        corpus.articles[article_id] = corpus.article_text(int(article_id[1:]), f"changed{number}x")
    added = corpus.random.randint(40, 160)
    corpus.add(added, f"mark{number}x")
    corpus.save()
    return Round(
        number,
        before,
        len(corpus.articles),
        added,
        tuple(f"uid{article_id[1:]}" for article_id in deleted),
        len(changed),
    )


def child_env() -> dict[str, str]:
    """The environment for a child process that imports this checkout."""
    return {**os.environ, "PYTHONPATH": str(REPO)}


def index_arguments(corpus: Path, index_dir: Path, update: bool) -> list[str]:
    arguments = [
        "index",
        "--corpus",
        str(corpus),
        "--index",
        str(index_dir),
        "--lock-timeout",
        "10",
    ]
    return arguments + (["--update", "--delete-missing"] if update else ["--stemmer", "none"])


def observed_state(index_dir: Path, change: Round) -> str:
    """'before' or 'after' the round, checked several ways; fails on anything else."""
    with searchlib.open_index(index_dir) as index:
        count = index.document_count
        every = index.search("newsroom", limit=0).total
        marked = index.search(f"mark{change.number}x", limit=0).total
        changed = index.search(f"changed{change.number}x", limit=0).total
        deleted = index.search(" OR ".join(change.deleted), limit=0).total if change.deleted else 0
        hits = index.search(f"mark{change.number}x newsroom", limit=3)
    assert every == count, f"round {change.number}: {every} articles found of {count}"
    assert all(hit.title and hit.snippet for hit in hits)
    seen = (count, marked, changed, deleted)
    if seen == (change.before, 0, 0, len(change.deleted)):
        return "before"
    if seen == (change.after, change.added, change.changed, 0):
        return "after"
    raise AssertionError(f"round {change.number}: a state between two commits: {seen}, {change}")


def stray_files(index_dir: Path) -> list[str]:
    """Files no commit refers to: what a killed writer leaves behind."""
    generation = json.loads((index_dir / MANIFEST_NAME).read_text())["generation"]
    stray = [
        p.name
        for p in index_dir.iterdir()
        if p.name not in (MANIFEST_NAME, "write.lock", generation, SYNONYM_CACHE_DIR)
    ]
    storage = FileStorage(str(index_dir / generation))
    toc = TOC.read(storage, WHOOSH_INDEX_NAME)
    referenced = {segment.segment_id() for segment in toc.segments}
    current_toc = TOC._filename(WHOOSH_INDEX_NAME, toc.generation)
    for name in storage.list():
        if name in (
            current_toc,
            f"{WHOOSH_INDEX_NAME}_WRITELOCK",
            STEMS_NAME,
            IMPACT_DIR,
            DOCUMENTS_NAME,
            VECTORS_DIR,
        ):
            continue
        if name.split(".")[0] not in referenced:
            stray.append(f"{generation}/{name}")
    return stray


class Writer:
    """A ``searchlib index`` process, started ahead: it imports searchlib,
    says so, then waits for its arguments.  The kill delay so measures
    writing, not importing, and the next writer imports while this round's
    checks run."""

    CODE = (
        "import json, sys, searchlib.cli; print('ready', flush=True); "
        "searchlib.cli.main_group(json.loads(sys.stdin.readline()), prog_name='searchlib')"
    )

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", self.CODE],
            env=child_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def start(self, arguments: list[str]) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        assert self.process.stdout.readline() == b"ready\n"
        self.process.stdin.write(json.dumps(arguments).encode() + b"\n")
        self.process.stdin.flush()

    def wait(self) -> tuple[int, str]:
        _, errors = self.process.communicate(timeout=120)
        return self.process.returncode, errors.decode(errors="replace")


def time_writing(arguments: list[str]) -> float:
    writer = Writer()
    writer.start(arguments)
    started = time.perf_counter()
    returncode, errors = writer.wait()
    assert returncode == 0, errors
    return time.perf_counter() - started


def test_killed_writers_never_lose_or_half_write_a_commit(tmp_path: Path) -> None:
    started = time.perf_counter()
    corpus = Corpus(tmp_path / "corpus.jsonl", random.Random(SEED))
    index_dir = tmp_path / "index"
    corpus.add(CORPUS_SIZE, "mark0x")
    corpus.save()
    durations = {False: time_writing(index_arguments(corpus.path, index_dir, update=False))}
    change_corpus(corpus, 1)
    durations[True] = time_writing(index_arguments(corpus.path, index_dir, update=True))

    outcomes: Counter[str] = Counter()
    runner = CliRunner()
    ready = Writer()
    for number in range(2, KILLS + 2):
        update = corpus.random.random() < 0.7
        change = change_corpus(corpus, number)
        # Half the kills anywhere in the run, half near its end, where the
        # commit is (files written, table of contents renamed, manifest).
        share = corpus.random.choice([corpus.random.uniform(0, 1), corpus.random.uniform(0.8, 1.2)])
        ready.start(index_arguments(corpus.path, index_dir, update))
        time.sleep(share * durations[update])
        ready.process.send_signal(signal.SIGKILL)
        returncode, errors = ready.wait()
        ready = Writer()  # imports during the checks
        finished = returncode == 0
        assert finished or returncode == -signal.SIGKILL, errors

        state = observed_state(index_dir, change)
        outcomes[f"{'update' if update else 'rebuild'} {state}"] += 1
        outcomes["left stray files"] += bool(stray_files(index_dir))
        outcomes["finished before the kill"] += finished

        follow_up = runner.invoke(
            main_group,
            index_arguments(corpus.path, index_dir, update=True),
        )
        assert follow_up.exit_code == 0, follow_up.output
        assert observed_state(index_dir, change) == "after"
        assert stray_files(index_dir) == []

    ready.process.kill()
    ready.wait()
    print(
        f"\nkill test: {KILLS} kills, seed {SEED}, {time.perf_counter() - started:.1f} s:",
        dict(sorted(outcomes.items())),
    )
    killed = KILLS - outcomes["finished before the kill"]
    assert killed >= KILLS // 2, f"too few runs were killed mid-way: {outcomes}"
