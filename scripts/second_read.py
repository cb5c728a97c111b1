"""Agreement between the corpus labels and a blind second read (Cohen's kappa per label),
and the list of disagreements to reconcile.

    python scripts/second_read.py FIRST.jsonl SECOND.jsonl OUT_DISAGREEMENTS.jsonl
FIRST rows carry sid + text + labels; SECOND rows carry sid + labels.
"""
import json
import sys

from sklearn.metrics import cohen_kappa_score

LABELS = ["polarity", "trust", "safety", "seen", "mattering"]


def read(path):
    return {r["sid"]: r for r in map(json.loads, open(path, encoding="utf-8")) if r}


first, second = read(sys.argv[1]), read(sys.argv[2])
sids = sorted(first)
assert set(sids) == set(second), "the two reads cover different texts"
report = {"n": len(sids)}
for label in LABELS:
    a = [str(first[s][label]) for s in sids]
    b = [str(second[s][label]) for s in sids]
    report[label] = {"kappa": round(cohen_kappa_score(a, b), 3),
                     "agreement": round(sum(x == y for x, y in zip(a, b)) / len(a), 3)}
print(json.dumps(report, indent=2))
with open(sys.argv[3], "w", encoding="utf-8") as fh:
    n = 0
    for s in sids:
        diff = [l for l in LABELS if str(first[s][l]) != str(second[s][l])]
        if diff:
            n += 1
            fh.write(json.dumps({"sid": s, "text": first[s]["text"], "labels_differing": diff,
                                 "reader_a": {l: first[s][l] for l in LABELS},
                                 "reader_b": {l: second[s][l] for l in LABELS}},
                                ensure_ascii=False) + "\n")
print(f"{n} texts with at least one disagreement", file=sys.stderr)
