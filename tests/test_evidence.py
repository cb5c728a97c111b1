"""Evidence spans: the strongest non-overlapping spans towards the decided class; none for
a neutral decision; identical spans add up."""
import numpy as np
from sklearn.linear_model import LogisticRegression

from heartscore.evidence import evidence_spans, full_coef
from heartscore.features import Provenance


def _prov(rows):
    cols = list(zip(*rows))
    return Provenance(*(np.asarray(c, dtype=np.int64 if k < 4 else float)
                        for k, c in enumerate(cols)))


def test_strongest_first_overlaps_dropped_and_identical_spans_summed():
    # 3 classes, 3 features; class 2 is pushed by features 0 and 1, feature 2 pushes class 0
    coef = np.array([[0.0, 0.0, 3.0], [0.0, 0.0, 0.0], [3.0, 1.5, 0.0]])
    prov = _prov([  # doc, feature, start, end, share, value
        (0, 0, 0, 4, 1.0, 1.0),
        (0, 1, 2, 8, 1.0, 1.0),    # overlaps the stronger 0-4 span
        (0, 1, 10, 14, 0.5, 1.0),
        (0, 1, 10, 14, 0.5, 1.0),  # the same span again: scores add up
        (0, 2, 20, 24, 1.0, 1.0),  # pushes class 0, not the decided one
        (1, 0, 0, 4, 1.0, 1.0),
    ])
    out = evidence_spans(coef, prov, np.array([2, 1]), neutral=1, n=2, top_k=3)
    assert [s[:2] for s in out[0]] == [(0, 4), (10, 14)]
    assert out[0][0][2] > out[0][1][2] > 0
    assert out[1] == []  # decided neutral: nothing to explain


def test_full_coef_of_a_binary_head_is_symmetric():
    X = np.array([[0.0], [1.0], [0.0], [1.0]])
    head = LogisticRegression().fit(X, [0, 2, 0, 2])
    W = full_coef(head, 3)
    assert W.shape == (3, 1)
    assert W[1, 0] == 0.0 and W[0, 0] == -W[2, 0] != 0
