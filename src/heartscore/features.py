"""Docs → sparse feature matrix, feature names and per-doc provenance (feature → char spans).

Features (all computed from the Doc annotations of :mod:`heartscore.nlp.annotator`):

- lemma unigrams and bigrams, ``NEG_``-marked inside a negation scope; brand, place and
  person names, @handles and URLs are masked (never features);
- cue-lexicon matches per signal, sign and negation (``cue:seen-:neg``);
- valence from VADER's published lexicon (Hutto & Gilbert 2014, MIT licence), negation-
  flipped with VADER's own scalar and weighted around "but", used as *features*;
- emphasis (!, ?, ALL CAPS, elongation), token kinds (handle, URL, emoji, number), length.

Per-word values are computed once per distinct word and kept in numpy columns
(:mod:`heartscore.lexcache`); a batch of Docs becomes one set of token arrays and every
feature is array arithmetic over it. This module never calls ``nlp``: it receives
finished Docs. It fits and orchestrates; the parts live in :mod:`heartscore.word_facts`
(per-word facts, the word data, token arrays), :mod:`heartscore.ngrams` (n-gram keys and
vocabulary look-up) and :mod:`heartscore.dense_features` (valence, emphasis, kind, length
and cue features).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc

from .dense_features import (CUE_START, DENSE_FEATURES, VALENCE_SLICE, cue_features,
                             doc_features, valence_features)
from .errors import InputError
from .labels import CORE_SIGNALS
from .lexcache import LexemeCache
from .ngrams import (UID_BASE, decode, gram_counts, gram_index, gram_occurrences,
                     vocabulary_occurrences)
from .word_facts import (W_DTYPES, TokenBatch, load_lemmas, load_names, load_valence,
                         token_batch, word_facts)

__all__ = ["DocFeaturizer", "Provenance", "load_names", "load_valence", "load_lemmas",
           "DENSE_FEATURES", "cue_features"]

_CACHE_LIMIT = 100_000  # per-word caches stay bounded on streams of one-off tokens
_FIT_BATCH = 2000  # docs per batch of token arrays while fitting


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


class DocFeaturizer(TransformerMixin, BaseEstimator):
    """scikit-learn transformer from spaCy Docs (with heartscore's annotations) to sparse X.

    Parameters
    ----------
    ngram_range:
        Lemma n-gram sizes (1, 2) by default.
    min_df:
        Keep n-grams seen in at least this many training docs.
    max_features:
        Keep at most this many n-grams (most frequent first); ``None`` keeps all.
    mask_names:
        Mask @handles, URLs, names in the shipped list, and capitalised unknown words
        inside a sentence, so that brands, places and people never become features.
    cue_weight, lexicon_weight:
        Scale of the cue-lexicon and valence features relative to the n-grams. A larger
        scale lets the regularised heads lean on these cross-domain features more cheaply.
    cue_labels:
        Labels of a user's cue files beyond the core signals: their matches become features
        too (``cue:effort-`` …), placed after the core signals' cue features.
    """

    def __init__(self, *, ngram_range: tuple[int, int] = (1, 2), min_df: int = 2,
                 max_features: int | None = 20000, mask_names: bool = True,
                 cue_weight: float = 1.0, lexicon_weight: float = 1.0,
                 cue_labels: tuple[str, ...] = ()) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.mask_names = mask_names
        self.cue_weight = cue_weight
        self.lexicon_weight = lexicon_weight
        self.cue_labels = cue_labels

    # ------------------------------------------------------------------ fitting
    def fit(self, docs: Sequence[Doc], y=None) -> "DocFeaturizer":
        """Learn the n-gram vocabulary from ``docs``."""
        docs = _check_docs(docs)
        lo, hi = self.ngram_range
        if not (1 <= lo <= hi <= 3):
            raise InputError(f"ngram_range must satisfy 1 <= lo <= hi <= 3, got {self.ngram_range}")
        if self.min_df < 1:
            raise InputError(f"min_df must be >= 1, got {self.min_df}")
        self.names_ = load_names()
        self.valence_ = load_valence()
        self._drop_derived()
        # training ids: lemma k is 2k, its NEG_ form 2k+1 (the whole fit shares one table)
        lemmas: dict[str, int] = {}

        def compute(text: str) -> tuple:
            lemma, *rest = self._word_facts(text)
            if lemma is None:
                return (-1, -1, *rest)
            k = lemmas.setdefault(lemma, len(lemmas))
            return (2 * k, 2 * k + 1, *rest)

        cache = LexemeCache(compute, W_DTYPES, limit=None)
        per_n: dict[int, list[np.ndarray]] = {}
        for a in range(0, len(docs), _FIT_BATCH):
            tb = self._tokens(docs[a:a + _FIT_BATCH], cache)
            if len(lemmas) * 2 >= UID_BASE:
                raise InputError(f"too many distinct lemmas to fit ({len(lemmas)}); "
                                 f"at most {UID_BASE // 2} are supported")
            for n, (doc, key, _, _) in gram_occurrences(tb, self.ngram_range).items():
                if len(key):  # each gram once per doc
                    per_n.setdefault(n, []).append(np.unique(np.stack([key, doc]), axis=1)[0])
        names = list(lemmas)  # in id order
        df: dict[str, int] = {}
        for n, parts in per_n.items():
            grams, counts = np.unique(np.concatenate(parts), return_counts=True)
            often = counts >= self.min_df
            df.update(zip(decode(grams[often], n, names), counts[often].tolist()))
        kept = sorted(df, key=lambda g: (-df[g], g))
        if self.max_features is not None:
            kept = kept[: self.max_features]
        kept.sort()
        offset = len(self._dense_names())
        self.vocabulary_ = {g: offset + i for i, g in enumerate(kept)}
        self.uninformative_ = frozenset(
            j for g, j in self.vocabulary_.items()
            if all(part.removeprefix("NEG_") in STOP_WORDS for part in g.split(" ")))
        self.n_features_out_ = offset + len(kept)
        return self

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Feature names: the dense features first, then the n-grams in index order."""
        self._check_fitted()
        grams = sorted(self.vocabulary_, key=self.vocabulary_.get)
        return np.asarray([*self._dense_names(), *grams], dtype=object)

    def transform(self, docs: Sequence[Doc]) -> sp.csr_matrix:
        """Docs → sparse feature matrix (rows in input order)."""
        return self.transform_with_provenance(docs)[0]

    # ------------------------------------------------------------------ transform
    def transform_with_provenance(self, docs: Sequence[Doc]) -> tuple[sp.csr_matrix, Provenance]:
        """Docs → (X, provenance of every non-zero n-gram, cue and valence feature).

        The whole batch is one set of token arrays: per-word facts come from a cache of
        numpy columns, and n-grams, valence, counts and provenance are array arithmetic."""
        self._check_fitted()
        docs = _check_docs(docs)
        if "_uid_of" not in self.__dict__:
            self._build_ids()
        tb = self._tokens(docs, self._transform_cache())
        dense = np.zeros((len(docs), len(self._dense_names())), dtype=np.float64)
        v_prov = valence_features(tb, dense)
        c_prov = doc_features(docs, tb, dense, self._dense_columns())
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
        X = sp.csr_matrix((vals, (rows, cols)), shape=(len(docs), F))
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

    def __setstate__(self, state: dict) -> None:
        state.setdefault("cue_labels", ())  # models saved before cue files had none
        super().__setstate__(state)

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
