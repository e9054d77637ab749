"""A build writes whoosh's segments itself, in batches, in this process or in
worker processes: whatever the batch size and the number of workers, the
index holds exactly what whoosh's own writer would have written."""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Positions

from searchlib import Article, batch_writing, impact_writing
from searchlib.analysis import AnalysisSettings, Analyzer
from searchlib.indexing import write_index
from searchlib.schema import analyse_article, article_fields, build_schema
from searchlib.segment_writing import _encode_positions
from tests.conftest import TINY_CORPUS

TEXT_FIELDS = ("content", "title", "source")


def varied_corpus(count: int) -> list[Article]:
    """Articles made of the tiny corpus's sentences, shuffled, with some
    fields missing, so that batches differ in vocabulary and length."""
    chooser = random.Random(7)
    sentences = [s for a in TINY_CORPUS for s in a.text.split(". ")]
    titles = [a.title for a in TINY_CORPUS] + [""]
    sources = [a.source for a in TINY_CORPUS] + [None]
    return [
        Article(
            id=f"doc-{number:04d}",
            title=chooser.choice(titles),
            text=". ".join(chooser.choices(sentences, k=chooser.randint(1, 12))),
            subtitle=chooser.choice(["", "Über den Korridor", "Smart\u2013dash and \ufb01nance"]),
            date=chooser.choice([None, dt.date(2017, 1, 1 + number % 28)]),
            source=chooser.choice(sources),
        )
        for number in range(count)
    ]


def generation(index_dir: Path) -> Path:
    manifest = json.loads((index_dir / "searchlib.json").read_text(encoding="utf-8"))
    return index_dir / manifest["generation"]


def whoosh_contents(folder: Path) -> dict[str, Any]:
    """Everything whoosh reads back: stored fields, lengths, every posting."""
    with FileStorage(str(folder)).open_index().reader() as reader:
        count = reader.doc_count_all()
        postings = {}
        for field, term in reader.all_terms():
            kind = "positions" if field in TEXT_FIELDS else "weight"
            postings[field, term] = list(reader.postings(field, term).items_as(kind))
        return {
            "stored": [reader.stored_fields(n) for n in range(count)],
            "lengths": {
                field: [reader.doc_field_length(n, field) for n in range(count)]
                for field in TEXT_FIELDS
            },
            "totals": {field: reader.field_length(field) for field in TEXT_FIELDS},
            "postings": postings,
        }


def searchlib_files(folder: Path) -> dict[str, Any]:
    """The fast path's arrays, term vectors and tables, the document store
    and the saved stems."""
    contents: dict[str, Any] = {}
    for path in sorted([*(folder / "impact").iterdir(), *(folder / "vectors").iterdir()]):
        if path.suffix == ".npy":
            contents[f"{path.parent.name}/{path.name}"] = np.load(path).tolist()
        elif path.suffix == ".json":
            meta = json.loads(path.read_text(encoding="utf-8"))
            meta.pop("engine_generation")
            contents[path.name] = meta
    tables = (
        ("impact/terms.sqlite", "terms"),
        ("stems.sqlite", "stems"),
        ("documents.sqlite", "shown"),
        ("documents.sqlite", "body"),
    )
    for name, table in tables:
        with sqlite3.connect(folder / name) as database:
            rows = database.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            contents[f"{name}:{table}"] = rows
    return contents


def segment_count(folder: Path) -> int:
    return len(FileStorage(str(folder)).open_index()._segments())


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of about 2 KB of text: many segments from a small corpus."""
    monkeypatch.setattr(batch_writing, "batch_bytes", lambda memory_mb, workers: 2048)
    monkeypatch.setattr(impact_writing, "MERGE_POSTINGS", 50)  # many merge passes too
    monkeypatch.setattr(batch_writing, "SMALL_BATCH_BYTES", 1024)


def test_segments_hold_what_whooshs_own_writer_writes(tmp_path: Path) -> None:
    articles = varied_corpus(120)
    reference = tmp_path / "reference"
    engine = FileStorage(str(reference)).create().create_index(build_schema())
    writer = engine.writer()
    analyzer = Analyzer()
    for article in articles:
        writer.add_document(**article_fields(article, analyse_article(article, analyzer)))
    writer.commit()
    write_index(articles, tmp_path / "built")
    assert whoosh_contents(generation(tmp_path / "built")) == whoosh_contents(reference)


def test_a_small_budget_gives_the_same_index_in_more_segments(
    tmp_path: Path, small_batches: None
) -> None:
    articles = varied_corpus(300)
    write_index(articles, tmp_path / "small", workers=1)
    built = generation(tmp_path / "small")
    assert segment_count(built) > 5
    assert sorted(p.name for p in built.iterdir() if p.is_dir()) == ["impact", "vectors"]
    normal = tmp_path / "normal"
    _build_in_one_batch(articles, normal)
    assert segment_count(generation(normal)) == 1
    assert whoosh_contents(built) == whoosh_contents(generation(normal))
    assert searchlib_files(built) == searchlib_files(generation(normal))


def test_stems_outlive_an_emptied_stem_cache(
    tmp_path: Path, small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stem cache is emptied between batches when it is large; every
    stem it held is saved all the same."""
    monkeypatch.setattr(batch_writing, "STEM_CACHE_LIMIT", 5)
    articles = varied_corpus(300)
    write_index(articles, tmp_path / "small", workers=1)
    one = tmp_path / "one"
    _build_in_one_batch(articles, one)
    saved = searchlib_files(generation(tmp_path / "small"))["stems.sqlite:stems"]
    assert len(saved) > 50
    assert saved == searchlib_files(generation(one))["stems.sqlite:stems"]


