"""The synonym test set's files (benchmarks/synonym_testset/), checked
without building an index: the full evaluation is a benchmark
(benchmarks/test_bench_synonyms.py), as it needs the bundled corpus indexed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks.synonym_eval import GROUPS, JudgedQuery, judge, read_testset
from searchlib import Article
from searchlib.analysis import Analyzer
from searchlib.analysis.synonym_map import SynonymMap, load_synonym_rules
from searchlib.synonym_expansion import expand_query


def every_query() -> list[tuple[str, JudgedQuery]]:
    return [(group, query) for group, path in GROUPS.items() for query in read_testset(path)]


def test_each_group_has_enough_queries_with_unique_ids() -> None:
    for path in GROUPS.values():
        assert len(read_testset(path)) >= 10, path
    ids = [query.id for _, query in every_query()]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", query_id) for query_id in ids)


@pytest.mark.parametrize(("group", "query"), every_query(), ids=lambda v: getattr(v, "id", v))
def test_each_query_is_relevant_to_its_own_words(group: str, query: JudgedQuery) -> None:
    # A pattern that does not match the query's own wording is a broken pattern.
    assert query.relevant.search(query.query), query.relevant.pattern
    assert Analyzer().terms(query.query)


@pytest.mark.parametrize(
    "query", [q for group, q in every_query() if group == "variant"], ids=lambda q: q.id
)
def test_each_variant_query_is_expanded_by_the_shipped_list(query: JudgedQuery) -> None:
    synonyms = SynonymMap(load_synonym_rules(), Analyzer())
    assert expand_query(query.query, Analyzer(), synonyms), query.query


def test_reading_refuses_a_bad_header_or_row(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("id\tquery\n", encoding="utf-8")
    with pytest.raises(ValueError, match="header"):
        read_testset(bad)
    bad.write_text("id\tquery\trelevant\nx\tKyiv\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.tsv:2: 2 columns"):
        read_testset(bad)


def test_judgments_read_title_subtitle_and_text() -> None:
    queries = [JudgedQuery("kyiv", "Kyiv", re.compile(r"\bKyiv\b|\bKiev\b"))]
    articles = [
        Article(id="title", title="Talks in Kiev"),
        Article(id="subtitle", subtitle="From Kyiv", text="..."),
        Article(id="text", text="Kiev said"),
        Article(id="neither", text="Kievan Rus"),
    ]
    assert judge(articles, queries) == {"kyiv": {"title": 1, "subtitle": 1, "text": 1}}
