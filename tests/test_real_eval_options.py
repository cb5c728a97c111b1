"""benchmarks/real_eval.py's ``--on``: the test split only alone, so a choosing run can never
read a test row."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

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