def test_two_workers_build_the_same_index_as_one(tmp_path: Path, small_batches: None) -> None:
    articles = varied_corpus(600)
    progress: list[int] = []
    report = write_index(articles, tmp_path / "two", workers=2, on_progress=progress.append)
    assert report.indexed == 600 and progress == [500, 600]
    two = generation(tmp_path / "two")
    assert segment_count(two) > 5
    assert sorted(p.name for p in two.iterdir() if p.is_dir()) == ["impact", "vectors"]
    one = tmp_path / "one"
    _build_in_one_batch(articles, one)
    assert whoosh_contents(two) == whoosh_contents(generation(one))
    assert searchlib_files(two) == searchlib_files(generation(one))


def test_a_build_leaves_the_callers_articles_as_they_were(
    tmp_path: Path, small_batches: None
) -> None:
    # Pickling or binding a string to SQLite makes Python keep a UTF-8 copy
    # inside it (when it is not ASCII), which sys.getsizeof counts: held in
    # a list, a million articles would grow by their whole text.
    articles = varied_corpus(200)
    for article in articles:
        object.__setattr__(article, "text", article.text + " été — Kyiv")
    sizes = [(sys.getsizeof(a.text), sys.getsizeof(a.subtitle)) for a in articles]

    write_index(articles, tmp_path / "index", workers=2)

    assert segment_count(generation(tmp_path / "index")) > 5
    assert [(sys.getsizeof(a.text), sys.getsizeof(a.subtitle)) for a in articles] == sizes


def test_a_corpus_of_one_batch_is_written_without_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_workers(*args: object) -> None:
        raise AssertionError("a worker was started")

    monkeypatch.setattr(batch_writing, "_Worker", no_workers)
    write_index(varied_corpus(50), tmp_path / "index", workers=2)
    assert segment_count(generation(tmp_path / "index")) == 1


def test_workers_report_duplicates_and_keep_the_first(tmp_path: Path, small_batches: None) -> None:
    articles = varied_corpus(200)
    duplicate = Article(id=articles[3].id, title="A later article with the same id")
    problems: list[object] = []
    report = write_index(
        [*articles, duplicate], tmp_path / "index", workers=2, on_problem=problems.append
    )
    assert report.indexed == 200 and report.skipped == 1 and len(problems) == 1
    contents = whoosh_contents(generation(tmp_path / "index"))
    assert [fields["id"] for fields in contents["stored"]] == [a.id for a in articles]


def test_a_budget_without_room_for_a_worker_writes_in_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_batches: None
) -> None:
    def no_workers(*args: object) -> None:
        raise AssertionError("a worker was started")

    monkeypatch.setattr(batch_writing, "_Worker", no_workers)
    write_index(varied_corpus(100), tmp_path / "index", workers=2, memory_mb=100)
    assert segment_count(generation(tmp_path / "index")) > 5


def test_an_error_in_a_worker_is_raised_in_the_build(tmp_path: Path) -> None:
    FileStorage(str(tmp_path)).create().create_index(build_schema())
    worker = batch_writing._Worker(tmp_path, AnalysisSettings())
    try:
        worker.submit(0, 0, [Article(id="bad", title=123)])  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            worker.result()
        worker.submit(1, 0, varied_corpus(3))  # and it goes on working
        assert worker.result().count == 3
    finally:
        worker.stop()
    assert worker.process.returncode == 0


@pytest.mark.parametrize(
    "positions", [[0], [5], [0, 1, 2], [3, 17, 18, 400], list(range(0, 3000, 7)), [70000]]
)
def test_positions_are_encoded_as_whoosh_encodes_them(positions: list[int]) -> None:
    assert _encode_positions(positions) == Positions().encode(positions)


def _build_in_one_batch(articles: list[Article], index_dir: Path) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(batch_writing, "batch_bytes", lambda memory_mb, workers: 1 << 30)
        write_index(articles, index_dir, workers=1)
