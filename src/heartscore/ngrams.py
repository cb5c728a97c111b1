"""Lemma n-grams of a token batch as packed integer keys, and their vocabulary look-up.

A gram's key packs its parts' ids base ``2**20`` (``UID_BASE``), so every n-gram of a whole
batch is found, looked up in the fitted vocabulary and counted per doc by array arithmetic
(:class:`heartscore.features.DocFeaturizer` uses these functions; the per-word ids come from
:mod:`heartscore.word_facts`).
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .word_facts import TokenBatch

__all__ = ["UID_BASE", "gram_occurrences", "decode", "gram_index", "vocabulary_occurrences",
           "gram_counts"]

UID_BASE = 1 << 20  # n-gram keys: ids packed base 2**20 (up to 2**20 lemma parts)


def gram_occurrences(tb: TokenBatch, ngram_range: tuple[int, int]) -> dict[int, tuple]:
    """n → (doc, packed key, start, end) of every n-gram occurrence, in token order;
    a gram never spans a -1 key or two docs."""
    lo = ngram_range[0]
    out = {}
    key, doc, n_tok = tb.key, tb.doc, len(tb.key)
    if lo == 1:
        m = key >= 0
        out[1] = (doc[m], key[m], tb.start[m], tb.end[m])
    for k in range(1, ngram_range[1]):  # bigrams (and trigrams when allowed)
        if k + 1 < lo or n_tok <= k:
            continue
        ok = doc[:-k] == doc[k:]
        packed = np.zeros(n_tok - k, dtype=np.int64)
        for off in range(k + 1):
            part = key[off:n_tok - k + off]
            ok &= part >= 0
            packed = packed * UID_BASE + np.where(part >= 0, part, 0)
        out[k + 1] = (doc[:-k][ok], packed[ok], tb.start[:-k][ok], tb.end[k:][ok])
    return out


def decode(keys: np.ndarray, n: int, names: list[str]) -> list[str]:
    """Packed training n-gram keys → feature strings ("NEG_" marks odd, negated ids)."""
    out = []
    for key in keys.tolist():
        parts = []
        for _ in range(n):
            key, part = divmod(key, UID_BASE)
            parts.append(names[part // 2] if part % 2 == 0 else "NEG_" + names[part // 2])
        out.append(" ".join(reversed(parts)))
    return out


def gram_index(vocabulary: Mapping[str, int]) -> tuple[dict[str, int], np.ndarray, dict]:
    """Integer ids of the vocabulary's lemma parts, for batch n-gram look-ups: (part → id,
    unigram column per id or -1, n → (sorted packed keys, their columns))."""
    uids: dict[str, int] = {}
    for g in vocabulary:
        for part in g.split(" "):
            uids.setdefault(part, len(uids))
    uni = np.full(len(uids), -1, dtype=np.int64)
    grams: dict[int, tuple[list[int], list[int]]] = {}
    for g, col in vocabulary.items():
        parts = g.split(" ")
        if len(parts) == 1:
            uni[uids[parts[0]]] = col
        else:
            key = 0
            for part in parts:
                key = key * UID_BASE + uids[part]
            grams.setdefault(len(parts), ([], []))
            grams[len(parts)][0].append(key)
            grams[len(parts)][1].append(col)
    gram_keys = {}
    for n in range(2, 4):
        keys, cols = grams.get(n, ([], []))
        order = np.argsort(np.asarray(keys, dtype=np.int64), kind="stable")
        gram_keys[n] = (np.asarray(keys, dtype=np.int64)[order],
                        np.asarray(cols, dtype=np.int64)[order])
    return uids, uni, gram_keys


def vocabulary_occurrences(occurrences: dict[int, tuple], uni_col: np.ndarray,
                           gram_keys: dict) -> tuple[np.ndarray, ...]:
    """(doc, column, start, end) of the occurrences whose gram is in the vocabulary."""
    occ = []
    for n, (doc, key, start, end) in occurrences.items():
        if n == 1:
            col = uni_col[key]
            m = col >= 0
        else:
            keys, cols = gram_keys[n]
            if not len(keys):
                continue
            idx = np.minimum(np.searchsorted(keys, key), len(keys) - 1)
            m = keys[idx] == key
            col = cols[idx]
        occ.append((doc[m], col[m], start[m], end[m]))
    if occ:
        return tuple(np.concatenate(parts) for parts in zip(*occ))
    empty = np.zeros(0, dtype=np.int64)
    return empty, empty, empty, empty


def gram_counts(o_doc: np.ndarray, o_col: np.ndarray,
                n_features: int) -> tuple[np.ndarray, ...]:
    """Per (doc, column) pair: the packed pairs, each occurrence's pair index, the counts
    and the values (sublinear: 1 + log(count) when a gram occurs more than once)."""
    pair, inv, cnt = np.unique(o_doc * n_features + o_col, return_inverse=True,
                               return_counts=True)
    inv = inv.reshape(-1)
    g_vals = np.where(cnt > 1, 1.0 + np.log(np.maximum(cnt, 1)), 1.0)
    return pair, inv, cnt, g_vals
