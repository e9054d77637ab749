"""Test collections on disk -> ``TestCollection`` (articles, queries, judgments).

The first stage of an evaluation: the articles go to indexing, the queries to
search, and the judgments (qrels) to :mod:`searchlib.evaluation.measures`.
One reader per file layout:

* SMART tagged files (``.I`` id, then ``.T`` title, ``.A`` authors, ``.W``
  text, ``.X``/``.B``/``.K``/``.C`` ...): CISI, CRAN, MED, ADI;
* NPL: numbered records, each closed by a ``/`` line;
* LISA: ``Document N`` records closed by a line of stars;
* BEIR directories: ``corpus.jsonl``, ``queries.jsonl``, ``qrels/<split>.tsv``;
* Reuters-21578 SGML and the BBC News folders: articles only, no queries.

A record that cannot be read is passed as a ``CorpusProblem`` to the optional
``on_problem`` callback and skipped; it never stops the load.  A file that is
missing altogether raises ``CorpusError``.

Document and query ids of the classic collections are the numbers of the
files written without leading zeros ("0013" -> "13"), so that they match the
judgments.  Grades are 1 for "relevant" in the binary collections; CRAN keeps
its four degrees (see ``CRANFIELD_GRADES``).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, NamedTuple

from searchlib.errors import CorpusError
from searchlib.models import Article, CorpusProblem

ProblemCallback = Callable[[CorpusProblem], None]
Qrels = dict[str, dict[str, int]]

# Cleverdon's codes in cranqrel (see its readme): 1 = complete answer,
# 2 = high relevance, 3 = useful background, 4 = minimum interest; -1 marks a
# document judged and found not relevant.  Gains must grow with relevance, so
# code c becomes grade 5 - c, and -1 becomes 0 (judged, not relevant).
CRANFIELD_GRADES: dict[int, int] = {1: 4, 2: 3, 3: 2, 4: 1, -1: 0}


@dataclass(frozen=True)
class TestCollection:
    """Articles to index, queries to run and graded judgments to score against.

    ``queries`` maps query id -> text; ``qrels`` maps query id -> document id
    -> grade (> 0 relevant, 0 judged not relevant).  A query without judgments
    is in ``queries`` but not in ``qrels``.
    """

    __test__: ClassVar[bool] = False  # a data class, not a pytest test class

    name: str
    articles: Sequence[Article]
    queries: dict[str, str]
    qrels: Qrels


def _ignore_problem(problem: CorpusProblem) -> None:
    del problem


def _require_file(path: Path) -> Path:
    if not path.is_file():
        raise CorpusError(f"{path}: file not found; check the collection directory")
    return path


def _canonical_number(text: str) -> str | None:
    """'0013' -> '13'; None when the text is not a whole number."""
    stripped = text.strip()
    return str(int(stripped)) if stripped.isdigit() else None


def _one_line(lines: Iterable[str]) -> str:
    return " ".join(" ".join(lines).split())


def _paragraph(lines: Iterable[str]) -> str:
    return "\n".join(line.strip() for line in lines).strip()


class _Located(NamedTuple):
    path: Path
    line: int
    article: Article


def _keep_first(items: Iterable[_Located], on_problem: ProblemCallback) -> list[Article]:
    """Drop a repeated document id (reported), keeping its first record."""
    seen: set[str] = set()
    articles = []
    for path, line, article in items:
        if article.id in seen:
            on_problem(CorpusProblem(str(path), line, f"duplicate id {article.id!r} skipped"))
            continue
        seen.add(article.id)
        articles.append(article)
    return articles


# --- SMART tagged files: CISI, CRAN, MED, ADI -------------------------------

_FIELD_MARKER = re.compile(r"\.([A-Z])\s*")


class _TaggedRecord(NamedTuple):
    id: str
    line: int
    fields: dict[str, list[str]]


def _read_tagged_records(path: Path, on_problem: ProblemCallback) -> Iterator[_TaggedRecord]:
    """``.I n`` starts a record; a lone ``.X`` line starts field X.

    A field given twice (two ``.T`` in ADI, two ``.W`` in CRAN 576 and 578)
    is read as one field with the lines of both.
    """
    record: _TaggedRecord | None = None
    field: list[str] | None = None
    with _require_file(path).open(encoding="latin-1") as lines:
        for number, raw in enumerate(lines, start=1):
            line = raw.rstrip()
            if line == ".I" or line.startswith(".I "):
                if record is not None:
                    yield record
                record_id = _canonical_number(line[2:])
                record, field = None, None
                if record_id is None:
                    on_problem(CorpusProblem(str(path), number, f"bad record id line {line!r}"))
                else:
                    record = _TaggedRecord(record_id, number, {})
            elif (marker := _FIELD_MARKER.fullmatch(line)) is not None and record is not None:
                field = record.fields.setdefault(marker.group(1), [])
            elif field is not None:
                field.append(line)
            elif line.strip() and record is not None:
                on_problem(CorpusProblem(str(path), number, "text before any field marker"))
    if record is not None:
        yield record


def _read_tagged_articles(path: Path, on_problem: ProblemCallback) -> list[Article]:
    def articles() -> Iterator[_Located]:
        for record in _read_tagged_records(path, on_problem):
            title = _one_line(record.fields.get("T", []))
            text = _paragraph(record.fields.get("W", []))
            yield _Located(path, record.line, Article(id=record.id, title=title, text=text))

    return _keep_first(articles(), on_problem)


def _read_tagged_queries(path: Path, on_problem: ProblemCallback) -> list[tuple[str, str]]:
    """(id, text) in file order; the text is the ``.T`` title (CISI) and ``.W``."""
    queries = []
    for record in _read_tagged_records(path, on_problem):
        text = _one_line(record.fields.get("T", []) + record.fields.get("W", []))
        if text:
            queries.append((record.id, text))
        else:
            on_problem(CorpusProblem(str(path), record.line, "query has no text"))
    return queries


def _read_judgment_rows(
    path: Path, width: int, on_problem: ProblemCallback
) -> Iterator[tuple[int, list[int]]]:
    """(line number, row) for rows of ``width`` numbers; the last may be a decimal."""
    with _require_file(path).open(encoding="latin-1") as lines:
        for number, line in enumerate(lines, start=1):
            fields = line.split()
            if not fields:
                continue
            try:
                if len(fields) != width:
                    raise ValueError(f"expected {width} columns, found {len(fields)}")
                yield number, [int(value) for value in fields[:-1]] + [int(float(fields[-1]))]
            except ValueError as error:
                on_problem(CorpusProblem(str(path), number, f"bad judgment line: {error}"))


def _add_judgment(qrels: Qrels, query_id: object, doc_id: object, grade: int) -> None:
    qrels.setdefault(str(query_id), {})[str(doc_id)] = grade


def _load_cisi_layout(
    name: str, directory: Path, stem: str, on_problem: ProblemCallback
) -> TestCollection:
    """CISI and ADI: ``<STEM>.REL`` rows are ``query doc 0 0.000000``."""
    articles = _read_tagged_articles(directory / f"{stem}.ALL", on_problem)
    queries = dict(_read_tagged_queries(directory / f"{stem}.QRY", on_problem))
    qrels: Qrels = {}
    for _, (query_id, doc_id, _, _) in _read_judgment_rows(
        directory / f"{stem}.REL", 4, on_problem
    ):
        _add_judgment(qrels, query_id, doc_id, 1)
    return TestCollection(name, articles, queries, qrels)


def _load_cisi(directory: Path, on_problem: ProblemCallback) -> TestCollection:
    return _load_cisi_layout("cisi", directory, "CISI", on_problem)


def _load_adi(directory: Path, on_problem: ProblemCallback) -> TestCollection:
    return _load_cisi_layout("adi", directory, "ADI", on_problem)


def _load_med(directory: Path, on_problem: ProblemCallback) -> TestCollection:
    """MED.REL is already in TREC qrels form: ``query 0 doc grade``."""
    articles = _read_tagged_articles(directory / "MED.ALL", on_problem)
    queries = dict(_read_tagged_queries(directory / "MED.QRY", on_problem))
    qrels: Qrels = {}
    for _, (query_id, _, doc_id, grade) in _read_judgment_rows(
        directory / "MED.REL", 4, on_problem
    ):
        _add_judgment(qrels, query_id, doc_id, grade)
    return TestCollection("med", articles, queries, qrels)


def _load_cran(directory: Path, on_problem: ProblemCallback) -> TestCollection:
    """Queries are numbered by position: the k-th query of ``cran.qry`` is "k".

    ``cranqrel`` numbers the queries 1..225 in file order, while the ``.I``
    ids of ``cran.qry`` skip numbers (001, 002, 004, 008, ... 365); the
    position is the id every published Cranfield run uses.
    """
    articles = _read_tagged_articles(directory / "cran.all.1400", on_problem)
    queries = _read_tagged_queries(directory / "cran.qry", on_problem)
    path = directory / "cranqrel"
    qrels: Qrels = {}
    for number, (query_id, doc_id, code) in _read_judgment_rows(path, 3, on_problem):
        if code in CRANFIELD_GRADES:
            _add_judgment(qrels, query_id, doc_id, CRANFIELD_GRADES[code])
        else:
            on_problem(CorpusProblem(str(path), number, f"unknown relevance code {code}"))
    numbered = {str(position): text for position, (_, text) in enumerate(queries, start=1)}
    return TestCollection("cran", articles, numbered, qrels)


# --- NPL: numbered records closed by "/" ------------------------------------


def _read_slash_records(path: Path, on_problem: ProblemCallback) -> Iterator[_TaggedRecord]:
    """A number line, then body lines, then a ``/`` line; the body is field "W".

    The end of the file also closes a record: rlv-ass lacks its last ``/``.
    """
    body: list[str] = []
    start = 0
    with _require_file(path).open(encoding="latin-1") as lines:
        for number, raw in enumerate([*lines, "/"], start=1):
            line = raw.strip()
            if line != "/":
                if body or line:
                    start = start or number
                    body.append(line)
                continue
            record_id = _canonical_number(body[0]) if body else None
            if record_id is not None:
                yield _TaggedRecord(record_id, start, {"W": body[1:]})
            elif body:
                on_problem(CorpusProblem(str(path), start, "record lacks its number"))
            body, start = [], 0


def _load_npl(directory: Path, on_problem: ProblemCallback) -> TestCollection:
    """NPL has no titles: each document is its abstract; judgments are binary."""
    doc_path = directory / "doc-text"

    def articles() -> Iterator[_Located]:
        for record in _read_slash_records(doc_path, on_problem):
            article = Article(id=record.id, text=_paragraph(record.fields["W"]))
            yield _Located(doc_path, record.line, article)

    documents = _keep_first(articles(), on_problem)
    queries = {
        record.id: _one_line(record.fields["W"])
        for record in _read_slash_records(directory / "query-text", on_problem)
    }
    qrels_path = directory / "rlv-ass"
    qrels: Qrels = {}
    for record in _read_slash_records(qrels_path, on_problem):
        doc_ids = " ".join(record.fields["W"]).split()
        if not doc_ids or not all(doc_id.isdigit() for doc_id in doc_ids):
            on_problem(CorpusProblem(str(qrels_path), record.line, "bad document numbers"))
            continue
        for doc_id in doc_ids:
            _add_judgment(qrels, record.id, int(doc_id), 1)
    return TestCollection("npl", documents, queries, qrels)


# --- LISA: "Document N" records closed by stars -----------------------------

# LISA1.501.ALL is left out: it repeats documents 1998-2001 of LISA1.501 and
# LISA2.001 and holds a fragment without a "Document" line.
_LISA_DOCUMENT_FILES = "LISA?.???"


def _read_lisa_documents(path: Path, on_problem: ProblemCallback) -> Iterator[_TaggedRecord]:
    """Title lines up to the first blank line, then the abstract."""
    record: list[str] = []
    start = 0
    with _require_file(path).open(encoding="latin-1") as lines:
        for number, raw in enumerate(lines, start=1):
            line = raw.rstrip()
            if not line.startswith("*****"):
                start = start or number
                record.append(line)
                continue
            heading = record[0].split() if record else []
            record_id = _canonical_number(heading[1]) if len(heading) == 2 else None
            if heading[:1] != ["Document"] or record_id is None:
                on_problem(CorpusProblem(str(path), start or number, "no 'Document N' line"))
            else:
                body = record[1:]
                blank = next((i for i, text in enumerate(body) if not text.strip()), len(body))
                yield _TaggedRecord(record_id, start, {"T": body[:blank], "W": body[blank:]})
            record, start = [], 0
    if any(line.strip() for line in record):
        on_problem(CorpusProblem(str(path), start, "last record is not closed by stars"))


def _read_lisa_queries(path: Path, on_problem: ProblemCallback) -> dict[str, str]:
    """A number line, then text up to a ``#``."""
    queries: dict[str, str] = {}
    query_id: str | None = None
    text: list[str] = []
    with _require_file(path).open(encoding="latin-1") as lines:
        for number, raw in enumerate(lines, start=1):
            line = raw.strip()
            if query_id is None:
                query_id = _canonical_number(line)
                if query_id is None and line:
                    on_problem(CorpusProblem(str(path), number, "expected a query number"))
                continue
            text.append(line.removesuffix("#"))
            if line.endswith("#"):
                queries[query_id] = _one_line(text)
                query_id, text = None, []
    if query_id is not None:
        on_problem(CorpusProblem(str(path), number, f"query {query_id} not closed by '#'"))
    return queries


