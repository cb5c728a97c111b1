"""Bookkeeping for the real corpus: collect blind passes, agreement, disagreements, assembly.

    python scripts/real/build.py collect --batch b1 --jobs jobs.json [--idmaps DIR]  # -> passes.csv
    python scripts/real/build.py kappa [--batch b1]                     # Cohen's kappa per field
    python scripts/real/build.py disagreements --batch b1 --out DIR     # rows to adjudicate
    python scripts/real/build.py assemble                               # real.csv with splits

Files (corpora/real/): units.jsonl (drawn units), passes.csv (id, pass, labels),
adjudication.csv (id, field, a, b, final, reason), real.csv (the adjudicated corpus).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
from pathlib import Path

import pandas as pd
from sklearn.metrics import cohen_kappa_score

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "corpora" / "real"
FIELDS = ["polarity", "trust", "safety", "seen", "mattering"]
SIGNALS = FIELDS[1:]
COLUMNS = ["id", "source", "source_id", "domain", "licence", "drawn", "split", "text", *FIELDS]
# split by a hash of the review group: [0, .5) train, [.5, .68) dev, [.68, 1) test
SPLIT_CUTS = ((0.50, "train"), (0.68, "dev"), (1.01, "test"))


def units() -> pd.DataFrame:
    return pd.read_json(REAL / "units.jsonl", lines=True, dtype={"id": str, "source_id": str})


def read_passes() -> pd.DataFrame:
    path = REAL / "passes.csv"
    if not path.exists():
        return pd.DataFrame(columns=["id", "pass", *FIELDS])
    return pd.read_csv(path, dtype={"id": str, "pass": str, "polarity": str})


def read_pass_file(path: Path, ids: set[str]) -> pd.DataFrame:
    """One reader's labels.csv, checked: one row per id, allowed values only."""
    df = pd.read_csv(path, dtype={"id": str, "polarity": str})
    df.columns = [c.strip() for c in df.columns]
    if list(df.columns) != ["id", *FIELDS]:
        raise SystemExit(f"{path}: expected columns id,{','.join(FIELDS)}; found {list(df.columns)}")
    if set(df["id"]) != ids or df["id"].duplicated().any():
        raise SystemExit(f"{path}: ids differ from the texts given "
                         f"(missing {len(ids - set(df['id']))}, extra {len(set(df['id']) - ids)}, "
                         f"duplicated {int(df['id'].duplicated().sum())})")
    df["polarity"] = df["polarity"].str.strip().str.lower()
    if not df["polarity"].isin(["good", "bad", "neutral"]).all():
        raise SystemExit(f"{path}: bad polarity values {set(df['polarity']) - {'good', 'bad', 'neutral'}}")
    for s in SIGNALS:
        df[s] = pd.to_numeric(df[s], errors="raise").astype(int)
        if not df[s].isin([-1, 0, 1]).all():
            raise SystemExit(f"{path}: bad {s} values")
    return df


def collect(batch: str, jobs_file: Path, only: list[str] | None, idmaps: Path | None) -> None:
    """Copy each reader's labels (and notes) from their private folder into the corpus files.

    ``jobs_file`` maps "<pass>-<name>" (a key starting with the pass letter and a dash) to the
    reader's folder. Where the reader was shown opaque ids, their map to unit ids is kept
    outside that folder, in ``--idmaps``/<folder name>.json."""
    jobs = json.loads(jobs_file.read_text())
    u = units()
    u = u[u["batch"] == batch]
    passes = read_passes()
    new = []
    for key, folder in jobs.items():
        if only and key not in only:
            continue
        folder = Path(folder)
        given = [json.loads(l)["id"] for l in (folder / "texts.jsonl").open()]
        df = read_pass_file(folder / "labels.csv", set(given))
        idmap = (idmaps / f"{folder.name}.json") if idmaps else None
        if idmap is not None and idmap.exists():  # opaque ids shown to the reader -> unit ids
            m = json.loads(idmap.read_text())
            df["id"] = df["id"].map(m)
        unknown = set(df["id"]) - set(u["id"])
        if unknown:
            raise SystemExit(f"{key}: {len(unknown)} ids are not units of batch {batch}")
        df.insert(1, "pass", key.split("-")[0])
        new.append(df)
        notes = folder / "notes.md"
        if notes.exists():
            dest = REAL / "notes" / f"{batch}-{key}.md"
            dest.parent.mkdir(exist_ok=True)
            shutil.copyfile(notes, dest)
    add = pd.concat(new)
    key = add["id"] + "|" + add["pass"]
    if not passes.empty:
        passes = passes[~(passes["id"] + "|" + passes["pass"]).isin(key)]
    out = pd.concat([passes, add]).sort_values(["id", "pass"])
    out.to_csv(REAL / "passes.csv", index=False)
    print(f"{len(add)} pass rows collected; passes.csv has {len(out)} rows")


def paired(batch: str | None, a: str = "a", b: str = "b") -> pd.DataFrame:
    p = read_passes()
    u = units()
    if batch:
        p = p[p["id"].isin(u.loc[u["batch"] == batch, "id"])]
    wide = p[p["pass"] == a].merge(p[p["pass"] == b], on="id", suffixes=("_a", "_b"))
    return wide.merge(u[["id", "source", "batch"]], on="id")


