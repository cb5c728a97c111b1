"""The HTML report of a scored file.

:func:`build_report` takes a table written by ``heartscore score`` (labels, probabilities,
evidence) and returns one self-contained HTML page: polarity and signal shares overall and
per group, the monthly heart score with a 95% confidence band, the signals most often
violated per group, and for each signal the most confident violated and met texts with
their evidence highlighted. It reads the labels already in the file and never runs the
model. :func:`write_report` reads a scored file and writes the page atomically.

The page opens without a network: Vega, Vega-Lite and vega-embed are inlined once
(vl-convert's bundle) and every chart is a Vega-Lite spec built with Altair. Text from the
file is untrusted: it is HTML-escaped in the page, escaped inside the chart JSON, and a
Content-Security-Policy forbids the page from loading or sending anything.

The aggregation steps (:func:`prepare`, :func:`shares`, :func:`most_violated`,
:func:`monthly_heart_score`, :func:`examples`, :func:`highlight`) are public so they can be
tested and reused without HTML.
"""
from __future__ import annotations

import functools
import html
import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, format_rows
from ..io import atomic_output, detect_text_column, read_table
from ..labels import (CORE_SIGNALS, ERROR_COLUMN, EVIDENCE_COLUMN, MODEL_COLUMN, POLARITY,
                     SIGNAL_VALUES)
from .summaries import SMALL_GROUP

__all__ = ["build_report", "write_report", "prepare", "shares", "most_violated",
           "monthly_heart_score", "examples", "highlight", "ScoredTable", "Example",
           "SMALL_GROUP", "ALL_ROWS"]

#: Label of the whole-file row in tables and charts.
ALL_ROWS = "All rows"
#: Label of rows whose group value is empty.
NO_GROUP = "(no value)"
#: Examples shown per signal and side (violated / met).
EXAMPLES_PER_SIDE = 3
#: Signals listed per group in "most often violated".
TOP_VIOLATED = 3
#: Charts show at most this many groups (the largest); tables list every group.
MAX_CHART_GROUPS = 40
#: Example texts longer than this are cut (with an ellipsis) in the page.
MAX_EXAMPLE_CHARS = 450
#: Confidence level of the monthly band.
CI_LEVEL = 0.95

# Column names written by ``heartscore score`` besides the schema's label columns.
HEART_COLUMN = "heart_score"
CONFIDENCE_COLUMN = "confidence"
POLARITY_COLUMN = "polarity"

VIOLATED, MET = min(SIGNAL_VALUES), max(SIGNAL_VALUES)
SIDES = {"violated": VIOLATED, "met": MET}

# Colour-blind-safe pair: orange for bad/violated, blue for good/met; grey for neutral.
_BAD, _NEUTRAL, _GOOD = "#d95f02", "#b8b8b8", "#1f78b4"
_POLARITY_COLOURS = dict(zip(POLARITY, (_BAD, _NEUTRAL, _GOOD)))  # POLARITY is worst→best
_SIDE_COLOURS = {"violated": _BAD, "met": _GOOD}
# One-line meaning of each core signal for readers (LABELS.md, "the customer's question").
_SIGNAL_QUESTIONS = {"trust": "Can I rely on you?",
                     "safety": "Do I feel safe and supported?",
                     "seen": "Do you see me, hear me, know me?",
                     "mattering": "Do I matter to you as a person?"}


# --------------------------------------------------------------------------- aggregation

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

    def groups(self) -> list[str]:
        """Group values, most scored rows first (ties by name); empty without ``group_by``."""
        if self.group_by is None:
            return []
        n = self.rows.groupby("_group")["_scored"].sum()
        return sorted(n.index, key=lambda g: (-int(n[g]), str(g)))


@dataclass(frozen=True)
class Example:
    """One example text for a signal: its row, text, evidence spans and probability."""

    row: int
    text: str
    spans: tuple[tuple[int, int, float], ...]
    probability: float | None
    group: str | None
    date: str | None


def _input_columns(columns: Sequence[str]) -> list[str]:
    """The original columns of a scored file: those before ``polarity``."""
    cols = list(columns)
    return cols[:cols.index(POLARITY_COLUMN)] if POLARITY_COLUMN in cols else cols


def _missing_column(kind: str, name: str, columns: Sequence[str], flag: str) -> InputError:
    inputs = _input_columns(columns)
    rest = " (plus heartscore's output columns)" if len(inputs) < len(columns) else ""
    return InputError(f"no {kind} column {name!r} in the scored file; its columns are "
                      f"{', '.join(map(str, inputs))}{rest}; pass {flag} with one of them")


def _blank(s: pd.Series) -> pd.Series:
    """True where a value is missing or only whitespace."""
    return s.isna() | s.astype(str).str.strip().eq("")


