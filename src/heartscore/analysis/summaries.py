"""Per-group aggregates of scored tables (downstream of scoring; reads scored rows only).

Every share, mean and confidence interval that heartscore reports is computed here; the
HTML report only lays these tables out.

For each group (:class:`Summarizer`): row count, rows scored, share good / bad / neutral,
share of each signal met (+1) and violated (-1), and the mean heart score with a 95%
confidence interval (Student's t, mean ± t·sd/√n). Groups with fewer than ``SMALL_GROUP``
scored rows are flagged ``small``, never hidden. Works chunk by chunk so a scored file of
any size is summarised in flat memory.

Per calendar month (:func:`monthly_heart_score`): the mean heart score with the same
t-interval, overall or per group.

A row counts as scored when it has a polarity label and no ``heartscore_error``; shares are
of scored rows, so rows that could not be scored never dilute them.

Outcomes per cell (:func:`outcome_means`, :func:`outcome_difference`, used by
:mod:`.drivers`): the mean of a numeric outcome with its Student's t interval, or the rate of
a binary outcome with its Wilson score interval; the difference between two cells with a
Welch (unequal variances) t interval, or for rates Newcombe's hybrid score interval. The
formulas are statsmodels' (imported when first needed).
"""
from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import t as student_t

from ..errors import InputError
from ..frames import schema_of_columns, typed_frame
from ..io import iter_chunks, write_table
from ..labels import CORE_SIGNALS, ERROR_COLUMN, POLARITY, SIGNAL_VALUES, LabelSchema

__all__ = ["Summarizer", "summarize_frame", "summarize_chunks", "summarize_file",
           "monthly_heart_score", "t_half_width", "scored_mask", "is_blank", "parse_dates",
           "outcome_means", "outcome_difference", "SMALL_GROUP", "CI_LEVEL"]

#: Groups with fewer scored rows than this are flagged as too small for meaningful shares.
SMALL_GROUP = 30
#: Confidence level of every interval.
CI_LEVEL = 0.95
#: Digits the summary table is rounded to (``digits=None`` keeps full precision).
DIGITS = 4
_ALL = "(all)"
# Columns written by ``heartscore score`` besides the schema's signal columns.
POLARITY_COLUMN, HEART_COLUMN = "polarity", "heart_score"
_VIOLATED, _MET = min(SIGNAL_VALUES), max(SIGNAL_VALUES)


def t_half_width(sd: Any, n: Any, level: float = CI_LEVEL) -> np.ndarray:
    """Half the width of the Student's t interval of a mean: t(level, n-1)·sd/√n.

    Vectorised over ``sd`` and ``n``; NaN where n < 2 (no spread to measure).
    """
    n = np.asarray(n)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = student_t.ppf(0.5 + level / 2, np.maximum(n - 1, 1)) * np.asarray(sd) / np.sqrt(n)
    return np.where(n >= 2, half, np.nan)


def outcome_means(values: pd.Series, keys: pd.Series, *, binary: bool,
                  level: float = CI_LEVEL) -> pd.DataFrame:
    """Mean outcome per key with its interval: one row per key (in order of first
    appearance), columns ``key``, ``n``, ``mean``, ``ci_low``, ``ci_high``.

    ``values`` are floats (0/1 when ``binary``) with NaN for rows to leave out. Numeric: the
    Student's t interval of the mean (NaN when n < 2). Binary: the rate with its Wilson score
    interval (statsmodels ``proportion_confint``).
    """
    d = pd.DataFrame({"key": keys.to_numpy(), "v": np.asarray(values, dtype=float)}).dropna()
    g = d.groupby("key", sort=False)["v"].agg(["size", "mean", "std", "sum"]).reset_index()
    g.columns = ["key", "n", "mean", "sd", "sum"]
    if binary:
        from statsmodels.stats.proportion import proportion_confint
        low, high = proportion_confint(g["sum"].to_numpy(), g["n"].to_numpy(),
                                       alpha=1 - level, method="wilson")
    else:
        half = t_half_width(g["sd"], g["n"], level)
        low, high = g["mean"] - half, g["mean"] + half
    g["ci_low"], g["ci_high"] = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    return g[["key", "n", "mean", "ci_low", "ci_high"]]


