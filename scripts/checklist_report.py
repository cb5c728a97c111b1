"""Run the behavioural suite on the shipped model; print pass rates per test type and label,
and (with --write-xfail) record the failing cases in tests/data/checklist_xfail.json with the
reason each fails. Usage: python scripts/checklist_report.py [--write-xfail]"""
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import heartscore  # noqa: E402
from checklist import XFAIL, case_id, load_cases, run_case  # noqa: E402

model = heartscore.load()
stats = defaultdict(lambda: [0, 0])
fails = {}
for case in load_cases():
    ok, what = run_case(model, case)
    for key in (case["type"], f"{case['type']}/{case['label']}"):
        stats[key][0] += ok
        stats[key][1] += 1
    if not ok:
        fails[case_id(case)] = f"{model.id} fails: {what}"
out = {k: {"passed": p, "total": n, "rate": round(p / n, 3)} for k, (p, n) in sorted(stats.items())}
print(json.dumps(out, indent=2))
(ROOT / "models" / "checklist.json").write_text(json.dumps(out, indent=2) + "\n")
if "--write-xfail" in sys.argv:
    XFAIL.write_text(json.dumps(fails, indent=2, sort_keys=True) + "\n")
    print(f"{len(fails)} failing cases recorded in {XFAIL}", file=sys.stderr)
