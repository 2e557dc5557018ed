"""Character n-grams of a whole batch, hashed with numpy and looked up in a hash table of the vocabulary.

Each window of ``n`` code points gets a 64-bit polynomial hash; vocabulary terms are hashed the same way at load
time (two terms sharing a hash is checked and refused). A window that is not in the vocabulary could in principle
share a hash with a term that is: with 64-bit hashes, ~10⁵ terms and ~10⁵ windows a batch, the odds are ~10⁻⁹ per
batch, and the cost would be one spurious feature.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

_P = 0x9E3779B97F4A7C15  # odd 64-bit multiplier of the polynomial hash (arithmetic mod 2**64)
_MIX = np.uint64(0xBF58476D1CE4E5B9)


def code_points(text: str) -> npt.NDArray[np.uint64]:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def window_hashes(codes: npt.NDArray[np.uint64], n: int) -> npt.NDArray[np.uint64]:
    """Hash of every length-``n`` window of ``codes`` (shape ``(len - n + 1,)``), or of every row if 2-D."""
    mixed = (codes + np.uint64(1)) * _MIX
    if mixed.ndim == 2:
        windows = [mixed[:, k] for k in range(n)]
    else:
        windows = [mixed[k: len(mixed) - n + 1 + k] for k in range(n)]
    out = windows[0].copy()
    for k in range(1, n):
        out += windows[k] * np.uint64(pow(_P, k, 2**64))
    return out


class HashTable:
    """Open-addressing table (linear probing) from 64-bit n-gram hashes to columns, looked up a batch at a time."""

    def __init__(self, keys: npt.NDArray[np.uint64], values: npt.NDArray[np.int64]) -> None:
        if len(np.unique(keys)) != len(keys):
            raise ValueError("two character n-grams of the vocabulary share a hash")
        bits = max(4, int(len(keys) * 2 - 1).bit_length())  # load factor at most 1/2
        self._mask, self._shift = (1 << bits) - 1, np.uint64(64 - bits)
        self._keys = np.zeros(1 << bits, dtype=np.uint64)
        self._values = np.full(1 << bits, -1, dtype=np.int32)
        self._probes = 1
        for key, home, value in zip(keys.tolist(), (keys >> self._shift).tolist(), values.tolist(), strict=True):
            slot = home
            while self._values[slot] >= 0:
                slot = (slot + 1) & self._mask
            self._keys[slot], self._values[slot] = key, value
            self._probes = max(self._probes, ((slot - home) & self._mask) + 1)

    def lookup(self, hashes: npt.NDArray[np.uint64]) -> npt.NDArray[np.int32]:
        """The column of each hash, or -1."""
        slots = (hashes >> self._shift).astype(np.intp)
        values = self._values[slots]
        hit = self._keys[slots] == hashes
        out = np.where(hit, values, np.int32(-1))
        more = ~hit & (values >= 0)  # the slot holds another key: probe the next ones
        todo, slots = np.flatnonzero(more), slots[more]
        for _ in range(self._probes - 1):
            if not len(todo):
                break
            slots = (slots + 1) & self._mask
            values = self._values[slots]
            hit = self._keys[slots] == hashes[todo]
            out[todo[hit]] = values[hit]
            more = ~hit & (values >= 0)
            todo, slots = todo[more], slots[more]
        return out


def term_hashes(terms: Sequence[str]) -> npt.NDArray[np.uint64]:
    """:func:`window_hashes` of each vocabulary term, grouped by length to hash them as rows."""
    hashes = np.empty(len(terms), dtype=np.uint64)
    lengths = np.array([len(t) for t in terms], dtype=np.int64)
    for n in np.unique(lengths).tolist():
        idx = np.flatnonzero(lengths == n)
        hashes[idx] = window_hashes(code_points("".join(terms[i] for i in idx.tolist())).reshape(len(idx), n), n)
    return hashes
