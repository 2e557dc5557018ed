"""The obvious peer of near-duplicate folding: exact Jaccard similarity of character 4-shingles of the folded
text (:func:`classifiers.normalize.fold_for_dedupe`) against every message in the window, folding into the best
one above a threshold. Vectorised — the window is a few sparse shingle matrices, one sparse product each per
lookup — so it is the fast version of brute force. Used by ``dedupe_window.py``, side by side with Vigie's.
"""

from __future__ import annotations

import zlib

import numpy as np
from scipy import sparse

from classifiers.normalize import fold_for_dedupe

SHINGLE_SPACE = 1 << 22


def shingle_ids(text: str) -> np.ndarray:
    folded = " " + fold_for_dedupe(text) + " "
    ids = {zlib.crc32(folded[i:i + 4].encode()) % SHINGLE_SPACE for i in range(max(1, len(folded) - 3))}
    return np.fromiter(ids, dtype=np.int64, count=len(ids))


class BruteForce:
    """Exact Jaccard of character 4-shingles against every message in the window (sparse matrix product)."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.chunks: list[sparse.csr_matrix] = []
        self.sizes: list[np.ndarray] = []
        self.pending: list[np.ndarray] = []
        self.cluster: list[int] = []

    def _compact(self) -> None:
        if not self.pending:
            return
        rows = np.repeat(np.arange(len(self.pending)), [len(x) for x in self.pending])
        cols = np.concatenate(self.pending)
        self.chunks.append(sparse.csr_matrix((np.ones(len(cols), dtype=np.float32), (rows, cols)),
                                             shape=(len(self.pending), SHINGLE_SPACE)))
        self.sizes.append(np.array([len(x) for x in self.pending], dtype=np.float32))
        self.pending = []

    def lookup(self, ids: np.ndarray) -> int | None:
        """Index of the best message in the window with Jaccard ≥ threshold, or None."""
        q = np.zeros(SHINGLE_SPACE, dtype=np.float32)
        q[ids] = 1.0
        best, best_j, base = None, self.threshold, 0
        for chunk, sizes in zip(self.chunks, self.sizes, strict=True):
            inter = chunk @ q
            jac = inter / (sizes + len(ids) - inter)
            k = int(np.argmax(jac))
            if jac[k] >= best_j:
                best, best_j = base + k, float(jac[k])
            base += chunk.shape[0]
        for k, other in enumerate(self.pending):  # the few not compacted yet
            inter = len(np.intersect1d(ids, other, assume_unique=True))
            j = inter / (len(ids) + len(other) - inter)
            if j >= best_j:
                best, best_j = base + k, j
        return best

    def insert(self, ids: np.ndarray, cluster: int | None) -> None:
        self.cluster.append(self.cluster[cluster] if cluster is not None else len(self.cluster))
        self.pending.append(ids)
        if len(self.pending) >= 256:  # few enough to compare one by one, then a matrix of their own
            self._compact()
            small = [i for i, c in enumerate(self.chunks) if c.shape[0] < 50_000]
            if len(small) >= 16:  # and the small matrices merged, so a lookup is a few sparse products
                merged = sparse.vstack([self.chunks[i] for i in small], format="csr")
                sizes = np.concatenate([self.sizes[i] for i in small])
                keep = [i for i in range(len(self.chunks)) if i not in small]
                self.chunks = [self.chunks[i] for i in keep] + [merged]
                self.sizes = [self.sizes[i] for i in keep] + [sizes]

    @property
    def rows(self) -> int:
        return sum(c.shape[0] for c in self.chunks) + len(self.pending)

    def add(self, ids: np.ndarray) -> int:
        found = self.lookup(ids)
        self.insert(ids, found)
        return self.cluster[-1]
