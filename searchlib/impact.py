"""Analysed articles -> a compact term index in numpy arrays, and fast
bag-of-words BM25 top-k over it.

whoosh's matchers are pure Python: a query's cost grows with the lengths of
its posting lists, one Python call per posting.  This module keeps, beside
whoosh's index, every field's postings as flat arrays (document numbers and
term frequencies, grouped by term) and the fields' lengths, and scores a
query with a few vectorised numpy operations per term.  It is an
accelerator, not a second engine: it answers only queries made of words
(with their synonyms), computes the same BM25 as ``ranking`` with the same
statistics as whoosh (including whoosh's one-byte field lengths), and
``search`` checks it gives the same rankings as the whoosh path (tests pin
this).  Phrases inside such a query (hyphenated names, multi-word synonyms)
take their matching documents from whoosh's positions.

On disk, in the generation folder, ``impact/``:

    terms.sqlite       (field, term) -> first posting, posting count
    <field>.docs.npy   int32 document numbers, grouped by term, ascending
    <field>.tfs.npy    float32 term frequencies, aligned with .docs
    <field>.lengths.npy  float64 field length of each document, as whoosh
                       stores it (one byte, decoded)
    id_order.npy       int32 rank of each document's id in sorted order
                       (ties in score are broken by id)

Documents are numbered as whoosh numbers them in a freshly built index: in
the order they were added.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from searchlib.query import Concept
from searchlib.ranking import RankingSettings, bm25_idf, capped_synonym_weight

IMPACT_DIR = "impact"
SCORED_FIELDS = ("content", "title")

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int32]
PhraseLookup = Callable[[str, tuple[str, ...]], Sequence[int]]
"""(field, terms) -> sorted numbers of the documents holding the phrase."""


class ImpactWriter:
    """Collects analysed fields document by document, then writes the arrays."""

    def __init__(self) -> None:
        self._postings: dict[str, dict[str, tuple[list[int], list[int]]]] = {
            field: {} for field in SCORED_FIELDS
        }
        self._lengths: dict[str, list[int]] = {field: [] for field in SCORED_FIELDS}
        self._ids: list[str] = []

    @property
    def document_ids(self) -> list[str]:
        """Ids in the order added: document number -> id."""
        return self._ids

    def add(self, document_id: str, fields: dict[str, list[str]]) -> None:
        number = len(self._ids)
        self._ids.append(document_id)
        for field in SCORED_FIELDS:
            terms = fields[field]
            self._lengths[field].append(len(terms))
            counts: dict[str, int] = {}
            for term in terms:
                counts[term] = counts.get(term, 0) + 1
            postings = self._postings[field]
            for term, count in counts.items():
                entry = postings.get(term)
                if entry is None:
                    postings[term] = ([number], [count])
                else:
                    entry[0].append(number)
                    entry[1].append(count)

    def write(self, generation_dir: Path, engine_generation: int) -> None:
        from whoosh.util.numeric import byte_to_length, length_to_byte

        folder = generation_dir / IMPACT_DIR
        folder.mkdir()
        database = sqlite3.connect(folder / "terms.sqlite")
        database.execute(
            "CREATE TABLE terms (field TEXT, term TEXT, start INTEGER, count INTEGER,"
            " PRIMARY KEY (field, term)) WITHOUT ROWID"
        )
        totals = {}
        for field in SCORED_FIELDS:
            postings = self._postings[field]
            rows = []
            start = 0
            docs: list[int] = []
            tfs: list[int] = []
            for term in sorted(postings):
                numbers, counts = postings[term]
                rows.append((field, term, start, len(numbers)))
                docs += numbers
                tfs += counts
                start += len(numbers)
            database.executemany("INSERT INTO terms VALUES (?, ?, ?, ?)", rows)
            np.save(folder / f"{field}.docs.npy", np.asarray(docs, dtype=np.int32))
            np.save(folder / f"{field}.tfs.npy", np.asarray(tfs, dtype=np.float32))
            lengths = self._lengths[field]
            # whoosh keeps one byte per field length; score with what it keeps.
            decoded = [byte_to_length(length_to_byte(n)) for n in lengths]
            np.save(folder / f"{field}.lengths.npy", np.asarray(decoded, dtype=np.float64))
            totals[field] = sum(lengths)
        database.commit()
        database.close()
        order = np.argsort(np.asarray(self._ids, dtype=object), kind="stable")
        id_order = np.empty(len(order), dtype=np.int32)
        id_order[order] = np.arange(len(order), dtype=np.int32)
        np.save(folder / "id_order.npy", id_order)
        meta = {
            "documents": len(self._ids),
            "total_lengths": totals,
            "engine_generation": engine_generation,
        }
        (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")


@dataclass(frozen=True)
class Ranked:
    """Top documents of a query: numbers and scores, best first."""

    documents: list[int]
    scores: list[float]
    total: int


class ImpactIndex:
    """The arrays of one generation, memory-mapped, and BM25 over them."""

    def __init__(self, generation_dir: Path) -> None:
        folder = generation_dir / IMPACT_DIR
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        self.document_count: int = meta["documents"]
        self.engine_generation: int = meta["engine_generation"]
        self._terms = sqlite3.connect(
            f"file:{folder / 'terms.sqlite'}?mode=ro", uri=True, check_same_thread=False
        )
        self._docs = {f: np.load(folder / f"{f}.docs.npy", mmap_mode="r") for f in SCORED_FIELDS}
        self._tfs = {f: np.load(folder / f"{f}.tfs.npy", mmap_mode="r") for f in SCORED_FIELDS}
        self._lengths = {
            f: np.load(folder / f"{f}.lengths.npy", mmap_mode="r") for f in SCORED_FIELDS
        }
        # The mean of the lengths scored with (``ranking.mean_stored_length``).
        self._average = {
            f: (float(self._lengths[f].sum()) / self.document_count) or 1.0 for f in SCORED_FIELDS
        }
        self.id_order: IntArray = np.load(folder / "id_order.npy")

    @staticmethod
    def exists(generation_dir: Path) -> bool:
        return (generation_dir / IMPACT_DIR / "meta.json").is_file()

    def close(self) -> None:
        self._terms.close()

    def postings(self, field: str, term: str) -> tuple[IntArray, npt.NDArray[np.float32]]:
        row = self._terms.execute(
            "SELECT start, count FROM terms WHERE field = ? AND term = ?", (field, term)
        ).fetchone()
        if row is None:
            empty = np.empty(0, dtype=np.int32)
            return empty, np.empty(0, dtype=np.float32)
        start, count = row
        return (
            self._docs[field][start : start + count],
            self._tfs[field][start : start + count],
        )

    def term_scores(
        self, field: str, term: str, ranking: RankingSettings
    ) -> tuple[IntArray, FloatArray]:
        """Documents holding ``term`` in ``field`` and its BM25 score in each
        (the vectorised form of ``ranking.bm25_term_score``)."""
        docs, tfs = self.postings(field, term)
        if len(docs) == 0:
            return docs, np.empty(0, dtype=np.float64)
        idf = bm25_idf(self.document_count, len(docs))
        tf = tfs.astype(np.float64)
        norm = 1.0 - ranking.b + ranking.b * (self._lengths[field][docs] / self._average[field])
        return docs, idf * tf * (ranking.k1 + 1.0) / (tf + ranking.k1 * norm)

    def rank(
        self,
        concepts: Sequence[tuple[Concept, float]],
        ranking: RankingSettings,
        limit: int,
        all_words_first: bool,
        phrase_documents: PhraseLookup,
    ) -> Ranked:
        """BM25 of weighted concepts over every document, top ``limit``.

        The score of a document is the sum, over concepts, of the best of:
        its words' scores added up, or one synonym's score times its weight
        (``synonym_weight``, capped by ``capped_synonym_weight``) -- each in
        the whole article plus ``title_weight`` times in the title: what
        whoosh computes for the same query.  With
        ``all_words_first``, documents that hold every concept fully come first.
        """
        n = self.document_count
        scores = np.zeros(n, dtype=np.float64)
        full = np.zeros(n, dtype=np.int32)
        some = np.zeros(n, dtype=bool)
        for concept, weight in concepts:
            words_score = np.zeros(n, dtype=np.float64)
            words_held = np.zeros(n, dtype=np.int32)
            for word in concept.words:
                held = self._add_alternative(words_score, word, None, ranking, phrase_documents)
                words_held += held
            best = words_score
            synonym_held = np.zeros(n, dtype=bool)
            for synonym in concept.synonyms:
                synonym_score = np.zeros(n, dtype=np.float64)
                synonym_held |= self._add_alternative(
                    synonym_score, synonym, concept.original, ranking, phrase_documents
                )
                best = np.maximum(best, synonym_score)
            scores += best * weight
            full += (words_held == len(concept.words)) | synonym_held
            some |= (words_held > 0) | synonym_held
        candidates = np.flatnonzero(some)
        total = len(candidates)
        if limit <= 0 or total == 0:
            return Ranked([], [], total)
        candidate_scores = scores[candidates]
        # Rounded as the whoosh path rounds, so equal scores tie the same way.
        rounded = np.round(candidate_scores, 9)
        if all_words_first:
            first_tier = full[candidates] == len(concepts)
        else:
            first_tier = np.ones(total, dtype=bool)
        order = np.lexsort((self.id_order[candidates], -rounded, ~first_tier))[:limit]
        return Ranked(candidates[order].tolist(), candidate_scores[order].tolist(), total)

    def _add_alternative(
        self,
        scores: FloatArray,
        terms: tuple[str, ...],
        synonym_of: tuple[str, ...] | None,
        ranking: RankingSettings,
        phrase_documents: PhraseLookup,
    ) -> npt.NDArray[np.bool_]:
        """Add a word's (or phrase's) weighted score in the whole article and
        in the title to ``scores``; return which documents hold it.  A
        synonym of ``synonym_of`` is weighed as the whoosh path weighs it."""
        held = np.zeros(len(scores), dtype=bool)
        for field, field_weight in (("content", 1.0), ("title", ranking.title_weight)):
            if field_weight == 0:
                continue
            weight = 1.0
            if synonym_of is not None:
                weight = capped_synonym_weight(
                    ranking.synonym_weight,
                    self._idf_sum(field, synonym_of),
                    self._idf_sum(field, terms),
                )
            docs, values = self._alternative_scores(field, terms, ranking, phrase_documents)
            if len(docs):
                # Postings hold each document once, so plain indexing adds.
                scores[docs] += values * (weight * field_weight)
                held[docs] = True
        return held

    def _idf_sum(self, field: str, terms: tuple[str, ...]) -> float:
        """The idfs of ``terms`` in ``field``, added up (a phrase's weight in BM25)."""
        return sum(bm25_idf(self.document_count, len(self.postings(field, t)[0])) for t in terms)

    def _alternative_scores(
        self,
        field: str,
        terms: tuple[str, ...],
        ranking: RankingSettings,
        phrase_documents: PhraseLookup,
    ) -> tuple[IntArray, FloatArray]:
        if len(terms) == 1:
            return self.term_scores(field, terms[0], ranking)
        # Only documents holding every word can hold the phrase: most
        # multi-word synonyms stop here without asking whoosh's positions.
        candidates = self.postings(field, terms[0])[0]
        for term in terms[1:]:
            if len(candidates) == 0:
                break
            candidates = np.intersect1d(candidates, self.postings(field, term)[0])
        if len(candidates) == 0:
            return candidates, np.empty(0, dtype=np.float64)
        where = np.asarray(phrase_documents(field, terms), dtype=np.int32)
        if len(where) == 0:
            return where, np.empty(0, dtype=np.float64)
        total = np.zeros(len(where), dtype=np.float64)
        for term in terms:  # a phrase scores as the sum of its words' scores
            docs, values = self.term_scores(field, term, ranking)
            positions = np.searchsorted(docs, where)
            total += values[np.minimum(positions, len(docs) - 1)]
        return where, total
