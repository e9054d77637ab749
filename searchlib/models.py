"""Plain data passed between the pipeline stages.

corpus -> ``Article`` -> indexing -> ``BuildReport`` (updating -> ``UpdateReport``);
search -> ``Hit`` -> render.  Nothing here imports whoosh: these are the
types a user of the library sees.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as read from a corpus.

    ``id`` is required and unique within a corpus.  Unknown optional values
    are ``None`` (never invented): a missing date stays ``None``.
    """

    id: str
    title: str = ""
    text: str = ""
    subtitle: str = ""
    date: dt.date | None = None
    source: str | None = None
    url: str | None = None


def article_body(subtitle: str, text: str) -> str:
    """The text under an article's title, as indexed and as snippets cut it."""
    return f"{subtitle}\n\n{text}" if subtitle else text


@dataclass(frozen=True, slots=True)
class CorpusProblem:
    """A record that could not be read as it was, with where it was and why.

    ``skipped`` is False when the record was repaired and kept (a date that
    could not be read is dropped, the article kept).
    """

    path: str
    line: int
    reason: str
    skipped: bool = True

    def __str__(self) -> str:
        action = "skipped" if self.skipped else "kept"
        return f"{self.path}:{self.line}: {self.reason} ({action})"


@dataclass(frozen=True, slots=True)
class Snippet:
    """A fragment of an article with the character spans of the matches."""

    text: str
    highlights: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked search result."""

    rank: int
    id: str
    score: float
    title: str
    date: dt.date | None
    source: str | None
    url: str | None
    snippet: str = ""
    highlights: tuple[tuple[int, int], ...] = ()
    """Character spans ``[start, end)`` of the matches in ``snippet``."""


ProgressHandler = Callable[[int], None]
"""Told how many articles a build or update has read so far."""


@dataclass(frozen=True)
class BuildReport:
    """What a build did."""

    indexed: int
    skipped: int
    repaired: int
    seconds: float
    problems: tuple[CorpusProblem, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class UpdateReport:
    """What an update did to an index, and how many documents it holds now."""

    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    skipped: int = 0
    repaired: int = 0
    documents: int = 0
    seconds: float = 0.0
    problems: tuple[CorpusProblem, ...] = field(default=(), repr=False)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.deleted)
