"""Indexes built once per run, each in its own child process.

``IndexStore.build`` runs ``build_worker`` children (one per round), timing
the build alone with pytest-benchmark, and keeps the last index; later
benchmarks (queries, cold start) open it.  ``IndexStore.get`` builds without
timing when the indexing benchmark did not run first (``-k query``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from benchmarks.peers import Engine, load_engine
from benchmarks.shared_data import REPO


def child_environment() -> dict[str, str]:
    """The environment of child processes: this checkout first on the path."""
    environment = dict(os.environ)
    path = environment.get("PYTHONPATH")
    environment["PYTHONPATH"] = f"{REPO}{os.pathsep}{path}" if path else str(REPO)
    return environment


class BuildTimeout(Exception):
    """A build that did not finish within the time allowed."""


@dataclass
class BuildRecord:
    """What the builds of one peer on one corpus measured."""

    peer: str
    corpus: str
    workdir: Path
    documents: int = 0
    text_bytes: int = 0
    seconds: list[float] = field(default_factory=list)
    """Each round's build time as measured inside the child."""
    index_bytes: int = 0
    rss_before: int = 0
    """Memory high-water mark with the corpus loaded, before the build."""
    rss_peak: int = 0
    """Memory high-water mark after the build (largest over the rounds)."""
    rss_children_peak: int = 0
    """Largest resident set of the build's child processes together, if any."""
    rss_at_start: int = 0
    """Resident set of the building process when the build started."""
    rss_together_peak: int = 0
    """Largest resident set of the building process and its children at one
    moment (sampled)."""

    def together_added(self) -> int:
        """What the build added at its peak, the processes taken together."""
        return self.rss_together_peak - self.rss_at_start


class _Child:
    """One build_worker process between ``ready`` and its report."""

    def __init__(self, peer: str, corpus: str, workdir: Path, timeout: float) -> None:
        self.timeout = timeout
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.build_worker", peer, corpus, str(workdir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=child_environment(),
            cwd=REPO,
        )
        self.ready = self._receive("ready")

    def _receive(self, key: str) -> Any:
        stdout: IO[str] | None = self.process.stdout
        assert stdout is not None
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(self.timeout)
        if reader.is_alive():
            self.process.kill()
            self.close()
            raise BuildTimeout(f"no {key!r} from the build worker within {self.timeout:.0f} s")
        if not line or not line[0]:
            self.close()
            raise RuntimeError(f"build worker exited ({self.process.returncode}) before {key!r}")
        message = json.loads(line[0])
        return message[key] if key != "ready" else message

    def build(self) -> float:
        """Start the build and wait for it: what the benchmark times."""
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write("go\n")
        stdin.flush()
        seconds: float = self._receive("built")
        return seconds

    def finish(self) -> dict[str, int]:
        report: dict[str, int] = self._receive("report")
        if self.close() != 0:
            raise RuntimeError(f"build worker failed with status {self.process.returncode}")
        return report

    def close(self) -> int:
        """Wait for the process and close its pipes; its exit status."""
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()
        return self.process.wait()


class IndexStore:
    """Built indexes under ``root``, and engines opened on them, for one run."""

    def __init__(self, root: Path, timeout: float) -> None:
        self.root = root
        self.timeout = timeout
        self.records: dict[tuple[str, str], BuildRecord] = {}
        self.engines: dict[tuple[str, str], Engine] = {}
        self.failures: dict[tuple[str, str], str] = {}

    def build(self, peer: str, corpus: str, benchmark: Any = None, rounds: int = 1) -> BuildRecord:
        """Build ``rounds`` times in fresh children; keep the last index."""
        key = (peer, corpus)
        if key in self.failures:
            raise BuildTimeout(self.failures[key])
        self.close_engine(peer, corpus)
        workdir = self.root / corpus / peer
        record = BuildRecord(peer, corpus, workdir)
        children: list[_Child] = []

        def finish(child: _Child) -> None:
            report = child.finish()
            record.index_bytes = report["index_bytes"]
            record.rss_peak = max(record.rss_peak, report["rss_peak"])
            record.rss_children_peak = max(record.rss_children_peak, report["rss_children_peak"])
            if report["rss_together_peak"] - report["rss_at_start"] > record.together_added():
                record.rss_at_start = report["rss_at_start"]
                record.rss_together_peak = report["rss_together_peak"]

        def start() -> tuple[tuple[_Child], dict[str, Any]]:
            if children:
                finish(children[-1])  # the previous round's, outside the timing
            shutil.rmtree(workdir, ignore_errors=True)
            workdir.parent.mkdir(parents=True, exist_ok=True)
            children.append(_Child(peer, corpus, workdir, self.timeout))
            return (children[-1],), {}

        def build(child: _Child) -> None:
            record.seconds.append(child.build())

        try:
            if benchmark is None:
                build(*start()[0])
            else:
                benchmark.pedantic(build, setup=start, rounds=rounds, iterations=1)
            finish(children[-1])
        except BuildTimeout as error:
            self.failures[key] = str(error)
            raise
        ready = children[-1].ready
        record.documents = ready["documents"]
        record.text_bytes = ready["text_bytes"]
        record.rss_before = ready["rss_before"]
        self.records[key] = record
        return record

    def get(self, peer: str, corpus: str) -> BuildRecord:
        """The record of an index built in this run, building it if need be."""
        return self.records.get((peer, corpus)) or self.build(peer, corpus)

    def engine(self, peer: str, corpus: str) -> Engine:
        """The peer's engine, opened on its index of ``corpus`` in this process."""
        key = (peer, corpus)
        if key not in self.engines:
            self.engines[key] = self._open(peer, corpus)
        return self.engines[key]

    def _open(self, peer: str, corpus: str) -> Engine:
        engine = load_engine(peer)
        engine.open(self.get(peer, corpus).workdir)
        return engine

    @contextmanager
    def fresh_engine(self, peer: str, corpus: str) -> Iterator[Engine]:
        """The peer's engine opened anew on its index of ``corpus``, closed
        after: nothing it kept from earlier queries (the shared one's
        caches) helps the queries timed with it."""
        engine = self._open(peer, corpus)
        try:
            yield engine
        finally:
            engine.close()

    def close_engine(self, peer: str, corpus: str) -> None:
        engine = self.engines.pop((peer, corpus), None)
        if engine is not None:
            engine.close()

    def close(self) -> None:
        for peer, corpus in list(self.engines):
            self.close_engine(peer, corpus)
