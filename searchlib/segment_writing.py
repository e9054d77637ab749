"""Analysed articles -> one whoosh segment, written without whoosh's writer;
segments -> a whoosh table of contents.

whoosh's ``add_document`` tokenises every field again (our text arrives
analysed, terms joined by spaces), pickles each posting into a pool, sorts
the pool on disk and reads it back to write the segment: most of a build's
time.  ``SegmentBuilder`` instead keeps one batch's postings in memory,
grouped by term, computes the text fields' postings from the terms directly
(the same terms, frequencies, weights and encoded positions whoosh's
``Positions`` format gives, tokenised with the field's own expression), and
hands them to whoosh's codec in the order its pool would.  Fields that are
not plain text (the id, the date) go through whoosh's own ``index``; stored
values and field lengths through whoosh's per-document writer, as
``add_document`` does.  One batch is one segment; ``commit_segments`` names
the segments of a build in a table of contents, in order, so documents are
numbered batch after batch as they were added.

The postings of the scored fields are also what the fast path's arrays are
made of (``impact_writing``): ``SegmentBuilder.finish`` gives them back.
"""

from __future__ import annotations

import pickle
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from whoosh.analysis import RegexTokenizer
from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import W3PostingsWriter
from whoosh.formats import Positions
from whoosh.index import TOC, clean_files
from whoosh.system import pack_uint as _pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte

from searchlib.storage import WHOOSH_INDEX_NAME

PostingItems = Iterator[tuple[bytes, int, float, bytes]]


@dataclass
class FieldPostings:
    """One field's postings of a batch, grouped by term."""

    terms: dict[Any, tuple[array[int], array[float], list[bytes]]]
    """Term (text for text fields, else bytes) -> document numbers, weights,
    encoded values."""
    lengths: array[int]
    """Each document's field length (the number of its terms)."""


class SegmentBuilder:
    """Documents added one by one -> one non-compound whoosh segment."""

    def __init__(self, storage: Any, schema: Any) -> None:
        for name, field in schema.items():
            if field.vector or field.separate_spelling():
                raise ValueError(f"field {name!r}: vectors and spelling are not written here")
        self._storage = storage
        self._schema = schema
        self._codec = default_codec()
        self.segment = self._codec.new_segment(storage, WHOOSH_INDEX_NAME)
        self._per_document = self._codec.per_document_writer(storage, self.segment)
        self._fields = {
            name: FieldPostings({}, array("i")) for name, field in schema.items() if field.indexed
        }
        self._fast_text = {name for name, field in schema.items() if _is_space_text(field)}
        self._items_cache: dict[tuple[str, Any], list[tuple[bytes, int, float, bytes]]] = {}
        self.count = 0

    def add(self, fields: dict[str, Any]) -> None:
        """Add one document: the keyword arguments of whoosh's ``add_document``."""
        number = self.count
        schema = self._schema
        per_document = self._per_document
        per_document.start_doc(number)
        for name in sorted(name for name in fields if not name.startswith("_")):
            value = fields[name]
            if value is None:
                continue
            field = schema[name]
            length = 0
            if field.indexed:
                postings = self._fields[name]
                if name in self._fast_text and isinstance(value, str):
                    length = self._add_text(postings, field, value, number)
                else:
                    length = self._add_items(postings, field, name, value, number)
                postings.lengths.append(length)
            stored = fields.get(f"_stored_{name}", value)
            per_document.add_field(name, field, stored if field.stored else None, length)
            if field.column_type and stored is not None:
                per_document.add_column_value(
                    name, field.column_type, field.to_column_value(stored)
                )
        for postings in self._fields.values():
            if len(postings.lengths) == number:  # the field was absent
                postings.lengths.append(0)
        per_document.finish_doc()
        self.count += 1

    @staticmethod
    def _add_text(postings: FieldPostings, field: Any, value: str, number: int) -> int:
        """What ``field.index(value)`` gives for a positions field with a
        regex tokenizer, without its per-token objects; the field's length."""
        positions: dict[str, list[int]] = {}
        for position, word in enumerate(field.analyzer.expression.findall(value)):
            found = positions.get(word)
            if found is None:
                positions[word] = [position]
            else:
                found.append(position)
        exact = type(field.format) is Positions
        encode = _encode_positions if exact else field.format.encode
        single = _SINGLE_POSITIONS if exact else ()
        boost = field.format.field_boost
        terms = postings.terms
        length = 0
        for word, where in positions.items():
            frequency = len(where)
            if frequency == 1 and where[0] < len(single):
                encoded = single[where[0]]  # most postings: one position, shared bytes
            else:
                encoded = encode(where)
            entry = terms.get(word)
            if entry is None:
                terms[word] = (array("i", [number]), array("f", [frequency * boost]), [encoded])
            else:
                entry[0].append(number)
                entry[1].append(frequency * boost)
                entry[2].append(encoded)
            length += frequency
        return length if field.scorable else 0

    def _add_items(
        self, postings: FieldPostings, field: Any, name: str, value: Any, number: int
    ) -> int:
        """Add what whoosh's ``field.index`` gives (cached for values that
        repeat, such as dates); the field's length."""
        items = None if field.unique else self._items_cache.get((name, value))
        if items is None:
            items = [
                (text, frequency, weight, encoded)
                for text, frequency, weight, encoded in field.index(value)
            ]
            if not field.unique:
                if len(self._items_cache) >= _ITEMS_CACHE_LIMIT:
                    self._items_cache.clear()
                self._items_cache[name, value] = items
        terms = postings.terms
        length = 0
        for text, frequency, weight, encoded in items:
            entry = terms.get(text)
            if entry is None:
                terms[text] = (array("i", [number]), array("f", [weight]), [encoded])
            else:
                entry[0].append(number)
                entry[1].append(weight)
                entry[2].append(encoded)
            length += frequency
        return length if field.scorable else 0

    def finish(self) -> dict[str, FieldPostings]:
        """Write the segment's files; gives back every field's postings."""
        self._per_document.close()
        writer = self._codec.field_writer(self._storage, self.segment)
        try:
            for name in sorted(self._fields):
                postings = self._fields[name]
                if not postings.terms:
                    continue
                scorable = self._schema[name].scorable
                decoded = [_stored_length(n) for n in postings.lengths] if scorable else None
                writer.start_field(name, self._schema[name])
                for text, term in in_byte_order(postings.terms):
                    numbers, weights, encoded = postings.terms[term]
                    lengths = [decoded[n] for n in numbers] if decoded else [0] * len(numbers)
                    writer.start_term(text)
                    _add_postings(writer, numbers, weights, encoded, lengths)
                    writer.finish_term()
                writer.finish_field()
        finally:
            writer.close()
        self.segment.set_doc_count(self.count)
        return self._fields


