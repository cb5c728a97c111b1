"""Logistic-regression heads applied with numpy equal scikit-learn's ``predict_proba``."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from heartscore.linear import LinearHead, predict_proba

DATA = Path(__file__).parent / "data"


def _texts(n: int = 354) -> list[str]:
    """The golden texts: real feedback of every source the model was checked on."""
    lines = (DATA / "golden_scores.jsonl").read_text(encoding="utf-8").splitlines()[1:]
    return [json.loads(line)["text"] for line in lines][:n]


def test_numpy_heads_equal_the_estimators_on_real_texts(model):
    est = model.estimator  # the scikit-learn estimator, with LogisticRegression heads
    texts = _texts()
    X, _ = est.featurizer_.transform_with_provenance(est.to_docs(texts))
    for label, head in est.heads_.items():
        assert isinstance(head, LogisticRegression)
        expected = head.predict_proba(X)
        got = LinearHead.from_estimator(head).predict_proba(X)
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12, err_msg=label)
        assert np.array_equal(got, expected), label  # multinomial: same operations, same bits


def test_binary_head_equals_sklearn():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 6))
    y = (X[:, 0] + 0.5 * rng.normal(size=200) > 0).astype(int)
    head = LogisticRegression().fit(X, y)
    np.testing.assert_allclose(predict_proba(head, X), head.predict_proba(X), rtol=0,
                               atol=1e-12)


def test_a_model_loaded_for_scoring_scores_like_its_estimator(model):
    """``load`` scores with the file's arrays (no scikit-learn); the estimator built from
    the same file gives identical probabilities, labels and evidence."""
    import heartscore
    fresh = heartscore.load()
    assert fresh._estimator is None  # nothing built yet
    texts = _texts(90)
    light = fresh.scorer.predict_detailed(texts)
    assert type(fresh.scorer).__name__ == "Scorer"
    full = fresh.estimator.predict_detailed(texts)
    assert fresh.scorer is fresh.estimator  # once built, the estimator scores
    for label in light.proba:
        assert np.array_equal(light.proba[label], full.proba[label])
        assert list(light.labels[label]) == list(full.labels[label])
    assert light.evidence == full.evidence


def test_from_estimator_keeps_only_the_arrays(model):
    head = LinearHead.from_estimator(model.estimator.heads_["polarity"])
    assert sorted(vars(head)) == ["classes_", "coef_", "intercept_"]
    assert head.coef_.shape[0] == len(head.classes_) == 3
