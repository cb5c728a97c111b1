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

import random
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from distant import _norm, unused_records, used_reviews, write_cli  # noqa: E402
from draw import mask, units_of  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "corpora" / "real" / "teacher_pool.csv"
PER_SOURCE = 2000
LEFT_OUT = ("insideairbnb-albany",)  # data policy: at most 1,500 texts in the repository


def build(pool: Path, real: pd.DataFrame, per_source: int = PER_SOURCE) -> pd.DataFrame:
    """``per_source`` unlabelled units per source, never of a review with a unit in ``real``."""
    used = used_reviews(real)
    test_texts = {_norm(t) for t in real.loc[real["split"] == "test", "text"]}
    rows = []
    for path in sorted(pool.glob("*.jsonl")):
        if path.stem in LEFT_OUT:
            continue
        records = [r for r in unused_records(path, used) if len(r["text"].split()) >= 3]
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
    return write_cli(argv, __doc__, build, DEFAULT_OUT,
                     lambda df: df["source"].value_counts().sort_index().to_string())


if __name__ == "__main__":
    raise SystemExit(main())
