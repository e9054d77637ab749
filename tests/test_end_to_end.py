"""The user's example on the bundled corpus, through the real CLI entry point.

Builds the bundled corpus once (about half a minute): the README's promise
that ``search "Lachin corridor"`` finds the Moscow Times story first.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchlib.cli import search_command

REPO = Path(__file__).resolve().parents[1]
SEED_ID = "000_6773254eee61951c"


@pytest.fixture(scope="module")
def bundled_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("bundled") / "index"
    result = CliRunner().invoke(
        search_command,
        ["--corpus", str(REPO / "corpus"), "--index", str(index), "-n", "1", "anything"],
    )
    assert result.exit_code == 0, result.output
    return index


def run_search(index: Path, *args: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(search_command, ["--index", str(index), "--json", *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_lachin_corridor_finds_the_seed_article_first(bundled_index: Path) -> None:
    hits = run_search(bundled_index, "Lachin corridor")
    first = hits[0]
    assert first["id"] == SEED_ID
    assert first["title"] == "Russia Urges Azerbaijan to Unblock Access to Karabakh"
    assert first["source"] == "The Moscow Times"
    assert first["date"] is None
    snippet = str(first["snippet"])
    highlighted = [snippet[s:e] for s, e in first["highlights"]]  # type: ignore[misc,union-attr]
    assert "Lachin corridor" in highlighted


def test_terminal_output_highlights_the_phrase(bundled_index: Path) -> None:
    result = CliRunner().invoke(
        search_command, ["--index", str(bundled_index), "-n", "3", "Lachin", "corridor"]
    )
    assert result.exit_code == 0
    first_hit = result.stdout.split("\n\n")[0]
    assert first_hit.startswith("1. Russia Urges Azerbaijan to Unblock Access to Karabakh")
    assert "**Lachin corridor**" in first_hit


def test_artsakh_returns_only_karabakh_articles(bundled_index: Path) -> None:
    hits = run_search(bundled_index, "-n", "10", "Artsakh")
    assert hits, "the synonym list should find Karabakh articles"
    for hit in hits:
        snippet = str(hit["snippet"])
        highlighted = {snippet[s:e].lower() for s, e in hit["highlights"]}  # type: ignore[misc,union-attr]
        assert highlighted & {"karabakh", "nagorno-karabakh", "artsakh"}, hit
