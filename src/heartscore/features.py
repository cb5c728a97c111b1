"""Docs → sparse feature matrix, feature names and per-doc provenance (feature → char spans).

Features (all computed from the Doc annotations of :mod:`heartscore.components`):

- lemma unigrams and bigrams, ``NEG_``-marked inside a negation scope; brand, place and
  person names, @handles and URLs are masked (never features);
- cue-lexicon matches per signal, sign and negation (``cue:seen-:neg``);
- valence from VADER's published lexicon (Hutto & Gilbert 2014, MIT licence), negation-
  flipped with VADER's own scalar and weighted around "but", used as *features*;
- emphasis (!, ?, ALL CAPS, elongation), token kinds (handle, URL, emoji, number), length.

Per-word values are cached per lexeme (``orth``) so each distinct word is looked up once.
This module never calls ``nlp``: it receives finished Docs.
"""
from __future__ import annotations

import gzip
import json
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from spacy.attrs import IDX, ORTH
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc

from .components import (KIND_EMOJI, KIND_EMOTICON, KIND_HANDLE, KIND_HASHTAG, KIND_NUMBER,
                         KIND_PUNCT, KIND_URL, KIND_WORD, negation_flags, token_kind)
from .errors import InputError
from .labels import CORE_SIGNALS

__all__ = ["DocFeaturizer", "Provenance", "load_names", "load_valence", "load_lemmas",
           "DENSE_FEATURES"]

# VADER's constants (vaderSentiment.py): negation scalar and the "but" weights.
N_SCALAR = -0.74
BUT_BEFORE, BUT_AFTER = 0.5, 1.5
VADER_ALPHA = 15.0  # normalisation constant of VADER's compound score

_SENT_END = {".", "!", "?", "\n", "…"}
_CONTRAST = {"but", "however", "although", "though", "yet"}

