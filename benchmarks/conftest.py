"""Benchmark fixtures: the bundled corpus, built once per run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import searchlib

REPO = Path(__file__).resolve().parents[1]
BUNDLED_CORPUS = REPO / "corpus"

# A fixed query set: entities and topics of the bundled corpus's news, in the
# spellings users type.  Each must match something (asserted by the benchmarks).
QUERIES = (
    "Lachin corridor",
    "Artsakh",
    "Kiev",
    "Trump travel ban",
    "Brexit negotiations",
    "North Korea missile test",
    "Syria ceasefire Aleppo",
    "refugees Mediterranean",
    "climate change",
    "oil prices OPEC",
    "Russia sanctions",
    '"European Union"',
    "China South China Sea",
    "Turkey referendum Erdogan",
    "Mosul offensive",
    "election fraud",
    "Yemen humanitarian crisis",
    "Iran nuclear deal",
    "Red Cross",
    "Germany Merkel migrants",
)


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[searchlib.Index]:
    index = searchlib.build_index(BUNDLED_CORPUS, tmp_path_factory.mktemp("bench") / "index")
    yield index
    index.close()