def _parse_dates(values: pd.Series) -> pd.Series:
    """Dates as UTC timestamps; ISO 8601 first, other formats one by one; unreadable → NaT."""
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = pd.to_datetime(values, utc=True)
    else:
        parsed = pd.to_datetime(values, errors="coerce", utc=True, format="ISO8601")
        retry = parsed.isna() & ~_blank(values)
        if retry.any():
            parsed[retry] = pd.to_datetime(values[retry].astype(str), errors="coerce", utc=True,
                                           format="mixed")
    return parsed


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
    polarity = df[POLARITY_COLUMN].astype(object).where(~_blank(df[POLARITY_COLUMN]), None)
    error = (df[ERROR_COLUMN].astype(object).where(~_blank(df[ERROR_COLUMN]), None)
             if ERROR_COLUMN in columns else pd.Series([None] * len(df), dtype=object))
    is_scored = polarity.notna() & error.isna()
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
        rows["_group"] = g.astype(str).str.strip().where(~_blank(g), NO_GROUP).to_numpy()
    else:
        rows["_group"] = ALL_ROWS
    undated = 0
    if date_column is not None:
        rows["_date"] = _parse_dates(df[date_column]).to_numpy()
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


def _parts(table: ScoredTable) -> list[tuple[str, pd.DataFrame]]:
    """(name, scored rows) for the whole file, then each group, largest first."""
    scored = table.scored
    parts = [(ALL_ROWS, scored)]
    for g in table.groups():
        parts.append((g, scored[scored["_group"] == g]))
    return parts


def shares(table: ScoredTable) -> pd.DataFrame:
    """Shares of scored rows per polarity and per signal side, overall then per group.

    One row per part: ``group`` (``ALL_ROWS`` first, then groups by size), ``n`` (scored
    rows), ``rows`` (all rows, scored or not), ``small`` (n < :data:`SMALL_GROUP`), one
    share per polarity value, ``<signal>_met`` and ``<signal>_violated`` per signal, and
    ``heart_score`` (mean; NaN without the column). Shares are NaN for a part with n = 0.
    """
    all_rows = table.rows.groupby("_group").size()
    out = []
    for i, (name, part) in enumerate(_parts(table)):
        n = len(part)
        rec: dict[str, Any] = {"group": name, "n": n,
                               "rows": len(table.rows) if i == 0 else int(all_rows[name]),
                               "small": n < SMALL_GROUP}
        for p in POLARITY:
            rec[p] = (part[POLARITY_COLUMN] == p).sum() / n if n else np.nan
        for s in table.signals:
            for side, v in SIDES.items():
                rec[f"{s}_{side}"] = (part[s] == v).sum() / n if n else np.nan
        rec[HEART_COLUMN] = part[HEART_COLUMN].mean() if n else np.nan
        out.append(rec)
    return pd.DataFrame(out)


def most_violated(table: ScoredTable, k: int = TOP_VIOLATED) -> pd.DataFrame:
    """The ``k`` signals most often violated in each part (whole file, then groups).

    Columns: ``group``, ``n``, ``small``, ``rank`` (1 = most often), ``signal``, ``share``
    (of the part's scored rows) and ``count``. Signals never violated in a part are left
    out, so a part may have fewer than ``k`` rows (or none).
    """
    out = []
    for name, part in _parts(table):
        n = len(part)
        counts = sorted(((int((part[s] == VIOLATED).sum()), -i, s)
                         for i, s in enumerate(table.signals)), reverse=True)
        ranked = [(c, s) for c, _, s in counts if c > 0][:k]
        for rank, (c, s) in enumerate(ranked, 1):
            out.append({"group": name, "n": n, "small": n < SMALL_GROUP, "rank": rank,
                        "signal": s, "share": c / n, "count": c})
    return pd.DataFrame(out, columns=["group", "n", "small", "rank", "signal", "share", "count"])


def monthly_heart_score(table: ScoredTable, *, by_group: bool = False) -> pd.DataFrame:
    """Mean heart score per calendar month (UTC) with a 95% t-interval.

    Columns: ``group`` (``ALL_ROWS`` unless ``by_group``), ``month`` (first day, UTC),
    ``n``, ``mean``, ``ci_low``, ``ci_high`` (NaN when n < 2; clipped to [-1, 1]). Rows
    without a readable date are left out (their count is ``table.undated``).
    """
    from scipy import stats

    cols = ["group", "month", "n", "mean", "ci_low", "ci_high"]
    if table.date_column is None:
        return pd.DataFrame(columns=cols)
    d = table.scored.dropna(subset=["_date", HEART_COLUMN])
    month = d["_date"].dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("M")
    keys = [d["_group"], month] if by_group else [month]
    g = d.groupby(keys, sort=True)[HEART_COLUMN].agg(["size", "mean", "std"])
    if not by_group:
        g.index = pd.MultiIndex.from_arrays([[ALL_ROWS] * len(g), g.index])
    g = g.reset_index()
    g.columns = ["group", "month", "n", "mean", "sd"]
    half = np.where(g["n"] >= 2,
                    stats.t.ppf(0.5 + CI_LEVEL / 2, np.maximum(g["n"] - 1, 1))
                    * g["sd"] / np.sqrt(g["n"]), np.nan)
    g["ci_low"] = np.clip(g["mean"] - half, -1, 1)
    g["ci_high"] = np.clip(g["mean"] + half, -1, 1)
    g["month"] = g["month"].dt.to_timestamp().dt.tz_localize("UTC")
    return g[cols]


