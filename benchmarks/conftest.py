"""Benchmark fixtures and options.

Options (each also read from an environment variable):

* ``--full`` (``SEARCHLIB_BENCH_FULL=1``): what RESULTS.md is made from:
  200 queries instead of 100, 10 cold starts instead of 5 (and searchlib's
  library beside its command), relevance on CISI, CRAN, MED and NPL instead
  of MED alone.  The default is a quicker pass over every stage.
* ``--scale=reuters,10k,100k,1m`` (``SEARCHLIB_BENCH_SCALE``): corpora to
  index and query besides the bundled one; none by default.
* ``--peers=searchlib,fts5`` (``SEARCHLIB_BENCH_PEERS``): the engines to
  compare; every installed one by default.
* ``--rounds=N`` (``SEARCHLIB_BENCH_ROUNDS``, default 1): builds of each
  corpus, and passes over the query set after the first.
* ``--build-timeout=SECONDS`` (``SEARCHLIB_BENCH_BUILD_TIMEOUT``, default
  3600): a build that takes longer is stopped and its peer skipped on that
  corpus.
* ``--results-dir=PATH`` (``SEARCHLIB_BENCH_RESULTS``, default
  ``.benchmarks/results``): where the relevance scores are saved as JSON;
  pass ``--benchmark-json`` for the rest (see README.md).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import searchlib
from benchmarks.corpora import (
    QUERIES,
    SEED_ARTICLE,
    corpus_available,
    corpus_specs,
    query_set,
)
from benchmarks.index_store import IndexStore
from benchmarks.peers import PEER_NAMES, missing_requirements
from benchmarks.report import REPORT
from benchmarks.shared_data import REPO

BUNDLED_CORPUS = REPO / "corpus"


_OPTIONS = {
    "--full": ("SEARCHLIB_BENCH_FULL", "", "the full measurement (see conftest.py)"),
    "--scale": ("SEARCHLIB_BENCH_SCALE", "", "extra corpora: reuters,10k,100k,1m"),
    "--peers": ("SEARCHLIB_BENCH_PEERS", "", "engines to compare (default: all installed)"),
    "--rounds": ("SEARCHLIB_BENCH_ROUNDS", "1", "builds per corpus; query passes"),
    "--build-timeout": ("SEARCHLIB_BENCH_BUILD_TIMEOUT", "3600", "seconds a build may take"),
    "--results-dir": (
        "SEARCHLIB_BENCH_RESULTS",
        str(REPO / ".benchmarks" / "results"),
        "where relevance JSON is written",
    ),
}


_LOAD_AT_START = list(os.getloadavg())
"""1, 5 and 15-minute load averages when the run began: the machine is shared."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("searchlib benchmarks")
    for name, (variable, default, help_text) in _OPTIONS.items():
        value = os.environ.get(variable, default)
        if name == "--full":  # a flag: --full, or the variable set to 1
            group.addoption(name, action="store_const", const="1", default=value, help=help_text)
            continue
        group.addoption(name, default=value, help=f"{help_text} (${variable})")


def option(config: pytest.Config, name: str) -> str:
    return str(config.getoption(name))


def full_run(config: pytest.Config) -> bool:
    return option(config, "--full").lower() not in ("", "0", "no", "false")


