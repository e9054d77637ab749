"""Bag-of-words BM25 top-k over the fast path's posting arrays.

whoosh's matchers are pure Python: a query's cost grows with the lengths of
its posting lists, one Python call per posting.  The build (``impact``)
keeps, beside whoosh's index, every scored field's postings as flat arrays
(document numbers and term frequencies, grouped by term) and the fields'
lengths; this module scores a query over them.  It is an accelerator, not
a second engine: it answers only queries made of words and phrases (with
their synonyms), computes the same BM25 as ``ranking`` with the same
statistics as whoosh (including whoosh's one-byte field lengths), and
``search`` checks it gives the same rankings as the whoosh path (tests pin
this).  Phrases are matched, and snippets cut, on the documents' term
vectors (``term_vectors``): positions, and where tokens start in the body.

Two scorers, one arithmetic: numpy's, a term's whole posting list at a
time, and plain Python's over memory-mapped views of the same arrays.  The
Python one serves a process that has not imported numpy yet and asks a
query touching few postings (the command line: importing numpy costs more
than the whole search), and any query touching very few (numpy's calls
then cost more than its arithmetic saves).  Both add the same numbers in the same order, so
they agree to the last bit (tests compare them).

Needs neither whoosh nor, for small queries, numpy.
"""

from __future__ import annotations