def _spans(evidence: str, label: str, text: str) -> tuple[tuple[int, int, float], ...]:
    """Evidence spans of one label as (start, end, weight), checked against the text.

    A span whose offsets do not match its text is looked up by its text; spans that cannot
    be placed, or that overlap an earlier one, are dropped. Malformed JSON gives no spans.
    """
    try:
        items = json.loads(evidence) if evidence.strip() else []
    except ValueError:
        return ()
    spans = []
    for it in items if isinstance(items, list) else []:
        if not isinstance(it, dict) or it.get("label") != label:
            continue
        try:
            start, end = int(it["start"]), int(it["end"])
            weight = float(it.get("weight") or 0.0)
        except (KeyError, TypeError, ValueError):
            continue
        piece = str(it.get("text", ""))
        if not (0 <= start < end <= len(text) and (not piece or text[start:end] == piece)):
            start = text.find(piece) if piece else -1
            if start < 0:
                continue
            end = start + len(piece)
        spans.append((start, end, weight))
    kept: list[tuple[int, int, float]] = []
    for s in sorted(spans):
        if not kept or s[0] >= kept[-1][1]:
            kept.append(s)
    return tuple(kept)


def examples(table: ScoredTable, signal: str,
             k: int = EXAMPLES_PER_SIDE) -> dict[str, list[Example]]:
    """The ``k`` most confident violated and met texts of one signal.

    Returns ``{"violated": [...], "met": [...]}``, ranked by the probability of that value
    (``p_<signal>_-1`` / ``p_<signal>_1``; the row's ``confidence`` when those columns are
    absent; equal to two decimals, the shorter text first), repeated texts shown once.
    """
    if signal not in table.signals:
        raise InputError(f"no signal {signal!r} in this report; signals are "
                         f"{', '.join(table.signals) or '(none)'}")
    out: dict[str, list[Example]] = {}
    scored = table.scored
    for side, v in SIDES.items():
        part = scored[(scored[signal] == v) & ~_blank(scored["_text"])]
        p_col = f"p_{signal}_{v}"
        score_col = p_col if p_col in part else (CONFIDENCE_COLUMN if CONFIDENCE_COLUMN in part
                                                 else None)
        if score_col is not None:  # surest first; ties (to 2 decimals) go to the shorter text
            part = (part.assign(_p=part[score_col].round(2), _len=part["_text"].str.len())
                    .sort_values(["_p", "_len"], ascending=[False, True], kind="stable",
                                 na_position="last"))
        part = part.drop_duplicates(subset="_text").head(k)
        out[side] = [Example(
            row=int(r["_row"]), text=r["_text"],
            spans=_spans(r["_evidence"], signal, r["_text"]),
            probability=(None if score_col is None or pd.isna(r[score_col])
                         else float(r[score_col])),
            group=r["_group"] if table.group_by else None,
            date=(None if pd.isna(r["_date"]) else r["_date"].strftime("%Y-%m-%d")))
            for _, r in part.iterrows()]
    return out


