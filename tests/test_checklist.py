"""Behavioural suite. Cases were written before the model was tuned and are never deleted.
Each test type and label has a floor, the shipped model's pass count when it was recorded
(tests/data/checklist_floor.json): the model may not pass fewer, so a regression fails."""
import pytest

from checklist import group, load_cases, load_floor, run_suite

CASES = load_cases()
FLOOR = load_floor()
GROUPS = sorted({group(c) for c in CASES})


@pytest.fixture(scope="module")
def suite(model):
    return run_suite(model, CASES)


def test_suite_has_twenty_cases_per_label_and_type():
    from collections import Counter
    n = Counter((c["type"], c["label"]) for c in CASES)
    for t in ("MFT", "INV", "DIR"):
        for label in ("polarity", "trust", "safety", "seen", "mattering"):
            assert n[(t, label)] >= 20, (t, label, n[(t, label)])


def test_floor_is_recorded_for_the_shipped_model_and_every_group(model):
    assert FLOOR["model"] == model.id, "re-record: python scripts/checklist_report.py --write-floor"
    assert set(FLOOR["floors"]) == set(GROUPS)


@pytest.mark.parametrize("name", GROUPS)
def test_pass_count_does_not_fall_below_the_floor(suite, name):
    got = suite[name]
    floor = FLOOR["floors"][name]
    assert got["total"] == floor["total"], "cases were added or removed: re-record the floor"
    failing = "\n".join(f"  {k}: {v}" for k, v in sorted(got["failing"].items()))
    assert got["passed"] >= floor["passed"], (
        f"{name}: {got['passed']}/{got['total']} pass, floor {floor['passed']}; failing:\n{failing}")
