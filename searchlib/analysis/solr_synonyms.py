"""Synonym file text -> synonym rules (the Solr synonyms format).

The file format only; what the rules mean for a query is ``synonym_map``.
The format is the one Solr, Elasticsearch and OpenSearch share:

    # a comment
    Artsakh, Nagorno-Karabakh, Karabakh    equivalents: each finds the others
    Baku => Azerbaijan                     one-way: Baku also finds Azerbaijan
    Moscow, Kremlin => Russia              several inputs, one-way

Terms may have several words.  A backslash escapes a comma or ``=>``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from searchlib.errors import SynonymFormatError

ErrorHandler = Callable[[str, str], None]
"""Called with a malformed line's origin (``file:line``) and what is wrong."""

_ARROW = "=>"
_UNESCAPED_COMMA = re.compile(r"(?<!\\),")


@dataclass(frozen=True, slots=True)
class SynonymRule:
    """One line of a synonym file.

    For equivalents, ``outputs`` equals ``inputs``; for a one-way rule a query
    matching an input also searches the outputs (and keeps its own words).
    """

    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    one_way: bool
    origin: str

    @property
    def terms(self) -> tuple[str, ...]:
        return self.inputs if not self.one_way else self.inputs + self.outputs


def parse_solr_synonyms(
    text: str, source: str = "<synonyms>", on_error: ErrorHandler | None = None
) -> list[SynonymRule]:
    """Every rule of a synonym file's text; ``source`` names it in errors.

    A malformed line raises ``SynonymFormatError``, or, given ``on_error``,
    is reported to it and skipped (to report every bad line at once).
    """
    rules = []
    for number, raw_line in enumerate(text.splitlines(), start=1):
        origin = f"{source}:{number}"
        try:
            rule = _parse_line(raw_line, origin)
        except SynonymFormatError as error:
            if on_error is None:
                raise
            on_error(origin, str(error).removeprefix(f"{origin}: "))
            continue
        if rule is not None:
            rules.append(rule)
    return rules


def _parse_line(raw_line: str, origin: str) -> SynonymRule | None:
    line = _strip_comment(raw_line).strip()
    if not line:
        return None
    if line.count(_ARROW) - line.count("\\" + _ARROW) > 1:
        raise SynonymFormatError(f"{origin}: more than one '=>' in {raw_line.strip()!r}")
    left, arrow, right = _split_arrow(line)
    inputs = _split_terms(left, origin)
    if arrow:
        outputs = _split_terms(right, origin)
        return SynonymRule(inputs, outputs, one_way=True, origin=origin)
    return SynonymRule(inputs, inputs, one_way=False, origin=origin)


def read_synonym_text(path: str | Path) -> str:
    """A synonym file's text (UTF-8); ``SynonymFormatError`` if unreadable."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SynonymFormatError(f"synonym file not found: {path}") from None
    except UnicodeDecodeError as error:
        raise SynonymFormatError(f"{path}: not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise SynonymFormatError(f"cannot read synonym file {path}: {error.strerror}") from None
    return text


def read_synonym_file(path: str | Path) -> list[SynonymRule]:
    """The rules of a synonym file on disk (UTF-8)."""
    return parse_solr_synonyms(read_synonym_text(path), str(path))


def _strip_comment(line: str) -> str:
    if line.lstrip().startswith("#"):
        return ""
    # A comment may also follow a rule, after white space.
    match = re.search(r"\s#", line)
    return line[: match.start()] if match else line


def _split_arrow(line: str) -> tuple[str, str, str]:
    index = 0
    while True:
        index = line.find(_ARROW, index)
        if index < 0:
            return line, "", ""
        if index == 0 or line[index - 1] != "\\":
            return line[:index], _ARROW, line[index + len(_ARROW) :]
        index += len(_ARROW)


def _split_terms(part: str, origin: str) -> tuple[str, ...]:
    terms = []
    for piece in _UNESCAPED_COMMA.split(part):
        term = " ".join(piece.replace("\\,", ",").replace("\\=>", "=>").split())
        if not term:
            raise SynonymFormatError(f"{origin}: empty term in {part.strip()!r}")
        terms.append(term)
    return tuple(terms)
