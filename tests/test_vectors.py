import numpy as np
import pytest

from heartscore.errors import ModelCompatibilityError
from heartscore.features import load_names
from heartscore.vectors import WordVectors, load_table

TEXTS = ["The staff were helpful and kind.", "The staff were not helpful at all.",
         "Nobody listened to me.", "They ignored every email I sent.",
         "Lovely room, friendly host.", "", "!!!", "Refund promised, never came."]


@pytest.fixture(scope="module")
def docs(hs_nlp):
    return list(hs_nlp.pipe(TEXTS))


def test_table_is_general_english_without_names():
    index, vectors, digest = load_table()
    assert vectors.dtype == np.float32 and vectors.shape[0] == len(index) >= 10_000
    assert len(digest) == 64
    for word in ("helpful", "rude", "refund", "ignored", "listened"):
        assert word in index
    assert not load_names() & set(index), "a brand or place name has a vector"


def test_shape_names_and_standardisation(docs):
    wv = WordVectors(weight=1.0).fit(docs)
    X = wv.transform(docs)
    d = load_table()[1].shape[1]
    assert X.shape == (len(docs), 2 * d)
    assert len(wv.get_feature_names_out()) == 2 * d
    # standardised on the fitting docs: each column has mean 0
    np.testing.assert_allclose(X.mean(axis=0), 0, atol=1e-9)


def test_negated_words_go_to_their_own_columns(docs):
    wv = WordVectors(weight=1.0, negation=True)
    raw = wv._pool(docs)
    d = load_table()[1].shape[1]
    assert np.any(raw[1, d:] != 0), "'not helpful' should fill the negated columns"
    assert np.all(raw[0, d:] == 0), "no negation in the first text"


def test_similar_meaning_is_closer_than_opposite(hs_nlp):
    wv = WordVectors(negation=False)
    a, b, c = wv._pool(list(hs_nlp.pipe(["rude staff", "impolite employees",
                                          "lovely garden"])))
    cos = lambda u, v: float(u @ v / np.linalg.norm(u) / np.linalg.norm(v))  # noqa: E731
    assert cos(a, b) > cos(a, c)


def test_texts_without_known_words_pool_to_zero(docs):
    raw = WordVectors()._pool(docs)
    assert np.all(raw[5] == 0) and np.all(raw[6] == 0)
    assert np.all(np.isfinite(WordVectors().fit(docs).transform(docs)))


def test_a_different_table_is_refused(docs):
    wv = WordVectors().fit(docs)
    wv.table_sha256_ = "0" * 64
    with pytest.raises(ModelCompatibilityError, match="word-vector table"):
        wv.transform(docs)


def test_unfitted_transform_is_refused(docs):
    with pytest.raises(ModelCompatibilityError, match="not fitted"):
        WordVectors().transform(docs)


def test_fit_transform_equals_fit_then_transform(docs):
    np.testing.assert_array_equal(WordVectors(weight=0.3).fit_transform(docs),
                                  WordVectors(weight=0.3).fit(docs).transform(docs))
