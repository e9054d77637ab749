"""Evaluation: test collections -> runs -> scores.

``collections`` reads standard test collections (articles, queries and
relevance judgments); ``trec`` reads and writes TREC run, qrels and queries
files; ``measures`` scores a run against the judgments (nDCG, MAP, P, R).
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
from searchlib.evaluation.measures import DEFAULT_MEASURES, EvaluationResult, evaluate_run
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
    "DEFAULT_MEASURES",
    "SMART_COLLECTIONS",
    "CollectionFiles",
    "EvaluationError",
    "EvaluationFormatError",
    "EvaluationResult",
    "TestCollection",
    "convert_collection",
    "evaluate_run",
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
