"""TREC text files <-> run and judgment dicts; ``TestCollection`` -> files on disk.

The file side of an evaluation, the formats trec_eval reads:

* run:   ``qid Q0 docid rank score tag``, one retrieved document a line;
* qrels: ``qid 0 docid grade``, one judgment a line;
* queries: ``qid<TAB>text``, one query a line, its text flattened to one line.

Fields are separated by any whitespace.  A run is kept as query id ->
document id -> score: like trec_eval, which ranks by score (higher first) and
breaks ties by document id (later in sort order first), the rank column is
read and checked but not kept.  ``write_trec_run`` writes the ranks in that
same order.

Reading raises ``EvaluationFormatError`` naming ``file:line`` at the first
malformed line.  ``convert_collection`` writes a collection as the searchlib
corpus format (``corpus.jsonl``) beside ``queries.tsv`` and ``qrels.txt``.

    SearchlibError
     +-- EvaluationError             a run or file that cannot be evaluated
          +-- EvaluationFormatError  a line that cannot be parsed (file:line)
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from searchlib.errors import SearchlibError
from searchlib.evaluation.collections import Qrels, TestCollection
from searchlib.models import Article

Run = dict[str, dict[str, float]]

RUN_LINE = "qid Q0 docid rank score tag"
QRELS_LINE = "qid 0 docid grade"
QUERIES_LINE = "qid<TAB>text"


class EvaluationError(SearchlibError):
    """A run, judgments or measure that cannot be evaluated."""


class EvaluationFormatError(EvaluationError):
    """A run, qrels or queries line that cannot be parsed; the message names file:line."""


def _numbered_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, line without its end) for each line that is not blank."""
    try:
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if line.strip():
                    yield number, line.rstrip("\r\n")
    except OSError as error:
        raise EvaluationError(f"{path}: cannot read: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise EvaluationFormatError(f"{path}: not UTF-8 text ({error.reason})") from error


def _fields(path: Path, number: int, line: str, expected: str) -> list[str]:
    fields = line.split()
    if len(fields) != len(expected.split()):
        raise EvaluationFormatError(
            f"{path}:{number}: {len(fields)} fields in {line.strip()!r}; expected '{expected}'"
        )
    return fields


def _number(path: Path, number: int, text: str, name: str, kind: type[int] | type[float]) -> float:
    try:
        value = kind(text)
    except ValueError:
        raise EvaluationFormatError(
            f"{path}:{number}: {name} {text!r} is not {'an integer' if kind is int else 'a number'}"
        ) from None
    if not math.isfinite(value):
        raise EvaluationFormatError(f"{path}:{number}: {name} {text!r} is not finite")
    return value


def read_trec_run(path: str | Path) -> Run:
    """``qid Q0 docid rank score tag`` lines -> query id -> document id -> score."""
    source = Path(path)
    run: Run = {}
    for number, line in _numbered_lines(source):
        query_id, _, doc_id, rank, score, _ = _fields(source, number, line, RUN_LINE)
        _number(source, number, rank, "rank", int)
        scores = run.setdefault(query_id, {})
        if doc_id in scores:
            raise EvaluationFormatError(
                f"{source}:{number}: document {doc_id!r} listed twice for query {query_id!r}"
            )
        scores[doc_id] = _number(source, number, score, "score", float)
    return run


def read_trec_qrels(path: str | Path) -> Qrels:
    """``qid 0 docid grade`` lines -> query id -> document id -> grade."""
    source = Path(path)
    qrels: Qrels = {}
    for number, line in _numbered_lines(source):
        query_id, _, doc_id, grade = _fields(source, number, line, QRELS_LINE)
        grades = qrels.setdefault(query_id, {})
        if doc_id in grades:
            raise EvaluationFormatError(
                f"{source}:{number}: document {doc_id!r} judged twice for query {query_id!r}"
            )
        grades[doc_id] = int(_number(source, number, grade, "grade", int))
    return qrels


def read_queries_tsv(path: str | Path) -> dict[str, str]:
    """``qid<TAB>text`` lines -> query id -> text."""
    source = Path(path)
    queries: dict[str, str] = {}
    for number, line in _numbered_lines(source):
        query_id, tab, text = line.partition("\t")
        if not tab or not query_id.strip():
            raise EvaluationFormatError(f"{source}:{number}: expected '{QUERIES_LINE}'")
        if query_id.strip() in queries:
            raise EvaluationFormatError(f"{source}:{number}: query {query_id!r} given twice")
        queries[query_id.strip()] = text.strip()
    return queries


def _checked_token(value: str, what: str) -> str:
    """An id or tag as one whitespace-free field, or an error saying why not."""
    if not value or value != "".join(value.split()):
        raise EvaluationFormatError(
            f"{what} {value!r} is empty or holds whitespace; TREC files split fields on it"
        )
    return value


def ranked_documents(scores: Mapping[str, float]) -> list[tuple[str, float]]:
    """(document id, score) in trec_eval's order: score down, ties by id down."""
    return sorted(scores.items(), key=lambda item: (item[1], item[0]), reverse=True)


def write_trec_run(
    run: Mapping[str, Mapping[str, float]],
    destination: str | Path | TextIO,
    tag: str = "searchlib",
) -> None:
    """Write ``qid Q0 docid rank score tag`` lines, ranks counted from 1, to a
    file path or an open text stream."""
    _checked_token(tag, "run tag")
    if not isinstance(destination, (str, Path)):
        _write_run_lines(run, destination, tag)
        return
    with Path(destination).open("w", encoding="utf-8", newline="\n") as out:
        _write_run_lines(run, out, tag)


def _write_run_lines(run: Mapping[str, Mapping[str, float]], out: TextIO, tag: str) -> None:
    for query_id, scores in run.items():
        _checked_token(query_id, "query id")
        for rank, (doc_id, score) in enumerate(ranked_documents(scores), start=1):
            if not math.isfinite(score):
                raise EvaluationFormatError(f"score {score} of {doc_id!r} is not finite")
            out.write(f"{query_id} Q0 {_checked_token(doc_id, 'document id')} ")
            out.write(f"{rank} {float(score)!r} {tag}\n")


def write_trec_qrels(qrels: Mapping[str, Mapping[str, int]], path: str | Path) -> None:
    """Write ``qid 0 docid grade`` lines."""
    with Path(path).open("w", encoding="utf-8", newline="\n") as out:
        for query_id, grades in qrels.items():
            _checked_token(query_id, "query id")
            for doc_id, grade in grades.items():
                out.write(f"{query_id} 0 {_checked_token(doc_id, 'document id')} {int(grade)}\n")


def write_queries_tsv(queries: Mapping[str, str], path: str | Path) -> None:
    """Write ``qid<TAB>text`` lines; tabs and line breaks in a text become spaces."""
    with Path(path).open("w", encoding="utf-8", newline="\n") as out:
        for query_id, text in queries.items():
            out.write(f"{_checked_token(query_id, 'query id')}\t{' '.join(text.split())}\n")


def article_to_json(article: Article) -> dict[str, str]:
    """The searchlib corpus record: id, title, text, and the optional fields that are set."""
    record = {"id": article.id, "title": article.title, "text": article.text}
    if article.subtitle:
        record["subtitle"] = article.subtitle
    if article.date is not None:
        record["date"] = article.date.isoformat()
    if article.source is not None:
        record["source"] = article.source
    if article.url is not None:
        record["url"] = article.url
    return record


@dataclass(frozen=True)
class CollectionFiles:
    """Where ``convert_collection`` wrote each part."""

    corpus: Path
    queries: Path
    qrels: Path


def convert_collection(collection: TestCollection, out_dir: str | Path) -> CollectionFiles:
    """Write ``corpus.jsonl``, ``queries.tsv`` and ``qrels.txt`` into ``out_dir``."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    files = CollectionFiles(folder / "corpus.jsonl", folder / "queries.tsv", folder / "qrels.txt")
    with files.corpus.open("w", encoding="utf-8", newline="\n") as out:
        for article in collection.articles:
            out.write(json.dumps(article_to_json(article), ensure_ascii=False) + "\n")
    write_queries_tsv(collection.queries, files.queries)
    write_trec_qrels(collection.qrels, files.qrels)
    return files
