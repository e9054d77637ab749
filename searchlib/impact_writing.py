"""Batches' postings -> the fast path's arrays (``impact``), in bounded memory.

Each batch of a build (``batch_writing``) leaves a *run* on disk for every
scored field: its terms (sorted), each term's posting count, the postings'
document numbers and frequencies grouped by term, and its documents' field
lengths.  ``write_impact`` merges the runs into the layout ``impact``
documents: the union of the runs' vocabularies gives each term its slice,
and each run's postings are placed into the output arrays, run after run, so
a term's documents stay ascending.  The output is made a slice of the
vocabulary at a time (a pass): the pass's postings are gathered in memory,
reading from each run only the part that falls in the slice, and written in
place.  Memory so holds one pass and the vocabulary, whatever the corpus
size.  The runs are deleted afterwards.

On disk, in the generation folder, ``impact/`` (read by ``impact_reading``):

    terms.sqlite       (field, term) -> first posting, posting count
    <field>.docs.npy   int32 document numbers, grouped by term, ascending
    <field>.tfs.npy    float32 term frequencies, aligned with .docs
    <field>.lengths.npy  float64 field length of each document, as whoosh
                       stores it (one byte, decoded)
    <field>.saturations.npy  float64 ``ranking.bm25_saturation`` of each
                       posting, aligned with .docs, for the default k1 and b
    id_order.npy       int32 rank of each document's id in sorted order
                       (ties in score are broken by id)
    meta.json          document count, total and mean stored field lengths,
                       the k1 and b of the saturations, and the whoosh
                       commit the arrays describe

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

from searchlib.impact_reading import IMPACT_DIR, SCORED_FIELDS, vectorised_saturations
from searchlib.ranking import RankingSettings
from searchlib.segment_writing import FieldPostings, in_byte_order
from searchlib.term_vectors import open_array_file

RUNS_DIR = "impact-runs"
MERGE_POSTINGS = 2 << 20
"""Postings a merge pass places (16 MB of output arrays)."""
SATURATION_POSTINGS = 1 << 19
"""Postings whose saturations are computed at a time (about 20 MB of arrays)."""
SATURATION_SETTINGS = RankingSettings()
"""The k1 and b the saved saturations are computed with: the defaults.  A
search with others computes its own (``impact_reading``)."""


def write_run(folder: Path, number: int, base: int, fields: dict[str, FieldPostings]) -> None:
    """Save one batch's scored postings; its documents are numbered from ``base``.

    Each array is a file of its own, so that a merge pass reads only the
    slice of the postings it places."""
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
        arrays = {
            "counts": counts,
            "docs": numbers + np.int32(base),
            "tfs": frequencies,
            "lengths": np.asarray(postings.lengths, dtype=np.int64),
        }
        for name, array in arrays.items():
            np.save(_run_path(folder, number, field, name), array)
        (folder / f"{number:06d}.{field}.terms").write_bytes(pickle.dumps(terms, protocol=5))


def _run_path(folder: Path, number: int, field: str, name: str) -> Path:
    return folder / f"{number:06d}.{field}.{name}.npy"


def _write_lengths(
    path: Path, runs: Path, run_numbers: Sequence[int], field: str, document_count: int
) -> tuple[int, int]:
    """Write every document's field length as whoosh stores it (one byte,
    decoded), a run at a time; the totals of the exact and stored lengths."""
    from whoosh.util.numeric import byte_to_length, length_to_byte

    total = stored_total = 0
    with open_array_file(path, np.float64, document_count) as output:
        for number in run_numbers:
            raw = _read_array(runs, number, field, "lengths")
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


def _write_saturations(folder: Path, field: str, postings: int, average_length: float) -> None:
    """Write ``ranking.bm25_saturation`` of each posting of ``field``, a
    slice of the postings at a time.  The field lengths are read through a
    memory map (8 bytes a document), the postings from their files."""
    lengths = np.load(folder / f"{field}.lengths.npy", mmap_mode="r")
    with open_array_file(folder / f"{field}.saturations.npy", np.float64, postings) as output:
        for begin in range(0, postings, SATURATION_POSTINGS):
            end = min(begin + SATURATION_POSTINGS, postings)
            docs = _read_slice(folder / f"{field}.docs.npy", begin, end)
            tfs = _read_slice(folder / f"{field}.tfs.npy", begin, end)
            saturations = vectorised_saturations(
                np, tfs, lengths[docs], average_length, SATURATION_SETTINGS
            )
            saturations.tofile(output)
    del lengths


def _new_array_file(path: Path, kind: np.dtype, length: int) -> int:
    """Make ``path`` a ``.npy`` file of ``length`` items of ``kind`` (zeros,
    sparse on disk); where its items start."""
    with open_array_file(path, kind, length) as file:
        offset: int = file.tell()
        file.truncate(offset + length * kind.itemsize)
    return offset


def _read_terms(folder: Path, number: int, field: str) -> list[bytes]:
    terms: list[bytes] = pickle.loads((folder / f"{number:06d}.{field}.terms").read_bytes())
    return terms


def _read_array(folder: Path, number: int, field: str, name: str) -> np.ndarray:
    array: np.ndarray = np.load(_run_path(folder, number, field, name))
    return array


def _read_slice(path: Path, begin: int, end: int) -> np.ndarray:
    """Items ``begin:end`` of the array saved at ``path``, read alone (a
    memory map would keep the pages it touched resident until closed)."""
    with path.open("rb") as file:
        if np.lib.format.read_magic(file) == (1, 0):
            _, _, dtype = np.lib.format.read_array_header_1_0(file)
        else:
            _, _, dtype = np.lib.format.read_array_header_2_0(file)
        file.seek(begin * dtype.itemsize, 1)
        return np.fromfile(file, dtype=dtype, count=end - begin)


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
            terms = _read_terms(runs, number, field)
            run_counts = _read_array(runs, number, field, "counts")
            for term, count in zip(terms, run_counts.tolist(), strict=True):
                counts_by_term[term] = counts_by_term.get(term, 0) + count
        vocabulary = sorted(counts_by_term)
        counts = np.fromiter((counts_by_term[t] for t in vocabulary), np.int64, len(vocabulary))
        starts = np.zeros(len(vocabulary), dtype=np.int64)
        np.cumsum(counts[:-1], out=starts[1:])
        slot = {term: index for index, term in enumerate(vocabulary)}
        del counts_by_term
        # Each run's terms as indexes into the vocabulary (ascending, as both
        # are in byte order) and the bounds of each term's postings in the
        # run, saved beside the run: a build has more runs the larger its corpus.
        places = []
        for number in run_numbers:
            terms = _read_terms(runs, number, field)
            where = np.fromiter((slot[t] for t in terms), np.int64, len(terms))
            run_counts = _read_array(runs, number, field, "counts")
            bounds = np.zeros(len(run_counts) + 1, dtype=np.int64)
            np.cumsum(run_counts, out=bounds[1:])
            where_path = runs / f"{number:06d}.{field}.where.npy"
            bounds_path = runs / f"{number:06d}.{field}.bounds.npy"
            np.save(where_path, where)
            np.save(bounds_path, bounds)
            places.append((number, where_path, bounds_path))
        del slot
        total = int(counts.sum())
        outputs = {
            name: (folder / f"{field}.{name}.npy", np.dtype(kind))
            for name, kind in (("docs", np.int32), ("tfs", np.float32))
        }
        offsets = {
            name: _new_array_file(path, kind, total) for name, (path, kind) in outputs.items()
        }
        filled = starts.copy()
        # A slice of the vocabulary at a time, gathered in memory and written
        # in place, so a merge holds MERGE_POSTINGS postings and the slices of
        # the runs that hold them, whatever the corpus size.
        low = 0
        while low < len(vocabulary):
            high = max(low + 1, int(np.searchsorted(starts, starts[low] + MERGE_POSTINGS)))
            first_posting = int(starts[low])
            end_posting = int(starts[high - 1] + counts[high - 1])
            gathered = {
                name: np.empty(end_posting - first_posting, dtype=kind)
                for name, (_, kind) in outputs.items()
            }
            for number, where_path, bounds_path in places:
                where = np.load(where_path, mmap_mode="r")
                first, last = (int(i) for i in np.searchsorted(where, [low, high]))
                if first == last:
                    continue
                bounds = np.load(bounds_path, mmap_mode="r")[first : last + 1]
                begin, end = int(bounds[0]), int(bounds[-1])
                run_counts = np.diff(bounds)
                terms_here = where[first:last]
                target = np.repeat(filled[terms_here] - first_posting - bounds[:-1], run_counts)
                target += np.arange(begin, end, dtype=np.int64)
                for name, output in gathered.items():
                    output[target] = _read_slice(_run_path(runs, number, field, name), begin, end)
                filled[terms_here] += run_counts
            for name, output in gathered.items():
                path, kind = outputs[name]
                with path.open("r+b") as file:
                    file.seek(offsets[name] + first_posting * kind.itemsize)
                    output.tofile(file)
            del gathered
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
        _write_saturations(folder, field, total, means[field] or 1.0)
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
        "saturations": {"k1": SATURATION_SETTINGS.k1, "b": SATURATION_SETTINGS.b},
        "engine_generation": engine_generation,
    }
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    shutil.rmtree(runs, ignore_errors=True)
