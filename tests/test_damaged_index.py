"""A damaged or foreign index gives a clear error, at opening or at the
latest at search time: never whoosh's traceback, never a hang."""

from __future__ import annotations

import json
import random
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import searchlib
from searchlib import AnalysisSettings, Article
from searchlib.cli import main_group
from searchlib.errors import IncompatibleIndexError
from searchlib.indexing import write_index
from searchlib.storage import MANIFEST_NAME

QUERIES = ("Karabakh", "corridor", "source:TASS", "title:snow", '"Lachin corridor"', "date:2017")
SECONDS_ALLOWED = 5.0


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def zero(path: Path) -> None:
    path.write_bytes(bytes(path.stat().st_size))


def garble(path: Path) -> None:
    path.write_bytes(random.Random(path.name).randbytes(path.stat().st_size))


def empty(path: Path) -> None:
    path.write_bytes(b"")


def delete(path: Path) -> None:
    path.unlink()


DAMAGES: dict[str, Callable[[Path], None]] = {
    "truncated": truncate,
    "zeroed": zero,
    "garbled": garble,
    "emptied": empty,
    "deleted": delete,
}
FILES = {  # whoosh's files, by the end of their names
    "table of contents": ".toc",
    "terms": ".trm",
    "postings": ".pst",
    "stored fields": "_stored.col",
    "content lengths": "_content_len.col",
    "title lengths": "_title_len.col",
    "document store": "documents.sqlite",
}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, tiny_articles: tuple[Article, ...]) -> Path:
    index_dir = tmp_path_factory.mktemp("pristine") / "index"
    write_index(tiny_articles, index_dir, settings=AnalysisSettings(stemmer="none"))
    return index_dir


def damaged_copy(pristine: Path, target: Path, file_kind: str, damage: str) -> Path:
    shutil.copytree(pristine, target)
    generation = json.loads((target / MANIFEST_NAME).read_text())["generation"]
    (victim,) = [p for p in (target / generation).iterdir() if p.name.endswith(FILES[file_kind])]
    DAMAGES[damage](victim)
    return target


@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize("file_kind", FILES)
def test_damage_gives_a_clear_error_or_answers(
    pristine: Path, tmp_path: Path, file_kind: str, damage: str
) -> None:
    index_dir = damaged_copy(pristine, tmp_path / "index", file_kind, damage)
    started = time.perf_counter()
    try:
        with searchlib.open_index(index_dir) as index:
            for query in QUERIES:
                try:
                    index.search(query)
                except IncompatibleIndexError as error:
                    assert "rebuild it with 'searchlib index" in str(error)
    except IncompatibleIndexError as error:
        assert "cannot be read" in str(error) and "rebuild it" in str(error)
    assert time.perf_counter() - started < SECONDS_ALLOWED

    runner = CliRunner()
    for query in QUERIES[:3]:
        result = runner.invoke(main_group, ["search", query, "--index", str(index_dir)])
        assert result.exit_code in (0, 2), result.exception
        if result.exit_code == 2:
            assert len(result.stderr.strip().splitlines()) == 1
            assert "Traceback" not in result.output


@pytest.mark.parametrize("file_kind", ["terms", "postings", "stored fields", "table of contents"])
def test_a_missing_file_is_reported_at_once(pristine: Path, tmp_path: Path, file_kind: str) -> None:
    """Missing files could be a writer's commit racing the reader; when the
    index did not change, the error comes without retrying."""
    index_dir = damaged_copy(pristine, tmp_path / "index", file_kind, "deleted")
    started = time.perf_counter()
    with pytest.raises(IncompatibleIndexError, match="cannot be read"):
        searchlib.open_index(index_dir)
    assert time.perf_counter() - started < 2.0  # whoosh's own retries take 0.5 s


def test_a_missing_generation_folder(pristine: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    shutil.copytree(pristine, index_dir)
    for folder in index_dir.glob("gen-*"):
        shutil.rmtree(folder)
    with pytest.raises(IncompatibleIndexError, match="missing"):
        searchlib.open_index(index_dir)


@pytest.mark.parametrize(
    ("analysis", "message"),
    [
        ({"tokenizer": "news-v0"}, "tokenized as 'news-v0'.*rebuild it"),
        ({"stemmer": "klingon"}, "does not record its analysis settings.*rebuild it"),
        ({"stopword_list": "a b c"}, "does not record its analysis settings"),
        (None, "does not record its analysis settings"),
    ],
)
def test_an_index_from_another_version_says_what_to_do(
    pristine: Path, tmp_path: Path, analysis: dict[str, str] | None, message: str
) -> None:
    index_dir = tmp_path / "index"
    shutil.copytree(pristine, index_dir)
    manifest = json.loads((index_dir / MANIFEST_NAME).read_text())
    if analysis is None:
        del manifest["analysis"]
    else:
        manifest["analysis"].update(analysis)
    (index_dir / MANIFEST_NAME).write_text(json.dumps(manifest))
    with pytest.raises(IncompatibleIndexError, match=message):
        searchlib.open_index(index_dir)
    result = CliRunner().invoke(main_group, ["search", "x", "--index", str(index_dir)])
    assert result.exit_code == 2
    assert "rebuild it" in result.stderr


def test_an_update_of_a_damaged_index_fails_cleanly(pristine: Path, tmp_path: Path) -> None:
    index_dir = damaged_copy(pristine, tmp_path / "index", "postings", "garbled")
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text('{"id": "karabakh-aid", "text": "changed"}\n', encoding="utf-8")
    result = CliRunner().invoke(
        main_group, ["index", "--update", "--corpus", str(corpus), "--index", str(index_dir)]
    )
    assert result.exit_code in (0, 2), result.exception
    # A rebuild always repairs it.
    result = CliRunner().invoke(
        main_group, ["index", "--corpus", str(corpus), "--index", str(index_dir)]
    )
    assert result.exit_code == 0, result.output
    with searchlib.open_index(index_dir) as index:
        assert [hit.id for hit in index.search("changed")] == ["karabakh-aid"]
