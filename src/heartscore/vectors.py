"""Docs → dense meaning features: static word vectors pooled per text.

Exact words do not carry across sources ("the staff ignored us" and "nobody listened" share
no n-gram). Each word of the shipped table (``data/vectors.npz``: 40,000 general English
words, distilled once, offline, from the Apache-2.0 sentence encoder all-MiniLM-L6-v2 by
``scripts/distill_vectors.py``; brand and place names have no vector) brings its meaning;
a text's features are the SIF-weighted mean of its words' vectors, kept apart for words
outside and inside a negation scope ("not helpful" is not "helpful"). Columns are
standardised on the training docs and scaled by ``weight`` so the heads' regularisation
treats them like the sparse features.

The table is package data, read with :mod:`importlib.resources`; a fitted transformer keeps
only the table's SHA-256 (never a path) and refuses a different table at transform time.
"""
from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from spacy.attrs import LOWER
from spacy.tokens import Doc

from .errors import ModelCompatibilityError
from .nlp.negation import negation_flags
from .nlp.tokens import batch_tokens, get_annotation
from .resources import package_file

if TYPE_CHECKING:
    from .preprocess import Sentences

__all__ = ["WordVectors", "load_table"]

TABLE = "vectors.npz"


@lru_cache(maxsize=1)
def load_table() -> tuple[dict[str, int], np.ndarray, str]:
    """The shipped table: word → row, the (words, dims) float32 vectors, and its SHA-256."""
    raw = package_file("data", TABLE).read_bytes()
    with np.load(io.BytesIO(raw), allow_pickle=False) as z:
        words = z["words"].tolist()
        vectors = z["vectors"].astype(np.float32)
    return {w: i for i, w in enumerate(words)}, vectors, hashlib.sha256(raw).hexdigest()


class WordVectors(TransformerMixin, BaseEstimator):
    """scikit-learn transformer from spaCy Docs to pooled word-vector features.

    Parameters
    ----------
    weight:
        Scale of the standardised columns relative to the sparse features (chosen on the
        real corpus's dev rows, leave-one-source-out).
    negation:
        Pool words inside a negation scope into their own columns (2 × dims columns).
    """

    def __init__(self, *, weight: float = 0.1, negation: bool = True) -> None:
        self.weight = weight
        self.negation = negation

    def fit(self, docs: Sequence[Doc], y=None) -> "WordVectors":
        """Learn each column's mean and scale on ``docs``."""
        self._fit_pooled(list(docs))
        return self

    def fit_transform(self, docs: Sequence[Doc], y=None) -> np.ndarray:
        """``fit(docs).transform(docs)``, pooling the docs once."""
        return self._scaled(self._fit_pooled(list(docs)))

    def _fit_pooled(self, docs: list[Doc]) -> np.ndarray:
        _, vectors, digest = load_table()
        self.table_sha256_ = digest
        self.dims_ = int(vectors.shape[1])
        pooled = self._pool(docs)
        self.mean_ = pooled.mean(axis=0)
        scale = pooled.std(axis=0)
        scale[scale == 0] = 1.0
        self.scale_ = scale
        self.n_features_out_ = pooled.shape[1]
        return pooled

    def _scaled(self, pooled: np.ndarray) -> np.ndarray:
        return (pooled - self.mean_) / self.scale_ * self.weight

    def transform(self, docs: Sequence[Doc], units: Sentences | None = None) -> np.ndarray:
        """Docs → (n, dims or 2 × dims) standardised, weighted features (a row per sentence
        with ``units``: :func:`heartscore.preprocess.sentences`)."""
        if not hasattr(self, "mean_"):
            raise ModelCompatibilityError("WordVectors is not fitted; call fit first")
        if load_table()[2] != self.table_sha256_:
            raise ModelCompatibilityError(
                "the shipped word-vector table differs from the one this model was trained "
                "with; use the heartscore version the model was trained with, or retrain")
        return self._scaled(self._pool(list(docs), units))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """``vec:pos:<k>`` (words outside negation), then ``vec:neg:<k>``."""
        parts = ("pos", "neg") if self.negation else ("pos",)
        return np.asarray([f"vec:{p}:{k}" for p in parts for k in range(self.dims_)],
                          dtype=object)

    def _pool(self, docs: list[Doc], units: Sentences | None = None) -> np.ndarray:
        index, vectors, _ = load_table()
        dims = vectors.shape[1]
        n_rows = len(docs) if units is None else units.n_units
        out = np.zeros((n_rows, dims * (2 if self.negation else 1)))
        bounds, arr = batch_tokens(docs, [LOWER])
        if not len(arr):
            return out
        keys = arr[:, 0]
        uniq, inv = np.unique(keys, return_inverse=True)
        strings = docs[0].vocab.strings
        row_of = np.fromiter((index.get(strings[int(k)], -1) for k in uniq), dtype=np.int64,
                             count=len(uniq))
        rows = row_of[inv.reshape(-1)]
        doc = (np.repeat(np.arange(len(docs)), np.diff(bounds)) if units is None
               else units.token_unit)  # -1: a dropped sentence's token
        if self.negation:
            negs = []
            for d in docs:
                flags = get_annotation(d, "hs_negated")
                negs.append(np.asarray(flags if flags is not None else
                                       negation_flags([t.lower_ for t in d]), dtype=np.int8))
            negated = np.concatenate(negs) == 1
        else:
            negated = np.zeros(len(rows), dtype=bool)
        for part, mask in enumerate((~negated, negated) if self.negation else (~negated,)):
            m = mask & (rows >= 0) & (doc >= 0)
            if not m.any():
                continue
            counts = np.bincount(doc[m], minlength=n_rows).astype(np.float64)
            w = 1.0 / counts[doc[m]]
            pool = sp.csr_matrix((w, (doc[m], np.arange(int(m.sum())))),
                                 shape=(n_rows, int(m.sum())))
            out[:, part * dims:(part + 1) * dims] = pool @ vectors[rows[m]]
        return out
