"""Tests of the command line (``searchlib.cli``) through click's CliRunner.

A five-article corpus is written once per module and indexed with
``searchlib index``; the tests then run ``search``, ``searchlib index`` and
``searchlib info`` against it and read what a user or a program would read:
stdout, stderr and the exit status.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from searchlib.cli import main_group, search_command
from searchlib.storage import FORMAT_VERSION

ARTICLES: list[dict[str, Any]] = [
    {
        "id": "k1",
        "title": "Convoy stopped on the Lachin corridor",
        "text": (
            "Azerbaijani protesters blocked the Lachin corridor, the only road between "
            "Armenia and Nagorno-Karabakh. Residents of Karabakh report shortages of "
            "food and medicine."
        ),
        "date": "2023-01-10",
        "source": "BBC",
        "url": "https://example.org/news/k1",
    },
    {
        "id": "w1",
        "title": "Wheat harvest breaks records",
        "text": "Farmers in Kansas brought in a record wheat harvest, helped by spring rain.",
    },
    {
        "id": "e1",
        "title": "Wheat prices fall in Europe",
        "text": "Wheat prices fell as harvest forecasts improved across Europe.",
        "date": "2023-08-14",
        "source": "Reuters",
        "url": "https://example.org/news/e1",
    },
    {
        "id": "f1",
        "title": "Cup final decided on penalties",
        "text": "The cup final was decided on penalties after a goalless draw.",
        "date": "2022-05-01",
        "source": "DW",
    },
    {
        "id": "m1",
        "title": "Markets steady after rate decision",
        "text": "Stock markets held steady after the central bank left rates unchanged.",
        "date": "2023-03-02",
        "source": "Reuters",
    },
]
JSON_KEYS = {"rank", "id", "score", "title", "date", "source", "url", "snippet", "highlights"}
# The user's environment must not choose an index, a corpus or the colours.
CLEAN_ENV: dict[str, str | None] = {
    "SEARCHLIB_INDEX": None,
    "SEARCHLIB_CORPUS": None,
    "NO_COLOR": None,
}


@dataclass(frozen=True)
class Built:
    corpus: Path
    index: Path
    result: Result


def run(
    command: click.Command, *args: object, env: Mapping[str, str | None] | None = None
) -> Result:
    return CliRunner().invoke(command, [str(arg) for arg in args], env={**CLEAN_ENV, **(env or {})})


def write_corpus(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    folder = tmp_path_factory.mktemp("cli")
    corpus = write_corpus(folder / "news.jsonl", [json.dumps(a) for a in ARTICLES])
    index = folder / "index"
    result = run(main_group, "index", "--corpus", corpus, "--index", index)
    assert result.exit_code == 0, result.output
    return Built(corpus, index, result)


def search_json(built: Built, *args: object) -> list[dict[str, Any]]:
    result = run(search_command, "--index", built.index, "--json", *args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def ids(hits: list[dict[str, Any]]) -> list[str]:
    return [hit["id"] for hit in hits]


def assert_one_line_error(result: Result, fragment: str | None = None) -> None:
    """Exit status 2, one line on stderr naming the problem, no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    assert result.stderr.endswith("\n")
    assert result.stderr.count("\n") == 1, result.stderr
    assert ": error: " in result.stderr
    assert "Traceback" not in result.stderr
    if fragment is not None:
        assert fragment in result.stderr


# -- searchlib index -----------------------------------------------------------


def test_index_reports_counts_and_time_on_stderr(built: Built) -> None:
    assert built.result.exit_code == 0
    assert built.result.stdout == ""
    assert re.search(
        r"^indexed 5 articles, skipped 0 in \d+\.\d s$", built.result.stderr, re.MULTILINE
    )


def test_index_warns_about_broken_lines_and_indexes_the_rest(tmp_path: Path) -> None:
    corpus = write_corpus(
        tmp_path / "broken.jsonl",
        [
            json.dumps({"id": "g1", "title": "Good one"}),
            "not json",
            json.dumps({"id": "g2", "title": "Good two"}),
            json.dumps({"title": "no id"}),
            json.dumps({"id": "g3", "title": "Good three", "date": "someday"}),
        ],
    )
    index = tmp_path / "index"

    result = run(main_group, "index", "--corpus", corpus, "--index", index)

    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert [line.split(": ")[1] for line in warnings] == [
        f"{corpus}:2",
        f"{corpus}:4",
        f"{corpus}:5",
    ]
    assert "indexed 3 articles, skipped 2, repaired 1 in " in result.stderr
    info = run(main_group, "info", "--index", index, "--json")
    assert json.loads(info.stdout)["documents"] == 3


