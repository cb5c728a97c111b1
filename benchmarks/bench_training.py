"""Training benchmark: time ``heartscore.train`` on 10,000 labeled rows.

    python benchmarks/bench_training.py [--rows 10000]

Rows are the corpus repeated (each repeat made distinct by a row number, as a company export
would be), with the corpus's own train/dev/test proportions re-drawn by a seeded split.
Prints wall-clock seconds for the whole of ``train`` (spaCy, features, five heads, dev
threshold tuning, test evaluation with bootstrap intervals) and its peak RSS.
"""
import argparse
import os
import platform
import resource
import sys
import time

import pandas as pd

import heartscore
from heartscore.corpus import load_corpus


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000)
    args = ap.parse_args()
    base = load_corpus().drop(columns=["split"])
    reps = -(-args.rows // len(base))
    df = pd.concat([base.assign(text=base["text"] + f" ({k})") for k in range(reps)],
                   ignore_index=True).head(args.rows)
    t = time.perf_counter()
    model = heartscore.train(df, heartscore.TrainConfig())
    wall = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"# {time.strftime('%Y-%m-%d')} · {platform.machine()} · {os.cpu_count()} cores · "
          f"Python {platform.python_version()}")
    print(f"train on {len(df):,} rows: {wall:.1f} s, peak RSS {peak:,.0f} MB; rows "
          f"{model.card.rows}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
