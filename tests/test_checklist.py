"""Behavioural suite. Cases are never deleted. Each test type and label, and each pattern
(negation patterns, named hard-case slices), has a floor, the shipped model's pass count when
it was recorded (tests/data/checklist_floor.json): the model may not pass fewer, so a
regression fails. The named slices' real cases are checked against corpora/real/real.csv:
train or dev rows only, verbatim, with their gold label."""
import csv
import re
from pathlib import Path

import pytest

from checklist import SLICES, case_id, group, load_cases, load_floor, outcomes, pattern, tally

CASES = load_cases()
FLOOR = load_floor()
GROUPS = sorted({group(c) for c in CASES})
PATTERNS = sorted({pattern(c) for c in CASES} - {None})
REAL = Path(__file__).resolve().parents[1] / "corpora" / "real" / "real.csv"
SLICE_CASES = [c for c in CASES if pattern(c) in SLICES]


@pytest.fixture(scope="module")
def results(model):
    return outcomes(model, CASES)


@pytest.fixture(scope="module")
def suite(results):
    return tally(CASES, results)


@pytest.fixture(scope="module")
def by_pattern(results):
    return tally(CASES, results, key=pattern)


@pytest.fixture(scope="module")
def real_rows():
    with REAL.open(encoding="utf-8", newline="") as f:
        return {r["id"]: r for r in csv.DictReader(f)}


def test_suite_has_twenty_cases_per_label_and_type():
    from collections import Counter
    n = Counter((c["type"], c["label"]) for c in CASES)
    for t in ("MFT", "INV", "DIR"):
        for label in ("polarity", "trust", "safety", "seen", "mattering"):
            assert n[(t, label)] >= 20, (t, label, n[(t, label)])


def test_floor_is_recorded_for_the_shipped_model_and_every_group(model):
    assert FLOOR["model"] == model.id, "re-record: python scripts/checklist_report.py --write-floor"
    assert set(FLOOR["floors"]) == set(GROUPS)
    assert set(FLOOR["patterns"]) == set(PATTERNS)


def _check_floor(got: dict, floor: dict, what: str) -> None:
    assert got["total"] == floor["total"], "cases were added or removed: re-record the floor"
    failing = "\n".join(f"  {k}: {v}" for k, v in sorted(got["failing"].items()))
    assert got["passed"] >= floor["passed"], (
        f"{what}: {got['passed']}/{got['total']} pass, floor {floor['passed']}; "
        f"failing:\n{failing}")


@pytest.mark.parametrize("name", GROUPS)
def test_pass_count_does_not_fall_below_the_floor(suite, name):
    _check_floor(suite[name], FLOOR["floors"][name], name)


@pytest.mark.parametrize("name", PATTERNS)
def test_pattern_pass_count_does_not_fall_below_the_floor(by_pattern, name):
    _check_floor(by_pattern[name], FLOOR["patterns"][name], f"pattern {name}")


def test_case_ids_are_unique():
    ids = [case_id(c) for c in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("name", SLICES)
def test_each_named_slice_has_twenty_cases_at_least_half_from_real_rows(name):
    cases = [c for c in CASES if pattern(c) == name]
    real = [c for c in cases if c["source"].startswith("real:")]
    assert len(cases) >= 20, (name, len(cases))
    assert 2 * len(real) >= len(cases), (name, len(real), len(cases))
    assert all(c["type"] == "MFT" for c in cases)
    assert all(c["source"] == "written" or c["source"].startswith("real:") for c in cases)


def test_real_slice_cases_are_verbatim_train_or_dev_rows_with_their_gold_label(real_rows):
    real = [c for c in SLICE_CASES if c["source"].startswith("real:")]
    assert real
    for c in real:
        row = real_rows[c["source"].removeprefix("real:")]
        assert row["split"] in ("train", "dev"), (c["source"], row["split"])
        assert c["text"] == row["text"], c["source"]
        gold = row[c["label"]] if c["label"] == "polarity" else int(row[c["label"]])
        assert c["expected"] == gold, (c["source"], c["label"], c["expected"], gold)


def test_no_slice_text_is_or_is_part_of_a_test_row(real_rows):
    test_texts = [r["text"].lower() for r in real_rows.values() if r["split"] == "test"]
    assert test_texts
    leaked = [c["text"] for c in SLICE_CASES
              if any(c["text"].lower() in t for t in test_texts)]
    assert not leaked, leaked


def test_slice_texts_carry_no_unmasked_contact_details():
    contact = re.compile(r"[\w.+-]+@[\w-]+\.\w|\+?\d[\d ()-]{8,}\d")
    found = [c["text"] for c in SLICE_CASES if contact.search(c["text"])]
    assert not found, found
