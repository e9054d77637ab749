"""Scraped text of every quality and anything a user types: each bad record
is reported with file:line and skipped or repaired, and every query answers
or fails in one line within a bounded time."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import time
from pathlib import Path

import pytest

import searchlib
from searchlib import Article, QuerySyntaxError
from searchlib.corpus import read_articles
from searchlib.models import CorpusProblem

SECONDS_ALLOWED = 5.0


def read(path: Path) -> tuple[list[Article], list[CorpusProblem]]:
    problems: list[CorpusProblem] = []
    return list(read_articles(path, problems.append)), problems


# -- corpus files ----------------------------------------------------------------

# One file per kind of damage: (name, content, ids read, [(line, reason part)]).
BAD_FILES = [
    (
        "invalid-utf8.jsonl",
        b'{"id": "u1", "text": "caf\xe9"}\n{"id": "u2", "text": "fine"}\n',
        ["u2"],
        [(1, "not UTF-8")],
    ),
    (
        "nul.jsonl",
        b'{"id": "n1", "text": "a\\u0000b"}\n'
        b'{"id": "n2", "text": "raw\x00nul\tand tab"}\n\x00\x00\n',
        ["n1", "n2"],
        [(3, "invalid JSON")],
    ),
    ("binary.jsonl", bytes(range(256)) * 8, [], [(1, "a binary file")]),
    ("binary.txt", bytes(range(256)) * 8, [], [(1, "not UTF-8")]),
    ("binary.jsonl.gz", b"\x1f\x8b\x08\x00garbage", [], [(1, "cannot read the rest")]),
    ("empty.jsonl", b"", [], []),
    ("empty.txt", b"", [], [(1, "empty article")]),
    ("blank.md", b"\n \n\t\n", [], [(1, "empty article")]),
    (
        "long-lines.jsonl",
        (json.dumps({"id": "l1", "text": "word " * 2000}) + "\n" + "y" * 10_000 + "\n").encode(),
        ["l1"],
        [(2, "invalid JSON")],
    ),
    (
        "nested.jsonl",
        (
            "[" * 100_000
            + "]" * 100_000
            + '\n{"id": "deep", "meta": '
            + '{"a": ' * 50
            + "1"
            + "}" * 50
            + ', "text": "ok"}\n'
        ).encode(),
        ["deep"],
        [(1, "invalid JSON")],
    ),
    (
        "duplicates.jsonl",
        b'{"id": "d", "text": "first"}\n{"id": "d", "text": "second"}\n',
        ["d"],
        [(2, "duplicate id 'd'")],
    ),
    (
        "types.jsonl",
        b'{"id": 5, "text": "int id"}\n{"id": 5.5}\n{"id": true}\n{"id": "t1", "title": ["a"]}\n'
        b'{"id": "t2", "date": 20170101}\n{"id": null}\n{"id": "t3", "text": {"x": 1}}\n[1, 2]\n'
        b'"text"\n{"id": "  "}\n',
        ["5", "t2"],
        [
            (2, "missing id"),
            (3, "missing id"),
            (4, "field 'title' is a list"),
            (5, "unreadable date '20170101' dropped"),
            (6, "missing id"),
            (7, "field 'text' is a dict"),
            (8, "expected a JSON object, got list"),
            (9, "expected a JSON object, got str"),
            (10, "missing id"),
        ],
    ),
    (
        "bom.jsonl",
        b'\xef\xbb\xbf{"id": "bom", "text": "x"}\r\n{"id": "crlf", "text": "y"}\r\n',
        ["bom", "crlf"],
        [],
    ),
    (
        "surrogates.jsonl",
        b'{"id": "s1", "text": "lone \\ud800 half"}\n{"id": "s2\\udfff", "text": "x"}\n',
        ["s1", "s2\ufffd"],
        [],
    ),
    (
        "huge-number.jsonl",
        b'{"id": 1' + b"0" * 5000 + b', "text": "x"}\n',
        [],
        [(1, "invalid JSON")],
    ),
    ("front-matter.md", b"---\nid:\ntitle: Titled\n---\nBody text\n", ["front-matter"], []),
]


@pytest.mark.parametrize(
    ("name", "content", "ids", "expected"), BAD_FILES, ids=[case[0] for case in BAD_FILES]
)
def test_each_bad_record_is_reported_with_its_line_and_the_rest_read(
    tmp_path: Path, name: str, content: bytes, ids: list[str], expected: list[tuple[int, str]]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / name).write_bytes(content)
    (corpus / "good.jsonl").write_text('{"id": "good", "text": "kept"}\n', encoding="utf-8")
    articles, problems = read(corpus)
    assert {a.id for a in articles} == {*ids, "good"}
    assert [(p.line, p.path) for p in problems] == [
        (line, str(corpus / name)) for line, _ in expected
    ]
    for problem, (_, reason) in zip(problems, expected, strict=True):
        assert reason in problem.reason
    # Whatever was read can be indexed and searched.
    with searchlib.build_index(articles, tmp_path / "index") as index:
        assert index.search("kept").total == 1


def test_control_characters_and_surrogates_are_repaired(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(b'{"id": "a\\u0000b", "title": "T\\u0007i\\ud83dtle", "text": "x\x01y\tz"}\n')
    (article,), problems = read(path)
    assert problems == []
    assert (article.id, article.title, article.text) == ("ab", "Ti\ufffdtle", "xy\tz")


def test_a_record_larger_than_the_limit_is_skipped_without_reading_it_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("searchlib.corpus.MAX_RECORD_BYTES", 1000)
    path = tmp_path / "c.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        stream.write(json.dumps({"id": "big", "text": "x" * 5000}) + "\n")
        stream.write(json.dumps({"id": "small", "text": "y"}) + "\n")
    (tmp_path / "big.txt").write_text("z" * 5000, encoding="utf-8")
    articles, problems = read(tmp_path)
    assert [a.id for a in articles] == ["small"]
    assert [(Path(p.path).name, p.line) for p in problems] == [("big.txt", 1), ("c.jsonl.gz", 1)]
    assert all("too large" in p.reason for p in problems)


def test_a_truncated_gzip_file_keeps_the_records_before_the_damage(tmp_path: Path) -> None:
    records = "".join(json.dumps({"id": f"r{n}", "text": "t " * 50}) + "\n" for n in range(200))
    compressed = gzip.compress(records.encode())
    path = tmp_path / "c.jsonl.gz"
    path.write_bytes(compressed[: len(compressed) // 2])
    articles, problems = read(path)
    assert 0 < len(articles) < 200
    assert [a.id for a in articles] == [f"r{n}" for n in range(len(articles))]
    (problem,) = problems
    assert problem.line == len(articles) + 1 and "cannot read the rest" in problem.reason


@pytest.mark.parametrize(
    ("written", "date"),
    [
        ("2017-02-17", dt.date(2017, 2, 17)),
        ("2017-02-17T10:00:00Z", dt.date(2017, 2, 17)),
        ("2017/2/7", dt.date(2017, 2, 7)),
        ("Fri, 17 Feb 2017 10:00:00 GMT", dt.date(2017, 2, 17)),
        ("Fri, 17 Feb 2017 10:00:00 +0300", dt.date(2017, 2, 17)),
        ("17 February 2017", dt.date(2017, 2, 17)),
        ("Feb 17, 2017", dt.date(2017, 2, 17)),
        ("February 17 2017", dt.date(2017, 2, 17)),
        ("17/02/2017", None),  # day or month first? not guessed
        ("2017-02-30", None),
        ("2017", None),
        ("yesterday", None),
        ("9" * 1000, None),
    ],
)
def test_dates_in_odd_formats_are_read_or_dropped(
    tmp_path: Path, written: str, date: dt.date | None
) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "x", "date": written}) + "\n", encoding="utf-8")
    (article,), problems = read(path)
    assert article.date == date
    assert [p.skipped for p in problems] == ([] if date else [False])


# -- queries ---------------------------------------------------------------------

HOSTILE_QUERIES = {
    "Armenian": "Հայաստան Արցախ Ստեփանակերտ",
    "Cyrillic": "Москва Кремль Нагорный Карабах",  # noqa: RUF001
    "Arabic": "القاهرة دمشق ﷺ",
    "Hebrew": "ירושלים",
    "emoji": "🔥💥 Karabakh 👍🏽 🇦🇲",
    "right-to-left marks": "\u200fKarabakh\u200e \u202eabc\u202c \u2067x\u2069",
    "combining marks": "Zu\u0308rich e\u0301\u0301\u0301\u0301 \u0301\u0301",
    "zero-width": "Kara\u200bbakh \ufeff \u2060",
    "control characters": "\x00\x01Karabakh\x1b[31m\x7f",
    "lone surrogate": "\ud800Karabakh",
    "100 KB of one word": "Karabakh " * 11_000,
    "thousands of words": " ".join(f"w{n}" for n in range(5_000)),
    "a thousand distinct words": " ".join(f"w{n}" for n in range(1_000)),
    "thousands of ORs": " OR ".join(f"w{n}" for n in range(3_000)),
    "deep brackets": "(" * 5_000 + "x" + ")" * 5_000,
    "NOT after NOT": "NOT " * 5_000 + "x",
    "minus after minus": "-" * 100_000 + "x",
    "field after field": "title:" * 20_000 + "x",
    "quotes": '"' * 10_001,
    "a huge phrase": '"' + "Karabakh corridor " * 5_000 + '"',
    "a hyphen chain": "-".join(["Karabakh"] * 10_000),
    "wildcards": "*" * 1_000 + " Kar*ba?h ?*?*?* \\*",
    "brackets": "[" * 1_000 + "{" * 1_000,
    "date soup": "date:[" * 1_000,
    "odd dates": "date:[9999-99-99 TO *] date:[0000-01-01 TO 0000-02-01]",
    "operators only": "AND OR NOT AND OR NOT",
    "white space": " \t\n\r\u00a0\u2028 ",
    "one huge word": "a" * 100_000,
}


@pytest.mark.parametrize("query", HOSTILE_QUERIES.values(), ids=HOSTILE_QUERIES.keys())
def test_any_query_answers_or_fails_in_one_line(tiny_index: searchlib.Index, query: str) -> None:
    started = time.perf_counter()
    try:
        results = tiny_index.search(query, limit=5)
        assert results.total >= len(results.hits)
    except QuerySyntaxError as error:
        assert str(error) and "\n" not in str(error)
    assert time.perf_counter() - started < SECONDS_ALLOWED


def test_scripts_and_marks_are_found_as_written(make_index) -> None:  # type: ignore[no-untyped-def]
    index = make_index(
        [
            Article(id="hy", text="Ստեփանակերտ քաղաքում"),
            Article(id="ru", text="Карабах и Москва"),  # noqa: RUF001
            Article(id="ar", text="دمشق ﷺ"),
        ]
    )
    assert [h.id for h in index.search("Ստեփանակերտ")] == ["hy"]
    assert [h.id for h in index.search("карабах")] == ["ru"]
    assert [h.id for h in index.search("ﷺ")] == ["ar"]
    assert [h.id for h in index.search("\u200fМосква\u200e")] == ["ru"]  # noqa: RUF001
