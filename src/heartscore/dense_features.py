"""The dense features of :class:`heartscore.features.DocFeaturizer`: their names and arithmetic.

- valence from VADER's published lexicon (Hutto & Gilbert 2014, MIT licence), negation-
  flipped with VADER's own scalar and weighted around "but";
- emphasis (!, ?, ALL CAPS, elongation), token kinds (handle, URL, emoji, number), length;
- cue-lexicon matches per signal, sign and negation (``cue:seen-:neg``).

Each function fills its columns of a batch's dense block from a :class:`TokenBatch` and the
Docs' annotations, and returns the provenance rows (doc, feature, start, end, share) of the
features that come from words.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from spacy.tokens import Doc

from .labels import CORE_SIGNALS
from .nlp.annotator import token_emphasis
from .nlp.tokens import (KIND_EMOJI, KIND_EMOTICON, KIND_HANDLE, KIND_NUMBER, KIND_URL,
                         get_annotation)
from .word_facts import TokenBatch

if TYPE_CHECKING:
    from .preprocess import Sentences

__all__ = ["DENSE_FEATURES", "COL", "cue_features", "valence_features", "doc_features",
           "VALENCE_SLICE", "CUE_START"]

# VADER's constants (vaderSentiment.py): negation scalar and the "but" weights.
N_SCALAR = -0.74
BUT_BEFORE, BUT_AFTER = 0.5, 1.5
VADER_ALPHA = 15.0  # normalisation constant of VADER's compound score


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
#: Dense feature name → column: the arithmetic below addresses columns by name.
COL = {name: i for i, name in enumerate(DENSE_FEATURES)}
#: The valence columns; the cue columns run from CUE_START to the n-grams.
VALENCE_SLICE = slice(COL["val:compound"], COL["val:after_but"] + 1)
CUE_START = COL["len:log"] + 1


def valence_features(tb: TokenBatch, dense: np.ndarray) -> tuple[np.ndarray, ...]:
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
    dense[h, COL["val:compound"]] = total[h] / np.sqrt(total[h] * total[h] + VADER_ALPHA)
    dense[h, COL["val:pos"]] = pos[h] / (pos[h] + 4.0)
    dense[h, COL["val:neg"]] = negs[h] / (negs[h] + 4.0)
    dense[h, COL["val:pos_share"]] = np.bincount(d[v > 0], minlength=n_docs)[h] / n_tok[h]
    dense[h, COL["val:neg_share"]] = np.bincount(d[v < 0], minlength=n_docs)[h] / n_tok[h]
    dense[h, COL["val:negated"]] = np.minimum(1.0,
                                              np.bincount(d[negd], minlength=n_docs)[h] / 3.0)
    dense[h, COL["val:min"]] = vmin[h] / 4.0
    dense[h, COL["val:max"]] = vmax[h] / 4.0
    ha = h & (aft != 0)
    dense[ha, COL["val:after_but"]] = aft[ha] / np.sqrt(aft[ha] * aft[ha] + VADER_ALPHA)
    # provenance: each valence feature's value split among its words by |valence|
    sign = np.where(total >= 0, 1.0, -1.0)[d]
    asign = np.where(aft >= 0, 1.0, -1.0)[d]
    w = np.abs(v)
    parts = []
    for f, chosen in ((COL["val:compound"], v * sign > 0), (COL["val:pos"], v > 0),
                      (COL["val:neg"], v < 0), (COL["val:after_but"], after & (v * asign > 0))):
        tot = np.bincount(d, weights=np.where(chosen, w, 0.0), minlength=n_docs)
        dc = d[chosen]
        parts.append((dc, np.full(len(dc), f, dtype=np.int64), s_[chosen], e_[chosen],
                      w[chosen] / tot[dc]))
    return tuple(np.concatenate(a) for a in zip(*parts))


def doc_features(docs: list[Doc], tb: TokenBatch, dense: np.ndarray,
                 index: dict[str, int], units: Sentences | None = None
                 ) -> tuple[np.ndarray, ...]:
    """Emphasis, token-kind, length and cue features (from the components' per-doc
    annotations) into ``dense``; the cue spans' provenance rows. ``index``: dense feature
    name → column (cue features of labels not in it are left out). ``tb``: the Docs' own
    token batch. With ``units``, a row of ``dense`` (and of the provenance) is a sentence
    (:func:`heartscore.preprocess.sentences`), not a Doc."""
    p_doc: list[int] = []
    p_feat: list[int] = []
    p_start: list[int] = []
    p_end: list[int] = []
    p_share: list[float] = []
    n_rows = len(dense)
    starts, ends = tb.start, tb.end
    # the row of each token of the batch (-1: a dropped sentence's token)
    row = tb.doc if units is None else units.token_unit
    kept = row >= 0
    # token kinds of the whole batch (docs without the annotation contribute nothing)
    kinds = [get_annotation(doc, "hs_kinds") for doc in docs]
    present = np.zeros((n_rows, 8))
    if any(k is not None for k in kinds):
        k_all = np.concatenate([np.asarray(k, dtype=np.int64) if k is not None
                                else np.full(len(d), -1, dtype=np.int64)
                                for k, d in zip(kinds, docs)])
        m = kept & (k_all >= 0)
        present = np.bincount(row[m] * 8 + k_all[m], minlength=n_rows * 8).reshape(n_rows, 8)
    if units is None:
        emph = np.zeros((n_rows, 4))
        for i, doc in enumerate(docs):
            e = get_annotation(doc, "hs_emphasis")
            if e is not None:
                emph[i] = e
    else:  # per sentence: the same counts, summed over its tokens
        per_token = token_emphasis(tb.orth, docs[0].vocab.strings if docs else None)
        # a Doc without the annotation counts none, as when read whole
        annotated = np.repeat(np.array([get_annotation(d, "hs_emphasis") is not None
                                        for d in docs], dtype=bool),
                              np.array([len(d) for d in docs], dtype=np.int64))
        m = kept & annotated
        emph = np.stack([np.bincount(row[m], weights=per_token[m, k], minlength=n_rows)
                         for k in range(4)], axis=1)
    for i, doc in enumerate(docs):
        cues = get_annotation(doc, "hs_cues")
        if not cues:
            continue
        base = int(tb.bounds[i])
        by_feat: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for signal, sign, start, end, negated in cues:
            f = index.get(f"cue:{signal}{'+' if sign > 0 else '-'}"
                          f"{':neg' if negated else ''}")
            r = int(row[base + start])
            if f is not None and r >= 0:  # a cue belongs to the sentence it starts in
                by_feat.setdefault((r, f), []).append((int(starts[base + start]),
                                                       int(ends[base + end - 1])))
        for (r, f), spans in by_feat.items():
            dense[r, f] = min(len(spans), 3) / 1.5
            for s, e in spans:
                p_doc.append(r); p_feat.append(f); p_start.append(s); p_end.append(e)
                p_share.append(1.0 / len(spans))
    n_tok = np.bincount(row[kept], minlength=n_rows)
    dense[:, COL["emph:exclaim"]] = np.log1p(emph[:, 0]) / 2.0
    dense[:, COL["emph:question"]] = np.minimum(emph[:, 1], 2) / 2.0
    dense[:, COL["emph:caps"]] = np.log1p(emph[:, 2]) / 2.0
    dense[:, COL["emph:elongated"]] = np.log1p(emph[:, 3])
    dense[:, COL["kind:handle"]] = present[:, KIND_HANDLE] > 0
    dense[:, COL["kind:url"]] = present[:, KIND_URL] > 0
    dense[:, COL["kind:emoji"]] = (present[:, KIND_EMOJI] + present[:, KIND_EMOTICON]) > 0
    dense[:, COL["kind:number"]] = present[:, KIND_NUMBER] > 0
    dense[:, COL["len:log"]] = np.log1p(np.maximum(n_tok, 1)) / 5.0
    return (np.asarray(p_doc, dtype=np.int64), np.asarray(p_feat, dtype=np.int64),
            np.asarray(p_start, dtype=np.int64), np.asarray(p_end, dtype=np.int64),
            np.asarray(p_share, dtype=np.float64))