DENSE_FEATURES: tuple[str, ...] = (
    "val:compound", "val:pos", "val:neg", "val:pos_share", "val:neg_share", "val:negated",
    "val:min", "val:max", "val:after_but",
    "emph:exclaim", "emph:question", "emph:caps", "emph:elongated",
    "kind:handle", "kind:url", "kind:emoji", "kind:number", "len:log",
    *(f"cue:{s}{'+' if sign > 0 else '-'}{neg}" for s in CORE_SIGNALS for sign in (1, -1)
      for neg in ("", ":neg")),
)
_DENSE_INDEX = {name: i for i, name in enumerate(DENSE_FEATURES)}
_CACHE_LIMIT = 100_000  # per-lexeme caches stay bounded on streams of one-off tokens
_UID_BASE = 1 << 20  # n-gram keys: ids packed base 2**20 (up to 2**20 lemma parts)
_VALENCE_SLICE = slice(0, 9)
_CUE_SLICE = slice(DENSE_FEATURES.index("len:log") + 1, len(DENSE_FEATURES))


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
    """

    def __init__(self, *, ngram_range: tuple[int, int] = (1, 2), min_df: int = 2,
                 max_features: int | None = 20000, mask_names: bool = True,
                 cue_weight: float = 1.0, lexicon_weight: float = 1.0) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.mask_names = mask_names
        self.cue_weight = cue_weight
        self.lexicon_weight = lexicon_weight

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
        self._cache: dict = {}
        self._id_cache: dict = {}
        for derived in ("_uid_of", "_uni_col", "_gram_keys", "_uninformative_mask"):
            self.__dict__.pop(derived, None)
        df: dict[str, int] = {}
        for doc in docs:
            grams = {g for g, _, _ in self._ngrams(self._analyse(doc)[0])}
            for g in grams:
                df[g] = df.get(g, 0) + 1
        kept = [g for g, n in df.items() if n >= self.min_df]
        kept.sort(key=lambda g: (-df[g], g))
        if self.max_features is not None:
            kept = kept[: self.max_features]
        kept.sort()
        offset = len(DENSE_FEATURES)
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
        return np.asarray([*DENSE_FEATURES, *grams], dtype=object)

    def transform(self, docs: Sequence[Doc]) -> sp.csr_matrix:
        """Docs → sparse feature matrix (rows in input order)."""
        return self.transform_with_provenance(docs)[0]

    # ------------------------------------------------------------------ transform
    def transform_with_provenance(self, docs: Sequence[Doc]) -> tuple[sp.csr_matrix, Provenance]:
        """Docs → (X, provenance of every non-zero n-gram, cue and valence feature).

        One Python pass per token reads cached per-lexeme ids; n-gram look-ups, counts and
        provenance are then computed for the whole batch with numpy."""
        self._check_fitted()
        docs = _check_docs(docs)
        n_dense = len(DENSE_FEATURES)
        dense = np.zeros((len(docs), n_dense), dtype=np.float64)
        d_doc: list[int] = []
        d_feat: list[int] = []
        d_start: list[int] = []
        d_end: list[int] = []
        d_share: list[float] = []
        uid_parts, start_parts, end_parts, doc_parts = [], [], [], []
        for i, doc in enumerate(docs):
            uids, starts, ends, vinfo = self._analyse_ids(doc)
            uid_parts.append(uids)
            start_parts.append(starts)
            end_parts.append(ends)
            doc_parts.append(len(uids))
            self._dense(doc, vinfo, dense[i], i, (d_doc, d_feat, d_start, d_end, d_share))
        dense[:, _VALENCE_SLICE] *= self.lexicon_weight
        dense[:, _CUE_SLICE] *= self.cue_weight
        # ---- n-grams for the whole batch
        tok_uid = np.fromiter((u for part in uid_parts for u in part), dtype=np.int64)
        tok_start = np.fromiter((x for part in start_parts for x in part), dtype=np.int64)
        tok_end = np.fromiter((x for part in end_parts for x in part), dtype=np.int64)
        tok_doc = np.repeat(np.arange(len(docs), dtype=np.int64), doc_parts)
        occ = []
        lo, hi = self.ngram_range
        if lo == 1 and len(tok_uid):
            ok = tok_uid >= 0
            col = np.full(len(tok_uid), -1, dtype=np.int64)
            col[ok] = self._uni_col[tok_uid[ok]]
            m = col >= 0
            occ.append((tok_doc[m], col[m], tok_start[m], tok_end[m]))
        for k in range(1, hi):  # bigrams (and trigrams when ngram_range allows)
            if k + 1 < lo or len(tok_uid) <= k:
                continue
            same = tok_doc[:-k] == tok_doc[k:]
            key = np.zeros(len(tok_uid) - k, dtype=np.int64)
            ok = same.copy()
            for off in range(k + 1):
                part = tok_uid[off:len(tok_uid) - k + off]
                ok &= part >= 0
                key = key * _UID_BASE + np.where(part >= 0, part, 0)
            keys, cols = self._gram_keys[k + 1]
            idx = np.searchsorted(keys, key)
            idx_c = np.minimum(idx, max(len(keys) - 1, 0))
            hit = ok & (len(keys) > 0) & (keys[idx_c] == key) if len(keys) else ok & False
            occ.append((tok_doc[:-k][hit], cols[idx_c[hit]], tok_start[:-k][hit],
                        tok_end[k:][hit]))
        if occ:
            o_doc = np.concatenate([o[0] for o in occ])
            o_col = np.concatenate([o[1] for o in occ])
            o_start = np.concatenate([o[2] for o in occ])
            o_end = np.concatenate([o[3] for o in occ])
        else:
            o_doc = o_col = o_start = o_end = np.zeros(0, dtype=np.int64)
        F = self.n_features_out_
        pair, inv, cnt = np.unique(o_doc * F + o_col, return_inverse=True, return_counts=True)
        g_vals = np.where(cnt > 1, 1.0 + np.log(np.maximum(cnt, 1)), 1.0)
        nz_r, nz_c = np.nonzero(dense)
        rows = np.concatenate([pair // F, nz_r])
        cols = np.concatenate([pair % F, nz_c])
        vals = np.concatenate([g_vals, dense[nz_r, nz_c]])
        X = sp.csr_matrix((vals, (rows, cols)), shape=(len(docs), F))
        informative = ~self._uninformative_mask[o_col]
        dd, df_ = np.asarray(d_doc, dtype=np.int64), np.asarray(d_feat, dtype=np.int64)
        prov = Provenance(
            np.concatenate([o_doc[informative], dd]),
            np.concatenate([o_col[informative], df_]),
            np.concatenate([o_start[informative], np.asarray(d_start, dtype=np.int64)]),
            np.concatenate([o_end[informative], np.asarray(d_end, dtype=np.int64)]),
            np.concatenate([(1.0 / cnt[inv])[informative], np.asarray(d_share, dtype=float)]),
            np.concatenate([g_vals[inv][informative], dense[dd, df_]]))
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

    def _analyse_ids(self, doc: Doc):
        """Like :meth:`_analyse`, with n-gram parts as vocabulary ids (-1: none/masked)."""
        if "_uid_of" not in self.__dict__:
            self._build_ids()
        return self._scan(doc, self._id_cache, self._word_ids, -1)

    def _word_ids(self, orth: int, text: str) -> tuple:
        """:meth:`_word` with the lemma keys replaced by vocabulary ids (-1: none)."""
        lemma, neg_lemma, *rest = self._cache.get(orth) or self._word(orth, text)
        uid = self._uid_of.get(lemma, -1) if lemma is not None else -1
        neg_uid = self._uid_of.get(neg_lemma, -1) if neg_lemma is not None else -1
        out = (uid, neg_uid, *rest)
        if orth in self._cache and len(self._id_cache) < _CACHE_LIMIT:
            self._id_cache[orth] = out
        return out

    # ------------------------------------------------------------------ internals
    def _check_fitted(self) -> None:
        if not hasattr(self, "vocabulary_"):
            from sklearn.exceptions import NotFittedError
            raise NotFittedError("DocFeaturizer is not fitted yet; call fit(docs) first")

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        for derived in ("_cache", "_id_cache", "_uid_of", "_uni_col", "_gram_keys",
                        "_uninformative_mask"):
            state.pop(derived, None)
        state.pop("_lemma_table", None)  # reloaded from spacy-lookups-data when needed
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._cache = {}
        self._id_cache = {}

    @property
    def _lemmas(self) -> dict[str, str]:
        """The lemma table, loaded on first use (a parent process that only hands work to
        workers never pays for it)."""
        table = self.__dict__.get("_lemma_table")
        if table is None:
            table = self.__dict__["_lemma_table"] = load_lemmas()
        return table

    def _word(self, orth: int, text: str) -> tuple:
        """Per-lexeme facts, cached by orth: (lemma feature or None when masked, its
        ``NEG_`` form, valence, length, capitalised-unknown, contrastive, sentence end)."""
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
        out = (lemma, None if lemma is None else "NEG_" + lemma, valence, len(text),
               cap_unknown, lower in _CONTRAST, text in _SENT_END or text.isspace())
        if kind not in (KIND_NUMBER, KIND_URL, KIND_HANDLE) and len(self._cache) < _CACHE_LIMIT:
            self._cache[orth] = out
        return out

    def _analyse(self, doc: Doc):
        """Token units (feature string or None as a chain break, start, end) for n-grams,
        and valence info (valence after negation, start, end, negated, contrastive)."""
        keys, starts, ends, vinfo = self._scan(doc, self._cache, self._word, None)
        units = [(k, s, e) if k is not None else (None, 0, 0)
                 for k, s, e in zip(keys, starts, ends)]
        return units, vinfo

    def _scan(self, doc: Doc, cache: dict, compute, masked):
        """One pass over a Doc's tokens reading cached per-lexeme facts ``(plain key,
        negated key, valence, length, capitalised-unknown, contrastive, sentence end)``:
        the n-gram key of each token (its negated form inside a negation scope, ``masked``
        for names), its character span, and its valence entry."""
        neg = doc._.hs_negated if doc.has_extension("hs_negated") else None
        if neg is None:
            neg = negation_flags([t.lower_ for t in doc])
        arr = doc.to_array([ORTH, IDX]).tolist()
        keys: list = []
        starts: list[int] = []
        ends: list[int] = []
        vinfo = []
        prev_end_sentence = True
        mask = self.mask_names
        strings = doc.vocab.strings
        for i, (orth, idx) in enumerate(arr):
            w = cache.get(orth)
            if w is None:
                w = compute(orth, strings[orth])
            key, neg_key, valence, length, cap_unknown, contrast, sent_end = w
            negated = neg[i] == 1
            if mask and cap_unknown and not prev_end_sentence:
                keys.append(masked)  # a capitalised unknown word mid-sentence: a name
            else:
                keys.append(neg_key if negated else key)
            starts.append(idx)
            ends.append(idx + length)
            if valence:
                vinfo.append((valence * N_SCALAR if negated else valence, idx, idx + length,
                              negated, contrast))
            elif contrast:
                vinfo.append((0.0, idx, idx, False, True))
            prev_end_sentence = sent_end
        return keys, starts, ends, vinfo

    def _ngrams(self, units):
        lo, hi = self.ngram_range
        n = len(units)
        for i in range(n):
            g0, s0, _ = units[i]
            if g0 is None:
                continue
            if lo == 1:
                yield g0, s0, units[i][2]
            parts = [g0]
            for k in range(1, hi):
                if i + k >= n or units[i + k][0] is None:
                    break
                parts.append(units[i + k][0])
                if k + 1 >= lo:
                    yield " ".join(parts), s0, units[i + k][2]

    def _dense(self, doc: Doc, vinfo, row: np.ndarray, i: int, prov) -> None:
        p_doc, p_feat, p_start, p_end, p_share = prov
        # valence, weighted around the last contrastive word as VADER does with "but"
        but_at = max((k for k, v in enumerate(vinfo) if v[4]), default=-1)
        vals = []
        for k, (v, s, e, negated, _) in enumerate(vinfo):
            if v == 0.0:
                continue
            w = 1.0 if but_at < 0 else (BUT_BEFORE if k < but_at else BUT_AFTER)
            vals.append((v * w, s, e, negated, k > but_at >= 0))
        n_tok = max(1, len(doc))
        if vals:
            total = sum(v for v, *_ in vals)
            pos = sum(v for v, *_ in vals if v > 0)
            negs = -sum(v for v, *_ in vals if v < 0)
            after = sum(v for v, _, _, _, a in vals if a)
            row[0] = total / math.sqrt(total * total + VADER_ALPHA)
            row[1] = pos / (pos + 4.0)
            row[2] = negs / (negs + 4.0)
            row[3] = sum(1 for v, *_ in vals if v > 0) / n_tok
            row[4] = sum(1 for v, *_ in vals if v < 0) / n_tok
            row[5] = min(1.0, sum(1 for *_, ng, _ in vals if ng) / 3.0)
            row[6] = min(v for v, *_ in vals) / 4.0
            row[7] = max(v for v, *_ in vals) / 4.0
            row[8] = after / math.sqrt(after * after + VADER_ALPHA) if after else 0.0
            sign = 1.0 if total >= 0 else -1.0
            weight_all = sum(abs(v) for v, *_ in vals)
            for f, pick in ((0, lambda v: v * sign > 0), (1, lambda v: v > 0),
                            (2, lambda v: v < 0), (8, None)):
                chosen = [(v, s, e) for v, s, e, _, a in vals
                          if (pick(v) if pick else a and v * (1 if after >= 0 else -1) > 0)]
                tot = sum(abs(v) for v, _, _ in chosen) or weight_all
                for v, s, e in chosen:
                    p_doc.append(i); p_feat.append(f); p_start.append(s); p_end.append(e)
                    p_share.append(abs(v) / tot)
        emph = doc._.hs_emphasis if doc.has_extension("hs_emphasis") else None
        if emph is not None:
            excl, quest, caps, elong = emph
            row[9] = math.log1p(excl) / 2.0
            row[10] = min(quest, 2) / 2.0
            row[11] = math.log1p(caps) / 2.0
            row[12] = math.log1p(elong)
        kinds = doc._.hs_kinds if doc.has_extension("hs_kinds") else None
        if kinds is not None:
            row[13] = float(KIND_HANDLE in kinds)
            row[14] = float(KIND_URL in kinds)
            row[15] = float(KIND_EMOJI in kinds or KIND_EMOTICON in kinds)
            row[16] = float(KIND_NUMBER in kinds)
        row[17] = math.log1p(n_tok) / 5.0
        cues = doc._.hs_cues if doc.has_extension("hs_cues") else None
        if cues:
            by_feat: dict[int, list[tuple[int, int]]] = {}
            for signal, sign, start, end, negated in cues:
                name = f"cue:{signal}{'+' if sign > 0 else '-'}{':neg' if negated else ''}"
                f = _DENSE_INDEX.get(name)
                if f is None:
                    continue
                span = doc[start:end]
                by_feat.setdefault(f, []).append((span.start_char, span.end_char))
            for f, spans in by_feat.items():
                row[f] = min(len(spans), 3) / 1.5
                for s, e in spans:
                    p_doc.append(i); p_feat.append(f); p_start.append(s); p_end.append(e)
                    p_share.append(1.0 / len(spans))


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
