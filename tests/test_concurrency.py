"""One writer and several readers at once, in separate processes.

The writer applies batches with ``searchlib index --update``; each batch
adds articles holding a marker word.  Readers search for the marker in a
loop, through the library (reopening or refreshing) and through the
``search`` command, and check that every answer is one of the committed
states: never a partial batch, never an error, never a long wait.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import searchlib
from searchlib import AnalysisSettings, Article

REPO = Path(__file__).resolve().parents[1]
BATCHES = 6
BATCH_SIZE = 15
BASE_SIZE = 200
MARKER = "zebrafinch"
SLOW_ANSWER_SECONDS = 30.0  # a bound against hangs; CI machines are shared and slow

WRITER = """
import json, sys, time
from pathlib import Path
from searchlib.cli import main_group

corpus, index, batches, size, done = sys.argv[1:]
lines = Path(corpus).read_text(encoding="utf-8").splitlines()
for batch in range(int(batches)):
    for number in range(int(size)):
        text = f"{MARKER} batch {batch} article {number} about the border talks"
        lines.append(json.dumps({"id": f"m{batch}-{number}", "title": "update", "text": text}))
    temporary = Path(corpus + ".tmp")
    temporary.write_text("\\n".join(lines) + "\\n", encoding="utf-8")
    temporary.replace(corpus)
    main_group(["index", "--update", "--corpus", corpus, "--index", index], standalone_mode=False)
    time.sleep(0.15)
Path(done).touch()
""".replace("{MARKER}", MARKER)

LIBRARY_READER = """
import json, sys, time
from pathlib import Path
import searchlib

index_path, allowed, base, done, marker = sys.argv[1:]
allowed = set(json.loads(allowed))
base = int(base)
seen, answers, slowest = set(), 0, 0.0
index = searchlib.open_index(index_path)

def check(index):
    global answers, slowest
    started = time.perf_counter()
    results = index.search(marker, limit=3)
    slowest = max(slowest, time.perf_counter() - started)
    answers += 1
    if results.total not in allowed or index.document_count != base + results.total:
        sys.exit(f"inconsistent: {results.total} marked of {index.document_count}")
    if any(marker not in hit.snippet for hit in results):
        sys.exit(f"a hit without its text: {results.hits}")
    seen.add(results.total)

finished = False
while not finished:
    finished = Path(done).exists()  # one more round after the writer ends
    index.refresh()
    check(index)
    with searchlib.open_index(index_path) as fresh:
        check(fresh)
index.close()
print(json.dumps({"answers": answers, "seen": sorted(seen), "slowest": slowest}))
"""

COMMAND_READER = """
import json, subprocess, sys, time
from pathlib import Path

index_path, allowed, done, marker = sys.argv[1:]
allowed = set(json.loads(allowed))
seen, answers, slowest = set(), 0, 0.0
finished = False
while not finished:
    finished = Path(done).exists()
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "searchlib", "search", "--json", "-n", "1000", marker,
         "--index", index_path],
        capture_output=True, text=True, timeout=60,
    )
    slowest = max(slowest, time.perf_counter() - started)
    answers += 1
    if result.returncode != 0:
        sys.exit(f"search failed: {result.stderr}")
    count = len(result.stdout.splitlines())
    if count not in allowed:
        sys.exit(f"inconsistent: {count} hits")
    seen.add(count)
print(json.dumps({"answers": answers, "seen": sorted(seen), "slowest": slowest}))
"""


def child_env() -> dict[str, str]:
    """The environment for a child process that imports this checkout."""
    return {**os.environ, "PYTHONPATH": str(REPO)}


def test_readers_see_only_whole_batches_while_a_writer_updates(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    index_dir = tmp_path / "index"
    done = tmp_path / "writer-done"
    articles = [
        Article(id=f"b{n}", title=f"Article {n}", text=f"border talks report {n}")
        for n in range(BASE_SIZE)
    ]
    corpus.write_text(
        "".join(
            json.dumps({"id": a.id, "title": a.title, "text": a.text}) + "\n" for a in articles
        ),
        encoding="utf-8",
    )
    searchlib.build_index(corpus, index_dir, settings=AnalysisSettings(stemmer="none")).close()
    allowed = json.dumps([batch * BATCH_SIZE for batch in range(BATCHES + 1)])

    def start(code: str, *arguments: object) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-c", code, *map(str, arguments)],
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    readers = [start(LIBRARY_READER, index_dir, allowed, BASE_SIZE, done, MARKER) for _ in range(2)]
    readers.append(start(COMMAND_READER, index_dir, allowed, done, MARKER))
    time.sleep(1.0)  # readers answer before the writer begins, too
    writer = start(WRITER, corpus, index_dir, BATCHES, BATCH_SIZE, done)

    _, writer_errors = writer.communicate(timeout=300)
    assert writer.returncode == 0, writer_errors
    summaries = []
    for reader in readers:
        output, errors = reader.communicate(timeout=300)
        assert reader.returncode == 0, errors
        summaries.append(json.loads(output))
    for summary in summaries:
        assert summary["seen"][-1] == BATCHES * BATCH_SIZE  # the final state, at the end
        assert summary["slowest"] < SLOW_ANSWER_SECONDS
    # The library readers answered many times while the writer worked.
    assert min(s["answers"] for s in summaries[:2]) >= BATCHES
    print("\nconcurrency:", summaries)
