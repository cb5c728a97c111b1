"""Evidence: the character spans that pushed each text towards its decided class.

A linear head's contribution of a feature to class c is ``value × (w_c − mean_k w_k)``; the
featurizer's :class:`~heartscore.features.Provenance` splits each feature's value among the
spans it came from, so the contributions add up per span. Per text, spans are ranked by
their summed contribution and the strongest ``top_k`` that do not overlap a stronger one
are kept.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .featurize import Provenance

if TYPE_CHECKING:  # heads are duck-typed: coef_ and classes_ (scoring never imports sklearn)
    from sklearn.linear_model import LogisticRegression

__all__ = ["evidence_spans", "full_coef"]


def evidence_spans(coef: np.ndarray, prov: Provenance, idx: np.ndarray, neutral: int, n: int,
                   top_k: int) -> list[list[tuple[int, int, float]]]:
    """Spans that pushed each text towards its decided class ``idx``, strongest first; only
    for texts whose decision is not the ``neutral`` class (nothing to explain there).

    ``coef`` is the head's (n_classes, n_features) weights (:func:`full_coef`); ``n`` the
    number of texts. Each span is (start, end, weight rounded to 4 decimals)."""
    out: list[list[tuple[int, int, float]]] = [[] for _ in range(n)]
    active = idx != neutral
    if len(prov.doc) == 0 or not active.any():
        return out
    m = active[prov.doc]
    d, f = prov.doc[m], prov.feature[m]
    D = coef - coef.mean(axis=0, keepdims=True)
    score = prov.value[m] * D[idx[d], f] * prov.share[m]
    keep = score > 0.05
    d, s, e, sc = d[keep], prov.start[m][keep], prov.end[m][keep], score[keep]
    if not len(d):
        return out
    # sum the scores of identical spans of a doc (char offsets < 2**20: MAX_CHARS is 1e5)
    packed = (d << 40) | (s << 20) | e
    _, first, inv = np.unique(packed, return_index=True, return_inverse=True)
    total = np.bincount(inv.reshape(-1), weights=sc)
    g_doc, g_start, g_end = d[first], s[first], e[first]
    # per doc, strongest first; ties keep the order the spans were first seen in
    order = np.lexsort((first, -total, g_doc))
    g_doc, g_start, g_end, total = g_doc[order], g_start[order], g_end[order], total[order]
    cuts = np.flatnonzero(np.diff(g_doc)) + 1
    first_of = np.r_[0, cuts]
    docs, g_start, g_end = g_doc[first_of].tolist(), g_start.tolist(), g_end.tolist()
    total = total.tolist()
    for di, a, b in zip(docs, first_of.tolist(), np.r_[cuts, len(g_doc)].tolist()):
        chosen: list[tuple[int, int, float]] = [(g_start[a], g_end[a], round(total[a], 4))]
        for j in range(a + 1, b):
            if len(chosen) == top_k:
                break
            si, ei = g_start[j], g_end[j]
            for cs, ce, _ in chosen:
                if si < ce and cs < ei:
                    break  # overlapping a stronger span already chosen
            else:
                chosen.append((si, ei, round(total[j], 4)))
        out[di] = chosen
    return out


def full_coef(head: LogisticRegression, n_classes: int) -> np.ndarray:
    """A head's weights as (n_classes, n_features), also for a binary head or a head that
    saw fewer classes than the label has (absent classes get zero weights)."""
    coef = head.coef_
    if coef.shape[0] == 1:  # binary head: class 1 against class 0
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
    full = np.zeros((n_classes, coef.shape[1]))
    full[head.classes_] = coef
    return full
