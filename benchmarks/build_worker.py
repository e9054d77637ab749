"""A child process that builds one peer's index, so that each build is isolated.

    python -m benchmarks.build_worker PEER CORPUS_SPEC WORKDIR

The conversation on stdin/stdout, one JSON object a line:

1. the worker imports the peer, reads the corpus into memory and builds a
   two-document index elsewhere (so imports and first-use costs are paid
   before the clock starts), then prints ``{"ready": ...}`` with the corpus
   size and its memory high-water mark so far;
2. on a ``go`` line it builds the index into WORKDIR, timing only that, and
   prints ``{"built": seconds}`` at once;
3. then it prints ``{"report": ...}``: the index size on disk, the memory
   high-water mark (VmHWM, what ``ru_maxrss`` reports) after the build, the
   largest resident set of its child processes together (an engine may
   write in worker processes), and the largest resident set of the worker
   and its children at the same moment, with the worker's resident set when
   the build started.  The last three are sampled every 20 ms during the
   build; a high-water mark cannot say when it was reached, so the sum of the
   worker's and its children's peaks may count two moments at once.

The parent times step 2 from its side too (pytest-benchmark), so the
benchmark's time is the build and nothing else.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path


def memory_high_water() -> int:
    """Peak resident set size of this process so far, in bytes (Linux)."""
    with Path("/proc/self/status").open(encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def resident_set() -> int:
    """Resident set size of this process now, in bytes (Linux)."""
    resident = Path("/proc/self/statm").read_text(encoding="ascii").split()[1]
    return int(resident) * os.sysconf("SC_PAGE_SIZE")


def descendants_rss() -> int:
    """Resident set of this process's descendants together, in bytes (Linux)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text(encoding="ascii", errors="replace")
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    total, waiting = 0, list(children.get(os.getpid(), []))
    while waiting:
        pid = waiting.pop()
        try:
            resident = Path(f"/proc/{pid}/statm").read_text(encoding="ascii").split()[1]
        except OSError:
            continue
        total += int(resident) * os.sysconf("SC_PAGE_SIZE")
        waiting += children.get(pid, [])
    return total


class BuildMemory(threading.Thread):
    """Samples the resident sets of this process's descendants, and of this
    process with its descendants, until stopped; keeps the largest of each."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.children_peak = 0
        self.together_peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.02):
            children = descendants_rss()
            self.children_peak = max(self.children_peak, children)
            self.together_peak = max(self.together_peak, children + resident_set())


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def send(message: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    from benchmarks.corpora import load_corpus, raw_text_bytes
    from benchmarks.peers import load_engine

    peer, spec, workdir = argv[1], argv[2], Path(argv[3])
    articles = load_corpus(spec)
    warmup = workdir.with_name(workdir.name + "-warmup")
    engine = load_engine(peer)
    engine.build(articles[:2], warmup)
    engine.close()
    shutil.rmtree(warmup)
    engine = load_engine(peer)
    send(
        {
            "ready": True,
            "documents": len(articles),
            "text_bytes": raw_text_bytes(articles),
            "rss_before": memory_high_water(),
        }
    )
    if sys.stdin.readline().strip() != "go":
        return 1
    memory = BuildMemory()
    rss_at_start = resident_set()
    memory.start()
    started = time.perf_counter()
    engine.build(articles, workdir)
    seconds = time.perf_counter() - started
    memory.done.set()
    memory.join()
    send({"built": seconds})
    engine.close()
    report = {
        "index_bytes": folder_size(workdir),
        "rss_peak": memory_high_water(),
        "rss_children_peak": memory.children_peak,
        "rss_at_start": rss_at_start,
        "rss_together_peak": memory.together_peak,
    }
    send({"report": report})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
