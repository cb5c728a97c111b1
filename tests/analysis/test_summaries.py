import numpy as np
import pandas as pd
import pytest

from heartscore.errors import InputError
from heartscore.analysis.summaries import SMALL_GROUP, Summarizer, summarize_frame


def _scored(n_a, n_b):
    rng = np.random.default_rng(0)
    n = n_a + n_b
    return pd.DataFrame({
        "store": ["a"] * n_a + ["b"] * n_b,
        "polarity": rng.choice(["good", "bad", "neutral"], n),
        "trust": rng.choice([-1, 0, 1], n), "safety": 0, "seen": 1, "mattering": -1,
        "heart_score": rng.uniform(-1, 1, n)})


def test_shares_means_and_small_flag():
    df = _scored(100, 10)
    t = summarize_frame(df, group_by="store").set_index("store")
    a = df[df.store == "a"]
    assert t.loc["a", "rows"] == 100 and t.loc["b", "rows"] == 10
    assert t.loc["a", "share_good"] == round((a.polarity == "good").mean(), 4)
    assert t.loc["a", "seen_met"] == 1.0 and t.loc["a", "mattering_violated"] == 1.0
    assert abs(t.loc["a", "heart_score_mean"] - a.heart_score.mean()) < 1e-4
    assert t.loc["a", "heart_score_ci_low"] < t.loc["a", "heart_score_mean"] < \
        t.loc["a", "heart_score_ci_high"]
    assert not t.loc["a", "small"] and t.loc["b", "small"] and SMALL_GROUP == 30


def test_chunked_equals_whole():
    df = _scored(70, 40)
    s = Summarizer(group_by="store")
    for i in range(0, len(df), 17):
        s.add(df.iloc[i:i + 17])
    pd.testing.assert_frame_equal(s.result(), summarize_frame(df, group_by="store"))


def test_unscored_rows_count_but_do_not_dilute_shares():
    df = _scored(40, 0)
    df.loc[:9, ["polarity", "heart_score"]] = None
    t = summarize_frame(df)
    assert t.loc[0, "rows"] == 40 and t.loc[0, "scored"] == 30


def test_errors_name_the_columns():
    with pytest.raises(InputError, match="not a scored table"):
        summarize_frame(pd.DataFrame({"text": ["x"]}))
    with pytest.raises(InputError, match="no column 'shop'"):
        summarize_frame(_scored(3, 0), group_by="shop")
