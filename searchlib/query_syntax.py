"""Query text -> a syntax tree (no whoosh, no analysis).

The grammar, loosest binding first::

    query    := sequence EOF
    sequence := either+                       words side by side
    either   := both ("OR" both)*
    both     := unary ("AND" unary)*
    unary    := ("NOT" | "-") unary | primary
    primary  := "(" sequence ")" | FIELD ":" value | value
    value    := WORD | "quoted phrase" | "(" sequence ")" | RANGE

Words side by side form a ``Sequence``: documents with all of them rank
first, then those with some (see ``search``).  ``OR`` binds tighter than
the space between words, so ``Karabakh Armenia OR Azerbaijan`` means
Karabakh together with either state.  Operators are recognised only in
capitals; ``and``/``or``/``not`` are words.

``parse_natural`` reads text as plain words, with no operators at all,
for queries taken from test collections and other programs.

Every malformed input raises ``QuerySyntaxError`` with a one-line message.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import NamedTuple

from searchlib.errors import QuerySyntaxError

QUERY_FIELDS = {"title": "title", "text": "content", "source": "source"}
"""Field names a query may use for words and phrases -> indexed field
(``text:`` searches the whole article, title included)."""
DATE_FIELD = "date"
MAX_DEPTH = 32
MAX_CLAUSES = 1024
MAX_DATE_RANGES = 32
"""whoosh chains date filters one inside another: thousands overflow its stack."""


@dataclass(frozen=True)
class Word:
    """One word, as typed; ``field`` when the user named one (``title:Baku``)."""

    text: str
    field: str | None = None


@dataclass(frozen=True)
class Phrase:
    """A quoted phrase: its words must stand side by side, in order."""

    text: str
    field: str | None = None


@dataclass(frozen=True)
class DateRange:
    """``date:[start TO end]``: either end may be open (``None``)."""

    start: dt.date | None
    end: dt.date | None
    start_inclusive: bool = True
    end_inclusive: bool = True


@dataclass(frozen=True)
class Sequence:
    """Clauses side by side (implicit combination)."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class AllOf:
    """Clauses joined by ``AND``: each must match."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    """Clauses joined by ``OR``: any may match."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    """``NOT`` or ``-``: documents the clause does not match."""

    child: Node


Node = Word | Phrase | DateRange | Sequence | AllOf | AnyOf | Not


# -- lexer -------------------------------------------------------------------


class _Lexeme(NamedTuple):
    """One token of the query text, with where it starts (for error messages)."""

    kind: str  # WORD, QUOTED, FIELD, RANGE, AND, OR, NOT, MINUS, LPAREN, RPAREN
    text: str
    offset: int


_FIELD_PREFIX = re.compile(r"([A-Za-z_]+):")
_OPERATORS = {"AND", "OR", "NOT"}
_BREAKS = set('()"[]{}') | {" ", "\t", "\n", "\r"}


def _lex(text: str) -> list[_Lexeme]:
    lexemes: list[_Lexeme] = []
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char.isspace():
            index += 1
        elif char in "()":
            lexemes.append(_Lexeme("LPAREN" if char == "(" else "RPAREN", char, index))
            index += 1
        elif char == '"':
            end = text.find('"', index + 1)
            if end < 0:
                raise QuerySyntaxError(
                    f'unbalanced quote at character {index + 1}: close the phrase with "'
                )
            lexemes.append(_Lexeme("QUOTED", text[index + 1 : end], index))
            index = end + 1
        elif char in "[{":
            end = _find_range_end(text, index)
            lexemes.append(_Lexeme("RANGE", text[index : end + 1], index))
            index = end + 1
        elif char in "]}":
            raise QuerySyntaxError(f"unbalanced bracket {char!r} at character {index + 1}")
        else:
            end = index
            while end < length and text[end] not in _BREAKS and not text[end].isspace():
                end += 1
            index = _lex_word(text, index, end, lexemes)
    return lexemes


def _lex_word(text: str, index: int, end: int, lexemes: list[_Lexeme]) -> int:
    """The lexemes of one run of non-space text: field prefixes, leading
    minus signs, then a word or an operator.  Linear in the run's length."""
    while index < end:
        field = _FIELD_PREFIX.match(text, index, end)
        if field:
            lexemes.append(_Lexeme("FIELD", field.group(1).lower(), index))
            index = field.end()
        elif text[index] == "-" and index + 1 < end:
            lexemes.append(_Lexeme("MINUS", "-", index))
            index += 1
        else:
            word = text[index:end]
            kind = word if word in _OPERATORS else "WORD"
            lexemes.append(_Lexeme(kind, word, index))
            return end
    return end


