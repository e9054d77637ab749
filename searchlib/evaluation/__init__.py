"""Evaluation: test collections -> runs -> scores.

``collections`` reads standard test collections (articles, queries and
relevance judgments); ``trec`` reads and writes TREC run, qrels and queries
files.
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
from searchlib.evaluation.trec import (
    CollectionFiles,
    EvaluationError,
    EvaluationFormatError,
    convert_collection,
    read_queries_tsv,
    read_trec_qrels,
    read_trec_run,
    write_queries_tsv,
    write_trec_qrels,
    write_trec_run,
)

__all__ = [
    "CRANFIELD_GRADES",
    "SMART_COLLECTIONS",
    "CollectionFiles",
    "EvaluationError",
    "EvaluationFormatError",
    "TestCollection",
    "convert_collection",
    "load_bbc_articles",
    "load_beir_collection",
    "load_reuters_articles",
    "load_smart_collection",
    "read_queries_tsv",
    "read_trec_qrels",
    "read_trec_run",
    "write_queries_tsv",
    "write_trec_qrels",
    "write_trec_run",
]
