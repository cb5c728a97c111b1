import numpy as np
import pandas as pd
import pytest
from scipy import stats

from heartscore.analysis.summaries import (SMALL_GROUP, Summarizer, monthly_heart_score,
                                           parse_dates, summarize_frame, t_half_width)
from heartscore.errors import InputError


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


def test_digits_none_keeps_full_precision():
    df = _scored(45, 0)
    exact = summarize_frame(df, digits=None).iloc[0]
    assert exact["share_good"] == (df.polarity == "good").sum() / 45
    assert exact["trust_violated"] == (df.trust == -1).sum() / 45
    assert exact["heart_score_mean"] == pytest.approx(df.heart_score.mean(), abs=1e-15)
    rounded = summarize_frame(df).iloc[0]
    assert rounded["share_good"] == round(exact["share_good"], 4)


def test_scored_means_a_polarity_and_no_error_and_heart_score_is_optional():
    df = _scored(40, 0)
    df["heartscore_error"] = None
    df.loc[:4, "heartscore_error"] = "empty text"      # labels left by mistake: not scored
    df.loc[5:6, "polarity"] = " "                       # blank polarity: not scored
    t = summarize_frame(df, digits=None).iloc[0]
    kept = df.iloc[7:]
    assert (t["rows"], t["scored"]) == (40, 33)
    assert t["share_bad"] == (kept.polarity == "bad").mean()
    assert t["heart_score_mean"] == pytest.approx(kept.heart_score.mean())
    t = summarize_frame(df.drop(columns=["heart_score"])).iloc[0]
    assert t["scored"] == 33 and t["share_bad"] == round((kept.polarity == "bad").mean(), 4)
    assert t["heart_score_mean"] is None and t["heart_score_ci_low"] is None


def test_t_half_width_matches_scipy_and_needs_two_rows():
    x = np.array([0.1, -0.3, 0.5, 0.2])
    half = stats.t.ppf(0.975, 3) * x.std(ddof=1) / np.sqrt(4)
    assert t_half_width(x.std(ddof=1), 4) == pytest.approx(half)
    assert t_half_width(0.2, 4, level=0.9) < t_half_width(0.2, 4)
    assert np.isnan(t_half_width(0.2, 1)) and np.isnan(t_half_width(0.2, 0))
    assert t_half_width([0.2, 0.2], [1, 9]).shape == (2,)


def test_parse_dates_reads_iso_then_other_formats():
    got = parse_dates(pd.Series(["2026-01-31", "2026-02-01T23:30:00+02:00", "3 March 2026",
                                 "soon", None, ""]))
    assert str(got.dt.tz) == "UTC"
    assert list(got.iloc[:3].dt.strftime("%Y-%m-%d %H:%M")) == [
        "2026-01-31 00:00", "2026-02-01 21:30", "2026-03-03 00:00"]
    assert got.iloc[3:].isna().all()
    naive = parse_dates(pd.Series(pd.to_datetime(["2026-01-31 12:00"])))
    assert naive.iloc[0] == pd.Timestamp("2026-01-31 12:00", tz="UTC")


def _monthly_rows():
    rng = np.random.default_rng(1)
    n = 50
    df = pd.DataFrame({"store": ["a"] * 30 + ["b"] * 20,
                       "date": ["2026-01-15"] * 20 + ["2026-02-03"] * 10 + ["2026-02-20"] * 19
                       + ["not a date"],
                       "polarity": "good", "heart_score": rng.uniform(-1, 1, n)})
    df.loc[0, "polarity"] = None                          # not scored: left out
    df.loc[0, "heart_score"] = None
    return df


def test_monthly_heart_score_has_a_t_interval():
    df = _monthly_rows()
    m = monthly_heart_score(df, date_column="date")
    assert list(m.columns) == ["month", "n", "mean", "ci_low", "ci_high"]
    assert list(m["month"].dt.strftime("%Y-%m")) == ["2026-01", "2026-02"]
    assert str(m["month"].dt.tz) == "UTC"
    jan = df["heart_score"].iloc[1:20].to_numpy()
    half = stats.t.ppf(0.975, 18) * jan.std(ddof=1) / np.sqrt(19)
    r = m.iloc[0]
    assert r["n"] == 19 and r["mean"] == pytest.approx(jan.mean())
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((jan.mean() - half, jan.mean() + half))
    assert m["n"].tolist() == [19, 29]                     # the unreadable date is left out


def test_monthly_heart_score_per_group_clips_and_leaves_one_row_without_band():
    df = _monthly_rows()
    df.loc[29, "date"] = "2026-03-01"                     # group a, March: one row
    df.loc[21:28, "heart_score"] = [1, -1] * 4            # a wide band: clipped to [-1, 1]
    by = monthly_heart_score(df, date_column="date", group_by="store")
    assert list(by.columns) == ["store", "month", "n", "mean", "ci_low", "ci_high"]
    assert list(zip(by["store"], by["month"].dt.strftime("%m"), by["n"])) == [
        ("a", "01", 19), ("a", "02", 9), ("a", "03", 1), ("b", "02", 19)]
    assert by["ci_low"].min() >= -1 and by["ci_high"].max() <= 1
    march = by.iloc[2]
    assert np.isnan(march["ci_low"]) and np.isnan(march["ci_high"])
    assert monthly_heart_score(df.iloc[:0], date_column="date").empty
    with pytest.raises(InputError, match="no date column 'when'"):
        monthly_heart_score(df, date_column="when")


