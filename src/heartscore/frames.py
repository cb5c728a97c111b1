"""Typed pandas frames of scored rows: the dtypes :func:`heartscore.score_frame` gives its
label columns, and :func:`read_scored`, which reads a scored file back with the same dtypes.

- ``polarity``: an ordered ``category`` (bad < neutral < good);
- each signal: ``Int8`` (-1, 0, 1; ``<NA>`` where a row was not scored);
- ``experience``: a ``category`` of the five states;
- ``heart_score``, ``confidence`` and the ``p_*`` probabilities: ``float64``;
- ``low_confidence``: ``boolean``;
- ``evidence``, ``heartscore_error``, ``heartscore_model``: pandas' string dtype.

The kinds come from :meth:`heartscore.labels.LabelSchema.column_types` (the file writers
use the same); this module only turns them into pandas dtypes. The input's own columns are
left as they are (as the file's reader gives them: text, except Parquet's own types).
"""
from __future__ import annotations

import os
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError, format_rows
from .io import read_table
from .labels import (ERROR_COLUMN, EXPERIENCE_COLUMN, EXPERIENCE_STATES,
                     MODEL_COLUMN, LabelSchema)

__all__ = ["read_scored", "typed_frame", "scored_dtypes", "schema_of_columns"]


def _text_dtype() -> pd.StringDtype:
    """pandas' string dtype with NaN for missing: ``str``, the default of pandas 3 (and of
    2.3 with ``future.infer_string``); ``string`` on pandas 2.2."""
    try:
        return pd.StringDtype(na_value=np.nan)
    except TypeError:  # pandas < 2.3
        return pd.StringDtype()


def scored_dtypes(schema: LabelSchema) -> dict[str, Any]:
    """The pandas dtype of every column scoring adds, for ``schema``."""
    kinds = schema.column_types()
    text = _text_dtype()
    by_kind = {"int": pd.Int8Dtype(), "float": np.dtype("float64"),
               "bool": pd.BooleanDtype(), "string": text}
    dtypes = {c: by_kind[k] for c, k in kinds.items()}
    dtypes["polarity"] = pd.CategoricalDtype(list(schema.polarity_values), ordered=True)
    dtypes[EXPERIENCE_COLUMN] = pd.CategoricalDtype(list(EXPERIENCE_STATES))
    return dtypes


def schema_of_columns(columns: Any, where: str = "the table") -> LabelSchema:
    """The label schema of a scored table, from its columns: its signals are the names with
    ``p_NAME_-1``, ``p_NAME_0`` and ``p_NAME_1`` columns, in column order. An
    :class:`InputError` when the columns are not those of a scored output."""
    names = [str(c) for c in columns]
    present = set(names)
    signals = tuple(n[2:-3] for n in names if n.startswith("p_") and n.endswith("_-1")
                    and n != "p_polarity_-1")
    schema = LabelSchema(signals=signals) if signals else None
    expected = ([*schema.output_columns(), ERROR_COLUMN, MODEL_COLUMN] if schema else
                ["polarity", "trust", "p_trust_-1", "heart_score", ERROR_COLUMN, MODEL_COLUMN])
    missing = [c for c in expected if c not in present]
    if missing:
        more = f" and {len(missing) - 4} more" if len(missing) > 4 else ""
        raise InputError(f"{where} is not a scored heartscore output: expected the columns "
                         f"heartscore score writes, missing {', '.join(missing[:4])}{more}; "
                         "score it first (heartscore score FILE -o OUT, or "
                         "heartscore.score_file)")
    return schema


def typed_frame(frame: pd.DataFrame, schema: LabelSchema, where: str = "the table",
                first_row: int = 1) -> pd.DataFrame:
    """``frame`` with every scoring column it has in its :func:`scored_dtypes` dtype (the
    other columns untouched). Values that do not fit (a polarity ``great``, a signal
    ``2``, a probability ``high``) raise an :class:`InputError` naming the column and rows
    (numbered from ``first_row``: a chunk of a file gives its first row's number)."""
    out = frame.copy()
    for column, dtype in scored_dtypes(schema).items():
        if column in out.columns:
            allowed = schema.signal_values if column in schema.signals else None
            out[column] = _convert(out[column], dtype, column, where, allowed, first_row)
    return out


def read_scored(path: str | os.PathLike, *, fmt: str | None = None,
                encoding: str | None = None, sheet: str | None = None) -> pd.DataFrame:
    """Read a file written by ``heartscore score`` / :func:`heartscore.score_file` (CSV,
    TSV, JSON Lines, Parquet or XLSX; the format from the extension or ``fmt``) with the
    label columns in the dtypes :func:`heartscore.score_frame` gives them (see the table in
    :mod:`heartscore.frames`); the input's own columns as the reader gives them.

    A file that is not a scored output, or whose label cells are not labels, is refused with
    an :class:`InputError` that says which columns or rows are wrong."""
    frame = read_table(path, fmt=fmt, encoding=encoding, sheet=sheet)
    schema = schema_of_columns(frame.columns, where=str(path))
    return typed_frame(frame, schema, where=str(path))


_TRUE, _FALSE = {"true", "1"}, {"false", "0"}


def _convert(col: pd.Series, dtype: Any, column: str, where: str,
             allowed: tuple[int, ...] | None, first_row: int = 1) -> pd.Series:
    values = col.astype(object).where(col.notna(), None)
    known = values.notna().to_numpy()
    if isinstance(dtype, pd.CategoricalDtype):
        text = values.map(lambda v: v if v is None else str(v))
        ok = ~known | text.isin(list(dtype.categories)).to_numpy()
        _refuse(ok, column, where, f"one of {', '.join(map(str, dtype.categories))}", first_row)
        return pd.Series(pd.Categorical(text, dtype=dtype), index=col.index, name=col.name)
    if dtype == pd.BooleanDtype():
        def as_bool(v: Any) -> Any:
            if v is None or isinstance(v, (bool, np.bool_)):
                return v
            key = str(v).strip().lower()
            return True if key in _TRUE else False if key in _FALSE else "bad"
        flags = values.map(as_bool)
        _refuse((flags != "bad").to_numpy(), column, where, "true or false", first_row)
        return pd.Series(pd.array(flags.tolist(), dtype="boolean"), index=col.index,
                         name=col.name)
    if isinstance(dtype, pd.StringDtype):
        return pd.Series(pd.array([v if v is None else str(v) for v in values], dtype=dtype),
                         index=col.index, name=col.name)
    numbers = pd.to_numeric(values, errors="coerce")
    ok = ~known | numbers.notna().to_numpy()
    if allowed is not None:
        ok &= ~known | numbers.isin(list(allowed)).to_numpy()
        _refuse(ok, column, where, f"one of {', '.join(map(str, allowed))}", first_row)
    _refuse(ok, column, where, "a number", first_row)
    return numbers.astype(dtype)


def _refuse(ok: np.ndarray, column: str, where: str, expected: str, first_row: int = 1
            ) -> None:
    if not ok.all():
        rows = [int(i) + first_row for i in np.flatnonzero(~ok)]
        raise InputError(f"{where}: column {column!r} should hold {expected}, found other "
                         f"values in data {format_rows(rows)}; is it a file heartscore "
                         "score wrote?")
