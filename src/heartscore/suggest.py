"""What to label next: the rows a model is least sure about.

Uncertainty of a row is the largest normalised entropy over its five label distributions
(1 = the model has no idea on some label, 0 = certain on all). Rows are ranked by it; exact
repeats (after lowercasing and squeezing spaces) are taken once, so the list is not a
hundred copies of one template. Rows without usable text are never suggested.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import InputError
from .evaluation import uncertainty
from .model import Model

__all__ = ["suggest"]


def suggest(model: Model, df: pd.DataFrame, *, text_column: str = "text", n: int = 200,
            chunksize: int = 5000) -> pd.DataFrame:
    """The ``n`` rows of ``df`` to label next, most uncertain first, with their original
    columns plus ``uncertainty`` and the model's current guesses (``polarity``, signals)."""
    if n < 1:
        raise InputError(f"-n must be at least 1, got {n}")
    if text_column not in df.columns:
        raise InputError(f"no column {text_column!r}; columns are "
                         f"{', '.join(map(str, df.columns))}")
    schema = model.schema
    texts = df[text_column]
    ok = texts.map(lambda t: isinstance(t, str) and bool(t.strip())).to_numpy()
    rows = np.flatnonzero(ok)
    scores = np.zeros(len(rows))
    guesses: dict[str, list] = {label: [] for label in schema.labels}
    for start in range(0, len(rows), chunksize):
        part = rows[start:start + chunksize]
        cols = model.score_columns(texts.iloc[part].tolist())
        probas = [np.column_stack([cols[f"p_{label}_{c}"] for c in schema.classes(label)])
                  .astype(float) for label in schema.labels]
        scores[start:start + len(part)] = uncertainty(probas)
        for label in schema.labels:
            guesses[label].extend(cols[label].tolist())
    order = np.argsort(-scores, kind="stable")
    seen: set[str] = set()
    chosen = []
    for k in order:
        key = " ".join(str(texts.iloc[rows[k]]).lower().split())
        if key in seen:
            continue
        seen.add(key)
        chosen.append(k)
        if len(chosen) == n:
            break
    out = df.iloc[rows[chosen]].copy()
    out["uncertainty"] = np.round(scores[chosen], 4)
    for label in schema.labels:
        out[f"guess_{label}"] = [guesses[label][k] for k in chosen]
    return out
