"""Apply reconciled labels (adjudicated second-read disagreements) to the corpus.

    python scripts/apply_decisions.py KEY.jsonl DECISIONS.jsonl
KEY maps sid → text; DECISIONS gives the final labels per sid. Prints how many labels changed.
"""
import json
import sys
from pathlib import Path

import pandas as pd

LABELS = ["polarity", "trust", "safety", "seen", "mattering"]
path = Path(__file__).resolve().parents[1] / "corpora" / "heartscore_corpus.csv"
key = {r["sid"]: r["text"] for r in map(json.loads, open(sys.argv[1], encoding="utf-8"))}
decisions = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
df = pd.read_csv(path, dtype={"id": str}, keep_default_na=False)
changed = {label: 0 for label in LABELS}
texts_changed = 0
for d in decisions:
    rows = df.index[df["text"] == key[d["sid"]].strip()]
    if len(rows) != 1:
        raise SystemExit(f"{d['sid']}: expected one corpus row, found {len(rows)}")
    i = rows[0]
    any_change = False
    for label in LABELS:
        new = d[label] if label == "polarity" else int(d[label])
        old = df.at[i, label] if label == "polarity" else int(df.at[i, label])
        if new != old:
            df.at[i, label] = new
            changed[label] += 1
            any_change = True
    texts_changed += any_change
df.to_csv(path, index=False)
print(json.dumps({"texts_changed": texts_changed, "labels_changed": changed}))
