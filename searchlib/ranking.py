"""BM25 parameters and weighting, as small pure functions.

BM25 (Robertson, Walker, Jones, Hancock-Beaulieu & Gatford, "Okapi at
TREC-3", 1994; Robertson & Zaragoza, "The Probabilistic Relevance Framework:
BM25 and Beyond", 2009), with the idf that Lucene uses, which never goes
negative:

    idf(t)      = ln(1 + (N - n(t) + 0.5) / (n(t) + 0.5))
    score(t, d) = idf(t) * (tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)))
    weight(t)   = qtf * (k3 + 1) / (k3 + qtf)

N is the number of documents, n(t) the number holding term t, tf the term's
count in the field of document d, dl that field's length in terms and avgdl
the mean length of the field.  A query term written qtf times counts
weight(t) times: the query side of Okapi BM25 (Robertson et al. 1994, the
k3 component; k3 = 8 is Terrier's default), which saturates as tf does, so
that a word repeated throughout a long request does not drown the others
(k3 = 0 counts it once, a large k3 as often as it is written).

A word without a field is scored in the whole article (``content``) and,
multiplied by ``title_weight``, in the title.  dl is the length as whoosh
stores it (one byte, rounded up: 11 terms -> 12, 43 -> 45) and avgdl the
mean of those stored lengths, not of the exact ones: whoosh's own average
divides the exact total, so every document looked up to 4% longer than the
average it was compared with.

The same functions score on both search paths: ``whoosh_scoring`` hands them
to whoosh's matchers, ``impact_reading`` applies them to posting arrays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class RankingSettings:
    """BM25's free parameters and the weights of fields and synonyms."""

    k1: float = 1.2
    b: float = 0.75
    k3: float = 8.0
    title_weight: float = 0.5
    synonym_weight: float = 0.5

    def __post_init__(self) -> None:
        if self.k1 < 0 or not 0 <= self.b <= 1 or self.k3 < 0:
            raise ValueError(
                "BM25 needs k1 >= 0, 0 <= b <= 1 and k3 >= 0 "
                f"(got k1={self.k1}, b={self.b}, k3={self.k3})"
            )
        if not 0 <= self.synonym_weight <= 1:
            raise ValueError(
                "a synonym counts at most as much as the user's own word: "
                f"0 <= synonym_weight <= 1 (got {self.synonym_weight})"
            )


def bm25_idf(document_count: int, document_frequency: int) -> float:
    """Inverse document frequency, Lucene's form (always positive)."""
    n = document_frequency
    return math.log(1.0 + (document_count - n + 0.5) / (n + 0.5))


def bm25_query_term_weight(count: int, k3: float) -> float:
    """The weight of a query term written ``count`` times: 1 for one time,
    growing towards k3 + 1 (Robertson et al. 1994, the k3 component)."""
    if count <= 1:
        return float(count)
    return count * (k3 + 1.0) / (k3 + count)


def capped_synonym_weight(synonym_weight: float, original_idf: float, synonym_idf: float) -> float:
    """The weight of a synonym in one field: ``synonym_weight``, scaled down
    by idf(original) / idf(synonym) when the synonym is the rarer.

    BM25 scores a word in proportion to its idf (a phrase, as the sum of its
    words' idfs), so a synonym much rarer than the user's word would outscore
    it despite its weight.  Capped so, a document holding only the synonym
    scores at most ``synonym_weight`` times what the same document would
    with the user's word in its place (same count, same length).  An idf is
    that of the word, or the sum over a phrase's words.
    """
    if synonym_idf <= original_idf:
        return synonym_weight
    return synonym_weight * original_idf / synonym_idf


def bm25_saturation(
    term_frequency: float, length: float, average_length: float, k1: float, b: float
) -> float:
    """BM25's term-frequency part, tf * (k1 + 1) / (tf + k1 * (1 - b + b *
    dl / avgdl)): what a term's score in one field of one document is, per
    unit of idf.  It depends on neither the term's idf nor the query, so a
    build computes it for every posting (``impact_writing``)."""
    if term_frequency <= 0:
        return 0.0
    norm = 1.0 - b + b * (length / average_length if average_length > 0 else 0.0)
    return term_frequency * (k1 + 1.0) / (term_frequency + k1 * norm)


def bm25_term_score(
    idf: float, term_frequency: float, length: float, average_length: float, k1: float, b: float
) -> float:
    """One term's BM25 score in one field of one document: its idf times
    ``bm25_saturation``, multiplied in that order on every path, so that
    scores from saturations saved by the build are the same to the bit."""
    return idf * bm25_saturation(term_frequency, length, average_length, k1, b)