def outcome_difference(a: np.ndarray, b: np.ndarray, *, binary: bool,
                       level: float = CI_LEVEL) -> tuple[float, float, float]:
    """``mean(a) - mean(b)`` and its interval, as (diff, low, high); NaN when a side has
    fewer than 2 values (or, for a numeric outcome, neither side varies).

    Numeric: Welch's t interval (statsmodels ``CompareMeans``, unequal variances). Binary
    (0/1 values): the difference in rates with Newcombe's hybrid score interval (statsmodels
    ``confint_proportions_2indep``, method ``newcomb``).
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    nan = (float("nan"),) * 3
    if len(a) < 2 or len(b) < 2:
        return nan
    diff = float(a.mean() - b.mean())
    if binary:
        from statsmodels.stats.proportion import confint_proportions_2indep
        low, high = confint_proportions_2indep(int(a.sum()), len(a), int(b.sum()), len(b),
                                               method="newcomb", compare="diff",
                                               alpha=1 - level)
        return diff, float(low), float(high)
    if a.var() == 0 and b.var() == 0:
        return diff, float("nan"), float("nan")
    from statsmodels.stats.weightstats import CompareMeans, DescrStatsW
    low, high = CompareMeans(DescrStatsW(a), DescrStatsW(b)).tconfint_diff(
        alpha=1 - level, usevar="unequal")
    return diff, float(low), float(high)


def is_blank(s: pd.Series) -> pd.Series:
    """True where a value is missing or only whitespace (an empty cell in any format)."""
    return s.isna() | s.astype(str).str.strip().eq("")


def scored_mask(df: pd.DataFrame) -> pd.Series:
    """True for the rows that carry labels: a polarity and no ``heartscore_error``."""
    scored = ~is_blank(df[POLARITY_COLUMN])
    if ERROR_COLUMN in df.columns:
        scored &= is_blank(df[ERROR_COLUMN])
    return scored


def _heart(df: pd.DataFrame) -> pd.Series:
    """The heart score of scored rows as floats; NaN elsewhere or without the column."""
    if HEART_COLUMN not in df.columns:
        return pd.Series(np.nan, index=df.index)
    return pd.to_numeric(df[HEART_COLUMN], errors="coerce").astype(float).where(scored_mask(df))


def _rounded(value: float | None, digits: int | None) -> float | None:
    return value if value is None or digits is None else round(value, digits)


class Summarizer:
    """Accumulates per-group sums over chunks of a scored table."""

    def __init__(self, *, group_by: str | None = None,
                 signals: Sequence[str] = CORE_SIGNALS) -> None:
        self.group_by = group_by
        self.signals = tuple(signals)
        self._acc: dict[Any, dict[str, float]] = {}

    def add(self, df: pd.DataFrame) -> None:
        """Add one chunk of scored rows (a ``heart_score`` column is optional)."""
        if POLARITY_COLUMN not in df.columns:
            raise InputError("not a scored table: expected a polarity column (and heart_score);"
                             f" found {', '.join(map(str, df.columns))}; score it first")
        if self.group_by is not None and self.group_by not in df.columns:
            raise InputError(f"no column {self.group_by!r} to group by; columns are "
                             f"{', '.join(map(str, df.columns))}")
        keys = (df[self.group_by].astype(str).fillna("") if self.group_by
                else pd.Series(_ALL, index=df.index))
        scored = scored_mask(df)
        frame = pd.DataFrame({"key": keys.to_numpy(), "scored": scored.to_numpy(),
                              "heart": _heart(df).to_numpy(),
                              "pol": df[POLARITY_COLUMN].astype(object).to_numpy()})
        for s in self.signals:
            if s in df.columns:
                frame[s] = pd.to_numeric(df[s], errors="coerce").where(scored).to_numpy()
        for key, g in frame.groupby("key", sort=False):
            a = self._acc.setdefault(key, {"rows": 0, "scored": 0, "hearts": 0, "sum": 0.0,
                                           "sumsq": 0.0, **dict.fromkeys(POLARITY, 0)})
            h = g["heart"].dropna()
            a["rows"] += len(g)
            a["scored"] += int(g["scored"].sum())
            a["hearts"] += len(h)
            a["sum"] += float(h.sum())
            a["sumsq"] += float((h * h).sum())
            pol = g["pol"][g["scored"]]
            for p in POLARITY:
                a[p] += int((pol == p).sum())
            for s in self.signals:
                if s in g:
                    a[f"{s}_met"] = a.get(f"{s}_met", 0) + int((g[s] == _MET).sum())
                    a[f"{s}_violated"] = (a.get(f"{s}_violated", 0)
                                          + int((g[s] == _VIOLATED).sum()))

    def result(self, *, digits: int | None = DIGITS) -> pd.DataFrame:
        """One row per group (sorted by group), the columns described in the module doc.

        Shares, means and interval ends are rounded to ``digits`` (``None``: not rounded,
        as the report needs them to draw exact bars).
        """
        rows = []
        for key, a in sorted(self._acc.items(), key=lambda kv: str(kv[0])):
            n, k = a["scored"], a["hearts"]
            row: dict[str, Any] = {self.group_by or "group": key, "rows": a["rows"],
                                   "scored": n}
            for p in ("good", "bad", "neutral"):
                row[f"share_{p}"] = _rounded(a[p] / n, digits) if n else None
            for s in self.signals:
                if f"{s}_met" in a:
                    row[f"{s}_met"] = _rounded(a[f"{s}_met"] / n, digits) if n else None
                    row[f"{s}_violated"] = (_rounded(a[f"{s}_violated"] / n, digits)
                                            if n else None)
            mean = a["sum"] / k if k else float("nan")
            var = (a["sumsq"] - k * mean * mean) / (k - 1) if k > 1 else float("nan")
            half = float(t_half_width(np.sqrt(max(var, 0.0)), k)) if k > 1 else float("nan")
            row["heart_score_mean"] = _rounded(mean, digits) if k else None
            row["heart_score_ci_low"] = _rounded(mean - half, digits) if k > 1 else None
            row["heart_score_ci_high"] = _rounded(mean + half, digits) if k > 1 else None
            row["small"] = n < SMALL_GROUP
            rows.append(row)
        return pd.DataFrame(rows)


def summarize_frame(df: pd.DataFrame, *, group_by: str | None = None,
                    signals: Sequence[str] = CORE_SIGNALS,
                    digits: int | None = DIGITS) -> pd.DataFrame:
    """Per-group summary of a scored DataFrame (see :meth:`Summarizer.result` for ``digits``)."""
    s = Summarizer(group_by=group_by, signals=signals)
    s.add(df)
    return s.result(digits=digits)


def summarize_chunks(chunks: Iterable[pd.DataFrame], *, group_by: str | None = None,
                     signals: Sequence[str] = CORE_SIGNALS,
                     digits: int | None = DIGITS) -> pd.DataFrame:
    """Per-group summary over an iterable of scored chunks."""
    s = Summarizer(group_by=group_by, signals=signals)
    for chunk in chunks:
        s.add(chunk)
    return s.result(digits=digits)


def summarize_file(scored: str | os.PathLike, output: str | os.PathLike, *,
                   group_by: str | None = None, signals: Sequence[str] | None = None,
                   chunksize: int = 50_000, escape_formulas: bool = True) -> pd.DataFrame:
    """Summarise a scored file into ``output`` (CSV/TSV/JSONL/Parquet/XLSX by extension);
    ``signals`` default to the file's own (a model's extra signals included);
    ``escape_formulas`` as in :func:`heartscore.io.write_table`. The file is checked as
    :func:`heartscore.read_scored` checks one: the columns heartscore score writes, label
    cells that are labels (an :class:`InputError` naming the data row), not empty."""
    where = str(scored)
    chunks = iter_chunks(scored, chunksize=chunksize)
    first = next(chunks, None)
    if first is None:
        raise InputError(f"{where} is empty: expected a file heartscore score wrote; score "
                         "it first (heartscore score FILE -o OUT)")
    schema = schema_of_columns(first.columns, where=where)
    table = summarize_chunks(_typed(itertools.chain([first], chunks), schema, where),
                             group_by=group_by,
                             signals=schema.signals if signals is None else signals)
    write_table(table, Path(output), escape_formulas=escape_formulas)
    return table


def _typed(chunks: Iterable[pd.DataFrame], schema: LabelSchema, where: str
           ) -> Iterator[pd.DataFrame]:
    """The chunks with their label cells typed (:func:`heartscore.frames.typed_frame`), rows
    numbered across chunks in a refusal."""
    first = 1
    for chunk in chunks:
        yield typed_frame(chunk, schema, where=where, first_row=first)
        first += len(chunk)


def parse_dates(values: pd.Series) -> pd.Series:
    """Dates as UTC timestamps; ISO 8601 first, other formats one by one; unreadable → NaT.

    Naive datetimes are taken as UTC; aware ones are converted.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = pd.to_datetime(values, utc=True)
    else:
        parsed = pd.to_datetime(values, errors="coerce", utc=True, format="ISO8601")
        retry = parsed.isna() & ~is_blank(values)
        if retry.any():
            parsed[retry] = pd.to_datetime(values[retry].astype(str), errors="coerce", utc=True,
                                           format="mixed")
    return parsed