def _read_lisa_judgments(path: Path, on_problem: ProblemCallback) -> Qrels:
    """LISARJ.NUM: per query its number, the count n, then n document numbers.

    LISA.REL says the same in prose but is damaged: query 21 lists 15 of its
    21 documents and queries 22 and 23 repeat the lists of 34 and 35.
    """
    with _require_file(path).open(encoding="latin-1") as lines:
        numbers = [(line, value) for line, text in enumerate(lines, 1) for value in text.split()]
    qrels: Qrels = {}
    position = 0
    while position < len(numbers):
        line, query_id = numbers[position]
        count = numbers[position + 1][1] if position + 1 < len(numbers) else ""
        if not (query_id.isdigit() and count.isdigit()):
            on_problem(CorpusProblem(str(path), line, "expected a query number and a count"))
            break
        doc_ids = [value for _, value in numbers[position + 2 : position + 2 + int(count)]]
        if len(doc_ids) < int(count) or not all(value.isdigit() for value in doc_ids):
            on_problem(CorpusProblem(str(path), line, f"query {query_id}: bad document list"))
            break
        for doc_id in doc_ids:
            _add_judgment(qrels, int(query_id), int(doc_id), 1)
        position += 2 + len(doc_ids)
    return qrels


def _load_lisa(directory: Path, on_problem: ProblemCallback) -> TestCollection:
    paths = sorted(directory.glob(_LISA_DOCUMENT_FILES))
    if not paths:
        raise CorpusError(f"{directory}: no {_LISA_DOCUMENT_FILES} files; is it LISA's folder?")

    def articles() -> Iterator[_Located]:
        for path in paths:
            for record in _read_lisa_documents(path, on_problem):
                title = _one_line(record.fields["T"])
                article = Article(id=record.id, title=title, text=_paragraph(record.fields["W"]))
                yield _Located(path, record.line, article)

    return TestCollection(
        "lisa",
        _keep_first(articles(), on_problem),
        _read_lisa_queries(directory / "LISA.QUE", on_problem),
        _read_lisa_judgments(directory / "LISARJ.NUM", on_problem),
    )


