"""Files on disk -> ``Article`` records, one reader per format.

The first stage of the pipeline.  A corpus path is one JSON Lines file
(``.jsonl`` or ``.jsonl.gz``) or a directory holding such files and ``.txt`` /
``.md`` articles.  Bad records never stop a read: each is reported through
``on_problem`` with file:line and reason, skipped, and the rest go on.

JSON Lines: one object a line, ``id`` (required, unique), ``title``, ``text``,
optional ``subtitle``, ``date`` (ISO 8601), ``source``, ``url``.

Text files: optional front matter between ``---`` lines (``title:``,
``date:``, ``source:``, ``url:``, ``subtitle:``, ``id:``); without it the
first line is the title.  The id is the file's path below the corpus
directory, without its extension.  README and LICENSE files, and names
starting with ``.`` or ``_``, are not articles and are passed over.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import json
import re
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from searchlib.errors import CorpusError
from searchlib.models import Article, CorpusProblem

ProblemHandler = Callable[[CorpusProblem], None]


class ProblemLog:
    """A problem handler that keeps every problem and passes each on to
    ``forward``: what a build or an update counts in its report."""

    def __init__(self, forward: ProblemHandler | None = None) -> None:
        self.problems: list[CorpusProblem] = []
        self._forward = forward

    def __call__(self, problem: CorpusProblem) -> None:
        self.problems.append(problem)
        if self._forward is not None:
            self._forward(problem)

    @property
    def skipped(self) -> int:
        return sum(problem.skipped for problem in self.problems)

    @property
    def repaired(self) -> int:
        return sum(not problem.skipped for problem in self.problems)


class SeenIds:
    """The article ids met so far, in memory bounded whatever their number.

    A set holds the latest ``held`` ids; when it fills, they move to a
    table in a temporary SQLite database on disk (deleted when closed), so a
    corpus of millions of articles holds a few megabytes of ids, not a set
    of them all (about 100 MB a million).  Small corpora never touch disk."""

    def __init__(self, held: int = 1 << 16) -> None:
        self._latest: set[str] = set()
        self._held = held
        self._spilled: sqlite3.Connection | None = None
        self._count = 0

    def add(self, article_id: str) -> bool:
        """Remember ``article_id``; whether it was new."""
        if article_id in self:
            return False
        self._latest.add(article_id)
        self._count += 1
        if len(self._latest) >= self._held:
            self._spill()
        return True

    def __contains__(self, article_id: object) -> bool:
        if article_id in self._latest:
            return True
        return (
            self._spilled is not None
            and isinstance(article_id, str)
            and self._spilled.execute(
                "SELECT 1 FROM seen WHERE id = ?", (_id_key(article_id),)
            ).fetchone()
            is not None
        )

    def __len__(self) -> int:
        return self._count

    def _spill(self) -> None:
        if self._spilled is None:
            # "": a private database in a temporary file, removed on close.
            self._spilled = sqlite3.connect("", isolation_level=None)
            self._spilled.executescript(
                "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                "CREATE TABLE seen (id BLOB PRIMARY KEY) WITHOUT ROWID;"
            )
        # Sorted: the table's B-tree is filled in order, page after page.
        self._spilled.executemany(
            "INSERT INTO seen VALUES (?)", ((_id_key(i),) for i in sorted(self._latest))
        )
        self._latest.clear()

    def close(self) -> None:
        if self._spilled is not None:
            self._spilled.close()
            self._spilled = None
        self._latest.clear()


def _id_key(article_id: str) -> bytes:
    """An id as ``SeenIds`` stores it: bytes, so that any string can be
    stored (a lone surrogate, from an article given through the API, has no
    UTF-8 of its own), and the caller's string keeps no UTF-8 copy."""
    return article_id.encode("utf-8", "surrogatepass")


JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
TEXT_SUFFIXES = (".txt", ".md")
_NOT_ARTICLES = re.compile(r"^(readme|license|licence|copying)(\.[\w-]+)*$", re.IGNORECASE)
_TEXT_FIELDS = ("title", "text", "subtitle", "source", "url")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_BOM = b"\xef\xbb\xbf"
_HEAD_BYTES = 8192
_LOOSE_DATE = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[T\s])")
# A record larger than this is almost surely not an article (a dump, a
# binary): refuse it rather than hold it in memory as text.
MAX_RECORD_BYTES = 64 * 1024 * 1024


