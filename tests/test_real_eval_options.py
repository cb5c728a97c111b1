"""benchmarks/real_eval.py's options: ``--on`` takes the test split only alone, so a choosing
run can never read a test row; ``--train-share`` cuts only the train rows, per source."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import real_eval  # noqa: E402  (an import error must fail, not skip)


@pytest.mark.parametrize("value", ["test", "dev", "train", "dev,train", "train,dev"])
def test_on_takes_test_alone_or_dev_and_train(value):
    assert real_eval._splits(value) == value


@pytest.mark.parametrize("value", ["test,dev", "dev,test", "dev,dev", "", "valid", "dev,"])
def test_on_refuses_test_mixed_in_or_unknown_splits(value):
    with pytest.raises(argparse.ArgumentTypeError, match="expected test, dev, train"):
        real_eval._splits(value)


@pytest.mark.parametrize("value", ["0", "-0.5", "1.5", "half", "nan", ""])
def test_train_share_refuses_anything_outside_zero_to_one(value):
    with pytest.raises(argparse.ArgumentTypeError, match=r"expected a share in \(0, 1\]"):
        real_eval._share(value)


def test_train_share_cuts_each_sources_train_rows_and_keeps_the_rest():
    rows = pd.DataFrame({
        "source": ["a"] * 40 + ["b"] * 20,
        "split": (["train"] * 30 + ["dev"] * 10) + (["train"] * 12 + ["dev"] * 8),
        "text": [f"t{i}" for i in range(60)]})
    cut = real_eval.subsample_train(rows, 0.5)
    train = cut[cut["split"] == "train"]
    assert train["source"].value_counts().to_dict() == {"a": 15, "b": 6}
    # dev rows all kept, the order of the rows unchanged, seeded
    assert (cut[cut["split"] == "dev"]["text"].tolist()
            == rows[rows["split"] == "dev"]["text"].tolist())
    assert cut.index.is_monotonic_increasing
    assert cut["text"].tolist() == real_eval.subsample_train(rows, 0.5)["text"].tolist()
    assert real_eval.subsample_train(rows, 1.0)["text"].tolist() == rows["text"].tolist()
