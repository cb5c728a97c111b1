"""Run the behavioural suite on the shipped model; print pass rates per test type and label,
and per pattern (the MFT negation patterns and the named hard-case slices, keys
"pattern/<name>"), into models/checklist.json, and (with --write-floor) record the model's pass
counts per group and per pattern as the floor in tests/data/checklist_floor.json, in one run.
Usage: python scripts/checklist_report.py [--write-floor]"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import heartscore  # noqa: E402
from checklist import FLOOR, load_cases, outcomes, pattern, tally  # noqa: E402


def rate(g: dict) -> dict:
    return {"passed": g["passed"], "total": g["total"], "rate": round(g["passed"] / g["total"], 3)}


model = heartscore.load()
cases = load_cases()
results = outcomes(model, cases)
suite = tally(cases, results)
patterns = tally(cases, results, key=pattern)
out = {}
for t in ("DIR", "INV", "MFT"):
    groups = [g for k, g in suite.items() if k.startswith(t + "/")]
    out[t] = rate({"passed": sum(g["passed"] for g in groups),
                   "total": sum(g["total"] for g in groups)})
for k in sorted(suite):
    out[k] = rate(suite[k])
for k in sorted(patterns):
    out[f"pattern/{k}"] = rate(patterns[k])
out = dict(sorted(out.items()))
print(json.dumps(out, indent=2))
(ROOT / "models" / "checklist.json").write_text(json.dumps(out, indent=2) + "\n")
if "--write-floor" in sys.argv:
    floor = {"model": model.id,
             "floors": {k: {"passed": g["passed"], "total": g["total"]} for k, g in sorted(suite.items())},
             "patterns": {k: {"passed": g["passed"], "total": g["total"]}
                          for k, g in sorted(patterns.items())},
             "failing": {k: g["failing"] for k, g in sorted(suite.items()) if g["failing"]}}
    FLOOR.write_text(json.dumps(floor, indent=2, ensure_ascii=False) + "\n")
    print(f"floor recorded for {model.id} in {FLOOR}", file=sys.stderr)
