"""Pure metric functions on arrays: per-label P/R/F1, macro-F1, signal-class macro-F1,
bootstrap confidence intervals, confusion matrices, calibration (Brier, reliability), and the
uncertainty ranking used by ``suggest``. Nothing here knows about texts or models."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

__all__ = ["label_report", "polarity_macro_f1", "signal_macro_f1", "bootstrap_ci",
           "brier_score", "reliability_table", "uncertainty"]


def label_report(y_true: Sequence, y_pred: Sequence, classes: Sequence) -> dict[str, Any]:
    """Precision, recall, F1 and support per class, macro-F1 and the confusion matrix."""
    y_true, y_pred = list(y_true), list(y_pred)
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=list(classes),
                                                 zero_division=0)
    return {
        "classes": {str(c): {"precision": round(float(p[k]), 4), "recall": round(float(r[k]), 4),
                             "f1": round(float(f[k]), 4), "support": int(s[k])}
                    for k, c in enumerate(classes)},
        "macro_f1": round(float(np.mean(f)), 4),
        "confusion": confusion_matrix(y_true, y_pred, labels=list(classes)).tolist(),
    }


def polarity_macro_f1(y_true: Sequence, y_pred: Sequence,
                      classes: Sequence = ("bad", "neutral", "good")) -> float:
    """Macro-F1 over the polarity classes."""
    return float(f1_score(list(y_true), list(y_pred), labels=list(classes), average="macro",
                          zero_division=0))


def signal_macro_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Macro-F1 over the signal labels (trust+, trust-, …): each (signal, sign) is a binary
    class; columns of the (n, n_signals) arrays are signals with values -1/0/+1."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    scores = []
    for j in range(y_true.shape[1]):
        for sign in (1, -1):
            scores.append(f1_score(y_true[:, j] == sign, y_pred[:, j] == sign, zero_division=0))
    return float(np.mean(scores))


def bootstrap_ci(metric, *arrays: np.ndarray, n_boot: int = 1000, seed: int = 0,
                 alpha: float = 0.05) -> tuple[float, float, float]:
    """(point, low, high): the metric and its percentile bootstrap interval over rows."""
    arrays = [np.asarray(a, dtype=object) if np.asarray(a).dtype.kind in "OUS" else np.asarray(a)
              for a in arrays]
    n = len(arrays[0])
    rng = np.random.default_rng(seed)
    point = metric(*arrays)
    stats = []
    for _ in range(n_boot):
        idx = rng.integers(0, n, n)
        stats.append(metric(*(a[idx] for a in arrays)))
    lo, hi = np.quantile(stats, [alpha / 2, 1 - alpha / 2])
    return float(point), float(lo), float(hi)


def brier_score(y_true_idx: np.ndarray, proba: np.ndarray) -> float:
    """Multi-class Brier score: mean squared distance between probabilities and one-hot truth."""
    onehot = np.zeros_like(proba)
    onehot[np.arange(len(proba)), np.asarray(y_true_idx)] = 1.0
    return float(np.mean(np.sum((proba - onehot) ** 2, axis=1)))


def reliability_table(y_true_idx: np.ndarray, proba: np.ndarray, n_bins: int = 10) -> list[dict]:
    """Confidence bins of the top class: count, mean confidence, accuracy (for calibration)."""
    conf = proba.max(axis=1)
    pred = proba.argmax(axis=1)
    correct = pred == np.asarray(y_true_idx)
    bins = np.linspace(0, 1, n_bins + 1)
    rows = []
    for lo, hi in zip(bins[:-1], bins[1:]):
        m = (conf > lo) & (conf <= hi)
        if m.any():
            rows.append({"bin": f"{lo:.1f}-{hi:.1f}", "count": int(m.sum()),
                         "confidence": round(float(conf[m].mean()), 4),
                         "accuracy": round(float(correct[m].mean()), 4)})
    return rows


def uncertainty(probas: Sequence[np.ndarray]) -> np.ndarray:
    """Per-row uncertainty: the largest normalised entropy over the given label probabilities."""
    out = None
    for p in probas:
        p = np.clip(p, 1e-12, 1.0)
        h = -(p * np.log(p)).sum(axis=1) / np.log(p.shape[1])
        out = h if out is None else np.maximum(out, h)
    return out if out is not None else np.zeros(0)
