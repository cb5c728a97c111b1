"""Decision thresholds: chosen on a dev split, applied to a head's probabilities.

Polarity gets a neutral bias added to the neutral class's probability before the arg-max
(chosen for macro-F1); each signal (classes -1, 0, +1) gets a +1 and a -1 probability
threshold (each chosen for the F1 of its class). Without thresholds a decision is the
arg-max class.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .inputs import known_values
from .labels import LabelSchema

__all__ = ["decide", "choose_thresholds", "choose_neutral_bias", "choose_label_thresholds"]

#: Candidate thresholds searched on the dev split.
_SIGNAL_GRID = np.round(np.arange(0.15, 0.80, 0.025), 3)
# The neutral band may only shrink: a pilot on real feedback found 3-class models say
# "neutral" too often on short real sentences, so dev may not widen it.
_NEUTRAL_GRID = np.round(np.arange(-0.30, 0.001, 0.02), 3)
# With a cap on "neutral" for good/bad texts the band may shrink further.
_CAPPED_GRID = np.round(np.arange(-0.60, 0.001, 0.02), 3)


def decide(label: str, p: np.ndarray, t: dict[str, float] | None) -> np.ndarray:
    """Class indices from probabilities ``p`` (n, n_classes) and this label's thresholds."""
    if not t:
        return p.argmax(axis=1)
    if label == "polarity":
        adj = p.copy()
        adj[:, 1] += t["neutral_bias"]
        return adj.argmax(axis=1)
    # signals: classes (-1, 0, +1); a sign wins when its probability clears its threshold
    out = np.ones(len(p), dtype=np.int64)
    plus = (p[:, 2] >= t["plus"]) & (p[:, 2] >= p[:, 0])
    minus = (p[:, 0] >= t["minus"]) & (p[:, 0] > p[:, 2])
    out[plus] = 2
    out[minus] = 0
    return out


def choose_thresholds(label: str, truth: np.ndarray, p: np.ndarray, *,
                      neutral_cap: float | None = None) -> dict[str, float]:
    """This label's thresholds from dev probabilities ``p`` and true class indices ``truth``:
    the neutral bias for polarity (macro-F1), the +1 and -1 thresholds for a signal (F1 of
    that class; 0.5 for a class dev has no example of). Ties go to the smaller change.

    ``neutral_cap``: the neutral band may call at most this share of the gold good/bad dev
    rows neutral; the best macro-F1 band within the cap wins (the narrowest band when none
    meets it)."""
    if label == "polarity":
        return {"neutral_bias": choose_neutral_bias(truth, lambda b: _bias(p, b),
                                                    neutral_cap=neutral_cap)}
    t = {}
    for name, k in (("minus", 0), ("plus", 2)):
        if not np.any(truth == k):
            t[name] = 0.5
            continue
        t[name] = float(max(_SIGNAL_GRID, key=lambda th: (
            _f1(truth == k, p[:, k] >= th), -abs(th - 0.5))))
    return t


def choose_neutral_bias(truth: np.ndarray, decided: Callable[[float], np.ndarray], *,
                        neutral_cap: float | None = None) -> float:
    """Polarity's neutral bias: the one whose decisions (``decided(bias)``, class indices
    bad/neutral/good) give the best macro-F1 against ``truth``, among the biases that call
    at most ``neutral_cap`` of the gold good/bad rows neutral (the narrowest band when none
    does); ties go to the smaller change. Shared by whole texts (:func:`choose_thresholds`)
    and pooled sentences (:func:`heartscore.pooling.choose_pooled_thresholds`)."""
    grid = list(_NEUTRAL_GRID if neutral_cap is None else _CAPPED_GRID)
    pred = {b: decided(float(b)) for b in grid}
    if neutral_cap is not None:
        polar = truth != 1  # class order: bad, neutral, good
        rate = {b: float(np.mean(pred[b][polar] == 1)) if polar.any() else 0.0 for b in grid}
        grid = [b for b in grid if rate[b] <= neutral_cap] or [min(grid, key=rate.get)]
    return float(max(grid, key=lambda b: (_macro_f1(truth, pred[b]), -abs(b))))


def choose_label_thresholds(schema: LabelSchema, Y: np.ndarray, proba: dict[str, np.ndarray],
                            *, neutral_cap: float | None = None
                            ) -> dict[str, dict[str, float]]:
    """Every label's thresholds (:func:`choose_thresholds`) from validation labels ``Y``
    ((n, labels), as ``fit`` takes them) and the heads' probabilities on those rows
    (``proba[label]``, (n, n_classes)). A label with no labelled row keeps the arg-max."""
    thresholds: dict[str, dict[str, float]] = {}
    for j, label in enumerate(schema.labels):
        classes: list[Any] = list(schema.classes(label))
        known, values = known_values(Y, j, label, classes)
        if known.any():
            truth = np.array([classes.index(v) for v in values])
            thresholds[label] = choose_thresholds(label, truth, proba[label][known],
                                                 neutral_cap=neutral_cap)
    return thresholds


def _f1(truth: np.ndarray, pred: np.ndarray) -> float:
    """F1 of one class from boolean arrays: scikit-learn's ``f1_score(truth, pred,
    zero_division=0)``, the same float (2TP / (2TP + FP + FN)) at a fraction of the cost."""
    tp = np.count_nonzero(truth & pred)
    den = 2 * tp + np.count_nonzero(~truth & pred) + np.count_nonzero(truth & ~pred)
    return 2.0 * tp / den if den else 0.0


def _macro_f1(truth: np.ndarray, pred: np.ndarray) -> float:
    """``f1_score(truth, pred, average="macro", labels=[0, 1, 2], zero_division=0)``."""
    return float(np.mean([_f1(truth == k, pred == k) for k in (0, 1, 2)]))


def _bias(p: np.ndarray, b: float) -> np.ndarray:
    adj = p.copy()
    adj[:, 1] += b
    return adj.argmax(axis=1)
