"""``ranking``'s BM25 as whoosh's weighting model (the reference path).

Imported only when whoosh's matchers rank a query: the fast path
(``impact_reading``) applies the same functions without whoosh.
"""

from __future__ import annotations

from typing import Any

from whoosh.scoring import WeightingModel, WeightLengthScorer, WeightScorer

from searchlib.ranking import RankingSettings, bm25_idf, bm25_term_score


class BM25Weighting(WeightingModel):  # type: ignore[misc]
    """whoosh's hook for the formulas above."""

    def __init__(self, settings: RankingSettings) -> None:
        self.settings = settings

    def supports_block_quality(self) -> bool:
        return True

    def scorer(self, searcher: Any, fieldname: str, text: bytes, qf: int = 1) -> Any:
        if not searcher.schema[fieldname].scorable:  # ids, dates: nothing to rank by
            return WeightScorer.for_(searcher, fieldname, text)
        return _BM25Scorer(searcher, fieldname, text, self.settings)


class _BM25Scorer(WeightLengthScorer):  # type: ignore[misc]
    def __init__(self, searcher: Any, fieldname: str, text: bytes, settings: RankingSettings):
        top = searcher.get_parent()  # collection-wide statistics, not one segment's
        self.idf = bm25_idf(top.doc_count(), top.doc_frequency(fieldname, text))
        self.average_length = top.avg_field_length(fieldname) or 1.0
        self.k1 = settings.k1
        self.b = settings.b
        self.setup(searcher, fieldname, text)

    def _score(self, weight: float, length: float) -> float:
        return bm25_term_score(self.idf, weight, length, self.average_length, self.k1, self.b)
