"""Tests of ``searchlib.corpus``: corpus files on disk -> articles and problems.

Every corpus here is written by the test into ``tmp_path``: JSON Lines (plain
and gzip-compressed), ``.txt`` / ``.md`` articles, and folders mixing them.
A bad record must be reported with file, line and reason, and must never cost
the good records around it.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from searchlib import corpus
from searchlib.corpus import SeenIds, read_articles
from searchlib.errors import CorpusError
from searchlib.models import Article, CorpusProblem


def read(path: Path) -> tuple[list[Article], list[CorpusProblem]]:
    problems: list[CorpusProblem] = []
    articles = list(read_articles(path, problems.append))
    return articles, problems


def json_line(**record: Any) -> bytes:
    return json.dumps(record).encode()


def write_jsonl(path: Path, lines: list[bytes]) -> Path:
    data = b"".join(line + b"\n" for line in lines)
    if path.name.endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    path.write_bytes(data)
    return path


JSONL_NAMES = ["news.jsonl", "news.jsonl.gz"]


# -- JSON Lines: good records --------------------------------------------------


@pytest.mark.parametrize("name", JSONL_NAMES)
def test_jsonl_reads_every_field(tmp_path: Path, name: str) -> None:
    full = json_line(
        id="k1",
        title="Convoy stopped on the Lachin corridor",
        subtitle="Road to Nagorno-Karabakh blocked",
        text="Protesters blocked the only road.",
        date="2023-01-10",
        source="BBC",
        url="https://example.org/k1",
    )
    bare = json_line(id="w1", title="Wheat harvest breaks records")
    path = write_jsonl(tmp_path / name, [full, bare])

    articles, problems = read(path)

    assert articles == [
        Article(
            id="k1",
            title="Convoy stopped on the Lachin corridor",
            subtitle="Road to Nagorno-Karabakh blocked",
            text="Protesters blocked the only road.",
            date=dt.date(2023, 1, 10),
            source="BBC",
            url="https://example.org/k1",
        ),
        Article(id="w1", title="Wheat harvest breaks records"),
    ]
    assert articles[1].date is None
    assert articles[1].source is None
    assert articles[1].url is None
    assert problems == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-01-10", dt.date(2023, 1, 10)),
        ("2023-01-10T08:30:00Z", dt.date(2023, 1, 10)),
        ("2023-01-10T23:30:00-05:00", dt.date(2023, 1, 10)),
        ("2023/1/5", dt.date(2023, 1, 5)),
        ("", None),
        (None, None),
    ],
)
def test_jsonl_dates(tmp_path: Path, value: str | None, expected: dt.date | None) -> None:
    path = write_jsonl(tmp_path / "news.jsonl", [json_line(id="a", date=value)])

    articles, problems = read(path)

    assert [article.date for article in articles] == [expected]
    assert problems == []


def test_jsonl_numeric_id_is_read_as_text(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "news.jsonl", [json_line(id=17, title="t")])

    articles, problems = read(path)

    assert [article.id for article in articles] == ["17"]
    assert problems == []


# -- JSON Lines: bad records -------------------------------------------------------

BAD_LINES = [
    pytest.param(b"not json at all", "invalid JSON", id="invalid-json"),
    pytest.param(b'{"id": "x", "title": "cut off', "invalid JSON", id="truncated-object"),
    pytest.param(json_line(title="no id"), "missing id", id="missing-id"),
    pytest.param(json_line(id="", title="t"), "missing id", id="empty-id"),
    pytest.param(json_line(id="   ", title="t"), "missing id", id="blank-id"),
    pytest.param(json_line(id=None, title="t"), "missing id", id="null-id"),
    pytest.param(json_line(id=True, title="t"), "missing id", id="boolean-id"),
    pytest.param(b'{"id": "x", "title": "caf\xe9"}', "not UTF-8", id="latin-1-bytes"),
    pytest.param(b"[1, 2]", "JSON object", id="array"),
    pytest.param(b'"just a string"', "JSON object", id="string"),
    pytest.param(b"null", "JSON object", id="null"),
    pytest.param(json_line(id="x", title=5), "'title'", id="title-number"),
    pytest.param(json_line(id="x", text={"p": "a"}), "'text'", id="text-object"),
    pytest.param(json_line(id="x", url=["a"]), "'url'", id="url-list"),
]
# A raw control character inside a JSON string (not JSON by RFC 8259 s. 7,
# but common in scraped text) is read and stripped: see test_hostile_input.


@pytest.mark.parametrize("name", JSONL_NAMES)
@pytest.mark.parametrize(("bad", "reason"), BAD_LINES)
def test_bad_line_is_reported_and_skipped(
    tmp_path: Path, name: str, bad: bytes, reason: str
) -> None:
    path = write_jsonl(
        tmp_path / name,
        [json_line(id="before", title="b"), bad, json_line(id="after", title="a")],
    )

    articles, problems = read(path)

    assert [article.id for article in articles] == ["before", "after"]
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.path, problem.line, problem.skipped) == (str(path), 2, True)
    assert reason in problem.reason


def test_every_good_record_survives_many_bad_ones(tmp_path: Path) -> None:
    lines = []
    for number in range(1, 11):
        lines.append(json_line(id=f"good{number}", title="t"))
        lines.append(BAD_LINES[number].values[0])
    path = write_jsonl(tmp_path / "news.jsonl", lines)

    articles, problems = read(path)

    assert [article.id for article in articles] == [f"good{n}" for n in range(1, 11)]
    assert [problem.line for problem in problems] == list(range(2, 21, 2))


def test_duplicate_id_first_wins(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "news.jsonl",
        [
            json_line(id="a", title="first"),
            json_line(id="b", title="other"),
            json_line(id="a", title="second"),
        ],
    )

    articles, problems = read(path)

    assert [(article.id, article.title) for article in articles] == [
        ("a", "first"),
        ("b", "other"),
    ]
    assert [(p.path, p.line, p.skipped) for p in problems] == [(str(path), 3, True)]
    assert "duplicate" in problems[0].reason
    assert "'a'" in problems[0].reason


def test_duplicate_id_across_files_first_file_wins(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "1.jsonl", [json_line(id="a", title="first")])
    second = write_jsonl(
        tmp_path / "2.jsonl", [json_line(id="b", title="b"), json_line(id=" a ", title="second")]
    )

    articles, problems = read(tmp_path)

    assert [(article.id, article.title) for article in articles] == [("a", "first"), ("b", "b")]
    assert [(p.path, p.line) for p in problems] == [(str(second), 2)]


def test_seen_ids_still_known_after_moving_to_disk() -> None:
    seen = SeenIds(held=3)
    ids = [f"id-{n}" for n in range(8)] + ["Kyiv \u2014 \u041a\u0438\u0457\u0432", "lone \ud800"]

    added = [seen.add(article_id) for article_id in ids]

    assert added == [True] * 10
    assert [seen.add(article_id) for article_id in reversed(ids)] == [False] * 10
    assert len(seen) == 10
    assert "id-10" not in seen
    seen.close()


def test_duplicate_found_long_after_the_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ids move out of memory two at a time: the repeat of "a" is found on disk.
    monkeypatch.setattr(corpus, "SeenIds", functools.partial(SeenIds, held=2))
    lines = [json_line(id=name, title=name) for name in "abcdefg"] + [json_line(id="a")]
    path = write_jsonl(tmp_path / "news.jsonl", lines)

    articles, problems = read(path)

    assert [article.id for article in articles] == list("abcdefg")
    assert [(p.line, p.reason) for p in problems] == [(8, "duplicate id 'a'")]


def test_control_characters_are_removed_and_record_kept(tmp_path: Path) -> None:
    # Escaped in the JSON, so the line is valid; the characters must still
    # not reach the index or the terminal (ESC starts colour codes).
    record = json_line(
        id="n\u0000ul",
        title="Lachin\u0000 road\u001b[31m",
        text="Karabakh\u0000\u0007 talks",
        source="B\u0000BC",
    )
    path = write_jsonl(tmp_path / "news.jsonl", [record])

    articles, problems = read(path)

    assert articles == [
        Article(id="nul", title="Lachin road[31m", text="Karabakh talks", source="BBC")
    ]
    assert problems == []


@pytest.mark.parametrize("date", ["yesterday", "2023-02-30", "10/01/2023", 20230110])
def test_unreadable_date_is_dropped_and_record_kept(tmp_path: Path, date: object) -> None:
    path = write_jsonl(
        tmp_path / "news.jsonl",
        [json_line(id="a", title="t"), json_line(id="b", title="kept", date=date)],
    )

    articles, problems = read(path)

    assert articles[1] == Article(id="b", title="kept", date=None)
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.path, problem.line, problem.skipped) == (str(path), 2, False)
    assert "date" in problem.reason
    assert str(problem).endswith("(kept)")


def test_blank_lines_are_ignored_but_counted(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    path.write_bytes(
        json_line(id="a", title="t")
        + b"\n\n   \n\t\r\n"
        + json_line(id="b", title="t")
        + b"\r\n\n"
        + b"{broken\n"
    )

    articles, problems = read(path)

    assert [article.id for article in articles] == ["a", "b"]
    assert [(p.line, p.reason.split(" ")[0]) for p in problems] == [(7, "invalid")]


def test_truncated_gzip_keeps_the_records_before_the_damage(tmp_path: Path) -> None:
    lines = [json_line(id=f"a{n:04d}", title=f"title {n}", text="word " * 50) for n in range(2000)]
    data = gzip.compress(b"".join(line + b"\n" for line in lines), mtime=0)
    path = tmp_path / "news.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])

    articles, problems = read(path)

    assert 0 < len(articles) < 2000
    assert [(a.id, a.title) for a in articles] == [
        (f"a{n:04d}", f"title {n}") for n in range(len(articles))
    ]
    assert len(problems) == 1
    assert problems[0].path == str(path)
    assert problems[0].skipped
    assert "end-of-stream" in problems[0].reason


def test_gz_file_that_is_not_gzip_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl.gz"
    path.write_bytes(json_line(id="a", title="t") + b"\n")
    write_jsonl(tmp_path / "other.jsonl", [json_line(id="b", title="t")])

    articles, problems = read(tmp_path)

    assert [article.id for article in articles] == ["b"]
    assert [p.path for p in problems] == [str(path)]
    assert "cannot read" in problems[0].reason


# -- text and Markdown articles ----------------------------------------------


def test_text_article_with_front_matter(tmp_path: Path) -> None:
    (tmp_path / "caucasus").mkdir()
    (tmp_path / "caucasus" / "lachin.md").write_text(
        "---\n"
        "title: Convoy stopped on the Lachin corridor\n"
        "date: 2023-01-10\n"
        "source: 'BBC'\n"
        'url: "https://example.org/k1"\n'
        "---\n"
        "Protesters blocked the road.\n"
        "\n"
        "Residents report shortages.\n",
        encoding="utf-8",
    )

    articles, problems = read(tmp_path)

    assert articles == [
        Article(
            id="caucasus/lachin",
            title="Convoy stopped on the Lachin corridor",
            text="Protesters blocked the road.\n\nResidents report shortages.",
            date=dt.date(2023, 1, 10),
            source="BBC",
            url="https://example.org/k1",
        )
    ]
    assert problems == []


def test_front_matter_id_replaces_the_file_name(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text("---\nid: k1\ntitle: T\n---\nbody\n", encoding="utf-8")

    articles, _ = read(tmp_path)

    assert [(article.id, article.title, article.text) for article in articles] == [
        ("k1", "T", "body")
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("wheat.txt", "Wheat harvest breaks records\nFarmers in Kansas.\n"),
        ("wheat.md", "# Wheat harvest breaks records\n\nFarmers in Kansas.\n"),
        ("wheat.txt", "\ufeffWheat harvest breaks records\nFarmers in Kansas."),
        ("wheat.txt", "\n\n  Wheat harvest breaks records  \nFarmers in Kansas."),
    ],
    ids=["txt", "md-heading", "byte-order-mark", "leading-blank-lines"],
)
def test_text_article_without_front_matter(tmp_path: Path, name: str, content: str) -> None:
    (tmp_path / "farming").mkdir()
    (tmp_path / "farming" / name).write_text(content, encoding="utf-8")

    articles, problems = read(tmp_path)

    assert articles == [
        Article(id="farming/wheat", title="Wheat harvest breaks records", text="Farmers in Kansas.")
    ]
    assert problems == []


def test_text_file_given_as_the_corpus_path(tmp_path: Path) -> None:
    path = tmp_path / "wheat.txt"
    path.write_text("Wheat harvest\nFarmers in Kansas.", encoding="utf-8")

    articles, _ = read(path)

    assert [(article.id, article.title) for article in articles] == [("wheat", "Wheat harvest")]


@pytest.mark.parametrize(
    "title", ['Armenia says "no"', "'Tis the season in Yerevan", '"Peace" talks resume in Brussels']
)
def test_front_matter_keeps_quotes_that_are_part_of_the_title(tmp_path: Path, title: str) -> None:
    (tmp_path / "story.md").write_text(f"---\ntitle: {title}\n---\nbody\n", encoding="utf-8")

    articles, _ = read(tmp_path)

    assert [article.title for article in articles] == [title]


def test_front_matter_with_windows_line_endings(tmp_path: Path) -> None:
    (tmp_path / "story.md").write_bytes(
        b"---\r\ntitle: Lachin corridor reopens\r\ndate: 2023-07-01\r\n---\r\nBody.\r\n"
    )

    articles, problems = read(tmp_path)

    assert articles == [
        Article(id="story", title="Lachin corridor reopens", text="Body.", date=dt.date(2023, 7, 1))
    ]
    assert problems == []


def test_text_article_with_unreadable_date_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "story.md"
    path.write_text("---\ntitle: T\ndate: last Tuesday\n---\nbody\n", encoding="utf-8")

    articles, problems = read(tmp_path)

    assert articles == [Article(id="story", title="T", text="body")]
    assert [(p.path, p.line, p.skipped) for p in problems] == [(str(path), 1, False)]


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"   \n\n", "empty"), (b"caf\xe9 au lait\n", "not UTF-8")],
    ids=["empty", "latin-1"],
)
def test_bad_text_article_is_reported(tmp_path: Path, data: bytes, reason: str) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(data)
    (tmp_path / "good.txt").write_text("Good title\nbody", encoding="utf-8")

    articles, problems = read(tmp_path)

    assert [article.id for article in articles] == ["good"]
    assert [(p.path, p.line, p.skipped) for p in problems] == [(str(bad), 1, True)]
    assert reason in problems[0].reason


@pytest.mark.parametrize(
    "name",
    [
        "README.md",
        "readme.txt",
        "README.fr.md",
        "LICENSE.txt",
        "Licence.md",
        "COPYING.txt",
        ".hidden.txt",
        "_draft.md",
        "_drafts/story.md",
        ".git/objects.jsonl",
        "notes.csv",
    ],
)
def test_files_that_are_not_articles_are_passed_over(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"id": "no"}\n' if name.endswith(".jsonl") else "Not an article\n")
    (tmp_path / "story.txt").write_text("Real title\nReal text", encoding="utf-8")

    articles, problems = read(tmp_path)

    assert [article.id for article in articles] == ["story"]
    assert problems == []


def test_folder_mixing_formats_is_read_in_sorted_order(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "b.jsonl", [json_line(id="b1", title="t"), json_line(id="b2")])
    (tmp_path / "a.txt").write_text("Title a\ntext", encoding="utf-8")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "d.md").write_text("# Title d\ntext", encoding="utf-8")
    write_jsonl(tmp_path / "e.jsonl.gz", [json_line(id="e1", title="t")])

    articles, problems = read(tmp_path)

    assert [article.id for article in articles] == ["a", "b1", "b2", "c/d", "e1"]
    assert problems == []


# -- corpus paths that cannot be read at all ---------------------------------


def test_missing_corpus_path_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-corpus"

    with pytest.raises(CorpusError, match="no-such-corpus"):
        list(read_articles(missing))


@pytest.mark.parametrize("name", ["articles.csv", "articles.json", "articles.jsonl.bz2"])
def test_file_with_unsupported_extension_is_an_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text('{"id": "a"}\n', encoding="utf-8")

    with pytest.raises(CorpusError, match=r"\.jsonl"):
        list(read_articles(path))
