import re

import numpy as np
import pandas as pd
import pytest

from heartscore.training import TrainConfig, train


def test_config_round_trips():
    c = TrainConfig(C=0.5, ngram_range=(1, 3), signals=("trust", "safety", "seen", "mattering",
                                                        "effort"))
    assert TrainConfig.from_dict(c.to_dict()) == c
    assert c.schema.signals[-1] == "effort"


def test_training_is_deterministic_and_card_records_everything(corpus):
    df = pd.concat([corpus[corpus["split"] == s].head(n) for s, n in
                    (("train", 400), ("dev", 120), ("test", 80))])
    a = train(df, TrainConfig(min_df=1))
    b = train(df, TrainConfig(min_df=1))
    texts = corpus[corpus["split"] == "test"]["text"].head(30).tolist()
    assert [r.to_dict() for r in a.score_many(texts)] == [r.to_dict() for r in b.score_many(texts)]
    for key in ("schema", "config", "thresholds", "metrics", "rows", "nlp"):
        assert getattr(a.card, key) is not None
    assert a.card.rows == {"train": 400, "dev": 120, "test": 80}


def test_training_without_split_column_makes_a_seeded_split(corpus):
    df = corpus.drop(columns=["split"]).head(500)
    m = train(df, TrainConfig(min_df=1))
    assert sum(m.card.rows.values()) == 500


def _with_split(corpus, values):
    """Corpus rows with the given ``split`` values, in order."""
    df = corpus.drop(columns=["split"]).head(len(values)).copy()
    df["split"] = values
    return df


@pytest.mark.parametrize("values, found", [
    (["train"] * 200 + ["validation"] * 50 + ["test"] * 50, "'validation' (50 rows)"),
    (["train"] * 200 + ["dev"] * 50 + ["tst"] * 50, "'tst' (50 rows)"),
])
def test_a_split_value_other_than_train_dev_test_is_refused(corpus, values, found):
    # before: 'validation' made the column be ignored (a random split, the user's test rows
    # trained on); a misspelt 'tst' dropped those rows without a word
    from heartscore.errors import SchemaError
    with pytest.raises(SchemaError,
                       match=re.escape(f"should hold train, dev or test; found {found}")):
        train(_with_split(corpus, values), TrainConfig(min_df=1))


def test_an_empty_split_value_is_refused_with_its_row(corpus):
    from heartscore.errors import SchemaError
    values = ["train"] * 200 + ["dev"] * 50 + ["test"] * 49 + [None]
    with pytest.raises(SchemaError, match=r"empty in 1 row\(s\) \(first: data row 300\)"):
        train(_with_split(corpus, values), TrainConfig(min_df=1))


def test_split_values_are_read_without_case_or_spaces_and_no_row_is_lost(corpus):
    values = [" Train"] * 200 + ["DEV "] * 50 + ["Test"] * 50
    m = train(_with_split(corpus, values), TrainConfig(min_df=1))
    assert m.card.rows == {"train": 200, "dev": 50, "test": 50}


def test_without_dev_rows_dev_is_carved_from_train_and_test_kept(corpus):
    df = _with_split(corpus, ["train"] * 250 + ["test"] * 50)
    m = train(df, TrainConfig(min_df=1))
    assert m.card.rows["test"] == 50 and sum(m.card.rows.values()) == 300
    assert 40 <= m.card.rows["dev"] <= 50  # dev_fraction 0.15 of all 300 rows


def test_a_split_column_without_train_rows_is_refused(corpus):
    from heartscore.errors import SchemaError
    with pytest.raises(SchemaError, match="no train rows"):
        train(_with_split(corpus, ["dev"] * 50 + ["test"] * 50), TrainConfig(min_df=1))


def _company(corpus, n=300, seed=1):
    """A 'company' file: corpus rows without the split column, plus an extra signal."""
    df = corpus.drop(columns=["split"]).sample(n, random_state=seed).reset_index(drop=True)
    rng = np.random.default_rng(seed)
    df["effort"] = rng.choice([-1, 0, 1], len(df), p=[0.2, 0.6, 0.2])
    return df


@pytest.fixture(scope="module")
def company_model(corpus):
    """One model trained with the base corpus and an extra signal, shared by the tests that
    only read it (training with the base corpus takes most of this file's time)."""
    cfg = TrainConfig(with_base=True, company_weight=2.0,
                      signals=("trust", "safety", "seen", "mattering", "effort"))
    return train(_company(corpus), cfg), cfg


