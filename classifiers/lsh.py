"""MinHash LSH: the signature of a set of strings and its band keys, the same in every worker.

:mod:`classifiers.neardup` decides *what* is hashed (a message's word stems and numbers); this module only
hashes: :data:`BANDS` bands of :data:`ROWS` min-hashes, each band one 4-byte key in the dedupe window. Two sets
with Jaccard similarity *s* share at least one band with probability 1 − (1 − s^ROWS)^BANDS.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt

BANDS: Final = 12
ROWS: Final = 2

_rng = np.random.default_rng(20151113)  # fixed: every worker must compute the same band keys
_SEEDS: Final = _rng.integers(0, np.iinfo(np.uint64).max, size=BANDS * ROWS, dtype=np.uint64,
                             endpoint=True)
del _rng
_C1, _C2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)


_HASHES: dict[str, int] = {}  # element → its 64-bit hash: word stems recur from message to message
_HASHES_MAX: Final = 200_000


def _element_hash(element: str) -> int:
    h = _HASHES.get(element)
    if h is None:
        if len(_HASHES) >= _HASHES_MAX:
            _HASHES.clear()
        h = _HASHES[element] = int.from_bytes(hashlib.blake2b(element.encode("utf-8"), digest_size=8).digest(),
                                              "little")
    return h


def minhash(items: set[str]) -> npt.NDArray[np.uint64]:
    """``BANDS * ROWS`` min-hashes of ``items``: each permutation is the splitmix64 finaliser of the element's
    64-bit hash xor a per-permutation seed (uint64 arithmetic wraps, as the finaliser wants)."""
    row: npt.NDArray[np.uint64] = minhashes([items])[0]
    return row


def minhashes(item_sets: Sequence[set[str]]) -> npt.NDArray[np.uint64]:
    """:func:`minhash` of each of ``item_sets`` (none empty), one row each, in one numpy pass over all their
    elements: per set, the numpy calls cost more than the arithmetic (~12 µs a message against ~3)."""
    sizes = np.fromiter(map(len, item_sets), dtype=np.intp, count=len(item_sets))
    if not sizes.all():
        raise ValueError("an empty set has no min-hash")
    x = np.fromiter(map(_element_hash, itertools.chain.from_iterable(item_sets)), dtype=np.uint64,
                    count=int(sizes.sum()))
    z = _SEEDS[:, None] ^ x[None, :]
    z = (z ^ (z >> _S30)) * _C1
    z = (z ^ (z >> _S27)) * _C2
    z = z ^ (z >> _S31)
    starts = np.zeros(len(item_sets), dtype=np.intp)
    np.cumsum(sizes[:-1], out=starts[1:])
    return np.minimum.reduceat(z, starts, axis=1).T.copy()


def band_keys(signature: npt.NDArray[np.uint64]) -> tuple[bytes, ...]:
    """One 4-byte key per band, the band's number mixed in (the window keeps all bands in one hash per time
    slot; 32 bits make a false bucket-share rare enough — one in ~2,000 at a million messages — and such a
    false candidate is only compared, never folded on that ground)."""
    raw, width = signature.astype(np.uint64, copy=False).tobytes(), 8 * ROWS  # a band's rows, end to end
    keys = []
    for i, salted in enumerate(_BAND_HASHERS):  # a copy of a salted hasher: ~40 % cheaper than a new one
        h = salted.copy()
        h.update(raw[i * width:(i + 1) * width])
        keys.append(h.digest())
    return tuple(keys)


_BAND_SALTS: Final = tuple(i.to_bytes(16, "little") for i in range(BANDS))
_BAND_HASHERS: Final = tuple(hashlib.blake2b(digest_size=4, salt=salt) for salt in _BAND_SALTS)
