"""The committed encoder caches of benchmarks/real_eval.py (models/accurate-folds/): every
source has a fold and a teacher-pool file whose SHA-256 and recorded inputs match the
corpora and training code here, so a clean checkout reproduces the accurate model's column
and the teacher lever without torch."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import real_eval  # noqa: E402  (an import error must fail, not skip)
SOURCES = sorted(set(pd.read_csv(ROOT / "corpora" / "real" / "real.csv", usecols=["source"])
                     ["source"]))


@pytest.mark.parametrize("source", SOURCES)
def test_each_fold_cache_matches_the_inputs_here(source):
    fold = real_eval.accurate_fold(source)
    assert not isinstance(fold, str), fold
    index, proba, starts, units = fold
    assert proba.shape == (len(index), 5, 3)
    # every row has its sentences, in row order
    assert starts[0] == 0 and (np.diff(starts) >= 1).all()
    assert units.shape == (starts[-1], 5, 3)
    pool = real_eval.accurate_pool(source)
    assert not isinstance(pool, str), pool
    texts, enc = pool
    assert enc.shape == (len(texts), 5, 3) and source not in set(texts["source"])