@pytest.mark.slow  # trains with the whole base (written + real + distant): ~18 s
def test_with_base_metrics_are_on_company_rows_only(company_model):
    from heartscore.training import MIN_DEV_ROWS
    m, _ = company_model
    assert m.card.metrics["split"] == "test (company rows only)"
    assert m.card.metrics["n"] == m.card.rows["test"] < 100
    assert m.card.base["rows_train"] > 2000
    assert any("dev rows" in w for w in m.card.warnings) == (m.card.rows["dev"] < MIN_DEV_ROWS)


@pytest.mark.slow  # trains with the whole base (written + real + distant): ~18 s
def test_custom_signal_is_trained_and_carried_through(company_model, corpus):
    m, cfg = company_model
    assert m.schema.signals[-1] == "effort"
    r = m.score("I had to call four times and fill the same form twice.")
    assert r.signals["effort"] in (-1, 0, 1) and "p_effort_-1" in r.to_dict()
    head = m.estimator.heads_["effort"]
    assert head.n_features_in_ > 0
    # base rows have no effort label: they reach training as unlabelled (None), which fit
    # leaves out of that head, not as 0
    from heartscore.corpus import labels_matrix
    base_y = labels_matrix(corpus.head(50), cfg.schema)
    assert all(v is None for v in base_y[:, -1])


def test_missing_signal_column_is_dropped_without_base(corpus):
    df = _company(corpus).drop(columns=["mattering", "effort"])
    m = train(df, TrainConfig(min_df=1))
    assert m.schema.signals == ("trust", "safety", "seen")
    assert any("mattering" in w for w in m.card.warnings)


def test_too_few_examples_per_class_is_an_error(corpus):
    from heartscore.errors import SchemaError
    df = _company(corpus, n=200)
    df["safety"] = 0
    df.loc[:2, "safety"] = 1
    df.loc[3:5, "safety"] = -1
    with pytest.raises(SchemaError, match=r"safety=1: \d"):
        train(df, TrainConfig(min_df=1))


def test_cross_validation_reports_every_fold(corpus):
    from heartscore.training import cross_validate
    out = cross_validate(_company(corpus, n=240), TrainConfig(min_df=1), folds=3)
    assert len(out["folds"]) == 3 and out["stratified_on"] == "polarity"
    assert 0 < out["polarity_macro_f1"]["mean"] <= 1


EFFORT_CUES = {"format": "heartscore-cues", "version": 1, "cues": [
    {"id": "effort.violated.chasing", "label": "effort", "value": -1,
     "rule": "effort -1: had to chase them, call again, repeat the paperwork",
     "examples": ["had to call again", "chased them for weeks"],
     "patterns": [[{"LOWER": {"IN": ["had", "have"]}}, {"LOWER": "to"},
                   {"LOWER": {"IN": ["call", "chase", "ring", "email"]}},
                   {"LOWER": {"IN": ["again", "back"]}, "OP": "?"}],
                  [{"LOWER": {"IN": ["chased", "chasing"]}}, {"LOWER": "them"}],
                  "same form twice"]},
    {"id": "effort.met.easy", "label": "effort", "value": 1,
     "rule": "effort +1: quick and easy, nothing to chase",
     "examples": ["so easy", "took 5 minutes"],
     "patterns": ["so easy", "hassle free",
                  [{"LOWER": "took"}, {"_": {"hs_key": "#"}}, {"LOWER": {"IN": ["minute", "minutes"]}}]]},
]}


