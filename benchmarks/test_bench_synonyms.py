"""The synonym test set on the bundled corpus: the shipped list must bring a
clear gain on queries written in another variant of a name, and lose nothing
on queries without one (see synonym_eval.py for how it is judged)."""

from __future__ import annotations

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

import searchlib
from benchmarks.synonym_eval import MEASURES, evaluate_testset, render

CLEAR_GAIN = 0.2


@pytest.mark.benchmark(group="synonyms")
def test_synonym_testset(benchmark: BenchmarkFixture, bundled_index: searchlib.Index) -> None:
    results = benchmark.pedantic(evaluate_testset, args=(bundled_index.path,), rounds=1)
    print(render(results))
    groups = {group.name: group for group in results}
    variant, plain = groups["variant"], groups["no-variant"]
    for measure in MEASURES:
        gain = variant.with_synonyms.mean[measure] - variant.without.mean[measure]
        assert gain >= CLEAR_GAIN, (measure, gain)
        benchmark.extra_info[f"variant {measure}"] = [
            round(variant.without.mean[measure], 3),
            round(variant.with_synonyms.mean[measure], 3),
        ]
        benchmark.extra_info[f"no-variant {measure}"] = [
            round(plain.without.mean[measure], 3),
            round(plain.with_synonyms.mean[measure], 3),
        ]
    # No query without a variant loses on any measure.
    losses = [
        (query_id, measure)
        for query_id, scores in plain.with_synonyms.per_query.items()
        for measure in MEASURES
        if scores[measure] < plain.without.per_query[query_id][measure] - 1e-9
    ]
    assert losses == []
