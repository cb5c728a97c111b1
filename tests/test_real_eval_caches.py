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
    with np.load(real_eval.FOLDS / f"{source}.npz", allow_pickle=False) as z:
        assert (np.diff(z["unit_owner"]) >= 0).all()
    assert starts[0] == 0 and (np.diff(starts) >= 1).all()
    assert units.shape == (starts[-1], 5, 3)
    pool = real_eval.accurate_pool(source)
    assert not isinstance(pool, str), pool
    texts, enc = pool
    assert enc.shape == (len(texts), 5, 3) and source not in set(texts["source"])


REAL = pd.read_csv(ROOT / "corpora" / "real" / "real.csv", dtype=str, keep_default_na=False)


class _Fold:
    """What real_eval needs of a fold's fast model: its scorer."""

    def __init__(self, scorer):
        self.scorer = scorer


def test_fold_probabilities_align_the_cached_sentences_with_the_fast_models_cut():
    import copy

    import heartscore
    from heartscore.preprocess import sentences
    source = SOURCES[0]
    fold = real_eval.accurate_fold(source)
    index, proba, starts, units = fold
    rows = REAL[REAL["id"].isin(index.keys())].sample(120, random_state=0)
    scorer = heartscore.load().scorer
    owner, fast, enc = real_eval.fold_probabilities(_Fold(scorer), fold, rows)
    counts = np.bincount(sentences(scorer.to_docs(rows["text"].tolist())).owner,
                         minlength=len(rows))
    assert owner.tolist() == np.repeat(np.arange(len(rows)), counts).tolist()
    assert counts.max() > 1  # some texts of several sentences
    first = starts[[index[i] for i in rows["id"]]]
    at = np.r_[0, np.cumsum(counts)[:-1]]  # each row's first sentence among the returned
    np.testing.assert_array_equal(enc["polarity"][at], units[first, 0, :])
    assert all(p.shape == (len(owner), 3) for p in fast.values())
    # a fast model that reads texts whole: one unit per text, the encoder's whole-text row
    whole = copy.copy(scorer)
    whole.by_sentence = False
    owner, fast, enc = real_eval.fold_probabilities(_Fold(whole), fold, rows)
    assert owner.tolist() == list(range(len(rows)))
    np.testing.assert_array_equal(enc["trust"], proba[[index[i] for i in rows["id"]], 1, :])
