"""Batches' postings -> the fast path's arrays (``impact``), in bounded memory.

Each batch of a build (``batch_writing``) leaves a *run* on disk for every
scored field: its terms (sorted), each term's posting count, the postings'
document numbers and frequencies grouped by term, and its documents' field
lengths.  ``write_impact`` merges the runs into the layout ``impact``
documents: the union of the runs' vocabularies gives each term its slice,
and each run's postings are placed into memory-mapped output arrays, run
after run, so a term's documents stay ascending.  Memory holds one run and
the vocabulary, whatever the corpus size: the output is written a slice of
the vocabulary at a time, each pass's pages unmapped when it ends.  The runs
are deleted afterwards.

On disk, in the generation folder, ``impact/`` (read by ``impact_reading``):

    terms.sqlite       (field, term) -> first posting, posting count
    <field>.docs.npy   int32 document numbers, grouped by term, ascending
    <field>.tfs.npy    float32 term frequencies, aligned with .docs
    <field>.lengths.npy  float64 field length of each document, as whoosh
                       stores it (one byte, decoded)
    id_order.npy       int32 rank of each document's id in sorted order
                       (ties in score are broken by id)
    meta.json          document count, total and mean stored field lengths,
                       and the whoosh commit the arrays describe

Documents are numbered as whoosh numbers them in a freshly built index: in
the order they were added.
"""

from __future__ import annotations

import itertools
import json
import pickle
import shutil
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from numpy.lib.format import open_memmap

from searchlib.impact_reading import IMPACT_DIR, SCORED_FIELDS
from searchlib.segment_writing import FieldPostings, in_byte_order

RUNS_DIR = "impact-runs"
MERGE_POSTINGS = 4 << 20
"""Postings a merge pass places (32 MB of output arrays)."""


def write_run(folder: Path, number: int, base: int, fields: dict[str, FieldPostings]) -> None:
    """Save one batch's scored postings; its documents are numbered from ``base``."""
    folder.mkdir(exist_ok=True)
    for field in SCORED_FIELDS:
        postings = fields[field]
        ordered = in_byte_order(postings.terms)
        terms = [text for text, _ in ordered]
        entries = [postings.terms[term] for _, term in ordered]
        counts = np.fromiter((len(entry[0]) for entry in entries), np.int64, len(entries))
        total = int(counts.sum())
        numbers = np.fromiter(
            itertools.chain.from_iterable(entry[0] for entry in entries), np.int32, total
        )
        frequencies = np.fromiter(
            itertools.chain.from_iterable(entry[1] for entry in entries), np.float32, total
        )
        np.savez(
            folder / f"{number:06d}.{field}.npz",
            counts=counts,
            docs=numbers + np.int32(base),
            tfs=frequencies,
            lengths=np.asarray(postings.lengths, dtype=np.int64),
        )
        (folder / f"{number:06d}.{field}.terms").write_bytes(pickle.dumps(terms, protocol=5))


def _write_lengths(
    path: Path, runs: Path, run_numbers: Sequence[int], field: str, document_count: int
) -> tuple[int, int]:
    """Write every document's field length as whoosh stores it (one byte,
    decoded), a run at a time; the totals of the exact and stored lengths."""
    from whoosh.util.numeric import byte_to_length, length_to_byte

    total = stored_total = 0
    with path.open("wb") as output:
        header = {"descr": np.dtype(np.float64).str, "fortran_order": False}
        np.lib.format.write_array_header_1_0(output, {**header, "shape": (document_count,)})
        for number in run_numbers:
            _, arrays = _read_run(runs, number, field, ("lengths",), terms=False)
            raw = arrays["lengths"]
            # whoosh keeps one byte per field length; score with what it keeps.
            distinct, inverse = np.unique(raw, return_inverse=True)
            decoded = np.asarray(
                [byte_to_length(length_to_byte(int(n))) for n in distinct], dtype=np.float64
            )
            stored = decoded[inverse].astype(np.float64)
            stored.tofile(output)
            total += int(raw.sum())
            stored_total += int(stored.sum())
    return total, stored_total


def _read_run(
    folder: Path, number: int, field: str, names: Sequence[str], *, terms: bool = True
) -> tuple[list[bytes], dict[str, np.ndarray]]:
    """A run's terms (if asked) and the arrays named (each is read apart:
    the postings need not be read for the counts or the lengths)."""
    words = pickle.loads((folder / f"{number:06d}.{field}.terms").read_bytes()) if terms else []
    with np.load(folder / f"{number:06d}.{field}.npz") as arrays:
        return words, {name: arrays[name] for name in names}