def _find_range_end(text: str, start: int) -> int:
    for index in range(start + 1, len(text)):
        if text[index] in "]}":
            return index
        if text[index] in "[{":
            break
    raise QuerySyntaxError(
        f"unbalanced bracket at character {start + 1}: write a range as [2017-01-01 TO 2017-02-01]"
    )


# -- parser ------------------------------------------------------------------


class _Parser:
    def __init__(self, lexemes: list[_Lexeme]) -> None:
        self.lexemes = lexemes
        self.index = 0
        self.depth = 0
        self.clauses = 0
        self.date_ranges = 0

    def peek(self) -> _Lexeme | None:
        return self.lexemes[self.index] if self.index < len(self.lexemes) else None

    def take(self) -> _Lexeme:
        lexeme = self.lexemes[self.index]
        self.index += 1
        return lexeme

    def sequence(self, field: str | None) -> Node:
        children: list[Node] = []
        while (lexeme := self.peek()) is not None and lexeme.kind != "RPAREN":
            if lexeme.kind in ("AND", "OR"):
                raise QuerySyntaxError(
                    f"{lexeme.text} at character {lexeme.offset + 1} needs a word before it"
                )
            children.append(self.either(field))
        if not children:
            raise QuerySyntaxError("empty query: give at least one word to search for")
        return children[0] if len(children) == 1 else Sequence(tuple(children))

    def either(self, field: str | None) -> Node:
        children = [self.both(field)]
        while (lexeme := self.peek()) is not None and lexeme.kind == "OR":
            self.take()
            children.append(self.both(field, after=lexeme))
        return children[0] if len(children) == 1 else AnyOf(tuple(children))

    def both(self, field: str | None, after: _Lexeme | None = None) -> Node:
        children = [self.unary(field, after)]
        while (lexeme := self.peek()) is not None and lexeme.kind == "AND":
            self.take()
            children.append(self.unary(field, after=lexeme))
        return children[0] if len(children) == 1 else AllOf(tuple(children))

    def unary(self, field: str | None, after: _Lexeme | None = None) -> Node:
        lexeme = self.peek()
        if lexeme is None or lexeme.kind in ("RPAREN", "AND", "OR"):
            where = f"{after.text} at character {after.offset + 1}" if after else "the query"
            raise QuerySyntaxError(f"{where} needs a word after it")
        negations = 0
        while lexeme is not None and lexeme.kind in ("NOT", "MINUS"):
            self.take()
            negations += 1
            after, lexeme = lexeme, self.peek()
            if lexeme is None or lexeme.kind in ("RPAREN", "AND", "OR"):
                raise QuerySyntaxError(
                    f"{after.text} at character {after.offset + 1} needs a word after it"
                )
        node = self.primary(field)
        # NOT NOT x is x: fold a chain instead of nesting it (no recursion).
        return Not(node) if negations % 2 else node

    def primary(self, field: str | None) -> Node:
        lexeme = self.take()
        if lexeme.kind == "FIELD":
            return self.field_value(lexeme)
        if lexeme.kind == "LPAREN":
            return self.group(field, lexeme)
        if lexeme.kind == "RANGE":
            raise QuerySyntaxError(
                f"a range needs a field: write date:{lexeme.text} (ranges work on date only)"
            )
        return self.leaf(lexeme, field)

    def leaf(self, lexeme: _Lexeme, field: str | None) -> Node:
        self.clauses += 1
        if self.clauses > MAX_CLAUSES:
            raise QuerySyntaxError(f"query too long: more than {MAX_CLAUSES} words and phrases")
        if lexeme.kind == "QUOTED":
            return Phrase(lexeme.text, field)
        return Word(lexeme.text, field)

    def group(self, field: str | None, opening: _Lexeme) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QuerySyntaxError(f"query nested too deeply (more than {MAX_DEPTH} brackets)")
        node = self.sequence(field)
        closing = self.peek()
        if closing is None or closing.kind != "RPAREN":
            raise QuerySyntaxError(
                f"unbalanced parenthesis at character {opening.offset + 1}: add a ')'"
            )
        self.take()
        self.depth -= 1
        return node

    def field_value(self, field_lexeme: _Lexeme) -> Node:
        name = field_lexeme.text
        if name != DATE_FIELD and name not in QUERY_FIELDS:
            valid = ", ".join(sorted([*QUERY_FIELDS, DATE_FIELD]))
            raise QuerySyntaxError(
                f"unknown field {name!r}; use one of {valid} "
                f'(or put the text in quotes: "{name}:...")'
            )
        value = self.peek()
        if value is None or value.kind not in ("WORD", "QUOTED", "LPAREN", "RANGE"):
            raise QuerySyntaxError(
                f"field {name}: at character {field_lexeme.offset + 1} needs a value after it"
            )
        self.take()
        if name == DATE_FIELD:
            self.date_ranges += 1
            if self.date_ranges > MAX_DATE_RANGES:
                raise QuerySyntaxError(f"query too long: more than {MAX_DATE_RANGES} date ranges")
            if value.kind == "RANGE":
                return parse_date_range(value.text)
            if value.kind == "WORD":
                return parse_date_range(f"[{value.text} TO {value.text}]")
            raise QuerySyntaxError(
                "date: takes a date or a range such as [2017-01-01 TO 2017-02-01]"
            )
        if value.kind == "RANGE":
            raise QuerySyntaxError(f"ranges work on date only, not on {name}:")
        field = QUERY_FIELDS[name]
        if value.kind == "LPAREN":
            return self.group(field, value)
        return self.leaf(value, field)