_SMART_LOADERS: dict[str, Callable[[Path, ProblemCallback], TestCollection]] = {
    "adi": _load_adi,
    "cisi": _load_cisi,
    "cran": _load_cran,
    "lisa": _load_lisa,
    "med": _load_med,
    "npl": _load_npl,
}
SMART_COLLECTIONS: tuple[str, ...] = tuple(sorted(_SMART_LOADERS))


def load_smart_collection(
    name: str, directory: str | Path, on_problem: ProblemCallback | None = None
) -> TestCollection:
    """Read one of the classic collections (``SMART_COLLECTIONS``) from its folder."""
    loader = _SMART_LOADERS.get(name.lower())
    if loader is None:
        choices = ", ".join(SMART_COLLECTIONS)
        raise CorpusError(f"unknown test collection {name!r}; choose one of: {choices}")
    return loader(Path(directory), on_problem or _ignore_problem)


# --- BEIR ---------------------------------------------------------------------


def _read_json_lines(
    path: Path, on_problem: ProblemCallback
) -> Iterator[tuple[int, dict[str, object]]]:
    """(line number, record) for each JSON object with a non-empty ``_id``."""
    with _require_file(path).open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                on_problem(CorpusProblem(str(path), number, f"invalid JSON: {error.msg}"))
                continue
            if not isinstance(record, dict) or not str(record.get("_id", "")).strip():
                on_problem(CorpusProblem(str(path), number, "not an object with an '_id'"))
                continue
            yield number, record


