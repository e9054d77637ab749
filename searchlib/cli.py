"""Command line: parse, call one library function, render.

``search QUERY`` answers a query (building the index on first use);
``searchlib`` groups the other commands (``index``, ``info``, ``search``).
Errors a user can fix are printed as one line on stderr with exit status 2.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import click

from searchlib.analysis import BUILTIN_STOPWORD_LISTS, STEMMERS, AnalysisSettings
from searchlib.cli_options import F, corpus_option, index_option, reports_errors
from searchlib.errors import IndexNotFoundError
from searchlib.manifest import (
    BUILD_MEMORY_MB,
    DEFAULT_LOCK_TIMEOUT,
    DEFAULT_MEMORY_MB,
    index_exists,
)
from searchlib.models import BuildReport, CorpusProblem, UpdateReport
from searchlib.ranking import RankingSettings
from searchlib.render import format_size, render_hits, render_json_lines
from searchlib.search import open_index

PROBLEMS_SHOWN = 20


# -- shared pieces -----------------------------------------------------------


def analysis_options(command: F) -> F:
    command = click.option(
        "--stemmer",
        type=click.Choice(STEMMERS),
        default=None,
        help="Stemmer for a new index [default: snowball]; an existing index keeps its own.",
    )(command)
    command = click.option(
        "--stopwords",
        default=None,
        metavar="|".join(BUILTIN_STOPWORD_LISTS) + "|FILE",
        help="Stop word list for a new index [default: english].",
    )(command)
    return command


def _settings(stemmer: str | None, stopwords: str | None) -> AnalysisSettings | None:
    if stemmer is None and stopwords is None:
        return None
    return AnalysisSettings(stemmer=stemmer or "snowball", stopwords=stopwords or "english")


class _ProblemPrinter:
    """Prints the first bad records as warnings, then counts the rest."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, problem: CorpusProblem) -> None:
        self.count += 1
        if self.count <= PROBLEMS_SHOWN:
            click.echo(f"warning: {problem}", err=True)

    def finish(self) -> None:
        if self.count > PROBLEMS_SHOWN:
            click.echo(f"warning: ... and {self.count - PROBLEMS_SHOWN} more", err=True)


def _progress(count: int) -> None:
    if sys.stderr.isatty():
        click.echo(f"\rindexing: {count:,} articles", err=True, nl=False)


@contextlib.contextmanager
def _reporting_progress() -> Iterator[_ProblemPrinter]:
    """Warnings for bad records while a corpus is read, and the end of the
    progress line once it is done."""
    problems = _ProblemPrinter()
    yield problems
    if sys.stderr.isatty():
        click.echo("", err=True)
    problems.finish()


