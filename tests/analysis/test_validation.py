"""Validation on data a model did not see: labelled comparison, leave-one-group-out (a
planted difference between groups is found) and the learning curve (it rises when the
file teaches something the base corpus does not)."""
import json

import numpy as np
import pandas as pd
import pytest

from heartscore.analysis.validation import compare, learning_curve, leave_group_out
from heartscore.errors import InputError
from heartscore.training import TrainConfig

SIGNALS = ["trust", "safety", "seen", "mattering"]


def test_compare_perfect_and_support_floor():
    gold = pd.DataFrame({"polarity": ["good"] * 12 + ["bad"] * 12 + ["neutral"] * 3,
                         "trust": [1] * 12 + [-1] * 12 + [0] * 3, "safety": 0, "seen": 0,
                         "mattering": 0})
    res = compare(gold, gold.copy(), n_boot=20)
    assert res["polarity"]["value"] == 1.0 and res["polarity"]["covered"] == ["bad", "good"]
    assert res["signals"]["covered"] == ["trust+1", "trust-1"]
    assert res["signals"]["labels"]["safety+1"]["support"] == 0
    wrong = gold.assign(polarity=gold["polarity"].map({"good": "bad", "bad": "good",
                                                      "neutral": "neutral"}))
    assert compare(gold, wrong, n_boot=20)["polarity"]["value"] == 0.0
    with pytest.raises(InputError):
        compare(gold, gold.head(3))


def _groups(corpus: pd.DataFrame) -> pd.DataFrame:
    """Three groups of corpus rows; in 'flipped' good and bad are swapped (a group whose
    labelling disagrees with the others)."""
    rows = corpus[corpus["split"] == "test"].sample(300, random_state=4).reset_index(drop=True)
    rows["group"] = np.repeat(["a", "b", "flipped"], 100)
    flipped = rows["group"] == "flipped"
    rows.loc[flipped, "polarity"] = rows.loc[flipped, "polarity"].map(
        {"good": "bad", "bad": "good", "neutral": "neutral"})
    return rows


@pytest.mark.slow  # three trainings with the base corpus
def test_leave_group_out_finds_a_planted_difference(corpus):
    # the base corpus in training (its train/dev rows) makes a model good enough that a
    # group labelled the other way round stands out; the groups are corpus test rows
    out = leave_group_out(_groups(corpus), "group", TrainConfig(with_base=True), n_boot=50)
    pol = {g: r["polarity"]["value"] for g, r in out["groups"].items()}
    assert set(pol) == {"a", "b", "flipped"} and out["pooled"]["n"] == 300
    assert min(pol["a"], pol["b"]) > pol["flipped"] + 0.2, pol


def test_leave_group_out_needs_two_groups(corpus):
    df = _groups(corpus).assign(group="one")
    with pytest.raises(InputError, match="at least 2 groups"):
        leave_group_out(df, "group")
    with pytest.raises(InputError, match="no column"):
        leave_group_out(df, "store")


def _marked(corpus: pd.DataFrame, n: int = 400) -> pd.DataFrame:
    """A company whose polarity follows a made-up word the base corpus has never seen."""
    rows = corpus.drop(columns=["split"]).sample(n, random_state=7).reset_index(drop=True)
    bad = np.arange(n) % 2 == 0
    rows["text"] = np.where(bad, rows["text"] + " zorblat", rows["text"] + " quenby")
    rows["polarity"] = np.where(bad, "bad", "good")
    return rows


@pytest.mark.slow  # trains a model per curve point (~18 s)
def test_learning_curve_rises_when_the_file_teaches_something_new(corpus, model):
    out = learning_curve(_marked(corpus), sizes=(0, 250), config=TrainConfig(min_df=1),
                         n_boot=20, base_model=model)
    first, last = out["points"][0], out["points"][-1]
    assert (first["rows"], last["rows"]) == (0, 250) and out["holdout_rows"] == 100
    assert last["polarity"]["value"] > first["polarity"]["value"] + 0.1, out["points"]


@pytest.mark.slow  # end to end: a model per group and per curve point (~20 s)
def test_cli_by_and_learning_curve(corpus, tmp_path, capsys):
    from heartscore.cli import main
    src = tmp_path / "labels.csv"
    _groups(corpus).to_csv(src, index=False)
    assert main(["evaluate", str(src), "--by", "group"]) == 0
    text = capsys.readouterr().out
    assert "leave one group out" in text and "flipped" in text and "(pooled)" in text
    assert main(["evaluate", str(src), "--by", "group", "--cv", "3"]) == 2
    assert "not allowed with" in capsys.readouterr().err
    assert main(["evaluate", str(src), "--learning-curve", "0,x"]) == 2
    assert "row counts" in capsys.readouterr().err
    assert main(["evaluate", str(src), "--learning-curve", "0,50", "--json"]) == 0
    points = json.loads(capsys.readouterr().out)["points"]
    assert [p["rows"] for p in points] == [0, 50]


def test_cli_evaluate_takes_a_label_with_one_value_and_refuses_cv_0(corpus, tmp_path, capsys):
    # before: a file whose safety column is all 0 was refused ("nothing to learn ... no model
    # was written") though evaluating learns nothing; --cv 0 evaluated the shipped model
    from heartscore.cli import main
    df = corpus[corpus["split"] == "test"].head(60).drop(columns=["split"]).assign(safety=0)
    src = tmp_path / "labels.csv"
    df.to_csv(src, index=False)
    assert main(["evaluate", str(src)]) == 0
    assert "rows: 60" in capsys.readouterr().out
    assert main(["evaluate", str(src), "--cv", "0"]) == 2
    assert "--cv needs at least 2 folds, got 0" in capsys.readouterr().err
    df.loc[df.index[0], "polarity"] = "meh"
    df.to_csv(src, index=False)
    assert main(["evaluate", str(src)]) == 2
    err = capsys.readouterr().err
    assert "'meh'" in err and "no model was written" not in err
