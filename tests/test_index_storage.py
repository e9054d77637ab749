"""The index on disk: saved settings, versions, damage, rebuilds and the lock."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import searchlib
from searchlib import AnalysisSettings, Article
from searchlib.errors import (
    CorpusError,
    IncompatibleIndexError,
    IndexClosedError,
    IndexLockedError,
    IndexNotFoundError,
)
from searchlib.indexing import write_index
from searchlib.storage import MANIFEST_NAME, writer_lock

ARTICLES = [Article(id="a", text="Karabakh talks"), Article(id="b", text="oil exports")]


def test_settings_are_saved_and_checked(tmp_path: Path) -> None:
    write_index(ARTICLES, tmp_path, settings=AnalysisSettings(stemmer="porter"))
    with searchlib.open_index(tmp_path) as index:
        assert index.info().analysis["stemmer"] == "porter"
    with searchlib.open_index(tmp_path, settings=AnalysisSettings(stemmer="porter")):
        pass
    with pytest.raises(IncompatibleIndexError, match="built with stemmer='porter', not 'snowball'"):
        searchlib.open_index(tmp_path, settings=AnalysisSettings())
    with pytest.raises(IncompatibleIndexError, match="stopwords"):
        searchlib.open_index(
            tmp_path, settings=AnalysisSettings(stemmer="porter", stopwords="none")
        )


def test_missing_index(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError, match="no index at"):
        searchlib.open_index(tmp_path / "absent")
    with pytest.raises(IndexNotFoundError, match="no index at"):
        searchlib.open_index(tmp_path)  # a folder, but no manifest


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ("not json", "unreadable"),
        ('{"format": "other"}', "not a searchlib index"),
        (
            '{"format": "searchlib-index", "format_version": 99, "searchlib_version": "9.0"}',
            "format version 99 .* rebuild",
        ),
    ],
)
def test_foreign_or_damaged_manifest(tmp_path: Path, manifest: str, message: str) -> None:
    write_index(ARTICLES, tmp_path)
    (tmp_path / MANIFEST_NAME).write_text(manifest, encoding="utf-8")
    with pytest.raises(IncompatibleIndexError, match=message):
        searchlib.open_index(tmp_path)


def test_damaged_engine_files_give_a_clear_error(tmp_path: Path) -> None:
    write_index(ARTICLES, tmp_path)
    generation = json.loads((tmp_path / MANIFEST_NAME).read_text())["generation"]
    for toc in (tmp_path / generation).glob("*.toc"):
        toc.write_bytes(toc.read_bytes()[:20])
    with pytest.raises(IncompatibleIndexError, match="damaged or from an incompatible version"):
        searchlib.open_index(tmp_path)


def test_rebuild_switches_generation_and_cleans_up(tmp_path: Path) -> None:
    write_index(ARTICLES, tmp_path)
    write_index([Article(id="c", text="new text")], tmp_path)
    generations = sorted(p.name for p in tmp_path.glob("gen-*"))
    assert generations == ["gen-000002"]
    with searchlib.open_index(tmp_path) as index:
        assert index.document_count == 1


def test_failed_rebuild_keeps_the_old_index(tmp_path: Path) -> None:
    write_index(ARTICLES, tmp_path)

    def breaks_halfway() -> Iterator[Article]:
        yield Article(id="x", text="partial")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        write_index(breaks_halfway(), tmp_path)
    with pytest.raises(CorpusError, match="existing index, if any, is kept"):
        write_index([], tmp_path)
    with searchlib.open_index(tmp_path) as index:
        assert index.document_count == 2
        assert [h.id for h in index.search("Karabakh")] == ["a"]
    assert sorted(p.name for p in tmp_path.glob("gen-*")) == ["gen-000001"]


def test_duplicate_ids_in_one_batch_leave_one_document(tmp_path: Path) -> None:
    problems = []
    report = write_index(
        [Article(id="a", text="first"), Article(id="a", text="second")],
        tmp_path,
        on_problem=problems.append,
    )
    assert (report.indexed, report.skipped) == (1, 1)
    assert "duplicate id 'a'" in str(problems[0])
    with searchlib.open_index(tmp_path) as index:
        assert index.document_count == 1


def test_second_writer_waits_then_fails_naming_the_holder(tmp_path: Path) -> None:
    holder = writer_lock(tmp_path, timeout=1)
    refused = pytest.raises(IndexLockedError, match=r"being written by process \d+")
    with holder, refused:
        write_index(ARTICLES, tmp_path, lock_timeout=0.2)
    write_index(ARTICLES, tmp_path, lock_timeout=0.2)  # free again


def test_readers_keep_answering_during_a_rebuild(tmp_path: Path) -> None:
    write_index(ARTICLES, tmp_path)
    with searchlib.open_index(tmp_path) as reader:
        assert [h.id for h in reader.search("oil")] == ["b"]
        write_index([Article(id="z", text="oil spill")], tmp_path)
        # The open reader still sees its own snapshot.
        assert [h.id for h in reader.search("oil")] == ["b"]
    with searchlib.open_index(tmp_path) as fresh:
        assert [h.id for h in fresh.search("oil")] == ["z"]


def test_a_closed_index_says_so_and_closes_again_quietly(tmp_path: Path) -> None:
    index = searchlib.build_index([Article(id="a", text="Lachin corridor")], tmp_path / "index")
    assert [hit.id for hit in index.search("Lachin corridor")] == ["a"]
    index.close()
    index.close()  # whoosh's readers would raise here
    for use in (
        lambda: index.search("Lachin corridor"),
        lambda: index.document_count,
        lambda: index.add([Article(id="b", text="more")]),
    ):
        with pytest.raises(IndexClosedError, match="was closed: open it again"):
            use()
    with searchlib.open_index(tmp_path / "index") as reopened:
        assert reopened.document_count == 1