def kappa_table(wide: pd.DataFrame) -> dict[str, float]:
    return {f: round(float(cohen_kappa_score(wide[f + "_a"].astype(str), wide[f + "_b"].astype(str))), 3)
            for f in FIELDS}


def kappa(batch: str | None) -> None:
    wide = paired(batch)
    print(f"{len(wide)} texts read twice")
    print("all", kappa_table(wide), "agree%", {f: round(float((wide[f + '_a'] == wide[f + '_b']).mean()), 3)
                                             for f in FIELDS})
    for src, g in wide.groupby("source"):
        print(src, kappa_table(g))


def disagreements(batch: str, out: Path) -> None:
    """Write the fields where the passes differ, for the adjudicator: the text and both values
    (in a per-row shuffled order, so the adjudicator cannot tell which pass is which)."""
    wide = paired(batch)
    u = units().set_index("id")
    rows = []
    for _, r in wide.iterrows():
        diff = [f for f in FIELDS if str(r[f + "_a"]) != str(r[f + "_b"])]
        if not diff:
            continue
        h = int(hashlib.sha1(r["id"].encode()).hexdigest(), 16)
        item = {"id": r["id"], "text": u.loc[r["id"], "text"], "fields": {}}
        for f in FIELDS:
            va, vb = str(r[f + "_a"]), str(r[f + "_b"])
            if f in diff:
                item["fields"][f] = [vb, va] if h % 2 else [va, vb]
            else:
                item["fields"][f] = va  # agreed: shown for context
        rows.append(item)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "disagreements.jsonl").open("w") as f:
        for item in rows:
            f.write(json.dumps(item, ensure_ascii=False) + "\n")
    print(f"{len(rows)} texts, {sum(isinstance(v, list) for r in rows for v in r['fields'].values())} fields "
          f"-> {out / 'disagreements.jsonl'}")


def _groups(df: pd.DataFrame) -> pd.Series:
    """Review groups within each source: units of one review, joined with near-duplicate texts
    (word-set Jaccard >= 0.8). Returns a group key per row (the group's smallest source_id)."""
    parent = {sid: sid for sid in df["source_id"]}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for _, g in df.groupby("source"):
        words = [set(re.findall(r"\w+", t.lower())) for t in g["text"]]
        sids = g["source_id"].tolist()
        for i in range(len(words)):
            for j in range(i + 1, len(words)):
                if sids[i] == sids[j] or not words[i] or not words[j]:
                    continue
                inter = len(words[i] & words[j])
                if inter / len(words[i] | words[j]) >= 0.8:
                    ri, rj = find(sids[i]), find(sids[j])
                    if ri != rj:
                        parent[max(ri, rj)] = min(ri, rj)
    return df["source_id"].map(find)


def split_of(group: str) -> str:
    h = int(hashlib.sha256(("heartscore-real|" + group).encode()).hexdigest()[:12], 16) / 16 ** 12
    return next(name for cut, name in SPLIT_CUTS if h < cut)


def assemble() -> None:
    """real.csv: every unit read twice, with the agreed or adjudicated labels and its split."""
    u = units()
    wide = paired(None)
    adj_path = REAL / "adjudication.csv"
    adj = pd.read_csv(adj_path, dtype=str) if adj_path.exists() else pd.DataFrame(
        columns=["id", "field", "a", "b", "final", "reason"])
    final = {(r.id, r.field): r.final for r in adj.itertuples()}
    rows, missing = [], 0
    for _, r in wide.iterrows():
        lab = {}
        for f in FIELDS:
            va, vb = str(r[f + "_a"]), str(r[f + "_b"])
            lab[f] = va if va == vb else final.get((r["id"], f))
        if any(v is None for v in lab.values()):
            missing += 1
            continue
        rows.append({"id": r["id"], **lab})
    if missing:
        print(f"{missing} texts still wait for adjudication and are left out")
    lab = pd.DataFrame(rows)
    df = u.merge(lab, on="id")
    df["split"] = _groups(df).map(split_of)
    df = df[COLUMNS].sort_values(["source", "id"])
    df.to_csv(REAL / "real.csv", index=False)
    print(f"real.csv: {len(df)} rows")
    print(pd.crosstab(df["source"], df["split"], margins=True))


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("collect")
    c.add_argument("--batch", required=True)
    c.add_argument("--jobs", required=True, type=Path)
    c.add_argument("--only", nargs="*")
    c.add_argument("--idmaps", type=Path)
    k = sub.add_parser("kappa")
    k.add_argument("--batch")
    d = sub.add_parser("disagreements")
    d.add_argument("--batch", required=True)
    d.add_argument("--out", required=True, type=Path)
    sub.add_parser("assemble")
    a = ap.parse_args()
    if a.cmd == "collect":
        collect(a.batch, a.jobs, a.only, a.idmaps)
    elif a.cmd == "kappa":
        kappa(a.batch)
    elif a.cmd == "disagreements":
        disagreements(a.batch, a.out)
    else:
        assemble()


if __name__ == "__main__":
    main()
