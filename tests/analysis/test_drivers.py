"""heartscore.drivers / `heartscore drivers`: planted effects in synthetic scored rows are
recovered within their intervals, unplanted ones cover 0, and bad input is one line + exit 2."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import heartscore
from heartscore.analysis.drivers import COLUMNS, FIT_TERMS, drivers
from heartscore.cli import main
from heartscore.errors import InputError
from heartscore.io import read_table

SIGNALS = ("trust", "safety", "seen", "mattering")


def scored_rows(n: int = 1500, *, seed: int = 7, binary: bool = False) -> pd.DataFrame:
    """Scored rows whose outcome depends on polarity and on seen = -1 only: a rating that
    ``seen = -1`` lowers by 1.0, or (binary) a recommend flag whose log-odds it lowers by
    1.5."""
    rng = np.random.default_rng(seed)
    pol = rng.choice(["good", "bad", "neutral"], n, p=[0.5, 0.3, 0.2])
    df = pd.DataFrame({"text": [f"customer review number {i}, some words" for i in range(n)]})
    sig = {s: rng.choice([-1, 0, 1], n, p=[0.2, 0.6, 0.2]) for s in SIGNALS}
    pol_effect = 0.6 * (pol == "good") - 0.6 * (pol == "bad")
    if binary:
        logit = 0.3 + 2 * pol_effect - 1.5 * (sig["seen"] == -1)
        df["recommend"] = np.where(rng.random(n) < 1 / (1 + np.exp(-logit)), "yes", "no")
    else:
        df["rating"] = np.round(3.6 + pol_effect - 1.0 * (sig["seen"] == -1)
                                + rng.normal(0, 0.5, n), 3)
    df["polarity"] = pol
    for s in SIGNALS:
        df[s] = sig[s]
    df["heart_score"] = 0.0
    df["heartscore_error"] = None
    return df


def _term(t: pd.DataFrame, term: str) -> pd.Series:
    return t[(t["table"] == "model") & (t["term"] == term)].iloc[0]


def _cell(t: pd.DataFrame, signal: str, value: str) -> pd.Series:
    return t[(t["table"] == "signal") & (t["signal"] == signal) & (t["value"] == value)].iloc[0]


def test_the_command_recovers_a_planted_effect_within_its_interval(tmp_path):
    src, out = tmp_path / "scored.csv", tmp_path / "drivers.csv"
    scored_rows().to_csv(src, index=False)
    assert main(["drivers", str(src), "--outcome", "rating", "-o", str(out)]) == 0
    t = pd.read_csv(out)
    assert list(t.columns) == COLUMNS
    seen = _term(t, "seen=violated")
    assert seen["ci_low"] < -1.0 < seen["ci_high"] and seen["ci_high"] < 0
    cell = _cell(t, "seen", "violated")  # polarity is independent of seen here
    assert cell["ci_low"] < -1.0 < cell["ci_high"]
    for side in ("met", "violated"):  # no effect planted on trust: intervals cover 0
        term = _term(t, f"trust={side}")
        assert term["ci_low"] < 0 < term["ci_high"], side
        assert _cell(t, "trust", side)["ci_low"] < 0 < _cell(t, "trust", side)["ci_high"], side
    for s in ("trust", "safety", "mattering"):  # and every unplanted term is small
        for side in ("met", "violated"):
            assert abs(_term(t, f"{s}={side}")["coef"]) < 0.15, (s, side)
    gain = _term(t, FIT_TERMS[2])
    assert 0 < gain["ci_low"] <= gain["coef"] <= gain["ci_high"] and gain["p"] < 0.001
    assert (t["outcome_type"] == "numeric").all() and (t["outcome"] == "rating").all()


def test_a_binary_outcome_works_the_same_way():
    t = drivers(scored_rows(2000, binary=True), "recommend", n_boot=20)
    assert (t["outcome_type"] == "binary").all()
    seen = _term(t, "seen=violated")  # a log-odds ratio
    assert seen["ci_low"] < -1.5 < seen["ci_high"] and seen["ci_high"] < 0
    for side in ("met", "violated"):
        term = _term(t, f"trust={side}")
        assert term["ci_low"] < 0 < term["ci_high"], side
    for s in ("trust", "safety", "mattering"):
        for side in ("met", "violated"):
            assert abs(_term(t, f"{s}={side}")["coef"]) < 0.5, (s, side)
    rate = _cell(t, "seen", "violated")  # a difference in recommend rates
    assert rate["ci_high"] < 0 and 0 <= rate["outcome_mean"] <= 1
    assert "pseudo-R²" in _term(t, FIT_TERMS[2])["note"]


def test_the_outcome_type_is_detected_and_can_be_set():
    df = scored_rows(300)
    df["churned"] = np.where(df["rating"] < 3.2, 1, 0)
    assert drivers(df, "churned", n_boot=10)["outcome_type"].iloc[0] == "binary"
    assert drivers(df, "churned", outcome_type="numeric", n_boot=10)["outcome_type"].iloc[0] \
        == "numeric"
    df["flag"] = np.where(df["rating"] < 3.2, "TRUE", "false")
    assert drivers(df, "flag", n_boot=10)["outcome_type"].iloc[0] == "binary"


def test_states_compare_with_rationally_satisfied_and_count_every_used_row():
    df = scored_rows(1200)
    t = drivers(df, "rating", n_boot=10)
    states = t[t["table"] == "state"].set_index("state")
    assert list(states.index) == ["emotionally satisfied", "rationally satisfied", "mixed",
                                  "dissatisfied", "neutral"]
    assert states["n"].sum() == 1200
    assert pd.isna(states.loc["rationally satisfied", "diff"])
    # mixed rows are good rows with a violated need, seen among them: lower on average
    assert states.loc["mixed", "ci_high"] < 0
    assert states.loc["dissatisfied", "reference"] == "rationally satisfied"


def test_small_cells_are_flagged_not_hidden():
    df = scored_rows(400, seed=3)
    df.loc[df["safety"] == 1, "safety"] = 0
    df.loc[df.index[:5], "safety"] = 1  # five rows with safety met
    t = drivers(df, "rating", n_boot=10)
    met = _cell(t, "safety", "met")
    assert met["n"] == 5 and bool(met["small"]) and not bool(_cell(t, "seen", "violated")["small"])
    assert bool(_term(t, "safety=met")["small"])
    assert bool(_cell(t, "seen", "violated")["small"]) is False
    t = drivers(df, "rating", min_count=1000, n_boot=10)
    assert t.loc[t["table"] != "rows", "small"].all()


def test_missing_and_non_numeric_outcomes_are_counted_and_reported(tmp_path, capsys):
    df = scored_rows(300)
    df["rating"] = df["rating"].astype(object)
    df.loc[[0, 1, 2], "rating"] = None
    df.loc[[3, 4], "rating"] = "n/a"
    df.loc[[5], "polarity"] = None  # not scored
    t = drivers(df, "rating", n_boot=10)
    rows = dict(zip(t.loc[t["table"] == "rows", "term"], t.loc[t["table"] == "rows", "n"]))
    assert rows == {"rows": 300, "not scored": 1, "outcome missing": 3,
                    "outcome not numeric": 2, "used": 294}
    states = t[(t["table"] == "state") & (t["group"] == "All rows")]
    assert states["n"].sum() == 294
    src = tmp_path / "scored.csv"
    df.to_csv(src, index=False)
    assert main(["drivers", str(src), "--outcome", "rating", "-o", str(tmp_path / "d.csv")]) == 0
    err = capsys.readouterr().err
    assert "294 of 300 rows used" in err and "3 outcome missing" in err
    assert "2 outcome not numeric" in err and "1 not scored" in err


def test_an_infinite_outcome_is_counted_not_numeric_not_averaged():
    # before: an outcome_mean of inf/-inf, empty intervals and ~40 RuntimeWarnings
    import warnings
    df = scored_rows(300)
    df["rating"] = df["rating"].astype(object)
    df.loc[[0, 1], "rating"] = "inf"
    df.loc[[2], "rating"] = float("-inf")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy/statsmodels warning either
        t = drivers(df, "rating", n_boot=10)
    rows = dict(zip(t.loc[t["table"] == "rows", "term"], t.loc[t["table"] == "rows", "n"]))
    assert rows["outcome not numeric"] == 3 and rows["used"] == 297
    assert np.isfinite(t["outcome_mean"].dropna().astype(float)).all()


def test_groups_get_their_own_tables_after_the_whole_file():
    df = scored_rows(600)
    df.insert(1, "store", np.where(np.arange(600) % 3 == 0, "north", "south"))
    t = drivers(df, "rating", group_by="store", n_boot=10)
    assert list(pd.unique(t["group"])) == ["All rows", "south", "north"]
    for g, n in (("south", 400), ("north", 200)):
        assert t[(t["table"] == "state") & (t["group"] == g)]["n"].sum() == n


def test_a_group_too_small_for_the_model_says_so_and_keeps_its_cells():
    df = scored_rows(300, binary=True)
    df.insert(1, "store", np.where(np.arange(300) < 4, "kiosk", "main"))
    t = drivers(df, "recommend", group_by="store", n_boot=10)
    kiosk = t[t["group"] == "kiosk"]
    model = kiosk[kiosk["table"] == "model"]
    assert model["coef"].isna().all() and model["small"].all()
    assert model["note"].str.contains("model not fitted|no row").all()
    assert kiosk.loc[kiosk["table"] == "state", "n"].sum() == 4


@pytest.mark.parametrize("ext", ["parquet", "xlsx", "jsonl"])
def test_every_table_format_holds_the_same_table(tmp_path, ext):
    src = tmp_path / "scored.csv"
    scored_rows(200).to_csv(src, index=False)
    outs = {}
    for e in ("csv", ext):
        assert main(["drivers", str(src), "--outcome", "rating", "-o",
                     str(tmp_path / f"d.{e}")]) == 0
        outs[e] = read_table(tmp_path / f"d.{e}")
    a, b = outs["csv"], outs[ext]
    assert list(a.columns) == list(b.columns) == COLUMNS and len(a) == len(b)
    assert np.allclose(a["coef"].astype(float), b["coef"].astype(float), equal_nan=True)


def _bad_input(tmp_path, df, outcome, capsys):
    src, out = tmp_path / "in.csv", tmp_path / "drivers.csv"
    df.to_csv(src, index=False)
    before = src.read_bytes()
    code = main(["drivers", str(src), "--outcome", outcome, "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]  # nothing half-written
    assert src.read_bytes() == before
    return err


def test_unknown_outcome_column_is_one_line_and_exit_2(tmp_path, capsys):
    err = _bad_input(tmp_path, scored_rows(50), "stars", capsys)
    assert "no outcome column 'stars'" in err and "rating" in err


def test_an_outcome_with_one_value_is_one_line_and_exit_2(tmp_path, capsys):
    df = scored_rows(50).assign(rating=4)
    err = _bad_input(tmp_path, df, "rating", capsys)
    assert "one value (4)" in err


def test_a_file_that_was_never_scored_is_one_line_and_exit_2(tmp_path, capsys):
    df = scored_rows(50)[["text", "rating"]]
    err = _bad_input(tmp_path, df, "rating", capsys)
    assert "not a scored file" in err and "heartscore score" in err


def test_a_text_outcome_is_refused():
    with pytest.raises(InputError, match="should hold numbers"):
        drivers(scored_rows(50), "text")


def test_drivers_is_exported_from_the_package():
    assert heartscore.drivers is drivers and "drivers" in heartscore.__all__


def test_the_report_gains_a_drivers_section_with_an_outcome():
    from heartscore.analysis.report import build_report
    df = scored_rows(400)
    page = build_report(df, outcome="rating")
    assert build_report(df).count('id="drivers"') == 0
    section = page[page.index('id="drivers"'):]
    assert "Drivers of rating" in section and "not causes" in section
    assert 'id="chart-drivers"' in section and 'id="chart-states"' in section
    strongest = section[section.index("Strongest drivers"):]
    assert strongest.index("seen violated") < strongest.index("</section>")
    assert strongest.count("<figure") == 3  # seen violated is the one clear driver here
    with pytest.raises(InputError, match="no outcome column 'stars'"):
        build_report(df, outcome="stars")
