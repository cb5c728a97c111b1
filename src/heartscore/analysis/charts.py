"""The report's charts: Vega-Lite specs built with Altair, and the script that draws them.

Each chart function takes a table that :mod:`.report_data` made from the summaries (shares
per part, the monthly heart score) and returns a plain JSON-ready spec; nothing here
aggregates. :func:`vega_bundle` is Vega + Vega-Lite + vega-embed as one inline script, so
the page opens without a network.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from ..errors import InputError
from ..labels import POLARITY
from .scored_table import SIDES

__all__ = ["PALETTE", "MAX_CHART_GROUPS", "chart_parts", "polarity_chart", "signal_chart",
           "trend_chart", "effect_chart", "state_chart", "vega_bundle"]

#: Charts show at most this many groups (the largest); tables list every group.
MAX_CHART_GROUPS = 40

# Colour-blind-safe pair: orange for bad/violated, blue for good/met; grey for neutral.
_BAD, _NEUTRAL, _GOOD = "#d95f02", "#b8b8b8", "#1f78b4"
#: The page's colours (the stylesheet uses the same ones).
PALETTE = {"bad": _BAD, "neutral": _NEUTRAL, "good": _GOOD}
_POLARITY_COLOURS = dict(zip(POLARITY, (_BAD, _NEUTRAL, _GOOD)))  # POLARITY is worst→best
_SIDE_COLOURS = {"violated": _BAD, "met": _GOOD}


def vega_bundle() -> str:
    """Vega + Vega-Lite + vega-embed for the Vega-Lite version Altair writes, safe in <script>."""
    return _vega_bundle(_vl_version())


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


def chart_parts(share: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``shares`` that charts show: the whole file and the largest groups."""
    return share.head(MAX_CHART_GROUPS + 1).assign(
        label=lambda d: [_label(g, n, s) for g, n, s in zip(d["group"], d["n"], d["small"])])


def polarity_chart(share: pd.DataFrame) -> dict[str, Any]:
    """Stacked bars of the polarity shares of each part (small groups faded)."""
    import altair as alt

    parts = chart_parts(share)
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
    return _json_clean(chart.to_dict())


def signal_chart(share: pd.DataFrame, signals: Sequence[str]) -> dict[str, Any]:
    """One panel per signal: violated share to the left, met share to the right, per part."""
    import altair as alt

    parts = chart_parts(share)
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
    return _json_clean(chart.to_dict())


def _trend_domain(monthly: pd.DataFrame, small: set[str]) -> list[float]:
    """A y range for per-group trends that the large groups set (small groups' wide bands
    would flatten everyone else's line); always includes 0, within [-1, 1]."""
    d = monthly[~monthly["group"].isin(small)]
    d = d if len(d) else monthly
    values = pd.concat([d["mean"], d["ci_low"], d["ci_high"]]).dropna()
    lo, hi = min(0.0, float(values.min())), max(0.0, float(values.max()))
    pad = max(0.02, (hi - lo) * 0.08)
    return [max(-1.0, round(lo - pad, 2)), min(1.0, round(hi + pad, 2))]


def trend_chart(monthly: pd.DataFrame, labels: dict[str, str] | None = None,
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
        return _json_clean(layered.properties(width=720, height=220).to_dict())
    return _json_clean(layered.properties(width=230, height=120).facet(
        facet=alt.Facet("label:N", sort=list(labels.values()), title=None,
                        header=alt.Header(labelFontSize=12)),
        columns=3).to_dict())


def effect_chart(effects: pd.DataFrame, *, title: str) -> dict[str, Any]:
    """Each need's effect with its interval: one row per signal and side (``label``,
    ``side``, ``diff``, ``ci_low``, ``ci_high``, ``n``, ``small``), a point and a bar across
    the interval, against a rule at 0; small cells faded."""
    import altair as alt

    data = effects[["label", "side", "diff", "ci_low", "ci_high", "n", "small"]]
    y = alt.Y("label:N", sort=list(data["label"]), title=None,
              axis=alt.Axis(labelLimit=280, labelFontSize=12))
    colour = alt.Color("side:N", title=None,
                       scale=alt.Scale(domain=["violated", "met"],
                                       range=[_SIDE_COLOURS["violated"], _SIDE_COLOURS["met"]]),
                       legend=alt.Legend(orient="top"))
    opacity = alt.condition("datum.small", alt.value(0.4), alt.value(1.0))
    tooltip = [alt.Tooltip("label:N", title="need"), alt.Tooltip("diff:Q", format="+.3f"),
               alt.Tooltip("ci_low:Q", format="+.3f", title="95% CI low"),
               alt.Tooltip("ci_high:Q", format="+.3f", title="95% CI high"),
               alt.Tooltip("n:Q", title="rows")]
    bars = alt.Chart().mark_rule(strokeWidth=2).encode(
        y=y, x=alt.X("ci_low:Q", title=title), x2="ci_high:Q", color=colour, opacity=opacity)
    points = alt.Chart().mark_point(filled=True, size=70).encode(
        y=y, x="diff:Q", color=colour, opacity=opacity, tooltip=tooltip)
    zero = alt.Chart().mark_rule(color="#666").encode(x=alt.datum(0))
    chart = alt.layer(bars, points, zero, data=data).properties(width=560, height=alt.Step(22))
    return _json_clean(chart.to_dict())


def state_chart(states: pd.DataFrame, *, title: str) -> dict[str, Any]:
    """The outcome per emotional state (``state``, ``label``, ``mean``, ``ci_low``,
    ``ci_high``, ``n``, ``small``): a point and its interval per state; small ones faded."""
    import altair as alt

    data = states[["state", "label", "mean", "ci_low", "ci_high", "n", "small"]]
    y = alt.Y("label:N", sort=list(data["label"]), title=None,
              axis=alt.Axis(labelLimit=280, labelFontSize=12))
    opacity = alt.condition("datum.small", alt.value(0.4), alt.value(1.0))
    tooltip = [alt.Tooltip("state:N"), alt.Tooltip("mean:Q", format=".3f", title=title),
               alt.Tooltip("ci_low:Q", format=".3f", title="95% CI low"),
               alt.Tooltip("ci_high:Q", format=".3f", title="95% CI high"),
               alt.Tooltip("n:Q", title="rows")]
    scale = alt.Scale(zero=False, nice=True)
    bars = alt.Chart().mark_rule(strokeWidth=2, color=_GOOD).encode(
        y=y, x=alt.X("ci_low:Q", title=title, scale=scale), x2="ci_high:Q", opacity=opacity)
    points = alt.Chart().mark_point(filled=True, size=70, color=_GOOD).encode(
        y=y, x=alt.X("mean:Q", scale=scale), opacity=opacity, tooltip=tooltip)
    chart = alt.layer(bars, points, data=data).properties(width=560, height=alt.Step(24))
    return _json_clean(chart.to_dict())


def _json_clean(obj: Any) -> Any:
    """Replace float NaN/inf by None so the spec is valid JSON."""
    if isinstance(obj, dict):
        return {k: _json_clean(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_json_clean(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj
