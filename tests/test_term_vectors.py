"""The vectorised searches the phrase check runs over many documents' term
vectors at once agree with ``bisect`` on each range."""

from __future__ import annotations

import random
from bisect import bisect_left, bisect_right

import pytest

np = pytest.importorskip("numpy")

from searchlib.term_vectors import _bisect_each, _run_lengths  # noqa: E402


def _ranges(seed: int) -> tuple[list[int], list[int], list[int], list[int]]:
    """Sorted ranges laid end to end, of lengths 0 to 300, with repeated
    keys; and the keys to look for (present, absent, below and above all)."""
    chooser = random.Random(seed)
    keys: list[int] = []
    lows: list[int] = []
    highs: list[int] = []
    for _ in range(200):
        length = chooser.choice([0, 1, 2, 3, 7, 8, 64, 255, 256, 300])
        lows.append(len(keys))
        keys += sorted(chooser.randint(-50, 50) * 10**15 for _ in range(length))
        highs.append(len(keys))
    wanted = [-(2**63), 2**63 - 1, 0, 10**15, 3 * 10**15 + 1, *chooser.sample(keys, 20)]
    return keys, lows, highs, wanted


@pytest.mark.parametrize("seed", range(5))
def test_bisect_each_and_run_lengths_agree_with_bisect(seed: int) -> None:
    keys, lows, highs, wanted = _ranges(seed)
    key_array = np.asarray(keys, dtype=np.int64)
    low_array = np.asarray(lows, dtype=np.int64)
    high_array = np.asarray(highs, dtype=np.int64)
    for key in wanted:
        firsts = _bisect_each(key_array, low_array, high_array, key)
        expected_firsts = [
            bisect_left(keys, key, low, high) for low, high in zip(lows, highs, strict=True)
        ]
        assert firsts.tolist() == expected_firsts
        lengths = _run_lengths(key_array, firsts, high_array, key)
        expected_lengths = [
            bisect_right(keys, key, low, high) - first
            for low, high, first in zip(lows, highs, expected_firsts, strict=True)
        ]
        assert lengths.tolist() == expected_lengths


def test_no_ranges() -> None:
    empty = np.zeros(0, dtype=np.int64)
    assert _bisect_each(np.asarray([1, 2], dtype=np.int64), empty, empty, 1).tolist() == []
    assert _run_lengths(np.asarray([1, 2], dtype=np.int64), empty, empty, 1).tolist() == []
