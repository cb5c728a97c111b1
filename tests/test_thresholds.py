"""Decision thresholds: arg-max without them, a neutral bias for polarity, sign thresholds
for a signal; chosen on dev so that they change decisions."""
import numpy as np

from heartscore.thresholds import choose_thresholds, decide


def test_without_thresholds_the_decision_is_the_arg_max():
    p = np.array([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]])
    assert decide("trust", p, None).tolist() == [1, 0]


def test_a_signal_sign_wins_when_it_clears_its_threshold():
    p = np.array([[0.1, 0.6, 0.3], [0.35, 0.6, 0.05], [0.3, 0.4, 0.3]])
    out = decide("trust", p, {"plus": 0.25, "minus": 0.4})
    assert out.tolist() == [2, 1, 2]  # a tie of the signs goes to +1 when +1 clears


def test_the_neutral_bias_shifts_polarity_decisions():
    p = np.array([[0.40, 0.45, 0.15]])
    assert decide("polarity", p, {"neutral_bias": 0.0}).tolist() == [1]
    assert decide("polarity", p, {"neutral_bias": -0.1}).tolist() == [0]


def test_chosen_signal_thresholds_separate_dev_classes():
    # +1 texts have p(+1) around 0.3, below the arg-max: a threshold under 0.3 finds them
    p = np.array([[0.1, 0.6, 0.3]] * 5 + [[0.1, 0.85, 0.05]] * 5)
    truth = np.array([2] * 5 + [1] * 5)
    t = choose_thresholds("trust", truth, p)
    assert 0.05 < t["plus"] <= 0.3
    assert t["minus"] == 0.5  # no -1 example on dev
    assert decide("trust", p, t).tolist() == truth.tolist()


def test_the_f1_used_to_choose_is_scikit_learns_to_the_last_bit():
    from sklearn.metrics import f1_score

    from heartscore.thresholds import _f1, _macro_f1
    rng = np.random.default_rng(0)
    for _ in range(150):
        n = int(rng.integers(1, 40))
        t, p = rng.integers(0, 3, n), rng.integers(0, 3, n)
        assert _macro_f1(t, p) == f1_score(t, p, average="macro", labels=[0, 1, 2],
                                           zero_division=0)
        tb, pb = rng.random(n) < 0.3, rng.random(n) < 0.4
        assert _f1(tb, pb) == f1_score(tb, pb, zero_division=0)
