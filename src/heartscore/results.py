"""Result objects and the heart-score formula.

:func:`build_results` turns a batch's probabilities, decided labels and evidence spans into
:class:`Result` objects. It receives arrays and never calls the classifier.

Heart score (in [-1, 1]): a weighted sum of expected values, not a mean of hard labels::

    heart = 0.40 * (p(good) - p(bad)) + sum over the four core signals of 0.15 * (p(+1) - p(-1))

Polarity carries 40% because it is the overall experience; each core signal carries 15%.
Extra signals of a retrained schema do not enter the heart score.

Experience (:func:`experience`), the customer's emotional state: for good polarity
``emotionally satisfied`` (a core need met, none violated), ``rationally satisfied`` (no core
need met, none violated) or ``mixed`` (a core need violated); bad polarity is
``dissatisfied``, neutral polarity ``neutral``. Like the heart score it reads the four core
signals only.

Evidence shown to a reader (:func:`keep_evidence`): a span whose weight is under
:data:`MIN_EVIDENCE_WEIGHT`, or made only of numbers, stop words and topic words (the
shipped list ``data/topic_words.txt``: staff, room, flight, ...), is dropped; it explains
nothing on its own. ``Result.evidence`` has every label of the schema as a key, with an
empty tuple when there is no evidence for it.
"""
from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

from .labels import CORE_SIGNALS, EXPERIENCE_COLUMN, EXPERIENCE_STATES, LabelSchema
from .resources import package_file

__all__ = ["Evidence", "Result", "build_results", "result_columns", "heart_score", "experience",
           "confidence", "HEART_WEIGHTS", "LOW_CONFIDENCE", "MIN_EVIDENCE_WEIGHT",
           "KEPT_STOP_WORDS", "keep_evidence", "topic_words"]

#: Weights of the heart score: polarity's p(good)-p(bad), then each core signal's p(+1)-p(-1).
HEART_WEIGHTS: dict[str, float] = {"polarity": 0.40, **{s: 0.15 for s in CORE_SIGNALS}}
#: A result whose confidence is below this is flagged ``low_confidence``.
LOW_CONFIDENCE = 0.55
#: Evidence spans whose weight (their share of the push towards the decided class) is under
#: this are dropped (19% of the spans 0.1.0 showed were).
MIN_EVIDENCE_WEIGHT = 0.15
#: Words of spaCy's English stop list that carry meaning alone as evidence (negations,
#: "well", "again", "enough"), so they are not counted as stop words by :func:`keep_evidence`.
KEPT_STOP_WORDS = frozenset({"no", "not", "never", "nobody", "nothing", "none", "neither",
                             "nor", "cannot", "n't", "without", "nowhere", "well", "again",
                             "enough"})
_WORD = re.compile(r"\w+")


@functools.lru_cache(maxsize=1)
def topic_words() -> frozenset[str]:
    """The shipped topic-word list (``data/topic_words.txt``)."""
    text = package_file("data", "topic_words.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not
                     w.startswith("#"))


@functools.lru_cache(maxsize=100_000)
def _explains(span: str) -> bool:
    words = _WORD.findall(span.lower())
    if not words:
        return True  # emoji, "!!!", ":(": kept
    topic = topic_words()
    return not all(w.isdigit() or w in topic or (w in STOP_WORDS and w not in KEPT_STOP_WORDS)
                   for w in words)


def keep_evidence(span: str, weight: float) -> bool:
    """Whether an evidence span is shown: weight at least :data:`MIN_EVIDENCE_WEIGHT` and not
    made only of numbers, stop words (less :data:`KEPT_STOP_WORDS`) and :func:`topic_words`."""
    return weight >= MIN_EVIDENCE_WEIGHT and _explains(span)


@dataclass(frozen=True)
class Evidence:
    """A span of the original text that pushed a label towards its value."""

    text: str
    start: int
    end: int
    weight: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {"text": self.text, "start": self.start, "end": self.end, "weight": self.weight}


