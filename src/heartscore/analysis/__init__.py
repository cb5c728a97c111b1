"""Downstream of scoring and training: aggregates of scored rows, the HTML report, and
validation of models on labelled data. Nothing here changes how a text is scored.

Data flows one way:

- :mod:`.summaries` — every share, mean and confidence interval (per group, per month);
- :mod:`.scored_table` — the report's checks of a scored file, normalised for summaries;
- :mod:`.drivers` — which needs go with a user's outcome (differences, a regression, the
  outcome per emotional state), its intervals from the summaries;
- :mod:`.charts` — Vega-Lite specs of tables made from the summaries;
- :mod:`.report_data` — what the page shows: the summaries laid out per part, the signals
  most often violated, example texts with their evidence, the chart specs;
- :mod:`.report` — renders that with the Jinja2 templates in ``templates/``;
- :mod:`.validation` — labelled comparisons, leave-one-group-out and learning curves
  (the CLI's ``evaluate --by`` / ``--learning-curve`` and ``benchmarks/real_eval.py``).
"""