def parse_query(text: str) -> Node:
    """The syntax tree of a user's query, or ``QuerySyntaxError``."""
    parser = _Parser(_lex(text))
    node = parser.sequence(None)
    extra = parser.peek()
    if extra is not None:
        raise QuerySyntaxError(f"unbalanced parenthesis ')' at character {extra.offset + 1}")
    return node


def parse_natural(text: str) -> Node:
    """Text read as plain words: no operators, fields, phrases or ranges."""
    words = tuple(Word(word) for word in text.split())
    if not words:
        raise QuerySyntaxError("empty query: give at least one word to search for")
    return words[0] if len(words) == 1 else Sequence(words)


# -- dates -------------------------------------------------------------------

_DATE_BOUND = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_date_range(text: str) -> DateRange:
    """``[2017-01-01 TO 2017-02-01]`` (inclusive), ``{... TO ...}`` (exclusive),
    ``*`` for an open end; a bound may be a year or a month."""
    start_inclusive = text[0] == "["
    end_inclusive = text[-1] == "]"
    parts = text[1:-1].split()
    if len(parts) != 3 or parts[1] != "TO":
        raise QuerySyntaxError(f"bad date range {text!r}: write it as [2017-01-01 TO 2017-02-01]")
    start = None if parts[0] == "*" else _date_bound(parts[0], first=True)
    end = None if parts[2] == "*" else _date_bound(parts[2], first=False)
    if start and end and start > end:
        raise QuerySyntaxError(f"date range {text!r} ends before it starts")
    return DateRange(start, end, start_inclusive, end_inclusive)


def _date_bound(text: str, *, first: bool) -> dt.date:
    match = _DATE_BOUND.match(text)
    if not match:
        raise QuerySyntaxError(f"bad date {text!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        if day is not None:
            return dt.date(int(year), int(month), int(day))
        if month is not None:
            start = dt.date(int(year), int(month), 1)
            if first:
                return start
            following = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date(int(year), 1, 1) if first else dt.date(int(year), 12, 31)
    except (ValueError, OverflowError):
        raise QuerySyntaxError(f"bad date {text!r}: no such day") from None