def monthly_heart_score(df: pd.DataFrame, *, date_column: str, group_by: str | None = None,
                        level: float = CI_LEVEL) -> pd.DataFrame:
    """Mean heart score of scored rows per calendar month (UTC) with a Student's t interval.

    ``date_column`` holds dates (datetimes, or text read as :func:`parse_dates` does); rows
    without a readable date or a heart score are left out. Returns one row per month (per
    group and month with ``group_by``, sorted by group then month): the group column when
    grouping, ``month`` (first day, UTC), ``n``, ``mean``, ``ci_low`` and ``ci_high`` (NaN when
    n < 2; clipped to the heart score's range [-1, 1]).
    """
    for name, flag in ((date_column, "date"), (group_by, "group")):
        if name is not None and name not in df.columns:
            raise InputError(f"no {flag} column {name!r}; columns are "
                             f"{', '.join(map(str, df.columns))}")
    cols = ([group_by] if group_by else []) + ["month", "n", "mean", "ci_low", "ci_high"]
    d = pd.DataFrame({"date": parse_dates(df[date_column]), "heart": _heart(df),
                      "key": df[group_by].astype(str) if group_by else ""})
    d = d.dropna(subset=["date", "heart"])
    if d.empty:
        return pd.DataFrame(columns=cols)
    month = d["date"].dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("M")
    keys = [d["key"], month] if group_by else [month]
    g = d.groupby(keys, sort=True)["heart"].agg(["size", "mean", "std"]).reset_index()
    g.columns = cols[:-2] + ["sd"]
    half = t_half_width(g["sd"], g["n"], level)
    g["ci_low"] = np.clip(g["mean"] - half, -1, 1)
    g["ci_high"] = np.clip(g["mean"] + half, -1, 1)
    g["month"] = g["month"].dt.to_timestamp().dt.tz_localize("UTC")
    return g[cols]