@dataclass(frozen=True)
class Result:
    """The heartscore reading of one text.

    Attributes
    ----------
    polarity: ``good``, ``bad`` or ``neutral``.
    signals: signal name → -1, 0 or +1.
    proba: label → {class: probability}; each label's probabilities sum to 1.
    evidence: label → tuple of spans that drove a non-neutral polarity or a non-zero
        signal; every label of the schema is a key (an empty tuple when there is none).
    heart_score: see the module docstring; in [-1, 1].
    confidence: mean over labels of the decided class's probability, in [0, 1].
    low_confidence: ``confidence < LOW_CONFIDENCE``.
    model: id of the model that produced it.
    experience: the emotional state (see :func:`experience`), derived from the labels.
    """

    polarity: str
    signals: Mapping[str, int]
    proba: Mapping[str, Mapping[Any, float]]
    evidence: Mapping[str, tuple[Evidence, ...]]
    heart_score: float
    confidence: float
    low_confidence: bool
    model: str
    schema: LabelSchema = field(repr=False, compare=False, default_factory=LabelSchema)

    def __post_init__(self) -> None:
        # r.evidence["trust"] is a tuple for every label of the schema (empty when none)
        ev = {label: tuple(self.evidence.get(label, ())) for label in self.schema.labels}
        ev.update({k: tuple(v) for k, v in self.evidence.items() if k not in ev})
        object.__setattr__(self, "evidence", ev)

    @property
    def experience(self) -> str:
        """The customer's emotional state (see :func:`experience`)."""
        return str(experience([self.polarity], {s: [v] for s, v in self.signals.items()})[0])

    def to_dict(self, *, evidence: bool = False) -> dict[str, Any]:
        """Flat dict in the schema's output column order (the CLI's columns).

        ``evidence=True`` adds an ``evidence`` JSON string of labelled spans with offsets.
        """
        d: dict[str, Any] = {"polarity": self.polarity}
        d.update({s: int(self.signals[s]) for s in self.schema.signals})
        d[EXPERIENCE_COLUMN] = self.experience
        d["heart_score"] = round(self.heart_score, 4)
        d["confidence"] = round(self.confidence, 4)
        d["low_confidence"] = bool(self.low_confidence)
        for label in self.schema.labels:
            for c in self.schema.classes(label):
                d[f"p_{label}_{c}"] = round(float(self.proba[label][c]), 4)
        if evidence:
            d["evidence"] = self.evidence_json()
        return d

    def evidence_json(self) -> str:
        """Evidence as a JSON list of {label, text, start, end, weight}."""
        return json.dumps([{"label": label, **e.to_dict()} for label, spans in self.evidence.items()
                           for e in spans], ensure_ascii=False)


def heart_score(proba: Mapping[str, np.ndarray], schema: LabelSchema) -> np.ndarray:
    """Vectorised heart score from per-label probability arrays (class order of ``schema``)."""
    pol = proba["polarity"]
    classes = list(schema.classes("polarity"))
    h = HEART_WEIGHTS["polarity"] * (pol[:, classes.index("good")] - pol[:, classes.index("bad")])
    sig_classes = list(schema.signal_values)
    plus, minus = sig_classes.index(1), sig_classes.index(-1)
    for s in CORE_SIGNALS:
        if s in proba:
            h = h + HEART_WEIGHTS[s] * (proba[s][:, plus] - proba[s][:, minus])
    return np.clip(h, -1.0, 1.0)


def experience(polarity: Sequence[Any], signals: Mapping[str, Sequence[Any]]) -> np.ndarray:
    """The customer's emotional state per row, from polarity labels and signal values.

    Reads the core signals present in ``signals`` (others are ignored). For good polarity:
    ``emotionally satisfied`` when at least one core need is met (+1) and none violated (-1),
    ``mixed`` when one is violated, ``rationally satisfied`` otherwise; bad polarity is
    ``dissatisfied`` and neutral ``neutral``. A row without a polarity label, or with a
    missing core signal value, gets ``None``. Returns an object array of strings.
    """
    emotional, rational, mixed, dissatisfied, neutral = EXPERIENCE_STATES
    pol = np.asarray(polarity, dtype=object)
    n = len(pol)
    met, violated, missing = np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, bool)
    for s in CORE_SIGNALS:
        if s in signals:
            v = _as_float(signals[s])
            missing |= np.isnan(v)
            met |= v == 1
            violated |= v == -1
    out = np.full(n, None, dtype=object)
    out[pol == "bad"] = dissatisfied
    out[pol == "neutral"] = neutral
    good = pol == "good"
    out[good & violated] = mixed
    out[good & ~violated & met] = emotional
    out[good & ~violated & ~met] = rational
    out[good & missing] = None
    return out


def _as_float(values: Sequence[Any]) -> np.ndarray:
    """Values as floats, NaN for missing (None, pd.NA, empty) or unreadable ones."""
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        pass
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values.tolist() if hasattr(values, "tolist") else values):
        try:
            out[i] = float(v)
        except (TypeError, ValueError):
            pass
    return out


