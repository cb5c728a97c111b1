"""The shipped model's outputs on a fixed set of texts (tests/data/golden_scores.jsonl, written by
scripts/golden_scores.py) must not change when the code changes: per text the five labels, the
low-confidence flag and the evidence spans exactly (in the model's order), and the class
probabilities, heart score and confidence to the recorded precision (3 decimals: the recorded
value is the rounded one, so the running value may differ from it by at most half a unit in
the last place)."""
import json
from pathlib import Path

import numpy as np
import pytest

GOLDEN = Path(__file__).parent / "data" / "golden_scores.jsonl"


@pytest.fixture(scope="module")
def recorded():
    lines = GOLDEN.read_text(encoding="utf-8").splitlines()
    return json.loads(lines[0]), [json.loads(x) for x in lines[1:]]


@pytest.fixture(scope="module")
def running(model, recorded):
    head, rows = recorded
    assert head["model"] == model.id, (
        f"{GOLDEN.name} was recorded with {head['model']}, the shipped model is {model.id}; "
        "after rebuilding the model run python scripts/golden_scores.py")
    assert len(rows) == head["n"]
    return model.score_columns([r["text"] for r in rows], evidence=True)


def _mismatches(rows, got, want):
    return [(r["text"][:50], w, g) for r, w, g in zip(rows, want, got) if w != g]


def test_labels_equal_the_recorded_ones(recorded, running):
    head, rows = recorded
    for j, label in enumerate(head["labels"]):
        got = [v.item() if hasattr(v, "item") else v for v in running[label]]
        bad = _mismatches(rows, got, [r["labels"][j] for r in rows])
        assert not bad, (label, bad[:3])
    got = [bool(v) for v in running["low_confidence"]]
    bad = _mismatches(rows, got, [r["low_confidence"] for r in rows])
    assert not bad, ("low_confidence", bad[:3])


def test_probabilities_equal_the_recorded_ones_to_the_precision(recorded, running):
    head, rows = recorded
    tol = 0.5 * 10.0 ** -head["precision"] + 1e-9   # the recorded value is the rounded one
    columns = [(name, [r["p"][k] for r in rows]) for k, name in enumerate(head["p"])]
    columns += [(name, [r[name] for r in rows]) for name in ("heart_score", "confidence")]
    for name, want in columns:
        diff = np.abs(np.asarray(running[name], dtype=float) - np.asarray(want, dtype=float))
        worst = int(np.argmax(diff))
        assert diff[worst] <= tol, (name, rows[worst]["text"][:50], want[worst],
                                    float(running[name][worst]))


def test_evidence_spans_equal_the_recorded_ones(recorded, running):
    _, rows = recorded
    for row, ev in zip(rows, running["evidence"]):
        spans: dict[str, list[list[int]]] = {}
        for e in json.loads(ev):
            assert e["text"] == row["text"][e["start"]:e["end"]], (row["text"][:50], e)
            spans.setdefault(e["label"], []).append([e["start"], e["end"]])
        assert spans == row["evidence"], row["text"][:50]
