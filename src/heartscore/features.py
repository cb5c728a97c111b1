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
finished Docs. It fits (the transform half, which scoring uses without scikit-learn, is
:mod:`heartscore.featurize`) and orchestrates; the parts live in :mod:`heartscore.word_facts`
(per-word facts, the word data, token arrays), :mod:`heartscore.ngrams` (n-gram keys and
vocabulary look-up) and :mod:`heartscore.dense_features` (valence, emphasis, kind, length
and cue features).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc

from .dense_features import DENSE_FEATURES, cue_features
from .errors import InputError
from .featurize import FeatureTransform, Provenance, _check_docs
from .lexcache import LexemeCache
from .ngrams import UID_BASE, decode, gram_occurrences
from .word_facts import W_DTYPES, load_lemmas, load_names, load_valence

__all__ = ["DocFeaturizer", "Provenance", "load_names", "load_valence", "load_lemmas",
           "DENSE_FEATURES", "cue_features"]

_FIT_BATCH = 2000  # docs per batch of token arrays while fitting


class DocFeaturizer(FeatureTransform, TransformerMixin, BaseEstimator):
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


    def __setstate__(self, state: dict) -> None:
        state.setdefault("cue_labels", ())  # models saved before cue files had none
        super().__setstate__(state)
