"""Downstream of scoring: per-group aggregates of scored rows and the HTML report.

Data flows one way, and nothing here runs the model:

- :mod:`.summaries` — every share, mean and confidence interval (per group, per month);
- :mod:`.scored_table` — the report's checks of a scored file, normalised for summaries;
- :mod:`.charts` — Vega-Lite specs of tables made from the summaries;
- :mod:`.report_data` — what the page shows: the summaries laid out per part, the signals
  most often violated, example texts with their evidence, the chart specs;
- :mod:`.report` — renders that with the Jinja2 templates in ``templates/``.
"""
