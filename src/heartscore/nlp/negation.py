"""Negation scope: which tokens a negation trigger ("not", "n't", "never", "nobody", …)
reaches. The triggers, scope breakers and window are data (``heartscore/data/cues.json``)."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .cues import NEGATION_TRIGGERS, NEGATION_WINDOW, SCOPE_BREAKERS

__all__ = ["ROLE_NONE", "ROLE_TRIGGER", "ROLE_BREAKER", "negation_role", "negation_flags",
           "negation_scope"]

#: A token's part in negation scope: none, a trigger, a scope breaker.
ROLE_NONE, ROLE_TRIGGER, ROLE_BREAKER = 0, 1, 2


def negation_role(lower: str) -> int:
    """The negation role of a lowercase token."""
    if lower in NEGATION_TRIGGERS or (lower.endswith("n't") and len(lower) > 3):
        return ROLE_TRIGGER
    if lower in SCOPE_BREAKERS:
        return ROLE_BREAKER
    return ROLE_NONE


def negation_flags(lowers: Iterable[str], window: int = NEGATION_WINDOW) -> list[int]:
    """Negation scope over lowercase tokens: 1 for tokens a trigger reaches, 2 for triggers.

    A trigger ("not", "n't", "never", "no", "nobody", "without", …) negates up to ``window``
    following tokens, stopping at clause punctuation or a contrastive word ("but").
    """
    roles = np.fromiter((negation_role(w) for w in lowers), dtype=np.int8)
    return negation_scope(roles, np.zeros(1, dtype=np.int64), window).tolist()


def negation_scope(roles: np.ndarray, doc_starts: np.ndarray, window: int) -> np.ndarray:
    """Vectorised negation scope over a batch of tokens (docs concatenated; ``doc_starts``:
    the first token of each doc). A token is in scope (1) when the last trigger before it
    in its doc is at most ``window`` tokens back with no breaker in between; triggers are 2."""
    n = len(roles)
    if n == 0:
        return np.zeros(0, dtype=np.int8)
    pos = np.arange(n, dtype=np.int64)
    trig = np.where(roles == ROLE_TRIGGER, pos, -1)
    barrier = np.where(roles == ROLE_BREAKER, pos, -1)
    starts = doc_starts[doc_starts < n]
    barrier[starts] = np.maximum(barrier[starts], starts - 1)  # no scope across docs
    last_trig = np.empty(n, dtype=np.int64)
    last_trig[0] = -1
    np.maximum.accumulate(trig[:-1], out=last_trig[1:])
    last_barrier = np.maximum.accumulate(barrier)
    inside = (roles == ROLE_NONE) & (last_trig > last_barrier) & (pos - last_trig <= window)
    out = inside.astype(np.int8)
    out[roles == ROLE_TRIGGER] = 2
    return out
