"""Per-word facts in numpy columns, looked up for a whole batch of tokens at once.

heartscore's components and features need a handful of facts per *word* (kind, negation
role, lemma id, valence …), never per token: a batch of tweets has ~30 tokens a row but
only a few thousand distinct words. :class:`LexemeCache` computes the facts once per
distinct string (a Python function) and keeps them in typed numpy columns indexed by a
row number, so a batch's tokens get their facts by one ``np.unique`` and a fancy index
instead of a Python call each. Keys are spaCy ``orth`` hashes, which are the same for a
string in every Vocab, so the cache survives the scoring pipeline's vocabulary rebuilds.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

__all__ = ["LexemeCache"]


class LexemeCache:
    """Facts per word string, stored column-wise.

    Parameters
    ----------
    compute:
        ``text -> tuple`` of facts, one per column (a pure function of the string).
    dtypes:
        The numpy dtype of each column.
    limit:
        Clear the cache when it holds more than this many words before a batch (exports
        are full of one-off tokens: ids, numbers, typos); ``None`` never clears.
    """

    def __init__(self, compute: Callable[[str], tuple], dtypes: Sequence[np.dtype | type],
                 limit: int | None = 100_000) -> None:
        self.compute = compute
        self.dtypes = [np.dtype(d) for d in dtypes]
        self.limit = limit
        self._clear()

    def _clear(self) -> None:
        self._index: dict[int, int] = {}
        self._cols = [np.empty(1024, dtype=d) for d in self.dtypes]
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def rows(self, orths: np.ndarray, strings) -> np.ndarray:
        """Row numbers for a batch of ``orth`` hashes (``strings``: the Vocab's StringStore,
        to read new words). Rows stay valid until the next call."""
        if self.limit is not None and self._n > self.limit:
            self._clear()
        if len(orths) == 0:
            return np.zeros(0, dtype=np.int64)
        uniq, inv = np.unique(orths, return_inverse=True)
        get = self._index.get
        keys = uniq.tolist()
        found = [get(o) for o in keys]
        new = [k for k, row in enumerate(found) if row is None]
        if new:
            rows = self._add([keys[k] for k in new], strings)
            for k, row in zip(new, rows):
                found[k] = row
        return np.asarray(found, dtype=np.int64)[inv.reshape(-1)]

    def _add(self, orths: list[int], strings) -> range:
        """Compute and store the facts of new words; their rows."""
        facts = [self.compute(strings[o]) for o in orths]
        first, end = self._n, self._n + len(orths)
        size = len(self._cols[0])
        if end > size:
            size = max(2 * size, end)
            self._cols = [np.concatenate([c[:first], np.empty(size - first, dtype=c.dtype)])
                          for c in self._cols]
        for k, col in enumerate(self._cols):
            col[first:end] = [f[k] for f in facts]
        self._index.update(zip(orths, range(first, end)))
        self._n = end
        return range(first, end)

    def column(self, k: int) -> np.ndarray:
        """Column ``k`` (index it with the rows from :meth:`rows`)."""
        return self._cols[k]
