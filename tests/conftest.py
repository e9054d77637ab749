"""Shared fixtures: a tiny news corpus, indexes built from it, and the
location of the large shared data sets (tests that need them skip cleanly
when they are absent)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

import searchlib
from searchlib import Article

REPO = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    """``../shared/data`` beside the repository, or $SEARCHLIB_SHARED_DATA."""
    configured = os.environ.get("SEARCHLIB_SHARED_DATA")
    return Path(configured) if configured else REPO.parent / "shared" / "data"


TINY_CORPUS = (
    Article(
        id="karabakh-aid",
        title="Russia urges Azerbaijan to unblock Karabakh",
        text=(
            "Russia urged Azerbaijan to reopen the Lachin corridor. "
            "The International Committee of the Red Cross said convoys were blocked. "
            "Armenians living in Nagorno-Karabakh face shortages."
        ),
        date=dt.date(2023, 2, 17),
        source="The Moscow Times",
    ),
    Article(
        id="berdzor",
        title="Road to Stepanakert",
        text="Traffic on the Berdzor corridor stopped again, residents of Stepanakert said.",
        date=dt.date(2023, 1, 5),
        source="Armenpress",
    ),
    Article(
        id="icrc-yemen",
        title="ICRC delivers medicine in Yemen",
        text="The ICRC delivered medicine to hospitals in Sanaa.",
        date=dt.date(2017, 1, 20),
        source="Al Jazeera",
    ),
    Article(
        id="baku-oil",
        title="Oil exports rise",
        text="Officials in Baku reported higher oil exports through the pipeline.",
        date=dt.date(2017, 2, 1),
        source="Reuters",
    ),
    Article(
        id="corridor-trade",
        title="China-Pakistan economic corridor",
        text="The economic corridor links western China to the port of Gwadar.",
        date=dt.date(2017, 2, 23),
        source="Al Jazeera",
    ),
    Article(
        id="moscow-snow",
        title="Snow in the capital",
        text="Heavy snow fell in Moscow overnight, closing two airports.",
        date=dt.date(2017, 1, 9),
        source="TASS",
    ),
    Article(
        id="zurich-talks",
        title="Talks in Zürich",
        text="Diplomats met in Zürich; the U.S. delegation left early.",
        date=dt.date(2017, 3, 1),
        source="DW",
    ),
)


@pytest.fixture(scope="session")
def tiny_articles() -> tuple[Article, ...]:
    return TINY_CORPUS


IndexFactory = Callable[..., searchlib.Index]


@pytest.fixture
def make_index(tmp_path: Path) -> Iterable[IndexFactory]:
    """Build an index from articles in a fresh folder; closed after the test."""
    opened: list[searchlib.Index] = []

    def build(articles: Iterable[Article] = TINY_CORPUS, **options: object) -> searchlib.Index:
        index = searchlib.build_index(articles, tmp_path / f"index-{len(opened)}", **options)  # type: ignore[arg-type]
        opened.append(index)
        return index

    yield build
    for index in opened:
        index.close()


@pytest.fixture(scope="session")
def tiny_index(tmp_path_factory: pytest.TempPathFactory) -> Iterable[searchlib.Index]:
    """The tiny corpus indexed once for the whole session (read-only use)."""
    index = searchlib.build_index(TINY_CORPUS, tmp_path_factory.mktemp("tiny") / "index")
    yield index
    index.close()