def _json_text(record: dict[str, object], key: str) -> str:
    value = record.get(key)
    return "" if value is None else str(value)


def _read_beir_qrels(path: Path, on_problem: ProblemCallback) -> Qrels:
    qrels: Qrels = {}
    with _require_file(path).open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            fields = line.split("\t") if "\t" in line else line.split()
            fields = [field.strip() for field in fields]
            if not any(fields) or (number == 1 and fields[0] == "query-id"):
                continue
            if len(fields) != 3 or not re.fullmatch(r"-?\d+", fields[2]):
                on_problem(CorpusProblem(str(path), number, "expected query-id corpus-id score"))
                continue
            _add_judgment(qrels, fields[0], fields[1], int(fields[2]))
    return qrels


def load_beir_collection(
    directory: str | Path,
    split: str = "test",
    on_problem: ProblemCallback | None = None,
    name: str | None = None,
) -> TestCollection:
    """Read a BEIR folder; keep the queries judged in ``qrels/<split>.tsv``.

    ``queries.jsonl`` holds the queries of every split, so, as BEIR's own
    loader does, only those the chosen split judges are kept.
    """
    root = Path(directory)
    report = on_problem or _ignore_problem
    corpus_path = root / "corpus.jsonl"

    def articles() -> Iterator[_Located]:
        for number, record in _read_json_lines(corpus_path, report):
            article = Article(
                _json_text(record, "_id"), _json_text(record, "title"), _json_text(record, "text")
            )
            yield _Located(corpus_path, number, article)

    kept = _keep_first(articles(), report)
    qrels = _read_beir_qrels(root / "qrels" / f"{split}.tsv", report)

    queries = {
        _json_text(record, "_id"): _json_text(record, "text")
        for _, record in _read_json_lines(root / "queries.jsonl", report)
        if _json_text(record, "_id") in qrels
    }
    return TestCollection(name or root.name, kept, queries, qrels)


