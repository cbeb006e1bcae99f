"""Count repeats of notice ids within one DECP file in about 8 bytes per contract.

A DECP file may repeat the same buyer + contract id (republications, test records: decp.md §5); each repeat
needs its own id, so the ids seen so far must be remembered. A Python set costs ~70 bytes per id, which on a
million-contract file is no longer "streaming"; here ids are kept as 64-bit hashes in a sorted numpy array,
with a small set of recent ones merged in by batches. Repeats themselves (rare) are counted in a plain dict.
"""

from __future__ import annotations

import numpy as np

_BATCH = 4096


class SeenIds:
    """`occurrence(id)` returns 1 the first time an id is given, 2 the second time, and so on."""

    def __init__(self) -> None:
        self._sorted = np.empty(0, dtype=np.int64)
        self._recent: set[int] = set()
        self._repeats: dict[int, int] = {}

    def occurrence(self, notice_id: str) -> int:
        """How many times `notice_id` has now been seen in this file (1 = first time)."""
        key = hash(notice_id)  # 64-bit, stable within the process: enough to find repeats inside one file
        if key in self._repeats:
            self._repeats[key] += 1
            return self._repeats[key]
        if key in self._recent or self._in_sorted(key):
            self._repeats[key] = 2
            return 2
        self._recent.add(key)
        if len(self._recent) >= _BATCH:
            self._merge()
        return 1

    def _in_sorted(self, key: int) -> bool:
        position = int(np.searchsorted(self._sorted, key))
        return position < len(self._sorted) and int(self._sorted[position]) == key

    def _merge(self) -> None:
        batch = np.sort(np.fromiter(self._recent, dtype=np.int64, count=len(self._recent)))
        self._sorted = np.insert(self._sorted, np.searchsorted(self._sorted, batch), batch)
        self._recent.clear()
