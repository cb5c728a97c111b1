"""The scikit-learn contract of HeartscoreClassifier, on a small slice of the corpus."""
import pickle
import warnings
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import SkipTestWarning
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import check_estimator

import heartscore
from heartscore.classifier import HeartscoreClassifier
from heartscore.corpus import labels_matrix
from heartscore.errors import InputError, SchemaError
from heartscore.evaluation import five_label_macro_f1, macro_f1_scorer
from heartscore.inputs import validation_split, vocabulary_rows
from heartscore.labels import DEFAULT_SCHEMA
from heartscore.pooling import choose_pooled_thresholds
from heartscore.preprocess import sentences
from heartscore.thresholds import choose_thresholds

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def small(corpus):
    df = corpus[corpus["split"] == "train"].sample(300, random_state=0)
    return df["text"].tolist(), labels_matrix(df)


@pytest.fixture(scope="module")
def dev(corpus):
    df = corpus[corpus["split"] == "dev"].sample(200, random_state=1)
    return df["text"].tolist(), labels_matrix(df)


@pytest.fixture(scope="module")
def fitted(small):
    """Fitted with the defaults: it holds out 15% of the rows to choose its thresholds."""
    X, y = small
    return HeartscoreClassifier(min_df=2).fit(X, y)


@pytest.fixture(scope="module")
def plain(small):
    """Fitted on every row with no validation split: arg-max decisions."""
    X, y = small
    return HeartscoreClassifier(min_df=2, validation_fraction=None).fit(X, y)


def _same_model(a, b, X):
    assert a.thresholds_ == b.thresholds_
    for pa, pb in zip(a.predict_proba(X), b.predict_proba(X)):
        np.testing.assert_array_equal(pa, pb)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


# ---------------------------------------------------------------------- the estimator contract
def test_constructor_only_stores_and_params_round_trip_through_clone(fitted):
    est = HeartscoreClassifier(C=0.5, min_df=3, neutral_cap=0.1, validation_fraction=0.2,
                               random_state=7)
    params = est.get_params()
    assert params["C"] == 0.5 and params["neutral_cap"] == 0.1 and params["random_state"] == 7
    c = clone(est)
    assert c.get_params() == params and not hasattr(c, "heads_")
    other = HeartscoreClassifier().set_params(**params)
    assert other.get_params() == params
    est.set_params(C=2.0, neutral_cap=None)
    assert est.C == 2.0 and est.neutral_cap is None
    again = clone(fitted)
    assert again.get_params() == fitted.get_params() and not hasattr(again, "thresholds_")


def test_fit_is_idempotent_and_takes_a_list_an_array_or_a_series(fitted, small, dev):
    X, y = small
    est = clone(fitted)
    assert est.fit(np.asarray(X, dtype=object), y) is est
    _same_model(est, fitted, dev[0][:40])
    assert est.fit(pd.Series(X), y) is est  # the same estimator fitted again: the same model
    _same_model(est, fitted, dev[0][:40])


def test_predict_never_changes_the_fitted_state(fitted, dev):
    X, y = dev
    before = joblib.hash(fitted)
    fitted.predict(X[:30])
    fitted.predict_proba(X[:30])
    fitted.predict_detailed(X[:30])
    fitted.score(X[:30], y[:30])
    macro_f1_scorer(fitted, X[:30], y[:30])
    assert joblib.hash(fitted) == before


def test_n_features_in_is_not_defined_for_texts(fitted, model):
    assert not hasattr(fitted, "n_features_in_") and not hasattr(fitted, "feature_names_in_")
    with pytest.raises(AttributeError, match="raw texts"):
        fitted.n_features_in_
    # the heads do have columns: feature_names() names them
    assert fitted.heads_["polarity"].n_features_in_ == len(fitted.feature_names()) > 100
    # a model saved before issue 20 (0.1.0 to 0.3.0's first file) holds a fake 1; it is
    # hidden, not believed
    old = heartscore.load(ROOT / "models" / "heartscore-0.1.0.hsm").estimator
    assert old.__dict__.get("n_features_in_") == 1
    assert not hasattr(old, "n_features_in_")
    # and it has every parameter, so it clones (the values it was trained with for the new
    # ones: its texts are read whole)
    params = clone(old).get_params()
    assert params == old.get_params() and params["validation_fraction"] == 0.15
    assert params["vocabulary_from"] == "all" and params["by_sentence"] is False
    assert params["neutral_alone"] == params["neutral_append"] == 0.0
    params = clone(model.estimator).get_params()
    assert params == model.estimator.get_params()
    assert params["vocabulary_from"] == "signal-labelled"  # what 0.3.0 was trained with
    assert params["by_sentence"] is True and params["neutral_alone"] == 1.0