import contextlib
import heapq
import json
import mmap
import re
import sqlite3
import struct
import sys
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from searchlib.manifest import select_in
from searchlib.query import Concept
from searchlib.ranking import (
    RankingSettings,
    bm25_idf,
    bm25_saturation,
    capped_synonym_weight,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

IMPACT_DIR = "impact"
CONTENT = "content"
SCORED_FIELDS = (CONTENT, "title")
FIELD_WEIGHTS = (("content", False), ("title", True))
"""Scored fields, and whether ``title_weight`` multiplies the field's score."""
PYTHON_UP_TO_POSTINGS = 20_000
"""Postings the first query of an index may touch to be scored in Python
while numpy is not imported: about what Python scores in the time numpy
takes to import.  A process that asks a second query is likely to ask
many; numpy is worth importing for it."""
PYTHON_BEATS_NUMPY_UP_TO = 150
"""Postings up to which Python scores faster than numpy, imported or not
(numpy's calls cost more than its arithmetic saves)."""
PHRASE_CACHE_SIZE = 1_000
PHRASE_SCORES_BUDGET = 2_000_000
"""Documents, over all phrases, whose phrase scores the numpy scorer keeps
between searches (12 bytes each, 24 MB at most)."""
COMPACT_SHARE = 1
"""The numpy scorer works over the documents a query touches only when
its postings number less than the collection's documents over this
(fresh arrays as long as the collection cost page faults, query after
query, more than finding those documents costs)."""
SORT_SHARE = 16
"""The numpy scorer finds the documents a query touches by sorting its
postings when they number less than the collection's documents over this,
else by marking them in an array as long as the collection."""
SELECTION_BLOCK = 128
"""Keys per block when the numpy scorer bounds its best few by the blocks'
smallest keys (``smallest_keys``)."""
NUMPY_PHRASE_CANDIDATES = 64
"""Documents to check for a phrase from which numpy checks them, when imported."""
_TERM_CACHE_LIMIT = 100_000

_NPY_HEADER = re.compile(
    rb"'descr':\s*'(?P<descr>[^']+)',\s*'fortran_order':\s*False,\s*'shape':\s*\((?P<n>\d+),?\)"
)
_TYPE_CODES = {b"<i4": "i", b"<i8": "q", b"<f4": "f", b"<f8": "d"}


class DamagedArraysError(Exception):
    """An array file of the fast path is not what the build writes."""


class MappedArray:
    """A one-dimensional ``.npy`` file, memory-mapped: a typed view for
    Python (``values``) and, on demand, a numpy array over the same bytes."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as stream:
            self._map = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
        header = self._map[:256]
        if header[:6] != b"\x93NUMPY" or header[6] not in (1, 2, 3):
            raise DamagedArraysError(f"{path.name} is not an array file")
        width = 2 if header[6] == 1 else 4
        size = int.from_bytes(header[8 : 8 + width], "little")
        self._offset = 8 + width + size
        match = _NPY_HEADER.search(self._map[8 + width : self._offset])
        if match is None or match.group("descr") not in _TYPE_CODES:
            raise DamagedArraysError(f"{path.name} holds an unexpected array type")
        self._descr = match.group("descr").decode()
        self.length = int(match.group("n"))
        code = _TYPE_CODES[match.group("descr")]
        end = self._offset + self.length * struct.calcsize(code)
        if end > len(self._map):
            raise DamagedArraysError(f"{path.name} is shorter than it says")
        view: Any = memoryview(self._map)[self._offset : end]
        self.values: Any = view.cast(code)
        """The numbers, as a ``memoryview`` of ints or floats."""
        self._array: Any = None

    def numpy(self) -> Any:
        """The same numbers as a read-only numpy array (imports numpy)."""
        if self._array is None:
            import numpy as np

            self._array = np.frombuffer(
                self._map, dtype=self._descr, count=self.length, offset=self._offset
            )
        return self._array

    def close(self) -> None:
        self.values.release()
        self._array = None
        # A numpy view still referenced keeps the map open until collected.
        with contextlib.suppress(BufferError):
            self._map.close()


@dataclass(frozen=True)
class Ranked:
    """Top documents of a query: numbers and scores, best first."""

    documents: list[int]
    scores: list[float]
    total: int


class _Postings(NamedTuple):
    """Where one term's postings in one field lie in the arrays, and the
    term's idf there (``ranking.bm25_idf``)."""

    field: str
    start: int
    size: int
    idf: float


def _query_terms(concepts: Sequence[tuple[Concept, float]]) -> list[str]:
    """Every term of the concepts' words and synonyms, once each, in order."""
    return list(
        dict.fromkeys(
            term for concept, _ in concepts for phrase in concept.terms for term in phrase
        )
    )


def vectorised_saturations(
    np: Any, term_frequencies: Any, lengths: Any, average_length: float, ranking: RankingSettings
) -> Any:
    """``ranking.bm25_saturation`` over aligned arrays of term frequencies
    and field lengths, as float64: the same operations on the same operands,
    so the same numbers to the bit (the build saves them, ``impact_writing``)."""
    k1, b = ranking.k1, ranking.b
    saturations = term_frequencies.astype(np.float64)
    norm = lengths / average_length
    norm *= b
    norm += 1.0 - b
    norm *= k1
    norm += saturations
    saturations *= k1 + 1.0
    saturations /= norm
    return saturations


def _plain_word(concept: Concept) -> bool:
    """Whether a concept is one word of one term, without synonyms.

    Both scorers add up these concepts first, every one's score in the
    whole article in the query's order and then every one's in the title,
    straight into the sum; then the other concepts, one at a time.  The
    order is the same for both, so that they agree to the bit."""
    return len(concept.words) == 1 and len(concept.words[0]) == 1 and not concept.synonyms


def _plain_words(concepts: Sequence[tuple[Concept, float]]) -> list[tuple[str, float]]:
    """The term and weight of each plain word (``_plain_word``), in order."""
    return [(concept.words[0][0], weight) for concept, weight in concepts if _plain_word(concept)]


def smallest_keys(np: Any, keys: Any, limit: int) -> Any:
    """Where ``keys`` are at most their ``limit``-th smallest (ties kept), in order.

    numpy's ``argpartition`` does this in one call, but it takes 0.15-0.2
    ms for 20,000 keys and 1.1-1.2 ms for 100,000 here with numpy 2.4
    (numpy 1.26: 0.05 and 0.6-1.3 ms).  So the keys are cut into blocks
    first: the ``limit``-th smallest of the blocks' minimums is a bound at
    least as large as the answer (``limit`` keys are at most it), a pass
    over the keys keeps the few under that bound, and only those are
    partitioned: 0.02-0.03 ms for 20,000 keys, 0.1-0.2 ms for 100,000, on
    either numpy."""
    blocks = len(keys) // SELECTION_BLOCK
    near = None
    if blocks > limit:
        minimums = keys[: blocks * SELECTION_BLOCK].reshape(blocks, SELECTION_BLOCK).min(axis=1)
        bound = np.partition(minimums, limit - 1)[limit - 1]
        near = np.flatnonzero(keys <= bound)
        keys = keys[near]
    threshold = np.partition(keys, limit - 1)[limit - 1]
    kept = np.flatnonzero(keys <= threshold)
    return kept if near is None else near[kept]


def rounded(score: float) -> float:
    """A score rounded to 9 decimals as numpy rounds (``np.round``), so
    that equal scores tie the same way on both scorers."""
    return round(score * 1e9) / 1e9


class ImpactIndex:
    """The arrays of one generation, memory-mapped, and BM25 over them."""

    def __init__(self, generation_dir: Path) -> None:
        folder = generation_dir / IMPACT_DIR
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        self.document_count: int = meta["documents"]
        self.engine_generation: int = meta["engine_generation"]
        self._terms = sqlite3.connect(
            f"file:{folder / 'terms.sqlite'}?mode=ro&immutable=1",
            uri=True,
            check_same_thread=False,
        )
        self._term_rows: dict[tuple[str, str], _Postings | None] = {}
        self._terms_in_every_field: set[str] = set()
        """Terms whose rows in every scored field are in ``_term_rows``."""
        self._ranked_before = False
        """Whether a query was ranked (``PYTHON_UP_TO_POSTINGS``)."""
        self._phrases: dict[tuple[str, tuple[str, ...]], list[int]] = {}
        self.phrase_scores = PhraseScores()
        self._arrays: list[MappedArray] = []
        try:
            self._docs = {f: self._map(folder / f"{f}.docs.npy") for f in SCORED_FIELDS}
            self._tfs = {f: self._map(folder / f"{f}.tfs.npy") for f in SCORED_FIELDS}
            self._lengths = {f: self._map(folder / f"{f}.lengths.npy") for f in SCORED_FIELDS}
            self.id_order = self._map(folder / "id_order.npy")
            saved = meta.get("saturations")
            self._saturations = {
                f: self._map(folder / f"{f}.saturations.npy") for f in SCORED_FIELDS if saved
            }
            self._saturated_with = (saved["k1"], saved["b"]) if saved else None
            for field, saturations in self._saturations.items():
                if saturations.length != self._docs[field].length:
                    raise DamagedArraysError(f"{field}.saturations.npy does not match its postings")
            self._terms.execute("SELECT count(*) FROM terms").fetchone()
            from searchlib.term_vectors import TermVectors

            self.vectors = TermVectors(generation_dir)
        except BaseException:
            self.close()
            raise
        # avgdl: the mean of the stored lengths (see ``ranking``).
        self._average = {f: meta["mean_stored_lengths"][f] or 1.0 for f in SCORED_FIELDS}

    def _map(self, path: Path) -> MappedArray:
        array = MappedArray(path)
        self._arrays.append(array)
        return array

    @staticmethod
    def exists(generation_dir: Path) -> bool:
        return (generation_dir / IMPACT_DIR / "meta.json").is_file()

    def close(self) -> None:
        self._terms.close()
        for array in self._arrays:
            array.close()
        self._arrays = []
        if hasattr(self, "vectors"):
            self.vectors.close()

    # -- statistics -------------------------------------------------------------

    def _postings(self, field: str, term: str) -> _Postings | None:
        key = (field, term)
        if key not in self._term_rows:
            self._look_up((field,), [term])
        return self._term_rows[key]

    def _look_up(self, fields: Sequence[str], terms: Sequence[str]) -> None:
        """Read where the postings of ``terms`` in ``fields`` are, those not
        read yet, in one statement."""
        rows = self._term_rows
        every_field = fields == SCORED_FIELDS
        if every_field:
            complete = self._terms_in_every_field
            wanted = [term for term in dict.fromkeys(terms) if term not in complete]
        else:
            wanted = [
                term
                for term in dict.fromkeys(terms)
                if any((field, term) not in rows for field in fields)
            ]
        if not wanted:
            return
        if len(rows) + len(wanted) * len(fields) > _TERM_CACHE_LIMIT:
            rows.clear()
            self._terms_in_every_field.clear()
            wanted = list(dict.fromkeys(terms))  # every one is read again
        select = (
            "SELECT field, term, start, count FROM terms "
            f"WHERE field IN ({','.join('?' * len(fields))}) AND term IN"
        )
        documents = self.document_count
        found = {
            (field, term): _Postings(field, start, count, bm25_idf(documents, count))
            for field, term, start, count in select_in(self._terms, select, wanted, fields)
        }
        for term in wanted:
            for field in fields:
                rows[field, term] = found.get((field, term))
        if every_field:
            self._terms_in_every_field.update(wanted)

    def saved_saturations(self, field: str, ranking: RankingSettings) -> MappedArray | None:
        """The build's ``bm25_saturation`` of each posting in ``field``, if
        computed with ``ranking``'s k1 and b; else None."""
        if self._saturated_with != (ranking.k1, ranking.b):
            return None
        return self._saturations[field]

    def document_frequency(self, field: str, term: str) -> int:
        postings = self._postings(field, term)
        return postings.size if postings else 0

    def idf(self, field: str, term: str) -> float:
        """BM25 idf of a term in a field (``query.TermStatistics``)."""
        postings = self._postings(field, term)
        return postings.idf if postings else bm25_idf(self.document_count, 0)

    def _idf_sum(self, field: str, terms: tuple[str, ...]) -> float:
        """The idfs of ``terms`` in ``field``, added up (a phrase's weight in BM25)."""
        return sum(self.idf(field, term) for term in terms)

    # -- ranking ------------------------------------------------------------------

    def rank(
        self,
        concepts: Sequence[tuple[Concept, float]],
        ranking: RankingSettings,
        limit: int,
        all_words_first: bool,
    ) -> Ranked:
        """BM25 of weighted concepts over every document, top ``limit``.

        The score of a document is the sum, over concepts, of the best of:
        its words' scores added up, or one synonym's score times its weight
        (``synonym_weight``, capped by ``capped_synonym_weight``) -- each in
        the whole article plus ``title_weight`` times in the title: what
        whoosh computes for the same query.  With ``all_words_first``,
        documents that hold every concept fully come first; ties in score
        go by id.
        """
        terms = _query_terms(concepts)
        self._look_up(SCORED_FIELDS, terms)
        first = not self._ranked_before
        self._ranked_before = True
        if first and "numpy" not in sys.modules:
            most = PYTHON_UP_TO_POSTINGS
        else:
            most = PYTHON_BEATS_NUMPY_UP_TO
        in_python = self._touched(terms) <= most
        scorer = _PythonScorer if in_python else _NumpyScorer
        return scorer(self, ranking).rank(concepts, limit, all_words_first)

    def _touched(self, terms: Sequence[str]) -> int:
        """How many postings scoring ``terms`` (looked up) reads."""
        rows = self._term_rows
        return sum(
            postings.size
            for term in terms
            for field in SCORED_FIELDS
            if (postings := rows[field, term]) is not None
        )

    def _weights(
        self, ranking: RankingSettings, terms: tuple[str, ...], synonym_of: tuple[str, ...] | None
    ) -> list[tuple[str, float]]:
        """(field, weight) of an alternative in each field it is scored in."""
        weights = []
        for field, titled in FIELD_WEIGHTS:
            field_weight = ranking.title_weight if titled else 1.0
            if field_weight == 0:
                continue
            weight = 1.0
            if synonym_of is not None:
                weight = capped_synonym_weight(
                    ranking.synonym_weight,
                    self._idf_sum(field, synonym_of),
                    self._idf_sum(field, terms),
                )
            weights.append((field, weight * field_weight))
        return weights

    # -- phrases and snippets (``term_vectors``) ------------------------------------

    def phrase_documents(self, field: str, terms: tuple[str, ...]) -> list[int]:
        """Documents holding ``terms`` at consecutive positions, ascending
        (whoosh's phrase match: stop words were dropped before positions
        were counted, so a phrase matches across them).  Only documents
        holding every word are looked at, in their term vectors.

        The arrays never change, so the answers are kept (the last
        ``PHRASE_CACHE_SIZE`` phrases): multi-word synonyms -- "united
        states" for US -- come back query after query.
        """
        key = (field, terms)
        cached = self._phrases.get(key)
        if cached is None:
            cached = self._phrases[key] = self._find_phrase(field, terms)
            if len(self._phrases) > PHRASE_CACHE_SIZE:
                del self._phrases[next(iter(self._phrases))]
        return cached

    def _find_phrase(self, field: str, terms: tuple[str, ...]) -> list[int]:
        lists = [self._postings(field, term) for term in terms]
        found = [postings for postings in lists if postings is not None]
        if len(found) < len(lists):
            return []
        smallest = min(found, key=lambda postings: postings.size)
        if "numpy" in sys.modules and smallest.size > NUMPY_PHRASE_CANDIDATES:
            return self._phrase_documents_numpy(field, terms, found)
        docs = self._docs[field].values
        candidates = set(docs[smallest.start : smallest.start + smallest.size])
        for postings in found:
            if postings is not smallest:
                candidates.intersection_update(
                    docs[postings.start : postings.start + postings.size]
                )
            if not candidates:
                return []
        vectors = self.vectors
        return [
            document
            for document in sorted(candidates)
            if vectors.holds_phrase(field, document, terms)
        ]

    def _phrase_documents_numpy(
        self, field: str, terms: tuple[str, ...], found: list[_Postings]
    ) -> list[int]:
        import numpy as np

        from searchlib.term_vectors import common_values

        docs = self._docs[field].numpy()
        candidates = None
        for postings in sorted(found, key=lambda postings: postings.size):
            these = docs[postings.start : postings.start + postings.size]
            candidates = these if candidates is None else common_values(np, candidates, these)
            if len(candidates) == 0:
                return []
        assert candidates is not None
        return self.vectors.phrase_documents(field, candidates, terms)


class PhraseScores:
    """The numpy scorer's (documents, scores) of phrases, kept between
    searches: a multi-word synonym ("united states" for US) is scored once,
    not in every search that expands to it.  The phrases kept hold at most
    ``budget`` documents in all, the oldest dropped first.  The arrays are
    read only: every search shares them."""

    def __init__(self, budget: int = PHRASE_SCORES_BUDGET) -> None:
        self.budget = budget
        self._kept: dict[tuple[str, tuple[str, ...], float, float], tuple[Any, Any]] = {}
        self.documents = 0
        """How many documents the kept phrases hold in all."""

    def get(
        self, field: str, terms: tuple[str, ...], ranking: RankingSettings
    ) -> tuple[Any, Any] | None:
        return self._kept.get((field, terms, ranking.k1, ranking.b))

    def keep(
        self, field: str, terms: tuple[str, ...], ranking: RankingSettings, scored: tuple[Any, Any]
    ) -> None:
        documents, scores = scored
        key = (field, terms, ranking.k1, ranking.b)
        kept = self._kept
        if len(documents) > self.budget or key in kept:
            return
        documents.flags.writeable = False
        scores.flags.writeable = False
        kept[key] = scored
        self.documents += len(documents)
        while self.documents > self.budget:
            self.documents -= len(kept.pop(next(iter(kept)))[0])


class _Gathered(NamedTuple):
    """A concept's weight and its alternatives' weighted scores, field by
    field: (documents, scores) pairs for each word, and for each synonym."""

    weight: float
    words: list[list[tuple[Any, Any]]]
    synonyms: list[list[tuple[Any, Any]]]


class _PlainPostings(NamedTuple):
    """The plain words' postings, as the numpy scorer adds them up."""

    documents: list[Any]
    """Each word's documents in each field, in order."""
    scores: Any
    """Their scores, in the same order, in one array."""
    in_article: int
    """How many come first from the whole article's field (``content``)."""


class _PythonScorer:
    """BM25 over memoryviews, document by document, in dictionaries."""

    def __init__(self, index: ImpactIndex, ranking: RankingSettings) -> None:
        self.index = index
        self.ranking = ranking

    def rank(
        self, concepts: Sequence[tuple[Concept, float]], limit: int, all_words_first: bool
    ) -> Ranked:
        scores: dict[int, float] = {}
        full: dict[int, int] = {}
        plain = _plain_words(concepts)
        for field, field_weight in self.index._weights(self.ranking, (), None):
            for term, weight in plain:
                for document, value in self._term_scores(field, term):
                    scores[document] = scores.get(document, 0.0) + value * field_weight * weight
                    if field == CONTENT:  # the whole article: who holds the word
                        full[document] = full.get(document, 0) + 1
        for concept, weight in concepts:
            if _plain_word(concept):
                continue
            words_score: dict[int, float] = {}
            words_held: dict[int, int] = {}
            for word in concept.words:
                for document in self._add_alternative(words_score, word, None):
                    words_held[document] = words_held.get(document, 0) + 1
            best = words_score
            synonym_held: set[int] = set()
            for synonym in concept.synonyms:
                synonym_score: dict[int, float] = {}
                synonym_held |= self._add_alternative(synonym_score, synonym, concept.original)
                best = {
                    document: max(best.get(document, 0.0), synonym_score.get(document, 0.0))
                    for document in best.keys() | synonym_score.keys()
                }
            whole = len(concept.words)
            for document in words_held.keys() | synonym_held:
                scores[document] = scores.get(document, 0.0) + best.get(document, 0.0) * weight
                if document in synonym_held or words_held.get(document) == whole:
                    full[document] = full.get(document, 0) + 1
        total = len(scores)
        if limit <= 0 or total == 0:
            return Ranked([], [], total)
        id_order = self.index.id_order.values
        wanted = len(concepts)

        def order(document: int) -> tuple[bool, float, int]:
            first = not all_words_first or full.get(document, 0) == wanted
            return (not first, -rounded(scores[document]), id_order[document])

        top = heapq.nsmallest(limit, scores, key=order)
        return Ranked(top, [scores[document] for document in top], total)

    def _add_alternative(
        self, scores: dict[int, float], terms: tuple[str, ...], synonym_of: tuple[str, ...] | None
    ) -> set[int]:
        """Add a word's (or phrase's) weighted score in each field to
        ``scores``; return which documents hold it."""
        held: set[int] = set()
        for field, weight in self.index._weights(self.ranking, terms, synonym_of):
            for document, value in self._alternative_scores(field, terms):
                scores[document] = scores.get(document, 0.0) + value * weight
                held.add(document)
        return held

    def _alternative_scores(self, field: str, terms: tuple[str, ...]) -> list[tuple[int, float]]:
        if len(terms) == 1:
            return self._term_scores(field, terms[0])
        where = self.index.phrase_documents(field, terms)
        if not where:
            return []
        index = self.index
        docs = index._docs[field].values
        totals = [0.0] * len(where)
        for term in terms:  # a phrase scores as the sum of its words' scores
            postings = index._postings(field, term)
            assert postings is not None  # every phrase document holds every word
            idf = postings.idf
            start, end = postings.start, postings.start + postings.size
            saturations = self._saturations(field, start, end)
            for position, document in enumerate(where):
                at = min(bisect_left(docs, document, start, end), end - 1)
                totals[position] += idf * saturations[at - start]
        return list(zip(where, totals, strict=True))

    def _term_scores(self, field: str, term: str) -> list[tuple[int, float]]:
        postings = self.index._postings(field, term)
        if postings is None:
            return []
        start, end = postings.start, postings.start + postings.size
        idf = postings.idf
        return [
            (document, idf * saturation)
            for document, saturation in zip(
                self.index._docs[field].values[start:end],
                self._saturations(field, start, end),
                strict=True,
            )
        ]

    def _saturations(self, field: str, start: int, end: int) -> Sequence[float]:
        """``ranking.bm25_saturation`` of postings ``start:end`` of ``field``:
        the build's, or computed for this search's k1 and b."""
        saved = self.index.saved_saturations(field, self.ranking)
        if saved is not None:
            values: Sequence[float] = saved.values[start:end]
            return values
        docs = self.index._docs[field].values
        tfs = self.index._tfs[field].values
        lengths = self.index._lengths[field].values
        average, k1, b = self.index._average[field], self.ranking.k1, self.ranking.b
        return [
            bm25_saturation(tfs[at], lengths[docs[at]], average, k1, b) for at in range(start, end)
        ]


class _NumpyScorer:
    """BM25 over numpy arrays, a term's whole posting list at a time.

    A query whose postings are few next to the collection is scored over
    the documents they touch only (``compact``), in arrays that many long;
    else over arrays as long as the collection, indexed by document number.
    The arithmetic is the same either way, element by element.
    """

    def __init__(
        self, index: ImpactIndex, ranking: RankingSettings, compact: bool | None = None
    ) -> None:
        import numpy

        self.np = numpy
        self.index = index
        self.ranking = ranking
        self.compact = compact
        self._scores: dict[tuple[str, str], tuple[Any, Any]] = {}
        self._nothing = (numpy.empty(0, dtype=numpy.int32), numpy.empty(0))
        """The (documents, scores) of a term no document holds."""
        self._plain_weights = index._weights(ranking, (), None)
        """(field, weight) of any word or phrase that is not a synonym."""

    def rank(
        self, concepts: Sequence[tuple[Concept, float]], limit: int, all_words_first: bool
    ) -> Ranked:
        np = self.np
        self.index._look_up(SCORED_FIELDS, _query_terms(concepts))
        plain = _plain_words(concepts)
        others = [(concept, weight) for concept, weight in concepts if not _plain_word(concept)]
        plain_postings = self._plain_postings(plain)
        # Each other concept's alternatives -- its words, then each synonym
        # -- as weighted scores, field by field.
        other_terms = _query_terms(others)
        for field in SCORED_FIELDS:
            self._score_terms(field, other_terms)
        gathered = [
            _Gathered(
                weight,
                [self._weighted_scores(word, None) for word in concept.words],
                [self._weighted_scores(synonym, concept.original) for synonym in concept.synonyms],
            )
            for concept, weight in others
        ]
        postings = [] if plain_postings is None else list(plain_postings.documents)
        postings += [
            docs
            for concept in gathered
            for alternative in (*concept.words, *concept.synonyms)
            for docs, _ in alternative
        ]
        compacted = self._touched_documents(postings)
        if compacted is None:  # over every document: a posting's place is its document
            n = self.index.document_count
            places = np.concatenate(postings) if postings else np.empty(0, dtype=np.int32)
        else:
            n, places = len(compacted[0]), compacted[1]
        # The plain words' scores, added in order (``bincount`` adds each
        # document's from 0.0 in the order given), then the other concepts'.
        if plain_postings is None:
            first, held, scores = 0, 0, np.zeros(n, dtype=np.float64)
        else:
            first, held = len(plain_postings.scores), plain_postings.in_article
            scores = np.bincount(places[:first], weights=plain_postings.scores, minlength=n)
        full = None
        if all_words_first:  # the whole article's postings say who holds a word
            full = np.bincount(places[:held], minlength=n).astype(np.int32)
        for concept in gathered:
            lists = [pair for found in (*concept.words, *concept.synonyms) for pair in found]
            count = sum(len(docs) for docs, _ in lists)
            self._add_rows(scores, full, concept, lists, places[first : first + count])
            first += count
        if compacted is None:
            if self.ranking.synonym_weight > 0 and self.ranking.title_weight >= 0:
                # Every posting then adds a positive score (idf, saturation
                # and weights are all above zero): the documents held are
                # those scoring above zero, found without marking them.
                candidates = np.flatnonzero(scores)
            else:
                held = np.zeros(n, dtype=bool)
                held[places] = True
                candidates = np.flatnonzero(held)
            candidate_scores = scores[candidates]
            candidate_full = None if full is None else full[candidates]
        else:  # each document scored is held by some posting
            candidates, candidate_scores, candidate_full = compacted[0], scores, full
        total = len(candidates)
        if limit <= 0 or total == 0:
            return Ranked([], [], total)
        rounded_scores = np.round(candidate_scores, 9)
        if candidate_full is not None:
            first_tier = candidate_full == len(concepts)
        else:
            first_tier = np.ones(total, dtype=bool)
        id_order = self.index.id_order.numpy()[candidates]
        if total > 4 * limit:  # keep the best few before sorting them
            keys = np.where(first_tier, 0.0, np.inf) - rounded_scores
            kept = smallest_keys(np, keys, limit)
            candidates, candidate_scores = candidates[kept], candidate_scores[kept]
            rounded_scores, first_tier, id_order = (
                rounded_scores[kept],
                first_tier[kept],
                id_order[kept],
            )
        order = np.lexsort((id_order, -rounded_scores, ~first_tier))[:limit]
        return Ranked(candidates[order].tolist(), candidate_scores[order].tolist(), total)

    def _add_rows(
        self,
        scores: npt.NDArray[np.float64],
        full: npt.NDArray[np.int32] | None,
        concept: _Gathered,
        lists: list[tuple[Any, Any]],
        places: Any,
    ) -> None:
        """Add one concept's score to ``scores`` (and to ``full`` whether
        each document holds it fully): the best of its words' scores added
        up and each synonym's, each summed in a row of its own by one
        ``bincount``, times its weight."""
        if not lists:  # no document holds it
            return
        np = self.np
        n = len(scores)
        rows: list[int] = []  # each posting list's row: the words', or a synonym's
        alternatives: list[int] = []  # and which alternative it belongs to
        for alternative, found in enumerate((*concept.words, *concept.synonyms)):
            row = max(0, alternative - len(concept.words) + 1)
            rows += [row] * len(found)
            alternatives += [alternative] * len(found)
        row_count = 1 + len(concept.synonyms)
        lengths = [len(docs) for docs, _ in lists]
        cells = np.repeat(np.asarray(rows, dtype=np.intp) * n, lengths)
        cells += places
        summed = np.bincount(
            cells, weights=np.concatenate([values for _, values in lists]), minlength=row_count * n
        ).reshape(row_count, n)
        best = summed[0]
        for synonym_row in range(1, row_count):
            best = np.maximum(best, summed[synonym_row])
        scores += best if concept.weight == 1.0 else best * concept.weight
        if full is not None:
            count = len(concept.words) + len(concept.synonyms)
            held = np.zeros(count * n, dtype=bool)
            cells = np.repeat(np.asarray(alternatives, dtype=np.intp) * n, lengths)
            cells += places
            held[cells] = True
            by_alternative = held.reshape(count, n)
            words = len(concept.words)
            whole = by_alternative[:words].sum(axis=0) == words
            if concept.synonyms:
                whole |= by_alternative[words:].any(axis=0)
            full += whole

    def _plain_postings(self, plain: list[tuple[str, float]]) -> _PlainPostings | None:
        """The postings of the plain words (term, weight) and their weighted
        scores, in the order they are added up (every word's in the whole
        article, then every word's in the title); None if no document holds
        any.  A score is idf times saturation, times the field's weight,
        times the word's (as the Python scorer multiplies them), written
        straight into one array for every word: a long query's words cost
        a call or two each, and no copies."""
        np = self.np
        index = self.index
        rows = index._term_rows
        fields = []
        for field, field_weight in self._plain_weights:
            found = [
                (postings, weight)
                for term, weight in plain
                if (postings := rows[field, term]) is not None
            ]
            if found:
                fields.append((field, field_weight, found))
        if not fields:
            return None
        total = sum(postings.size for *_, found in fields for postings, _ in found)
        docs: list[Any] = []
        values = np.empty(total, dtype=np.float64)
        start = 0
        for field, field_weight, found in fields:
            end = start + sum(postings.size for postings, _ in found)
            spans = [slice(p.start, p.start + p.size) for p, _ in found]
            field_docs = [index._docs[field].numpy()[span] for span in spans]
            docs += field_docs
            field_values = values[start:end]
            saved = index.saved_saturations(field, self.ranking)
            saturations = None
            if saved is None:
                tfs = index._tfs[field].numpy()
                field_values[:] = vectorised_saturations(
                    np,
                    np.concatenate([tfs[span] for span in spans]),
                    index._lengths[field].numpy()[np.concatenate(field_docs)],
                    index._average[field],
                    self.ranking,
                )
            else:
                saturations = saved.numpy()
            # A word at a time, in place: one pass over its postings.
            at = 0
            for (postings, weight), span in zip(found, spans, strict=True):
                these = field_values[at : at + postings.size]
                at += postings.size
                if saturations is None:
                    these *= postings.idf
                else:
                    np.multiply(saturations[span], postings.idf, out=these)
                if field_weight != 1.0:  # times 1.0 would change no bit
                    these *= field_weight
                if weight != 1.0:
                    these *= weight
            start = end
        in_article = sum(postings.size for postings, _ in fields[0][2])
        return _PlainPostings(docs, values, in_article)

    def _touched_documents(self, postings: list[Any]) -> tuple[Any, Any] | None:
        """The documents the postings hold, ascending, and the place among
        them of each posting's document (the lists one after another), when
        scoring over them only pays (``compact``); None to score over every
        document."""
        np = self.np
        compact = self.compact
        if compact is None:
            held = sum(len(docs) for docs in postings)
            compact = held * COMPACT_SHARE < self.index.document_count
        if not compact:
            return None
        if len(postings) <= 1:  # one posting list: ascending already
            touched = postings[0] if postings else np.empty(0, dtype=np.int32)
            return touched, np.arange(len(touched))
        every = np.concatenate(postings)
        if len(every) * SORT_SHARE < self.index.document_count:
            touched, places = np.unique(every, return_inverse=True)
            return touched, places
        held_by_some = np.zeros(self.index.document_count, dtype=bool)
        held_by_some[every] = True
        touched = np.flatnonzero(held_by_some)
        # Each touched document's place, written where it is held only: no
        # pass over the whole collection (as a running count would take).
        place_of = np.empty(self.index.document_count, dtype=np.int32)
        place_of[touched] = np.arange(len(touched), dtype=np.int32)
        return touched, place_of[every]

    def _weighted_scores(
        self, terms: tuple[str, ...], synonym_of: tuple[str, ...] | None
    ) -> list[tuple[Any, Any]]:
        """(documents, weighted scores) of an alternative in each field it
        is scored in."""
        weighted = []
        weights = (
            self._plain_weights
            if synonym_of is None
            else self.index._weights(self.ranking, terms, synonym_of)
        )
        for field, weight in weights:
            docs, values = self._alternative_scores(field, terms)
            if len(docs):  # times 1.0 (the whole article's field) changes no bit
                weighted.append((docs, values if weight == 1.0 else values * weight))
        return weighted

    def _alternative_scores(self, field: str, terms: tuple[str, ...]) -> tuple[Any, Any]:
        if len(terms) == 1:
            return self._term_scores(field, terms[0])
        kept = self.index.phrase_scores
        scored = kept.get(field, terms, self.ranking)
        if scored is None:
            scored = self._phrase_scores(field, terms)
            kept.keep(field, terms, self.ranking, scored)
        return scored

    def _phrase_scores(self, field: str, terms: tuple[str, ...]) -> tuple[Any, Any]:
        np = self.np
        where = np.asarray(self.index.phrase_documents(field, terms), dtype=np.int32)
        total = np.zeros(len(where), dtype=np.float64)
        if len(where) == 0:
            return where, total
        for term in terms:  # a phrase scores as the sum of its words' scores
            docs, values = self._term_scores(field, term)
            positions = np.searchsorted(docs, where)
            total += values[np.minimum(positions, len(docs) - 1)]
        return where, total

    def _term_scores(self, field: str, term: str) -> tuple[Any, Any]:
        """Documents holding ``term`` in ``field`` and its BM25 score in each."""
        key = (field, term)
        if key not in self._scores:
            self._score_terms(field, [term])
        return self._scores[key]

    def _score_terms(self, field: str, terms: Sequence[str]) -> None:
        """Score ``terms`` in ``field`` (``ranking.bm25_term_score``) into
        ``_scores``: each term's idf times the saturations the build saved,
        or, for other k1 and b, computed for all their postings at once."""
        np = self.np
        index = self.index
        scores = self._scores
        found = []
        for term in terms:
            postings = index._postings(field, term)
            if postings is None:
                scores[field, term] = self._nothing
            else:
                found.append((term, postings))
        if not found:
            return
        all_docs = index._docs[field].numpy()
        saved = index.saved_saturations(field, self.ranking)
        if saved is not None:  # idf times the build's saturations, term by term
            all_saturations = saved.numpy()
            for term, (_, start, size, idf) in found:
                end = start + size
                scores[field, term] = (all_docs[start:end], all_saturations[start:end] * idf)
            return
        spans = [slice(p.start, p.start + p.size) for _, p in found]
        docs = np.concatenate([all_docs[span] for span in spans])
        all_tfs = index._tfs[field].numpy()
        values = vectorised_saturations(
            np,
            np.concatenate([all_tfs[span] for span in spans]),
            index._lengths[field].numpy()[docs],
            index._average[field],
            self.ranking,
        )
        values *= np.repeat([p.idf for _, p in found], [p.size for _, p in found])
        start = 0
        for term, postings in found:
            end = start + postings.size
            self._scores[field, term] = (docs[start:end], values[start:end])
            start = end