def in_byte_order(terms: Iterable[Any]) -> list[tuple[bytes, Any]]:
    """(UTF-8 bytes, term) for terms kept as text or bytes, in whoosh's order."""
    return sorted((term.encode("utf-8") if isinstance(term, str) else term, term) for term in terms)


def _encode_positions(positions: list[int]) -> bytes:
    """``Positions.encode``: the count, then the pickled gaps between positions."""
    gaps = [after - before for before, after in zip([0, *positions], positions, strict=False)]
    return bytes(_pack_uint(len(gaps))) + pickle.dumps(gaps, 2)


_SINGLE_POSITIONS = [_encode_positions([position]) for position in range(4096)]
_ITEMS_CACHE_LIMIT = 4096


def _add_postings(
    writer: Any,
    numbers: array[int],
    weights: array[float],
    encoded: list[bytes],
    lengths: list[int],
) -> None:
    """Add one term's postings to whoosh's field writer.

    whoosh's ``add`` checks and buffers one posting per call; its postings
    writer buffers a block's documents, weights and values in three lists,
    with the block's largest weight and its shortest and longest field, and
    writes the block when it is full (before the next posting).  That
    buffer is filled here a block at a time; a postings writer of another
    kind gets one ``add`` a posting.
    """
    postings: Any = getattr(writer, "_postwriter", None)
    if type(postings) is not W3PostingsWriter:
        for number, weight, value, length in zip(numbers, weights, encoded, lengths, strict=True):
            writer.add(number, weight, value, length)
        return
    limit = postings._blocklimit
    for start in range(0, len(numbers), limit):
        if postings._ids:  # the previous block is full
            postings._write_block()
        end = start + limit
        block_lengths = [n for n in lengths[start:end] if n]
        block_weights = weights[start:end]
        postings._ids = array("I", numbers[start:end])
        postings._weights = array("f", block_weights)
        postings._values = [value for value in encoded[start:end] if value]
        postings._maxweight = max(0, max(block_weights))
        postings._minlength = min(block_lengths) if block_lengths else None
        postings._maxlength = max(block_lengths, default=0)


def _stored_length(length: int) -> int:
    """A field length as whoosh reads it back (one byte, decoded)."""
    return int(byte_to_length(length_to_byte(length))) if length else 0


def _is_space_text(field: Any) -> bool:
    analyzer: Any = getattr(field, "analyzer", None) if field.indexed else None
    return (
        isinstance(field.format, Positions)
        and type(analyzer) is RegexTokenizer
        and not analyzer.gaps
    )


def commit_segments(storage: Any, schema: Any, segments: list[Any]) -> None:
    """Make ``segments`` (written into a fresh index's folder) the index:
    whoosh's next table of contents lists them in order."""
    generation = TOC._latest_generation(storage, WHOOSH_INDEX_NAME) + 1
    TOC(schema, segments, generation).write(storage, WHOOSH_INDEX_NAME)
    clean_files(storage, WHOOSH_INDEX_NAME, generation, segments)