def test_index_shows_the_first_twenty_problems_and_counts_the_rest(tmp_path: Path) -> None:
    corpus = write_corpus(
        tmp_path / "broken.jsonl", ["{broken"] * 25 + [json.dumps({"id": "g", "title": "t"})]
    )

    result = run(main_group, "index", "--corpus", corpus, "--index", tmp_path / "index")

    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 21
    for number, line in enumerate(warnings[:20], start=1):
        assert line.startswith(f"warning: {corpus}:{number}: invalid JSON (")
        assert line.endswith(") (skipped)")
    assert warnings[20:] == ["warning: ... and 5 more"]
    assert "indexed 1 articles, skipped 25 in " in result.stderr


def test_index_of_a_corpus_without_good_articles_fails(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "bad.jsonl", ["{broken", "[1, 2]"])

    result = run(main_group, "index", "--corpus", corpus, "--index", tmp_path / "index")

    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].endswith(
        f"error: no articles to index in {corpus} (2 bad records); "
        "the existing index, if any, is kept"
    )


# -- search --json ---------------------------------------------------------------


def test_json_lines_shape(built: Built) -> None:
    result = run(search_command, "--index", built.index, "--json", "wheat OR penalties OR Karabakh")

    assert result.exit_code == 0
    assert result.stdout.endswith("}\n")
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(ids(hits)) == ["e1", "f1", "k1", "w1"]
    assert [hit["rank"] for hit in hits] == [1, 2, 3, 4]
    for hit in hits:
        assert set(hit) == JSON_KEYS
        assert isinstance(hit["score"], float)
        assert hit["score"] > 0
        assert isinstance(hit["snippet"], str)
    scores = [hit["score"] for hit in hits]
    assert scores == sorted(scores, reverse=True)
    by_id = {hit["id"]: hit for hit in hits}
    assert {key: by_id["k1"][key] for key in ("title", "date", "source", "url")} == {
        "title": "Convoy stopped on the Lachin corridor",
        "date": "2023-01-10",
        "source": "BBC",
        "url": "https://example.org/news/k1",
    }
    assert (by_id["w1"]["date"], by_id["w1"]["source"], by_id["w1"]["url"]) == (None, None, None)
    assert (by_id["f1"]["date"], by_id["f1"]["source"], by_id["f1"]["url"]) == (
        "2022-05-01",
        "DW",
        None,
    )


@pytest.mark.parametrize(
    ("query", "expected_ids", "matched_words"),
    [
        ("Karabakh", ["k1"], {"karabakh"}),
        ("Artsakh", ["k1"], {"artsakh", "karabakh"}),
        ('"Lachin corridor"', ["k1"], {"lachin corridor"}),
        ("harvests", ["e1", "w1"], {"harvest"}),
        ("wheat OR penalties", ["e1", "f1", "w1"], {"wheat", "penalt"}),
    ],
)
def test_json_highlights_lie_in_the_snippet_on_query_words(
    built: Built, query: str, expected_ids: list[str], matched_words: set[str]
) -> None:
    hits = search_json(built, query)

    assert sorted(ids(hits)) == expected_ids
    for hit in hits:
        snippet = hit["snippet"]
        assert hit["highlights"], hit
        for start, end in hit["highlights"]:
            assert 0 <= start < end <= len(snippet)
            marked = snippet[start:end].lower()
            assert any(word in marked for word in matched_words), (marked, snippet)


def test_limit(built: Built) -> None:
    every = search_json(built, "wheat")
    first = search_json(built, "-n", "1", "wheat")

    assert len(every) == 2
    assert first == every[:1]


def test_no_match_prints_nothing(built: Built) -> None:
    for args in (["--json"], []):
        result = run(search_command, "--index", built.index, *args, "zanzibar")

        assert result.exit_code == 0
        assert result.stdout == ""


# -- synonyms ----------------------------------------------------------------------


def test_no_synonyms_loses_a_synonym_only_match(built: Built) -> None:
    assert ids(search_json(built, "Artsakh")) == ["k1"]
    assert ids(search_json(built, "--no-synonyms", "Artsakh")) == []
    assert ids(search_json(built, "--no-synonyms", "Karabakh")) == ["k1"]


