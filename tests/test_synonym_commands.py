"""``searchlib synonyms check | expand | export``: the library parts and the
commands, through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from searchlib.analysis import Analyzer
from searchlib.analysis.solr_synonyms import parse_solr_synonyms
from searchlib.analysis.synonym_check import (
    FINDING_KINDS,
    SynonymSource,
    check_synonyms,
    default_synonym_source,
)
from searchlib.analysis.synonym_export import portable_synonym_lines
from searchlib.analysis.synonym_map import SynonymMap, load_synonym_rules
from searchlib.cli import main_group
from searchlib.errors import SynonymFormatError


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main_group, ["synonyms", *args])


def write(tmp_path: Path, text: str, name: str = "mine.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- check -------------------------------------------------------------------


def test_the_shipped_list_is_clean() -> None:
    result = invoke("check")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "no problems in searchlib/data/geo_synonyms.txt" in result.stderr


def test_a_good_file_is_clean(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "# mine\nKyiv, Kiev\nLviv, Lvov => Ukraine\n"
        # Spellings told apart only by punctuation or stop words are kept on purpose.
        "UN, U.N., United Nations\nRepublic of Congo, Republic of the Congo\n",
    )
    result = invoke("check", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


# Each kind of problem, alone in a file: the line it is reported on and the message.
PROBLEMS = [
    ("syntax", "Kyiv, , Kiev\n", 1, "empty term in 'Kyiv, , Kiev'"),
    ("syntax", "a => b => c\n", 1, "more than one '=>'"),
    ("single-term", "# c\nKyiv\n", 2, "a group of one term ('Kyiv') does nothing"),
    ("vanishes", "Zyx, the\n", 1, "'the' is only stop words"),
    ("same-form", "Armenian, Armenians\n", 1, "'Armenians' analyses like 'Armenian'"),
    ("same-form", "Xankəndi, Xankendi\n", 1, "'Xankendi' analyses like 'Xankəndi'"),
    ("same-form", "Kyiv, Kiev, Kyiv\n", 1, "'Kyiv' is written twice"),
    ("same-form", "Baku => baku, Azerbaijan\n", 1, "'Baku => baku': both analyse to 'baku'"),
    ("duplicate", "Baku => Azerbaijan\n\nBaku => Azerbaijan\n", 3, "repeats the rule at "),
    ("duplicate", "Kyiv, Kiev\nKiev, Kyiv\n", 2, "repeats the rule at "),
    ("two-groups", "Kyiv, Kiev\nKiev, Kyyiv\n", 2, "'Kiev' is also in the group at "),
    ("one-way-in-group", "Kyiv, Kiev\nKiev => Kyiv\n", 2, "'Kiev => Kyiv': both are in the group"),
    # Reported at the one-way rule, wherever the group is.
    ("one-way-in-group", "Kiev => Kyiv\nKyiv, Kiev\n", 1, "'Kiev => Kyiv': both are in"),
    (
        "mutual-one-way",
        "Lviv => Lemberg\nLemberg => Lviv\n",
        2,
        "'Lemberg => Lviv' and its reverse",
    ),
]


@pytest.mark.parametrize(("kind", "text", "line", "message"), PROBLEMS)
def test_each_problem_is_reported_with_file_and_line(
    tmp_path: Path, kind: str, text: str, line: int, message: str
) -> None:
    path = write(tmp_path, text)
    result = invoke("check", str(path))
    assert result.exit_code == 1
    (reported,) = result.stdout.splitlines()
    assert reported.startswith(f"{path}:{line}: {message}")
    assert reported.endswith(f"[{kind}]")
    assert f"1 problems ({kind})" in result.stderr


def test_every_kind_of_problem_has_a_case() -> None:
    assert {kind for kind, *_ in PROBLEMS} == set(FINDING_KINDS)


def test_every_syntax_error_is_reported_not_only_the_first(tmp_path: Path) -> None:
    path = write(tmp_path, "a, , b\nKyiv, Kiev\n=> c\nd =>\n")
    result = invoke("check", str(path))
    assert [line.split(": ")[0] for line in result.stdout.splitlines()] == [
        f"{path}:1",
        f"{path}:3",
        f"{path}:4",
    ]


def test_files_are_checked_together_and_reported_in_order(tmp_path: Path) -> None:
    first = write(tmp_path, "Kyiv, Kiev\nLviv, Lvov, Lviv\n", "first.txt")
    second = write(tmp_path, "Kiev, Kyyiv\n", "second.txt")
    result = invoke("check", str(second), str(first))
    assert result.exit_code == 1
    # second.txt is named first, so its group is the earlier one: the clash is
    # reported in first.txt, and findings follow the order the files were named.
    reported = result.stdout.splitlines()
    assert [line.split(": ")[0] for line in reported] == [f"{first}:1", f"{first}:2"]
    assert reported[0].startswith(f"{first}:1: 'Kiev' is also in the group at {second}:1:")
    assert reported[1] == f"{first}:2: 'Lviv' is written twice [same-form]"


def test_a_users_file_is_checked_against_the_shipped_list(tmp_path: Path) -> None:
    path = write(tmp_path, "Kiev, Kyyiv\n")
    assert invoke("check", str(path)).exit_code == 0
    result = invoke("check", "--with-default", str(path))
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{path}:1: 'Kiev' is also in the group at ")
    assert "searchlib/data/geo_synonyms.txt:" in result.stdout


def test_the_analysis_options_change_what_analyses_alike(tmp_path: Path) -> None:
    path = write(tmp_path, "Armenian, Armenians\n")
    assert invoke("check", str(path)).exit_code == 1
    assert invoke("check", "--stemmer", "none", str(path)).exit_code == 0


def test_an_unreadable_file_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke("check", str(tmp_path / "absent.txt"))
    assert result.exit_code == 2
    assert "synonym file not found" in result.stderr


def test_check_findings_are_sorted_by_file_then_line() -> None:
    sources = [
        SynonymSource("b.txt", "x, y\nKyiv\n"),
        SynonymSource("a.txt", "lonely\ny, z\n"),
    ]
    findings = check_synonyms(sources, Analyzer())
    assert [f.origin for f in findings] == ["b.txt:2", "a.txt:1", "a.txt:2"]
    assert [f.kind for f in findings] == ["single-term", "single-term", "two-groups"]


def test_the_parser_can_report_every_bad_line_instead_of_raising() -> None:
    errors: list[tuple[str, str]] = []
    rules = parse_solr_synonyms("a, , b\nc, d\ne =>\n", "f", on_error=lambda *e: errors.append(e))
    assert [rule.origin for rule in rules] == ["f:2"]
    assert errors == [("f:1", "empty term in 'a, , b'"), ("f:3", "empty term in ''")]
    with pytest.raises(SynonymFormatError, match="f:1: empty term"):
        parse_solr_synonyms("a, , b\n", "f")


def test_the_shipped_list_has_no_findings_in_the_library_either() -> None:
    assert check_synonyms([default_synonym_source()], Analyzer()) == []


# -- expand ------------------------------------------------------------------


def test_expand_shows_each_matched_run_with_written_forms_and_rules() -> None:
    result = invoke("expand", "Kiev", "talks")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "kiev  (Kiev)"
    assert [line.split()[:3] for line in lines[1:]] == [
        ["+", "kyiv", "Kyiv"],
        ["+", "ukrain", "Ukraine"],
    ]
    assert all("searchlib/data/geo_synonyms.txt:" in line for line in lines[1:])
    assert "talk" not in result.stdout


def test_expand_json_for_a_quoted_phrase() -> None:
    result = invoke("expand", "--json", '"Lachin corridor" aid')
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["query"] == '"Lachin corridor" aid'
    (run,) = payload["expansions"]
    assert run["terms"] == ["lachin", "corridor"]
    assert run["written"] == ["Lachin corridor"]
    (alternative,) = run["alternatives"]
    assert alternative["terms"] == ["berdzor", "corridor"]
    assert alternative["written"] == ["Berdzor corridor"]
    assert [rule.rsplit(":", 1)[0] for rule in alternative["rules"]] == [
        "searchlib/data/geo_synonyms.txt"
    ]


def test_expand_with_a_users_file_only(tmp_path: Path) -> None:
    path = write(tmp_path, "# mine\nZyxland, Zyx Republic, Zyxlandish\n")
    result = invoke("expand", "--json", "--no-default", "--synonyms", str(path), "Zyxland Kyiv")
    payload = json.loads(result.stdout)
    (run,) = payload["expansions"]  # not Kyiv: the shipped list is left out
    assert run["written"] == ["Zyxland"]
    assert [a["written"] for a in run["alternatives"]] == [["Zyx Republic"], ["Zyxlandish"]]
    assert {rule for a in run["alternatives"] for rule in a["rules"]} == {f"{path}:2"}


def test_expand_says_when_nothing_applies() -> None:
    result = invoke("expand", "oil", "prices")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no synonym applies" in result.stderr
    assert json.loads(invoke("expand", "--json", "oil").stdout)["expansions"] == []


def test_expand_of_only_stop_words_is_a_usage_error() -> None:
    result = invoke("expand", "who")
    assert result.exit_code == 2
    assert "nothing to search for" in result.stderr


# -- export ------------------------------------------------------------------


def test_export_solr_round_trips_to_the_same_expansions() -> None:
    result = invoke("export", "--format", "solr")
    assert result.exit_code == 0, result.output
    analyzer = Analyzer()
    original = SynonymMap(load_synonym_rules(), analyzer)
    exported = SynonymMap(parse_solr_synonyms(result.stdout, "exported"), analyzer)
    phrases = {tuple(analyzer.terms(term)) for rule in load_synonym_rules() for term in rule.terms}
    assert len(phrases) > 1000
    assert {p: exported.alternatives(p) for p in phrases} == {
        p: original.alternatives(p) for p in phrases
    }
    for query in (
        "Kiev",
        "Baku",
        "Moscow",
        "Kremlin",
        "Georgia",
        "turkey",
        "US",
        "Lachin corridor",
    ):
        terms = analyzer.terms(query)
        assert exported.find_matches(terms) == original.find_matches(terms)


def test_export_solr_keeps_the_users_words_in_one_way_rules() -> None:
    result = invoke("export", "--format", "solr")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("# Exported by searchlib from: searchlib/data/geo_synonyms.txt")
    assert any('"a => a, b"' in line for line in lines if line.startswith("#"))
    rules = [line for line in lines if line and not line.startswith("#")]
    # 'Moscow, Kremlin, State Duma => Russia': one line per input, so Moscow never finds Kremlin.
    assert "Moscow => Moscow, Russia" in rules
    assert "Kremlin => Kremlin, Russia" in rules
    assert any(line.startswith("Lachin corridor, Berdzor corridor") for line in rules)


def test_export_leaves_out_terms_analysis_drops_and_escapes_commas(tmp_path: Path) -> None:
    path = write(tmp_path, "Zyx, the\nthe, of\nBig\\, Inc => Zyx\n")
    result = invoke("export", "--format", "solr", "--no-default", "--synonyms", str(path))
    rules = [line for line in result.stdout.splitlines() if line and not line.startswith("#")]
    assert rules == ["Big\\, Inc => Big\\, Inc, Zyx"]
    assert parse_solr_synonyms("\n".join(rules))[0].inputs == ("Big, Inc",)


def test_export_elasticsearch_is_index_settings_with_a_synonym_graph_filter() -> None:
    result = invoke("export", "--format", "elasticsearch")
    assert result.exit_code == 0, result.output
    analysis = json.loads(result.stdout)["settings"]["analysis"]
    synonyms = analysis["filter"]["searchlib_synonyms"]
    assert synonyms["type"] == "synonym_graph"
    assert synonyms["synonyms"] == portable_synonym_lines(load_synonym_rules(), Analyzer())
    # The same rules as the Solr export, which round-trips (above).
    solr = invoke("export", "--format", "solr").stdout
    assert synonyms["synonyms"] == [
        line for line in solr.splitlines() if line and not line.startswith("#")
    ]
    chain = analysis["analyzer"]["searchlib_search"]["filter"]
    # Synonyms last, after stemming, so rules are matched in analysed form.
    assert chain[-1] == "searchlib_synonyms"
    assert chain.index("searchlib_stemmer") < chain.index("searchlib_synonyms")
    assert analysis["filter"]["searchlib_stemmer"] == {"type": "stemmer", "language": "porter2"}


def test_export_elasticsearch_without_a_stemmer(tmp_path: Path) -> None:
    result = invoke("export", "--format", "elasticsearch", "--stemmer", "none")
    analysis = json.loads(result.stdout)["settings"]["analysis"]
    assert "searchlib_stemmer" not in analysis["filter"]
    assert "searchlib_stemmer" not in analysis["analyzer"]["searchlib_search"]["filter"]


def test_every_synonym_command_has_help() -> None:
    for command in ("check", "expand", "export"):
        result = invoke(command, "--help")
        assert result.exit_code == 0
        assert len(result.stdout) > 200
