"""The analysis settings an index was built with, read back from its manifest.

A query must be analysed exactly as the indexed text was, so an index saves
its analysis settings (``Analyzer.describe``) in its manifest when built;
opening it rebuilds the same chain, and settings given by a user are checked
against the saved ones.  Needs no whoosh.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from searchlib.analysis import STEMMERS, AnalysisSettings, Analyzer
from searchlib.analysis.tokenizer import NewsTokenizer
from searchlib.errors import IncompatibleIndexError


def saved_analyzer(
    index_dir: Path, manifest: dict[str, Any], known_stems: Mapping[str, str] | None = None
) -> Analyzer:
    """The analysis chain an index was built with, as its manifest records it
    (with the index's saved stems, when given)."""
    analysis = manifest.get("analysis")
    settings = _saved_settings(analysis)
    if settings is None or not isinstance(analysis, dict):
        raise IncompatibleIndexError(
            f"index at {index_dir} does not record its analysis settings as this searchlib "
            f"expects (written by searchlib {manifest.get('searchlib_version', '?')}); "
            f"rebuild it with 'searchlib index --index {index_dir}'"
        )
    if analysis.get("tokenizer") != NewsTokenizer.name:
        raise IncompatibleIndexError(
            f"index at {index_dir} was tokenized as {analysis.get('tokenizer')!r} (searchlib "
            f"{manifest.get('searchlib_version', '?')}); this searchlib tokenizes as "
            f"{NewsTokenizer.name!r}: rebuild it with 'searchlib index --index {index_dir}'"
        )
    return Analyzer(settings, stopwords=analysis["stopword_list"], known_stems=known_stems)


def _saved_settings(analysis: object) -> AnalysisSettings | None:
    if not isinstance(analysis, dict):
        return None
    stemmer, stopwords = analysis.get("stemmer"), analysis.get("stopwords")
    fold_accents, words = analysis.get("fold_accents"), analysis.get("stopword_list")
    if (
        stemmer not in STEMMERS
        or not isinstance(stopwords, str)
        or not isinstance(fold_accents, bool)
        or not isinstance(words, list)
        or not all(isinstance(word, str) for word in words)
    ):
        return None
    return AnalysisSettings(stemmer=stemmer, stopwords=stopwords, fold_accents=fold_accents)


def check_settings(path: Path, manifest: dict[str, Any], settings: AnalysisSettings) -> None:
    """Raise if ``settings`` differ from those the index was built with."""
    wanted = Analyzer(settings).describe()
    saved = manifest["analysis"]
    for key in ("tokenizer", "stemmer", "stopwords_sha256", "fold_accents"):
        if saved.get(key) != wanted[key]:
            shown = "stopwords" if key == "stopwords_sha256" else key
            raise IncompatibleIndexError(
                f"index at {path} was built with {shown}={saved.get(shown)!r}, not "
                f"{wanted[shown]!r}: rebuild it with these settings ('searchlib index') "
                "or leave them out to use the index's own"
            )