def _build(
    corpus_path: Path,
    index_path: Path,
    settings: AnalysisSettings | None,
    memory_mb: int | None = None,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> BuildReport:
    from searchlib.indexing import write_index  # whoosh: only when building

    click.echo(f"building index {index_path} from {corpus_path} ...", err=True)
    with _reporting_progress() as problems:
        report = write_index(
            corpus_path,
            index_path,
            settings=settings,
            on_problem=problems,
            on_progress=_progress,
            memory_mb=BUILD_MEMORY_MB if memory_mb is None else memory_mb,
            lock_timeout=lock_timeout,
        )
    click.echo(
        f"indexed {report.indexed:,} articles, skipped {report.skipped:,}"
        + (f", repaired {report.repaired:,}" if report.repaired else "")
        + f" in {report.seconds:.1f} s",
        err=True,
    )
    return report


def _use_color(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


# -- commands ----------------------------------------------------------------


@click.command(name="search", context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1, required=True)
@index_option
@corpus_option
@click.option("-n", "--limit", default=10, show_default=True, type=click.IntRange(min=0))
@click.option("--json", "as_json", is_flag=True, help="JSON Lines: one object per hit.")
@click.option(
    "--synonyms",
    "synonym_files",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Extra synonym file in Solr format (repeatable).",
)
@click.option("--no-synonyms", is_flag=True, help="Search only the words as written.")
@click.option("--k1", type=click.FloatRange(min=0), default=1.2, show_default=True)
@click.option("--b", "b", type=click.FloatRange(0, 1), default=0.75, show_default=True)
@click.option(
    "--k3",
    type=click.FloatRange(min=0),
    default=8.0,
    show_default=True,
    help="How much a repeated query word counts (0: once).",
)
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour highlights (auto: on a terminal, unless NO_COLOR is set).",
)
@analysis_options
@click.pass_context
@reports_errors
def search_command(
    context: click.Context,
    query: tuple[str, ...],
    index_path: Path,
    corpus_path: Path,
    limit: int,
    as_json: bool,
    synonym_files: tuple[Path, ...],
    no_synonyms: bool,
    k1: float,
    b: float,
    k3: float,
    color: str,
    stemmer: str | None,
    stopwords: str | None,
) -> None:
    """Search the index for QUERY and print the best hits.

    QUERY: words, "quoted phrases", AND / OR / NOT, title: / text: / source:
    fields, and dates such as date:[2017-01-01 TO 2017-02-01].  Builds the
    index from the corpus first when there is none yet.
    """
    settings = _settings(stemmer, stopwords)
    if not index_exists(index_path):
        _build_on_first_use(context, index_path, corpus_path, settings)
        settings = None
    with open_index(
        index_path,
        settings=settings,
        synonym_files=[str(p) for p in synonym_files],
        use_synonyms=not no_synonyms,
        ranking=RankingSettings(k1=k1, b=b, k3=k3),
        lazy=True,  # one query: whoosh's files only if it needs them
    ) as index:
        results = index.search(" ".join(query), limit=limit)
    if as_json:
        if results.hits:
            click.echo(render_json_lines(results.hits))
        return
    if not results.hits:
        click.echo("no matching articles", err=True)
        return
    use_color = _use_color(color)
    # click strips colour codes from piped output unless told otherwise.
    click.echo(render_hits(results.hits, use_color), color=use_color)
    click.echo(f"\n{len(results.hits)} of {results.total:,} matching articles", err=True)


def _build_on_first_use(
    context: click.Context,
    index_path: Path,
    corpus_path: Path,
    settings: AnalysisSettings | None,
) -> None:
    """Build the default index from the corpus; a named index that is not
    there is an error (a typo must not start a build) unless a corpus is
    named too."""
    index_named = context.get_parameter_source("index_path") != click.core.ParameterSource.DEFAULT
    corpus_named = context.get_parameter_source("corpus_path") != click.core.ParameterSource.DEFAULT
    if index_named and not corpus_named:
        raise IndexNotFoundError(
            f"no index at {index_path}: build it with 'searchlib index --corpus PATH "
            f"--index {index_path}', or add --corpus PATH to build it now"
        )
    _build(corpus_path, index_path, settings)


class _LazyGroup(click.Group):
    """A group whose heavier commands are imported only when called, so that
    every command starts fast (``search`` is timed by users)."""

    lazy_commands: ClassVar[dict[str, str]] = {
        "run": "searchlib.evaluation.commands:run_command",
        "eval": "searchlib.evaluation.commands:eval_command",
        "convert": "searchlib.evaluation.commands:convert_command",
        "synonyms": "searchlib.synonym_commands:synonyms_group",
    }

    def list_commands(self, context: click.Context) -> list[str]:
        return sorted([*super().list_commands(context), *self.lazy_commands])

    def get_command(self, context: click.Context, name: str) -> click.Command | None:
        if name in self.lazy_commands:
            module_name, attribute = self.lazy_commands[name].split(":")
            command: click.Command = getattr(importlib.import_module(module_name), attribute)
            return command
        return super().get_command(context, name)


@click.group(name="searchlib", cls=_LazyGroup)
@click.version_option(package_name="searchlib")
def main_group() -> None:
    """searchlib: full-text search for news-article corpora."""


main_group.add_command(search_command)


@main_group.command(name="index")
@corpus_option
@index_option
@analysis_options
@click.option(
    "--memory-mb",
    type=click.IntRange(min=16),
    default=None,
    help=(
        f"Memory a build may take, its worker process included (default {BUILD_MEMORY_MB}), "
        f"or an update's writer buffers (default {DEFAULT_MEMORY_MB})."
    ),
)
@click.option(
    "--update",
    is_flag=True,
    help="Add new articles and replace changed ones in the existing index, without rebuilding.",
)
@click.option(
    "--delete-missing",
    is_flag=True,
    help="With --update: also delete indexed articles the corpus no longer holds.",
)
@click.option(
    "--lock-timeout",
    type=click.FloatRange(min=0),
    default=DEFAULT_LOCK_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for another process writing the index.",
)
@reports_errors
def index_command(
    corpus_path: Path,
    index_path: Path,
    stemmer: str | None,
    stopwords: str | None,
    memory_mb: int | None,
    update: bool,
    delete_missing: bool,
    lock_timeout: float,
) -> None:
    """Build or rebuild the index from a corpus, or update it (--update).

    The previous index keeps answering queries until the new one is complete;
    an update is seen by readers all at once.  A writer killed at any moment
    leaves the last complete index, and the next run cleans up after it.
    """
    if delete_missing and not update:
        raise click.UsageError("--delete-missing works with --update (a rebuild drops them anyway)")
    settings = _settings(stemmer, stopwords)
    if update:
        _update(corpus_path, index_path, settings, memory_mb, lock_timeout, delete_missing)
    else:
        _build(corpus_path, index_path, settings, memory_mb, lock_timeout)


def _update(
    corpus_path: Path,
    index_path: Path,
    settings: AnalysisSettings | None,
    memory_mb: int | None,
    lock_timeout: float,
    delete_missing: bool,
) -> UpdateReport:
    from searchlib.updating import update_index

    click.echo(f"updating index {index_path} from {corpus_path} ...", err=True)
    with _reporting_progress() as problems:
        report = update_index(
            corpus_path,
            index_path,
            delete_missing=delete_missing,
            settings=settings,
            on_problem=problems,
            on_progress=_progress,
            memory_mb=DEFAULT_MEMORY_MB if memory_mb is None else memory_mb,
            lock_timeout=lock_timeout,
        )
    click.echo(
        f"added {report.added:,}, updated {report.updated:,}, deleted {report.deleted:,}, "
        f"unchanged {report.unchanged:,}, skipped {report.skipped:,}"
        + (f", repaired {report.repaired:,}" if report.repaired else "")
        + f" in {report.seconds:.1f} s; {report.documents:,} articles in the index",
        err=True,
    )
    return report


@main_group.command(name="info")
@index_option
@click.option("--json", "as_json", is_flag=True)
@reports_errors
def info_command(index_path: Path, as_json: bool) -> None:
    """Show an index's size, document count and saved settings."""
    import json

    with open_index(index_path) as index:
        info = index.info()
    if as_json:
        click.echo(json.dumps(info.__dict__, indent=2, sort_keys=True))
        return
    click.echo(f"index:      {info.path}")
    click.echo(f"documents:  {info.documents:,}")
    click.echo(f"size:       {format_size(info.size_bytes)}")
    click.echo(f"built:      {info.built} by searchlib {info.searchlib_version}")
    for key, value in sorted(info.analysis.items()):
        click.echo(f"{key + ':':<11} {value}")
