"""Evaluation: test collections -> runs -> scores.

``collections`` reads standard test collections (articles, queries and
relevance judgments); ``trec`` reads and writes the TREC run and qrels files;
``measures`` scores a run against the judgments.
"""

from __future__ import annotations

from searchlib.evaluation.collections import (
    CRANFIELD_GRADES,
    SMART_COLLECTIONS,
    TestCollection,
    load_bbc_articles,
    load_beir_collection,
    load_reuters_articles,
    load_smart_collection,
)

__all__ = [
    "CRANFIELD_GRADES",
    "SMART_COLLECTIONS",
    "TestCollection",
    "load_bbc_articles",
    "load_beir_collection",
    "load_reuters_articles",
    "load_smart_collection",
]
