"""Assemble writers' staging files into corpora/heartscore_corpus.csv (run once per batch
of new writing; kept for the record). Usage: python scripts/assemble_corpus.py FILE.jsonl ...

Ids are assigned in file/batch order; the split is assigned by scripts/assign_splits.py.
"""
import json
import sys
from pathlib import Path

import pandas as pd

COLUMNS = ["id", "text", "polarity", "trust", "safety", "seen", "mattering", "domain", "style",
           "batch", "negation"]

rows = []
for path in sys.argv[1:]:
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            rows.append(json.loads(line))
df = pd.DataFrame(rows)
df["text"] = df["text"].str.strip()
# one copy of each text, compared without case, spacing or punctuation ("Fine." = "fine")
key = df["text"].str.lower().str.replace(r"[^\w\s]", "", regex=True).str.split().str.join(" ")
df = df[~key.duplicated(keep="first")].reset_index(drop=True)
df["id"] = [f"hs-{i + 1:05d}" for i in range(len(df))]
df["negation"] = df["negation"].astype(int)
out = Path(__file__).resolve().parents[1] / "corpora" / "heartscore_corpus.csv"
df[COLUMNS].to_csv(out, index=False)
print(f"wrote {len(df)} rows to {out}")
