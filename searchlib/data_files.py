"""The data files shipped with searchlib (stop words, the synonym list).

Read from the package's folder directly: ``importlib.resources`` would
import ``tempfile`` and ``zipfile`` on every search, and searchlib is
always installed as files.
"""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_data_file(name: str) -> str:
    """The text of a shipped data file."""
    return (DATA_DIR / name).read_text("utf-8")