def test_pickling_keeps_the_model(fitted, dev):
    again = pickle.loads(pickle.dumps(fitted))
    assert again.get_params() == fitted.get_params()
    _same_model(again, fitted, dev[0][:40])


def test_predict_gives_label_rows_and_predict_proba_a_list_per_output(fitted, small):
    X, _ = small
    proba = fitted.predict_proba(X[:20])
    assert isinstance(proba, list) and len(proba) == 5 == len(fitted.classes_)
    for p, classes in zip(proba, fitted.classes_):
        assert p.shape == (20, len(classes)) == (20, 3)
        np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert list(fitted.classes_[0]) == ["bad", "neutral", "good"]
    assert list(fitted.classes_[1]) == [-1, 0, 1]
    pred = fitted.predict(X[:20])
    assert pred.shape == (20, 5) and pred.dtype == object
    assert set(pred[:, 0]) <= {"good", "bad", "neutral"}
    assert set(pred[:, 1:].ravel()) <= {-1, 0, 1}
    detailed = fitted.predict_detailed(X[:20], evidence=False)
    np.testing.assert_array_equal(proba[2], detailed.proba["safety"])
    np.testing.assert_array_equal(pred[:, 3], detailed.labels["seen"])
    assert not hasattr(HeartscoreClassifier(), "classes_")


def test_tags_say_texts_in_and_several_outputs():
    tags = get_tags(HeartscoreClassifier())
    assert tags.input_tags.string and tags.input_tags.one_d_array
    assert not tags.input_tags.two_d_array and not tags.input_tags.sparse
    assert tags.target_tags.required and tags.target_tags.multi_output
    assert not tags.target_tags.single_output
    assert tags.requires_fit and tags.estimator_type is None  # why: see __sklearn_tags__
    # with these tags scikit-learn's generic checks (numeric 2-D X) do not apply at all
    with pytest.warns(SkipTestWarning, match="Can't test estimator HeartscoreClassifier"):
        results = check_estimator(HeartscoreClassifier())
    assert [r["check_name"] for r in results] == ["check_estimator_cloneable"]