def test_user_synonym_file_adds_a_rule(built: Built, tmp_path: Path) -> None:
    rules = tmp_path / "synonyms.txt"
    rules.write_text("# made-up name\nzyxland, Karabakh\n", encoding="utf-8")

    assert ids(search_json(built, "zyxland")) == []
    assert ids(search_json(built, "--synonyms", rules, "zyxland")) == ["k1"]


def test_missing_synonym_file_is_an_error(built: Built, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-synonyms.txt"

    result = run(search_command, "--index", built.index, "--synonyms", missing, "Karabakh")

    assert_one_line_error(result, str(missing))


# -- errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("Karabakh " + "-" * 1500 + "Lachin", id="many-minus"),
        pytest.param("Karabakh " + "NOT " * 2000 + "Lachin", id="many-not"),
    ],
)
def test_long_runs_of_not_cancel_out(built: Built, query: str) -> None:
    # An even number of negations is no negation: the article is found.
    result = run(search_command, "--index", built.index, "--json", query)
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["k1"]


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ('"Lachin corridor', "quote"),
        ("foo:bar", "'foo'"),
        ("AND", "AND"),
        ("Karabakh AND", "AND"),
        ("", "empty query"),
    ],
)
def test_bad_query_is_a_one_line_error(built: Built, query: str, fragment: str | None) -> None:
    assert_one_line_error(run(search_command, "--index", built.index, query), fragment)


def test_missing_named_index_is_an_error_and_builds_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-index"

    result = run(search_command, "--index", missing, "Karabakh")

    assert_one_line_error(result, str(missing))
    assert not missing.exists()


def test_info_on_missing_index_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-index"

    assert_one_line_error(run(main_group, "info", "--index", missing), str(missing))


def test_missing_corpus_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-corpus"

    result = run(main_group, "index", "--corpus", missing, "--index", tmp_path / "index")

    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].endswith(
        f"error: corpus not found: {missing} (give a .jsonl file or a directory)"
    )


@pytest.mark.parametrize(
    "manifest",
    [
        pytest.param(b"garbage{{", id="garbage"),
        pytest.param(b"", id="empty"),
        pytest.param(b"\xff\xfe\x00", id="binary"),
        pytest.param(b"[1, 2]", id="json-list"),
        pytest.param(b'{"format": "searchlib-index", "format_version": 99}', id="future"),
        pytest.param(
            json.dumps(
                {
                    "format": "searchlib-index",
                    "format_version": FORMAT_VERSION,
                    "generation": "gen-000001",
                }
            ).encode(),
            id="no-analysis",
        ),
    ],
)
@pytest.mark.parametrize("command", ["search", "info"])
def test_corrupt_manifest_is_an_error(
    built: Built, tmp_path: Path, manifest: bytes, command: str
) -> None:
    index = tmp_path / "index"
    shutil.copytree(built.index, index)
    (index / "searchlib.json").write_bytes(manifest)
    args = ["Karabakh"] if command == "search" else []

    result = run(main_group, command, "--index", index, *args)

    assert_one_line_error(result, str(index))


def test_other_stemmer_than_the_index_is_an_error(built: Built) -> None:
    result = run(search_command, "--index", built.index, "--stemmer", "porter", "Karabakh")

    assert_one_line_error(result, "stemmer='snowball'")


def test_same_stemmer_as_the_index_is_accepted(built: Built) -> None:
    result = run(search_command, "--index", built.index, "--stemmer", "snowball", "Karabakh")

    assert result.exit_code == 0
    assert "Lachin corridor" in result.stdout


@pytest.mark.parametrize(
    ("query", "expected_ids"),
    [
        ("Karabakh date:[2023-01-01 TO 2023-12-31]", ["k1"]),
        ("date:2022", ["f1"]),
        ("wheat date:2023-08", ["e1"]),
    ],
)
def test_date_queries_from_the_help_work(built: Built, query: str, expected_ids: list[str]) -> None:
    assert ids(search_json(built, query)) == expected_ids


# -- first use -----------------------------------------------------------------------


def test_first_search_builds_the_index(built: Built, tmp_path: Path) -> None:
    index = tmp_path / "new-index"

    first = run(search_command, "--index", index, "--corpus", built.corpus, "wheat")
    again = run(search_command, "--index", index, "--corpus", built.corpus, "wheat")

    assert first.exit_code == 0, first.output
    assert f"building index {index}" in first.stderr
    assert "indexed 5 articles" in first.stderr
    assert "Wheat harvest breaks records" in first.stdout
    assert again.exit_code == 0
    assert "building" not in again.stderr
    assert again.stdout == first.stdout


