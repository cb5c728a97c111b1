"""HeartscoreClassifier: a scikit-learn estimator over raw texts.

texts → :mod:`preprocess` (spaCy, once per batch) → :class:`DocFeaturizer` → one
multinomial logistic-regression head per label (polarity, then each signal).

Logistic regression trained on log-loss gives probabilities that are already close to
calibrated (the card reports Brier scores and reliability); decisions are then made by
thresholds chosen on a dev split (:meth:`HeartscoreClassifier.tune_thresholds`), never on
test. Without tuning, decisions are the arg-max class. The thresholds live in
:mod:`heartscore.thresholds`, the evidence spans in :mod:`heartscore.evidence`.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from spacy.tokens import Doc

from .errors import InputError, SchemaError
from .evidence import evidence_spans, full_coef
from .features import DocFeaturizer, Provenance
from .labels import CORE_SIGNALS, DEFAULT_SCHEMA, LabelSchema
from .nlp.annotator import COMPONENT_NAMES
from .nlp.cues import Cue, CueSource, cues_to_dict, read_cues
from .preprocess import NlpSpec, build_nlp, to_docs
from .thresholds import choose_thresholds, decide
from .vectors import WordVectors

__all__ = ["HeartscoreClassifier", "Prediction", "check_texts"]

#: Strings in the scoring pipeline's vocabulary before it is rebuilt (flat memory on streams).
MAX_VOCAB_STRINGS = 150_000
#: The choices of ``HeartscoreClassifier(vocabulary_from=...)``.
VOCABULARY_FROM = ("signal-labelled", "all")


@dataclass
class Prediction:
    """Everything one batch produces before it becomes Results.

    ``proba[label]`` is (n, n_classes) in the schema's class order; ``labels[label]`` is the
    decided class per text; ``evidence[label][i]`` lists (start, end, weight, source) spans.
    """

    proba: dict[str, np.ndarray]
    labels: dict[str, np.ndarray]
    evidence: dict[str, list[list[tuple[int, int, float]]]]


def check_texts(texts: Any) -> list[str]:
    """Validate a batch of texts: a sequence of strings, not a bare string."""
    if isinstance(texts, (str, bytes)):
        raise InputError("expected a sequence of texts, found a single string; use "
                         "model.score(text) for one text or wrap it in a list")
    try:
        texts = list(texts)
    except TypeError as exc:
        raise InputError(f"expected a sequence of texts, found {type(texts).__name__}") from exc
    for k, t in enumerate(texts):
        if not isinstance(t, str):
            raise InputError(f"expected text strings, found {type(t).__name__} at position {k}; "
                             "convert or drop non-text rows (score_file reports them per row)")
    return texts


class HeartscoreClassifier(BaseEstimator):
    """Predicts polarity (3 classes) and each signal (-1/0/+1) from raw texts.

    Parameters
    ----------
    schema:
        The label schema as a dict (``LabelSchema.to_dict()``); ``None`` is the default
        four-signal schema.
    nlp:
        The spaCy pipeline spec as a dict (``NlpSpec.to_dict()``); ``None`` is blank English.
    C:
        Inverse regularisation strength of every logistic-regression head.
    ngram_range, min_df, max_features, cue_weight, lexicon_weight:
        Passed to :class:`DocFeaturizer`.
    batch_size:
        Texts per ``nlp.pipe`` batch.
    cues:
        Extra cue files (paths, or their parsed content) matched beside the shipped cues;
        their labels become features (``cue:effort-`` …). They are read at ``fit`` and their
        content travels with the fitted model (``cue_data_``), so the files are not needed
        to load it.
    vector_weight:
        Scale of the pooled word-vector features (:class:`heartscore.vectors.WordVectors`);
        0 leaves them out.
    vocabulary_from:
        Which training rows choose the n-gram vocabulary: ``"signal-labelled"`` (rows with
        at least one signal label; all rows when none has one) or ``"all"``. Rows labelled
        for polarity alone (e.g. star ratings used as distant labels) then still train the
        polarity head, but their words do not crowd the signals' n-grams out of the
        vocabulary (measured on real dev rows: ``benchmarks/levers.py``).
    """

    def __init__(self, *, schema: dict | None = None, nlp: dict | None = None, C: float = 0.3,
                 ngram_range: tuple[int, int] = (1, 2), min_df: int = 2,
                 max_features: int | None = 20000, cue_weight: float = 2.0,
                 lexicon_weight: float = 1.0, batch_size: int = 256,
                 cues: Sequence[CueSource] | None = None, vector_weight: float = 0.0,
                 vocabulary_from: str = "signal-labelled") -> None:
        self.schema = schema
        self.nlp = nlp
        self.C = C
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.cue_weight = cue_weight
        self.lexicon_weight = lexicon_weight
        self.batch_size = batch_size
        self.cues = cues
        self.vector_weight = vector_weight
        self.vocabulary_from = vocabulary_from

    # ------------------------------------------------------------------ helpers
    def _schema(self) -> LabelSchema:
        return LabelSchema.from_dict(self.schema) if self.schema else DEFAULT_SCHEMA

    def _nlp(self):
        nlp = getattr(self, "_nlp_obj", None)
        if nlp is None:
            spec = NlpSpec.from_dict(self.nlp) if self.nlp else NlpSpec()
            # features use heartscore's own lemma table and no sentence boundaries, so the
            # estimator's pipeline leaves both out (less memory, nothing to disable)
            nlp = self._nlp_obj = build_nlp(replace(spec, lemmatizer=False, sentencizer=False))
            nlp.get_pipe(COMPONENT_NAMES[0]).add_cues(self.extra_cues())
        return nlp

    def extra_cues(self) -> tuple[Cue, ...]:
        """The cues this model matches beside the shipped ones: from ``cue_data_`` once
        fitted, else read from ``cues``."""
        data = getattr(self, "cue_data_", None)
        if data is not None:
            return read_cues(data)
        return tuple(c for source in (self.cues or ()) for c in read_cues(source))

    def to_docs(self, texts: Sequence[str]) -> list[Doc]:
        """Run this estimator's spaCy pipeline over texts (only the pipes features need)."""
        texts = check_texts(texts)
        # heartscore's component is vectorised per batch: up to a few thousand docs per
        # batch costs no memory (the Docs are all kept anyway) and saves per-batch overhead
        size = max(self.batch_size, min(len(texts), 2048))
        return list(to_docs(texts, self._nlp(), batch_size=size))

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_nlp_obj", None)  # never pickle spaCy; rebuilt from the spec on load
        return state

    def __setstate__(self, state: dict) -> None:
        state.setdefault("cues", None)  # models saved before cue files had none
        state.setdefault("vector_weight", 0.0)  # nor word vectors
        state.setdefault("vocabulary_from", "all")  # and learned the vocabulary from all rows
        super().__setstate__(state)

    def _vocabulary_rows(self, Y: np.ndarray) -> np.ndarray:
        """Indices of the rows whose words choose the n-gram vocabulary."""
        if self.vocabulary_from == "signal-labelled" and Y.shape[1] > 1:
            labelled = np.array([any(_is_known(v) for v in row) for row in Y[:, 1:]])
            if labelled.any():
                return np.flatnonzero(labelled)
        return np.arange(len(Y))

    def _y_matrix(self, y: Any, n: int) -> np.ndarray:
        schema = self._schema()
        y = np.asarray(y, dtype=object)
        if y.ndim != 2 or y.shape != (n, len(schema.labels)):
            raise SchemaError(f"expected y of shape ({n}, {len(schema.labels)}) with columns "
                              f"{', '.join(schema.labels)}; found shape {y.shape}")
        return y

    # ------------------------------------------------------------------ sklearn API
    def fit(self, X: Sequence[str], y: Any,
            sample_weight: Sequence[float] | None = None) -> "HeartscoreClassifier":
        """Fit on texts ``X`` and labels ``y`` (n × labels: polarity, then each signal).

        A label value of ``None`` (or NaN) means "not labelled": that row is left out of that
        label's head only. ``sample_weight`` weighs rows (e.g. a company's own rows against
        the base corpus).
        """
        texts = check_texts(X)
        weights = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        if weights is not None and weights.shape != (len(texts),):
            raise InputError(f"sample_weight must have one weight per text ({len(texts)}), "
                             f"found shape {weights.shape}")
        schema = self._schema()
        Y = self._y_matrix(y, len(texts))
        if self.vocabulary_from not in VOCABULARY_FROM:
            raise InputError(f"vocabulary_from must be one of {', '.join(VOCABULARY_FROM)}; "
                             f"found {self.vocabulary_from!r}")
        self.__dict__.pop("cue_data_", None)
        extra = self.extra_cues()  # read the cue files once; their content is kept
        self.cue_data_ = cues_to_dict(extra) if extra else None
        self.__dict__.pop("_nlp_obj", None)  # a pipeline that matches these cues
        docs = self.to_docs(texts)
        labels = tuple(dict.fromkeys(c.label for c in extra if c.label not in CORE_SIGNALS))
        self.featurizer_ = DocFeaturizer(ngram_range=tuple(self.ngram_range), min_df=self.min_df,
                                         max_features=self.max_features,
                                         cue_weight=self.cue_weight,
                                         lexicon_weight=self.lexicon_weight,
                                         cue_labels=labels).fit(
            [docs[i] for i in self._vocabulary_rows(Y)])
        Xm = self.featurizer_.transform(docs)
        self.__dict__.pop("vectors_", None)
        if self.vector_weight:
            self.vectors_ = WordVectors(weight=self.vector_weight)
            Xm = sp.hstack([Xm, self.vectors_.fit_transform(docs)], format="csr")
        self.heads_: dict[str, LogisticRegression] = {}
        for j, label in enumerate(schema.labels):
            classes = schema.classes(label)
            col = Y[:, j]
            known = np.array([_is_known(v) for v in col])
            values = np.array([_norm(v, label) for v in col[known]], dtype=object)
            bad = sorted({repr(v) for v in values if v not in classes})
            if bad:
                raise SchemaError(f"label {label!r} has values {', '.join(bad)}; expected one of "
                                  f"{', '.join(map(str, classes))}")
            present = [c for c in classes if np.any(values == c)]
            if len(present) < 2:
                raise SchemaError(f"label {label!r} has only {present} in its training rows; "
                                  "every label needs at least two classes")
            yy = np.array([classes.index(v) for v in values])
            head = LogisticRegression(C=self.C, max_iter=3000)
            rows = np.flatnonzero(known)
            head.fit(Xm[rows], yy, sample_weight=None if weights is None else weights[rows])
            self.heads_[label] = head
        self.classes_ = {label: list(schema.classes(label)) for label in schema.labels}
        self.thresholds_: dict[str, dict[str, float]] = {}
        self.n_features_in_ = 1
        return self

    def predict_proba(self, X: Sequence[str]) -> dict[str, np.ndarray]:
        """Per label, an (n, n_classes) array of probabilities in the schema's class order."""
        return self.predict_detailed(X, evidence=False).proba

    def predict(self, X: Sequence[str]) -> np.ndarray:
        """An (n, labels) object array: polarity strings, then signal ints (-1/0/1)."""
        pred = self.predict_detailed(X, evidence=False)
        schema = self._schema()
        out = np.empty((len(next(iter(pred.labels.values()))), len(schema.labels)), dtype=object)
        for j, label in enumerate(schema.labels):
            out[:, j] = pred.labels[label]
        return out

    def score(self, X: Sequence[str], y: Any) -> float:
        """scikit-learn's meaning: mean accuracy, averaged over the labels."""
        pred = self.predict(X)
        Y = self._y_matrix(y, len(pred))
        accs = []
        for j, label in enumerate(self._schema().labels):
            known = np.array([_is_known(v) for v in Y[:, j]])
            if known.any():
                truth = np.array([_norm(v, label) for v in Y[known, j]], dtype=object)
                accs.append(float(np.mean(pred[known, j] == truth)))
        return float(np.mean(accs))

    # ------------------------------------------------------------------ heartscore API
    def predict_detailed(self, X: Sequence[str] | Sequence[Doc], *, evidence: bool = True,
                         top_k: int = 3) -> Prediction:
        """Probabilities, decided labels and evidence spans for a batch of texts (or Docs).

        A stream of millions of rows keeps adding one-off strings (ids, numbers, typos) to
        spaCy's vocabulary; once it holds more than ``MAX_VOCAB_STRINGS`` the pipeline is
        rebuilt with a fresh one, so memory stays flat. (spaCy's ``memory_zone`` does the
        same per batch but, measured here, costs ~40% of throughput: it discards the
        tokenizer's cache every time.)
        """
        self._check_fitted()
        items = X if isinstance(X, (str, bytes)) else list(X)
        if items and isinstance(items[0], Doc):
            return self._predict_docs(items, evidence, top_k)
        texts = check_texts(items)
        nlp = getattr(self, "_nlp_obj", None)
        if nlp is not None and len(nlp.vocab.strings) > MAX_VOCAB_STRINGS:
            del self._nlp_obj  # a fresh vocabulary; old strings are freed with the old one
        return self._predict_docs(self.to_docs(texts), evidence, top_k)

    def _predict_docs(self, docs: list[Doc], evidence: bool, top_k: int) -> Prediction:
        Xm, prov = self.featurizer_.transform_with_provenance(docs)
        vectors = getattr(self, "vectors_", None)
        if vectors is not None:  # dense columns after the sparse ones: provenance unchanged
            Xm = sp.hstack([Xm, vectors.transform(docs)], format="csr")
        schema = self._schema()
        proba, labels, ev = {}, {}, {}
        for label in schema.labels:
            p = self.heads_[label].predict_proba(Xm)
            p = _full_proba(p, self.heads_[label].classes_, len(schema.classes(label)))
            proba[label] = p
            idx = self.decide(label, p)
            classes = np.array(schema.classes(label), dtype=object)
            labels[label] = classes[idx]
            if evidence:
                ev[label] = self._evidence(label, prov, idx, len(docs), top_k)
        return Prediction(proba, labels, ev)

    def decide(self, label: str, p: np.ndarray) -> np.ndarray:
        """Class indices from probabilities using this label's dev-tuned thresholds."""
        return decide(label, p, getattr(self, "thresholds_", {}).get(label))

    def tune_thresholds(self, X_dev: Sequence[str], y_dev: Any, *,
                        neutral_cap: float | None = None) -> "HeartscoreClassifier":
        """Choose decision thresholds on a dev split: the neutral band for polarity
        (macro-F1) and, per signal, the +1 and -1 probability thresholds (F1 of that class).

        ``neutral_cap`` (e.g. 0.05): the neutral band may answer "neutral" for at most this
        share of the dev rows whose gold polarity is good or bad; the best macro-F1 band
        within the cap wins (the narrowest band when none meets it)."""
        self._check_fitted()
        texts = check_texts(X_dev)
        Y = self._y_matrix(y_dev, len(texts))
        proba = self.predict_detailed(texts, evidence=False).proba
        schema = self._schema()
        thresholds: dict[str, dict[str, float]] = {}
        for j, label in enumerate(schema.labels):
            known = np.array([_is_known(v) for v in Y[:, j]])
            classes = list(schema.classes(label))
            truth = np.array([classes.index(_norm(v, label)) for v in Y[known, j]])
            thresholds[label] = choose_thresholds(label, truth, proba[label][known],
                                                 neutral_cap=neutral_cap)
        self.thresholds_ = thresholds
        return self

    def feature_blocks(self) -> dict[str, slice]:
        """The column blocks the heads are trained on, by name, in column order (as
        scikit-learn's ``ColumnTransformer.output_indices_``): ``featurizer`` (the
        :class:`DocFeaturizer`'s valence, emphasis, kind, length, cue and n-gram columns),
        then ``vectors`` (pooled word vectors) when the model has them."""
        self._check_fitted()
        blocks = {"featurizer": slice(0, self.featurizer_.n_features_out_)}
        vectors = getattr(self, "vectors_", None)
        if vectors is not None:
            n = self.featurizer_.n_features_out_
            blocks["vectors"] = slice(n, n + vectors.n_features_out_)
        return blocks

    def feature_names(self) -> np.ndarray:
        """Names of the features the heads are trained on, prefixed with their block as
        scikit-learn's ``FeatureUnion`` does: ``featurizer__cue:seen-``,
        ``featurizer__not rude``, ``vectors__vec:pos:0`` (see :meth:`feature_blocks`)."""
        self._check_fitted()
        parts = [(name, getattr(self, f"{name}_")) for name in self.feature_blocks()]
        return np.asarray([f"{name}__{f}" for name, t in parts
                           for f in t.get_feature_names_out()], dtype=object)

    # ------------------------------------------------------------------ internals
    def _check_fitted(self) -> None:
        if not hasattr(self, "heads_"):
            from sklearn.exceptions import NotFittedError
            raise NotFittedError("HeartscoreClassifier is not fitted yet; call fit(texts, y)")

    def _evidence(self, label: str, prov: Provenance, idx: np.ndarray, n: int,
                  top_k: int) -> list[list[tuple[int, int, float]]]:
        """Spans that pushed each text towards its decided class, strongest first; only for
        texts whose decision is not the neutral class (nothing to explain there)."""
        classes = self._schema().classes(label)
        neutral = classes.index("neutral") if label == "polarity" else classes.index(0)
        return evidence_spans(full_coef(self.heads_[label], len(classes)), prov, idx,
                              neutral, n, top_k)


def _is_known(v: Any) -> bool:
    if v is None:
        return False
    if isinstance(v, float) and np.isnan(v):
        return False
    return not (isinstance(v, str) and v.strip() == "")


def _norm(v: Any, label: str) -> Any:
    if label == "polarity":
        return str(v).strip().lower()
    try:
        f = float(v)
    except (TypeError, ValueError):
        return v
    return int(f) if f.is_integer() else f


def _full_proba(p: np.ndarray, present: np.ndarray, n_classes: int) -> np.ndarray:
    if p.shape[1] == n_classes:
        return p
    full = np.zeros((p.shape[0], n_classes))
    full[:, present] = p
    return full
