"""Each document's terms with their positions, document by document: what
phrases and snippets need to know of one document.

The fast path scores from postings grouped by term (``impact``); to check
a phrase in a candidate document, or to cut a hit's snippet, it needs the
opposite view: where in *this* document each term occurs.  A build keeps,
for every scored field and document, its terms' keys (a 64-bit hash of the
term) with their positions, sorted by key then position, and, for the
body, where each occurrence's token starts in ``models.article_body`` (-1
in the title, which opens ``content``).  Looking a term up in a document is
then a binary search in that document's slice.

Written per batch of documents (a *run*, in this process or in a build
worker) and joined in document order at the end, by copying: no sort over
the whole corpus, and memory bounded by the batch.

Keys are hashes, not term ids, so that a batch needs no shared vocabulary;
two terms of one document sharing a 64-bit key (about one chance in 10^8
for a million-term vocabulary) would make one match where the other occurs.

On disk, in the generation folder, ``vectors/``:

    <field>.offsets.npy    int64, documents + 1: each document's slice
    <field>.keys.npy       int64 term keys, sorted within a document
    <field>.positions.npy  int32, aligned with .keys
    content.starts.npy     int32, aligned with content.keys
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from searchlib.impact_reading import CONTENT, SCORED_FIELDS, MappedArray

VECTORS_DIR = "vectors"
VECTOR_RUNS_DIR = "vector-runs"
_KEY_CACHE_LIMIT = 200_000


def term_key(term: str) -> int:
    """The 64-bit key of a term (the same in every process and version)."""
    digest = hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


class _KeyCache:
    def __init__(self) -> None:
        self._keys: dict[str, int] = {}

    def __call__(self, term: str) -> int:
        key = self._keys.get(term)
        if key is None:
            if len(self._keys) >= _KEY_CACHE_LIMIT:
                self._keys.clear()
            key = self._keys[term] = term_key(term)
        return key


class VectorRunWriter:
    """Collects a batch's documents, then writes them as one run.

    Each document's entries are sorted as they come (a stable sort by key
    keeps positions ascending), so the batch holds only the final arrays:
    16 bytes an occurrence."""

    def __init__(self) -> None:
        self._key = _KeyCache()
        self._keys: dict[str, array[int]] = {f: array("q") for f in SCORED_FIELDS}
        self._positions: dict[str, array[int]] = {f: array("i") for f in SCORED_FIELDS}
        self._starts = array("i")
        self._counts: dict[str, array[int]] = {f: array("q") for f in SCORED_FIELDS}
        self.count = 0

    def add(self, fields: dict[str, list[str]], body_starts: list[int]) -> None:
        """One document's terms per field; ``body_starts`` are where the
        content's terms after the title start in the article's body."""
        key = self._key
        for field in SCORED_FIELDS:
            terms = fields[field]
            keys = [key(term) for term in terms]
            order = sorted(range(len(terms)), key=keys.__getitem__)
            self._keys[field].extend([keys[position] for position in order])
            self._positions[field].extend(order)
            self._counts[field].append(len(terms))
            if field == CONTENT:
                starts = [-1] * (len(terms) - len(body_starts)) + body_starts
                self._starts.extend([starts[position] for position in order])
        self.count += 1

    def write(self, folder: Path, number: int) -> None:
        """Save the run."""
        import numpy as np

        folder.mkdir(exist_ok=True)
        arrays: dict[str, Any] = {}
        for field in SCORED_FIELDS:
            arrays[f"{field}.keys"] = np.frombuffer(self._keys[field], dtype=np.int64)
            arrays[f"{field}.positions"] = np.frombuffer(self._positions[field], dtype=np.int32)
            arrays[f"{field}.counts"] = np.frombuffer(self._counts[field], dtype=np.int64)
        arrays[f"{CONTENT}.starts"] = np.frombuffer(self._starts, dtype=np.int32)
        np.savez(folder / f"{number:06d}.npz", **arrays)


def write_vectors(generation_dir: Path, run_numbers: Sequence[int]) -> None:
    """Join the runs in ``generation_dir/vector-runs`` (in document order)
    into ``generation_dir/vectors``, then delete them."""
    import numpy as np

    runs = generation_dir / VECTOR_RUNS_DIR
    folder = generation_dir / VECTORS_DIR
    folder.mkdir()
    for field in SCORED_FIELDS:
        sizes = []
        documents = 0
        for number in run_numbers:
            with np.load(runs / f"{number:06d}.npz") as run:
                sizes.append(len(run[f"{field}.keys"]))
                documents += len(run[f"{field}.counts"])
        total = sum(sizes)
        names = ["keys", "positions"] + (["starts"] if field == CONTENT else [])
        types = {"keys": np.int64, "positions": np.int32, "starts": np.int32}
        # Appended to plain files, not mapped: written pages stay out of the
        # build's memory, which so holds one run whatever the corpus size.
        outputs = {
            name: open_array_file(folder / f"{field}.{name}.npy", types[name], total)
            for name in names
        }
        offsets = open_array_file(folder / f"{field}.offsets.npy", np.int64, documents + 1)
        try:
            np.zeros(1, dtype=np.int64).tofile(offsets)
            at = 0
            for number in run_numbers:
                with np.load(runs / f"{number:06d}.npz") as run:
                    counts = run[f"{field}.counts"]
                    for name in names:
                        run[f"{field}.{name}"].astype(types[name], copy=False).tofile(outputs[name])
                    (np.cumsum(counts) + at).astype(np.int64).tofile(offsets)
                    at += int(counts.sum())
        finally:
            for output in (*outputs.values(), offsets):
                output.close()
    import shutil  # the build's; a search need not load it

    shutil.rmtree(runs, ignore_errors=True)


def open_array_file(path: Path, kind: Any, length: int) -> Any:
    """A file open for appending the values of a one-dimensional .npy array
    (its header written; also the fast path's arrays, ``impact_writing``)."""
    import numpy as np

    stream = path.open("wb")
    header = {"descr": np.dtype(kind).str, "fortran_order": False, "shape": (length,)}
    np.lib.format.write_array_header_1_0(stream, header)
    return stream


class TermVectors:
    """The vectors of one generation, memory-mapped: a term's positions
    (and body starts) in one document."""

    def __init__(self, generation_dir: Path) -> None:
        folder = generation_dir / VECTORS_DIR
        self._arrays: list[MappedArray] = []
        try:
            self._offsets = {f: self._map(folder / f"{f}.offsets.npy") for f in SCORED_FIELDS}
            self._keys = {f: self._map(folder / f"{f}.keys.npy") for f in SCORED_FIELDS}
            self._positions = {f: self._map(folder / f"{f}.positions.npy") for f in SCORED_FIELDS}
            self._starts = self._map(folder / f"{CONTENT}.starts.npy")
        except BaseException:
            self.close()
            raise
        self._key = _KeyCache()

    def _map(self, path: Path) -> MappedArray:
        array_file = MappedArray(path)
        self._arrays.append(array_file)
        return array_file

    def close(self) -> None:
        for array_file in self._arrays:
            array_file.close()
        self._arrays = []

    def _slice(self, field: str, document: int, term: str) -> tuple[int, int]:
        offsets = self._offsets[field].values
        return _key_range(
            self._keys[field].values, self._key(term), offsets[document], offsets[document + 1]
        )

    def positions(self, field: str, document: int, term: str) -> Any:
        """Where ``term`` occurs in the field of ``document`` (ascending)."""
        first, last = self._slice(field, document, term)
        return self._positions[field].values[first:last]

    def phrase_documents(self, field: str, candidates: Any, terms: Sequence[str]) -> list[int]:
        """Of ``candidates`` (a sorted numpy array of documents holding
        every term), those holding ``terms`` at consecutive positions: what
        ``holds_phrase`` tells of each, for all of them at once."""
        import numpy as np

        offsets = self._offsets[field].numpy()
        keys = self._keys[field].numpy()
        positions = self._positions[field].numpy()
        candidates = np.asarray(candidates, dtype=np.int64)
        starts, ends = offsets[candidates], offsets[candidates + 1]
        common = None
        for offset, term in enumerate(terms):
            key = self._key(term)
            first = _bisect_each(keys, starts, ends, key)
            counts = _run_lengths(keys, first, ends, key)
            # Every occurrence as (document, position - offset), one number each.
            owners = np.repeat(candidates, counts)
            within = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(
                np.cumsum(counts) - counts, counts
            )
            places = positions[np.repeat(first, counts) + within].astype(np.int64) - offset
            # Ascending: documents ascend, and a term's positions ascend in
            # each (``VectorRunWriter``), so no sort is needed to intersect.
            encoded = (owners << 32) + places
            common = encoded if common is None else common_values(np, common, encoded)
            if len(common) == 0:
                return []
        assert common is not None
        documents = common >> 32
        first_of_each = np.ones(len(documents), dtype=bool)
        np.not_equal(documents[1:], documents[:-1], out=first_of_each[1:])
        return documents[first_of_each].tolist()  # type: ignore[no-any-return]

    def holds_phrase(self, field: str, document: int, terms: Sequence[str]) -> bool:
        """Whether ``terms`` occur at consecutive positions in the field."""
        first = self.positions(field, document, terms[0])
        later = [set(self.positions(field, document, term)) for term in terms[1:]]
        return any(
            all(position + offset in held for offset, held in enumerate(later, start=1))
            for position in first
        )

    def body_matches(
        self,
        documents: Sequence[int],
        terms: Iterable[str],
        phrases: Iterable[tuple[str, ...]],
    ) -> list[list[tuple[int, int]]]:
        """Where the terms and phrases occur in each document's body, as the
        start of the first and of the last token of each match.

        The terms' keys are found once for all the documents and looked up
        in ascending order, so each search starts where the last one ended
        and stops at the document's last key."""
        offsets = self._offsets[CONTENT].values
        keys = self._keys[CONTENT].values
        positions = self._positions[CONTENT].values
        body_starts = self._starts.values
        term_keys = sorted({self._key(term) for term in terms})
        phrase_keys = [[self._key(term) for term in phrase] for phrase in phrases]
        found = []
        for document in documents:
            low, high = offsets[document], offsets[document + 1]
            matches = []
            searched_to = low  # the keys before it are below the next key
            for key in term_keys:
                # ``_key_range``, written out: a call per key cost a third
                # of this loop's time on Reuters (0.12 against 0.09 ms a query)
                first = bisect_left(keys, key, searched_to, high)
                if first == high:
                    break  # every later key is past the document's last
                if keys[first] != key:
                    searched_to = first
                    continue
                searched_to = last = bisect_right(keys, key, first, high)
                # -1: an occurrence in the title
                matches += [(start, start) for start in body_starts[first:last] if start >= 0]
            for keys_of_phrase in phrase_keys:
                matches += _phrase_matches(keys, positions, body_starts, low, high, keys_of_phrase)
            found.append(matches)
        return found


def _phrase_matches(
    keys: Any, positions: Any, body_starts: Any, low: int, high: int, phrase: list[int]
) -> list[tuple[int, int]]:
    """(start of the first token, start of the last) of each occurrence in
    the body of the phrase whose terms' keys are ``phrase``, in a
    document's slice [low, high) of the vectors."""
    starts_at: list[dict[int, int]] = []  # position -> body start, per word
    for key in phrase:
        first, last = _key_range(keys, key, low, high)
        if first == last:
            return []
        starts_at.append(
            {
                position: start
                for position, start in zip(
                    positions[first:last], body_starts[first:last], strict=True
                )
                if start >= 0
            }
        )
    end = len(phrase) - 1
    return [
        (start, starts_at[end][position + end])
        for position, start in starts_at[0].items()
        if all(position + offset in starts_at[offset] for offset in range(1, end + 1))
    ]


def common_values(np: Any, ascending: Any, others: Any) -> Any:
    """The values of two ascending arrays without repeats found in both,
    ascending: each of the shorter one looked up in the longer (what
    ``np.intersect1d`` gives, without sorting both together)."""
    if len(ascending) > len(others):
        ascending, others = others, ascending
    if len(others) == 0:
        return others
    at = np.searchsorted(others, ascending)
    np.minimum(at, len(others) - 1, out=at)
    return ascending[others[at] == ascending]


def _key_range(keys: Any, key: int, low: int, high: int) -> tuple[int, int]:
    """Where ``key`` lies in ``keys[low:high]`` (sorted): empty, after one
    search, when absent, as most terms asked of a document are."""
    first = bisect_left(keys, key, low, high)
    if first == high or keys[first] != key:
        return first, first
    return first, bisect_right(keys, key, first, high)


def _run_lengths(keys: Any, firsts: Any, ends: Any, key: int) -> Any:
    """How many times ``key`` repeats from each of ``firsts`` on (before
    each of ``ends``): a step per occurrence, over the ranges still
    matching.  A term occurs a few times in most documents, so this reads
    far fewer keys than a second binary search would."""
    import numpy as np

    lengths = np.zeros(len(firsts), dtype=np.int64)
    going = np.flatnonzero(firsts < ends)
    while len(going):
        at = firsts[going] + lengths[going]
        going = going[keys[at] == key]
        lengths[going] += 1
        going = going[firsts[going] + lengths[going] < ends[going]]
    return lengths


def _bisect_each(keys: Any, lows: Any, highs: Any, key: int) -> Any:
    """For each range [low, high) of ``keys`` (sorted within each range),
    where ``key`` would be inserted: ``bisect_left`` of every range at once.

    Steps of halving sizes, the same for every range: a range moves its
    last place known to hold less than ``key`` by the step when the place
    that far on is still in the range and holds less.  The steps add up to
    at least the longest range, so each ends on its answer less one."""
    import numpy as np

    if len(lows) == 0 or len(keys) == 0:
        return lows.copy()
    below = lows - 1  # the last place known to hold less than ``key``
    longest = int((highs - lows).max())
    step = 1 << max(longest.bit_length() - 1, 0)
    last = len(keys) - 1
    while step:
        ahead = below + step
        inside = ahead < highs
        np.minimum(ahead, last, out=ahead)
        moves = keys[ahead] < key
        moves &= inside
        below += moves * step
        step >>= 1
    return below + 1
