"""Test-collection loaders: counts on the real files, layouts on tiny written ones."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searchlib.errors import CorpusError
from searchlib.evaluation.collections import (
    CRANFIELD_GRADES,
    SMART_COLLECTIONS,
    TestCollection,
    load_bbc_articles,
    load_beir_collection,
    load_reuters_articles,
    load_smart_collection,
)
from searchlib.models import Article, CorpusProblem


def _shared_data() -> Path:
    override = os.environ.get("SEARCHLIB_SHARED_DATA")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "shared" / "data"


def _shared_folder(*parts: str) -> Path:
    folder = _shared_data().joinpath(*parts)
    if not folder.is_dir():
        pytest.skip(f"shared data folder {folder} is absent")
    return folder


_SMART_CACHE: dict[str, tuple[TestCollection, list[CorpusProblem]]] = {}


def _smart(name: str) -> tuple[TestCollection, list[CorpusProblem]]:
    """Each real collection is read once for the whole module."""
    if name not in _SMART_CACHE:
        problems: list[CorpusProblem] = []
        collection = load_smart_collection(name, _shared_folder("smart", name), problems.append)
        _SMART_CACHE[name] = (collection, problems)
    return _SMART_CACHE[name]


@pytest.fixture(scope="module")
def reuters() -> dict[str, Article]:
    problems: list[CorpusProblem] = []
    articles = list(load_reuters_articles(_shared_folder("reuters21578"), problems.append))
    assert problems == []
    return {article.id: article for article in articles}


@pytest.fixture(scope="module")
def bbc() -> list[Article]:
    problems: list[CorpusProblem] = []
    articles = list(load_bbc_articles(_shared_folder("bbc_news"), problems.append))
    assert problems == []
    return articles


# --- the real collections -----------------------------------------------------

# name, documents, queries, judged queries, judgments (relevant or not)
SMART_COUNTS = [
    ("adi", 82, 35, 35, 170),
    ("cisi", 1460, 112, 76, 3114),
    ("cran", 1400, 225, 225, 1837),
    # 6,004 documented, but LISA1.501 lacks documents 1993-1997.
    ("lisa", 5999, 35, 35, 379),
    ("med", 1033, 30, 30, 696),
    ("npl", 11429, 93, 93, 2083),
]


def test_counts_cover_every_smart_collection() -> None:
    assert sorted(name for name, *_ in SMART_COUNTS) == list(SMART_COLLECTIONS)


@pytest.mark.parametrize(("name", "documents", "queries", "judged", "judgments"), SMART_COUNTS)
def test_smart_collection_counts(
    name: str, documents: int, queries: int, judged: int, judgments: int
) -> None:
    collection, problems = _smart(name)
    assert problems == []
    assert collection.name == name
    assert len(collection.articles) == documents
    assert len({article.id for article in collection.articles}) == documents
    assert len(collection.queries) == queries
    assert len(collection.qrels) == judged
    assert sum(len(grades) for grades in collection.qrels.values()) == judgments


@pytest.mark.parametrize("name", SMART_COLLECTIONS)
def test_smart_judgments_point_at_known_queries_and_documents(name: str) -> None:
    collection, _ = _smart(name)
    article_ids = {article.id for article in collection.articles}
    for query_id, grades in collection.qrels.items():
        assert query_id in collection.queries
        assert set(grades) <= article_ids
        assert any(grade > 0 for grade in grades.values())
    assert all(text.strip() for text in collection.queries.values())


def test_cran_queries_are_numbered_by_position() -> None:
    cran, _ = _smart("cran")
    assert list(cran.queries) == [str(number) for number in range(1, 226)]
    # the third query of cran.qry has the id 004 there
    assert cran.queries["3"].startswith("what problems of heat conduction in composite slabs")
    # the last one is .I 365
    assert cran.queries["225"].startswith("what design factors can be used to control lift-drag")


def test_cran_grades_follow_cleverdon_codes() -> None:
    cran, _ = _smart("cran")
    assert CRANFIELD_GRADES == {1: 4, 2: 3, 3: 2, 4: 1, -1: 0}
    # cranqrel lines "1 184 2", "1 13 4", "1 486 -1", "2 12 1"
    assert cran.qrels["1"]["184"] == 3
    assert cran.qrels["1"]["13"] == 1
    assert cran.qrels["1"]["486"] == 0
    assert cran.qrels["2"]["12"] == 4
    grade_counts = Counter(grade for grades in cran.qrels.values() for grade in grades.values())
    assert grade_counts == {4: 128, 3: 387, 2: 734, 1: 363, 0: 225}


def test_cran_keeps_its_two_empty_documents() -> None:
    cran, _ = _smart("cran")
    empty = [article.id for article in cran.articles if not (article.title or article.text)]
    assert empty == ["471", "995"]
    assert cran.qrels["125"]["995"] > 0


def test_lisa_judgments_come_from_the_undamaged_file() -> None:
    lisa, _ = _smart("lisa")
    assert len(lisa.qrels["21"]) == 21  # LISA.REL lists only 15
    assert lisa.qrels["22"] == {"5699": 1}  # LISA.REL repeats query 34's list
    assert "1993" not in {article.id for article in lisa.articles}


def test_smart_fields_go_to_title_and_text() -> None:
    cisi, _ = _smart("cisi")
    first = cisi.articles[0]
    assert first.id == "1"
    assert first.title == "18 Editions of the Dewey Decimal Classifications"
    assert first.text.startswith("The present study is a history of the DEWEY Decimal")
    assert "Comaromi" not in first.text  # the .A authors are not text
    assert not any(line.startswith(".") for line in first.text.splitlines())
    # CISI queries taken from papers carry a title, which is part of the query
    assert cisi.queries["58"].startswith("Directions in Library Networking Bibliographic")


def test_reuters_reads_every_story(reuters: dict[str, Article]) -> None:
    assert len(reuters) == 21578
    assert set(reuters) == {f"reuters-{number}" for number in range(1, 21579)}
    assert {article.source for article in reuters.values()} == {"Reuters"}
    assert sum(1 for article in reuters.values() if not article.title) == 737  # UNPROC
    # 1,798 BRIEF stories, and UNPROC story 12793, which is empty
    assert sum(1 for article in reuters.values() if not article.text) == 1799


def test_reuters_known_story(reuters: dict[str, Article]) -> None:
    story = reuters["reuters-1"]
    assert story.title == "BAHIA COCOA REVIEW"
    assert story.date == dt.date(1987, 2, 26)
    assert story.text.startswith("SALVADOR, Feb 26 - Showers continued throughout the week")
    assert story.text.endswith("Reuter")


def test_reuters_decodes_entities_and_drops_control_characters(
    reuters: dict[str, Article],
) -> None:
    assert reuters["reuters-2"].title == "STANDARD OIL <SRD> TO FORM FINANCIAL UNIT"
    controls = {chr(code) for code in range(32)} - {"\n", "\t"}
    assert not any(controls & set(article.text + article.title) for article in reuters.values())
    brief = reuters["reuters-2341"]
    assert brief.title.startswith("CANADA 91-DAY T-BILLS")
    assert brief.text == ""  # not the "Blah blah blah." filler
    unprocessed = reuters["reuters-99"]
    assert unprocessed.title == ""
    assert unprocessed.text.startswith("FEDERAL RESERVE WEEKLY REPORT")


def test_reuters_dates_span_1987(reuters: dict[str, Article]) -> None:
    dates = [article.date for article in reuters.values()]
    assert None not in dates
    assert min(date for date in dates if date) == dt.date(1987, 2, 26)
    assert max(date for date in dates if date) == dt.date(1987, 10, 20)


def test_bbc_reads_every_story(bbc: list[Article]) -> None:
    assert len(bbc) == 2225
    categories = Counter(article.id.split("-")[1] for article in bbc)
    assert categories == {
        "business": 510,
        "entertainment": 386,
        "politics": 417,
        "sport": 511,
        "tech": 401,
    }
    assert {article.source for article in bbc} == {"BBC"}


def test_bbc_title_is_the_first_line(bbc: list[Article]) -> None:
    first = bbc[0]
    assert first.id == "bbc-business-001"
    path = _shared_folder("bbc_news") / "business" / "001.txt"
    lines = path.read_text(encoding="latin-1").splitlines()
    assert first.title == lines[0] == "Ad sales boost Time Warner profit"
    assert first.text.startswith("Quarterly profits at US media giant TimeWarner jumped 76%")
    assert first.title not in first.text


# --- layouts on tiny written files ------------------------------------------


def test_unknown_collection_names_the_choices(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="choose one of: adi, cisi, cran, lisa, med, npl"):
        load_smart_collection("trec7", tmp_path)


def test_missing_file_is_a_corpus_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match=r"MED\.ALL: file not found"):
        load_smart_collection("MED", tmp_path)


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path


def test_smart_bad_records_are_reported_and_skipped(tmp_path: Path) -> None:
    _write(
        tmp_path / "ADI.ALL",
        ".I 1\n.T\nfirst title\n.W\nfirst text\n"
        ".I x\n.T\nbad id\n"
        ".I 2\n.T\nsecond\n.T\ntitle\n.A\nAn Author\n.W\nsecond\n text\n"
        ".I 1\n.W\nrepeated id\n",
    )
    _write(tmp_path / "ADI.QRY", ".I 001\n.W\nwhich\ntitles?\n")
    _write(tmp_path / "ADI.REL", "1   2   0   0.000000\n1 two 0 0\n")
    problems: list[CorpusProblem] = []
    adi = load_smart_collection("adi", tmp_path, problems.append)
    assert adi.articles == [
        Article("1", "first title", "first text"),
        Article("2", "second title", "second\ntext"),
    ]
    assert adi.queries == {"1": "which titles?"}
    assert adi.qrels == {"1": {"2": 1}}
    assert [(Path(p.path).name, p.line) for p in problems] == [
        ("ADI.ALL", 6),
        ("ADI.ALL", 19),
        ("ADI.REL", 2),
    ]
    assert "duplicate id '1'" in problems[1].reason


def _write_beir(root: Path) -> None:
    corpus = [
        {"_id": "d1", "title": "Cocoa", "text": "Showers in Bahia."},
        {"_id": "d2", "text": "No title here."},
    ]
    lines = [json.dumps(record) for record in corpus] + ["{not json", '{"title": "no id"}']
    _write(root / "corpus.jsonl", "\n".join(lines) + "\n")
    queries = [{"_id": "q1", "text": "cocoa rain"}, {"_id": "q2", "text": "train only"}]
    _write(root / "queries.jsonl", "".join(json.dumps(query) + "\n" for query in queries))
    _write(root / "qrels" / "test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td2\t0\n")
    _write(root / "qrels" / "train.tsv", "query-id\tcorpus-id\tscore\nq2\td2\t1\nq2\td1\n")


def test_beir_directory(tmp_path: Path) -> None:
    _write_beir(tmp_path / "tiny")
    problems: list[CorpusProblem] = []
    collection = load_beir_collection(tmp_path / "tiny", on_problem=problems.append)
    assert collection.name == "tiny"
    assert collection.articles == [
        Article("d1", "Cocoa", "Showers in Bahia."),
        Article("d2", "", "No title here."),
    ]
    assert collection.queries == {"q1": "cocoa rain"}  # q2 is judged in train only
    assert collection.qrels == {"q1": {"d1": 2, "d2": 0}}
    assert [(Path(p.path).name, p.line) for p in problems] == [
        ("corpus.jsonl", 3),
        ("corpus.jsonl", 4),
    ]


def test_beir_other_split(tmp_path: Path) -> None:
    _write_beir(tmp_path)
    problems: list[CorpusProblem] = []
    collection = load_beir_collection(tmp_path, "train", problems.append, name="tiny-train")
    assert collection.name == "tiny-train"
    assert collection.queries == {"q2": "train only"}
    assert collection.qrels == {"q2": {"d2": 1}}
    assert (Path(problems[-1].path).name, problems[-1].line) == ("train.tsv", 3)


REUTERS_SAMPLE = """<!DOCTYPE lewis SYSTEM "lewis.dtd">
<REUTERS TOPICS="YES" NEWID="7">
<DATE> 2-MAR-1987 09:10:11.12\t\t\tF</DATE>
<TOPICS><D>earn</D></TOPICS>
<UNKNOWN>&#5;&#5;F f0001&#31;reute</UNKNOWN>
<TEXT>&#2;
<TITLE>A&amp;B &lt;AB.N> SAYS \xe9T\xc9</TITLE>
<AUTHOR>    by A Writer, Reuters</AUTHOR>
<DATELINE>    NEW YORK, March 2 - </DATELINE><BODY>Profit rose 5 < 6 pct.
 Reuter
