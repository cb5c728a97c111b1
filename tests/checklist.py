"""The CheckList-style behavioural suite (Ribeiro et al., ACL 2020): loading cases and
deciding pass/fail. Used by tests/test_checklist.py and scripts/checklist_report.py.

- MFT: the label's decided value equals the expected one.
- INV: text and variant get the same decided value for the label.
- DIR: the label's score (p(+1)-p(-1), or p(good)-p(bad) for polarity) of the variant does
  not move against the stated direction by more than DIR_TOLERANCE.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

DATA = Path(__file__).parent / "data"
CASES = DATA / "checklist.jsonl"
XFAIL = DATA / "checklist_xfail.json"
DIR_TOLERANCE = 0.05


def case_id(case: dict) -> str:
    key = "|".join([case["type"], case["label"], case["text"], case.get("variant", "")])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def load_cases() -> list[dict]:
    return [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def load_xfail() -> dict[str, str]:
    return json.loads(XFAIL.read_text(encoding="utf-8")) if XFAIL.exists() else {}


def _value(result, label):
    return result.polarity if label == "polarity" else result.signals[label]


def _score(result, label):
    p = result.proba[label]
    return p["good"] - p["bad"] if label == "polarity" else p[1] - p[-1]


def run_case(model, case: dict) -> tuple[bool, str]:
    """(passed, what happened)."""
    label = case["label"]
    if case["type"] == "MFT":
        r = model.score(case["text"])
        got = _value(r, label)
        exp = case["expected"]
        return got == exp, f"predicted {got!r}, expected {exp!r}"
    a, b = model.score_many([case["text"], case["variant"]])
    if case["type"] == "INV":
        va, vb = _value(a, label), _value(b, label)
        return va == vb, f"{va!r} became {vb!r} after a {case['perturbation']} change"
    sa, sb = _score(a, label), _score(b, label)
    if case["direction"] == "not_increase":
        return sb <= sa + DIR_TOLERANCE, f"score {sa:+.3f} -> {sb:+.3f}, should not increase"
    return sb >= sa - DIR_TOLERANCE, f"score {sa:+.3f} -> {sb:+.3f}, should not decrease"