def selected_peers(config: pytest.Config) -> list[str]:
    named = [p.strip() for p in option(config, "--peers").split(",") if p.strip()]
    for name in named:
        if name not in PEER_NAMES:
            raise pytest.UsageError(f"unknown peer {name!r}; choose from {', '.join(PEER_NAMES)}")
    return named or list(PEER_NAMES)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``peer`` and ``corpus`` arguments take the peers and corpora asked for."""
    if "peer" in metafunc.fixturenames:
        metafunc.parametrize("peer", selected_peers(metafunc.config))
    if "corpus" in metafunc.fixturenames:
        try:
            specs = corpus_specs(option(metafunc.config, "--scale"))
        except ValueError as error:
            raise pytest.UsageError(str(error)) from None
        metafunc.parametrize("corpus", specs)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Builds first: the query and cold-start benchmarks use their indexes.

    Within each benchmark, every peer's runs on one corpus come together,
    corpus by corpus: a ratio then compares runs made minutes apart, not
    a quarter of an hour apart, and this shared machine's load drifts
    (searchlib's Reuters build took 11 s and 17.6 s within ten minutes)."""
    try:
        corpora = corpus_specs(option(config, "--scale"))
    except ValueError:
        corpora = []  # pytest_generate_tests reports it
    first_seen: dict[tuple[str, str], int] = {}
    for position, item in enumerate(items):
        first_seen.setdefault(_test_function(item), position)

    def order(item: pytest.Item) -> tuple[bool, int, int]:
        function = _test_function(item)
        callspec = getattr(item, "callspec", None)
        corpus = callspec.params.get("corpus") if callspec is not None else None
        return (
            function[1] != "test_build",
            first_seen[function],
            corpora.index(corpus) if corpus in corpora else -1,
        )

    items.sort(key=order)


def _test_function(item: pytest.Item) -> tuple[str, str]:
    """The file and name of the test function an item runs."""
    return item.nodeid.split("::")[0], str(getattr(item, "originalname", item.name))


@pytest.fixture(autouse=True)
def _peer_installed(request: pytest.FixtureRequest) -> None:
    """Skip a peer whose engine is not installed, and a corpus whose data is absent."""
    callspec = getattr(request.node, "callspec", None)
    params = callspec.params if callspec else {}
    if "peer" in params and (missing := missing_requirements(params["peer"])):
        pytest.skip(f"{params['peer']} needs {', '.join(missing)}: pip install '.[bench]'")
    if "corpus" in params and (why := corpus_available(params["corpus"])):
        pytest.skip(why)


@pytest.fixture(scope="session")
def full(pytestconfig: pytest.Config) -> bool:
    return full_run(pytestconfig)


@pytest.fixture(scope="session")
def rounds(pytestconfig: pytest.Config) -> int:
    return max(1, int(option(pytestconfig, "--rounds")))


@pytest.fixture(scope="session")
def results_dir(pytestconfig: pytest.Config) -> Path:
    return Path(option(pytestconfig, "--results-dir"))


@pytest.fixture(scope="session")
def index_store(
    pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[IndexStore]:
    store = IndexStore(
        tmp_path_factory.mktemp("indexes"), float(option(pytestconfig, "--build-timeout"))
    )
    yield store
    store.close()


@pytest.fixture(scope="session")
def queries(full: bool) -> list[str]:
    return query_set(full)


@pytest.fixture(scope="session")
def bundled_index(index_store: IndexStore) -> searchlib.Index:
    """searchlib's index of the bundled corpus (built in a child process)."""
    engine = index_store.engine("searchlib", "bundled")
    index: searchlib.Index = engine.index  # type: ignore[attr-defined]
    assert index.document_count == 3789
    return index


_VERSIONED = ("searchlib", "whoosh-reloaded", "nltk", "tantivy", "bm25s", "PyStemmer", "rank-bm25")
_LIBRARIES = ("numpy", "scipy")
"""What several engines compute with, recorded too: numpy's speed changes
between releases (``impact_reading.smallest_keys``), and bm25s's with it."""


def pytest_benchmark_update_json(
    config: pytest.Config, benchmarks: list[Any], output_json: dict[str, Any]
) -> None:
    """Record what ran: engine versions, cores and the options of this run."""
    import sqlite3
    from importlib import metadata

    versions = {"sqlite": sqlite3.sqlite_version}
    for name in (*_VERSIONED, *_LIBRARIES):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    output_json["searchlib_run"] = {
        "versions": dict(sorted(versions.items())),
        "cpus": os.cpu_count(),
        "load_average": {"start": _LOAD_AT_START, "end": list(os.getloadavg())},
        "options": {
            name.lstrip("-"): option(config, name) for name in _OPTIONS if name != "--results-dir"
        },
    }


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in REPORT.summary_lines():
        terminalreporter.write_line(line)


__all__ = ["BUNDLED_CORPUS", "QUERIES", "SEED_ARTICLE"]
