"""Dense features: VADER's negation scalar and "but" weights, provenance shares, cue names."""
import numpy as np

from heartscore.dense_features import (BUT_AFTER, BUT_BEFORE, COL, DENSE_FEATURES,
                                       N_SCALAR, cue_features, valence_features)
from heartscore.word_facts import TokenBatch


def _batch(valence, negated=None, contrast=None):
    n = len(valence)
    start = np.arange(n, dtype=np.int64) * 10
    return TokenBatch(doc=np.zeros(n, dtype=np.int64), bounds=np.array([0, n]),
                      key=np.zeros(n, dtype=np.int64), start=start, end=start + 4,
                      negated=np.asarray(negated or [False] * n),
                      valence=np.asarray(valence, dtype=float),
                      contrast=np.asarray(contrast or [False] * n),
                      orth=np.zeros(n, dtype=np.uint64))


def test_negation_flips_valence_with_vaders_scalar():
    dense = np.zeros((1, len(DENSE_FEATURES)))
    valence_features(_batch([2.0], negated=[True]), dense)
    assert dense[0, COL["val:min"]] == 2.0 * N_SCALAR / 4.0
    assert dense[0, COL["val:negated"]] > 0 and dense[0, COL["val:pos"]] == 0


def test_words_after_but_weigh_more_and_shares_sum_to_one():
    dense = np.zeros((1, len(DENSE_FEATURES)))
    doc, feat, start, _, share = valence_features(
        _batch([2.0, 0.0, 2.0], contrast=[False, True, False]), dense)
    assert dense[0, COL["val:max"]] == 2.0 * BUT_AFTER / 4.0
    assert dense[0, COL["val:min"]] == 2.0 * BUT_BEFORE / 4.0
    assert dense[0, COL["val:after_but"]] > 0
    for f in set(feat.tolist()):
        assert np.isclose(share[feat == f].sum(), 1.0)
    pos = feat == COL["val:pos"]
    assert start[pos].tolist() == [0, 20] and share[pos].tolist() == [0.25, 0.75]


def test_cue_feature_names():
    assert cue_features(["effort"]) == ("cue:effort+", "cue:effort+:neg", "cue:effort-",
                                        "cue:effort-:neg")
    assert DENSE_FEATURES[-1] == "cue:mattering-:neg"
