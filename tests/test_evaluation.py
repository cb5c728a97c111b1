import numpy as np
import pytest

from heartscore.evaluation import (bootstrap_ci, brier_score, label_report, polarity_macro_f1,
                                   reliability_table, signal_macro_f1, uncertainty)


def test_macro_f1_perfect_and_wrong():
    t = ["good", "bad", "neutral"]
    assert polarity_macro_f1(t, t) == 1.0
    assert polarity_macro_f1(t, ["bad", "neutral", "good"]) == 0.0


def test_signal_macro_f1_counts_each_sign_separately():
    truth = np.array([[1, 0], [-1, 0], [0, 1], [0, -1]])
    assert signal_macro_f1(truth, truth) == 1.0
    flipped = truth.copy()
    flipped[:, 0] *= -1
    assert signal_macro_f1(truth, flipped) == 0.5


def test_bootstrap_interval_contains_point():
    rng = np.random.default_rng(1)
    t = rng.choice(["good", "bad", "neutral"], 200).astype(object)
    p = t.copy()
    p[:40] = "neutral"
    v, lo, hi = bootstrap_ci(polarity_macro_f1, t, p, n_boot=200)
    assert lo <= v <= hi and hi - lo > 0


def test_brier_and_reliability():
    p = np.array([[0.9, 0.1], [0.2, 0.8]])
    assert brier_score(np.array([0, 1]), p) < brier_score(np.array([1, 0]), p)
    rows = reliability_table(np.array([0, 1]), p)
    assert sum(r["count"] for r in rows) == 2


def test_label_report_and_uncertainty():
    rep = label_report([1, 0, -1], [1, 0, 0], [-1, 0, 1])
    assert rep["classes"]["1"]["f1"] == 1.0 and rep["classes"]["-1"]["recall"] == 0.0
    u = uncertainty([np.array([[1.0, 0, 0], [1 / 3, 1 / 3, 1 / 3]])])
    assert u[0] < 0.01 and abs(u[1] - 1) < 1e-6


def test_macro_f1_matches_scikit_learn_and_bootstrap_matches_per_sample_loop():
    """The vectorised metrics and bootstrap give what per-sample scikit-learn calls give."""
    from sklearn.metrics import f1_score
    rng = np.random.default_rng(7)
    t = rng.choice(["good", "bad", "neutral"], 150).astype(object)
    p = t.copy()
    p[:50] = rng.choice(["good", "bad"], 50)
    T = rng.choice([-1, 0, 1], (150, 3), p=[0.15, 0.7, 0.15])
    P = T.copy()
    P[:60] = rng.choice([-1, 0, 1], (60, 3))

    def sk_pol(a, b):
        return float(f1_score(list(a), list(b), labels=["bad", "neutral", "good"],
                              average="macro", zero_division=0))

    def sk_sig(a, b):
        return float(np.mean([f1_score(a[:, j] == s, b[:, j] == s, zero_division=0)
                              for j in range(a.shape[1]) for s in (1, -1)]))

    assert abs(polarity_macro_f1(t, p) - sk_pol(t, p)) < 1e-12
    assert abs(signal_macro_f1(T, P) - sk_sig(T, P)) < 1e-12
    assert abs(polarity_macro_f1(["good"], ["good"]) - sk_pol(["good"], ["good"])) < 1e-12
    for ours, theirs, args in ((polarity_macro_f1, sk_pol, (t, p)), (signal_macro_f1, sk_sig, (T, P))):
        np.testing.assert_allclose(bootstrap_ci(ours, *args, n_boot=40, seed=3),
                                   bootstrap_ci(theirs, *args, n_boot=40, seed=3), rtol=1e-12)


def test_five_label_macro_f1_averages_each_labels_macro_f1():
    from sklearn.metrics import f1_score

    from heartscore.evaluation import five_label_macro_f1
    truth = np.array([["good", 1, 0, 0, -1], ["bad", 0, -1, 1, 0], ["neutral", 0, 0, None, 0],
                      ["good", 1.0, 0, 1, np.nan]], dtype=object)
    pred = np.array([["good", 1, 0, 0, -1], ["good", 0, -1, 1, 0], ["neutral", 1, 0, 0, 0],
                     ["good", 1, 0, 0, 1]], dtype=object)
    per_label = [f1_score(["good", "bad", "neutral", "good"], ["good", "good", "neutral", "good"],
                          labels=["bad", "neutral", "good"], average="macro", zero_division=0)]
    for j, rows in ((1, [0, 1, 2, 3]), (2, [0, 1, 2, 3]), (3, [0, 1, 3]), (4, [0, 1, 2])):
        per_label.append(f1_score([int(truth[i, j]) for i in rows], [pred[i, j] for i in rows],
                                  labels=[-1, 0, 1], average="macro", zero_division=0))
    assert five_label_macro_f1(truth, pred) == pytest.approx(np.mean(per_label))
    full = np.array([["bad", -1, -1, -1, -1], ["neutral", 0, 0, 0, 0], ["good", 1, 1, 1, 1]],
                    dtype=object)
    assert five_label_macro_f1(full, full) == 1.0
    # a class absent from both truth and prediction counts 0, as in scikit-learn's f1_score
    assert five_label_macro_f1(full[1:], full[1:]) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="same"):
        five_label_macro_f1(truth, pred[:, :4])
