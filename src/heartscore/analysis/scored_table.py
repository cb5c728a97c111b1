"""A scored file, checked and reduced to what the report needs (:func:`prepare`).

This is the report's first step: it checks the columns and labels that ``heartscore score``
wrote and normalises them (row numbers, a group per row, dates parsed, text and evidence as
strings). Every aggregate is then computed by :mod:`.summaries` from ``ScoredTable.rows``.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError, format_rows
from ..io import detect_text_column
from ..labels import (CORE_SIGNALS, ERROR_COLUMN, EVIDENCE_COLUMN, MODEL_COLUMN, POLARITY,
                      SIGNAL_VALUES)
from .summaries import HEART_COLUMN, POLARITY_COLUMN, is_blank, parse_dates, scored_mask

__all__ = ["ScoredTable", "prepare", "ALL_ROWS", "NO_GROUP", "SIDES"]

#: Label of the whole-file row in tables and charts.
ALL_ROWS = "All rows"
#: Label of rows whose group value is empty.
NO_GROUP = "(no value)"

# Column written by ``heartscore score`` beside the labels: the top class's probability.
CONFIDENCE_COLUMN = "confidence"

VIOLATED, MET = min(SIGNAL_VALUES), max(SIGNAL_VALUES)
#: The two sides of a signal that the report shows, in the order it shows them.
SIDES = {"violated": VIOLATED, "met": MET}


@dataclass(frozen=True)
class ScoredTable:
    """A scored file, checked and reduced to what the report needs.

    ``rows`` has one row per input row, in file order, with columns ``_row`` (row number
    as in other heartscore messages: a CSV's header is line 1), ``_scored`` (bool),
    ``_group`` (str), ``_date`` (UTC timestamp or NaT), ``_text`` (str), ``_evidence``
    (the raw JSON or ""), ``polarity``, one float column per signal (-1/0/1, NaN when not
    scored), ``heart_score`` and, when present, ``p_<signal>_-1``/``p_<signal>_1``.
    """

    rows: pd.DataFrame
    signals: tuple[str, ...]
    group_by: str | None
    date_column: str | None
    text_column: str
    not_scored: dict[str, int]
    models: dict[str, int]
    has_evidence: bool
    has_heart: bool
    undated: int

    @property
    def scored(self) -> pd.DataFrame:
        """The rows that carry labels."""
        return self.rows[self.rows["_scored"]]


def _input_columns(columns: Sequence[str]) -> list[str]:
    """The original columns of a scored file: those before ``polarity``."""
    cols = list(columns)
    return cols[:cols.index(POLARITY_COLUMN)] if POLARITY_COLUMN in cols else cols


def _missing_column(kind: str, name: str, columns: Sequence[str], flag: str) -> InputError:
    inputs = _input_columns(columns)
    rest = " (plus heartscore's output columns)" if len(inputs) < len(columns) else ""
    return InputError(f"no {kind} column {name!r} in the scored file; its columns are "
                      f"{', '.join(map(str, inputs))}{rest}; pass {flag} with one of them")




def prepare(scored: pd.DataFrame, *, group_by: str | None = None,
            date_column: str | None = None, text_column: str | None = None,
            signals: Sequence[str] | None = None) -> ScoredTable:
    """Check a scored table and reduce it to a :class:`ScoredTable`.

    ``signals`` defaults to the four core signals present in the file; when given, exactly
    those columns are reported (so a retrained model's extra signals can be added). The
    text column defaults to the one ``heartscore score`` would detect among the original
    columns. Raises :class:`InputError` for a table that is not a scored file, a missing
    group/date/text/signal column, or labels outside the schema.
    """
    if not isinstance(scored, pd.DataFrame):
        raise InputError(f"expected a pandas DataFrame of scored rows; found "
                         f"{type(scored).__name__}; read the file with "
                         "heartscore.io.read_table")
    columns = [str(c) for c in scored.columns]
    df = scored.set_axis(columns, axis=1).reset_index(drop=True)
    if POLARITY_COLUMN not in columns:
        raise InputError(f"not a scored file: expected a {POLARITY_COLUMN!r} column as written "
                         f"by `heartscore score`; found columns {', '.join(columns) or '(none)'}; "
                         "score it first: heartscore score IN -o scored.csv --evidence")
    for name, kind, flag in ((group_by, "group", "--group-by"),
                             (date_column, "date", "--date-column"),
                             (text_column, "text", "--text-column")):
        if name is not None and name not in columns:
            raise _missing_column(kind, name, columns, flag)
    if signals is None:
        sigs = tuple(s for s in CORE_SIGNALS if s in columns)
    else:
        if isinstance(signals, str):
            raise InputError(f"signals should be a list of column names; found the string "
                             f"{signals!r}; pass [{signals!r}]")
        sigs = tuple(dict.fromkeys(str(s) for s in signals))
        absent = [s for s in sigs if s not in columns]
        if absent:
            present = [s for s in columns if f"p_{s}_{MET}" in columns]
            raise InputError(f"no signal column {', '.join(map(repr, absent))} in the scored file;"
                             f" signal columns here are {', '.join(present) or '(none)'}; "
                             "pass signals that the scoring model produced")
    if text_column is None:
        inputs = _input_columns(columns)
        text_column, _ = detect_text_column(inputs, df[inputs] if inputs else None)
    if date_column is not None and HEART_COLUMN not in columns:
        raise InputError(f"the heart score over time needs a {HEART_COLUMN!r} column; found "
                         f"columns {', '.join(columns)}; rescore the file with heartscore score")

    rows = pd.DataFrame({"_row": np.arange(len(df)) + 2})
    polarity = df[POLARITY_COLUMN].astype(object).where(~is_blank(df[POLARITY_COLUMN]), None)
    error = (df[ERROR_COLUMN].astype(object).where(~is_blank(df[ERROR_COLUMN]), None)
             if ERROR_COLUMN in columns else pd.Series([None] * len(df), dtype=object))
    is_scored = scored_mask(df)  # a polarity and no error, as summaries counts them
    rows["_scored"] = is_scored.to_numpy()
    rows[POLARITY_COLUMN] = polarity.where(is_scored, None).map(
        lambda v: None if v is None else str(v).strip())
    _check_values(rows.loc[is_scored, POLARITY_COLUMN], rows.loc[is_scored, "_row"],
                  POLARITY_COLUMN, set(POLARITY))
    for s in sigs:
        values = pd.to_numeric(df[s], errors="coerce").astype(float)
        bad = is_scored & ~values.isin([float(v) for v in SIGNAL_VALUES])
        if bad.any():
            found = ", ".join(repr(str(v)) for v in pd.unique(df.loc[bad, s].astype(str))[:5])
            raise InputError(f"column {s!r} should hold {', '.join(map(str, SIGNAL_VALUES))} in "
                             f"scored rows; found {found} in "
                             f"{format_rows(rows.loc[bad, '_row'].tolist())}; is this the output "
                             "of heartscore score, and is it a signal?")
        rows[s] = values.where(is_scored).to_numpy()
        for v in (VIOLATED, MET):
            col = f"p_{s}_{v}"
            if col in columns:
                rows[col] = pd.to_numeric(df[col], errors="coerce").astype(float).to_numpy()
    has_heart = HEART_COLUMN in columns
    rows[HEART_COLUMN] = (pd.to_numeric(df[HEART_COLUMN], errors="coerce").astype(float)
                          .where(is_scored).to_numpy() if has_heart else np.nan)
    if CONFIDENCE_COLUMN in columns:
        rows[CONFIDENCE_COLUMN] = pd.to_numeric(df[CONFIDENCE_COLUMN], errors="coerce").to_numpy()
    if group_by is not None:
        g = df[group_by]
        rows["_group"] = g.astype(str).str.strip().where(~is_blank(g), NO_GROUP).to_numpy()
    else:
        rows["_group"] = ALL_ROWS
    undated = 0
    if date_column is not None:
        rows["_date"] = parse_dates(df[date_column]).to_numpy()
        if is_scored.any() and rows.loc[is_scored, "_date"].isna().all():
            sample = ", ".join(repr(str(v)) for v in df.loc[is_scored, date_column].head(3))
            raise InputError(f"no readable dates in column {date_column!r}; found {sample}; "
                             "expected dates like 2026-09-02 or 2026-09-02T14:30:00; pass "
                             "another --date-column")
        undated = int((is_scored & rows["_date"].isna()).sum())
    else:
        rows["_date"] = pd.NaT
    rows["_text"] = df[text_column].astype(object).where(~df[text_column].isna(), "").map(str)
    has_evidence = EVIDENCE_COLUMN in columns
    rows["_evidence"] = (df[EVIDENCE_COLUMN].astype(object).where(~df[EVIDENCE_COLUMN].isna(), "")
                         .map(str) if has_evidence else "")
    reasons = error.where(error.notna(), "no labels")[~is_scored]
    models = (df.loc[is_scored, MODEL_COLUMN].dropna().astype(str).value_counts().to_dict()
              if MODEL_COLUMN in columns else {})
    return ScoredTable(rows=rows, signals=sigs, group_by=group_by, date_column=date_column,
                       text_column=text_column, not_scored=reasons.value_counts().to_dict(),
                       models=models, has_evidence=has_evidence, has_heart=has_heart,
                       undated=undated)


def _check_values(values: pd.Series, row_numbers: pd.Series, column: str,
                  allowed: set[str]) -> None:
    bad = ~values.isin(allowed)
    if bad.any():
        found = ", ".join(repr(v) for v in pd.unique(values[bad])[:5])
        raise InputError(f"column {column!r} should hold {', '.join(sorted(allowed))} in scored "
                         f"rows; found {found} in {format_rows(row_numbers[bad].tolist())}; is "
                         "this the output of heartscore score?")
