"""Analysed articles -> the fast path's posting arrays (written at build time).

Beside whoosh's index, every scored field's postings are kept as flat arrays
(document numbers and term frequencies, grouped by term) with the fields'
lengths; ``impact_reading`` scores bag-of-words queries over them.

On disk, in the generation folder, ``impact/``:

    terms.sqlite       (field, term) -> first posting, posting count
    <field>.docs.npy   int32 document numbers, grouped by term, ascending
    <field>.tfs.npy    float32 term frequencies, aligned with .docs
    <field>.lengths.npy  float64 field length of each document, as whoosh
                       stores it (one byte, decoded)
    <field>.first_positions.npy  int64, aligned with .docs: where each
                       posting's occurrences start in .positions
    <field>.positions.npy  int32 positions of each posting's occurrences
                       (tf of them, ascending): phrases are checked here
    content.starts.npy int32, aligned with content.positions: where the
                       occurrence's token starts in the article body
                       (``models.article_body``), -1 in the title: snippets
                       are cut from these
    id_order.npy       int32 rank of each document's id in sorted order
                       (ties in score are broken by id)

Documents are numbered as whoosh numbers them in a freshly built index: in
the order they were added.
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from pathlib import Path

import numpy as np

from searchlib.impact_reading import CONTENT, IMPACT_DIR, SCORED_FIELDS


class _TermPostings:
    """One term's postings in one field, as the build collects them."""

    __slots__ = ("counts", "documents", "positions", "starts")

    def __init__(self) -> None:
        self.documents = array("i")
        self.counts = array("i")
        self.positions = array("i")
        self.starts = array("i")


class ImpactWriter:
    """Collects analysed fields document by document, then writes the arrays."""

    def __init__(self) -> None:
        self._postings: dict[str, dict[str, _TermPostings]] = {field: {} for field in SCORED_FIELDS}
        self._lengths: dict[str, list[int]] = {field: [] for field in SCORED_FIELDS}
        self._ids: list[str] = []

    @property
    def document_ids(self) -> list[str]:
        """Ids in the order added: document number -> id."""
        return self._ids

    def add(self, document_id: str, fields: dict[str, list[str]], body_starts: list[int]) -> None:
        """One document's terms per field; ``body_starts`` are where the
        content's terms after the title start in the article's body."""
        number = len(self._ids)
        self._ids.append(document_id)
        for field in SCORED_FIELDS:
            terms = fields[field]
            self._lengths[field].append(len(terms))
            positions_of: dict[str, list[int]] = {}
            for position, term in enumerate(terms):
                found = positions_of.get(term)
                if found is None:
                    positions_of[term] = [position]
                else:
                    found.append(position)
            # Occurrences in the title (content opens with it) have no body start.
            starts = [-1] * (len(terms) - len(body_starts)) + body_starts
            postings = self._postings[field]
            for term, positions in positions_of.items():
                entry = postings.get(term)
                if entry is None:
                    entry = postings[term] = _TermPostings()
                entry.documents.append(number)
                entry.counts.append(len(positions))
                entry.positions.extend(positions)
                if field == CONTENT:
                    entry.starts.extend(starts[position] for position in positions)

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
        means = {}
        for field in SCORED_FIELDS:
            postings = self._postings[field]
            rows = []
            start = 0
            docs = array("i")
            tfs = array("i")
            first_positions = array("q")
            positions = array("i")
            starts = array("i")
            for term in sorted(postings):
                entry = postings[term]
                rows.append((field, term, start, len(entry.documents)))
                docs.extend(entry.documents)
                tfs.extend(entry.counts)
                offset = len(positions)
                for count in entry.counts:
                    first_positions.append(offset)
                    offset += count
                positions.extend(entry.positions)
                starts.extend(entry.starts)
                start += len(entry.documents)
            database.executemany("INSERT INTO terms VALUES (?, ?, ?, ?)", rows)
            np.save(folder / f"{field}.docs.npy", np.frombuffer(docs, dtype=np.int32))
            np.save(
                folder / f"{field}.tfs.npy", np.frombuffer(tfs, dtype=np.int32).astype(np.float32)
            )
            np.save(
                folder / f"{field}.first_positions.npy",
                np.frombuffer(first_positions, dtype=np.int64),
            )
            np.save(folder / f"{field}.positions.npy", np.frombuffer(positions, dtype=np.int32))
            if field == CONTENT:
                np.save(folder / f"{field}.starts.npy", np.frombuffer(starts, dtype=np.int32))
            lengths = self._lengths[field]
            # whoosh keeps one byte per field length; score with what it keeps.
            decoded = [byte_to_length(length_to_byte(n)) for n in lengths]
            np.save(folder / f"{field}.lengths.npy", np.asarray(decoded, dtype=np.float64))
            totals[field] = sum(lengths)
            # As ``whoosh_scoring.mean_stored_length`` computes it for whoosh.
            means[field] = sum(decoded) / len(decoded) if decoded else 0.0
        database.commit()
        database.close()
        order = np.argsort(np.asarray(self._ids, dtype=object), kind="stable")
        id_order = np.empty(len(order), dtype=np.int32)
        id_order[order] = np.arange(len(order), dtype=np.int32)
        np.save(folder / "id_order.npy", id_order)
        meta = {
            "documents": len(self._ids),
            "total_lengths": totals,
            "mean_stored_lengths": means,
            "engine_generation": engine_generation,
        }
        (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