class _Tabular(HeartscoreClassifier):
    """The estimator claiming 2-D numeric input, only so that check_estimator runs its
    checks (with the true tags it runs none, above)."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        return tags


_NUMBERS = ("fits on a numeric 2-D X; the estimator takes texts and refuses numbers with an "
            "InputError")
_NUMBERS_PREDICT = ("fits and predicts on numeric 2-D X; the estimator takes texts and "
                    "refuses numbers")
_MESSAGE = ("expects scikit-learn's wording of an error about numeric X; the estimator "
            "refuses any non-text X first, with its own message")
#: Every check_estimator check that cannot pass on a text estimator, with its reason; the
#: behaviour each one is about is tested on texts in this file where it applies.
EXPECTED_FAILED_CHECKS = {
    "check_fit_score_takes_y": _NUMBERS,
    "check_estimators_overwrite_params": _NUMBERS + " (params: test_constructor_only_stores…)",
    "check_dont_overwrite_parameters": _NUMBERS,
    "check_estimators_fit_returns_self": _NUMBERS + " (test_fit_is_idempotent…)",
    "check_readonly_memmap_input": _NUMBERS,
    "check_n_features_in_after_fitting": _NUMBERS + "; texts have no n_features_in_ "
                                         "(test_n_features_in_is_not_defined_for_texts)",
    "check_positive_only_tag_during_fit": _MESSAGE,
    "check_estimators_dtypes": _NUMBERS_PREDICT,
    "check_sample_weights_pandas_series": _NUMBERS,
    "check_sample_weights_not_an_array": _NUMBERS,
    "check_sample_weights_list": _NUMBERS,
    "check_all_zero_sample_weights_error": _MESSAGE,
    "check_sample_weights_shape": _NUMBERS,
    "check_sample_weights_not_overwritten": _NUMBERS,
    "check_sample_weight_equivalence_on_dense_data": _NUMBERS,
    "check_complex_data": _MESSAGE,
    "check_dtype_object": _NUMBERS,
    "check_estimators_empty_data_messages": _MESSAGE,
    "check_pipeline_consistency": _NUMBERS_PREDICT,
    "check_estimators_nan_inf": _MESSAGE,
    "check_estimator_sparse_tag": "fits on a sparse numeric matrix; the estimator takes texts",
    "check_estimator_sparse_array": _MESSAGE,
    "check_estimator_sparse_matrix": _MESSAGE,
    "check_estimators_pickle": _NUMBERS_PREDICT + " (test_pickling_keeps_the_model)",
    "check_f_contiguous_array_estimator": _NUMBERS_PREDICT,
    "check_methods_sample_order_invariance": _NUMBERS_PREDICT,
    "check_methods_subset_invariance": _NUMBERS_PREDICT,
    "check_fit2d_1sample": _NUMBERS,
    "check_fit2d_1feature": _NUMBERS,
    "check_dict_unchanged": _NUMBERS_PREDICT + " (test_predict_never_changes_the_fitted_state)",
    "check_fit_idempotent": _NUMBERS_PREDICT + " (test_fit_is_idempotent…)",
    "check_fit_check_is_fitted": _NUMBERS,
    "check_n_features_in": _NUMBERS + " (test_n_features_in_is_not_defined_for_texts)",
    "check_fit2d_predict1d": _NUMBERS_PREDICT,
}


def test_check_estimator_passes_all_but_the_named_checks():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkipTestWarning)  # check_array_api_input: no array API
        results = check_estimator(_Tabular(min_df=2), on_fail=None,
                                  expected_failed_checks=EXPECTED_FAILED_CHECKS)
    status: dict[str, set] = {}
    for r in results:
        status.setdefault(r["status"], set()).add(r["check_name"])
    assert not status.get("failed"), status.get("failed")
    assert status["xfail"] == set(EXPECTED_FAILED_CHECKS)  # each named one does fail
    assert {"check_estimator_cloneable", "check_no_attributes_set_in_init",
            "check_get_params_invariance", "check_set_params", "check_estimators_unfitted",
            "check_parameters_default_constructible", "check_requires_y_none",
            "check_do_not_raise_errors_in_init_or_set_params"} <= status["passed"]
    assert status.get("skipped", set()) <= {"check_array_api_input"}


# ---------------------------------------------------------------------- thresholds at fit
@pytest.mark.parametrize("by_sentence", [False, True])
def test_a_given_dev_split_gives_the_thresholds_tune_thresholds_gave(small, dev, by_sentence):
    """fit(X, y, X_val=, y_val=) equals 0.2.0's fit(X, y) then tune_thresholds(X_val,
    y_val, neutral_cap=): the heads learn from X, the thresholds from the dev rows (for a
    text read a sentence at a time: chosen on its sentences' pooled decision)."""
    X, y = small
    Xd, yd = dev
    tuned = HeartscoreClassifier(min_df=2, neutral_cap=0.02, by_sentence=by_sentence).fit(
        X, y, X_val=Xd, y_val=yd)
    plain = HeartscoreClassifier(min_df=2, validation_fraction=None,
                                 by_sentence=by_sentence).fit(X, y)
    docs = plain.to_docs(Xd)
    if by_sentence:  # the heads' probabilities of each sentence, pooled per text
        units = sentences(docs)
        assert units.n_units > len(docs)  # some dev texts have several sentences
        expected = choose_pooled_thresholds(DEFAULT_SCHEMA, yd,
                                            plain._unit_proba(docs, units)[0], units.owner,
                                            neutral_cap=0.02)
    else:  # 0.2.0's tune_thresholds, step by step, on the model fitted without thresholds
        proba = plain.predict_detailed(Xd, evidence=False).proba
        expected = {}
        for j, label in enumerate(("polarity", "trust", "safety", "seen", "mattering")):
            classes = ["bad", "neutral", "good"] if j == 0 else [-1, 0, 1]
            truth = np.array([classes.index(v) for v in yd[:, j]])
            expected[label] = choose_thresholds(label, truth, proba[label], neutral_cap=0.02)
    assert plain.thresholds_ == {}
    assert tuned.thresholds_ == expected
    for label in expected:  # the same heads: only the decisions move
        np.testing.assert_array_equal(tuned._unit_proba(docs)[0][label],
                                      plain._unit_proba(docs)[0][label])
    assert (tuned.predict(Xd) != plain.predict(Xd)).any()
    polar = np.isin(yd[:, 0], ["good", "bad"])
    rate = float(np.mean(tuned.predict(Xd)[polar, 0] == "neutral"))
    assert rate <= 0.02 or tuned.thresholds_["polarity"]["neutral_bias"] == -0.6


def test_without_a_dev_split_fit_holds_out_a_seeded_share(fitted, small, dev):
    X, y = small
    fit_rows, val_rows = validation_split(y, 0.15, 0)
    assert len(val_rows) == 45 and not set(fit_rows) & set(val_rows)
    by_hand = HeartscoreClassifier(min_df=2, validation_fraction=None).fit(
        [X[i] for i in fit_rows], y[fit_rows], X_val=[X[i] for i in val_rows], y_val=y[val_rows])
    assert set(fitted.thresholds_) == {"polarity", "trust", "safety", "seen", "mattering"}
    _same_model(fitted, by_hand, dev[0][:40])


def test_fit_refuses_half_a_dev_split_and_bad_settings(small):
    X, y = small
    with pytest.raises(InputError, match="X_val and y_val together"):
        HeartscoreClassifier().fit(X, y, X_val=X[:10])
    with pytest.raises(InputError, match="validation_fraction"):
        HeartscoreClassifier(validation_fraction=1.5).fit(X, y)
    bad = y[:10].copy()
    bad[3, 0] = "great"
    with pytest.raises(SchemaError, match="'great'"):
        HeartscoreClassifier().fit(X, y, X_val=X[:10], y_val=bad)
    with pytest.raises(InputError, match="y to be passed"):
        HeartscoreClassifier().fit(X, None)


# ---------------------------------------------------------------------- scores
def test_score_keeps_sklearn_meaning(fitted, small):
    X, y = small
    s = fitted.score(X, y)
    assert 0.5 < s <= 1.0  # training data
    pred = fitted.predict(X)
    assert s == pytest.approx(np.mean([np.mean(pred[:, j] == [
        v if j == 0 else int(v) for v in y[:, j]]) for j in range(5)]))


def test_the_scorer_is_the_five_label_macro_f1(fitted, dev):
    X, y = dev
    assert macro_f1_scorer(fitted, X, y) == five_label_macro_f1(y, fitted.predict(X))
    assert 0.2 < macro_f1_scorer(fitted, X, y) < 1.0


@pytest.fixture(scope="module")
def grid(corpus):
    df = corpus[corpus["split"] == "train"].sample(160, random_state=2)
    X, y = df["text"].tolist(), labels_matrix(df)
    gs = GridSearchCV(HeartscoreClassifier(min_df=2), {"C": [0.1, 1.0]}, cv=2,
                      scoring=macro_f1_scorer).fit(X, y)
    return X, y, gs


def test_grid_search_over_C_scores_and_refits_with_thresholds(grid):
    X, y, gs = grid
    scores = gs.cv_results_["mean_test_score"]
    assert np.isfinite(scores).all() and ((0 < scores) & (scores < 1)).all()
    assert gs.best_params_["C"] == [0.1, 1.0][int(np.argmax(scores))]
    # the refit learns the thresholds too: the same model as fitting the best settings
    best = HeartscoreClassifier(min_df=2, C=gs.best_params_["C"]).fit(X, y)
    assert gs.best_estimator_.thresholds_ and gs.best_estimator_.neutral_cap == 0.05
    _same_model(gs.best_estimator_, best, X[:30])


def test_cross_validate_with_the_scorer_gives_the_grid_search_scores(grid):
    X, y, gs = grid
    out = cross_validate(HeartscoreClassifier(min_df=2, C=1.0), X, y, cv=2,
                         scoring=macro_f1_scorer)
    assert np.isfinite(out["test_score"]).all()
    k = gs.cv_results_["params"].index({"C": 1.0})
    # the same folds and settings in another run: the same scores
    assert list(out["test_score"]) == [gs.cv_results_[f"split{i}_test_score"][k] for i in (0, 1)]


# ---------------------------------------------------------------------- input checks
def test_bare_string_and_tables_are_refused(fitted):
    with pytest.raises(InputError, match="single string"):
        fitted.predict("The soup was cold.")
    with pytest.raises(InputError, match="position 1"):
        fitted.predict(["fine", None])
    with pytest.raises(InputError, match=r"columns review, stars; pass its text column"):
        fitted.predict(pd.DataFrame({"review": ["fine"], "stars": [5]}))
    with pytest.raises(InputError, match=r"shape \(1, 2\)"):
        fitted.predict(np.array([["fine", "ok"]]))


def test_single_class_label_is_refused(small):
    X, y = small
    y = y.copy()
    y[:, 1] = 0
    with pytest.raises(SchemaError, match="trust"):
        HeartscoreClassifier(min_df=2).fit(X, y)


def test_unlabelled_signal_rows_are_left_out_of_that_head_only(small):
    X, y = small
    y = y.copy()
    y[:100, 2] = None
    est = HeartscoreClassifier(min_df=2).fit(X, y)
    assert est.predict(X[:3]).shape == (3, 5)
    assert est.heads_["safety"].n_features_in_ == est.heads_["trust"].n_features_in_


def test_word_vectors_add_named_columns_and_keep_predictions_valid(small, plain):
    X, y = small
    est = HeartscoreClassifier(min_df=2, vector_weight=0.2, validation_fraction=None).fit(X, y)
    names = est.feature_names()
    assert len(names) == len(plain.feature_names()) + est.vectors_.n_features_out_
    assert names[-1].startswith("vectors__vec:neg:")
    # each column says which block it comes from, and the blocks tile the columns in order
    blocks = est.feature_blocks()
    assert list(blocks) == ["featurizer", "vectors"]
    assert list(plain.feature_blocks()) == ["featurizer"]
    assert blocks["featurizer"].stop == blocks["vectors"].start
    assert blocks["vectors"].stop == len(names) == est.heads_["polarity"].coef_.shape[1]
    for name, cols in blocks.items():
        assert all(n.startswith(f"{name}__") for n in names[cols])
    assert list(names[blocks["featurizer"]]) == [
        f"featurizer__{n}" for n in est.featurizer_.get_feature_names_out()]
    proba = est.predict_proba(X[:20])
    for p in proba:
        np.testing.assert_allclose(p.sum(axis=1), 1.0)
    # the vectors change what the heads see, so probabilities differ from the plain model
    assert not np.allclose(proba[0], plain.predict_proba(X[:20])[0])
    assert not hasattr(plain, "vectors_")


def test_rows_labelled_for_polarity_alone_train_polarity_but_do_not_choose_the_vocabulary(small):
    X, y = small
    extra = ["zorbly wonderful stay, zorbly again", "zorbly dreadful wait, zorbly never"]
    y_extra = np.array([["good", None, None, None, None], ["bad", None, None, None, None]],
                       dtype=object)
    Xa, ya = X + extra, np.vstack([y, y_extra])
    # every row trains (no validation split), so the two extra rows are sure to be seen
    by_labelled = HeartscoreClassifier(validation_fraction=None).fit(Xa, ya)
    by_all = HeartscoreClassifier(validation_fraction=None, vocabulary_from="all").fit(Xa, ya)
    assert "zorbly" not in by_labelled.featurizer_.vocabulary_
    assert "zorbly" in by_all.featurizer_.vocabulary_
    assert len(by_labelled.featurizer_.vocabulary_) < len(by_all.featurizer_.vocabulary_)
    # with no signal labels anywhere, every row chooses the vocabulary
    pol_only = np.array([[v, None, None, None, None] for v in ya[:, 0]], dtype=object)
    assert len(vocabulary_rows(pol_only, "signal-labelled")) == len(pol_only)
    with pytest.raises(InputError, match="vocabulary_from must be one of"):
        HeartscoreClassifier(vocabulary_from="some").fit(X, y)
