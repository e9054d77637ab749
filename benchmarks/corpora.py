"""The corpora the speed benchmarks index, and the query set they run.

A corpus is named by a *spec*:

* ``bundled``: the project's own ``corpus/`` (3,789 news articles);
* ``reuters``: Reuters-21578 from the shared data (21,578 stories of 1987),
  with the seed article (below) planted first;
* ``resampled-10k``, ``resampled-100k``, ``resampled-1m``: **resampled text**,
  made for measuring scale, not meaning.  Each document copies the shape of a
  real article picked at random (its number of sentences) and is filled with
  a real title and real sentences drawn at random, with replacement, from
  the NewsArticles CSV, Reuters-21578 and BBC News (fixed seed, ids
  ``resampled-0000001`` ...).  Words and sentence lengths are real; which
  sentences stand together is not.

The seed article of the bundled corpus (the Moscow Times story on the Lachin
corridor) is planted verbatim as the first document of every other corpus,
so that an easy query has one right answer in each.

Resampled corpora are written once to ``.benchmarks/corpora/`` as JSON
Lines and read from there.

The query set: ``QUERIES`` of the bundled corpus (plain words), the titles of
BBC News articles held out of every corpus, and queries of the SMART
collections (long questions and abstracts among them), sampled with a fixed
seed; plain words all: 20 + 110 + 70 queries, or 20 + 50 + 30 in the quicker
default run.
"""

from __future__ import annotations

import csv
import json
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.shared_data import REPO, shared_path

if TYPE_CHECKING:
    from searchlib.models import Article

BUNDLED_CORPUS = REPO / "corpus"
CACHE = REPO / ".benchmarks" / "corpora"
SEED = 20170101
SEED_ARTICLE = "000_6773254eee61951c"
SEED_TITLE = "Russia Urges Azerbaijan to Unblock Access to Karabakh"
RESAMPLED_SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
GENERATOR_VERSION = 1
"""Raise when the resampling changes, so that cached corpora are remade."""

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
# The same, as plain words (natural-language syntax has no phrases).
NEWS_QUERIES = tuple(query.replace('"', "") for query in QUERIES)
HELD_OUT_TITLES = 110
SMART_QUERIES = 70
QUICK_SIZES = (50, 30)
"""Held-out titles and SMART queries in the quicker default run."""
SMART_SOURCES = ("cisi", "cran", "med", "npl")


# -- the corpora -------------------------------------------------------------


def corpus_specs(scale: str) -> list[str]:
    """'reuters,10k' -> ['reuters', 'resampled-10k']; 'bundled' always first."""
    specs = ["bundled"]
    for item in (part.strip().lower() for part in scale.split(",")):
        if not item or item == "bundled":
            continue
        if item == "reuters":
            specs.append("reuters")
        elif item in RESAMPLED_SIZES:
            specs.append(f"resampled-{item}")
        else:
            choices = ", ".join(["reuters", *RESAMPLED_SIZES])
            raise ValueError(f"unknown scale {item!r}; choose from: {choices}")
    return specs


def corpus_available(spec: str) -> str | None:
    """None when the corpus can be made here, else why not."""
    if spec == "bundled":
        return None
    if spec == "reuters":
        return None if shared_path("reuters21578") else "no shared data: reuters21578/"
    sources = ("newsarticles", "reuters21578", "bbc_news")
    missing = [name for name in sources if not shared_path(name)]
    return f"no shared data: {', '.join(missing)}" if missing else None


def load_corpus(spec: str) -> list[Article]:
    """The articles of a corpus spec, in a fixed order."""
    import searchlib
    from searchlib.evaluation.collections import load_reuters_articles

    if spec == "bundled":
        return list(searchlib.read_articles(BUNDLED_CORPUS))
    if spec == "reuters":
        folder = shared_path("reuters21578")
        assert folder is not None, corpus_available(spec)
        return [seed_article(), *load_reuters_articles(folder)]
    if spec.startswith("resampled-"):
        return list(read_jsonl(resampled_corpus_path(spec)))
    raise ValueError(f"unknown corpus {spec!r}")


def seed_article() -> Article:
    """The bundled corpus's seed article: id, title and text."""
    import searchlib
    from searchlib.models import Article

    found = next(a for a in searchlib.read_articles(BUNDLED_CORPUS) if a.id == SEED_ARTICLE)
    return Article(found.id, found.title, found.text)


def raw_text_bytes(articles: list[Article]) -> int:
    """The size of what is indexed: title, subtitle and text in UTF-8."""
    return sum(
        len(a.title.encode()) + len(a.subtitle.encode()) + len(a.text.encode()) for a in articles
    )


