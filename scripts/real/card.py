"""Print the data card's figures for corpora/real (label counts per source and split, kappa per
field and source, adjudication shares), as Markdown to paste into corpora/real/README.md
between the markers <!-- figures --> and <!-- /figures -->: `python scripts/real/card.py --write`."""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd
from sklearn.metrics import cohen_kappa_score

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "corpora" / "real"
FIELDS = ["polarity", "trust", "safety", "seen", "mattering"]
SIGNALS = FIELDS[1:]


def md(df: pd.DataFrame) -> str:
    cols = [str(c) for c in df.columns]
    out = ["| " + " | ".join([df.index.name or ""] + cols) + " |",
           "|" + "---|" * (len(cols) + 1)]
    for idx, row in df.iterrows():
        out.append("| " + " | ".join([str(idx)] + [f"{v:,}" if isinstance(v, int) else str(v) for v in row]) + " |")
    return "\n".join(out)


def kappa(wide: pd.DataFrame, f: str) -> str:
    a, b = wide[f + "_a"].astype(str), wide[f + "_b"].astype(str)
    if a.nunique() == 1 and b.nunique() == 1:
        return "n/a"
    return f"{cohen_kappa_score(a, b):.2f}"


def figures() -> str:
    real = pd.read_csv(REAL / "real.csv", dtype={"polarity": str})
    units = pd.read_json(REAL / "units.jsonl", lines=True)
    passes = pd.read_csv(REAL / "passes.csv", dtype=str)
    adj = pd.read_csv(REAL / "adjudication.csv", dtype=str)
    parts = []
    n_reviews = real.groupby("source")["source_id"].nunique()
    t = pd.crosstab(real["source"], real["split"], margins=True, margins_name="all")
    t = t[["train", "dev", "test", "all"]]
    t["share"] = (t["all"] / len(real)).map(lambda x: f"{x:.0%}")
    t["reviews"] = list(n_reviews) + [int(n_reviews.sum())]
    t["test reviews"] = list(real[real.split == "test"].groupby("source")["source_id"].nunique()
                             / n_reviews) + [None]
    t["test reviews"] = t["test reviews"].map(lambda x: "" if pd.isna(x) else f"{x:.0%}")
    t.index.name = "source"
    parts.append("### Rows per source and split\n\n" + md(t))

    lab = {}
    for src, g in list(real.groupby("source")) + [("all", real)]:
        row = {f"pol {v}": int((g.polarity == v).sum()) for v in ("good", "bad", "neutral")}
        for s in SIGNALS:
            row[f"{s} +1"] = int((g[s] == 1).sum())
            row[f"{s} -1"] = int((g[s] == -1).sum())
        row["no signal"] = int((g[SIGNALS] == 0).all(axis=1).sum())
        lab[src] = row
    lt = pd.DataFrame(lab).T
    lt.index.name = "source"
    parts.append("### Adjudicated labels per source\n\n" + md(lt))

    sp = {}
    for split, g in real.groupby("split"):
        sp[split] = {**{f"{s} +1": int((g[s] == 1).sum()) for s in SIGNALS},
                     **{f"{s} -1": int((g[s] == -1).sum()) for s in SIGNALS},
                     "neutral": int((g.polarity == "neutral").sum()), "rows": len(g)}
    st = pd.DataFrame(sp).T.loc[["train", "dev", "test"]]
    st.index.name = "split"
    parts.append("### Labels per split\n\n" + md(st))

    wide = passes[passes["pass"] == "a"].merge(passes[passes["pass"] == "b"], on="id", suffixes=("_a", "_b"))
    wide = wide.merge(units[["id", "source", "batch"]], on="id")
    kt = {}
    for name, g in [("all", wide)] + [(f"batch {b}", g) for b, g in wide.groupby("batch")] + \
            list(wide.groupby("source")):
        kt[name] = {f: kappa(g, f) for f in FIELDS} | {"texts": len(g)}
    kt = pd.DataFrame(kt).T
    kt.index.name = "Cohen's κ, pass a vs b"
    parts.append("### Agreement of the two blind passes\n\n" + md(kt))

    rows = {}
    for rp_path in sorted(REAL.glob("repass_*_*.csv")):
        batch, signal = rp_path.stem.split("_")[1:3]
        rp = pd.read_csv(rp_path, dtype=str).pivot(index="id", columns="pass", values=signal)
        rp = rp.join(units.set_index("id")["source"])
        before = wide[wide["batch"] == batch].set_index("id")
        for src, g in rp.groupby("source"):
            rows[f"{batch} {signal}, {src}"] = {
                "before (the batch's passes)": kappa(before.loc[g.index], signal),
                "after (fresh passes, later rulings)": f"{cohen_kappa_score(g['a'], g['b']):.2f}",
                "texts": len(g)}
    if rows:
        rt = pd.DataFrame(rows).T
        rt.index.name = "signal re-read"
        parts.append("### Signals re-read where a batch fell below κ 0.6\n\nWhere a signal's "
                     "agreement on a source fell under 0.6, the rulings were extended (b1 safety: "
                     "R5–R19, mostly whether a clean room is `safety +1`; b3 trust: R29–R30, "
                     "buying a product again and items unlike their picture) and two fresh blind "
                     "readers re-read that signal alone on the batch's texts of those sources "
                     "(`repass_<batch>_<signal>.csv`, briefs `briefs/reader-*-repass.md`). "
                     "The re-reads measure agreement after the rulings; the corpus labels are "
                     "the adjudicated ones.\n\n" + md(rt))

    n = len(adj)
    won_a = int((adj.final == adj.a).sum())
    won_b = int((adj.final == adj.b).sum())
    third = n - won_a - won_b
    per = adj.groupby("field").size()
    parts.append(
        "### Adjudication\n\n"
        f"{n:,} fields differed between the passes (of {len(wide) * len(FIELDS):,}; "
        f"{n / (len(wide) * len(FIELDS)):.1%}), on {adj['id'].nunique():,} texts. "
        f"Pass a's value won {won_a:,} times ({won_a / n:.0%}), pass b's {won_b:,} "
        f"({won_b / n:.0%}), a third value {third:,} ({third / n:.0%}). "
        "Fields: " + ", ".join(f"{k} {v:,}" for k, v in per.items()) + ".")
    return "\n\n".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true", help="replace the figures in README.md")
    args = ap.parse_args()
    text = figures()
    if not args.write:
        sys.stdout.write(text + "\n")
        return
    readme = REAL / "README.md"
    old = readme.read_text()
    new, k = re.subn(r"<!-- figures -->.*?<!-- /figures -->",
                     lambda m: "<!-- figures -->\n" + text + "\n<!-- /figures -->", old, flags=re.S)
    if k != 1:
        raise SystemExit("README.md needs exactly one <!-- figures --> … <!-- /figures --> block")
    readme.write_text(new)


if __name__ == "__main__":
    main()