# -- colour --------------------------------------------------------------------------

HIGHLIGHT_IN_COLOUR = re.compile(r"\x1b\[[\d;]*mKarabakh\x1b\[0m")


def test_color_always_puts_escape_codes_around_highlights(built: Built) -> None:
    result = run(search_command, "--index", built.index, "--color", "always", "Karabakh")

    assert result.exit_code == 0
    assert HIGHLIGHT_IN_COLOUR.search(result.stdout)


@pytest.mark.parametrize("args", [[], ["--color", "never"], ["--color", "auto"]])
def test_plain_markers_when_not_on_a_terminal(built: Built, args: list[str]) -> None:
    result = run(search_command, "--index", built.index, *args, "Karabakh")

    assert result.exit_code == 0
    assert "**Nagorno-Karabakh**" in result.stdout
    assert "**Karabakh**" in result.stdout
    assert "\x1b" not in result.stdout


def search_on_a_terminal(args: list[str], monkeypatch: pytest.MonkeyPatch) -> str:
    """What ``search`` writes when its stdout is a terminal (a pseudo-terminal)."""
    main, secondary = pty.openpty()
    with (
        os.fdopen(main, "rb", buffering=0) as reader,
        os.fdopen(secondary, "w", encoding="utf-8") as terminal,
    ):
        with monkeypatch.context() as patch:
            patch.setattr(sys, "stdout", terminal)
            search_command.main(args, prog_name="search", standalone_mode=False)
            terminal.flush()
        chunks = []
        while select.select([reader], [], [], 0.2)[0]:
            chunks.append(reader.read(65536))
    return b"".join(chunks).decode("utf-8")


@pytest.mark.parametrize("no_color", [None, "1"], ids=["terminal", "NO_COLOR"])
def test_color_auto_on_a_terminal(
    built: Built, monkeypatch: pytest.MonkeyPatch, no_color: str | None
) -> None:
    for name in CLEAN_ENV:
        monkeypatch.delenv(name, raising=False)
    if no_color is not None:
        monkeypatch.setenv("NO_COLOR", no_color)

    output = search_on_a_terminal(
        ["--index", str(built.index), "--color", "auto", "Karabakh"], monkeypatch
    )

    coloured = no_color is None
    assert "Lachin corridor" in output
    assert bool(HIGHLIGHT_IN_COLOUR.search(output)) is coloured
    assert ("\x1b" in output) is coloured
    assert ("**Karabakh**" in output) is not coloured


# -- searchlib info ------------------------------------------------------------------


def test_info_text(built: Built) -> None:
    result = run(main_group, "info", "--index", built.index)

    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert f"index:      {built.index}" in lines
    assert "documents:  5" in lines
    assert "stemmer:    snowball" in lines
    assert "stopwords:  english" in lines


def test_info_json(built: Built) -> None:
    result = run(main_group, "info", "--index", built.index, "--json")

    assert result.exit_code == 0
    info = json.loads(result.stdout)
    assert info["documents"] == 5
    assert info["size_bytes"] > 0
    assert info["path"] == str(built.index)
    assert info["analysis"]["stemmer"] == "snowball"
    assert info["analysis"]["stopwords"] == "english"
    assert "stopword_list" not in info["analysis"]


# -- help ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "args"),
    [
        (main_group, []),
        (main_group, ["search"]),
        (main_group, ["index"]),
        (main_group, ["info"]),
        (search_command, []),
    ],
    ids=["searchlib", "searchlib-search", "searchlib-index", "searchlib-info", "search"],
)
def test_help_mentions_every_option(command: click.Command, args: list[str]) -> None:
    result = run(command, *args, "--help")

    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: ")
    target = main_group.commands[args[0]] if args else command
    names = [
        name
        for param in target.params
        if isinstance(param, click.Option)
        for name in param.opts + param.secondary_opts
    ]
    assert names
    for name in names:
        assert re.search(rf"(?<![\w-]){re.escape(name)}\b", result.stdout), name
    if isinstance(target, click.Group):
        for sub in target.commands:
            assert re.search(rf"^  {sub}\s", result.stdout, re.MULTILINE), sub