def test_a_cue_file_adds_a_custom_signal_through_data_and_a_retrain(corpus, tmp_path):
    """A new signal (effort) from a cue file and a labelled frame, no code: its cues become
    features, the head uses them, and the saved model carries the cue data."""
    import json

    from heartscore import load, save
    path = tmp_path / "effort_cues.json"
    path.write_text(json.dumps(EFFORT_CUES))
    df = _company(corpus, n=300, seed=2)
    df["effort"] = 0
    hard, easy = df.index[:70], df.index[70:140]
    df.loc[hard, "text"] += " I had to call again."
    df.loc[hard, "effort"] = -1
    df.loc[easy, "text"] += " It was so easy."
    df.loc[easy, "effort"] = 1
    cfg = TrainConfig(min_df=1, signals=("trust", "safety", "seen", "mattering", "effort"),
                      cues=(str(path),))
    m = train(df, cfg)
    est = m.estimator
    names = [n.removeprefix("featurizer__") for n in est.feature_names()]
    assert {"cue:effort-", "cue:effort+", "cue:effort-:neg"} <= set(names)
    X = est.featurizer_.transform(est.to_docs(["We had to chase them and had to call back.",
                                               "Booking took 5 minutes."]))
    assert X[0, names.index("cue:effort-")] > 0 and X[1, names.index("cue:effort+")] > 0
    head = est.heads_["effort"]  # classes -1, 0, +1: the cue pushes towards its sign
    minus, plus = names.index("cue:effort-"), names.index("cue:effort+")
    assert head.coef_[0, minus] > head.coef_[2, minus] and head.coef_[2, plus] > head.coef_[0, plus]
    assert m.card.config["cues"] == [str(path)]
    assert m.card.cue_files[0]["labels"] == ["effort"]
    text = "Terrible, I had to call again and again."
    before = m.score(text).to_dict(evidence=True)
    assert before["effort"] == -1
    saved = [save(m, tmp_path / "effort.hsm"), save(m, tmp_path / "effort.joblib"),
             save(m, tmp_path / "effort.skops")]
    path.unlink()  # the model carries its cue data: the file is not needed any more
    for again in (load(p, trusted=p.suffix == ".joblib") for p in saved):
        assert again.score(text).to_dict(evidence=True) == before
        doc = again.estimator.to_docs([text])[0]
        assert ("effort", -1) in {(c[0], c[1]) for c in doc._.hs_cues}


def test_a_word_vector_model_saves_to_the_safe_format_and_predicts_the_same(corpus, tmp_path):
    from heartscore import load, save
    m = train(_company(corpus, n=300, seed=3), TrainConfig(min_df=1, vector_weight=0.2))
    assert m.estimator.vectors_.weight == 0.2
    texts = corpus["text"].head(40).tolist()
    again = load(save(m, tmp_path / "vec.hsm"))
    a = [r.to_dict(evidence=True) for r in m.score_many(texts)]
    b = [r.to_dict(evidence=True) for r in again.score_many(texts)]
    assert a == b


@pytest.mark.parametrize("setting, message", [
    ({"signals": ("trust", "experience")}, "signal name 'experience' cannot be used"),
    ({"signals": ("trust", "confidence")}, "signal name 'confidence' cannot be used"),
    ({"signals": ("trust", "trust")}, "signal 'trust' is named twice"),
    ({"signals": ()}, "signals is empty"),
    ({"company_weight": -5.0}, "company_weight must be a number > 0 and finite"),
    ({"company_weight": float("nan")}, "company_weight must be a number > 0 and finite"),
    ({"C": 0}, "C must be a number > 0 and finite"),
    ({"test_fraction": 0.0}, r"test_fraction must be a number in \(0, 1\)"),
    ({"seed": -5}, "seed must be a whole number"),
])
def test_settings_that_cannot_train_are_refused_before_any_work(corpus, setting, message):
    # before: an 'experience' signal trained and its values were lost under the scored
    # experience column; a negative weight trained against the user's rows; C 0 or no
    # signals gave an "unexpected" error; a 0 test fraction blamed too few rows
    from heartscore.errors import InputError
    with pytest.raises(InputError, match=message):
        train(corpus.head(50), TrainConfig(**setting))


def test_a_text_column_besides_a_text_column_named_text_is_refused(corpus):
    from heartscore.errors import InputError
    df = corpus.drop(columns=["split"]).head(50).assign(review=lambda d: d["text"])
    with pytest.raises(InputError, match="has a 'text' column besides the text column 'review'"):
        train(df, TrainConfig(text_column="review"))


def test_a_weight_without_the_base_corpus_is_flagged_in_the_card(corpus):
    # before: --weight 5 without --with-base changed nothing and the card said 5 silently
    m = train(corpus.drop(columns=["split"]).head(300), TrainConfig(min_df=1, company_weight=5.0))
    assert any("company_weight 5 has no effect" in w for w in m.card.warnings)
