"""Pure metric functions on arrays: per-label P/R/F1, macro-F1, signal-class macro-F1,
bootstrap confidence intervals, confusion matrices, calibration (Brier, reliability), the
uncertainty ranking used by ``suggest``, and the five-label macro-F1 with its scikit-learn
scorer (:data:`macro_f1_scorer`). Nothing here knows about texts or models."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from .labels import POLARITY, SIGNAL_VALUES
from .inputs import known_values

__all__ = ["five_label_macro_f1", "macro_f1_scorer", "label_report", "polarity_macro_f1",
           "signal_macro_f1", "bootstrap_ci",
           "binary_f1_table", "macro_f1_interval", "macro_f1_difference_interval",
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


def five_label_macro_f1(y_true: Any, y_pred: Any) -> float:
    """Macro-F1 of each label over its classes, averaged over the labels: polarity (bad,
    neutral, good) and each signal (-1, 0, +1), five labels for the default schema.

    ``y_true`` and ``y_pred`` are (n, labels) arrays as ``HeartscoreClassifier`` fits on
    and predicts (polarity first). Rows not labelled for a label (None, NaN, empty) are left
    out of that label; a class absent from both truth and prediction counts 0 (as
    scikit-learn's ``f1_score(labels=classes, zero_division=0)``)."""
    Y, P = np.asarray(y_true, dtype=object), np.asarray(y_pred, dtype=object)
    if Y.ndim != 2 or Y.shape != P.shape:
        raise ValueError(f"expected y_true and y_pred of the same (n, labels) shape, found "
                         f"{Y.shape} and {P.shape}")
    scores = []
    for j in range(Y.shape[1]):
        label, classes = ("polarity", list(POLARITY)) if j == 0 else ("signal", list(SIGNAL_VALUES))
        known, truth = known_values(Y, j, label)
        if known.any():
            pred = np.array([p.lower() if j == 0 else int(p) for p in P[known, j]], dtype=object)
            scores.append(f1_score(list(truth), list(pred), labels=classes, average="macro",
                                   zero_division=0))
    return float(np.mean(scores)) if scores else float("nan")


def macro_f1_scorer(estimator: Any, X: Any, y: Any) -> float:
    """:func:`five_label_macro_f1` of ``estimator.predict(X)`` against ``y``: a
    scikit-learn scorer, ``cross_validate(est, X, y, scoring=heartscore.macro_f1_scorer)``
    or ``GridSearchCV(est, grid, scoring=heartscore.macro_f1_scorer)``. (A plain
    callable: ``make_scorer`` would ask ``type_of_target`` about ``classes_``, which mixes
    polarity strings and signal ints.)"""
    return five_label_macro_f1(y, estimator.predict(X))


def _f1_from_counts(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> np.ndarray:
    """F1 = 2TP / (2TP + FP + FN), 0 where a class is absent from truth and prediction
    (scikit-learn's ``zero_division=0``)."""
    den = 2 * tp + fp + fn
    return np.divide(2 * tp, den, out=np.zeros(np.shape(den), dtype=float), where=den > 0)


def _macro_f1_weighted(hits_true: np.ndarray, hits_pred: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Macro-F1 of binary classes for each row of a weight matrix.

    ``hits_true``/``hits_pred`` are (n, k) booleans (row i is in class j); ``w`` is (b, n): how
    often each row is counted in each of b resamples. Returns b macro-F1 values."""
    t, p = hits_true.astype(float), hits_pred.astype(float)
    tp, fp, fn = w @ (t * p), w @ ((1 - t) * p), w @ (t * (1 - p))
    return _f1_from_counts(tp, fp, fn).mean(axis=1)


def _polarity_hits(y_true, y_pred, classes=("bad", "neutral", "good")) -> tuple[np.ndarray, np.ndarray]:
    yt = np.asarray(list(y_true), dtype=object)[:, None]
    yp = np.asarray(list(y_pred), dtype=object)[:, None]
    cl = np.asarray(list(classes), dtype=object)[None, :]
    return yt == cl, yp == cl


def _signal_hits(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    """(n, 2 * n_signals) booleans in the order trust+, trust-, safety+, …"""
    yt, yp = np.asarray(y_true), np.asarray(y_pred)
    if yt.ndim == 1:
        yt, yp = yt[:, None], yp[:, None]
    signs = np.array([1, -1])
    t = (yt[:, :, None] == signs).reshape(len(yt), -1)
    p = (yp[:, :, None] == signs).reshape(len(yp), -1)
    return t, p


def polarity_macro_f1(y_true: Sequence, y_pred: Sequence,
                      classes: Sequence = ("bad", "neutral", "good")) -> float:
    """Macro-F1 over the polarity classes (a class absent from truth and prediction counts 0,
    as scikit-learn's ``f1_score(labels=classes, zero_division=0)``)."""
    t, p = _polarity_hits(y_true, y_pred, classes)
    return float(_macro_f1_weighted(t, p, np.ones((1, len(t))))[0])


def signal_macro_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Macro-F1 over the signal labels (trust+, trust-, …): each (signal, sign) is a binary
    class; columns of the (n, n_signals) arrays are signals with values -1/0/+1."""
    t, p = _signal_hits(y_true, y_pred)
    return float(_macro_f1_weighted(t, p, np.ones((1, len(t))))[0])


def _counts(idx: np.ndarray) -> np.ndarray:
    """(b, n) row indices of b resamples -> (b, n) how often each row was drawn."""
    b, n = idx.shape
    flat = (idx + (np.arange(b) * n)[:, None]).ravel()
    return np.bincount(flat, minlength=b * n).reshape(b, n).astype(float)


def binary_f1_table(hits_true: np.ndarray, hits_pred: np.ndarray) -> dict[str, np.ndarray]:
    """Per binary class (columns of the (n, k) boolean arrays): precision, recall, F1 and
    gold support."""
    t, p = np.asarray(hits_true, bool), np.asarray(hits_pred, bool)
    tp = (t & p).sum(0).astype(float)
    fp, fn = (~t & p).sum(0), (t & ~p).sum(0)
    prec = np.divide(tp, tp + fp, out=np.zeros_like(tp), where=(tp + fp) > 0)
    rec = np.divide(tp, tp + fn, out=np.zeros_like(tp), where=(tp + fn) > 0)
    return {"precision": prec, "recall": rec, "f1": _f1_from_counts(tp, fp, fn),
            "support": t.sum(0)}


def macro_f1_interval(hits_true: np.ndarray, hits_pred: np.ndarray, *, n_boot: int = 1000,
                      seed: int = 0, alpha: float = 0.05) -> tuple[float, float, float]:
    """(point, low, high): macro-F1 over the binary classes (columns) of the (n, k) boolean
    arrays, with a percentile bootstrap interval over rows (all resamples at once)."""
    t, p = np.asarray(hits_true, bool), np.asarray(hits_pred, bool)
    n = len(t)
    point = float(_macro_f1_weighted(t, p, np.ones((1, n)))[0])
    rng = np.random.default_rng(seed)
    w = _counts(rng.integers(0, n, (n_boot, n)))
    lo, hi = np.quantile(_macro_f1_weighted(t, p, w), [alpha / 2, 1 - alpha / 2])
    return point, float(lo), float(hi)


# metrics whose bootstrap is computed for all resamples at once: metric -> row hits
_VECTORISED = {polarity_macro_f1: _polarity_hits, signal_macro_f1: _signal_hits}


def macro_f1_difference_interval(hits_true: np.ndarray, hits_a: np.ndarray,
                                 hits_b: np.ndarray, *, n_boot: int = 1000, seed: int = 0,
                                 alpha: float = 0.05) -> tuple[float, float, float]:
    """(point, low, high) of macro-F1(b) − macro-F1(a) on the same rows: a paired percentile
    bootstrap (both systems scored on each resample)."""
    t = np.asarray(hits_true, bool)
    a, b = np.asarray(hits_a, bool), np.asarray(hits_b, bool)
    n = len(t)
    ones = np.ones((1, n))
    point = float(_macro_f1_weighted(t, b, ones)[0] - _macro_f1_weighted(t, a, ones)[0])
    w = _counts(np.random.default_rng(seed).integers(0, n, (n_boot, n)))
    diff = _macro_f1_weighted(t, b, w) - _macro_f1_weighted(t, a, w)
    lo, hi = np.quantile(diff, [alpha / 2, 1 - alpha / 2])
    return point, float(lo), float(hi)


def bootstrap_ci(metric, *arrays: np.ndarray, n_boot: int = 1000, seed: int = 0,
                 alpha: float = 0.05) -> tuple[float, float, float]:
    """(point, low, high): the metric and its percentile bootstrap interval over rows.

    The two macro-F1 metrics above are computed for all resamples at once from per-resample
    row counts (the same resamples, so the same interval as calling the metric per sample);
    any other metric is called once per resample."""
    arrays = [np.asarray(a, dtype=object) if np.asarray(a).dtype.kind in "OUS" else np.asarray(a)
              for a in arrays]
    n = len(arrays[0])
    rng = np.random.default_rng(seed)
    point = metric(*arrays)
    if metric in _VECTORISED and n:
        t, p = _VECTORISED[metric](*arrays)
        stats = np.empty(n_boot)
        step = max(1, 2_000_000 // max(n, 1))  # bound the (resamples, rows) count matrix
        for start in range(0, n_boot, step):
            b = min(step, n_boot - start)
            # one draw per resample, in the order the per-sample loop below makes them
            w = _counts(np.stack([rng.integers(0, n, n) for _ in range(b)]))
            stats[start:start + b] = _macro_f1_weighted(t, p, w)
    else:
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
