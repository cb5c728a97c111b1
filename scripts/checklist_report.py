"""Run the behavioural suite on the shipped model; print pass rates per test type and label
into models/checklist.json, and (with --write-floor) record the model's pass counts as the
floor in tests/data/checklist_floor.json. Usage: python scripts/checklist_report.py [--write-floor]"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import heartscore  # noqa: E402
from checklist import FLOOR, load_cases, run_suite  # noqa: E402

model = heartscore.load()
suite = run_suite(model, load_cases())
out = {}
for t in ("DIR", "INV", "MFT"):
    groups = [g for k, g in suite.items() if k.startswith(t + "/")]
    p, n = sum(g["passed"] for g in groups), sum(g["total"] for g in groups)
    out[t] = {"passed": p, "total": n, "rate": round(p / n, 3)}
for k in sorted(suite):
    out[k] = {"passed": suite[k]["passed"], "total": suite[k]["total"],
              "rate": round(suite[k]["passed"] / suite[k]["total"], 3)}
out = dict(sorted(out.items()))
print(json.dumps(out, indent=2))
(ROOT / "models" / "checklist.json").write_text(json.dumps(out, indent=2) + "\n")
if "--write-floor" in sys.argv:
    floor = {"model": model.id,
             "floors": {k: {"passed": g["passed"], "total": g["total"]} for k, g in sorted(suite.items())},
             "failing": {k: g["failing"] for k, g in sorted(suite.items()) if g["failing"]}}
    FLOOR.write_text(json.dumps(floor, indent=2, ensure_ascii=False) + "\n")
    print(f"floor recorded for {model.id} in {FLOOR}", file=sys.stderr)
