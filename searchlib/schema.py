"""Which Article fields are indexed and stored, and how.

The index holds *analysed* text: searchlib runs its own analysis chain
(``analysis``) and hands whoosh the terms separated by spaces, so whoosh's
pickled schema holds only whoosh's own space tokenizer.  Opening an index
therefore never imports searchlib's analysis code or nltk, and a change to
the analysis code cannot break unpickling.

    field     indexed as                         stored
    id        exact id, unique                   yes
    content   analysed title + subtitle + text   no (subtitle, text stored apart)
    title     analysed title                     original title
    source    analysed source                    original source
    date      date, for ranges                   ISO date in ``published``

Words without a field are scored in ``content`` (the whole article, one
BM25 length normalisation) plus a bonus for the title (``title_weight``).
Scoring title and body as two separate BM25 fields would saturate each on
its own, so one word in a short title would count as much as many in the
text; that ranks worse (see ARCHITECTURE.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema

from searchlib.analysis import Analyzer
from searchlib.models import Article, article_body

DEFAULT_FIELDS = ("content", "title")
"""Fields a query word without a field is searched in."""


def build_schema() -> Schema:
    terms = SpaceSeparatedTokenizer()
    return Schema(
        id=ID(unique=True, stored=True),
        content=TEXT(analyzer=terms, phrase=True),
        title=TEXT(analyzer=terms, phrase=True, stored=True),
        source=TEXT(analyzer=terms, phrase=True, stored=True),
        date=DATETIME(),
        published=STORED(),
        subtitle=STORED(),
        text=STORED(),
        url=STORED(),
        content_hash=STORED(),
    )


@dataclass(frozen=True, slots=True)
class AnalysedArticle:
    """An article's index terms, field by field; ``body_starts`` says where
    each body term's token starts in ``article_body`` (for snippets)."""

    title: list[str]
    body: list[str]
    source: list[str]
    body_starts: list[int]

    @property
    def content(self) -> list[str]:
        return self.title + self.body


def analyse_article(article: Article, analyzer: Analyzer) -> AnalysedArticle:
    body, starts = analyzer.terms_and_starts(article_body(article.subtitle, article.text))
    return AnalysedArticle(
        title=analyzer.terms(article.title),
        body=body,
        source=analyzer.terms(article.source) if article.source else [],
        body_starts=starts,
    )


def article_fields(article: Article, analysed: AnalysedArticle) -> dict[str, Any]:
    """The keyword arguments of whoosh's ``add_document`` for one article."""
    fields: dict[str, Any] = {
        "id": article.id,
        "content": " ".join(analysed.content),
        "title": " ".join(analysed.title),
        "_stored_title": article.title,
        "subtitle": article.subtitle,
        "text": article.text,
        "url": article.url,
        "content_hash": content_hash(article),
    }
    if article.source:
        fields["source"] = " ".join(analysed.source)
        fields["_stored_source"] = article.source
    if article.date is not None:
        fields["date"] = dt.datetime.combine(article.date, dt.time())
        fields["published"] = article.date.isoformat()
    return fields


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
