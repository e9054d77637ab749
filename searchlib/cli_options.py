"""Options and error handling shared by every command of the CLI."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from searchlib.errors import SearchlibError

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_INDEX = "index"
DEFAULT_CORPUS = "corpus"
EXIT_USAGE = 2


def reports_errors(command: F) -> F:
    """Turn searchlib's errors into one line on stderr and exit status 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except SearchlibError as error:
            _fail(str(error))
        except OSError as error:
            _fail(f"{error.strerror or error}: {error.filename or ''}".rstrip(": "))

    return wrapper  # type: ignore[return-value]


def _fail(message: str) -> None:
    context = click.get_current_context(silent=True)
    prog = context.find_root().info_name if context else "searchlib"
    click.echo(f"{prog}: error: {message}", err=True)
    raise SystemExit(EXIT_USAGE)


def index_option(command: F) -> F:
    return click.option(
        "--index",
        "index_path",
        envvar="SEARCHLIB_INDEX",
        default=DEFAULT_INDEX,
        show_default=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="Index folder (or $SEARCHLIB_INDEX).",
    )(command)


def corpus_option(command: F) -> F:
    return click.option(
        "--corpus",
        "corpus_path",
        envvar="SEARCHLIB_CORPUS",
        default=DEFAULT_CORPUS,
        show_default=True,
        type=click.Path(path_type=Path),
        help="Corpus: a .jsonl(.gz) file or a folder (or $SEARCHLIB_CORPUS).",
    )(command)
