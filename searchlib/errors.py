"""The one exception hierarchy of searchlib.

    SearchlibError
     +-- CorpusError            a corpus path that cannot be read at all
     +-- QuerySyntaxError       a query string that cannot be parsed
     +-- SynonymFormatError     a synonym file line that cannot be parsed
     +-- IndexProblem           problems with an index on disk
          +-- IndexNotFoundError
          +-- IncompatibleIndexError   another version, other settings, damaged files
          +-- IndexLockedError          another writer holds the index
          +-- IndexClosedError          an ``Index`` used after ``close()``

Every message says what was wrong and what to do.  The CLI prints
``str(error)`` on one line and exits with status 2.
"""

from __future__ import annotations


class SearchlibError(Exception):
    """Base class of every error searchlib raises on purpose."""


class CorpusError(SearchlibError):
    """A corpus path that does not exist or holds no readable articles."""


class QuerySyntaxError(SearchlibError):
    """A query that cannot be parsed (unbalanced quotes, unknown field, ...)."""


class SynonymFormatError(SearchlibError):
    """A synonym file that cannot be parsed; the message names file:line."""


class IndexProblem(SearchlibError):
    """Base class of the problems with an index on disk."""


class IndexNotFoundError(IndexProblem):
    """No index at the given path."""


class IncompatibleIndexError(IndexProblem):
    """The index cannot be read as it is: built by another format version or
    with other settings, or its files are damaged.  Rebuilding fixes it."""


class IndexLockedError(IndexProblem):
    """Another writer holds the index lock for longer than the wait allowed."""


class IndexClosedError(IndexProblem):
    """An ``Index`` used after it was closed."""