def read_jsonl(path: Path) -> Iterator[Article]:
    from searchlib.models import Article

    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            yield Article(record["id"], record["title"], record["text"])


# -- resampled text ----------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'A-Z0-9])")
MAX_SENTENCES = 80


@dataclass(frozen=True)
class _Pools:
    titles: list[str]
    sentences: list[str]
    shapes: list[int]
    """Sentence counts of the real articles."""


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(" ".join(text.split())) if s]


def _newsarticles_rows() -> Iterator[tuple[str, str]]:
    folder = shared_path("newsarticles")
    assert folder is not None
    csv.field_size_limit(sys.maxsize)
    with (folder / "NewsArticles.csv").open(encoding="utf-8", errors="replace", newline="") as f:
        for row in csv.DictReader(f):
            yield row["title"], row["text"]


def _held_out_bbc() -> list[str]:
    """Ids of the BBC articles whose titles are queries (never in a corpus), in
    the order they were drawn."""
    from searchlib.evaluation.collections import load_bbc_articles

    folder = shared_path("bbc_news")
    assert folder is not None
    ids = sorted(article.id for article in load_bbc_articles(folder))
    return random.Random(SEED).sample(ids, HELD_OUT_TITLES)


def _pools() -> _Pools:
    from searchlib.evaluation.collections import load_bbc_articles, load_reuters_articles

    reuters, bbc = shared_path("reuters21578"), shared_path("bbc_news")
    assert reuters is not None and bbc is not None
    held_out = set(_held_out_bbc())
    sources: list[tuple[str, str]] = list(_newsarticles_rows())
    sources += [(a.title, a.text) for a in load_reuters_articles(reuters)]
    sources += [(a.title, a.text) for a in load_bbc_articles(bbc) if a.id not in held_out]
    titles, sentences, shapes = [], [], []
    for title, text in sources:
        found = _sentences(text)
        if title.strip():
            titles.append(" ".join(title.split()))
        if found:
            sentences += found
            shapes.append(min(len(found), MAX_SENTENCES))
    return _Pools(titles, sentences, shapes)


def resampled_articles(size: int, seed: int = SEED) -> Iterator[Article]:
    """``size`` documents of resampled text, the seed article first."""
    import searchlib
    from searchlib.models import Article

    seed_article = next(a for a in searchlib.read_articles(BUNDLED_CORPUS) if a.id == SEED_ARTICLE)
    yield Article(seed_article.id, seed_article.title, seed_article.text)
    pools = _pools()
    rng = random.Random(seed)
    for number in range(1, size):
        count = rng.choice(pools.shapes)
        chosen = rng.choices(pools.sentences, k=count)
        paragraphs = []
        while chosen:
            take = rng.randint(2, 5)
            paragraphs.append(" ".join(chosen[:take]))
            chosen = chosen[take:]
        yield Article(f"resampled-{number:07d}", rng.choice(pools.titles), "\n\n".join(paragraphs))


def resampled_corpus_path(spec: str) -> Path:
    """The cached JSON Lines of a ``resampled-*`` spec, written on first use."""
    size = RESAMPLED_SIZES[spec.removeprefix("resampled-")]
    path = CACHE / f"{spec}-seed{SEED}-v{GENERATOR_VERSION}.jsonl"
    if not path.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        with partial.open("w", encoding="utf-8") as out:
            for article in resampled_articles(size):
                record = {"id": article.id, "title": article.title, "text": article.text}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        partial.replace(path)
    return path


# -- the query set -------------------------------------------------------------


def query_set(full: bool = True) -> list[str]:
    """200 plain-text queries (100 when not ``full``), the same in every run.

    The shorter set is the first part of the longer one.  Without the shared
    data, only the 20 news queries.
    """
    titles, smart = (HELD_OUT_TITLES, SMART_QUERIES) if full else QUICK_SIZES
    queries = list(NEWS_QUERIES)
    bbc = shared_path("bbc_news")
    if bbc:
        from searchlib.evaluation.collections import load_bbc_articles

        by_id = {a.id: a.title for a in load_bbc_articles(bbc)}
        queries += [by_id[article_id] for article_id in _held_out_bbc()[:titles]]
    folder = shared_path("smart")
    if folder:
        from searchlib.evaluation.collections import load_smart_collection

        pool = []
        for name in SMART_SOURCES:
            collection = load_smart_collection(name, folder / name)
            pool += [" ".join(text.split()) for text in collection.queries.values()]
        queries += random.Random(SEED).sample(sorted(pool), SMART_QUERIES)[:smart]
    return queries