def test_outcome_difference_is_welchs_interval_and_newcombes_for_rates():
    from scipy.stats import ttest_ind

    from heartscore.analysis.summaries import outcome_difference
    rng = np.random.default_rng(0)
    a, b = rng.normal(3, 1, 80), rng.normal(2.5, 2, 50)
    diff, low, high = outcome_difference(a, b, binary=False)
    ci = ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert diff == pytest.approx(a.mean() - b.mean())
    assert (low, high) == pytest.approx((ci.low, ci.high))
    # 30/50 vs 10/50: Newcombe's hybrid score interval (Newcombe 1998, method 10), from
    # the two Wilson intervals
    def wilson(k, n, z=stats.norm.ppf(0.975)):
        p = k / n
        mid, half = p + z * z / (2 * n), z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        return (mid - half) / (1 + z * z / n), (mid + half) / (1 + z * z / n)
    (l1, u1), (l2, u2) = wilson(30, 50), wilson(10, 50)
    want = (0.4 - np.hypot(0.6 - l1, u2 - 0.2), 0.4 + np.hypot(u1 - 0.6, 0.2 - l2))
    d, lo, hi = outcome_difference(np.r_[np.ones(30), np.zeros(20)],
                                   np.r_[np.ones(10), np.zeros(40)], binary=True)
    assert d == pytest.approx(0.4) and (lo, hi) == pytest.approx(want)
    assert np.isnan(outcome_difference(np.ones(1), b, binary=False)[0])


def test_outcome_means_per_key_with_t_and_wilson_intervals():
    from heartscore.analysis.summaries import outcome_means
    keys = pd.Series(["x"] * 4 + ["y"] * 3)
    m = outcome_means(pd.Series([1.0, 2, 3, np.nan, 4, 4, 5]), keys, binary=False)
    x = m.set_index("key").loc["x"]
    assert x["n"] == 3 and x["mean"] == 2.0
    assert x["ci_high"] - 2.0 == pytest.approx(4.302653 * 1 / np.sqrt(3))
    r = outcome_means(pd.Series([1.0] * 8 + [0.0] * 2), pd.Series(["z"] * 10), binary=True)
    # Wilson interval of 8/10 (z = 1.96)
    assert (r["ci_low"].iloc[0], r["ci_high"].iloc[0]) == pytest.approx((0.4902, 0.9433), abs=1e-4)


@pytest.fixture(scope="module")
def scored_file(tmp_path_factory):
    """A real scored CSV of 60 rows (three chunks of 25 when read with chunksize=25)."""
    import heartscore
    out = tmp_path_factory.mktemp("scored") / "scored.csv"
    texts = ["Great staff, they listened.", "Rude and slow.", "We arrived at noon."] * 20
    heartscore.score_frame(pd.DataFrame({"text": texts})).to_csv(out, index=False)
    return out


@pytest.mark.parametrize("column, value, message", [
    ("polarity", "great", "column 'polarity' should hold one of bad, neutral, good"),
    ("trust", "abc", "column 'trust' should hold one of -1, 0, 1"),
    ("heart_score", "x", "column 'heart_score' should hold a number"),
])
def test_summarize_file_refuses_cells_that_are_not_labels_naming_the_row(
        scored_file, tmp_path, column, value, message):
    # before: shares that did not sum to 1, a signal share computed without the row, a mean
    # over 59 rows reported as 60 scored -- exit 0
    from heartscore.analysis.summaries import summarize_file
    df = pd.read_csv(scored_file, dtype=str, keep_default_na=False)
    df.loc[52, column] = value  # in the third chunk: the row number counts earlier chunks
    bad = tmp_path / "bad.csv"
    df.to_csv(bad, index=False)
    with pytest.raises(InputError, match=f"{message}, found other values in data row 53"):
        summarize_file(bad, tmp_path / "out.csv", chunksize=25)
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("content", ["", "text,store\nGreat,a\n"])
def test_summarize_file_refuses_an_empty_or_unscored_file(tmp_path, content):
    from heartscore.analysis.summaries import summarize_file
    path = tmp_path / "in.csv"
    path.write_text(content)
    with pytest.raises(InputError, match="is empty|is not a scored heartscore output"):
        summarize_file(path, tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


def test_summarize_file_of_a_good_scored_file_counts_every_row(scored_file, tmp_path):
    from heartscore.analysis.summaries import summarize_file
    table = summarize_file(scored_file, tmp_path / "out.csv", chunksize=25)
    assert int(table["rows"].sum()) == 60


def test_summarize_file_carries_a_models_extra_signal(scored_file, tmp_path):
    # before: the file's own signals were ignored for the four core ones (no effort_*)
    from heartscore.analysis.summaries import summarize_file
    df = pd.read_csv(scored_file, dtype=str, keep_default_na=False)
    at = df.columns.get_loc("mattering") + 1
    df.insert(at, "effort", ["-1", "0", "1"] * 20)
    for k, c in enumerate(("p_effort_-1", "p_effort_0", "p_effort_1")):
        df[c] = "0.3333"
    src = tmp_path / "effort.csv"
    df.to_csv(src, index=False)
    table = summarize_file(src, tmp_path / "out.csv")
    assert {"effort_met", "effort_violated"} <= set(table.columns)
    assert float(table["effort_met"].iloc[0]) == pytest.approx(1 / 3, abs=0.01)