def confidence(proba: Mapping[str, np.ndarray], labels: Mapping[str, np.ndarray],
               schema: LabelSchema) -> np.ndarray:
    """Per text: the mean over labels of the decided class's probability."""
    n = len(labels["polarity"])
    conf = np.zeros(n)
    for label in schema.labels:
        classes = list(schema.classes(label))
        lookup = {c: k for k, c in enumerate(classes)}
        idx = np.fromiter((lookup[v] for v in labels[label]), dtype=np.int64, count=n)
        conf += proba[label][np.arange(n), idx]
    return conf / len(schema.labels)


def _keep_evidence(label: str, value: Any) -> bool:
    return value not in ("neutral", 0)


def result_columns(texts: Sequence[str], proba: Mapping[str, np.ndarray],
                   labels: Mapping[str, np.ndarray],
                   evidence: Mapping[str, list[list[tuple[int, int, float]]]] | None,
                   schema: LabelSchema) -> dict[str, Any]:
    """The output columns of a batch as arrays (no per-row objects): the same values as
    ``Result.to_dict`` for each row, in the schema's column order (+ ``evidence`` JSON when
    ``evidence`` is given)."""
    cols: dict[str, Any] = {"polarity": np.asarray(labels["polarity"], dtype=object)}
    for s in schema.signals:
        cols[s] = np.asarray(labels[s], dtype=np.int64)
    cols[EXPERIENCE_COLUMN] = experience(cols["polarity"],
                                         {s: cols[s] for s in schema.signals})
    cols["heart_score"] = np.round(heart_score(proba, schema), 4)
    conf = confidence(proba, labels, schema)
    cols["confidence"] = np.round(conf, 4)
    cols["low_confidence"] = conf < LOW_CONFIDENCE
    for label in schema.labels:
        for k, c in enumerate(schema.classes(label)):
            cols[f"p_{label}_{c}"] = np.round(proba[label][:, k], 4)
    if evidence is not None:
        cols["evidence"] = _evidence_json(texts, cols, evidence, schema)
    return cols


_JSON_ESCAPE = re.compile(r'[\x00-\x1f"\\]')


def _json_str(text: str) -> str:
    """``json.dumps(text, ensure_ascii=False)``, without its call overhead for the usual
    span that needs no escaping."""
    if _JSON_ESCAPE.search(text) is None:
        return '"' + text + '"'
    return json.dumps(text, ensure_ascii=False)


def _evidence_json(texts: Sequence[str], cols: dict[str, Any],
                   evidence: Mapping[str, list[list[tuple[int, int, float]]]],
                   schema: LabelSchema) -> np.ndarray:
    """Per row, a JSON list of {label, text, start, end, weight} (what ``json.dumps`` of
    those dicts writes, built directly: this runs once per scored row)."""
    labels = [label for label in schema.labels if label in evidence]
    shown = {label: np.flatnonzero([_keep_evidence(label, v) for v in cols[label].tolist()])
             for label in labels}
    parts: list[list[str]] = [[] for _ in texts]
    for label in labels:
        head = '{"label": ' + _json_str(label) + ', "text": '
        spans_of = evidence[label]
        for i in shown[label].tolist():
            text = texts[i]
            for s, e, w in spans_of[i]:
                if not keep_evidence(text[s:e], w):
                    continue
                parts[i].append(f'{head}{_json_str(text[s:e])}, "start": {s}, '
                                f'"end": {e}, "weight": {float(w)!r}}}')
    return np.asarray(["[" + ", ".join(p) + "]" for p in parts], dtype=object)


def build_results(texts: Sequence[str], proba: Mapping[str, np.ndarray],
                  labels: Mapping[str, np.ndarray],
                  evidence: Mapping[str, list[list[tuple[int, int, float]]]],
                  schema: LabelSchema, model_id: str) -> list[Result]:
    """Results for a batch: one per text, in order. Evidence is kept only for labels whose
    decided value is not neutral/0 (what a reader needs explained), and only spans that
    pass :func:`keep_evidence`."""
    hearts = heart_score(proba, schema)
    conf = confidence(proba, labels, schema)
    out = []
    for i, text in enumerate(texts):
        pol = str(labels["polarity"][i])
        sig = {s: int(labels[s][i]) for s in schema.signals}
        pr = {label: {c: float(proba[label][i, k]) for k, c in enumerate(schema.classes(label))}
              for label in schema.labels}
        ev = {}
        for label in schema.labels:
            value = pol if label == "polarity" else sig[label]
            if not _keep_evidence(label, value) or label not in evidence:
                continue
            ev[label] = tuple(Evidence(text[s:e], s, e, w) for s, e, w in evidence[label][i]
                              if keep_evidence(text[s:e], w))
        c = float(conf[i])
        out.append(Result(pol, sig, pr, ev, float(hearts[i]), c, c < LOW_CONFIDENCE, model_id,
                          schema))
    return out
