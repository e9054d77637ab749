"""searchlib convert -> index -> run -> eval, on a tiny BEIR collection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchlib.cli import main_group

DOCUMENTS = [
    {"_id": "d1", "title": "Lachin corridor", "text": "Traffic on the Lachin corridor stopped."},
    {"_id": "d2", "title": "Oil", "text": "Oil exports from Baku rose."},
    {"_id": "d3", "title": "Weather", "text": "Snow fell in Moscow overnight."},
]
QUERIES = [
    {"_id": "q1", "text": "Is the Lachin corridor open?"},
    {"_id": "q2", "text": "oil exports"},
]
QRELS = "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t2\nq2\td3\t0\n"


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    beir = tmp_path_factory.mktemp("beir")
    (beir / "qrels").mkdir()
    (beir / "corpus.jsonl").write_text("\n".join(json.dumps(d) for d in DOCUMENTS) + "\n")
    (beir / "queries.jsonl").write_text("\n".join(json.dumps(q) for q in QUERIES) + "\n")
    (beir / "qrels" / "test.tsv").write_text(QRELS)
    out = tmp_path_factory.mktemp("converted")
    runner = CliRunner()
    result = runner.invoke(main_group, ["convert", "beir", str(beir), str(out)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        main_group,
        ["index", "--corpus", str(out / "corpus.jsonl"), "--index", str(out / "index")],
    )
    assert result.exit_code == 0, result.output
    return out


def test_convert_writes_corpus_queries_and_qrels(converted: Path) -> None:
    corpus = [json.loads(line) for line in (converted / "corpus.jsonl").read_text().splitlines()]
    assert [record["id"] for record in corpus] == ["d1", "d2", "d3"]
    assert (converted / "queries.tsv").read_text().splitlines()[0] == (
        "q1\tIs the Lachin corridor open?"
    )
    assert "q2 0 d2 2" in (converted / "qrels.txt").read_text().splitlines()


def test_run_writes_a_trec_run(converted: Path, tmp_path: Path) -> None:
    queries = tmp_path / "queries.tsv"
    # q3 is only stop words: skipped with a warning, the others still run.
    queries.write_text((converted / "queries.tsv").read_text() + "q3\tthe of and\n")
    result = CliRunner().invoke(
        main_group,
        [
            "run",
            "--index",
            str(converted / "index"),
            "--queries",
            str(queries),
            "--tag",
            "mine",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.stdout.splitlines()]
    assert all(len(fields) == 6 and fields[1] == "Q0" and fields[5] == "mine" for fields in lines)
    by_query: dict[str, list[list[str]]] = {}
    for fields in lines:
        by_query.setdefault(fields[0], []).append(fields)
    assert set(by_query) == {"q1", "q2"}
    assert by_query["q1"][0][2] == "d1"
    for rows in by_query.values():
        assert [int(r[3]) for r in rows] == list(range(1, len(rows) + 1))
        scores = [float(r[4]) for r in rows]
        assert scores == sorted(scores, reverse=True)
    assert "query q3 skipped" in result.stderr


def test_eval_scores_a_run_and_searches_in_one_step(converted: Path, tmp_path: Path) -> None:
    run_file = tmp_path / "run.txt"
    # q1: d1 first (relevant); q2: d3 first (judged not relevant), d2 second.
    run_file.write_text("q1 Q0 d1 1 2.0 t\nq2 Q0 d3 1 2.0 t\nq2 Q0 d2 2 1.0 t\n")
    result = CliRunner().invoke(
        main_group,
        [
            "eval",
            "--run",
            str(run_file),
            "--qrels",
            str(converted / "qrels.txt"),
            "--measure",
            "P@1",
            "--measure",
            "RR",
            "--json",
            "--per-query",
        ],
    )
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert scores["per_query"] == {"q1": {"P@1": 1.0, "RR": 1.0}, "q2": {"P@1": 0.0, "RR": 0.5}}
    assert scores["mean"] == {"P@1": 0.5, "RR": 0.75}

    one_step = CliRunner().invoke(
        main_group,
        [
            "eval",
            "--index",
            str(converted / "index"),
            "--queries",
            str(converted / "queries.tsv"),
            "--qrels",
            str(converted / "qrels.txt"),
            "--json",
        ],
    )
    assert one_step.exit_code == 0, one_step.output
    assert json.loads(one_step.stdout)["mean"]["nDCG@10"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["eval", "--qrels", "QRELS"], "give --run FILE, or --index PATH and --queries FILE"),
        (["eval", "--qrels", "QRELS", "--run", "BROKEN"], "BROKEN"),
        (["eval", "--qrels", "QRELS", "--run", "GOOD", "--measure", "nope"], "nope"),
        (["convert", "smart", "CORPUS", "OUT", "--collection", "cisi"], ""),
    ],
)
def test_errors_are_one_line(
    converted: Path, tmp_path: Path, arguments: list[str], message: str
) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_text("q1 Q0 d1\n")
    good = tmp_path / "good.txt"
    good.write_text("q1 Q0 d1 1 2.0 t\n")
    replacements = {
        "GOOD": str(good),
        "QRELS": str(converted / "qrels.txt"),
        "BROKEN": str(broken),
        "CORPUS": str(converted),
        "OUT": str(tmp_path / "out"),
    }
    result = CliRunner().invoke(main_group, [replacements.get(a, a) for a in arguments])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1 or "Usage" in result.stderr
    assert message.replace("BROKEN", str(broken)) in result.stderr