# --- Reuters-21578 SGML -------------------------------------------------------

# A small SGML reader: one pattern finds the tags of the elements that hold
# what an article keeps, or that must be kept out of its text (<AUTHOR>).  The
# other elements of lewis.dtd (<TOPICS>, <D>, <UNKNOWN> ...) are children of
# <REUTERS> only, so their text falls outside and is dropped, and any other
# "<...>" stays text.  Entities (&lt; &amp; &#3; ...) are decoded by
# html.unescape.
_SGML_TAG = re.compile(r"<(/?)(REUTERS|DATE|TEXT|TITLE|AUTHOR|DATELINE|BODY)\b([^<>]*)>", re.I)
_SGML_ATTRIBUTE = re.compile(r"([A-Za-z]+)\s*=\s*\"([^\"]*)\"")
# Where the text inside each element goes.  The dateline opens the story on
# the wire ("SALVADOR, Feb 26 - Showers ..."), so it leads the article text.
# Text directly inside <TEXT> is the story only in an UNPROC story; in the
# others it is filler ("******", and "Blah blah blah." in a BRIEF).  The byline
# in <AUTHOR> and the elements outside <TEXT> other than <DATE> are dropped.
_REUTERS_PARTS = {"DATE": "date", "TITLE": "title", "DATELINE": "text", "BODY": "text"}
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_REUTERS_DATE = re.compile(r"\s*(\d{1,2})-([A-Za-z]{3})-(\d{4})")
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1
    )
}


def _sgml_attributes(text: str) -> dict[str, str]:
    """'TOPICS="YES" NEWID="1"' -> {"TOPICS": "YES", "NEWID": "1"}."""
    return {name.upper(): value for name, value in _SGML_ATTRIBUTE.findall(text)}


def _parse_reuters_date(text: str) -> dt.date | None:
    """'26-FEB-1987 15:01:01.79' -> 1987-02-26; None when unreadable."""
    match = _REUTERS_DATE.match(text)
    month = _MONTHS.get(match.group(2).upper()) if match else None
    if match is None or month is None:
        return None
    try:
        return dt.date(int(match.group(3)), month, int(match.group(1)))
    except ValueError:
        return None


