"""The scikit-learn contract of HeartscoreClassifier, on a small slice of the corpus."""
import numpy as np
import pytest
from sklearn.base import clone

from heartscore.classifier import HeartscoreClassifier
from heartscore.corpus import labels_matrix
from heartscore.errors import InputError, SchemaError


@pytest.fixture(scope="module")
def small(corpus):
    df = corpus[corpus["split"] == "train"].sample(300, random_state=0)
    return df["text"].tolist(), labels_matrix(df)


@pytest.fixture(scope="module")
def fitted(small):
    X, y = small
    return HeartscoreClassifier(min_df=1).fit(X, y)


def test_constructor_only_stores_and_clone_works():
    est = HeartscoreClassifier(C=0.5, min_df=3)
    assert est.get_params()["C"] == 0.5 and est.get_params()["min_df"] == 3
    c = clone(est)
    assert c.get_params() == est.get_params() and not hasattr(c, "heads_")
    est.set_params(C=2.0)
    assert est.C == 2.0


def test_fit_returns_self_and_learned_attributes_end_in_underscore(small):
    X, y = small
    est = HeartscoreClassifier(min_df=1)
    assert est.fit(X, y) is est
    assert hasattr(est, "heads_") and hasattr(est, "featurizer_") and hasattr(est, "classes_")


def test_predict_shapes_and_probabilities_sum_to_one(fitted, small):
    X, _ = small
    proba = fitted.predict_proba(X[:20])
    for label, p in proba.items():
        assert p.shape == (20, 3)
        assert np.allclose(p.sum(axis=1), 1.0)
    pred = fitted.predict(X[:20])
    assert pred.shape == (20, 5)
    assert set(pred[:, 0]) <= {"good", "bad", "neutral"}
    assert set(pred[:, 1:].ravel()) <= {-1, 0, 1}


def test_score_keeps_sklearn_meaning(fitted, small):
    X, y = small
    s = fitted.score(X, y)
    assert 0.0 <= s <= 1.0 and s > 0.5  # training data


def test_bare_string_is_refused(fitted):
    with pytest.raises(InputError, match="single string"):
        fitted.predict("The soup was cold.")
    with pytest.raises(InputError, match="position 1"):
        fitted.predict(["fine", None])


def test_single_class_label_is_refused(small):
    X, y = small
    y = y.copy()
    y[:, 1] = 0
    with pytest.raises(SchemaError, match="trust"):
        HeartscoreClassifier(min_df=1).fit(X, y)


def test_unlabelled_signal_rows_are_left_out_of_that_head_only(small):
    X, y = small
    y = y.copy()
    y[:100, 2] = None
    est = HeartscoreClassifier(min_df=1).fit(X, y)
    assert est.predict(X[:3]).shape == (3, 5)


def test_cross_validate_runs(small):
    from sklearn.model_selection import cross_validate
    X, y = small
    out = cross_validate(HeartscoreClassifier(min_df=2), X, y, cv=2)
    assert len(out["test_score"]) == 2 and all(0 <= s <= 1 for s in out["test_score"])


def test_thresholds_tuned_on_dev_change_decisions_not_probabilities(fitted, corpus):
    dev = corpus[corpus["split"] == "dev"].head(150)
    before = fitted.predict_proba(dev["text"].tolist())
    fitted.tune_thresholds(dev["text"].tolist(), labels_matrix(dev))
    assert set(fitted.thresholds_) == {"polarity", "trust", "safety", "seen", "mattering"}
    after = fitted.predict_proba(dev["text"].tolist())
    for k in before:
        assert np.allclose(before[k], after[k])


def test_word_vectors_add_named_columns_and_keep_predictions_valid(small):
    X, y = small
    est = HeartscoreClassifier(min_df=1, vector_weight=0.2).fit(X, y)
    plain = HeartscoreClassifier(min_df=1).fit(X, y)
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
    for label, p in proba.items():
        np.testing.assert_allclose(p.sum(axis=1), 1.0)
    # the vectors change what the heads see, so probabilities differ from the plain model
    assert not np.allclose(proba["polarity"], plain.predict_proba(X[:20])["polarity"])
    assert not hasattr(plain, "vectors_")


def test_neutral_cap_limits_neutral_answers_on_good_and_bad_dev_rows(fitted, corpus):
    import copy

    dev = corpus[corpus["split"] == "dev"].sample(300, random_state=1)
    X, y = dev["text"].tolist(), labels_matrix(dev)
    polar = dev["polarity"].isin(["good", "bad"]).to_numpy()

    def rate(est):
        return float(np.mean(est.predict(X)[polar, 0] == "neutral"))

    free = copy.deepcopy(fitted).tune_thresholds(X, y)
    capped = copy.deepcopy(fitted).tune_thresholds(X, y, neutral_cap=0.02)
    assert rate(capped) <= rate(free)
    assert rate(capped) <= 0.02 or capped.thresholds_["polarity"]["neutral_bias"] == -0.6
    # probabilities are untouched: only the decision moves
    np.testing.assert_allclose(capped.predict_proba(X[:10])["polarity"],
                               free.predict_proba(X[:10])["polarity"])


def test_rows_labelled_for_polarity_alone_train_polarity_but_do_not_choose_the_vocabulary(small):
    X, y = small
    extra = ["zorbly wonderful stay, zorbly again", "zorbly dreadful wait, zorbly never"]
    y_extra = np.array([["good", None, None, None, None], ["bad", None, None, None, None]],
                       dtype=object)
    Xa, ya = X + extra, np.vstack([y, y_extra])
    by_labelled = HeartscoreClassifier(min_df=1).fit(Xa, ya)
    by_all = HeartscoreClassifier(min_df=1, vocabulary_from="all").fit(Xa, ya)
    assert "zorbly" not in by_labelled.featurizer_.vocabulary_
    assert "zorbly" in by_all.featurizer_.vocabulary_
    assert len(by_labelled.featurizer_.vocabulary_) < len(by_all.featurizer_.vocabulary_)
    # with no signal labels anywhere, every row chooses the vocabulary
    pol_only = np.array([[v, None, None, None, None] for v in ya[:, 0]], dtype=object)
    est = HeartscoreClassifier(min_df=1)
    assert len(est._vocabulary_rows(pol_only)) == len(pol_only)
    with pytest.raises(InputError, match="vocabulary_from must be one of"):
        HeartscoreClassifier(vocabulary_from="some").fit(X, y)
