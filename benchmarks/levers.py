"""The lever table of model 0.2: each lever's effect, chosen on dev rows only.

    python benchmarks/levers.py [--boot 1000] [--write]

Each step adds one lever to the one before (the order the levers were tried) and runs
``benchmarks/real_eval.py``'s leave-one-source-out evaluation on the held-out sources'
**dev** rows (never a test row): every lever built from data leaves the held-out source out.
Per step: signal macro-F1 (pooled over all dev rows, 8 labels) and polarity macro-F1 (pooled),
each with the paired bootstrap interval of its change against the step before, plus the
mean over sources and the share of gold good/bad rows answered "neutral". ``--write`` saves
``models/levers.json``, which the model card renders.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_eval import run  # noqa: E402

from heartscore.analysis.validation import hits  # noqa: E402
from heartscore.evaluation import (macro_f1_difference_interval,  # noqa: E402
                                   macro_f1_interval)
from heartscore.training import TrainConfig  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "models" / "levers.json"

#: (lever, the settings it changes). Each step keeps the steps before it.
STEPS: list[tuple[str, dict]] = [
    ("0.1.0 recipe: hand-written + real train rows of the other sources", {}),
    ("ratings as distant polarity labels (weight 0.3)", {"distant_weight": 0.3}),
    ("neutral band capped at 5% of good/bad dev rows", {"neutral_cap": 0.05}),
    ("word vectors distilled from all-MiniLM-L6-v2 (weight 0.2)", {"vector_weight": 0.2}),
    ("weaker regularisation, C 0.3 → 1.0", {"C": 1.0}),
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--boot", type=int, default=1000)
    ap.add_argument("--steps", type=int, default=len(STEPS), help="run the first N steps")
    ap.add_argument("--write", action="store_true", help="write models/levers.json")
    args = ap.parse_args()
    config, rows, before = TrainConfig(), [], None
    for lever, change in STEPS[: args.steps]:
        config = replace(config, **change)
        frames: list = []
        res = run(None, 1, on="dev", config=config, frames=frames)
        gold, pred = frames
        row = {"lever": lever, "settings": change,
               "sources_signals_mean": round(float(np.mean(
                   [r["heartscore"]["signals"]["value"] for r in res["per_source"].values()
                    if "value" in r["heartscore"]["signals"]])), 4),
               "sources_polarity_mean": round(float(np.mean(
                   [r["heartscore"]["polarity"]["value"]
                    for r in res["per_source"].values()])), 4),
               "neutral_on_polar": res["neutral_on_polar"]["heartscore"]}
        for what in ("signals", "polarity"):
            t, p = hits(gold, what), hits(pred, what)
            if before is None:
                row[what] = {"after": round(macro_f1_interval(t, p, n_boot=1)[0], 4)}
            else:
                d, lo, hi = macro_f1_difference_interval(t, hits(before[1], what), p,
                                                         n_boot=args.boot)
                prev = rows[-1][what]["after"]
                row[what] = {"before": prev, "after": round(prev + d, 4),
                             "change": round(d, 4), "ci_low": round(lo, 4),
                             "ci_high": round(hi, 4)}
        rows.append(row)
        before = (gold, pred)
        print(json.dumps(row), file=sys.stderr, flush=True)
    out = {"date": date.today().isoformat(), "scored_split": "dev",
           "dev_rows": int(len(before[0])), "bootstrap": args.boot, "steps": rows}
    print(json.dumps(out, indent=1))
    if args.write:
        OUT.write_text(json.dumps(out, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
