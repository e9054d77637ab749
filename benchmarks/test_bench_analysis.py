"""The analyzer's cost per token, apart from the rest of a build.

Group ``analysis``: searchlib's analysis chain and whoosh's obvious one
(``RegexTokenizer | LowercaseFilter | StopFilter | StemFilter`` with NLTK's
Snowball stemmer behind a cache, as ``peers/whoosh_engine.py`` builds it)
turn the bundled corpus's titles and texts into terms.  Each round starts
with empty stem caches, as a build does, so NLTK stems every distinct word
once in both.  The benchmark checks what each chain produced: terms for
every article, and the seed article's words among them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from benchmarks.corpora import SEED_ARTICLE, load_corpus
from benchmarks.report import MB, REPORT, median
from searchlib.analysis import Analyzer
from searchlib.models import Article, article_body

ROUNDS = {True: 3, False: 1}
Chain = Callable[[str], list[str]]


def _searchlib_chain() -> Chain:
    return Analyzer().terms


def _whoosh_chain() -> Chain:
    pytest.importorskip("whoosh")
    from benchmarks.peers.whoosh_engine import build_schema, snowball_stem

    snowball_stem.cache_clear()
    analyzer = build_schema()["body"].analyzer
    return lambda text: [token.text for token in analyzer(text)]


CHAINS = {"searchlib": _searchlib_chain, "whoosh": _whoosh_chain}


@pytest.fixture(scope="module")
def bundled_texts() -> list[tuple[str, str, str]]:
    """(id, title, body) of every bundled article."""
    articles: Sequence[Article] = load_corpus("bundled")
    return [(a.id, a.title, article_body(a.subtitle, a.text)) for a in articles]


@pytest.mark.parametrize("chain", list(CHAINS))
def test_analysis(
    benchmark: BenchmarkFixture, bundled_texts: list[tuple[str, str, str]], chain: str, full: bool
) -> None:
    benchmark.group = "analysis"
    seconds: list[float] = []
    outputs: list[list[list[str]]] = []

    def analyse(analyse_text: Chain) -> None:
        started = time.perf_counter()
        terms = [analyse_text(title) + analyse_text(body) for _, title, body in bundled_texts]
        seconds.append(time.perf_counter() - started)
        outputs.append(terms)

    benchmark.pedantic(
        analyse,
        setup=lambda: ((CHAINS[chain](),), {}),
        rounds=ROUNDS[full],
    )
    terms = outputs[-1]
    assert all(outputs_of_round == terms for outputs_of_round in outputs)
    assert sum(bool(t) for t in terms) == len(bundled_texts)
    ids = [id_ for id_, _, _ in bundled_texts]
    seed = terms[ids.index(SEED_ARTICLE)]
    assert {"lachin", "corridor"} <= set(seed), seed[:20]
    count = sum(len(t) for t in terms)
    text_bytes = sum(len(title) + len(body) for _, title, body in bundled_texts)
    took = median(seconds)
    measurement = {
        "kind": "analysis",
        "peer": chain,
        "corpus": "bundled",
        "rounds": len(seconds),
        "terms": count,
        "text_bytes": text_bytes,
        "seconds": round(took, 4),
        "mb_per_second": round(text_bytes / MB / took, 3),
        "us_per_term": round(took / count * 1e6, 3),
    }
    benchmark.extra_info.update(measurement)
    REPORT.add(measurement)
