"""The CheckList-style behavioural suite (Ribeiro et al., ACL 2020): loading cases, deciding
pass/fail, and pass counts per test type and label. Used by tests/test_checklist.py and
scripts/checklist_report.py.

- MFT: the label's decided value equals the expected one.
- INV: text and variant get the same decided value for the label.
- DIR: the label's score (p(+1)-p(-1), or p(good)-p(bad) for polarity) of the variant does
  not move against the stated direction by more than DIR_TOLERANCE.

Cases a model fails stay in the suite: the model's pass count per type and label, and per
pattern (the MFT cases' `pattern`: negation patterns and the named hard-case slices), is
recorded in tests/data/checklist_floor.json, and a model may not pass fewer.

The named slices (issue 16) are MFT cases whose `pattern` is one of SLICES; each has a
`source`, "real:<id>" for a verbatim train/dev row of corpora/real/real.csv (expected value =
its adjudicated gold label) or "written".
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from pathlib import Path

DATA = Path(__file__).parent / "data"
CASES = DATA / "checklist.jsonl"
FLOOR = DATA / "checklist_floor.json"
DIR_TOLERANCE = 0.05
#: The named hard-case slices of issue 16, each >= 20 MFT cases, at least half from real rows.
SLICES = ("sarcasm", "promise-vs-delay", "resolved-problem", "negated-negative",
          "dates-and-times", "no-reply", "short-praise")


def case_id(case: dict) -> str:
    key = "|".join([case["type"], case["label"], case["text"], case.get("variant", "")])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def group(case: dict) -> str:
    return f"{case['type']}/{case['label']}"


def pattern(case: dict) -> str | None:
    """The case's pattern (MFT cases only; None for cases without one)."""
    return case.get("pattern")


def load_cases() -> list[dict]:
    return [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def load_floor() -> dict:
    return json.loads(FLOOR.read_text(encoding="utf-8"))


def _value(result, label):
    return result.polarity if label == "polarity" else result.signals[label]


def _score(result, label):
    p = result.proba[label]
    return p["good"] - p["bad"] if label == "polarity" else p[1] - p[-1]


def judge(case: dict, a, b=None) -> tuple[bool, str]:
    """(passed, what happened) from the case's result(s)."""
    label = case["label"]
    if case["type"] == "MFT":
        got, exp = _value(a, label), case["expected"]
        return got == exp, f"predicted {got!r}, expected {exp!r}"
    if case["type"] == "INV":
        va, vb = _value(a, label), _value(b, label)
        return va == vb, f"{va!r} became {vb!r} after a {case['perturbation']} change"
    sa, sb = _score(a, label), _score(b, label)
    if case["direction"] == "not_increase":
        return sb <= sa + DIR_TOLERANCE, f"score {sa:+.3f} -> {sb:+.3f}, should not increase"
    return sb >= sa - DIR_TOLERANCE, f"score {sa:+.3f} -> {sb:+.3f}, should not decrease"


def run_case(model, case: dict) -> tuple[bool, str]:
    """(passed, what happened) for one case."""
    if case["type"] == "MFT":
        return judge(case, model.score(case["text"]))
    return judge(case, *model.score_many([case["text"], case["variant"]]))


def outcomes(model, cases: list[dict]) -> list[tuple[bool, str]]:
    """(passed, what happened) per case, every case scored in one batch."""
    texts = []
    for c in cases:
        texts.append(c["text"])
        if c["type"] != "MFT":
            texts.append(c["variant"])
    results = iter(model.score_many(texts))
    out = []
    for c in cases:
        a = next(results)
        b = next(results) if c["type"] != "MFT" else None
        out.append(judge(c, a, b))
    return out


def tally(cases: list[dict], results: list[tuple[bool, str]], key=group) -> dict[str, dict]:
    """Per key(case) (cases whose key is None are left out): passed, total, failing cases."""
    out: dict[str, dict] = defaultdict(lambda: {"passed": 0, "total": 0, "failing": {}})
    for c, (ok, what) in zip(cases, results, strict=True):
        k = key(c)
        if k is None:
            continue
        g = out[k]
        g["total"] += 1
        g["passed"] += ok
        if not ok:
            g["failing"][case_id(c)] = f"{c['text']!r}: {what}"
    return dict(out)


def run_suite(model, cases: list[dict]) -> dict[str, dict]:
    """Every case scored in one batch; per group: passed, total, and the failing cases."""
    return tally(cases, outcomes(model, cases))
