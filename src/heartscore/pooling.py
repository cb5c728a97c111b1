"""Sentence pooling: per-sentence probabilities → a text's probabilities and decision.

A text is read a sentence at a time (:func:`heartscore.preprocess.sentences`). Per label,
each sentence is decided with the label's thresholds; the text's probabilities are the mean
of its sentences that are *not* decided neutral (polarity "neutral", signal 0), or of all of
its sentences when every one is; the text is decided from those probabilities with the same
thresholds, so its label and its probabilities always agree.

Why: a sentence that says nothing ("We arrived at 7pm.") is decided neutral on its own, so
appending it to a text as a sentence of its own leaves the text's labels as they were
(issue 16's invariance; read whole, the linear heads moved with every word added). Polarity
is provably unchanged: when all pooled sentences clear the neutral band one way, so does
their mean. Two limits: a text with no sentence-final punctuation ("Never again") takes
what follows into its last sentence; and for a signal, two sentences each decided 0 can
average to a mean decided ±1 (the 0 region of the decision rule is not convex; not seen on
2,000 real texts).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .inputs import known_values
from .labels import LabelSchema
from .thresholds import _SIGNAL_GRID, _f1, choose_neutral_bias, decide

__all__ = ["pool", "choose_pooled_thresholds"]


#: The neutral class's index: polarity (bad, neutral, good) and signals (-1, 0, +1) alike.
NEUTRAL = 1


def pool(label: str, p: np.ndarray, owner: np.ndarray, n: int,
         t: dict[str, float] | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pool sentence probabilities ``p`` ((units, n_classes); ``owner[u]`` is the text of
    unit ``u``, texts ``0..n-1`` each with at least one unit) into ``n`` texts.

    Returns (text probabilities, text decisions as class indices, per-unit mask of the
    sentences pooled)."""
    if n and not np.bincount(owner, minlength=n).all():
        raise ValueError("every text needs at least one sentence (heartscore.preprocess."
                         "sentences gives each Doc one); found a text with none")
    d = decide(label, p, t)
    polar = d != NEUTRAL
    has_polar = np.bincount(owner, weights=polar, minlength=n) > 0
    used = np.where(has_polar[owner], polar, True)
    w = used.astype(float)
    out = np.stack([np.bincount(owner, weights=p[:, k] * w, minlength=n)
                    for k in range(p.shape[1])], axis=1).astype(float)  # (ints when empty)
    out /= np.maximum(np.bincount(owner, weights=w, minlength=n), 1e-12)[:, None]
    return out, decide(label, out, t), used


def choose_pooled_thresholds(schema: LabelSchema, Y: np.ndarray, proba: dict[str, np.ndarray],
                             owner: np.ndarray, *, neutral_cap: float | None = None
                             ) -> dict[str, dict[str, float]]:
    """Every label's thresholds for the pooled decision, chosen on validation texts with
    labels ``Y`` ((n, labels)) from their sentences' probabilities ``proba[label]`` (units,
    n_classes) and ``owner`` (unit → text). Polarity's neutral bias is chosen as
    :func:`heartscore.thresholds.choose_thresholds` chooses it (macro-F1 within
    ``neutral_cap``, same grids), measured on the pooled decisions. A signal's +1 and -1
    thresholds differ in method: each is chosen for its class's F1 under the *whole*
    decision rule (the other threshold and the +1-against--1 comparison included), +1 then
    -1, two rounds, because each moves which sentences the other pools; ``choose_thresholds``
    scores a threshold by ``p[:, k] >= t`` alone. So on texts of one sentence the two can
    choose different signal thresholds. Ties go to the smaller change."""
    n = len(Y)
    thresholds: dict[str, dict[str, float]] = {}
    for j, label in enumerate(schema.labels):
        classes: list[Any] = list(schema.classes(label))
        known, values = known_values(Y, j, label, classes)
        if not known.any():
            continue
        truth = np.array([classes.index(v) for v in values])
        # units of the labelled texts only, renumbered
        keep = known[owner]
        remap = np.cumsum(known) - 1
        p, own, m = proba[label][keep], remap[owner[keep]], int(known.sum())

        def decided(t: dict[str, float]) -> np.ndarray:
            return pool(label, p, own, m, t)[1]

        if label == "polarity":
            thresholds[label] = {"neutral_bias": choose_neutral_bias(
                truth, lambda b: decided({"neutral_bias": b}), neutral_cap=neutral_cap)}
            continue
        t = {"minus": 0.5, "plus": 0.5}
        for _ in range(2):
            for name, k in (("plus", 2), ("minus", 0)):
                if not np.any(truth == k):
                    t[name] = 0.5
                    continue
                t[name] = float(max(_SIGNAL_GRID, key=lambda th: (
                    _f1(truth == k, decided({**t, name: float(th)}) == k),
                    -abs(th - 0.5))))
        thresholds[label] = {"minus": t["minus"], "plus": t["plus"]}
    return thresholds
