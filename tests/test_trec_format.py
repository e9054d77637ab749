"""TREC run, qrels and queries files: round trips, line checks, collection export."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from searchlib.errors import SearchlibError
from searchlib.evaluation.collections import TestCollection
from searchlib.evaluation.trec import (
    EvaluationError,
    EvaluationFormatError,
    convert_collection,
    ranked_documents,
    read_queries_tsv,
    read_trec_qrels,
    read_trec_run,
    write_queries_tsv,
    write_trec_qrels,
    write_trec_run,
)
from searchlib.models import Article


def test_run_round_trip(tmp_path: Path) -> None:
    run = {
        "q2": {"d1": 0.5, "d2": 2.25, "d3": 0.5, "d4": 1e-07},
        "q10": {"x": -3.0},
    }
    path = tmp_path / "run.txt"
    write_trec_run(run, path, tag="bm25")
    assert read_trec_run(path) == run
    assert path.read_text().splitlines() == [
        "q2 Q0 d2 1 2.25 bm25",
        # tied scores: the later document id first, as trec_eval ranks them
        "q2 Q0 d3 2 0.5 bm25",
        "q2 Q0 d1 3 0.5 bm25",
        "q2 Q0 d4 4 1e-07 bm25",
        "q10 Q0 x 1 -3.0 bm25",
    ]


def test_ranked_documents_orders_like_trec_eval() -> None:
    assert ranked_documents({"a": 1.0, "c": 1.0, "b": 2.0}) == [
        ("b", 2.0),
        ("c", 1.0),
        ("a", 1.0),
    ]


def test_run_reader_takes_any_whitespace_and_skips_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "run.txt"
    path.write_text("1\tQ0\tdoc-7\t1\t12.5\tmine\n\n  1 Q0 doc-3 2 11 mine  \r\n")
    assert read_trec_run(path) == {"1": {"doc-7": 12.5, "doc-3": 11.0}}


def test_qrels_round_trip(tmp_path: Path) -> None:
    qrels = {"1": {"184": 3, "486": 0}, "2": {"12": 4, "9": -1}}
    path = tmp_path / "qrels.txt"
    write_trec_qrels(qrels, path)
    assert path.read_text().splitlines()[:2] == ["1 0 184 3", "1 0 486 0"]
    assert read_trec_qrels(path) == qrels


def test_queries_round_trip_flattens_text(tmp_path: Path) -> None:
    path = tmp_path / "queries.tsv"
    write_queries_tsv({"1": "what similarity laws\n must be\tobeyed ", "2": "x"}, path)
    assert path.read_text() == "1\twhat similarity laws must be obeyed\n2\tx\n"
    assert read_queries_tsv(path) == {"1": "what similarity laws must be obeyed", "2": "x"}


RUN_ERRORS = [
    ("q1 Q0 d1 1 1.0\n", 1, "5 fields"),
    ("q1 Q0 d1 1 1.0 t\nq1 Q0 d2 2 0.5 t extra\n", 2, "expected 'qid Q0 docid rank score tag'"),
    ("q1 Q0 d1 first 1.0 t\n", 1, "rank 'first' is not an integer"),
    ("q1 Q0 d1 1 high t\n", 1, "score 'high' is not a number"),
    ("q1 Q0 d1 1 nan t\n", 1, "score 'nan' is not finite"),
    ("q1 Q0 d1 1 1.0 t\n\nq1 Q0 d1 2 0.5 t\n", 3, "document 'd1' listed twice for query 'q1'"),
]


@pytest.mark.parametrize(("content", "line", "message"), RUN_ERRORS)
def test_malformed_run_lines(tmp_path: Path, content: str, line: int, message: str) -> None:
    path = tmp_path / "run.txt"
    path.write_text(content)
    with pytest.raises(EvaluationFormatError) as caught:
        read_trec_run(path)
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert message in str(caught.value)


QRELS_ERRORS = [
    ("1 0 184\n", 1, "expected 'qid 0 docid grade'"),
    ("1 0 184 2\n1 0 185 1.5\n", 2, "grade '1.5' is not an integer"),
    ("1 0 184 2\n1 0 184 3\n", 2, "document '184' judged twice for query '1'"),
]


@pytest.mark.parametrize(("content", "line", "message"), QRELS_ERRORS)
def test_malformed_qrels_lines(tmp_path: Path, content: str, line: int, message: str) -> None:
    path = tmp_path / "qrels.txt"
    path.write_text(content)
    with pytest.raises(EvaluationFormatError, match=re.escape(f"{path}:{line}: ")) as caught:
        read_trec_qrels(path)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("1\tok\n2 no tab\n", 2, "expected 'qid<TAB>text'"),
        ("1\ta\n1\tb\n", 2, "query '1' given twice"),
    ],
)
def test_malformed_queries_lines(tmp_path: Path, content: str, line: int, message: str) -> None:
    path = tmp_path / "queries.tsv"
    path.write_text(content)
    with pytest.raises(EvaluationFormatError, match=re.escape(f"{path}:{line}: {message}")):
        read_queries_tsv(path)


def test_format_errors_are_searchlib_errors(tmp_path: Path) -> None:
    assert issubclass(EvaluationFormatError, EvaluationError)
    assert issubclass(EvaluationError, SearchlibError)
    with pytest.raises(EvaluationError, match="cannot read"):
        read_trec_run(tmp_path / "missing.txt")
    (tmp_path / "latin.txt").write_bytes(b"q1 Q0 caf\xe9 1 1.0 t\n")
    with pytest.raises(EvaluationFormatError, match="not UTF-8"):
        read_trec_run(tmp_path / "latin.txt")


@pytest.mark.parametrize(
    "run",
    [{"q 1": {"d": 1.0}}, {"q1": {"": 1.0}}, {"q1": {"d\t2": 1.0}}, {"q1": {"d": float("inf")}}],
)
def test_writer_refuses_what_cannot_be_read_back(
    tmp_path: Path, run: dict[str, dict[str, float]]
) -> None:
    with pytest.raises(EvaluationFormatError):
        write_trec_run(run, tmp_path / "run.txt")


def test_writer_refuses_a_tag_with_spaces(tmp_path: Path) -> None:
    with pytest.raises(EvaluationFormatError, match="run tag"):
        write_trec_run({"q1": {"d": 1.0}}, tmp_path / "run.txt", tag="my run")


def test_convert_collection(tmp_path: Path) -> None:
    collection = TestCollection(
        name="tiny",
        articles=[
            Article("1", "Cocoa", "Showers in Bahia.\nDry period."),
            Article(
                "2",
                "Caf\u00e9",
                "text",
                subtitle="sub",
                date=dt.date(1987, 2, 26),
                source="Reuters",
                url="https://example.org/2",
            ),
        ],
        queries={"1": "cocoa\nrain", "2": "coffee"},
        qrels={"1": {"1": 2, "2": 0}},
    )
    files = convert_collection(collection, tmp_path / "out" / "tiny")
    assert files.corpus == tmp_path / "out" / "tiny" / "corpus.jsonl"
    records = [json.loads(line) for line in files.corpus.read_text(encoding="utf-8").splitlines()]
    assert records == [
        {"id": "1", "title": "Cocoa", "text": "Showers in Bahia.\nDry period."},
        {
            "id": "2",
            "title": "Caf\u00e9",
            "text": "text",
            "subtitle": "sub",
            "date": "1987-02-26",
            "source": "Reuters",
            "url": "https://example.org/2",
        },
    ]
    assert "Caf\u00e9" in files.corpus.read_text(encoding="utf-8")  # not \u-escaped
    assert read_queries_tsv(files.queries) == {"1": "cocoa rain", "2": "coffee"}
    assert read_trec_qrels(files.qrels) == collection.qrels
