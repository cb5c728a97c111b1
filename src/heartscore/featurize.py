"""The transform half of :class:`heartscore.features.DocFeaturizer`, without scikit-learn.

Docs → sparse X with per-doc provenance, from a fitted vocabulary. ``DocFeaturizer`` (the
scikit-learn transformer, which fits) inherits it; :class:`LoadedFeaturizer` is the same
state rebuilt from a safe model file for scoring, so that scoring never imports
scikit-learn (a second of start-up, measured in ``benchmarks/bench_scoring.py``).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from spacy.tokens import Doc

from .dense_features import (CUE_START, DENSE_FEATURES, VALENCE_SLICE, cue_features,
                             doc_features, valence_features)
from .errors import InputError
from .labels import CORE_SIGNALS
from .lexcache import LexemeCache
from .ngrams import gram_counts, gram_index, gram_occurrences, vocabulary_occurrences
from .word_facts import W_DTYPES, TokenBatch, load_lemmas, regroup, token_batch, word_facts

if TYPE_CHECKING:
    from .preprocess import Sentences

__all__ = ["FeatureTransform", "LoadedFeaturizer", "Provenance"]

_CACHE_LIMIT = 100_000  # per-word caches stay bounded on streams of one-off tokens


@dataclass(frozen=True)
class Provenance:
    """Where features came from in a batch: one row per (doc, feature, char span, share).

    ``share`` is the span's part of that feature's value in that doc (shares of one
    feature in one doc sum to 1), so a linear contribution can be split among spans;
    ``value`` is the feature's value in that doc (``X[doc, feature]``).
    """

    doc: np.ndarray
    feature: np.ndarray
    start: np.ndarray
    end: np.ndarray
    share: np.ndarray
    value: np.ndarray

class FeatureTransform:
    """Docs → features with a fitted vocabulary (``vocabulary_``, ``names_``, ``valence_``
    …): the methods :class:`heartscore.features.DocFeaturizer` scores with."""

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Feature names: the dense features first, then the n-grams in index order."""
        self._check_fitted()
        grams = sorted(self.vocabulary_, key=self.vocabulary_.get)
        return np.asarray([*self._dense_names(), *grams], dtype=object)

    def transform(self, docs: Sequence[Doc], units: Sentences | None = None) -> sp.csr_matrix:
        """Docs → sparse feature matrix (rows in input order; a row per sentence with
        ``units``)."""
        return self.transform_with_provenance(docs, units)[0]

    # ------------------------------------------------------------------ transform
    def transform_with_provenance(self, docs: Sequence[Doc], units: Sentences | None = None
                                  ) -> tuple[sp.csr_matrix, Provenance]:
        """Docs → (X, provenance of every non-zero n-gram, cue and valence feature).

        The whole batch is one set of token arrays: per-word facts come from a cache of
        numpy columns, and n-grams, valence, counts and provenance are array arithmetic.
        With ``units`` (:func:`heartscore.preprocess.sentences`) a row, and a provenance
        ``doc``, is a sentence; character offsets still index its Doc's text."""
        self._check_fitted()
        docs = _check_docs(docs)
        if "_uid_of" not in self.__dict__:
            self._build_ids()
        tb = self._tokens(docs, self._transform_cache())
        n_rows = len(docs) if units is None else units.n_units
        dense = np.zeros((n_rows, len(self._dense_names())), dtype=np.float64)
        c_prov = doc_features(docs, tb, dense, self._dense_columns(), units)
        if units is not None:  # the sentences' tokens, each sentence a "doc"
            tb = regroup(tb, units)
        v_prov = valence_features(tb, dense)
        dense[:, VALENCE_SLICE] *= self.lexicon_weight
        dense[:, CUE_START:] *= self.cue_weight
        # ---- n-grams: occurrences of vocabulary n-grams, counted per doc
        o_doc, o_col, o_start, o_end = vocabulary_occurrences(
            gram_occurrences(tb, self.ngram_range), self._uni_col, self._gram_keys)
        F = self.n_features_out_
        pair, inv, cnt, g_vals = gram_counts(o_doc, o_col, F)
        nz_r, nz_c = np.nonzero(dense)
        rows = np.concatenate([pair // F, nz_r])
        cols = np.concatenate([pair % F, nz_c])
        vals = np.concatenate([g_vals, dense[nz_r, nz_c]])
        X = sp.csr_matrix((vals, (rows, cols)), shape=(len(dense), F))
        # ---- provenance: n-grams first, then each doc's valence and cue spans
        informative = ~self._uninformative_mask[o_col]
        d_doc, d_feat, d_start, d_end, d_share = (np.concatenate([v, c]) for v, c in
                                                  zip(v_prov, c_prov))
        order = np.argsort(d_doc, kind="stable")
        d_doc, d_feat, d_start, d_end, d_share = (a[order] for a in
                                                  (d_doc, d_feat, d_start, d_end, d_share))
        prov = Provenance(
            np.concatenate([o_doc[informative], d_doc]),
            np.concatenate([o_col[informative], d_feat]),
            np.concatenate([o_start[informative], d_start]),
            np.concatenate([o_end[informative], d_end]),
            np.concatenate([(1.0 / cnt[inv])[informative], d_share]),
            np.concatenate([g_vals[inv][informative], dense[d_doc, d_feat]]))
        return X, prov

    def _build_ids(self) -> None:
        """Integer ids of the vocabulary's lemma parts, for batch n-gram look-ups."""
        self._uid_of, self._uni_col, self._gram_keys = gram_index(self.vocabulary_)
        mask = np.zeros(self.n_features_out_, dtype=bool)
        mask[list(self.uninformative_)] = True
        self._uninformative_mask = mask

    def _transform_cache(self) -> LexemeCache:
        """Per-word facts with the n-gram parts as this vocabulary's ids (-1: none)."""
        cache = self.__dict__.get("_lex")
        if cache is None:
            uid_of = self._uid_of

            def compute(text: str) -> tuple:
                lemma, *rest = self._word_facts(text)
                if lemma is None:
                    return (-1, -1, *rest)
                return (uid_of.get(lemma, -1), uid_of.get("NEG_" + lemma, -1), *rest)

            cache = self.__dict__["_lex"] = LexemeCache(compute, W_DTYPES, limit=_CACHE_LIMIT)
        return cache

    # ------------------------------------------------------------------ internals
    def _check_fitted(self) -> None:
        if not hasattr(self, "vocabulary_"):
            from sklearn.exceptions import NotFittedError
            raise NotFittedError("DocFeaturizer is not fitted yet; call fit(docs) first")

    _DERIVED = ("_lex", "_uid_of", "_uni_col", "_gram_keys", "_uninformative_mask",
                "_dense_index")

    def _dense_names(self) -> tuple[str, ...]:
        """The dense features: :data:`DENSE_FEATURES`, then the extra cue labels' features."""
        extra = [s for s in self.cue_labels if s not in CORE_SIGNALS]
        return DENSE_FEATURES + cue_features(extra)

    def _dense_columns(self) -> dict[str, int]:
        """Dense feature name → column, built once."""
        index = self.__dict__.get("_dense_index")
        if index is None:
            index = self.__dict__["_dense_index"] = {name: i for i, name in
                                                     enumerate(self._dense_names())}
        return index

    def _drop_derived(self) -> None:
        for derived in self._DERIVED:
            self.__dict__.pop(derived, None)

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        for derived in self._DERIVED:
            state.pop(derived, None)
        state.pop("_lemma_table", None)  # reloaded from spacy-lookups-data when needed
        return state

    @property
    def _lemmas(self) -> dict[str, str]:
        """The lemma table, loaded on first use (a parent process that only hands work to
        workers never pays for it)."""
        table = self.__dict__.get("_lemma_table")
        if table is None:
            table = self.__dict__["_lemma_table"] = load_lemmas()
        return table

    def _word_facts(self, text: str) -> tuple:
        """Facts about one word string: (lemma feature or None when masked, valence,
        length, capitalised-unknown, contrastive, sentence end)."""
        return word_facts(text, lemmas=self._lemmas, names=self.names_,
                          valence=self.valence_, mask_names=self.mask_names)

    def _tokens(self, docs: list[Doc], cache: LexemeCache) -> TokenBatch:
        return token_batch(docs, cache, mask_names=self.mask_names)


class LoadedFeaturizer(FeatureTransform):
    """A fitted ``DocFeaturizer``'s state, loaded for scoring only (no ``fit``)."""

    def __setstate__(self, state: dict) -> None:
        state.setdefault("cue_labels", ())  # models saved before cue files had none
        self.__dict__.update(state)


def _check_docs(docs) -> list[Doc]:
    if isinstance(docs, (str, Doc)):
        raise InputError("expected a sequence of spaCy Docs, found a single "
                         f"{type(docs).__name__}; wrap it in a list")
    docs = list(docs)
    for k, d in enumerate(docs):
        if not isinstance(d, Doc):
            raise InputError(f"expected spaCy Docs, found {type(d).__name__} at position {k}; "
                             "run texts through heartscore.preprocess.to_docs first")
    return docs
