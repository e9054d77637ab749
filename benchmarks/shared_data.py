"""Where the shared data sets are, and whether they are there.

``../shared/data`` beside the project (see its README), or the folder named
by ``$SEARCHLIB_SHARED_DATA``.  Benchmarks that need it skip when it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ENVIRONMENT_VARIABLE = "SEARCHLIB_SHARED_DATA"


def shared_data_dir() -> Path:
    """The shared data folder (it may not exist: check with ``is_dir``)."""
    named = os.environ.get(ENVIRONMENT_VARIABLE)
    return Path(named) if named else REPO.parent / "shared" / "data"


def shared_path(*parts: str) -> Path | None:
    """A file or folder of the shared data, or None when it is absent."""
    path = shared_data_dir().joinpath(*parts)
    return path if path.exists() else None
