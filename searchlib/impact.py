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
    id_order.npy       int32 rank of each document's id in sorted order
                       (ties in score are broken by id)

Documents are numbered as whoosh numbers them in a freshly built index: in
the order they were added.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np

from searchlib.impact_reading import IMPACT_DIR, SCORED_FIELDS


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
        means = {}
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
