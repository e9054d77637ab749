"""Text -> terms: tokenizer, filters, stemming and query-time synonyms."""

from __future__ import annotations

from searchlib.analysis.analyzer import (
    BUILTIN_STOPWORD_LISTS,
    AnalysisSettings,
    Analyzer,
    Token,
    load_stopwords,
)
from searchlib.analysis.stemming import STEMMERS

__all__ = [
    "BUILTIN_STOPWORD_LISTS",
    "STEMMERS",
    "AnalysisSettings",
    "Analyzer",
    "Token",
    "load_stopwords",
]
