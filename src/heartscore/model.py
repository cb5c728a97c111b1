"""The Model facade: ``score(text)`` / ``score_many(texts)`` / ``evaluate(texts, labels)``.

``model.estimator`` is the true scikit-learn estimator (:class:`HeartscoreClassifier`),
whose ``score(X, y)`` keeps scikit-learn's meaning; the facade's ``score`` returns a Result.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .card import ModelCard
from .errors import InputError
from .inputs import check_texts
from .labels import LabelSchema
from .results import Result, build_results, result_columns
from .scorer import ScoringMixin

if TYPE_CHECKING:
    from .classifier import HeartscoreClassifier

__all__ = ["Model"]

#: Texts longer than this are scored on their first MAX_CHARS characters.
MAX_CHARS = 100_000


class Model:
    """A fitted estimator plus its card (the record of how it was made).

    ``Model(estimator, card)``. A model loaded from a safe file scores with the file's
    arrays alone (:class:`heartscore.scorer.Scorer`, numpy heads) and builds the
    scikit-learn estimator, importing scikit-learn, only when ``model.estimator`` is first
    asked for; results are the same either way."""

    def __init__(self, estimator: HeartscoreClassifier | None = None,
                 card: ModelCard | Mapping | None = None, *,
                 scorer: ScoringMixin | None = None,
                 load_estimator: Callable[[], HeartscoreClassifier] | None = None) -> None:
        if estimator is None and (scorer is None or load_estimator is None):
            raise InputError("Model needs an estimator, or a scorer and a way to load the "
                             "estimator")
        self._estimator = estimator
        self._scorer = scorer
        self._load_estimator = load_estimator
        # Models were built with a plain dict card before ModelCard: still accept one.
        self.card = ModelCard.from_dict(card) if isinstance(card, Mapping) else (
            card if card is not None else ModelCard())

    @property
    def estimator(self) -> HeartscoreClassifier:
        """The scikit-learn estimator (:class:`~heartscore.classifier.HeartscoreClassifier`),
        built from the model file on first use when the model was loaded for scoring."""
        if self._estimator is None:
            self._estimator = self._load_estimator()
        return self._estimator

    @estimator.setter
    def estimator(self, value: HeartscoreClassifier) -> None:
        self._estimator = value

    @property
    def scorer(self) -> ScoringMixin:
        """What scores texts: the estimator once it exists (a refit is then scored as
        refitted), else the loaded file's scoring state."""
        return self._estimator if self._estimator is not None else self._scorer

    def __repr__(self) -> str:
        return f"Model(id={self.id!r})"

    @property
    def schema(self) -> LabelSchema:
        """The label schema this model predicts."""
        return self.card.label_schema

    @property
    def id(self) -> str:
        """A short id naming the model that made a result: ``name@sha256-prefix``."""
        return self.card.model_id

    # ------------------------------------------------------------------ scoring
    def score(self, text: str) -> Result:
        """Score one text (a convenience around :meth:`score_many`)."""
        if not isinstance(text, str):
            raise InputError(f"expected a text string, found {type(text).__name__}; use "
                             "score_many for a batch")
        return self.score_many([text])[0]

    def score_many(self, texts: Sequence[str], *, batch_size: int = 512,
                   n_process: int = 1) -> list[Result]:
        """Score a batch of texts; one Result per text, same order.

        ``n_process > 1`` splits the texts into chunks scored in worker processes that load
        the model once each (spaCy's own ``n_process`` is slower: it ships Docs back).
        """
        texts = [t[:MAX_CHARS] for t in check_texts(texts)]
        _check_batch_size(batch_size)
        if n_process < 1:
            raise InputError(f"n_process must be >= 1, got {n_process}")
        if n_process == 1 or len(texts) < 2 * batch_size:
            return [r for chunk in _chunks(texts, batch_size) for r in self._score_chunk(chunk)]
        from .batch import map_ordered  # the one worker pool (imports this module)
        parts = map_ordered(self, _score_results, _chunks(texts, batch_size), n_process)
        return [r for part in parts for r in part]

    def score_columns(self, texts: Sequence[str], *, evidence: bool = False,
                      batch_size: int = 1024) -> dict[str, Any]:
        """Score a batch into output columns (arrays in the schema's column order): the
        table form of :meth:`score_many`, without a Result object per text. Texts go through
        the pipeline ``batch_size`` at a time, so memory does not grow with the batch."""
        texts = [t[:MAX_CHARS] for t in check_texts(texts)]
        _check_batch_size(batch_size)
        names = self.schema.output_columns() + (["evidence"] if evidence else [])
        if not texts:
            return {c: np.zeros(0, dtype=object) for c in names}
        parts = []
        for chunk in _chunks(texts, batch_size):
            pred = self.scorer.predict_detailed(chunk, evidence=evidence)
            parts.append(result_columns(chunk, pred.proba, pred.labels,
                                        pred.evidence if evidence else None, self.schema))
        return {c: np.concatenate([p[c] for p in parts]) for c in names}

    def _score_chunk(self, texts: list[str]) -> list[Result]:
        if not texts:
            return []
        pred = self.scorer.predict_detailed(texts, evidence=True)
        return build_results(texts, pred.proba, pred.labels, pred.evidence, self.schema, self.id)

    # ------------------------------------------------------------------ evaluation
    def evaluate(self, texts: Sequence[str], labels: Any, *, n_boot: int = 1000) -> dict[str, Any]:
        """Per-label P/R/F1, confusion, Brier and reliability, plus polarity macro-F1 and the
        signal-class macro-F1 with bootstrap 95% intervals. ``labels`` is (n, labels) in the
        schema's order (polarity, then signals)."""
        from .evaluation import (bootstrap_ci, brier_score, label_report, polarity_macro_f1,
                                 reliability_table, signal_macro_f1)
        texts = check_texts(texts)
        schema = self.schema
        Y = np.asarray(labels, dtype=object)
        if Y.shape != (len(texts), len(schema.labels)):
            raise InputError(f"expected labels of shape ({len(texts)}, {len(schema.labels)}) "
                             f"({', '.join(schema.labels)}); found {Y.shape}")
        pred = self.scorer.predict_detailed(texts, evidence=False)
        report: dict[str, Any] = {"n": len(texts), "labels": {}}
        for j, label in enumerate(schema.labels):
            classes = list(schema.classes(label))
            truth = [_as_class(v, label) for v in Y[:, j]]
            bad = [i for i, v in enumerate(truth) if v not in classes]
            if bad:  # named here, not a ValueError from classes.index below
                raise InputError(f"{label} labels should be one of "
                                 f"{', '.join(map(str, classes))}; found {Y[bad[0], j]!r} in "
                                 f"row {bad[0] + 1} ({len(bad)} row(s) in all)")
            rep = label_report(truth, list(pred.labels[label]), classes)
            idx = np.array([classes.index(v) for v in truth])
            rep["brier"] = round(brier_score(idx, pred.proba[label]), 4)
            rep["reliability"] = reliability_table(idx, pred.proba[label])
            report["labels"][label] = rep
        pol_t = np.array([_as_class(v, "polarity") for v in Y[:, 0]], dtype=object)
        pol_p = np.asarray(pred.labels["polarity"], dtype=object)
        report["polarity_macro_f1"] = _ci(bootstrap_ci(polarity_macro_f1, pol_t, pol_p,
                                                       n_boot=n_boot))
        sig_t = np.array([[_as_class(v, s) for v in Y[:, j + 1]]
                          for j, s in enumerate(schema.signals)]).T
        sig_p = np.array([pred.labels[s] for s in schema.signals], dtype=int).T
        report["signal_macro_f1"] = _ci(bootstrap_ci(signal_macro_f1, sig_t, sig_p, n_boot=n_boot))
        return report


def _ci(t: tuple[float, float, float]) -> dict[str, float]:
    return {"value": round(t[0], 4), "ci_low": round(t[1], 4), "ci_high": round(t[2], 4)}


def _as_class(v: Any, label: str) -> Any:
    """A gold label as its class value (polarity case and spaces ignored; a signal "+1",
    "1.0" or 1 as 1), or None when it is none (missing, not a number, not whole)."""
    if label == "polarity":
        return None if v is None else str(v).strip().lower()
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return int(f) if math.isfinite(f) and f == int(f) else None


def _check_batch_size(batch_size: Any) -> None:
    # a size below 1 would give no chunks (every row lost) or range()'s own ValueError
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
            or batch_size < 1:
        raise InputError(f"batch_size must be a whole number >= 1, got {batch_size!r}")


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _score_results(model: Model, texts: list[str]) -> list[Result]:
    """One chunk's Results (run in a worker by :meth:`Model.score_many`)."""
    return model._score_chunk(texts)
