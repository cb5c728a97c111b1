"""The scoring half of :class:`heartscore.classifier.HeartscoreClassifier`, without
scikit-learn.

texts → spaCy pipeline → features → one linear head per label → probabilities, decisions
and evidence spans. ``HeartscoreClassifier`` (the scikit-learn estimator, which fits)
inherits :class:`ScoringMixin`; :class:`Scorer` is a fitted estimator's state rebuilt from a
safe model file for scoring, its heads applied with numpy (:mod:`heartscore.linear`), so
scoring a file never imports scikit-learn.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from spacy.tokens import Doc

from .evidence import evidence_spans, full_coef
from .featurize import Provenance
from .inputs import check_texts
from .labels import DEFAULT_SCHEMA, LabelSchema
from .linear import predict_proba
from .nlp.annotator import COMPONENT_NAMES
from .nlp.cues import Cue, read_cues
from .pooling import pool
from .preprocess import NlpSpec, Sentences, build_nlp, lean_lexemes, sentences, to_docs
from .thresholds import decide

__all__ = ["Prediction", "Scorer", "ScoringMixin", "MAX_VOCAB_STRINGS"]

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


class ScoringMixin:
    """Texts (or Docs) → :class:`Prediction` with a fitted state (``featurizer_``,
    ``heads_``, ``thresholds_``, ``schema``, ``nlp``, ``cue_data_`` …)."""

    def _schema(self) -> LabelSchema:
        return LabelSchema.from_dict(self.schema) if self.schema else DEFAULT_SCHEMA

    def _nlp(self):
        nlp = getattr(self, "_nlp_obj", None)
        if nlp is None:
            spec = NlpSpec.from_dict(self.nlp) if self.nlp else NlpSpec()
            # features use heartscore's own lemma table and no sentence boundaries, so the
            # estimator's pipeline leaves both out (less memory, nothing to disable)
            nlp = self._nlp_obj = build_nlp(replace(spec, lemmatizer=False, sentencizer=False))
            if spec.base == "blank":
                lean_lexemes(nlp)  # words' facts come from heartscore's tables
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
        proba, provs = self._text_proba(docs)
        schema = self._schema()
        labels, ev = {}, {}
        for label in schema.labels:
            idx = self.decide(label, proba[label])
            labels[label] = np.array(schema.classes(label), dtype=object)[idx]
            if evidence:
                ev[label] = self._evidence(label, provs[label], idx, len(docs), top_k)
        return Prediction(proba, labels, ev)

    def _text_proba(self, docs: list[Doc]) -> tuple[dict[str, np.ndarray],
                                                     dict[str, Provenance]]:
        """Each label's probabilities per text, and per label the provenance its evidence
        comes from. A model that reads sentences pools them (:mod:`heartscore.pooling`, with
        :meth:`_pooling_thresholds`): the provenance is then the pooled sentences'."""
        units = sentences(docs) if self._reads_sentences() else None
        proba, prov = self._unit_proba(docs, units)
        if units is None:
            return proba, {label: prov for label in proba}
        out, provs = {}, {}
        for label, p in proba.items():
            out[label], _, used = pool(label, p, units.owner, len(docs),
                                       self._pooling_thresholds().get(label))
            provs[label] = _text_provenance(prov, units.owner, used)
        return out, provs

    def _pooling_thresholds(self) -> dict[str, dict[str, float]]:
        """The thresholds sentences are decided with before pooling: the model's own."""
        return getattr(self, "thresholds_", {})

    def _reads_sentences(self) -> bool:
        """Whether texts are decided from their sentences (``by_sentence``; models saved
        before it read texts whole)."""
        return bool(getattr(self, "by_sentence", False))

    def _unit_proba(self, docs: list[Doc], units: Sentences | None = None
                    ) -> tuple[dict[str, np.ndarray], Provenance]:
        """The features and the heads' probabilities of each Doc, or of each sentence with
        ``units`` (:func:`heartscore.preprocess.sentences`)."""
        Xm, prov = self.featurizer_.transform_with_provenance(docs, units)
        vectors = getattr(self, "vectors_", None)
        if vectors is not None:  # dense columns after the sparse ones: provenance unchanged
            import scipy.sparse as sp
            Xm = sp.hstack([Xm, vectors.transform(docs, units)], format="csr")
        return self._proba(docs, Xm), prov

    def _proba(self, docs: list[Doc], Xm) -> dict[str, np.ndarray]:
        """Each label's class probabilities from the feature matrix (the linear heads)."""
        schema = self._schema()
        proba = {}
        for label in schema.labels:
            p = predict_proba(self.heads_[label], Xm)  # numpy: no scikit-learn import
            proba[label] = _full_proba(p, self.heads_[label].classes_,
                                       len(schema.classes(label)))
        return proba

    def decide(self, label: str, p: np.ndarray) -> np.ndarray:
        """Class indices from probabilities using this label's dev-tuned thresholds."""
        return decide(label, p, getattr(self, "thresholds_", {}).get(label))

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


class Scorer(ScoringMixin):
    """A fitted ``HeartscoreClassifier``'s state loaded for scoring only: no ``fit``, no
    scikit-learn. ``heartscore.load`` gives one to the :class:`~heartscore.model.Model`,
    which builds the estimator itself only when ``model.estimator`` is asked for."""

    def __setstate__(self, state: dict) -> None:
        state.setdefault("cues", None)  # models saved before cue files had none
        state.setdefault("vector_weight", 0.0)  # nor word vectors
        self.__dict__.update(state)


def _text_provenance(prov: Provenance, owner: np.ndarray, used: np.ndarray) -> Provenance:
    """Sentence provenance as its texts': rows of the pooled sentences only, each moved to
    its text (``owner``; character offsets already index the text)."""
    m = used[prov.doc]
    return Provenance(owner[prov.doc[m]], prov.feature[m], prov.start[m], prov.end[m],
                      prov.share[m], prov.value[m])


def _full_proba(p: np.ndarray, present: np.ndarray, n_classes: int) -> np.ndarray:
    if p.shape[1] == n_classes:
        return p
    full = np.zeros((p.shape[0], n_classes))
    full[:, present] = p
    return full