def highlight(text: str, spans: Sequence[tuple[int, int, float]], *, css_class: str = "ev",
              title: str = "evidence", limit: int | None = MAX_EXAMPLE_CHARS) -> str:
    """``text`` as escaped HTML with each (start, end, weight) span in a ``<mark>``.

    Spans must not overlap (as :func:`examples` returns them). A text longer than ``limit``
    characters is shown as an excerpt of that length (marked with ellipses) starting a
    little before its first span; spans outside the excerpt are not shown.
    """
    offset = 0
    if limit is not None and len(text) > limit:
        first = min((s for s, _, _ in spans), default=0)
        offset = max(0, min(first - limit // 5, len(text) - limit))
        if offset:  # start at a word boundary
            space = text.rfind(" ", 0, offset + 1)
            offset = space + 1 if space >= 0 and offset - space < 40 else offset
    shown = text[offset:offset + limit] if limit is not None else text
    lead, tail = ("…" if offset else ""), ("…" if offset + len(shown) < len(text) else "")
    spans = [(s - offset, e - offset, w) for s, e, w in spans]
    pieces, pos = [lead], 0
    for start, end, weight in sorted(spans):
        if start < pos or start >= len(shown):
            continue
        end = min(end, len(shown))
        pieces.append(html.escape(shown[pos:start]))
        pieces.append(f'<mark class="{html.escape(css_class)}" title="{html.escape(title)} '
                      f'(weight {weight:.2f})">{html.escape(shown[start:end])}</mark>')
        pos = end
    pieces.append(html.escape(shown[pos:]))
    return "".join(pieces) + tail


# --------------------------------------------------------------------------- charts

@functools.lru_cache(maxsize=2)
def _vega_bundle(vl_version: str) -> str:
    """Vega + Vega-Lite + vega-embed as one script (vl-convert's bundle), safe in <script>."""
    import vl_convert

    bundle = vl_convert.javascript_bundle(vl_version=vl_version)
    # "</script" cannot end the tag early; "<\/" means the same inside JS strings and regexes.
    return bundle.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def _vl_version() -> str:
    """The Vega-Lite major.minor of Altair's schema, as vl-convert names it."""
    import altair as alt
    import vl_convert

    version = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    known = vl_convert.get_vegalite_versions()
    if version not in known:
        raise InputError(f"Altair writes Vega-Lite {version} but vl-convert-python bundles only "
                         f"{', '.join(known)}; upgrade vl-convert-python")
    return version


def _label(name: str, n: int, small: bool) -> str:
    return f"{name} · n={n:,}" + (" (small)" if small else "")


def _chart_parts(share: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``shares`` that charts show: the whole file and the largest groups."""
    return share.head(MAX_CHART_GROUPS + 1).assign(
        label=lambda d: [_label(g, n, s) for g, n, s in zip(d["group"], d["n"], d["small"])])


def _polarity_chart(share: pd.DataFrame) -> dict[str, Any]:
    import altair as alt

    parts = _chart_parts(share)
    recs = []
    for _, r in parts.iterrows():
        x0 = 0.0
        for order, p in enumerate(POLARITY):
            v = 0.0 if pd.isna(r[p]) else float(r[p])
            recs.append({"label": r["label"], "polarity": p, "share": v, "x0": x0, "x1": x0 + v,
                         "mid": x0 + v / 2, "count": int(round(v * r["n"])), "n": int(r["n"]),
                         "small": bool(r["small"]), "order": order})
            x0 += v
    data = pd.DataFrame(recs)
    y = alt.Y("label:N", sort=list(parts["label"]), title=None,
              axis=alt.Axis(labelLimit=280, labelFontSize=12))
    bars = alt.Chart().mark_bar().encode(
        y=y,
        x=alt.X("x0:Q", title="share of scored rows", scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%", grid=False)),
        x2="x1:Q",
        color=alt.Color("polarity:N", sort=list(POLARITY), title=None,
                        scale=alt.Scale(domain=list(POLARITY),
                                        range=[_POLARITY_COLOURS[p] for p in POLARITY]),
                        legend=alt.Legend(orient="top")),
        opacity=alt.condition("datum.small", alt.value(0.45), alt.value(1.0)),
        tooltip=[alt.Tooltip("label:N", title="group"), alt.Tooltip("polarity:N"),
                 alt.Tooltip("share:Q", format=".1%"), alt.Tooltip("count:Q"),
                 alt.Tooltip("n:Q", title="scored rows")])
    text = alt.Chart().transform_filter("datum.share >= 0.07").mark_text(
        fontSize=11, color="white", fontWeight="bold").encode(
        y=y, x="mid:Q", text=alt.Text("share:Q", format=".0%"))
    chart = alt.layer(bars, text, data=data).properties(width=560, height=alt.Step(24))
    return chart.to_dict()


def _signal_chart(share: pd.DataFrame, signals: Sequence[str]) -> dict[str, Any]:
    import altair as alt

    parts = _chart_parts(share)
    recs = []
    for _, r in parts.iterrows():
        for s in signals:
            for side in SIDES:
                v = 0.0 if pd.isna(r[f"{s}_{side}"]) else float(r[f"{s}_{side}"])
                recs.append({"label": r["label"], "signal": s, "side": side, "share": v,
                             "x": -v if side == "violated" else v,
                             "count": int(round(v * r["n"])), "n": int(r["n"]),
                             "small": bool(r["small"])})
    data = pd.DataFrame(recs)
    top = max(0.05, float(data["share"].max()) if len(data) else 0.05)
    y = alt.Y("label:N", sort=list(parts["label"]), title=None,
              axis=alt.Axis(labelLimit=280, labelFontSize=12))
    x = alt.X("x:Q", title=None, scale=alt.Scale(domain=[-top * 1.25, top * 1.25], nice=False),
              axis=alt.Axis(format="%", labelExpr="format(abs(datum.value), '.0%')",
                            tickCount=4, grid=True, gridOpacity=0.4))
    bars = alt.Chart().mark_bar().encode(
        y=y, x=x,
        color=alt.Color("side:N", title=None,
                        scale=alt.Scale(domain=["violated", "met"],
                                        range=[_SIDE_COLOURS["violated"], _SIDE_COLOURS["met"]]),
                        legend=alt.Legend(orient="top")),
        opacity=alt.condition("datum.small", alt.value(0.45), alt.value(1.0)),
        tooltip=[alt.Tooltip("label:N", title="group"), alt.Tooltip("signal:N"),
                 alt.Tooltip("side:N"), alt.Tooltip("share:Q", format=".1%"),
                 alt.Tooltip("count:Q"), alt.Tooltip("n:Q", title="scored rows")])
    left = alt.Chart().transform_filter("datum.side == 'violated' && datum.share > 0").mark_text(
        align="right", dx=-3, fontSize=10, color="#444").encode(
        y=y, x=x, text=alt.Text("share:Q", format=".0%"))
    right = alt.Chart().transform_filter("datum.side == 'met' && datum.share > 0").mark_text(
        align="left", dx=3, fontSize=10, color="#444").encode(
        y=y, x=x, text=alt.Text("share:Q", format=".0%"))
    zero = alt.Chart().mark_rule(color="#666").encode(x=alt.datum(0))
    chart = alt.layer(bars, left, right, zero, data=data).properties(
        width=170, height=alt.Step(24)).facet(
        column=alt.Column("signal:N", sort=list(signals), title=None,
                          header=alt.Header(labelFontSize=13, labelFontWeight="bold")))
    return chart.to_dict()


def _trend_domain(monthly: pd.DataFrame, small: set[str]) -> list[float]:
    """A y range for per-group trends that the large groups set (small groups' wide bands
    would flatten everyone else's line); always includes 0, within [-1, 1]."""
    d = monthly[~monthly["group"].isin(small)]
    d = d if len(d) else monthly
    values = pd.concat([d["mean"], d["ci_low"], d["ci_high"]]).dropna()
    lo, hi = min(0.0, float(values.min())), max(0.0, float(values.max()))
    pad = max(0.02, (hi - lo) * 0.08)
    return [max(-1.0, round(lo - pad, 2)), min(1.0, round(hi + pad, 2))]


def _trend_chart(monthly: pd.DataFrame, labels: dict[str, str] | None = None,
                 small: set[str] | None = None) -> dict[str, Any]:
    """Monthly mean heart score with its band; small multiples (one y range, set by the
    groups that are not small; bands beyond it are clipped) when ``labels`` is given."""
    import altair as alt

    data = monthly.assign(month=monthly["month"].dt.strftime("%Y-%m-%dT00:00:00Z"))
    y_scale = alt.Scale(zero=True, nice=True)
    if labels is not None:
        data = data[data["group"].isin(labels)].assign(label=lambda d: d["group"].map(labels))
        y_scale = alt.Scale(domain=_trend_domain(data, small or set()), clamp=True, nice=False)
    x = alt.X("month:T", timeUnit="utcyearmonth", title=None,
              axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=6))
    band = alt.Chart().mark_area(opacity=0.22, color=_GOOD).encode(
        x=x, y=alt.Y("ci_low:Q", title="mean heart score", scale=y_scale), y2="ci_high:Q")
    point = alt.OverlayMarkDef(color=_GOOD, size=28)
    line = alt.Chart().mark_line(color=_GOOD, point=point).encode(
        x=x, y=alt.Y("mean:Q", scale=y_scale),
        tooltip=[alt.Tooltip("month:T", timeUnit="utcyearmonth", format="%B %Y", title="month"),
                 alt.Tooltip("mean:Q", format=".3f", title="mean heart score"),
                 alt.Tooltip("ci_low:Q", format=".3f", title="95% CI low"),
                 alt.Tooltip("ci_high:Q", format=".3f", title="95% CI high"),
                 alt.Tooltip("n:Q", title="scored rows")])
    zero = alt.Chart().mark_rule(color="#888", strokeDash=[4, 3]).encode(y=alt.datum(0))
    layered = alt.layer(band, line, zero, data=data)
    if labels is None:
        return layered.properties(width=720, height=220).to_dict()
    return layered.properties(width=230, height=120).facet(
        facet=alt.Facet("label:N", sort=list(labels.values()), title=None,
                        header=alt.Header(labelFontSize=12)),
        columns=3).to_dict()


# --------------------------------------------------------------------------- HTML

def _pct(v: float) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return f"{v:.1%}" if 0 < v < 0.01 else f"{v:.0%}"


def _num(v: float, fmt: str = "+.2f") -> str:
    return "–" if v is None or (isinstance(v, float) and math.isnan(v)) else format(v, fmt)


def _script_json(obj: Any) -> str:
    """JSON safe to place inside a <script> element (no tag, comment or line-break escapes)."""
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, default=str)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def _json_clean(obj: Any) -> Any:
    """Replace float NaN/inf by None so the spec is valid JSON."""
    if isinstance(obj, dict):
        return {k: _json_clean(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_json_clean(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def _signal_heading(s: str) -> str:
    q = _SIGNAL_QUESTIONS.get(s)
    return f"{html.escape(s)}" + (f' <span class="q">— {html.escape(q)}</span>' if q else "")


def _shares_table(share: pd.DataFrame, signals: Sequence[str], has_heart: bool) -> str:
    e = html.escape
    head = ["<th>group</th>", "<th>scored</th>"]
    head += [f'<th class="pol-{e(p)}">{e(p)}</th>' for p in reversed(POLARITY)]
    if has_heart:
        head.append("<th>heart</th>")
    head += [f'<th colspan="2">{e(s)}<br><span class="sub">met · violated</span></th>'
             for s in signals]
    body = []
    for _, r in share.iterrows():
        flag = ' <span class="badge">small</span>' if r["small"] else ""
        cls = ' class="all"' if r["group"] == ALL_ROWS else (' class="small"' if r["small"] else "")
        cells = [f"<th>{e(str(r['group']))}{flag}</th>", f"<td>{int(r['n']):,}</td>"]
        cells += [f"<td>{_pct(r[p])}</td>" for p in reversed(POLARITY)]
        if has_heart:
            cells.append(f"<td>{_num(r[HEART_COLUMN])}</td>")
        for s in signals:
            cells.append(f'<td class="met">{_pct(r[f"{s}_met"])}</td>')
            cells.append(f'<td class="vio">{_pct(r[f"{s}_violated"])}</td>')
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    return (f'<div class="scroll"><table class="num"><thead><tr>{"".join(head)}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _violated_table(top: pd.DataFrame, share: pd.DataFrame) -> str:
    e = html.escape
    rows = []
    for _, r in share.iterrows():
        mine = top[top["group"] == r["group"]].sort_values("rank")
        flag = ' <span class="badge">small</span>' if r["small"] else ""
        cells = [f"<th>{e(str(r['group']))}{flag}</th>", f"<td>{int(r['n']):,}</td>"]
        items = [f'<li><b>{e(t["signal"])}</b> {_pct(t["share"])} '
                 f'<span class="sub">({int(t["count"]):,})</span></li>' for _, t in mine.iterrows()]
        cells.append(f'<td class="left"><ol class="inline">{"".join(items)}</ol></td>' if items
                     else '<td class="left sub">no signal violated</td>')
        cls = ' class="all"' if r["group"] == ALL_ROWS else (' class="small"' if r["small"] else "")
        rows.append(f"<tr{cls}>{''.join(cells)}</tr>")
    return ('<table class="num"><thead><tr><th>group</th><th>scored</th>'
            '<th class="left">most often violated (share of scored rows, count)</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _example_cards(items: list[Example], signal: str, side: str, has_evidence: bool) -> str:
    e = html.escape
    if not items:
        return f'<p class="sub">No scored text has {e(signal)} {side}.</p>'
    cards = []
    for ex in items:
        meta = []
        if ex.probability is not None:
            meta.append(f"p = {ex.probability:.2f}")
        if ex.group is not None:
            meta.append(e(ex.group))
        if ex.date is not None:
            meta.append(e(ex.date))
        meta.append(f"row {ex.row:,}")
        if has_evidence and not ex.spans:
            meta.append("no evidence span")
        body = highlight(ex.text, ex.spans, css_class=f"ev {side}",
                         title=f"evidence for {signal} {side}")
        cards.append(f'<figure class="card {side}"><blockquote>{body}</blockquote>'
                     f'<figcaption>{" · ".join(meta)}</figcaption></figure>')
    return "".join(cards)


_CSS = """
:root{--bad:%(bad)s;--good:%(good)s;--neutral:%(neutral)s;--ink:#1d232a;--muted:#5f6b76;
--line:#e3e7eb;--bg:#f6f7f9}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,
sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:1120px;margin:0 auto;padding:28px 28px 60px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:0 0 6px}
h3{font-size:16px;margin:18px 0 8px}
section{background:#fff;border:1px solid var(--line);border-radius:10px;padding:20px 22px;
margin:18px 0}
.sub,.meta,.q{color:var(--muted)}.q{font-weight:normal}.meta{margin:0}
.lead{margin:2px 0 14px;color:var(--muted)}
nav{margin:10px 0 0;font-size:14px}nav a{margin-right:14px;color:var(--good)}
.tiles{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0 0}
.tile{background:#fff;border:1px solid var(--line);border-radius:10px;padding:10px 16px;
min-width:150px}.tile b{display:block;font-size:24px}.tile span{color:var(--muted);font-size:13px}
.chart{margin:10px 0 4px;overflow-x:auto}
.scroll{overflow-x:auto}
table{border-collapse:collapse;font-size:13.5px;margin:8px 0}
th,td{padding:5px 9px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
thead th{font-weight:600;color:var(--muted);vertical-align:bottom}
tbody th{text-align:left;font-weight:600}
td.left,th.left{text-align:left}
tr.all th,tr.all td{background:#f0f4f8}
tr.small th,tr.small td{color:var(--muted)}
td.vio{color:var(--bad)}td.met{color:var(--good)}
th.pol-bad{color:var(--bad)}th.pol-good{color:var(--good)}
.badge{display:inline-block;font-size:11px;font-weight:600;padding:0 6px;border-radius:8px;
background:#fdebd8;color:#8a3b00;margin-left:4px}
ol.inline{display:inline;padding:0;margin:0;list-style:none;counter-reset:r}
ol.inline li{display:inline;margin-right:16px;counter-increment:r}
ol.inline li::before{content:counter(r) ". ";color:var(--muted)}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:18px}
@media (max-width:800px){.pair{grid-template-columns:1fr}}
.pair h4{margin:4px 0 6px;font-size:14px}.pair h4.violated{color:var(--bad)}
.pair h4.met{color:var(--good)}
.card{margin:0 0 10px;border:1px solid var(--line);border-left:4px solid var(--neutral);
border-radius:6px;padding:8px 12px;background:#fcfcfd}
.card.violated{border-left-color:var(--bad)}.card.met{border-left-color:var(--good)}
blockquote{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
figcaption{font-size:12.5px;color:var(--muted);margin-top:4px}
mark.ev{padding:0 2px;border-radius:3px}
mark.violated{background:#fbd3b4}mark.met{background:#cfe3f3}
.notes li{margin:3px 0}
.error{color:#a00}
"""


def _page(*, title: str, body: str, specs: dict[str, dict[str, Any]], bundle: str) -> str:
    e = html.escape
    css = _CSS % {"bad": _BAD, "good": _GOOD, "neutral": _NEUTRAL}
    csp = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
           "img-src data:; font-src data:")
    runner = (
        "(function(){var specs=" + _script_json(specs) + ";"
        "var opts={renderer:'svg',actions:false,ast:true};"  # ast: no eval, as the CSP wants
        "Object.keys(specs).forEach(function(id){"
        "vegaEmbed('#'+id,specs[id],opts).catch(function(err){"
        "console.error('heartscore report: chart '+id+' failed: '+err);"
        "var el=document.getElementById(id);el.className+=' error';"
        "el.textContent='This chart could not be drawn: '+err;});});})();")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
            '<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>{e(title)}</title><style>{css}</style>\n"
            f"<script>{bundle}</script>\n</head><body><main>{body}"
            "<noscript><p>The charts need JavaScript; the tables hold the same numbers.</p>"
            f"</noscript></main>\n<script>{runner}</script>\n</body></html>\n")


def build_report(scored: pd.DataFrame, *, group_by: str | None = None,
                 date_column: str | None = None, text_column: str | None = None,
                 signals: Sequence[str] | None = None,
                 title: str = "heartscore report") -> str:
    """One self-contained HTML page describing a scored table.

    Parameters
    ----------
    scored:
        Rows as written by ``heartscore score`` (read with ``heartscore.io.read_table``).
    group_by:
        Column whose values are compared (a store, channel, product ...). Groups with
        fewer than :data:`SMALL_GROUP` scored rows are flagged "small", not hidden.
    date_column:
        Column of dates; adds the monthly mean heart score with a 95% band.
    text_column:
        Column holding the feedback text (default: detected as ``heartscore score`` does).
    signals:
        Signal columns to report (default: the four core signals present in the file).
    title:
        Page title.

    Raises :class:`InputError` when the table is not a scored file or a named column is
    missing. The model is never run: everything comes from the table.
    """
    table = prepare(scored, group_by=group_by, date_column=date_column,
                    text_column=text_column, signals=signals)
    share = shares(table)
    top = most_violated(table)
    e = html.escape
    overall = share.iloc[0]
    specs: dict[str, dict[str, Any]] = {}
    n_groups = len(share) - 1
    cap_note = (f'<p class="sub">Charts show the {MAX_CHART_GROUPS} largest of {n_groups} '
                "groups; the table lists all.</p>" if n_groups > MAX_CHART_GROUPS else "")
    by = f" by {e(group_by)}" if group_by else ""

    parts = [f"<header><h1>{e(title)}</h1>", _meta_line(table, overall),
             _nav(table), "</header>", _tiles(table, overall)]

    specs["chart-polarity"] = _json_clean(_polarity_chart(share))
    parts.append(
        f'<section id="shares"><h2>Polarity{by}</h2><p class="lead">Share of scored rows judged '
        "good, neutral or bad overall. Faded bars: small groups (fewer than "
        f"{SMALL_GROUP} scored rows), read with care.</p>"
        f'<div class="chart" id="chart-polarity"></div>{cap_note}')
    if table.signals:
        specs["chart-signals"] = _json_clean(_signal_chart(share, table.signals))
        parts.append(
            f"<h2>Signals{by}</h2><p class=\"lead\">Share of scored rows where each need was "
            "met (right, blue) or violated (left, orange); the rest did not express it.</p>"
            f'<div class="chart" id="chart-signals"></div>{cap_note}')
    parts.append(f"<h3>All figures</h3>{_shares_table(share, table.signals, table.has_heart)}"
                 "</section>")

    if date_column is not None:
        parts.append(_trend_section(table, share, specs))

    if table.signals:
        parts.append('<section id="violated"><h2>Signals most often violated'
                     f'{by}</h2><p class="lead">Up to {TOP_VIOLATED} signals per '
                     "group, ranked by the share of scored rows that violate them.</p>"
                     f"{_violated_table(top, share)}</section>")
        parts.append(_examples_section(table))
    parts.append(_notes(table))
    bundle = _vega_bundle(_vl_version())
    return _page(title=title, body="".join(parts), specs=specs, bundle=bundle)


def _meta_line(table: ScoredTable, overall: pd.Series) -> str:
    e = html.escape
    bits = [f"{len(table.rows):,} rows", f"{int(overall['n']):,} scored"]
    if table.date_column is not None:
        dates = table.scored["_date"].dropna()
        if len(dates):
            bits.append(f"{dates.min():%d %b %Y} – {dates.max():%d %b %Y}")
    if table.models:
        bits.append("model " + ", ".join(e(m) for m in table.models))
    return f'<p class="meta">{" · ".join(bits)}</p>'


def _nav(table: ScoredTable) -> str:
    links = [("shares", "shares")]
    if table.date_column is not None:
        links.append(("trend", "over time"))
    if table.signals:
        links += [("violated", "most violated"), ("examples", "examples")]
    links.append(("notes", "how to read"))
    return "<nav>" + "".join(f'<a href="#{a}">{t}</a>' for a, t in links) + "</nav>"


def _tiles(table: ScoredTable, overall: pd.Series) -> str:
    tiles = [(f"{int(overall['n']):,}", "scored rows")]
    tiles += [(_pct(overall[p]), p) for p in reversed(POLARITY) if p != "neutral"]
    if table.has_heart:
        tiles.append((_num(overall[HEART_COLUMN]), "mean heart score (−1 … +1)"))
    top = max(table.signals, key=lambda s: overall[f"{s}_violated"], default=None)
    if top is not None and overall[f"{top}_violated"] > 0:
        tiles.append((_pct(overall[f"{top}_violated"]), f"{top} violated (most often)"))
    return '<div class="tiles">' + "".join(
        f"<div class=\"tile\"><b>{html.escape(v)}</b><span>{html.escape(t)}</span></div>"
        for v, t in tiles) + "</div>"


def _trend_section(table: ScoredTable, share: pd.DataFrame,
                   specs: dict[str, dict[str, Any]]) -> str:
    monthly = monthly_heart_score(table)
    parts = ['<section id="trend"><h2>Heart score over time</h2><p class="lead">Mean heart '
             "score of scored rows per calendar month, with a 95% confidence band "
             "(t-interval; none for a month with one row).</p>"]
    if monthly.empty:
        parts.append('<p class="sub">No scored row has a readable date.</p></section>')
        return "".join(parts)
    specs["chart-trend"] = _json_clean(_trend_chart(monthly))
    parts.append('<div class="chart" id="chart-trend"></div>')
    if table.group_by is not None:
        chart_parts = _chart_parts(share).iloc[1:]
        labels = dict(zip(chart_parts["group"], chart_parts["label"]))
        by_group = monthly_heart_score(table, by_group=True)
        if not by_group.empty:
            small = set(chart_parts.loc[chart_parts["small"], "group"])
            specs["chart-trend-groups"] = _json_clean(_trend_chart(by_group, labels, small))
            parts.append(f"<h3>Per {html.escape(table.group_by)}</h3><p class=\"sub\">One "
                         "vertical range for all; a small group's wider band is cut at its "
                         "edges.</p>"
                         '<div class="chart" id="chart-trend-groups"></div>')
    parts.append("</section>")
    return "".join(parts)


def _examples_section(table: ScoredTable) -> str:
    e = html.escape
    parts = ['<section id="examples"><h2>Examples</h2><p class="lead">For each signal, the '
             f"{EXAMPLES_PER_SIDE} texts the model was surest violated or met it. Highlighted: "
             "the words that drove the label (hover for their weight).</p>"]
    if not table.has_evidence:
        parts.append('<p class="sub">This file was scored without <code>--evidence</code>, so '
                     "no words are highlighted.</p>")
    for s in table.signals:
        ex = examples(table, s)
        parts.append(f"<h3>{_signal_heading(s)}</h3><div class=\"pair\">")
        for side in SIDES:
            parts.append(f'<div><h4 class="{side}">{e(s)} {side}</h4>'
                         f"{_example_cards(ex[side], s, side, table.has_evidence)}</div>")
        parts.append("</div>")
    parts.append("</section>")
    return "".join(parts)


def _notes(table: ScoredTable) -> str:
    e = html.escape
    items = ["<b>Polarity</b> is the overall experience (good, neutral, bad). Each <b>signal</b> "
             "is met (+1), violated (−1) or not expressed (0); shares are of scored rows, so a "
             "signal's met and violated shares need not add up to 100%."]
    items += [f"<b>{e(s)}</b>: {e(q)}" for s, q in _SIGNAL_QUESTIONS.items()
              if s in table.signals]
    items.append("The <b>heart score</b> (−1 … +1) weighs polarity 40% and each core signal 15%, "
                 "using the model's probabilities.")
    items.append(f"<b>Small</b> groups have fewer than {SMALL_GROUP} scored rows: a few texts "
                 "move their shares a lot.")
    if table.not_scored:
        why = ", ".join(f"{n:,} {e(str(r))}" for r, n in table.not_scored.items())
        items.append(f"Not scored and left out of every figure: {why}.")
    if table.undated:
        items.append(f"{table.undated:,} scored rows have no readable "
                     f"{e(str(table.date_column))} and are left out of the chart over time.")
    items.append(f"Text column: <b>{e(table.text_column)}</b>. Labels come from the scored file; "
                 "the model was not run again for this report.")
    return ('<section id="notes" class="notes"><h2>How to read this report</h2><ul>'
            + "".join(f"<li>{i}</li>" for i in items) + "</ul></section>")


def write_report(scored_path: str | os.PathLike, output_path: str | os.PathLike,
                 **options: Any) -> Path:
    """Read a scored file (CSV/TSV/JSONL/Parquet/XLSX) and write its HTML report.

    ``options`` are those of :func:`build_report`; the title defaults to the file name. The
    page is written to a temporary file beside ``output_path`` and renamed into place, so a
    failed run never leaves a partial report. Returns ``output_path``.
    """
    df = read_table(scored_path)
    options.setdefault("title", f"heartscore report: {Path(scored_path).name}")
    page = build_report(df, **options)
    with atomic_output(output_path) as tmp:
        Path(tmp).write_text(page, encoding="utf-8")
    return Path(output_path)
