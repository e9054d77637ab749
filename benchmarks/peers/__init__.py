"""Search engines side by side: one adapter module per engine, one Protocol.

Every adapter builds an index on disk from ``Article`` s, opens it again
(possibly in another process), and answers plain-text queries with
``(id, score)`` pairs, best first.  Adapters that can show text also
implement ``search_with_snippets``.  Each adapter uses its engine the way its
documentation shows, with its defaults; what each one does is in its module
docstring.

This module is imported by every child process the benchmarks start, so it
imports no engine: ``load_engine`` imports one adapter when it is asked for.

Each adapter module is also a tiny script that opens an index built before
and answers one query, for the cold-start benchmark::

    python -m benchmarks.peers.fts5_engine INDEX_DIR "Lachin corridor"
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:  # importing searchlib would load whoosh into every peer's process
    from searchlib.models import Article

Ranked = list[tuple[str, float]]
"""(document id, score) pairs, best first."""
Snippeted = list[tuple[str, float, str]]
"""(document id, score, snippet text) triples, best first."""


class Engine(Protocol):
    """A search engine under test, through its own public API."""

    name: str

    def build(self, articles: Sequence[Article], workdir: Path) -> None:
        """Index ``articles`` (title and text) into ``workdir`` and leave it open."""

    def open(self, workdir: Path) -> None:
        """Open the index a ``build`` wrote into ``workdir``."""

    def search(self, query: str, k: int) -> Ranked:
        """The ``k`` best documents for plain-text ``query``; [] when none match."""

    def close(self) -> None:
        """Release the index."""


@runtime_checkable
class SnippetEngine(Protocol):
    """An engine that can also show where each hit matched."""

    def search_with_snippets(self, query: str, k: int) -> Snippeted:
        """Like ``search``, with a highlighted fragment of each hit's text."""


@dataclass(frozen=True)
class Peer:
    """Where an adapter lives and what it needs installed."""

    name: str
    module: str
    requires: tuple[str, ...]
    small_only: bool = False
    """True when the engine is too slow to try beyond ~10,000 documents."""


PEERS: tuple[Peer, ...] = (
    Peer("searchlib", "benchmarks.peers.searchlib_engine", ("searchlib",)),
    Peer("whoosh", "benchmarks.peers.whoosh_engine", ("whoosh", "nltk")),
    Peer("fts5", "benchmarks.peers.fts5_engine", ("sqlite3",)),
    Peer("tantivy", "benchmarks.peers.tantivy_engine", ("tantivy",)),
    Peer("bm25s", "benchmarks.peers.bm25s_engine", ("bm25s", "Stemmer")),
    Peer("rank_bm25", "benchmarks.peers.rank_bm25_engine", ("rank_bm25", "Stemmer"), True),
)
PEER_NAMES: tuple[str, ...] = tuple(peer.name for peer in PEERS)


def peer(name: str) -> Peer:
    for candidate in PEERS:
        if candidate.name == name:
            return candidate
    raise KeyError(f"unknown peer {name!r}; choose one of: {', '.join(PEER_NAMES)}")


def missing_requirements(name: str) -> list[str]:
    """The modules a peer needs that are not installed (pip install '.[bench]')."""
    return [module for module in peer(name).requires if importlib.util.find_spec(module) is None]


def load_engine(name: str) -> Engine:
    """A new, unopened engine of the named peer."""
    module = importlib.import_module(peer(name).module)
    engine: Engine = module.ENGINE_CLASS()
    return engine


def article_body(article: Article) -> str:
    """The text an engine indexes beside the title: subtitle and text, as searchlib does."""
    return f"{article.subtitle}\n{article.text}" if article.subtitle else article.text


def answer_once(engine: Engine, argv: Sequence[str]) -> int:
    """The cold-start script: open ``argv[1]``, answer ``argv[2]``, print the top 10.

    Snippets are asked for when the engine makes them, as ``search`` does.
    """
    if len(argv) != 3:
        print(f"usage: python -m {peer(engine.name).module} INDEX_DIR QUERY", file=sys.stderr)
        return 2
    engine.open(Path(argv[1]))
    if isinstance(engine, SnippetEngine):
        for rank, (doc_id, score, snippet) in enumerate(
            engine.search_with_snippets(argv[2], 10), start=1
        ):
            print(f"{rank}\t{doc_id}\t{score:.4f}\t{' '.join(snippet.split())}")
    else:
        for rank, (doc_id, score) in enumerate(engine.search(argv[2], 10), start=1):
            print(f"{rank}\t{doc_id}\t{score:.4f}")
    engine.close()
    return 0
