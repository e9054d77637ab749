"""The names ``import searchlib`` offers, imported on first use."""

from __future__ import annotations

import subprocess
import sys

import pytest

import searchlib


@pytest.mark.parametrize("name", searchlib.__all__)
def test_every_public_name_resolves_to_its_home_module(name: str) -> None:
    value = getattr(searchlib, name)
    assert value.__module__.startswith("searchlib.")
    assert name in dir(searchlib)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        searchlib.nothing_here  # noqa: B018


def test_importing_the_package_loads_no_submodule_it_does_not_need() -> None:
    program = (
        "import sys, searchlib\nprint(sorted(m for m in sys.modules if m.startswith('searchlib.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
