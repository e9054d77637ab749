"""``ranking``'s BM25 as whoosh's weighting model (the reference path).

Imported only when whoosh's matchers rank a query: the fast path
(``impact_reading``) applies the same functions without whoosh.
"""

from __future__ import annotations

from typing import Any

from whoosh.scoring import WeightingModel, WeightLengthScorer, WeightScorer

from searchlib.ranking import RankingSettings, bm25_idf, bm25_term_score


def mean_stored_length(reader: Any, fieldname: str) -> float:
    """The mean length of a field over the live documents, as whoosh stores
    lengths (one byte each, rounded up): ``ranking``'s avgdl.  whoosh's own
    ``avg_field_length`` divides the exact total instead."""
    lengths = (reader.doc_field_length(number, fieldname, 0) for number in reader.all_doc_ids())
    total = sum(length or 0 for length in lengths)  # whoosh gives None for an empty field
    return float(total / reader.doc_count()) if reader.doc_count() else 0.0


class BM25Weighting(WeightingModel):  # type: ignore[misc]
    """whoosh's hook for the formulas above; it keeps the mean field
    lengths of the searcher it last scored for."""

    def __init__(self, settings: RankingSettings) -> None:
        self.settings = settings
        self._averages: dict[str, float] = {}
        self._averaged: Any = None  # the top searcher the averages are of

    def supports_block_quality(self) -> bool:
        return True

    def scorer(self, searcher: Any, fieldname: str, text: bytes, qf: int = 1) -> Any:
        if not searcher.schema[fieldname].scorable:  # ids, dates: nothing to rank by
            return WeightScorer.for_(searcher, fieldname, text)
        return _BM25Scorer(
            searcher, fieldname, text, self.settings, self._average(searcher, fieldname)
        )

    def _average(self, searcher: Any, fieldname: str) -> float:
        top = searcher.get_parent()  # collection-wide statistics, not one segment's
        if top is not self._averaged:
            self._averages, self._averaged = {}, top
        if fieldname not in self._averages:
            self._averages[fieldname] = mean_stored_length(top.reader(), fieldname)
        return self._averages[fieldname]


class _BM25Scorer(WeightLengthScorer):  # type: ignore[misc]
    def __init__(
        self,
        searcher: Any,
        fieldname: str,
        text: bytes,
        settings: RankingSettings,
        average_length: float,
    ):
        top = searcher.get_parent()  # collection-wide statistics, not one segment's
        self.idf = bm25_idf(top.doc_count(), top.doc_frequency(fieldname, text))
        self.average_length = average_length or 1.0
        self.k1 = settings.k1
        self.b = settings.b
        self.setup(searcher, fieldname, text)

    def _score(self, weight: float, length: float) -> float:
        return bm25_term_score(self.idf, weight, length, self.average_length, self.k1, self.b)
