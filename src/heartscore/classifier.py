"""HeartscoreClassifier: a scikit-learn estimator over raw texts.

texts → :mod:`preprocess` (spaCy, once per batch) → :class:`DocFeaturizer` → one
multinomial logistic-regression head per label (polarity, then each signal).

Logistic regression trained on log-loss gives probabilities that are already close to
calibrated (the card reports Brier scores and reliability); decisions are then made by
thresholds that ``fit`` chooses on a validation split (given, or held out of the training
rows), never on test; without one, the arg-max class. ``clone``, ``GridSearchCV`` and
``cross_validate`` work on it (``scoring=heartscore.macro_f1_scorer``). Thresholds live in
:mod:`heartscore.thresholds`, evidence in :mod:`heartscore.evidence`, ``X``/``y`` checks in
:mod:`heartscore.inputs`; scoring (``predict_detailed``) is inherited from
:mod:`heartscore.scorer`, which needs no scikit-learn.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression

from .augment import with_neutral_sentences
from .errors import InputError, SchemaError
from .features import DocFeaturizer
from .inputs import (VOCABULARY_FROM, check_texts, known_values, label_matrix,
                     validation_split, vocabulary_rows)
from .labels import CORE_SIGNALS
from .nlp.cues import CueSource, cues_to_dict
from .pooling import choose_pooled_thresholds
from .preprocess import sentences
from .scorer import MAX_VOCAB_STRINGS, Prediction, ScoringMixin
from .thresholds import choose_label_thresholds
from .vectors import WordVectors

__all__ = ["HeartscoreClassifier", "Prediction", "check_texts", "VOCABULARY_FROM",
           "MAX_VOCAB_STRINGS"]


class HeartscoreClassifier(ScoringMixin, BaseEstimator):
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
    by_sentence:
        Decide a text from its sentences (:mod:`heartscore.pooling`): each sentence is
        scored alone and the ones not decided neutral are pooled, so a sentence that says
        nothing, added as a sentence of its own, changes no label (limits: see the module).
        The thresholds are chosen for the pooled decision.
    neutral_append, neutral_alone:
        Neutral-sentence training rows (:mod:`heartscore.augment`): the share of rows copied
        with a neutral sentence added, and the weight of each neutral sentence as a row of
        its own (labelled neutral, no signal); 0 for none.
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
    by_sentence: bool = False
    neutral_append: float = 0.0
    neutral_alone: float = 0.0
    random_state: int | None = 0

    def __init__(self, *, schema: dict | None = None, nlp: dict | None = None, C: float = 0.3,
                 ngram_range: tuple[int, int] = (1, 2), min_df: int = 2,
                 max_features: int | None = 20000, cue_weight: float = 2.0,
                 lexicon_weight: float = 1.0, batch_size: int = 256,
                 cues: Sequence[CueSource] | None = None, vector_weight: float = 0.0,
                 vocabulary_from: str = "signal-labelled",
                 validation_fraction: float | None = 0.15, neutral_cap: float | None = 0.05,
                 by_sentence: bool = True, neutral_append: float = 0.5,
                 neutral_alone: float = 1.0, random_state: int | None = 0) -> None:
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
        self.by_sentence = by_sentence
        self.neutral_append = neutral_append
        self.neutral_alone = neutral_alone
        self.random_state = random_state

    # ------------------------------------------------------------------ helpers
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
        texts, Y, weights = with_neutral_sentences(
            texts, Y, weights, self._schema(), append=self.neutral_append,
            alone=self.neutral_alone, seed=self.random_state)
        self._fit_heads(texts, Y, weights)
        self.thresholds_: dict[str, dict[str, float]] = {}
        if val_texts is not None:
            docs = self.to_docs(val_texts)
            units = sentences(docs) if self._reads_sentences() else None
            proba = self._unit_proba(docs, units)[0]
            self.thresholds_ = (  # for a text read by sentence: its pooled decision
                choose_label_thresholds(self._schema(), Y_val, proba,
                                        neutral_cap=self.neutral_cap) if units is None else
                choose_pooled_thresholds(self._schema(), Y_val, proba, units.owner,
                                         neutral_cap=self.neutral_cap))
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
