"""``searchlib synonyms check``, ``expand`` and ``export``.

Thin click commands for people who write synonym lists: parse, call one
library function (``analysis.synonym_check``, ``synonym_expansion``,
``analysis.synonym_export``), render.  None needs an index: the analyzer is
built from the default settings or ``--stemmer`` / ``--stopwords``, which
should be those of the index the list will serve.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from searchlib.analysis import BUILTIN_STOPWORD_LISTS, STEMMERS, AnalysisSettings, Analyzer
from searchlib.analysis.synonym_check import (
    FINDING_KINDS,
    check_synonyms,
    default_synonym_source,
    synonym_source,
)
from searchlib.analysis.synonym_export import EXPORT_FORMATS, export_elasticsearch, export_solr
from searchlib.analysis.synonym_map import (
    DEFAULT_SYNONYM_ORIGIN,
    SynonymMap,
    load_synonym_rules,
)
from searchlib.cli_options import F, reports_errors
from searchlib.synonym_expansion import ExpandedRun, expand_query

EXIT_PROBLEMS = 1
"""``check``'s exit status when it finds problems (2 stays for usage errors)."""

_FILE = click.Path(dir_okay=False, path_type=Path)


def _analysis_options(command: F) -> F:
    command = click.option(
        "--stopwords",
        default="english",
        show_default=True,
        metavar="|".join(BUILTIN_STOPWORD_LISTS) + "|FILE",
        help="Stop words of the analysis (those of the index the list is for).",
    )(command)
    return click.option(
        "--stemmer",
        type=click.Choice(STEMMERS),
        default="snowball",
        show_default=True,
        help="Stemmer of the analysis (that of the index the list is for).",
    )(command)


def _list_options(command: F) -> F:
    command = click.option(
        "--no-default", is_flag=True, help="Leave out the shipped geopolitical list."
    )(command)
    return click.option(
        "--synonyms",
        "synonym_files",
        multiple=True,
        type=_FILE,
        help="A synonym file in Solr format (repeatable), after the shipped list.",
    )(command)


def _analyzer(stemmer: str, stopwords: str) -> Analyzer:
    return Analyzer(AnalysisSettings(stemmer=stemmer, stopwords=stopwords))


def _map(files: tuple[Path, ...], no_default: bool, analyzer: Analyzer) -> SynonymMap:
    rules = load_synonym_rules([str(f) for f in files], include_default=not no_default)
    return SynonymMap(rules, analyzer)


@click.group(name="synonyms")
def synonyms_group() -> None:
    """Check, try out and export synonym lists (Solr format)."""


@synonyms_group.command(name="check")
@click.argument("files", nargs=-1, type=_FILE)
@click.option(
    "--with-default",
    is_flag=True,
    help="Check FILES together with the shipped list, as a search with --synonyms loads them.",
)
@_analysis_options
@reports_errors
def check_command(
    files: tuple[Path, ...], with_default: bool, stemmer: str, stopwords: str
) -> None:
    """Check synonym FILES (default: the shipped list) for mistakes.

    Prints one line per problem, as file:line: message [kind], and exits 0
    when there is none, 1 when there are some, 2 when a file cannot be read.
    Kinds: syntax, single-term, vanishes (only stop words), same-form (terms
    of one rule that analysis merges), duplicate, two-groups (a term in two
    two-way groups), one-way-in-group, mutual-one-way.  Several files are
    checked as one list.
    """
    sources = [synonym_source(path) for path in files]
    if with_default or not files:
        sources.insert(0, default_synonym_source())
    findings = check_synonyms(sources, _analyzer(stemmer, stopwords))
    for finding in findings:
        click.echo(str(finding))
    names = ", ".join(source.name for source in sources)
    if findings:
        kinds = sorted({f.kind for f in findings}, key=FINDING_KINDS.index)
        click.echo(f"{len(findings)} problems ({', '.join(kinds)}) in {names}", err=True)
        raise SystemExit(EXIT_PROBLEMS)
    click.echo(f"no problems in {names}", err=True)


@synonyms_group.command(name="expand")
@click.argument("query", nargs=-1, required=True)
@_list_options
@click.option("--natural", is_flag=True, help="Read the query as plain words (as 'run' does).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@_analysis_options
@reports_errors
def expand_command(
    query: tuple[str, ...],
    synonym_files: tuple[Path, ...],
    no_default: bool,
    natural: bool,
    as_json: bool,
    stemmer: str,
    stopwords: str,
) -> None:
    """Show what synonyms add to QUERY: each run of words a rule matches,
    with its alternatives as analysed terms, as written in the rules, and the
    file:line of those rules."""
    analyzer = _analyzer(stemmer, stopwords)
    text = " ".join(query)
    runs = expand_query(text, analyzer, _map(synonym_files, no_default, analyzer), natural=natural)
    if as_json:
        click.echo(json.dumps(_expansion_json(text, runs), indent=2, ensure_ascii=False))
        return
    if not runs:
        click.echo("no synonym applies to this query", err=True)
        return
    click.echo(_render_expansion(runs))


def _expansion_json(text: str, runs: list[ExpandedRun]) -> dict[str, object]:
    return {
        "query": text,
        "expansions": [
            {
                "terms": list(run.terms),
                "written": list(run.written),
                "alternatives": [
                    {
                        "terms": list(alternative.terms),
                        "written": list(alternative.written),
                        "rules": list(alternative.rules),
                    }
                    for alternative in run.alternatives
                ],
            }
            for run in runs
        ],
    }


def _render_expansion(runs: list[ExpandedRun]) -> str:
    lines = []
    for run in runs:
        written = f"  ({', '.join(run.written)})" if run.written else ""
        lines.append(" ".join(run.terms) + written)
        rows = [
            (" ".join(a.terms), ", ".join(a.written), " ".join(a.rules)) for a in run.alternatives
        ]
        term_width = max((len(row[0]) for row in rows), default=0)
        written_width = max((len(row[1]) for row in rows), default=0)
        for terms, forms, rules in rows:
            lines.append(f"  + {terms:<{term_width}}  {forms:<{written_width}}  {rules}".rstrip())
    return "\n".join(lines)


@synonyms_group.command(name="export")
@click.option(
    "--format",
    "export_format",
    type=click.Choice(EXPORT_FORMATS),
    required=True,
    help="solr: a synonyms file; elasticsearch: index settings (JSON) for it or OpenSearch.",
)
@_list_options
@_analysis_options
@reports_errors
def export_command(
    export_format: str,
    synonym_files: tuple[Path, ...],
    no_default: bool,
    stemmer: str,
    stopwords: str,
) -> None:
    """Write the synonym lists so that Solr, Elasticsearch or OpenSearch
    expand queries as searchlib does.

    Terms are written as in the lists, not stemmed: the cluster's synonym
    filter analyses its rules with the filters before it, so put it after
    the stemmer (the elasticsearch output's searchlib_search analyzer
    does).  One-way rules keep the user's words: 'a => b' is written
    'a => a, b'.
    """
    analyzer = _analyzer(stemmer, stopwords)
    rules = load_synonym_rules([str(f) for f in synonym_files], include_default=not no_default)
    if export_format == "solr":
        sources = ([] if no_default else [DEFAULT_SYNONYM_ORIGIN]) + [str(f) for f in synonym_files]
        click.echo(export_solr(rules, analyzer, sources), nl=False)
    else:
        settings = export_elasticsearch(rules, analyzer)
        click.echo(json.dumps(settings, indent=2, ensure_ascii=False))
