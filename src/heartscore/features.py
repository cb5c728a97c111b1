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
finished Docs.
"""
from __future__ import annotations

import gzip
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from spacy.attrs import IDX, ORTH
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc

from .errors import InputError
from .labels import CORE_SIGNALS
from .lexcache import LexemeCache
from .nlp.negation import negation_flags
from .nlp.tokens import (KIND_EMOJI, KIND_EMOTICON, KIND_HANDLE, KIND_HASHTAG, KIND_NUMBER,
                         KIND_PUNCT, KIND_URL, KIND_WORD, batch_tokens, get_annotation,
                         token_kind)

__all__ = ["DocFeaturizer", "Provenance", "load_names", "load_valence", "load_lemmas",
           "DENSE_FEATURES", "cue_features"]

# VADER's constants (vaderSentiment.py): negation scalar and the "but" weights.
N_SCALAR = -0.74
BUT_BEFORE, BUT_AFTER = 0.5, 1.5
VADER_ALPHA = 15.0  # normalisation constant of VADER's compound score

_SENT_END = {".", "!", "?", "\n", "…"}
_CONTRAST = {"but", "however", "although", "though", "yet"}


def cue_features(labels: Sequence[str]) -> tuple[str, ...]:
    """The cue feature names of these labels: per sign, plain and negated."""
    return tuple(f"cue:{s}{'+' if sign > 0 else '-'}{neg}" for s in labels for sign in (1, -1)
                 for neg in ("", ":neg"))


DENSE_FEATURES: tuple[str, ...] = (
    "val:compound", "val:pos", "val:neg", "val:pos_share", "val:neg_share", "val:negated",
    "val:min", "val:max", "val:after_but",
    "emph:exclaim", "emph:question", "emph:caps", "emph:elongated",
    "kind:handle", "kind:url", "kind:emoji", "kind:number", "len:log",
    *cue_features(CORE_SIGNALS),
)
_CACHE_LIMIT = 100_000  # per-word caches stay bounded on streams of one-off tokens
_UID_BASE = 1 << 20  # n-gram keys: ids packed base 2**20 (up to 2**20 lemma parts)
_FIT_BATCH = 2000  # docs per batch of token arrays while fitting
# Per-word columns of the featurizer's caches: n-gram id, its NEG_ id, valence, length,
# capitalised-unknown, contrastive, sentence end.
_W_UID, _W_NEG, _W_VAL, _W_LEN, _W_CAP, _W_CONTRAST, _W_SENT = range(7)
_W_DTYPES = (np.int64, np.int64, np.float64, np.int64, np.bool_, np.bool_, np.bool_)
_VALENCE_SLICE = slice(0, 9)
_CUE_START = DENSE_FEATURES.index("len:log") + 1  # cue features run from here to the n-grams


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


def load_names() -> frozenset[str]:
    """The shipped list of brand, place and person names (lowercase tokens) that are masked."""
    text = resources.files("heartscore").joinpath("data/names.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def load_valence() -> dict[str, float]:
    """VADER's word and emoticon valences, plus emoji scored by their description's words."""
    try:
        import vaderSentiment
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise InputError("vaderSentiment is not installed; pip install vaderSentiment") from exc
    folder = os.path.dirname(vaderSentiment.__file__)
    valence: dict[str, float] = {}
    with open(os.path.join(folder, "vader_lexicon.txt"), encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2:
                valence[parts[0].lower()] = float(parts[1])
    with open(os.path.join(folder, "emoji_utf8_lexicon.txt"), encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 2:
                vals = [valence[w] for w in parts[1].split() if w in valence]
                if vals:
                    valence[parts[0]] = sum(vals) / len(vals)
    return valence


def load_lemmas() -> dict[str, str]:
    """spaCy's English lookup lemma table (spacy-lookups-data), lowercase forms only."""
    try:
        import spacy_lookups_data
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise InputError("spacy-lookups-data is not installed; pip install spacy-lookups-data") \
            from exc
    path = os.path.join(os.path.dirname(spacy_lookups_data.__file__), "data",
                        "en_lemma_lookup.json.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        table = json.load(fh)
    return {k: v.lower() for k, v in table.items() if k == k.lower()}


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

        cache = LexemeCache(compute, _W_DTYPES, limit=None)
        per_n: dict[int, list[np.ndarray]] = {}
        for a in range(0, len(docs), _FIT_BATCH):
            tb = self._tokens(docs[a:a + _FIT_BATCH], cache)
            if len(lemmas) * 2 >= _UID_BASE:
                raise InputError(f"too many distinct lemmas to fit ({len(lemmas)}); "
                                 f"at most {_UID_BASE // 2} are supported")
            for n, (doc, key, _, _) in self._gram_occurrences(tb, lo).items():
                if len(key):  # each gram once per doc
                    per_n.setdefault(n, []).append(np.unique(np.stack([key, doc]), axis=1)[0])
        names = list(lemmas)  # in id order
        df: dict[str, int] = {}
        for n, parts in per_n.items():
            grams, counts = np.unique(np.concatenate(parts), return_counts=True)
            often = counts >= self.min_df
            df.update(zip(_decode(grams[often], n, names), counts[often].tolist()))
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
        v_prov = self._valence(tb, dense)
        c_prov = self._doc_level(docs, tb, dense)
        dense[:, _VALENCE_SLICE] *= self.lexicon_weight
        dense[:, _CUE_START:] *= self.cue_weight
        # ---- n-grams: occurrences of vocabulary n-grams, counted per doc
        occ = []
        for n, (doc, key, start, end) in self._gram_occurrences(tb, self.ngram_range[0]).items():
            if n == 1:
                col = self._uni_col[key]
                m = col >= 0
            else:
                keys, cols = self._gram_keys[n]
                if not len(keys):
                    continue
                idx = np.minimum(np.searchsorted(keys, key), len(keys) - 1)
                m = keys[idx] == key
                col = cols[idx]
            occ.append((doc[m], col[m], start[m], end[m]))
        if occ:
            o_doc, o_col, o_start, o_end = (np.concatenate(parts) for parts in zip(*occ))
        else:
            o_doc = o_col = o_start = o_end = np.zeros(0, dtype=np.int64)
        F = self.n_features_out_
        pair, inv, cnt = np.unique(o_doc * F + o_col, return_inverse=True, return_counts=True)
        inv = inv.reshape(-1)
        g_vals = np.where(cnt > 1, 1.0 + np.log(np.maximum(cnt, 1)), 1.0)
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
        uids: dict[str, int] = {}
        for g in self.vocabulary_:
            for part in g.split(" "):
                uids.setdefault(part, len(uids))
        uni = np.full(len(uids), -1, dtype=np.int64)
        grams: dict[int, tuple[list[int], list[int]]] = {}
        for g, col in self.vocabulary_.items():
            parts = g.split(" ")
            if len(parts) == 1:
                uni[uids[parts[0]]] = col
            else:
                key = 0
                for part in parts:
                    key = key * _UID_BASE + uids[part]
                grams.setdefault(len(parts), ([], []))
                grams[len(parts)][0].append(key)
                grams[len(parts)][1].append(col)
        self._uid_of = uids
        self._uni_col = uni
        self._gram_keys = {}
        for n in range(2, 4):
            keys, cols = grams.get(n, ([], []))
            order = np.argsort(np.asarray(keys, dtype=np.int64), kind="stable")
            self._gram_keys[n] = (np.asarray(keys, dtype=np.int64)[order],
                                  np.asarray(cols, dtype=np.int64)[order])
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

            cache = self.__dict__["_lex"] = LexemeCache(compute, _W_DTYPES, limit=_CACHE_LIMIT)
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
        lower = text.lower()
        kind = token_kind(text)
        lemma: str | None
        if kind in (KIND_HANDLE, KIND_URL, KIND_PUNCT):
            lemma = None
        elif kind == KIND_NUMBER:
            lemma = "<num>"
        elif kind == KIND_HASHTAG:
            lemma = lower[1:] or None
        else:
            lemma = self._lemmas.get(lower, lower)
        if lemma is not None and self.mask_names and (lower in self.names_ or lemma in self.names_):
            lemma = None
        valence = self.valence_.get(lower, self.valence_.get(text, 0.0))
        if valence == 0.0 and lemma is not None:
            valence = self.valence_.get(lemma, 0.0)
        cap_unknown = (kind == KIND_WORD and text[:1].isupper() and text[1:].islower()
                       and lower not in self._lemmas and lower not in self.valence_)
        return (lemma, valence, len(text), cap_unknown, lower in _CONTRAST,
                text in _SENT_END or text.isspace())

    def _tokens(self, docs: list[Doc], cache: LexemeCache) -> "_TokenBatch":
        """The batch's tokens as arrays: doc, n-gram key (its negated form inside a negation
        scope; -1 for no feature, names included), character span, negation, valence."""
        bounds, arr = batch_tokens(docs, [ORTH, IDX])
        lengths = np.diff(bounds)
        rows = cache.rows(arr[:, 0], docs[0].vocab.strings if docs else None)
        col = cache.column
        negs = []
        for d in docs:
            flags = get_annotation(d, "hs_negated")
            negs.append(flags if flags is not None
                        else np.asarray(negation_flags([t.lower_ for t in d]), dtype=np.int8))
        negated = (np.concatenate(negs) == 1) if bounds[-1] else np.zeros(0, dtype=bool)
        key = np.where(negated, col(_W_NEG)[rows], col(_W_UID)[rows])
        if self.mask_names and len(key):
            # a capitalised unknown word that does not start a sentence is taken for a name
            prev_end = np.empty(len(key), dtype=bool)
            prev_end[0] = True
            prev_end[1:] = col(_W_SENT)[rows][:-1]
            prev_end[bounds[:-1][lengths > 0]] = True
            key[col(_W_CAP)[rows] & ~prev_end] = -1
        start = arr[:, 1].astype(np.int64)
        return _TokenBatch(np.repeat(np.arange(len(docs), dtype=np.int64), lengths), bounds,
                           key, start, start + col(_W_LEN)[rows], negated,
                           col(_W_VAL)[rows], col(_W_CONTRAST)[rows])

    def _gram_occurrences(self, tb: "_TokenBatch", lo: int) -> dict[int, tuple]:
        """n → (doc, packed key, start, end) of every n-gram occurrence, in token order;
        a gram never spans a -1 key or two docs."""
        out = {}
        key, doc, n_tok = tb.key, tb.doc, len(tb.key)
        if lo == 1:
            m = key >= 0
            out[1] = (doc[m], key[m], tb.start[m], tb.end[m])
        for k in range(1, self.ngram_range[1]):  # bigrams (and trigrams when allowed)
            if k + 1 < lo or n_tok <= k:
                continue
            ok = doc[:-k] == doc[k:]
            packed = np.zeros(n_tok - k, dtype=np.int64)
            for off in range(k + 1):
                part = key[off:n_tok - k + off]
                ok &= part >= 0
                packed = packed * _UID_BASE + np.where(part >= 0, part, 0)
            out[k + 1] = (doc[:-k][ok], packed[ok], tb.start[:-k][ok], tb.end[k:][ok])
        return out

    def _valence(self, tb: "_TokenBatch", dense: np.ndarray) -> tuple[np.ndarray, ...]:
        """Valence features (VADER's lexicon, negation-flipped, weighted around the last
        contrastive word as VADER does with "but") into ``dense``; their provenance rows."""
        n_docs = len(dense)
        n_tok = np.maximum(np.diff(tb.bounds), 1)
        pos_in = np.arange(len(tb.doc), dtype=np.int64)
        but_at = np.full(n_docs, -1, dtype=np.int64)
        np.maximum.at(but_at, tb.doc[tb.contrast], pos_in[tb.contrast])
        m = tb.valence != 0.0
        d, p = tb.doc[m], pos_in[m]
        v = np.where(tb.negated[m], tb.valence[m] * N_SCALAR, tb.valence[m])
        b = but_at[d]
        v = v * np.where(b < 0, 1.0, np.where(p < b, BUT_BEFORE, BUT_AFTER))
        after = (b >= 0) & (p > b)
        s_, e_, negd = tb.start[m], tb.end[m], tb.negated[m]
        h = np.bincount(d, minlength=n_docs) > 0  # docs with any valence
        total = np.bincount(d, weights=v, minlength=n_docs)
        pos = np.bincount(d, weights=np.where(v > 0, v, 0.0), minlength=n_docs)
        negs = -np.bincount(d, weights=np.where(v < 0, v, 0.0), minlength=n_docs)
        aft = np.bincount(d, weights=np.where(after, v, 0.0), minlength=n_docs)
        vmin = np.full(n_docs, np.inf)
        vmax = np.full(n_docs, -np.inf)
        np.minimum.at(vmin, d, v)
        np.maximum.at(vmax, d, v)
        dense[h, 0] = total[h] / np.sqrt(total[h] * total[h] + VADER_ALPHA)
        dense[h, 1] = pos[h] / (pos[h] + 4.0)
        dense[h, 2] = negs[h] / (negs[h] + 4.0)
        dense[h, 3] = np.bincount(d[v > 0], minlength=n_docs)[h] / n_tok[h]
        dense[h, 4] = np.bincount(d[v < 0], minlength=n_docs)[h] / n_tok[h]
        dense[h, 5] = np.minimum(1.0, np.bincount(d[negd], minlength=n_docs)[h] / 3.0)
        dense[h, 6] = vmin[h] / 4.0
        dense[h, 7] = vmax[h] / 4.0
        ha = h & (aft != 0)
        dense[ha, 8] = aft[ha] / np.sqrt(aft[ha] * aft[ha] + VADER_ALPHA)
        # provenance: each valence feature's value split among its words by |valence|
        sign = np.where(total >= 0, 1.0, -1.0)[d]
        asign = np.where(aft >= 0, 1.0, -1.0)[d]
        w = np.abs(v)
        parts = []
        for f, chosen in ((0, v * sign > 0), (1, v > 0), (2, v < 0), (8, after & (v * asign > 0))):
            tot = np.bincount(d, weights=np.where(chosen, w, 0.0), minlength=n_docs)
            dc = d[chosen]
            parts.append((dc, np.full(len(dc), f, dtype=np.int64), s_[chosen], e_[chosen],
                          w[chosen] / tot[dc]))
        return tuple(np.concatenate(a) for a in zip(*parts))

    def _doc_level(self, docs: list[Doc], tb: "_TokenBatch",
                   dense: np.ndarray) -> tuple[np.ndarray, ...]:
        """Emphasis, token-kind, length and cue features (from the components' per-doc
        annotations) into ``dense``; the cue spans' provenance rows."""
        p_doc: list[int] = []
        p_feat: list[int] = []
        p_start: list[int] = []
        p_end: list[int] = []
        p_share: list[float] = []
        n_docs = len(docs)
        emph = np.zeros((n_docs, 4))
        starts, ends = tb.start, tb.end
        # token kinds of the whole batch (docs without the annotation contribute nothing)
        kinds = [get_annotation(doc, "hs_kinds") for doc in docs]
        have = [k is not None for k in kinds]
        present = np.zeros((n_docs, 8))
        index = self.__dict__.get("_dense_index")
        if index is None:
            index = self.__dict__["_dense_index"] = {name: i for i, name in
                                                     enumerate(self._dense_names())}
        if any(have):
            k_all = np.concatenate([np.asarray(k, dtype=np.int64) for k in kinds if k is not None])
            k_doc = np.repeat(np.flatnonzero(have), [len(k) for k in kinds if k is not None])
            present = np.bincount(k_doc * 8 + k_all, minlength=n_docs * 8).reshape(n_docs, 8)
        for i, doc in enumerate(docs):
            e = get_annotation(doc, "hs_emphasis")
            if e is not None:
                emph[i] = e
            cues = get_annotation(doc, "hs_cues")
            if not cues:
                continue
            base = int(tb.bounds[i])
            by_feat: dict[int, list[tuple[int, int]]] = {}
            for signal, sign, start, end, negated in cues:
                f = index.get(f"cue:{signal}{'+' if sign > 0 else '-'}"
                              f"{':neg' if negated else ''}")
                if f is not None:
                    by_feat.setdefault(f, []).append((int(starts[base + start]),
                                                      int(ends[base + end - 1])))
            for f, spans in by_feat.items():
                dense[i, f] = min(len(spans), 3) / 1.5
                for s, e in spans:
                    p_doc.append(i); p_feat.append(f); p_start.append(s); p_end.append(e)
                    p_share.append(1.0 / len(spans))
        dense[:, 9] = np.log1p(emph[:, 0]) / 2.0
        dense[:, 10] = np.minimum(emph[:, 1], 2) / 2.0
        dense[:, 11] = np.log1p(emph[:, 2]) / 2.0
        dense[:, 12] = np.log1p(emph[:, 3])
        dense[:, 13] = present[:, KIND_HANDLE] > 0
        dense[:, 14] = present[:, KIND_URL] > 0
        dense[:, 15] = (present[:, KIND_EMOJI] + present[:, KIND_EMOTICON]) > 0
        dense[:, 16] = present[:, KIND_NUMBER] > 0
        dense[:, 17] = np.log1p(np.maximum(np.diff(tb.bounds), 1)) / 5.0
        return (np.asarray(p_doc, dtype=np.int64), np.asarray(p_feat, dtype=np.int64),
                np.asarray(p_start, dtype=np.int64), np.asarray(p_end, dtype=np.int64),
                np.asarray(p_share, dtype=np.float64))


@dataclass(frozen=True)
class _TokenBatch:
    """A batch's tokens as parallel arrays (docs concatenated; ``bounds``: doc offsets)."""

    doc: np.ndarray
    bounds: np.ndarray
    key: np.ndarray
    start: np.ndarray
    end: np.ndarray
    negated: np.ndarray
    valence: np.ndarray
    contrast: np.ndarray


def _decode(keys: np.ndarray, n: int, names: list[str]) -> list[str]:
    """Packed training n-gram keys → feature strings ("NEG_" marks odd, negated ids)."""
    out = []
    for key in keys.tolist():
        parts = []
        for _ in range(n):
            key, part = divmod(key, _UID_BASE)
            parts.append(names[part // 2] if part % 2 == 0 else "NEG_" + names[part // 2])
        out.append(" ".join(reversed(parts)))
    return out


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
