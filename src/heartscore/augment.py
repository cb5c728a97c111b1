"""Neutral sentences as training data: a sentence that says nothing must move no label.

``fit`` appends a sentence of the shipped list (``data/neutral_sentences.txt``: dates, times,
numbers, places, payment, party size … written for heartscore, no customer text) to a seeded
share of the training rows, labels unchanged, and adds every sentence alone as a row labelled
neutral with no signal. Read whole, heartscore's linear heads learned from real feedback that
a clock time or an order number goes with complaints; read a sentence at a time
(:mod:`heartscore.pooling`), a sentence alone must be decided neutral. Both are measured by
``benchmarks/invariance.py`` (its 20 sentences are not in the list) and chosen on real dev
rows (``benchmarks/levers.py``).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .labels import LabelSchema
from .resources import package_file

__all__ = ["neutral_sentences", "with_neutral_sentences"]


@lru_cache(maxsize=1)
def neutral_sentences() -> tuple[str, ...]:
    """The shipped neutral sentences, in file order."""
    text = package_file("data", "neutral_sentences.txt").read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines()
                 if line.strip() and not line.startswith("#"))


def with_neutral_sentences(texts: list[str], Y: np.ndarray, weights: np.ndarray | None,
                           schema: LabelSchema, *, append: float, alone: float, seed: int | None
                           ) -> tuple[list[str], np.ndarray, np.ndarray | None]:
    """Training rows plus their neutral-sentence rows: a copy of a seeded ``append`` share of
    the rows with a sentence before (3 in 10) or after it, same labels and weight; and, when
    ``alone`` > 0, each sentence as a row of weight ``alone``, polarity neutral, signals 0.
    With both 0 the rows come back unchanged."""
    if append <= 0 and alone <= 0:
        return texts, Y, weights
    pool = neutral_sentences()
    rng = np.random.default_rng(seed)
    w = np.ones(len(texts)) if weights is None else np.asarray(weights, dtype=float)
    texts, parts_y, parts_w = list(texts), [Y], [w]
    if append > 0:
        pick = np.flatnonzero(rng.random(len(w)) < append)
        which = rng.integers(0, len(pool), len(pick))
        front = rng.random(len(pick)) < 0.3
        texts += [f"{pool[s]} {texts[i]}" if f else f"{texts[i]} {pool[s]}"
                  for i, s, f in zip(pick.tolist(), which.tolist(), front.tolist())]
        parts_y.append(Y[pick])
        parts_w.append(w[pick])
    if alone > 0:
        row = np.array([["neutral"] + [0] * (len(schema.labels) - 1)], dtype=object)
        texts += pool
        parts_y.append(np.repeat(row, len(pool), axis=0))
        parts_w.append(np.full(len(pool), float(alone)))
    return texts, np.concatenate(parts_y), np.concatenate(parts_w)
