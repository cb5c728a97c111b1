"""The shipped model's outputs on a fixed set of texts (tests/data/golden_scores.jsonl,
written by scripts/golden_scores.py) must not change when the code is made faster."""
import json
from pathlib import Path

import numpy as np

GOLDEN = Path(__file__).parent / "data" / "golden_scores.jsonl"


def test_outputs_equal_the_recorded_ones(model):
    lines = GOLDEN.read_text(encoding="utf-8").splitlines()
    head, rows = json.loads(lines[0]), [json.loads(x) for x in lines[1:]]
    assert head["model"] == model.id, (
        f"{GOLDEN.name} was recorded with {head['model']}, the shipped model is {model.id}; "
        "after rebuilding the model run python scripts/golden_scores.py")
    cols = model.score_columns([r["text"] for r in rows], evidence=True)
    for name, values in cols.items():
        want = [r[name] for r in rows]
        got = [v.item() if hasattr(v, "item") else v for v in values]
        if isinstance(want[0], float):
            assert np.allclose(got, want, rtol=0, atol=1.01e-4), name  # 4-decimal rounding
        else:
            bad = [(r["text"][:50], w, g) for r, w, g in zip(rows, want, got) if w != g]
            assert not bad, (name, bad[:3])
