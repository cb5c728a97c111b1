"""Downstream of scoring: per-group aggregates of scored rows (:mod:`.summaries`) and the
HTML report (:mod:`.report`). Nothing here runs the model."""
