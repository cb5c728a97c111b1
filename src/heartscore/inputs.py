"""What :class:`~heartscore.classifier.HeartscoreClassifier` takes: ``X``, a 1-D batch of
texts (:func:`check_texts`), and ``y``, an (n, labels) array of polarity strings then signal
values (-1/0/+1), where ``None``, NaN or an empty string means "not labelled for this label".

One place reads these values, so that ``fit``, ``score``, the thresholds and
:func:`heartscore.evaluation.five_label_macro_f1` agree on what a text and a label are.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .errors import InputError, SchemaError
from .labels import LabelSchema

__all__ = ["check_texts", "label_matrix", "is_known", "normalise", "known_values",
           "validation_split", "vocabulary_rows", "VOCABULARY_FROM"]

#: The choices of ``HeartscoreClassifier(vocabulary_from=...)``.
VOCABULARY_FROM = ("signal-labelled", "all")


def check_texts(texts: Any) -> list[str]:
    """Validate a batch of texts: a 1-D sequence of strings (list, 1-D array, Series), not
    a bare string and not a table (whose iteration gives its column names or rows)."""
    if isinstance(texts, (str, bytes)):
        raise InputError("expected a sequence of texts, found a single string; use "
                         "model.score(text) for one text or wrap it in a list")
    if hasattr(texts, "columns"):
        cols = list(texts.columns)
        raise InputError(f"expected a 1-D sequence of texts, found a table with columns "
                         f"{', '.join(map(str, cols))}; pass its text column, e.g. "
                         f"X=df[{str(cols[0]) if cols else 'text'!r}]")
    if getattr(texts, "ndim", 1) != 1:
        raise InputError(f"expected a 1-D sequence of texts, found an array of shape "
                         f"{texts.shape}; pass one column of texts, e.g. X[:, 0]")
    try:
        texts = list(texts)
    except TypeError as exc:
        raise InputError(f"expected a sequence of texts, found {type(texts).__name__}") from exc
    for k, t in enumerate(texts):
        if not isinstance(t, str):
            raise InputError(f"expected text strings, found {type(t).__name__} at position {k}; "
                             "convert or drop non-text rows (score_file reports them per row)")
    # numpy's str_ is a str subclass that spaCy's tokenizer refuses: give it plain str
    return [t if type(t) is str else str(t) for t in texts]


def label_matrix(y: Any, n: int, schema: LabelSchema, *, check_values: bool = False
                 ) -> np.ndarray:
    """``y`` as an (n, labels) object array; a ``SchemaError`` naming the expected columns
    when its shape is not that (and, with ``check_values``, any value not a label)."""
    Y = np.asarray(y, dtype=object)
    if Y.ndim != 2 or Y.shape != (n, len(schema.labels)):
        raise SchemaError(f"expected y of shape ({n}, {len(schema.labels)}) with columns "
                          f"{', '.join(schema.labels)}; found shape {Y.shape}")
    for j, label in enumerate(schema.labels if check_values else ()):
        known_values(Y, j, label, schema.classes(label))
    return Y


def is_known(v: Any) -> bool:
    """Whether a label value is given (not None, NaN, pandas NA or an empty string)."""
    if v is None:
        return False
    if isinstance(v, (float, np.floating)) and np.isnan(v):
        return False
    if type(v).__name__ == "NAType":  # pandas.NA, without importing pandas
        return False
    return not (isinstance(v, str) and v.strip() == "")


def normalise(v: Any, label: str) -> Any:
    """A given label value in the schema's form: polarity lower-case, a signal an int
    (``1.0`` or ``"1"`` → 1); anything else unchanged, for the caller to refuse."""
    if label == "polarity":
        return str(v).strip().lower()
    try:
        f = float(v)
    except (TypeError, ValueError):
        return v
    return int(f) if f.is_integer() else f


def known_values(Y: np.ndarray, j: int, label: str, classes: Sequence[Any] | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Column ``j`` of ``Y``: which rows are labelled, and their normalised values; with
    ``classes``, a ``SchemaError`` naming any value that is not one of them."""
    known = np.array([is_known(v) for v in Y[:, j]], dtype=bool)
    values = np.array([normalise(v, label) for v in Y[known, j]], dtype=object)
    if classes is not None:
        bad = sorted({repr(v) for v in values if v not in classes})
        if bad:
            raise SchemaError(f"label {label!r} has values {', '.join(bad)}; expected one of "
                              f"{', '.join(map(str, classes))}")
    return known, values


def validation_split(Y: np.ndarray, share: Any, random_state: Any
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Row indices (fit, validation): a seeded ``share`` of the rows for validation,
    stratified on polarity when every polarity value has at least two rows."""
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share < 1:
        raise InputError(f"validation_fraction must be a share between 0 and 1 (or None for "
                         f"no thresholds), found {share!r}")
    from sklearn.model_selection import train_test_split
    rows = np.arange(len(Y))
    strata = np.array([str(normalise(v, "polarity")) if is_known(v) else "" for v in Y[:, 0]])
    try:
        fit, val = train_test_split(rows, test_size=share, random_state=random_state,
                                    stratify=strata)
    except ValueError:  # a polarity value with a single row cannot be stratified
        fit, val = train_test_split(rows, test_size=share, random_state=random_state)
    return np.sort(fit), np.sort(val)


def vocabulary_rows(Y: np.ndarray, vocabulary_from: str) -> np.ndarray:
    """Indices of the rows whose words choose the n-gram vocabulary: every row for
    ``"all"``; for ``"signal-labelled"`` the rows with at least one signal label (every row
    when none has one). An :class:`InputError` for any other choice."""
    if vocabulary_from not in VOCABULARY_FROM:
        raise InputError(f"vocabulary_from must be one of {', '.join(VOCABULARY_FROM)}; "
                         f"found {vocabulary_from!r}")
    if vocabulary_from == "signal-labelled" and Y.shape[1] > 1:
        labelled = np.array([any(is_known(v) for v in row) for row in Y[:, 1:]], dtype=bool)
        if labelled.any():
            return np.flatnonzero(labelled)
    return np.arange(len(Y))