&#3;</BODY></TEXT>
</REUTERS>
<REUTERS TOPICS="NO" OLDID="8">
<DATE>2-MAR-1987 09:10:11.12</DATE>
<TEXT TYPE="BRIEF">******<TITLE>NO NEWID</TITLE>Blah blah blah.</TEXT>
</REUTERS>
<REUTERS NEWID="9"><DATE>junk</DATE><TEXT TYPE="UNPROC">&#2;
RAW TABLE
&#3;</TEXT></REUTERS>
<REUTERS NEWID="7"><TEXT TYPE="BRIEF"><TITLE>AGAIN</TITLE></TEXT></REUTERS>
<REUTERS NEWID="10"><TEXT>never closed
"""


def test_reuters_sgml(tmp_path: Path) -> None:
    _write(tmp_path / "reut2-000.sgm", REUTERS_SAMPLE, encoding="latin-1")
    problems: list[CorpusProblem] = []
    articles = list(load_reuters_articles(tmp_path, problems.append))
    assert articles == [
        Article(
            "reuters-7",
            "A&B <AB.N> SAYS \xe9T\xc9",
            "NEW YORK, March 2 - Profit rose 5 < 6 pct.\n Reuter",
            date=dt.date(1987, 3, 2),
            source="Reuters",
        ),
        Article("reuters-9", "", "RAW TABLE", source="Reuters"),
    ]
    assert [(p.line, p.reason) for p in problems] == [
        (13, "story without NEWID"),
        (20, "NEWID 7 repeated"),
        (21, "story not closed at end of file"),
    ]


def test_folders_without_story_files(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="reut2"):
        load_reuters_articles(tmp_path)
    with pytest.raises(CorpusError, match=r"NNN\.txt"):
        load_bbc_articles(tmp_path)


def test_bbc_layout_and_encodings(tmp_path: Path) -> None:
    (tmp_path / "sport" / "002.txt").parent.mkdir()
    (tmp_path / "sport" / "001.txt").write_bytes("Caf\xe9 wins\n\nBy \xa35.\n".encode("latin-1"))
    (tmp_path / "sport" / "002.txt").write_bytes("Caf\u00e9 \u2013 UTF-8\n\ntext\n".encode())
    (tmp_path / "sport" / "003.txt").write_bytes(b"\n\n")
    problems: list[CorpusProblem] = []
    articles = list(load_bbc_articles(tmp_path, problems.append))
    assert articles == [
        Article("bbc-sport-001", "Caf\xe9 wins", "By \xa35.", source="BBC"),
        Article("bbc-sport-002", "Caf\u00e9 \u2013 UTF-8", "text", source="BBC"),
    ]
    assert [(Path(p.path).name, p.reason) for p in problems] == [("003.txt", "empty file")]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('.IWT<>/&#;REUTERSNWIDTX="\n 0123')), max_size=300))
def test_readers_never_crash_on_any_text(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        _write(root / "reut2-000.sgm", text)
        for name in ("MED.ALL", "MED.QRY", "MED.REL"):
            _write(root / name, text)
        for name in ("LISA0.001", "LISA.QUE", "LISARJ.NUM"):
            _write(root / name, text)
        for name in ("doc-text", "query-text", "rlv-ass"):
            _write(root / name, text)
        problems: list[CorpusProblem] = []
        articles = list(load_reuters_articles(root, problems.append))
        assert all(article.id.startswith("reuters-") for article in articles)
        for name in ("med", "lisa", "npl"):
            collection = load_smart_collection(name, root, problems.append)
            assert all(article.id.isdigit() for article in collection.articles)