class _ReutersStory:
    """The parts of one <REUTERS> element as they are read."""

    def __init__(self, new_id: str | None, line: int) -> None:
        self.new_id = new_id
        self.line = line
        self.text_element = ""  # "TEXT" when <TEXT TYPE="UNPROC"> holds the story
        self.parts: dict[str, list[str]] = {"date": [], "title": [], "text": []}

    def _part(self, name: str) -> str:
        pieces = (html.unescape(piece) if "&" in piece else piece for piece in self.parts[name])
        return _CONTROL_CHARACTERS.sub("", "".join(pieces))

    def article(self) -> Article:
        return Article(
            f"reuters-{self.new_id}",
            _one_line([self._part("title")]),
            self._part("text").strip(),
            date=_parse_reuters_date(self._part("date")),
            source="Reuters",
        )


def _read_reuters_file(
    path: Path, seen: set[str], on_problem: ProblemCallback
) -> Iterator[Article]:
    """The stories of one SGML file; ``seen`` collects the ids across files."""
    document = path.read_text(encoding="latin-1")
    story: _ReutersStory | None = None
    open_elements: list[str] = []
    position = counted_up_to = 0
    line = 1
    for tag in _SGML_TAG.finditer(document):
        closing, element, attributes = tag.groups()
        element = element.upper()
        if story is not None and open_elements and tag.start() > position:
            innermost = open_elements[-1]
            part = "text" if innermost == story.text_element else _REUTERS_PARTS.get(innermost)
            if part is not None:
                story.parts[part].append(document[position : tag.start()])
        position = tag.end()
        if element == "REUTERS" and not closing:
            line += document.count("\n", counted_up_to, tag.start())
            counted_up_to = tag.start()
            if story is not None:
                on_problem(CorpusProblem(str(path), story.line, "story not closed"))
            story = _ReutersStory(_sgml_attributes(attributes).get("NEWID"), line)
            open_elements = []
        elif element == "REUTERS":
            if story is None:
                continue
            if not story.new_id:
                on_problem(CorpusProblem(str(path), story.line, "story without NEWID"))
            elif f"reuters-{story.new_id}" in seen:
                on_problem(CorpusProblem(str(path), story.line, f"NEWID {story.new_id} repeated"))
            else:
                article = story.article()
                seen.add(article.id)
                yield article
            story = None
        elif not closing:
            open_elements.append(element)
            if element == "TEXT" and story and _sgml_attributes(attributes).get("TYPE") == "UNPROC":
                story.text_element = "TEXT"
        elif element in open_elements:  # also closes what was left open inside it
            del open_elements[len(open_elements) - 1 - open_elements[::-1].index(element) :]
    if story is not None:
        on_problem(CorpusProblem(str(path), story.line, "story not closed at end of file"))


def load_reuters_articles(
    directory: str | Path, on_problem: ProblemCallback | None = None
) -> Iterator[Article]:
    """``reut2-*.sgm`` (latin-1) -> articles "reuters-<NEWID>", in file order.

    A BRIEF story has a title only and an UNPROC story text only (NEWID 12793
    has neither and is kept empty).  A story without a NEWID or with one seen
    before is reported and skipped.
    """
    paths = sorted(Path(directory).glob("reut2-*.sgm"))
    if not paths:
        raise CorpusError(f"{directory}: no reut2-*.sgm files; is it Reuters-21578's folder?")
    seen: set[str] = set()
    report = on_problem or _ignore_problem
    return (article for path in paths for article in _read_reuters_file(path, seen, report))


# --- BBC News folders ---------------------------------------------------------


def _decode_text(data: bytes) -> str:
    """UTF-8 where it decodes, else latin-1 (which always does)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def load_bbc_articles(
    directory: str | Path, on_problem: ProblemCallback | None = None
) -> Iterator[Article]:
    """``<category>/NNN.txt`` -> article "bbc-<category>-NNN"; first line is the title."""
    paths = sorted(Path(directory).glob("*/*.txt"))
    if not paths:
        raise CorpusError(f"{directory}: no <category>/NNN.txt files; is it BBC News' folder?")
    return _read_bbc_files(paths, on_problem or _ignore_problem)


def _read_bbc_files(paths: Iterable[Path], on_problem: ProblemCallback) -> Iterator[Article]:
    for path in paths:
        title, _, body = _decode_text(path.read_bytes()).strip().partition("\n")
        if not title.strip():
            on_problem(CorpusProblem(str(path), 1, "empty file"))
            continue
        article_id = f"bbc-{path.parent.name}-{path.stem}"
        yield Article(article_id, title.strip(), _paragraph(body.splitlines()), source="BBC")
