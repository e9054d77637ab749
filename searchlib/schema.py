"""Which Article fields are indexed and stored, and how.

The index holds *analysed* text: searchlib runs its own analysis chain
(``analysis``) and hands whoosh the terms separated by spaces, so whoosh's
pickled schema holds only whoosh's own space tokenizer.  Opening an index
therefore never imports searchlib's analysis code or nltk, and a change to
the analysis code cannot break unpickling.

    field     indexed as                       stored
    id        exact id, unique                 yes
    title     analysed terms, with positions   original title
    body      analysed subtitle + text         no (subtitle, text stored apart)
    source    analysed terms                   original source
    date      date, for ranges                 ISO date in ``published``

A body longer than ``LONG_BODY`` characters also stores checkpoints,
(character offset, term position) pairs: with the positions the index
holds, a snippet can be made from the part of a huge article that matched
without analysing all of it (see ``highlight``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema

from searchlib.analysis import Analyzer
from searchlib.models import Article

SEARCHABLE_FIELDS = ("title", "body", "source")
"""Fields a query may name (``title:``, ``source:``, ...), besides ``date``."""
DEFAULT_FIELDS = ("title", "body")
"""Fields a query word without a field is searched in."""
LONG_BODY = 65_536
CHECKPOINT_EVERY = 16_384


def build_schema() -> Schema:
    terms = SpaceSeparatedTokenizer()
    return Schema(
        id=ID(unique=True, stored=True),
        title=TEXT(analyzer=terms, phrase=True, stored=True),
        body=TEXT(analyzer=terms, phrase=True),
        source=TEXT(analyzer=terms, phrase=True, stored=True),
        date=DATETIME(),
        published=STORED(),
        subtitle=STORED(),
        text=STORED(),
        url=STORED(),
        content_hash=STORED(),
        body_checkpoints=STORED(),
    )


def article_fields(article: Article, analyzer: Analyzer) -> dict[str, Any]:
    """The keyword arguments of whoosh's ``add_document`` for one article."""
    body = indexed_body(article.subtitle, article.text)
    if len(body) > LONG_BODY:
        body_terms, checkpoints = analyzer.terms_in_chunks(body, CHECKPOINT_EVERY)
    else:
        body_terms, checkpoints = analyzer.terms(body), None
    fields: dict[str, Any] = {
        "id": article.id,
        "title": " ".join(analyzer.terms(article.title)),
        "_stored_title": article.title,
        "body": " ".join(body_terms),
        "subtitle": article.subtitle,
        "text": article.text,
        "url": article.url,
        "content_hash": content_hash(article),
    }
    if article.source:
        fields["source"] = " ".join(analyzer.terms(article.source))
        fields["_stored_source"] = article.source
    if article.date is not None:
        fields["date"] = dt.datetime.combine(article.date, dt.time())
        fields["published"] = article.date.isoformat()
    if checkpoints:
        fields["body_checkpoints"] = checkpoints
    return fields


def indexed_body(subtitle: str, text: str) -> str:
    """The text the ``body`` field is analysed from; term positions and
    checkpoints count in it."""
    return f"{subtitle}\n{text}" if subtitle else text


def content_hash(article: Article) -> str:
    """A digest of everything stored about an article: equal when unchanged."""
    parts = (
        article.id,
        article.title,
        article.subtitle,
        article.text,
        article.date.isoformat() if article.date else "",
        article.source or "",
        article.url or "",
    )
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
