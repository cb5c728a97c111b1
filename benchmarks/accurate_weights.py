"""Choose the accurate model's blend weights on dev rows, leave-one-source-out.

    python benchmarks/accurate_weights.py [--write]

For each source: the fold's fast model (as ``real_eval.py`` trains it) and the fold's
fine-tuned encoder (``models/accurate-folds``, from ``scripts/train_accurate.py``) score the
other sources' dev rows, which choose the thresholds, and the held-out source's **dev** rows,
which are scored (no test row is read). For each fast-model share ``w`` of the average
(0 = the encoder alone, 1 = the fast model alone), separately for polarity and for the four
signals (their decisions do not depend on each other's weight): the mean over sources of
the per-source macro-F1. The best ``w`` of each group (ties: nearer 0.5) is what
``heartscore.accurate.WEIGHTS`` must hold; ``--write`` records the grid in
``models/accurate_weights.json``.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_eval import blended_predictions, evaluate, run  # noqa: E402

from heartscore.training import TrainConfig  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "models" / "accurate_weights.json"
GRID = (0.0, 0.25, 0.5, 0.75, 1.0)


def grid(folds: list, neutral_cap: float | None) -> dict:
    """Per weight: per-source and mean macro-F1 of polarity and of the signals."""
    table = {}
    for w in GRID:
        per = {}
        for src, dev, dev_p, test, test_p in folds:
            pred = blended_predictions(dev, dev_p, test, test_p, neutral_cap, w)
            r = evaluate(test, pred, 1)
            per[src] = {k: r[k].get("value") for k in ("signals", "polarity")}
        table[w] = {"per_source": per, **{
            f"{k}_mean": round(float(np.mean([v[k] for v in per.values()
                                              if v[k] is not None])), 4)
            for k in ("signals", "polarity")}}
    return table


def choose(table: dict) -> dict[str, float]:
    return {group: max(GRID, key=lambda w: (table[w][f"{group}_mean"], -abs(w - 0.5)))
            for group in ("polarity", "signals")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--write", action="store_true", help=f"write {OUT.relative_to(ROOT)}")
    args = ap.parse_args()
    folds: list = []
    config = TrainConfig()
    run(None, 1, "dev", config, folds=folds)
    table = grid(folds, config.neutral_cap)
    chosen = choose(table)
    for w in GRID:
        print(f"fast share {w:.2f}: signals {table[w]['signals_mean']:.4f}  polarity "
              f"{table[w]['polarity_mean']:.4f}  "
              + "  ".join(f"{s.split('-')[0]} {v['signals'] or 0:.3f}/{v['polarity']:.3f}"
                          for s, v in table[w]["per_source"].items()))
    print(f"chosen: {chosen}")
    if args.write:
        OUT.write_text(json.dumps({"date": date.today().isoformat(), "scored_split": "dev",
                                   "sources": [f[0] for f in folds], "chosen": chosen,
                                   "grid": {str(w): v for w, v in table.items()}},
                                  indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