def read_articles(path: str | Path, on_problem: ProblemHandler | None = None) -> Iterator[Article]:
    """Every good article under ``path``, in a stable order, ids unique.

    The first record with an id wins; a later one with the same id is
    reported and skipped.
    """
    root = Path(path)
    if not root.exists():
        raise CorpusError(f"corpus not found: {root} (give a .jsonl file or a directory)")
    report = on_problem or _ignore
    yield from first_of_each_id(_read_any(root, report), report)


def first_of_each_id(
    placed: Iterable[tuple[Article, tuple[str, int]]], report: ProblemHandler
) -> Iterator[Article]:
    """The articles of ``placed`` (each with where it was: a path or a
    label, and a line or a number), the first of each id kept; a later one
    is reported and skipped.  The ids are kept in ``SeenIds``."""
    seen = SeenIds()
    try:
        for article, (where, line) in placed:
            if not seen.add(article.id):
                report(CorpusProblem(where, line, f"duplicate id {article.id!r}"))
                continue
            yield article
    finally:
        seen.close()


def corpus_files(root: Path) -> list[Path]:
    """The files of a corpus path that hold articles, sorted."""
    if root.is_file():
        return [root]
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and p.name.endswith(JSONL_SUFFIXES + TEXT_SUFFIXES)
        and not _NOT_ARTICLES.match(p.name)
        and not any(part.startswith((".", "_")) for part in p.relative_to(root).parts)
    )


def _ignore(problem: CorpusProblem) -> None:
    return None


def _read_any(root: Path, report: ProblemHandler) -> Iterator[tuple[Article, tuple[str, int]]]:
    files = corpus_files(root)
    if root.is_file() and not root.name.endswith(JSONL_SUFFIXES + TEXT_SUFFIXES):
        raise CorpusError(
            f"{root}: not a corpus file; use one of {', '.join(JSONL_SUFFIXES + TEXT_SUFFIXES)}"
        )
    base = root if root.is_dir() else root.parent
    for file in files:
        if file.name.endswith(JSONL_SUFFIXES):
            yield from read_jsonl(file, report)
        else:
            article = read_text_article(file, base, report)
            if article is not None:
                yield article, (str(file), 1)


def read_jsonl(path: Path, report: ProblemHandler) -> Iterator[tuple[Article, tuple[str, int]]]:
    """Articles of one JSON Lines file (gzip-compressed if it ends in .gz)."""
    name = str(path)
    number = 0
    try:
        with _open_binary(path) as stream:
            if _looks_binary(stream.peek(_HEAD_BYTES)[:_HEAD_BYTES]):
                report(CorpusProblem(name, 1, "a binary file, not JSON Lines"))
                return
            for number, raw in _bounded_lines(stream):
                if raw is None:
                    report(CorpusProblem(name, number, "record of more than 64 MB is too large"))
                    continue
                if not raw.strip():
                    continue
                if number == 1 and raw.startswith(_BOM):
                    raw = raw[len(_BOM) :]  # written by some Windows editors
                article = _parse_json_record(raw, name, number, report)
                if article is not None:
                    yield article, (name, number)
    except (OSError, EOFError, zlib.error) as error:
        report(CorpusProblem(name, number + 1, f"cannot read the rest of the file: {error}"))


def _open_binary(path: Path) -> Any:
    return gzip.open(path, "rb") if path.name.endswith(".gz") else path.open("rb")


def _looks_binary(head: bytes) -> bool:
    """NUL bytes and invalid UTF-8 at the start: not text, so not reported
    line by line."""
    if b"\0" not in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start < len(head) - 4  # not just a character cut at the end
    return False


def _bounded_lines(stream: Any) -> Iterator[tuple[int, bytes | None]]:
    """Numbered lines; None for a line longer than ``MAX_RECORD_BYTES``,
    which is skipped without being held in memory."""
    number = 0
    while True:
        line = stream.readline(MAX_RECORD_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) <= MAX_RECORD_BYTES or line.endswith(b"\n"):
            yield number, line
            continue
        while line and not line.endswith(b"\n"):
            line = stream.readline(1 << 20)
        yield number, None


def _parse_json_record(raw: bytes, path: str, line: int, report: ProblemHandler) -> Article | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        report(CorpusProblem(path, line, f"not UTF-8 ({error.reason} at byte {error.start})"))
        return None
    try:
        # strict=False: raw tabs and other control characters inside strings,
        # common in scraped text, are read (and then stripped), not refused.
        record = json.loads(text, strict=False)
    except (ValueError, RecursionError) as error:
        report(CorpusProblem(path, line, f"invalid JSON ({_short(error)})"))
        return None
    if not isinstance(record, dict):
        report(CorpusProblem(path, line, f"expected a JSON object, got {type(record).__name__}"))
        return None
    return article_from_record(record, path, line, report)


