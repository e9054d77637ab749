"""Incremental updates: add, replace, delete, refresh, and the CLI's --update."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

import searchlib
from searchlib import AnalysisSettings, Article
from searchlib.cli import main_group
from searchlib.errors import CorpusError, IncompatibleIndexError, IndexLockedError
from searchlib.indexing import write_index
from searchlib.models import CorpusProblem
from searchlib.storage import MANIFEST_NAME, WHOOSH_INDEX_NAME, writer_lock
from searchlib.updating import update_index

REPO = Path(__file__).resolve().parents[1]
ARTICLES = [
    Article(id="a", title="Karabakh talks", text="Talks on Karabakh resumed."),
    Article(id="b", title="Oil exports", text="Oil exports rose."),
]


def child_env() -> dict[str, str]:
    """The environment for a child process that imports this checkout."""
    return {**os.environ, "PYTHONPATH": str(REPO)}


def ids(results: searchlib.SearchResults) -> list[str]:
    return [hit.id for hit in results]


def toc_generation(index_dir: Path) -> int:
    generation = json.loads((index_dir / MANIFEST_NAME).read_text())["generation"]
    return max(int(p.name.split("_")[2][:-4]) for p in (index_dir / generation).glob("_MAIN_*.toc"))


def write_jsonl(path: Path, articles: list[Article]) -> None:
    records = ({"id": a.id, "title": a.title, "text": a.text} for a in articles)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def test_update_adds_replaces_and_leaves_unchanged(tmp_path: Path) -> None:
    write_index(ARTICLES, tmp_path)
    report = update_index(
        [
            ARTICLES[0],
            Article(id="b", title="Gas exports", text="Gas exports rose."),
            Article(id="c", title="Snow", text="Snow in Moscow."),
        ],
        tmp_path,
    )
    assert (report.added, report.updated, report.unchanged, report.deleted) == (1, 1, 1, 0)
    assert report.documents == 3
    with searchlib.open_index(tmp_path) as index:
        assert index.document_count == 3
        assert ids(index.search("gas")) == ["b"]
        assert ids(index.search("oil")) == []
        assert ids(index.search("Karabakh")) == ["a"]
    assert json.loads((tmp_path / MANIFEST_NAME).read_text())["documents"] == 3


def test_unchanged_articles_are_not_written_again(tmp_path: Path) -> None:
    write_index(ARTICLES, tmp_path)
    before = toc_generation(tmp_path)
    report = update_index(ARTICLES, tmp_path)
    assert (report.unchanged, report.changed) == (2, False)
    assert toc_generation(tmp_path) == before  # no commit at all


def test_same_id_twice_in_an_update_keeps_the_last(tmp_path: Path) -> None:
    write_index(ARTICLES, tmp_path)
    problems: list[CorpusProblem] = []
    report = update_index(
        [Article(id="c", text="first draft"), Article(id="c", text="corrected copy")],
        tmp_path,
        on_problem=problems.append,
    )
    assert (report.added, report.skipped, report.documents) == (1, 1, 3)
    assert "duplicate id 'c'" in str(problems[0])
    with searchlib.open_index(tmp_path) as index:
        assert ids(index.search("corrected")) == ["c"]
        assert ids(index.search("draft")) == []


def test_a_corpus_path_keeps_the_first_of_an_id_in_builds_and_updates_alike(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "corpus.jsonl"
    write_jsonl(corpus, [Article(id="x", text="first"), Article(id="x", text="second")])
    write_index(corpus, tmp_path / "built")
    update_index(corpus, tmp_path / "updated")  # no index yet: builds it
    write_index(ARTICLES, tmp_path / "grown")
    update_index(corpus, tmp_path / "grown")
    for name in ("built", "updated", "grown"):
        with searchlib.open_index(tmp_path / name) as index:
            assert ids(index.search("first")) == ["x"], name
            assert ids(index.search("second")) == [], name


def test_add_skips_ids_already_indexed(tmp_path: Path) -> None:
    with searchlib.build_index(ARTICLES, tmp_path) as index:
        report = index.add([Article(id="a", text="replacement"), Article(id="c", text="new")])
        assert (report.added, report.updated, report.skipped) == (1, 0, 1)
        assert "indexed already" in report.problems[0].reason
        assert ids(index.search("replacement")) == []
        assert ids(index.search("new")) == ["c"]


def test_delete_by_id(tmp_path: Path) -> None:
    with searchlib.build_index(ARTICLES, tmp_path) as index:
        report = index.delete(["a", "absent"])
        assert (report.deleted, report.skipped, report.documents) == (1, 1, 1)
        assert index.document_count == 1
        assert ids(index.search("Karabakh")) == []
        assert index.delete("b").deleted == 1  # one id as a string
        assert index.document_count == 0
        assert ids(index.search("oil")) == []


def test_delete_missing_follows_the_corpus(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    corpus = tmp_path / "corpus.jsonl"
    write_index(ARTICLES, index_dir)
    write_jsonl(corpus, [ARTICLES[1], Article(id="c", text="new article")])
    report = update_index(corpus, index_dir, delete_missing=True)
    assert (report.added, report.deleted, report.unchanged, report.documents) == (1, 1, 1, 2)
    # Without the flag nothing is deleted.
    write_jsonl(corpus, [Article(id="d", text="another")])
    assert update_index(corpus, index_dir).documents == 3


def test_an_open_index_updates_from_a_corpus_path(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    write_jsonl(corpus, [Article(id="c", text="only this one")])
    with searchlib.build_index(ARTICLES, tmp_path / "index") as index:
        report = index.update(corpus, delete_missing=True)
        assert (report.added, report.deleted, index.document_count) == (1, 2, 1)


def test_delete_missing_refuses_to_empty_the_index(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    corpus = tmp_path / "corpus.jsonl"
    write_index(ARTICLES, index_dir)
    corpus.write_text('{"no id": 1}\n', encoding="utf-8")
    with pytest.raises(CorpusError, match="would empty the index; nothing was changed"):
        update_index(corpus, index_dir, delete_missing=True)
    with searchlib.open_index(index_dir) as index:
        assert index.document_count == 2


def test_update_uses_the_index_settings_and_refuses_others(tmp_path: Path) -> None:
    write_index(ARTICLES, tmp_path, settings=AnalysisSettings(stemmer="none"))
    update_index([Article(id="c", text="running")], tmp_path)
    with searchlib.open_index(tmp_path) as index:
        assert ids(index.search("running")) == ["c"]
        assert ids(index.search("run")) == []  # not stemmed, as the index was built
    with pytest.raises(IncompatibleIndexError, match="stemmer='none', not 'snowball'"):
        update_index([Article(id="d", text="x")], tmp_path, settings=AnalysisSettings())


def test_bad_articles_in_a_batch_are_reported_and_skipped(tmp_path: Path) -> None:
    write_index(ARTICLES, tmp_path)
    problems: list[CorpusProblem] = []
    batch = [
        Article(id="", text="no id"),
        Article(id="c", title=None, text="x"),  # type: ignore[arg-type]
        "not an article",
        Article(id="d", text="fine"),
    ]
    report = update_index(batch, tmp_path, on_problem=problems.append)  # type: ignore[arg-type]
    assert (report.added, report.skipped) == (1, 3)
    assert [p.line for p in problems] == [1, 2, 3]
    assert "missing id" in problems[0].reason
    assert "'title' has the wrong type" in problems[1].reason


def test_updates_write_durably_and_without_compound_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_index(ARTICLES, tmp_path)
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    for round_number in range(12):  # enough commits for whoosh to merge segments
        update_index([Article(id=f"n{round_number}", text=f"news {round_number}")], tmp_path)
    # Each commit: its segment files, the table of contents, the renames.
    assert len(synced) >= 12 * 5
    toc = TOC.read(FileStorage(str(tmp_path / "gen-000001")), WHOOSH_INDEX_NAME)
    assert len(toc.segments) < 12  # whoosh merged segments on the way...
    assert not any(segment.is_compound() for segment in toc.segments)  # ...into separate files
    assert not list(tmp_path.rglob("*.seg"))  # whoosh's compound files
    with searchlib.open_index(tmp_path) as index:
        assert index.document_count == 14


def test_the_lock_is_held_for_the_whole_update(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    corpus = tmp_path / "corpus.jsonl"
    write_index(ARTICLES, index_dir)
    corpus.write_text('{"id": "c", "text": "one"}\nnot json\n{"id": "d"}\n', encoding="utf-8")
    attempts: list[str] = []

    def try_to_write(problem: CorpusProblem) -> None:  # runs mid-update
        with pytest.raises(IndexLockedError), writer_lock(index_dir, timeout=0):
            pass
        attempts.append(problem.reason)

    assert update_index(corpus, index_dir, on_problem=try_to_write).added == 2
    assert len(attempts) == 1


def test_whoosh_lock_held_by_another_program_is_a_clear_error(tmp_path: Path) -> None:
    write_index(ARTICLES, tmp_path)
    foreign = FileStorage(str(tmp_path / "gen-000001")).lock(f"{WHOOSH_INDEX_NAME}_WRITELOCK")
    assert foreign.acquire()
    try:
        with pytest.raises(IndexLockedError, match="another program"):
            update_index([Article(id="c", text="x")], tmp_path)
    finally:
        foreign.release()
    assert update_index([Article(id="c", text="x")], tmp_path).added == 1


def test_refresh_sees_commits_and_rebuilds(tmp_path: Path) -> None:
    write_index(ARTICLES, tmp_path)
    with searchlib.open_index(tmp_path) as reader:
        assert reader.refresh() is False
        update_index([Article(id="c", text="oil spill")], tmp_path)
        # Still the state it opened, until refreshed: count and hits agree.
        assert (reader.document_count, ids(reader.search("oil"))) == (2, ["b"])
        assert reader.refresh() is True
        assert (reader.document_count, ids(reader.search("oil"))) == (3, ["b", "c"])
        write_index([Article(id="z", text="oil")], tmp_path, settings=AnalysisSettings("none"))
        assert reader.refresh() is True
        assert reader.manifest["generation"] == "gen-000002"
        assert reader.info().analysis["stemmer"] == "none"
        assert (reader.document_count, ids(reader.search("oil"))) == (1, ["z"])


def test_an_open_index_keeps_answering_after_its_files_are_deleted(tmp_path: Path) -> None:
    """whoosh opens stored fields and field lengths on first use; the index
    opens them at once, so a rebuild that deletes them cannot break it."""
    write_index(
        [Article(id="a", text="Karabakh", source="TASS"), Article(id="b", text="oil")], tmp_path
    )
    with searchlib.open_index(tmp_path) as reader:
        write_index([Article(id="z", text="other")], tmp_path)  # removes gen-000001
        assert not (tmp_path / "gen-000001").exists()
        hits = reader.search("source:TASS Karabakh")
        assert [(h.id, h.source) for h in hits] == [("a", "TASS")]
        assert hits[0].score > 0


def test_cli_update_and_delete_missing(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    index_dir = tmp_path / "index"
    write_jsonl(corpus, ARTICLES)
    runner = CliRunner()
    base = ["index", "--corpus", str(corpus), "--index", str(index_dir), "--stemmer", "none"]
    assert runner.invoke(main_group, base).exit_code == 0
    write_jsonl(corpus, [ARTICLES[0], Article(id="c", text="new")])
    result = runner.invoke(main_group, [*base[:5], "--update"])
    assert result.exit_code == 0, result.output
    assert "added 1, updated 0, deleted 0, unchanged 1, skipped 0" in result.output
    assert "3 articles in the index" in result.output
    result = runner.invoke(main_group, [*base[:5], "--update", "--delete-missing"])
    assert result.exit_code == 0, result.output
    assert "deleted 1" in result.output and "2 articles in the index" in result.output
    result = runner.invoke(main_group, [*base[:5], "--delete-missing"])
    assert result.exit_code == 2
    assert "--delete-missing works with --update" in result.output


def test_cli_second_writer_waits_then_fails_naming_the_holder(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    index_dir = tmp_path / "index"
    write_jsonl(corpus, ARTICLES)
    write_index(corpus, index_dir)
    command = [sys.executable, "-m", "searchlib", "index", "--update", "--corpus", str(corpus)]
    command += ["--index", str(index_dir), "--lock-timeout", "0.5"]
    with writer_lock(index_dir, timeout=1):
        started = time.monotonic()
        result = subprocess.run(
            command, env=child_env(), capture_output=True, text=True, timeout=60
        )
        waited = time.monotonic() - started
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 1
    assert f"being written by process {os.getpid()}" in errors[0]
    assert "waited 0.5 s" in errors[0] and "--lock-timeout" in errors[0]
    assert "Traceback" not in result.stderr
    assert 0.5 <= waited < 30


def test_first_update_counts_duplicates_as_an_update_would(tmp_path: Path) -> None:
    problems: list[CorpusProblem] = []
    report = update_index(
        [Article(id="c", text="first draft"), Article(id="c", text="corrected copy")],
        tmp_path / "new",
        on_problem=problems.append,
    )
    assert (report.added, report.skipped, report.documents) == (1, 1, 1)
    assert [str(p) for p in report.problems] == [str(p) for p in problems]