def write_impact(
    generation_dir: Path,
    run_numbers: Sequence[int],
    document_count: int,
    numbers_by_id: Iterable[int],
    engine_generation: int,
) -> None:
    """Merge the runs in ``generation_dir/impact-runs`` (in document order)
    into ``generation_dir/impact``, then delete them.  ``numbers_by_id``
    gives the document numbers in the order of the documents' ids."""
    runs = generation_dir / RUNS_DIR
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
        counts_by_term: dict[bytes, int] = {}
        for number in run_numbers:
            terms, arrays = _read_run(runs, number, field, ("counts",))
            for term, count in zip(terms, arrays["counts"].tolist(), strict=True):
                counts_by_term[term] = counts_by_term.get(term, 0) + count
        vocabulary = sorted(counts_by_term)
        counts = np.fromiter((counts_by_term[t] for t in vocabulary), np.int64, len(vocabulary))
        starts = np.zeros(len(vocabulary), dtype=np.int64)
        np.cumsum(counts[:-1], out=starts[1:])
        slot = {term: index for index, term in enumerate(vocabulary)}
        del counts_by_term
        # Each run's terms as indexes into the vocabulary (ascending, as both
        # are in byte order) and where each term's postings start in the run,
        # saved beside the run: a build has more runs the larger its corpus.
        places = []
        for number in run_numbers:
            terms, arrays = _read_run(runs, number, field, ("counts",))
            where = np.fromiter((slot[t] for t in terms), np.int64, len(terms))
            run_starts = np.cumsum(arrays["counts"]) - arrays["counts"]
            where_path = runs / f"{number:06d}.{field}.where.npy"
            starts_path = runs / f"{number:06d}.{field}.starts.npy"
            np.save(where_path, where)
            np.save(starts_path, run_starts)
            places.append((number, where_path, starts_path))
        del slot
        total = int(counts.sum())
        paths = {name: folder / f"{field}.{name}.npy" for name in ("docs", "tfs")}
        for name, kind in (("docs", np.int32), ("tfs", np.float32)):
            open_memmap(paths[name], "w+", kind, (total,)).flush()  # made, unmapped
        filled = starts.copy()
        # A slice of the vocabulary at a time: the output pages a pass writes
        # leave memory when it ends, so a merge holds MERGE_POSTINGS postings.
        low = 0
        while low < len(vocabulary):
            high = max(low + 1, int(np.searchsorted(starts, starts[low] + MERGE_POSTINGS)))
            docs = open_memmap(paths["docs"], "r+")
            tfs = open_memmap(paths["tfs"], "r+")
            for number, where_path, starts_path in places:
                where = np.load(where_path, mmap_mode="r")
                run_starts = np.load(starts_path, mmap_mode="r")
                first, last = np.searchsorted(where, [low, high])
                if first == last:
                    continue
                _, arrays = _read_run(runs, number, field, ("counts", "docs", "tfs"), terms=False)
                run_counts = arrays["counts"][first:last]
                begin = int(run_starts[first])
                end = int(run_starts[last - 1] + run_counts[-1])
                target = np.repeat(filled[where[first:last]] - run_starts[first:last], run_counts)
                target += np.arange(begin, end, dtype=np.int64)
                docs[target] = arrays["docs"][begin:end]
                tfs[target] = arrays["tfs"][begin:end]
                filled[where[first:last]] += run_counts
            docs.flush()
            tfs.flush()
            del docs, tfs
            low = high
        database.executemany(
            "INSERT INTO terms VALUES (?, ?, ?, ?)",
            (
                (field, term.decode("utf-8"), start, count)
                for term, start, count in zip(
                    vocabulary, starts.tolist(), counts.tolist(), strict=True
                )
            ),
        )
        totals[field], stored_total = _write_lengths(
            folder / f"{field}.lengths.npy", runs, run_numbers, field, document_count
        )
        # As ``whoosh_scoring.mean_stored_length`` computes it for whoosh.
        means[field] = stored_total / document_count if document_count else 0.0
    database.commit()
    database.close()
    order = np.fromiter(numbers_by_id, np.int32, document_count)
    id_order = np.empty(document_count, dtype=np.int32)
    id_order[order] = np.arange(document_count, dtype=np.int32)
    np.save(folder / "id_order.npy", id_order)
    meta = {
        "documents": document_count,
        "total_lengths": totals,
        "mean_stored_lengths": means,
        "engine_generation": engine_generation,
    }
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    shutil.rmtree(runs, ignore_errors=True)
