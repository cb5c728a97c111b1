"""What the report shows, prepared from the summaries: the page's data, before any HTML.

Data flows one way: :func:`.scored_table.prepare` checks the scored rows, :mod:`.summaries`
computes every share, mean and interval, and this module lays those numbers out per part
(the whole file, then each group), ranks the signals most often violated, picks the example
texts with their evidence, and builds the chart specs. :func:`report_data` gathers it all in
a :class:`ReportData` for the template; nothing here writes HTML.
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..errors import InputError
from ..labels import POLARITY, SIGNAL_QUESTIONS
from . import summaries
from .charts import (MAX_CHART_GROUPS, chart_parts, effect_chart, polarity_chart,
                     signal_chart, state_chart, trend_chart)
from .scored_table import ALL_ROWS, CONFIDENCE_COLUMN, SIDES, ScoredTable

__all__ = ["ReportData", "report_data", "shares", "most_violated", "monthly_heart_score",
           "examples", "Example", "DriversSection", "drivers_section", "EXAMPLES_PER_SIDE",
           "TOP_VIOLATED", "TOP_DRIVERS"]

#: Examples shown per signal and side (violated / met).
EXAMPLES_PER_SIDE = 3
#: Signals listed per group in "most often violated".
TOP_VIOLATED = 3
#: Strongest drivers shown with example texts.
TOP_DRIVERS = 3
# One-line meaning of each core signal for readers (LABELS.md, "the customer's question").
# --------------------------------------------------------------------------- numbers

def shares(table: ScoredTable) -> pd.DataFrame:
    """Shares of scored rows per polarity and per signal side, overall then per group.

    One row per part: ``group`` (``ALL_ROWS`` first, then groups by size), ``n`` (scored
    rows), ``rows`` (all rows, scored or not), ``small`` (n < :data:`SMALL_GROUP`), one
    share per polarity value, ``<signal>_violated`` and ``<signal>_met`` per signal, and
    ``heart_score`` (mean; NaN without the column). Shares are NaN for a part with n = 0.
    The numbers are :func:`.summaries.summarize_frame`'s, unrounded.
    """
    options = {"signals": table.signals, "digits": None}
    overall = summaries.summarize_frame(table.rows, **options).assign(group=ALL_ROWS)
    if overall.empty:  # a file without rows: the whole-file part is still shown, empty
        overall = pd.DataFrame([{"group": ALL_ROWS, "rows": 0, "scored": 0, "small": True}])
    parts = [overall]
    by = (summaries.summarize_frame(table.rows, group_by="_group", **options)
          if table.group_by is not None else pd.DataFrame())
    if not by.empty:
        parts.append(by.rename(columns={"_group": "group"}).sort_values(
            ["scored", "group"], ascending=[False, True], kind="stable"))
    s = pd.concat(parts, ignore_index=True)
    out = pd.DataFrame({"group": s["group"], "n": s["scored"], "rows": s["rows"],
                        "small": s["small"].astype(bool)})
    columns = {p: f"share_{p}" for p in POLARITY}
    columns.update({f"{sig}_{side}": f"{sig}_{side}" for sig in table.signals for side in SIDES})
    columns[summaries.HEART_COLUMN] = "heart_score_mean"
    for name, source in columns.items():
        out[name] = (s[source] if source in s else pd.Series(index=s.index)).astype(float)
    return out


def _ranked(part: Mapping[str, Any], signals: Sequence[str], k: int) -> list[dict[str, Any]]:
    """The ``k`` signals most often violated in one row of :func:`shares`, with their counts;
    ties go to the earlier signal, never-violated signals are left out."""
    n = int(part["n"])
    if not n:
        return []
    counts = [(round(part[f"{s}_violated"] * n), i, s) for i, s in enumerate(signals)]
    ranked = sorted((c for c in counts if c[0] > 0), key=lambda c: (-c[0], c[1]))[:k]
    return [{"rank": rank, "signal": s, "share": part[f"{s}_violated"], "count": c}
            for rank, (c, _, s) in enumerate(ranked, 1)]


def most_violated(table: ScoredTable, k: int = TOP_VIOLATED) -> pd.DataFrame:
    """The ``k`` signals most often violated in each part (whole file, then groups).

    Columns: ``group``, ``n``, ``small``, ``rank`` (1 = most often), ``signal``, ``share``
    (of the part's scored rows) and ``count``. Signals never violated in a part are left
    out, so a part may have fewer than ``k`` rows (or none).
    """
    out = [{"group": p["group"], "n": p["n"], "small": p["small"], **r}
           for p in shares(table).to_dict("records") for r in _ranked(p, table.signals, k)]
    return pd.DataFrame(out, columns=["group", "n", "small", "rank", "signal", "share", "count"])


def monthly_heart_score(table: ScoredTable, *, by_group: bool = False) -> pd.DataFrame:
    """Mean heart score per calendar month (UTC) with a 95% t-interval.

    Columns: ``group`` (``ALL_ROWS`` unless ``by_group``), ``month`` (first day, UTC),
    ``n``, ``mean``, ``ci_low``, ``ci_high`` (NaN when n < 2; clipped to [-1, 1]). Rows
    without a readable date are left out (their count is ``table.undated``). The numbers are
    :func:`.summaries.monthly_heart_score`'s.
    """
    cols = ["group", "month", "n", "mean", "ci_low", "ci_high"]
    if table.date_column is None:
        return pd.DataFrame(columns=cols)
    m = summaries.monthly_heart_score(table.rows, date_column="_date",
                                      group_by="_group" if by_group else None)
    if by_group:
        return m.rename(columns={"_group": "group"})[cols]
    return m.assign(group=ALL_ROWS)[cols]


# --------------------------------------------------------------------------- examples

@dataclass(frozen=True)
class Example:
    """One example text for a signal: its row, text, evidence spans and probability."""

    row: int
    text: str
    spans: tuple[tuple[int, int, float], ...]
    probability: float | None
    group: str | None
    date: str | None


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
        part = scored[(scored[signal] == v) & ~summaries.is_blank(scored["_text"])]
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


# --------------------------------------------------------------------------- drivers

@dataclass(frozen=True)
class DriversSection:
    """The drivers part of the page, from the whole-file rows of :func:`.drivers.drivers`.

    ``effects``: per signal and side, the difference in the outcome against rows where the
    signal is not expressed; ``states``: the outcome per emotional state; ``fit``: the R²
    (pseudo-R²) of polarity alone, with the needs, and the gain; ``top``: the strongest
    drivers (interval clear of 0, not small, largest differences first) with example texts.
    """

    outcome: str
    outcome_type: str
    rows: dict[str, int]
    effects: list[dict[str, Any]]
    states: list[dict[str, Any]]
    fit: dict[str, Any]
    top: list[dict[str, Any]]

    @property
    def unit(self) -> str:
        """What is compared: the mean of a numeric outcome, the rate of a binary one."""
        return "rate" if self.outcome_type == "binary" else "mean"


def drivers_section(table: ScoredTable, drivers: pd.DataFrame) -> DriversSection:
    """Lay out a drivers table (:func:`.drivers.drivers` of the same rows) for the page."""
    from .drivers import FIT_TERMS

    d = drivers[drivers["group"] == ALL_ROWS]
    rows = {str(r["term"]): int(r["n"]) for _, r in d[d["table"] == "rows"].iterrows()}
    sig = d[(d["table"] == "signal") & d["value"].isin(list(SIDES))]
    effects = [{"signal": r["signal"], "side": r["value"], "label": f"{r['signal']} {r['value']}",
                "n": int(r["n"]), "mean": r["outcome_mean"], "diff": r["diff"],
                "ci_low": r["ci_low"], "ci_high": r["ci_high"], "small": bool(r["small"])}
               for _, r in sig.iterrows()]
    states = [{"state": r["state"], "n": int(r["n"]), "mean": r["outcome_mean"],
               "ci_low": r["outcome_ci_low"], "ci_high": r["outcome_ci_high"],
               "diff": r["diff"], "diff_low": r["ci_low"], "diff_high": r["ci_high"],
               "small": bool(r["small"]),
               "label": f"{r['state']} · n={int(r['n']):,}" + (" (small)" if r["small"] else "")}
              for _, r in d[d["table"] == "state"].iterrows()]
    model = d[d["table"] == "model"].set_index("term")
    fit = {}
    if all(t in model.index for t in FIT_TERMS):
        alone, full, gain = (model.loc[t] for t in FIT_TERMS)
        fit = {"measure": alone["note"], "alone": alone["coef"], "full": full["coef"],
               "gain": gain["coef"], "ci_low": gain["ci_low"], "ci_high": gain["ci_high"],
               "p": gain["p"]}
    clear = [e for e in effects if not e["small"] and not pd.isna(e["ci_low"])
             and (e["ci_low"] > 0 or e["ci_high"] < 0)]
    clear.sort(key=lambda e: -abs(e["diff"]))
    top = [{**e, "examples": examples(table, e["signal"])[e["side"]]}
           for e in clear[:TOP_DRIVERS]]
    return DriversSection(outcome=str(d["outcome"].iloc[0]),
                          outcome_type=str(d["outcome_type"].iloc[0]), rows=rows,
                          effects=effects, states=states, fit=fit, top=top)


def _drivers_specs(section: DriversSection) -> dict[str, dict[str, Any]]:
    unit = f"{section.unit} {section.outcome}"
    specs = {}
    if section.effects:
        specs["chart-drivers"] = effect_chart(pd.DataFrame(section.effects),
                                              title=f"difference in {unit} (95% CI)")
    if section.states:
        specs["chart-states"] = state_chart(pd.DataFrame(section.states),
                                            title=f"{unit} (95% CI)")
    return specs


# --------------------------------------------------------------------------- the page's data

@dataclass(frozen=True)
class ReportData:
    """Everything the report page shows, ready for the template.

    ``parts`` are the rows of :func:`shares` as dicts (whole file first), each with
    ``all`` (the whole-file row) and ``top`` (its most violated signals, as
    :func:`most_violated` ranks them). ``specs`` maps each chart's element id to its
    Vega-Lite spec, in page order.
    """

    title: str
    table: ScoredTable
    n_rows: int
    parts: list[dict[str, Any]]
    #: Polarity values best first, as the tables list them; the two shown as tiles.
    polarities: tuple[str, ...]
    tile_polarities: tuple[str, ...]
    #: First and last date of the scored rows, or None without dates.
    date_range: tuple[pd.Timestamp, pd.Timestamp] | None
    #: Number of groups, and how many of them the charts show.
    n_groups: int
    chart_groups: int
    examples: dict[str, dict[str, list[Example]]]
    questions: dict[str, str]
    specs: dict[str, dict[str, Any]]
    #: The drivers section, when an outcome was given.
    drivers: DriversSection | None = None

    @property
    def overall(self) -> dict[str, Any]:
        """The whole-file part."""
        return self.parts[0]


def _trend_specs(table: ScoredTable, share: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """The charts over time: the whole file, then one small panel per charted group."""
    monthly = monthly_heart_score(table)
    if monthly.empty:
        return {}
    specs = {"chart-trend": trend_chart(monthly)}
    if table.group_by is not None:
        charted = chart_parts(share).iloc[1:]
        by_group = monthly_heart_score(table, by_group=True)
        if not by_group.empty:
            labels = dict(zip(charted["group"], charted["label"]))
            small = set(charted.loc[charted["small"], "group"])
            specs["chart-trend-groups"] = trend_chart(by_group, labels, small)
    return specs


def report_data(table: ScoredTable, *, title: str,
                drivers: pd.DataFrame | None = None) -> ReportData:
    """Lay out the summaries of ``table`` for the page (see :class:`ReportData`);
    ``drivers`` (the table of :func:`.drivers.drivers` on the same rows) adds its section."""
    share = shares(table)
    specs = {"chart-polarity": polarity_chart(share)}
    if table.signals:
        specs["chart-signals"] = signal_chart(share, table.signals)
    if table.date_column is not None:
        specs.update(_trend_specs(table, share))
    parts = [{**p, "all": i == 0, "top": _ranked(p, table.signals, TOP_VIOLATED)}
             for i, p in enumerate(share.to_dict("records"))]
    section = drivers_section(table, drivers) if drivers is not None else None
    if section is not None:
        specs.update(_drivers_specs(section))
    dates = table.scored["_date"].dropna() if table.date_column is not None else ()
    return ReportData(
        title=title, table=table, n_rows=len(table.rows), parts=parts,
        polarities=tuple(reversed(POLARITY)), tile_polarities=(POLARITY[-1], POLARITY[0]),
        date_range=(dates.min(), dates.max()) if len(dates) else None,
        n_groups=len(parts) - 1, chart_groups=MAX_CHART_GROUPS,
        examples={s: examples(table, s) for s in table.signals},
        questions={s: q for s, q in SIGNAL_QUESTIONS.items() if s in table.signals},
        specs=specs, drivers=section)
