"""Assign the committed train/dev/test split of corpora/heartscore_corpus.csv.

Whole writing batches go to one split (so the test set measures new writing, not
paraphrases). Batches are ordered by their share of neutral texts and of texts with a signal
(a stratification on polarity and signal presence), cut into consecutive groups of six, and
within each group a seeded shuffle sends one batch to test, one to dev, four to train.
Deterministic. The split is recorded per batch in corpora/splits.json and never changes
for a batch already there (label corrections must not move texts between splits); only new
batches are assigned, among themselves. Usage: python scripts/assign_splits.py
"""
import json
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20261125
SIGNALS = ["trust", "safety", "seen", "mattering"]


def assign(df: pd.DataFrame, seed: int = SEED) -> pd.Series:
    """The split of every row, decided per batch."""
    has_signal = (df[SIGNALS] != 0).any(axis=1)
    prof = pd.DataFrame({"batch": df["batch"], "neutral": df["polarity"] == "neutral",
                         "bad": df["polarity"] == "bad", "signal": has_signal})
    stats = prof.groupby("batch").mean().sort_values(["neutral", "signal", "bad"])
    batches = stats.index.tolist()
    rng = np.random.default_rng(seed)
    split = {}
    for g in range(0, len(batches), 6):
        group = batches[g:g + 6]
        order = rng.permutation(len(group))
        for rank, k in enumerate(order):
            split[group[k]] = "test" if rank == 0 else "dev" if rank == 1 else "train"
    return df["batch"].map(split)


if __name__ == "__main__":
    folder = Path(__file__).resolve().parents[1] / "corpora"
    path, record = folder / "heartscore_corpus.csv", folder / "splits.json"
    df = pd.read_csv(path, dtype={"id": str}, keep_default_na=False)
    fixed = json.loads(record.read_text()) if record.exists() else {}
    new = df[~df["batch"].isin(fixed)]
    if len(new):
        fixed.update(dict(zip(new["batch"], assign(new))))
    df["split"] = df["batch"].map(fixed)
    df.to_csv(path, index=False)
    record.write_text(json.dumps(dict(sorted(fixed.items())), indent=1) + "\n")
    print(df["split"].value_counts().to_dict())
