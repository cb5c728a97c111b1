"""Analyses downstream of scoring and training: validation (leave-one-group-out, learning
curves, labelled comparisons)."""
