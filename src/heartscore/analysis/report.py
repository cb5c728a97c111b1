"""The HTML report of a scored file.

:func:`build_report` takes a table written by ``heartscore score`` (labels, probabilities,
evidence) and returns one self-contained HTML page: polarity and signal shares overall and
per group, the monthly heart score with a 95% confidence band, the signals most often
violated per group, and for each signal the most confident violated and met texts with
their evidence highlighted. It reads the labels already in the file and never runs the
model. :func:`write_report` reads a scored file and writes the page atomically.

Data flows one way: scored rows → :func:`prepare` (checks) → :mod:`.summaries` (every
share, mean and interval) → :func:`.report_data.report_data` (what the page shows) → the
Jinja2 templates in ``heartscore/analysis/templates/``. This module only renders.

The page opens without a network: Vega, Vega-Lite and vega-embed are inlined once
(vl-convert's bundle) and every chart is a Vega-Lite spec built with Altair. Text from the
file is untrusted: the templates autoescape it, it is escaped inside the chart JSON, and a
Content-Security-Policy forbids the page from loading or sending anything.

The steps (:func:`prepare`, :func:`shares`, :func:`most_violated`,
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
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
from markupsafe import Markup

from ..errors import InputError
from ..io import atomic_output, read_table
from .charts import PALETTE, vega_bundle
from .report_data import (EXAMPLES_PER_SIDE, TOP_VIOLATED, Example, examples,
                          monthly_heart_score, most_violated, report_data, shares)
from .scored_table import ALL_ROWS, SIDES, ScoredTable, prepare
from .summaries import CI_LEVEL, SMALL_GROUP

__all__ = ["build_report", "write_report", "prepare", "shares", "most_violated",
           "monthly_heart_score", "examples", "highlight", "ScoredTable", "Example",
           "SMALL_GROUP", "ALL_ROWS"]

#: Example texts longer than this are cut (with an ellipsis) in the page.
MAX_EXAMPLE_CHARS = 450


def highlight(text: str, spans: Sequence[tuple[int, int, float]], *, css_class: str = "ev",
              title: str = "evidence", limit: int | None = MAX_EXAMPLE_CHARS) -> Markup:
    """``text`` as escaped HTML with each (start, end, weight) span in a ``<mark>``.

    Spans must not overlap (as :func:`examples` returns them). A text longer than ``limit``
    characters is shown as an excerpt of that length (marked with ellipses) starting a
    little before its first span; spans outside the excerpt are not shown. The result is
    :class:`markupsafe.Markup` (a ``str``), so templates insert it as it is.
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
    return Markup("".join(pieces) + tail)


def _pct(v: float | None) -> str:
    """A share as the page writes it: whole percents, one decimal under 1%, "–" for none."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return f"{v:.1%}" if 0 < v < 0.01 else f"{v:.0%}"


def _num(v: float | None, fmt: str = "+.2f") -> str:
    """A signed number to two decimals (the heart score); "–" for none."""
    return "–" if v is None or (isinstance(v, float) and math.isnan(v)) else format(v, fmt)


def _script_json(obj: Any) -> str:
    """JSON safe to place inside a <script> element (no tag, comment or line-break escapes)."""
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, default=str)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def _count(n: int) -> str:
    """A count with thousands separators."""
    return f"{n:,}"


def _day(ts: pd.Timestamp) -> str:
    """A date as the header writes it (02 Sep 2026)."""
    return f"{ts:%d %b %Y}"


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """The templates shipped in the package, autoescaped: text from the file stays text."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("heartscore.analysis", "templates"),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    env.filters.update(pct=_pct, num=_num, count=_count, day=_day)
    env.globals.update(highlight=highlight, palette=PALETTE, sides=tuple(SIDES),
                       small_group=SMALL_GROUP, ci_level=CI_LEVEL, top_violated=TOP_VIOLATED,
                       examples_per_side=EXAMPLES_PER_SIDE)
    return env


def build_report(scored: pd.DataFrame, *, group_by: str | None = None,
                 date_column: str | None = None, text_column: str | None = None,
                 signals: Sequence[str] | None = None,
                 title: str = "heartscore report", outcome: str | None = None,
                 outcome_type: str | None = None) -> str:
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
    outcome, outcome_type:
        An outcome column (a rating, recommend yes/no): adds a drivers section, the whole
        file's table of :func:`heartscore.drivers` (associations, not causes).

    Raises :class:`InputError` when the table is not a scored file or a named column is
    missing. The model is never run: everything comes from the table.
    """
    table = prepare(scored, group_by=group_by, date_column=date_column,
                    text_column=text_column, signals=signals)
    drivers_table = None
    if outcome is not None:
        from .drivers import drivers
        drivers_table = drivers(scored, outcome, outcome_type=outcome_type,
                                signals=table.signals, text_column=table.text_column)
    data = report_data(table, title=title, drivers=drivers_table)
    # The bundle and the specs go inside <script> as they are: both are made safe there.
    return _environment().get_template("report.html.j2").render(
        report=data, bundle=Markup(vega_bundle()), specs_json=Markup(_script_json(data.specs)))


def write_report(scored_path: str | os.PathLike, output_path: str | os.PathLike,
                 **options: Any) -> Path:
    """Read a scored file (CSV/TSV/JSONL/Parquet/XLSX) and write its HTML report.

    ``options`` are those of :func:`build_report`; the title defaults to the file name. The
    page is written to a temporary file beside ``output_path`` and renamed into place, so a
    failed run never leaves a partial report. Returns ``output_path``. A name that does not
    end in ``.html`` or ``.htm`` is refused (an HTML page in a ``.pdf`` would not open).
    """
    if Path(output_path).suffix.lower() not in (".html", ".htm"):
        raise InputError(f"the report is an HTML page: expected an output name ending in "
                         f".html; got {Path(output_path).name!r}; name it e.g. "
                         f"{Path(output_path).stem or 'report'}.html")
    df = read_table(scored_path)
    options.setdefault("title", f"heartscore report: {Path(scored_path).name}")
    page = build_report(df, **options)
    with atomic_output(output_path) as tmp:
        Path(tmp).write_text(page, encoding="utf-8")
    return Path(output_path)
