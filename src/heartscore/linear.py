"""Logistic-regression heads applied with numpy: scoring without importing scikit-learn.

A fitted :class:`sklearn.linear_model.LogisticRegression` predicts from three arrays,
``coef_``, ``intercept_`` and ``classes_``. :func:`predict_proba` computes exactly what its
``predict_proba`` computes from them (the same matrix product, then scikit-learn's softmax
for three or more classes, or the logistic function for two), so a model loaded for scoring
(:class:`LinearHead`, rebuilt from the safe model file's arrays) gives the same
probabilities without paying the second it takes to import scikit-learn.
``tests/test_linear.py`` checks the equality on real texts.
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["LinearHead", "predict_proba", "decision_function"]


class LinearHead:
    """The scoring half of a fitted logistic-regression head: ``coef_`` (n_classes or 1,
    n_features), ``intercept_`` and ``classes_``. Saved models name it
    ``LogisticRegression``; loading one for scoring keeps only these three arrays."""

    coef_: np.ndarray
    intercept_: np.ndarray
    classes_: np.ndarray

    @classmethod
    def from_estimator(cls, head: Any) -> "LinearHead":
        """The arrays of a fitted ``LogisticRegression`` (or any head with the three)."""
        obj = cls.__new__(cls)
        obj.__setstate__({k: getattr(head, k) for k in ("coef_", "intercept_", "classes_")})
        return obj

    def __setstate__(self, state: dict) -> None:
        self.coef_ = np.asarray(state["coef_"])
        self.intercept_ = np.asarray(state["intercept_"])
        self.classes_ = np.asarray(state["classes_"])

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, in the order of ``classes_`` (see :func:`predict_proba`)."""
        return predict_proba(self, X)


def decision_function(head: Any, X: Any) -> np.ndarray:
    """``X @ coef_.T + intercept_`` (``X`` a scipy sparse matrix or a 2-d array)."""
    scores = X @ head.coef_.T + head.intercept_
    return np.asarray(scores)


def predict_proba(head: Any, X: Any) -> np.ndarray:
    """``LogisticRegression.predict_proba`` from a head's arrays: the softmax of the
    decision values for three or more classes, ``[1 - p, p]`` with ``p`` the logistic
    function of the one decision value for two. Same operations, in the same order, as
    scikit-learn's, so the results are equal to the last bit for the multinomial case."""
    scores = decision_function(head, X)
    if np.size(head.classes_) <= 2:
        p = 1.0 / (1.0 + np.exp(-scores.reshape(-1)))
        return np.stack([1 - p, p], axis=1)
    scores = scores.astype(np.float64, copy=False)
    scores -= scores.max(axis=1).reshape(-1, 1)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=1).reshape(-1, 1)
    return scores
