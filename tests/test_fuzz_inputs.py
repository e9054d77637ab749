"""Fuzzing the corpus readers and the query path with hypothesis.

Each reader takes any bytes without raising: good records come out as
articles that can be indexed, bad ones as problems with file:line.  Any
query answers or fails with a one-line error, quickly.  The budget is fixed
for CI; raise it for a long hunt:

    SEARCHLIB_FUZZ_EXAMPLES=5000 python -m pytest tests/test_fuzz_inputs.py

What earlier hunts found is kept below as plain tests (``test_found_*``),
so it is checked every run whatever hypothesis draws.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import searchlib
from searchlib import Article, QuerySyntaxError
from searchlib.analysis import AnalysisSettings, Analyzer
from searchlib.corpus import read_articles
from searchlib.models import CorpusProblem
from searchlib.schema import analyse_article, article_fields

# Hypothesis warns when a failing example it reports is long (queries of
# thousands of words are); the warning must not hide the failure itself.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Generating overly large repr:hypothesis.errors.HypothesisWarning"
)

EXAMPLES = int(os.environ.get("SEARCHLIB_FUZZ_EXAMPLES", "120"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ANALYZER = Analyzer(AnalysisSettings(stemmer="none"))
SECONDS_ALLOWED = 5.0
CONTROL = {chr(c) for c in range(32) if chr(c) not in "\t\n\r"} | {"\x7f"}


def characters(*ranges: tuple[int, int]) -> st.SearchStrategy[str]:
    return st.one_of(*(st.integers(low, high).map(chr) for low, high in ranges))


SCRIPTS = characters(
    (0x0531, 0x058F),  # Armenian
    (0x0400, 0x04FF),  # Cyrillic
    (0x0600, 0x06FF),  # Arabic
    (0xFB50, 0xFDFF),  # Arabic presentation forms (ligatures such as U+FDFA)
    (0x0590, 0x05FF),  # Hebrew
    (0x1F300, 0x1FAFF),  # emoji
    (0x0300, 0x036F),  # combining marks
    (0x200B, 0x200F),  # zero-width characters, right-to-left marks
    (0x202A, 0x202E),  # bidirectional embeddings
    (0x2066, 0x2069),  # bidirectional isolates
    (0xD800, 0xDFFF),  # lone surrogates
    (0x0000, 0x001F),  # control characters
)
WORDS = ["Karabakh", "corridor", "Lachin", "U.S.", "2,000", "3.5", "Zürich", "O'Brien", "the"]
OPERATORS = [
    "AND", "OR", "NOT", "TO", "(", ")", '"', "-", ":", "[", "]", "{", "}", "*", "?", "~",
    "^", "\\", "title:", "text:", "source:", "date:", "date:[", "date:2017", "foo:",
]  # fmt: skip
PIECES = st.one_of(
    st.sampled_from(WORDS + OPERATORS),
    st.text(SCRIPTS, max_size=8),
    st.text(max_size=6),
)


@st.composite
def hostile_queries(draw: st.DrawFn) -> str:
    """Pieces side by side, some repeated up to thousands of times."""
    parts = []
    for piece in draw(st.lists(PIECES, min_size=1, max_size=12)):
        repeat = draw(st.sampled_from([1, 1, 1, 2, 50, 2_000]))
        gap = draw(st.sampled_from([" ", "", "  ", "\t"]))
        parts.append((piece + gap) * repeat)
    return "".join(parts)


# -- corpus readers --------------------------------------------------------------

VALUES = st.one_of(
    st.text(max_size=30),
    st.text(SCRIPTS, max_size=10),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from(["2017-02-17", "Fri, 17 Feb 2017 10:00:00 GMT", "17/02/2017", "2017-02-30"]),
)
RECORDS = st.dictionaries(
    st.sampled_from(["id", "title", "text", "subtitle", "date", "source", "url", "other"]),
    VALUES,
    max_size=8,
)


@st.composite
def jsonl_lines(draw: st.DrawFn) -> list[bytes]:
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["record", "record", "record", "bytes", "fragment"]))
        if kind == "record":
            record = draw(RECORDS)
            line = json.dumps(record, ensure_ascii=draw(st.booleans())).encode(
                "utf-8", "surrogatepass"
            )
        elif kind == "bytes":
            line = draw(st.binary(max_size=60)).replace(b"\n", b" ")
        else:
            line = draw(
                st.sampled_from(
                    [
                        b"\xef\xbb\xbf{}",
                        b'{"id": "\\ud800", "text": "\\udfff"}',
                        b'{"id": "x", "text": "raw\x00\x01\ttab"}',
                        b"[" * 3000,
                        b'{"id": "d", "text": "dup"}',
                        b"\r",
                        b"",
                        b"\x00" * 10,
                    ]
                )
            )
        lines.append(line)
    return lines


def check_articles(articles: list[Article], problems: list[CorpusProblem], path: Path) -> None:
    """What every reader promises, whatever it read."""
    ids = [a.id for a in articles]
    assert len(ids) == len(set(ids))
    for article in articles:
        assert article.id and article.id == article.id.strip()
        for value in (article.id, article.title, article.text, article.subtitle):
            value.encode("utf-8")  # no lone surrogates
            assert not CONTROL & set(value)
        article_fields(article, analyse_article(article, ANALYZER))  # can be indexed
    for problem in problems:
        assert problem.path == str(path)
        assert problem.line >= 1
        assert "\n" not in str(problem)


# One folder for every example's file, removed when the test run ends
# (thousands of examples would otherwise each leave a folder behind).
SCRATCH = tempfile.TemporaryDirectory(prefix="searchlib-fuzz-")


def scratch_file(name: str, content: bytes) -> Path:
    folder = Path(tempfile.mkdtemp(dir=SCRATCH.name))
    path = folder / name
    path.write_bytes(content)
    return path


@FUZZ
@given(lines=jsonl_lines(), newline=st.sampled_from([b"\n", b"\r\n"]))
def test_jsonl_reader_takes_any_bytes(lines: list[bytes], newline: bytes) -> None:
    path = scratch_file("corpus.jsonl", newline.join(lines) + newline)
    problems: list[CorpusProblem] = []
    articles = list(read_articles(path, problems.append))
    check_articles(articles, problems, path)
    if not any("binary" in p.reason for p in problems):
        records = sum(1 for line in lines if line.strip())
        skipped = sum(p.skipped for p in problems)
        assert len(articles) + skipped == records


@FUZZ
@given(lines=jsonl_lines(), cut=st.floats(0, 1), garbage=st.binary(max_size=20))
def test_gzip_reader_takes_damaged_archives(lines: list[bytes], cut: float, garbage: bytes) -> None:
    compressed = gzip.compress(b"\n".join(lines) + b"\n")
    damaged = compressed[: int(len(compressed) * cut)] + garbage
    path = scratch_file("corpus.jsonl.gz", damaged)
    problems: list[CorpusProblem] = []
    articles = list(read_articles(path, problems.append))
    check_articles(articles, problems, path)


FRONT_MATTER_KEYS = st.sampled_from(["title", "date", "source", "url", "id", "subtitle", "x", ""])


@st.composite
def text_files(draw: st.DrawFn) -> bytes:
    if draw(st.booleans()):
        return draw(st.binary(max_size=200))
    lines = []
    if draw(st.booleans()):
        lines.append("---")
        for _ in range(draw(st.integers(0, 5))):
            lines.append(f"{draw(FRONT_MATTER_KEYS)}: {draw(st.text(max_size=15))}")
        if draw(st.booleans()):
            lines.append("---")
    lines += draw(st.lists(st.text(max_size=40), max_size=5))
    text = "\n".join(lines)
    return (("\ufeff" if draw(st.booleans()) else "") + text).encode("utf-8", "surrogatepass")


@FUZZ
@given(content=text_files(), suffix=st.sampled_from([".txt", ".md"]))
def test_text_reader_takes_any_file(content: bytes, suffix: str) -> None:
    path = scratch_file(f"article{suffix}", content)
    problems: list[CorpusProblem] = []
    articles = list(read_articles(path.parent, problems.append))
    check_articles(articles, problems, path)
    assert len(articles) + sum(p.skipped for p in problems) == 1


# -- analysis ---------------------------------------------------------------------


@FUZZ
@given(text=st.text(st.one_of(SCRIPTS, st.characters()), max_size=60))
def test_a_word_stays_one_term(text: str) -> None:
    """The index splits terms at spaces: a term with one inside would be two."""
    for term in ANALYZER.terms(text):
        assert term and not any(char.isspace() for char in term)


# -- queries ----------------------------------------------------------------------


@FUZZ
@given(query=hostile_queries(), natural=st.booleans())
def test_any_query_answers_or_fails_in_one_line(
    tiny_index: searchlib.Index, query: str, natural: bool
) -> None:
    started = time.perf_counter()
    try:
        results = tiny_index.search(query, limit=3, syntax="natural" if natural else "query")
    except QuerySyntaxError as error:
        assert str(error) and "\n" not in str(error)
    else:
        for hit in results:
            assert all(0 <= s < e <= len(hit.snippet) for s, e in hit.highlights)
    assert time.perf_counter() - started < SECONDS_ALLOWED


# -- what earlier hunts found -------------------------------------------------------


def test_found_lone_surrogates_from_json_escapes_are_replaced(tmp_path: Path) -> None:
    """Made the build crash: a lone surrogate cannot be encoded to hash or store."""
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "a\\udfff", "text": "x \\ud800 y"}\n', encoding="utf-8")
    (article,) = read_articles(path)
    assert (article.id, article.text) == ("a\ufffd", "x \ufffd y")
    with searchlib.build_index([article], tmp_path / "index") as index:
        assert index.document_count == 1


def test_found_ligatures_that_decompose_into_words_stay_one_term() -> None:
    """U+FDFA and 16 others fold (NFKD) to several words; the index split them."""
    ligatures = [
        char
        for char in map(chr, range(0x10000))
        if char.isalnum() and " " in unicodedata.normalize("NFKD", char)
    ]
    assert "\ufdfa" in ligatures
    for char in ligatures:  # one term, or none when only a mark is left (U+037A)
        terms = ANALYZER.terms(char)
        assert len(terms) <= 1 and " " not in "".join(terms), hex(ord(char))
    assert len(ANALYZER.terms("\ufdfa")) == 1


def test_found_raw_control_characters_inside_json_strings_are_read(tmp_path: Path) -> None:
    """Scraped text carries raw tabs and NULs; strict JSON refused the record."""
    path = tmp_path / "c.jsonl"
    path.write_bytes(b'{"id": "a", "text": "one\ttwo\x00three"}\n')
    (article,) = read_articles(path)
    assert article.text == "one\ttwothree"


def test_found_a_byte_order_mark_on_the_first_line_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"id": "a", "text": "x"}\n')
    assert [a.id for a in read_articles(path)] == ["a"]


@pytest.mark.parametrize(
    "query",
    [
        "NOT " * 2_000 + "x",  # RecursionError in the parser
        "-" * 3_000 + "x",  # RecursionError, and a quadratic lexer
        "title:" * 20_000,  # a quadratic lexer: minutes
        " ".join(f"w{n}" for n in range(1_000)),  # quadratic merging of repeated words
        '"' + "Karabakh corridor " * 3_000 + '"',  # a 6,000-word phrase: seconds per search
        "-".join(["x"] * 5_000),  # the same through a hyphenated word
        "x " + "date:2017 " * 1_000,  # whoosh's chained date filters overflowed the stack
        " OR ".join(["date:2017"] * 1_000),  # seconds per search
    ],
    ids=["NOTs", "minuses", "fields", "distinct words", "phrase", "hyphens", "dates", "OR dates"],
)
def test_found_queries_that_took_too_long_or_crashed(
    tiny_index: searchlib.Index, query: str
) -> None:
    started = time.perf_counter()
    try:
        tiny_index.search(query)
    except QuerySyntaxError as error:
        assert "\n" not in str(error)
    assert time.perf_counter() - started < SECONDS_ALLOWED
