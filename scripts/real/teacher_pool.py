"""The teacher's pool: unlabelled real texts the accurate model labels for the fast model.

    python scripts/real/teacher_pool.py [--realdata ../shared/realdata] [-o corpora/real/teacher_pool.csv]

From each pool file, ``PER_SOURCE`` reviews drawn at random (seeded), one unit of each (cut
and masked as ``scripts/real/draw.py`` cuts and masks the labelled corpus's units, one unit
chosen at random), so that a pool text reads like a labelled row. Never used: any record
with a unit in ``corpora/real/`` (whatever its split), another answer of such an NHS
respondent, or a text equal (case and spacing aside) to a real test text — the rules of
``scripts/real/distant.py``. Inside Airbnb is left out: its data policy allows at most
1,500 of its texts in this repository and the labelled corpus already holds most of them.

The output is committed as ``corpora/real/teacher_pool.csv`` (``id, source, licence,
text``; same licences and notices as ``real.csv``) so that ``scripts/train_accurate.py``,
``benchmarks/real_eval.py`` and ``scripts/build_model.py`` run from a clean checkout. Its
labels are never stored here: each fold's encoder labels it (``train_accurate.py``).
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from distant import _norm, _review_key  # noqa: E402
from draw import mask, units_of  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "corpora" / "real" / "real.csv"
DEFAULT_POOL = ROOT.parent / "shared" / "realdata"
DEFAULT_OUT = ROOT / "corpora" / "real" / "teacher_pool.csv"
PER_SOURCE = 2000
LEFT_OUT = ("insideairbnb-albany",)  # data policy: at most 1,500 texts in the repository


def build(pool: Path, real: pd.DataFrame, per_source: int = PER_SOURCE) -> pd.DataFrame:
    """``per_source`` unlabelled units per source, never of a review with a unit in ``real``."""
    used = {_review_key(s) for s in real["source_id"]}
    test_texts = {_norm(t) for t in real.loc[real["split"] == "test", "text"]}
    rows = []
    for path in sorted(pool.glob("*.jsonl")):
        records = []
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                sid = rec["id"]
                if rec["source"] in LEFT_OUT:
                    break
                if rec["source"] == "booking-515k":
                    sid = re.sub(r"-(pos|neg)$", "", sid)
                if _review_key(sid) in used or len(rec["text"].split()) < 3:
                    continue
                records.append(rec)
        rng = random.Random(f"teacher-{path.stem}")
        for rec in rng.sample(records, min(per_source, len(records))):
            units = [u for u in units_of(rec["text"], rec["source"]) if u.strip()]
            if not units:
                continue
            k = rng.randrange(len(units))
            text = mask(units[k])
            if _norm(text) in test_texts:
                continue
            rows.append({"id": f"{rec['id']}-u{k + 1}", "source": rec["source"],
                         "licence": rec["licence"], "text": text})
    return pd.DataFrame(rows).sort_values("id", kind="stable").reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--realdata", default=str(DEFAULT_POOL))
    ap.add_argument("-o", "--output", default=str(DEFAULT_OUT))
    args = ap.parse_args(argv)
    real = pd.read_csv(REAL, dtype=str, keep_default_na=False)
    df = build(Path(args.realdata), real)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(out, index=False)
    print(df["source"].value_counts().sort_index().to_string(), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
