"""Ratings as distant polarity labels: tens of thousands of real rows from the shared pool.

    python scripts/real/distant.py [--realdata ../shared/realdata] [-o corpora/real/distant.csv]

Each source's own outcome field becomes a polarity label, where the field is clear:

- amazon-fine-food, womens-ecommerce-clothing: ``rating`` 4–5 → good, 1–2 → bad, 3 left out
  (clothing also needs ``recommended`` to agree: 1 for good, 0 for bad);
- booking-515k: the "liked" part of a stay with reviewer score ≥ 7.5 → good, the "disliked"
  part with score ≤ 5 → bad; parts that only say there was nothing to say ("No Negative",
  "nothing", "n/a", fewer than 3 words) are left out;
- nhs-fft-pxtextmining: ``fft_score`` runs 1 = very good … 5 = very poor: 1–2 → good,
  4–5 → bad; 3 and the undocumented 6–7 are left out;
- cfpb-complaints and insideairbnb-albany carry no rating: no rows.

Within each source at most ``GOOD_PER_BAD`` good rows are kept per bad row (a seeded sample),
so the ratings' heavy lean to good does not teach the model that every text is good.

Never used: any pool record that has a unit in ``corpora/real/`` (whatever its split — so
neither a test row nor another unit of the same review is ever a distant row), nor, for NHS,
another answer of the same respondent, nor a text equal (case and spacing aside) to a real
test text. Texts are kept as the customer wrote them (the corpus
masking pattern is applied; the sources had nothing left to mask). The output is a cache
committed as ``corpora/real/distant.csv`` so that training and ``benchmarks/real_eval.py``
run from a clean checkout; every row keeps its source and licence (all four sources allow
redistribution: CC0-1.0 and MIT; see ``corpora/real/README.md``).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "corpora" / "real" / "real.csv"
DEFAULT_POOL = ROOT.parent / "shared" / "realdata"
DEFAULT_OUT = ROOT / "corpora" / "real" / "distant.csv"
GOOD_PER_BAD = 2
EMPTY = re.compile(r"^\s*(no (negative|positive)|nothing( really| at all)?|none|n/?a|nil|"
                   r"everything|all good|no complaints?)\W*$", re.I)


def _label(rec: dict) -> str | None:
    src, meta = rec["source"], rec.get("meta") or {}
    if src == "amazon-fine-food":
        r = meta.get("rating")
        return "good" if r in (4, 5) else "bad" if r in (1, 2) else None
    if src == "womens-ecommerce-clothing":
        r, rec_ = meta.get("rating"), meta.get("recommended")
        if r in (4, 5) and rec_ == 1:
            return "good"
        return "bad" if r in (1, 2) and rec_ == 0 else None
    if src == "booking-515k":
        s = meta.get("reviewer_score")
        if s is None or EMPTY.match(rec["text"]) or len(rec["text"].split()) < 3:
            return None
        if meta.get("part") == "positive" and s >= 7.5:
            return "good"
        return "bad" if meta.get("part") == "negative" and s <= 5 else None
    if src == "nhs-fft-pxtextmining":
        try:
            s = int(meta.get("fft_score"))
        except (TypeError, ValueError):
            return None
        return "good" if s in (1, 2) else "bad" if s in (4, 5) else None
    return None


def _review_key(source_id: str) -> str:
    """Record id → the review it belongs to (NHS: the respondent, any question)."""
    return re.sub(r"_-_Q\d+$", "", source_id)


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def used_reviews(real: pd.DataFrame) -> set[str]:
    """The reviews (:func:`_review_key`) with a unit in the labelled corpus ``real``."""
    return {_review_key(s) for s in real["source_id"]}


def unused_records(path: Path, used: set[str]) -> Iterator[dict]:
    """The records of one pool file whose review is not in ``used``."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            sid = rec["id"]
            if rec["source"] == "booking-515k":
                sid = re.sub(r"-(pos|neg)$", "", sid)
            if _review_key(sid) not in used:
                yield rec


def build(pool: Path, real: pd.DataFrame) -> pd.DataFrame:
    """Distant rows from every pool file, less every review with a unit in ``real``."""
    used = used_reviews(real)
    # short texts recur across reviews ("Nothing bad to say"): never one equal to a test text
    test_texts = {_norm(t) for t in real.loc[real["split"] == "test", "text"]}
    rows = []
    for path in sorted(pool.glob("*.jsonl")):
        for rec in unused_records(path, used):
            if not rec["text"].strip() or _norm(rec["text"]) in test_texts:
                continue
            lab = _label(rec)
            if lab:
                rows.append({"id": rec["id"], "source": rec["source"],
                             "licence": rec["licence"], "text": rec["text"],
                             "polarity": lab})
    df = pd.DataFrame(rows)
    parts = []
    for _, g in df.groupby("source", sort=True):
        bad, good = g[g["polarity"] == "bad"], g[g["polarity"] == "good"]
        parts += [bad, good.sample(n=min(len(good), GOOD_PER_BAD * len(bad)), random_state=0)]
    return pd.concat(parts).sort_values("id", kind="stable").reset_index(drop=True)


def write_cli(argv: list[str] | None, doc: str, build: Callable[[Path, pd.DataFrame],
                                                                pd.DataFrame],
              default_out: Path, summary: Callable[[pd.DataFrame], str]) -> int:
    """The command line of a script that builds a table from the pool and ``real.csv``."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--realdata", default=str(DEFAULT_POOL))
    ap.add_argument("-o", "--output", default=str(default_out))
    args = ap.parse_args(argv)
    real = pd.read_csv(REAL, dtype=str, keep_default_na=False)
    df = build(Path(args.realdata), real)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(out, index=False)
    print(summary(df), file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    return write_cli(argv, __doc__, build, DEFAULT_OUT, lambda df: df.groupby(
        ["source", "polarity"]).size().unstack().to_string())


if __name__ == "__main__":
    raise SystemExit(main())
