"""What a text cell may hold in a table file: formula neutralising for formats that
spreadsheets open (CSV, TSV), and the check that decides how a CSV chunk is quoted."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["FORMULA_STARTS", "neutralise_formulas", "text_columns", "has_carriage_return"]

#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_RE = r"[=+\-@\t\r]"
# a plain decimal number, as a spreadsheet reads one (no spaces, no inf/nan words)
_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"


def text_columns(df: pd.DataFrame) -> list[Any]:
    """The columns of ``df`` that can hold text (object or string dtype)."""
    return [c for c, dtype in df.dtypes.items()
            if dtype == np.dtype(object) or pd.api.types.is_string_dtype(dtype)]


def _formula_like(values: pd.Series) -> pd.Series:
    """True for text cells that start like a formula and do not parse as a number."""
    try:
        starts = values.str.match(_FORMULA_RE, na=False).astype(bool)
    except AttributeError:  # no strings in this column
        return pd.Series(False, index=values.index)
    if starts.any():
        numeric = values[starts].str.fullmatch(_NUMBER, na=False).astype(bool)
        starts[numeric[numeric].index] = False
    return starts


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with a ``'`` put before every text cell (and column name) that begins with
    ``= + - @``, tab or carriage return and does not parse as a number, so that a
    spreadsheet shows it as text instead of running it (OWASP "CSV injection"). Signal
    columns and negative numbers stay as they are. Returns ``df`` itself when nothing
    needs the prefix."""
    out = None
    for c in text_columns(df):
        mask = _formula_like(df[c])
        if mask.any():
            if out is None:
                out = df.copy()
            out[c] = df[c].where(~mask, "'" + df[c].astype(object).where(mask, "").astype(str))
    names = pd.Series([str(c) for c in df.columns], dtype=object)
    heads = _formula_like(names)
    if heads.any():
        out = df.copy(deep=False) if out is None else out
        out.columns = ["'" + n if h else c for c, n, h in zip(df.columns, names, heads)]
    return df if out is None else out


def has_blank_line_cell(df: pd.DataFrame) -> bool:
    """Whether ``df`` has one column and a text cell of whitespace only: written unquoted,
    its line would look blank to a reader, which skips it (a lost row)."""
    if len(df.columns) != 1 or df.columns[0] not in text_columns(df):
        return False
    col = df[df.columns[0]]
    try:
        return bool((col.str.strip().eq("") & col.str.len().gt(0)).fillna(False).any())
    except AttributeError:
        return False


def has_carriage_return(df: pd.DataFrame) -> bool:
    """Whether a column name or a text cell of ``df`` holds a carriage return."""
    if any("\r" in str(c) for c in df.columns):
        return True
    for c in text_columns(df):
        try:
            if df[c].str.contains("\r", regex=False, na=False).any():
                return True
        except AttributeError:
            continue
    return False


