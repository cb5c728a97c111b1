"""Per-group aggregates of scored tables (downstream of scoring; reads scored rows only).

For each group: row count, rows scored, share good / bad / neutral, share of each signal
met (+1) and violated (-1), and the mean heart score with a 95% confidence interval
(Student's t, mean ± t·sd/√n, as the HTML report draws it). Groups with fewer than ``SMALL_GROUP`` scored
rows are flagged ``small``, never hidden. Works chunk by chunk so a scored file of any size
is summarised in flat memory.
"""
from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from scipy.stats import t as student_t

from ..errors import InputError
from ..io import iter_chunks, write_table
from ..labels import CORE_SIGNALS

__all__ = ["Summarizer", "summarize_frame", "summarize_file", "SMALL_GROUP"]

#: Groups with fewer scored rows than this are flagged as too small for meaningful shares.
SMALL_GROUP = 30
_ALL = "(all)"


class Summarizer:
    """Accumulates per-group sums over chunks of a scored table."""

    def __init__(self, *, group_by: str | None = None,
                 signals: Sequence[str] = CORE_SIGNALS) -> None:
        self.group_by = group_by
        self.signals = tuple(signals)
        self._acc: dict[Any, dict[str, float]] = {}

    def add(self, df: pd.DataFrame) -> None:
        """Add one chunk of scored rows."""
        if "polarity" not in df.columns or "heart_score" not in df.columns:
            raise InputError("not a scored table: expected columns polarity and heart_score; "
                             f"found {', '.join(map(str, df.columns))}; score it first")
        if self.group_by is not None and self.group_by not in df.columns:
            raise InputError(f"no column {self.group_by!r} to group by; columns are "
                             f"{', '.join(map(str, df.columns))}")
        keys = (df[self.group_by].astype(str).fillna("") if self.group_by
                else pd.Series(_ALL, index=df.index))
        heart = pd.to_numeric(df["heart_score"], errors="coerce")
        frame = pd.DataFrame({"key": keys.to_numpy(), "heart": heart.to_numpy(),
                              "pol": df["polarity"].astype(object).to_numpy()})
        for s in self.signals:
            if s in df.columns:
                frame[s] = pd.to_numeric(df[s], errors="coerce").to_numpy()
        for key, g in frame.groupby("key", sort=False):
            a = self._acc.setdefault(key, {"rows": 0, "scored": 0, "sum": 0.0, "sumsq": 0.0,
                                           "good": 0, "bad": 0, "neutral": 0})
            scored = g["heart"].notna()
            h = g["heart"][scored]
            a["rows"] += len(g)
            a["scored"] += int(scored.sum())
            a["sum"] += float(h.sum())
            a["sumsq"] += float((h * h).sum())
            for p in ("good", "bad", "neutral"):
                a[p] += int((g["pol"] == p).sum())
            for s in self.signals:
                if s in g:
                    a[f"{s}_met"] = a.get(f"{s}_met", 0) + int((g[s] == 1).sum())
                    a[f"{s}_violated"] = a.get(f"{s}_violated", 0) + int((g[s] == -1).sum())

    def result(self) -> pd.DataFrame:
        """One row per group (sorted by group), the columns described in the module doc."""
        rows = []
        for key, a in sorted(self._acc.items(), key=lambda kv: str(kv[0])):
            n = a["scored"]
            row: dict[str, Any] = {self.group_by or "group": key, "rows": a["rows"],
                                   "scored": n}
            for p in ("good", "bad", "neutral"):
                row[f"share_{p}"] = round(a[p] / n, 4) if n else None
            for s in self.signals:
                if f"{s}_met" in a:
                    row[f"{s}_met"] = round(a[f"{s}_met"] / n, 4) if n else None
                    row[f"{s}_violated"] = round(a[f"{s}_violated"] / n, 4) if n else None
            mean = a["sum"] / n if n else float("nan")
            var = (a["sumsq"] - n * mean * mean) / (n - 1) if n > 1 else float("nan")
            half = (float(student_t.ppf(0.975, n - 1)) * math.sqrt(max(var, 0.0) / n)
                    if n > 1 else float("nan"))
            row["heart_score_mean"] = round(mean, 4) if n else None
            row["heart_score_ci_low"] = round(mean - half, 4) if n > 1 else None
            row["heart_score_ci_high"] = round(mean + half, 4) if n > 1 else None
            row["small"] = n < SMALL_GROUP
            rows.append(row)
        return pd.DataFrame(rows)


def summarize_frame(df: pd.DataFrame, *, group_by: str | None = None,
                    signals: Sequence[str] = CORE_SIGNALS) -> pd.DataFrame:
    """Per-group summary of a scored DataFrame."""
    s = Summarizer(group_by=group_by, signals=signals)
    s.add(df)
    return s.result()


def summarize_chunks(chunks: Iterable[pd.DataFrame], *, group_by: str | None = None,
                     signals: Sequence[str] = CORE_SIGNALS) -> pd.DataFrame:
    """Per-group summary over an iterable of scored chunks."""
    s = Summarizer(group_by=group_by, signals=signals)
    for chunk in chunks:
        s.add(chunk)
    return s.result()


def summarize_file(scored: str | os.PathLike, output: str | os.PathLike, *,
                   group_by: str | None = None, signals: Sequence[str] = CORE_SIGNALS,
                   chunksize: int = 50_000) -> pd.DataFrame:
    """Summarise a scored file into ``output`` (CSV/TSV/JSONL/Parquet/XLSX by extension)."""
    table = summarize_chunks(iter_chunks(scored, chunksize=chunksize), group_by=group_by,
                             signals=signals)
    write_table(table, Path(output))
    return table
