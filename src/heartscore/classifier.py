"""HeartscoreClassifier: a scikit-learn estimator over raw texts.

texts → :mod:`preprocess` (spaCy, once per batch) → :class:`DocFeaturizer` → one
multinomial logistic-regression head per label (polarity, then each signal).

Logistic regression trained on log-loss gives probabilities that are already close to
calibrated (the card reports Brier scores and reliability); decisions are then made by
thresholds that ``fit`` chooses on a validation split (given, or held out of the training
rows), never on test; without one, the arg-max class. ``clone``, ``GridSearchCV`` and
``cross_validate`` work on it (``scoring=heartscore.macro_f1_scorer``). Thresholds live in
:mod:`heartscore.thresholds`, evidence in :mod:`heartscore.evidence`, ``X``/``y`` checks in
:mod:`heartscore.inputs`.
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
from .inputs import (VOCABULARY_FROM, check_texts, known_values, label_matrix,
                     validation_split, vocabulary_rows)
from .thresholds import choose_label_thresholds, decide
from .vectors import WordVectors

__all__ = ["HeartscoreClassifier", "Prediction", "check_texts", "VOCABULARY_FROM"]

#: Strings in the scoring pipeline's vocabulary before it is rebuilt (flat memory on streams).
MAX_VOCAB_STRINGS = 150_000


@dataclass
class Prediction:
    """Everything one batch produces before it becomes Results.

    ``proba[label]`` is (n, n_classes) in the schema's class order; ``labels[label]`` is the
    decided class per text; ``evidence[label][i]`` lists (start, end, weight, source) spans.
    """

    proba: dict[str, np.ndarray]
    labels: dict[str, np.ndarray]
    evidence: dict[str, list[list[tuple[int, int, float]]]]


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
        Which rows choose the n-gram vocabulary: ``"signal-labelled"`` (rows with a signal
        label; all when none has one) or ``"all"``. Polarity-only rows (star ratings) still
        train the polarity head without crowding the signals' n-grams out (measured on real
        dev rows: ``benchmarks/levers.py``; :func:`heartscore.inputs.vocabulary_rows`).
    validation_fraction:
        Share of the rows ``fit`` holds out from the heads to choose the decision thresholds
        on when not given ``X_val``/``y_val``; ``None``: arg-max decisions.
    neutral_cap:
        Most "neutral" answers the neutral band may give on validation rows whose gold
        polarity is good or bad (see :func:`heartscore.thresholds.choose_thresholds`).
    random_state:
        Seed of the validation split.

    Fitted: ``featurizer_`` (and ``vectors_``), ``heads_`` (a ``LogisticRegression`` per
    label), ``thresholds_`` (per label), ``cue_data_``; ``classes_`` as
    ``MultiOutputClassifier``'s. ``n_features_in_`` is not defined (see its note).
    """

    # Models saved before these parameters lack them: the class values stand in (the
    # vocabulary from all rows, as then), so their state, file and model id stay as they were.
    vocabulary_from: str = "all"
    validation_fraction: float | None = 0.15
    neutral_cap: float | None = 0.05
    random_state: int | None = 0

    def __init__(self, *, schema: dict | None = None, nlp: dict | None = None, C: float = 0.3,
                 ngram_range: tuple[int, int] = (1, 2), min_df: int = 2,
                 max_features: int | None = 20000, cue_weight: float = 2.0,
                 lexicon_weight: float = 1.0, batch_size: int = 256,
                 cues: Sequence[CueSource] | None = None, vector_weight: float = 0.0,
                 vocabulary_from: str = "signal-labelled",
                 validation_fraction: float | None = 0.15, neutral_cap: float | None = 0.05,
                 random_state: int | None = 0) -> None:
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
        self.validation_fraction = validation_fraction
        self.neutral_cap = neutral_cap
        self.random_state = random_state

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
        super().__setstate__(state)

    # ------------------------------------------------------------------ sklearn API
    def fit(self, X: Sequence[str], y: Any, sample_weight: Sequence[float] | None = None, *,
            X_val: Sequence[str] | None = None,
            y_val: Any = None) -> "HeartscoreClassifier":
        """Fit on texts ``X`` and labels ``y`` (n × labels: polarity, then each signal),
        decision thresholds included. A label ``None`` (or NaN) means "not labelled": that
        row is left out of that label's head only. ``sample_weight`` weighs rows.
        Thresholds are chosen on a validation split (see :mod:`heartscore.thresholds`):
        ``X_val``/``y_val`` when given (the heads then learn from every row of ``X``), else a
        seeded ``validation_fraction`` of ``X`` held out from the heads (stratified on
        polarity); with ``validation_fraction=None`` and no ``X_val``, arg-max decisions.
        """
        if y is None:
            raise InputError("HeartscoreClassifier requires y to be passed, but the target y "
                             "is None; pass the (n, labels) polarity and signal labels")
        texts = check_texts(X)
        weights = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        if weights is not None and weights.shape != (len(texts),):
            raise InputError(f"sample_weight must have one weight per text ({len(texts)}), "
                             f"found shape {weights.shape}")
        Y = label_matrix(y, len(texts), self._schema())
        if (X_val is None) != (y_val is None):
            raise InputError("expected X_val and y_val together, found only "
                             f"{'X_val' if y_val is None else 'y_val'}; pass both or neither")
        if X_val is not None:
            val_texts = check_texts(X_val)
            Y_val = label_matrix(y_val, len(val_texts), self._schema(), check_values=True)
        elif self.validation_fraction is not None:
            fit_rows, val_rows = validation_split(Y, self.validation_fraction,
                                                  self.random_state)
            val_texts, Y_val = [texts[i] for i in val_rows], Y[val_rows]
            texts, Y = [texts[i] for i in fit_rows], Y[fit_rows]
            weights = None if weights is None else weights[fit_rows]
        else:
            val_texts, Y_val = None, None
        self._fit_heads(texts, Y, weights)
        self.thresholds_: dict[str, dict[str, float]] = {}
        if val_texts is not None:
            proba = self.predict_detailed(val_texts, evidence=False).proba
            self.thresholds_ = choose_label_thresholds(self._schema(), Y_val, proba,
                                                       neutral_cap=self.neutral_cap)
        return self

    def _fit_heads(self, texts: list[str], Y: np.ndarray, weights: np.ndarray | None) -> None:
        """The cue data, the feature blocks and one logistic-regression head per label."""
        schema = self._schema()
        vocabulary = vocabulary_rows(Y, self.vocabulary_from)  # a bad choice stops fit here
        self.__dict__.pop("cue_data_", None)
        extra = self.extra_cues()  # read the cue files once; their content is kept
        self.cue_data_ = cues_to_dict(extra) if extra else None
        self.__dict__.pop("_nlp_obj", None)  # a pipeline that matches these cues
        docs = self.to_docs(texts)
        labels = tuple(dict.fromkeys(c.label for c in extra if c.label not in CORE_SIGNALS))
        self.featurizer_ = DocFeaturizer(
            ngram_range=tuple(self.ngram_range), min_df=self.min_df, cue_labels=labels,
            max_features=self.max_features, cue_weight=self.cue_weight,
            lexicon_weight=self.lexicon_weight).fit([docs[i] for i in vocabulary])
        Xm = self.featurizer_.transform(docs)
        self.__dict__.pop("vectors_", None)
        if self.vector_weight:
            self.vectors_ = WordVectors(weight=self.vector_weight)
            Xm = sp.hstack([Xm, self.vectors_.fit_transform(docs)], format="csr")
        self.heads_: dict[str, LogisticRegression] = {}
        for j, label in enumerate(schema.labels):
            classes = schema.classes(label)
            known, values = known_values(Y, j, label, classes)
            present = [c for c in classes if np.any(values == c)]
            if len(present) < 2:
                raise SchemaError(f"label {label!r} has only {present} in its training rows; "
                                  "every label needs at least two classes")
            yy = np.array([classes.index(v) for v in values])
            head = LogisticRegression(C=self.C, max_iter=3000)
            rows = np.flatnonzero(known)
            head.fit(Xm[rows], yy, sample_weight=None if weights is None else weights[rows])
            self.heads_[label] = head

    def predict_proba(self, X: Sequence[str]) -> list[np.ndarray]:
        """Per label (polarity, then each signal), an (n, n_classes) array of probabilities
        in ``classes_[j]`` order, as ``MultiOutputClassifier`` (by name: ``predict_detailed``)."""
        proba = self.predict_detailed(X, evidence=False).proba
        return [proba[label] for label in self._schema().labels]

    def predict(self, X: Sequence[str]) -> np.ndarray:
        """An (n, labels) object array, one row per text: polarity strings, then signal ints
        (-1/0/1), decided with the thresholds chosen at fit."""
        pred = self.predict_detailed(X, evidence=False)
        labels = self._schema().labels
        out = np.empty((len(pred.labels[labels[0]]), len(labels)), dtype=object)
        for j, label in enumerate(labels):
            out[:, j] = pred.labels[label]
        return out

    def score(self, X: Sequence[str], y: Any, sample_weight: Sequence[float] | None = None
              ) -> float:
        """scikit-learn's meaning: mean accuracy, averaged over the labels (unlabelled rows
        left out); ``scoring=heartscore.macro_f1_scorer`` gives the five-label macro-F1."""
        pred = self.predict(X)
        Y = label_matrix(y, len(pred), self._schema())
        w = np.ones(len(pred)) if sample_weight is None else np.asarray(sample_weight, float)
        accs = []
        for j, label in enumerate(self._schema().labels):
            known, truth = known_values(Y, j, label)
            if known.any():
                accs.append(float(np.average(pred[known, j] == truth, weights=w[known])))
        return float(np.mean(accs))

    @property
    def classes_(self) -> list[np.ndarray]:
        """Per label, its classes in ``predict_proba(X)[j]``'s column order (once fitted)."""
        if not hasattr(self, "heads_"):
            raise AttributeError("classes_: HeartscoreClassifier is not fitted yet")
        schema = self._schema()
        return [np.asarray(schema.classes(label), dtype=object if label == "polarity" else int)
                for label in schema.labels]

    @property
    def n_features_in_(self) -> int:
        """Not defined (``AttributeError``): the input is raw texts, not feature columns, and
        scikit-learn's text vectorizers set no ``n_features_in_``/``feature_names_in_``;
        :meth:`feature_names` names the heads' columns. (Hides 0.1/0.2 models' fake 1.)"""
        raise AttributeError("HeartscoreClassifier takes raw texts, not feature columns, so it "
                             "has no n_features_in_; feature_names() names the columns its "
                             "heads learn from")

    def __sklearn_tags__(self):
        """scikit-learn's tags: the input is a 1-D sequence of strings (not a 2-D array),
        ``y`` is required and has several outputs (polarity, then each signal).
        ``estimator_type`` stays unset, not ``"classifier"``: scikit-learn's classifier paths
        (``check_cv`` for ``cv=5``, ``make_scorer``) call ``type_of_target`` on ``y`` or
        ``classes_``, which cannot sort polarity strings beside signal ints (``TypeError``).
        Unset, ``cv=5`` is a ``KFold``; ``cv=StratifiedKFold(5).split(X, y[:, 0])``
        stratifies on polarity."""
        tags = super().__sklearn_tags__()
        tags.input_tags.one_d_array = True
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.target_tags.required = True
        tags.target_tags.single_output = False
        tags.target_tags.multi_output = True
        return tags

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
        # a bare string or a table goes to check_texts whole, to be refused with a reason
        whole = isinstance(X, (str, bytes)) or hasattr(X, "columns") or getattr(X, "ndim", 1) != 1
        items = X if whole else list(X)
        if not whole and items and isinstance(items[0], Doc):
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


def _full_proba(p: np.ndarray, present: np.ndarray, n_classes: int) -> np.ndarray:
    if p.shape[1] == n_classes:
        return p
    full = np.zeros((p.shape[0], n_classes))
    full[:, present] = p
    return full