def article_from_record(
    record: dict[str, Any], path: str, line: int, report: ProblemHandler
) -> Article | None:
    """An Article from a parsed record, or None (reported) when it has no usable id."""
    record_id = record.get("id")
    if isinstance(record_id, int) and not isinstance(record_id, bool):
        record_id = str(record_id)
    if isinstance(record_id, str):
        record_id = _clean_text(record_id)
    if not isinstance(record_id, str) or not record_id:
        report(CorpusProblem(path, line, "missing id (a non-empty string is required)"))
        return None
    values: dict[str, str | None] = {}
    for key in _TEXT_FIELDS:
        value = record.get(key)
        if value is None:
            values[key] = None
        elif isinstance(value, str):
            values[key] = _clean_text(value)
        else:
            report(
                CorpusProblem(path, line, f"field {key!r} is a {type(value).__name__}, not text")
            )
            return None
    date = None
    raw_date = record.get("date")
    if raw_date not in (None, ""):
        date = parse_date(raw_date)
        if date is None:
            report(
                CorpusProblem(
                    path, line, f"unreadable date {str(raw_date)[:40]!r} dropped", skipped=False
                )
            )
    return Article(
        id=record_id,
        title=values["title"] or "",
        text=values["text"] or "",
        subtitle=values["subtitle"] or "",
        date=date,
        source=values["source"] or None,
        url=values["url"] or None,
    )


def read_text_article(path: Path, base: Path, report: ProblemHandler) -> Article | None:
    """One ``.txt`` / ``.md`` article, with optional front matter."""
    try:
        size = path.stat().st_size
        if size > MAX_RECORD_BYTES:
            report(CorpusProblem(str(path), 1, f"file of {size:,} bytes is too large"))
            return None
        data = path.read_bytes()
    except OSError as error:
        report(CorpusProblem(str(path), 1, f"cannot read file: {error.strerror}"))
        return None
    try:
        text = data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as error:
        report(CorpusProblem(str(path), 1, f"not UTF-8 ({error.reason} at byte {error.start})"))
        return None
    record, body = _split_front_matter(text)
    if "title" not in record:
        lines = body.strip().split("\n", 1)
        record["title"] = lines[0].strip().lstrip("#").strip()
        body = lines[1] if len(lines) > 1 else ""
    record["text"] = body.strip()
    if not record.get("id"):
        record["id"] = path.relative_to(base).as_posix().rsplit(".", 1)[0]
    if not record["title"] and not record["text"]:
        report(CorpusProblem(str(path), 1, "empty article"))
        return None
    return article_from_record(record, str(path), 1, report)


def _split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---", 4)
    if end < 0:
        return {}, text
    record: dict[str, Any] = {}
    for line in text[4:end].splitlines():
        key, colon, value = line.partition(":")
        if colon and key.strip():
            record[key.strip().lower()] = _unquote(value.strip())
    rest = text[end + 4 :]
    return record, rest[1:] if rest.startswith("\n") else rest


def _unquote(value: str) -> str:
    """``"a: b"`` -> ``a: b``: one pair of surrounding quotes, and only a pair."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def parse_date(value: Any) -> dt.date | None:
    """An ISO 8601 date or date-time (or ``YYYY/M/D``), an RFC 2822 date as
    in RSS feeds (``Fri, 17 Feb 2017 10:00:00 GMT``) or an English one
    (``17 February 2017``, ``Feb 17, 2017``) as a date, else None.
    Day-first and month-first numbers (``02/03/2017``) are ambiguous: None."""
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    match = _LOOSE_DATE.match(value)
    if match:
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            return None
    return _parse_written_date(value.strip())


_WRITTEN_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y")


def _parse_written_date(value: str) -> dt.date | None:
    if len(value) > 64:
        return None
    with contextlib.suppress(TypeError, ValueError, IndexError):
        import email.utils  # RFC 2822 dates are rare: not imported for every search

        return email.utils.parsedate_to_datetime(value).date()
    for pattern in _WRITTEN_DATE_FORMATS:
        with contextlib.suppress(ValueError):
            return dt.datetime.strptime(value, pattern).date()
    return None


def _clean_text(value: str) -> str:
    # NUL and other C0 controls break terminals and some index files; a lone
    # surrogate (from a JSON escape such as \ud800) cannot even be encoded.
    value = _CONTROL_CHARACTERS.sub("", value)
    if _SURROGATES.search(value):
        value = _SURROGATES.sub("\ufffd", value)
    return value.strip()


def _short(error: Exception) -> str:
    message = str(error)
    return message if len(message) <= 80 else message[:77] + "..."
