import numpy as np
import pytest

from heartscore.errors import InputError
from heartscore.features import DENSE_FEATURES, DocFeaturizer, load_names


@pytest.fixture(scope="module")
def fitted(hs_nlp):
    texts = ["The staff were not rude at all.", "Delta lost my bag, never again!!!",
             "She remembered my name.", "@united lost my bag again", "Great food, rude waiter.",
             "They remembered my name and my order.", "Not rude, just slow.",
             "I flew with Zorvex Airways from Chicago and Priya at the desk was lovely."] * 2
    docs = list(hs_nlp.pipe(texts))
    return DocFeaturizer(min_df=2).fit(docs), docs


def test_negated_lemmas_are_marked(fitted):
    f, docs = fitted
    names = set(f.get_feature_names_out())
    assert "NEG_rude" in names
    assert "rude" in names  # the un-negated form from "rude waiter"


def test_names_handles_and_brands_are_never_features(fitted):
    f, _ = fitted
    shipped = load_names()
    for name in f.get_feature_names_out():
        for part in name.replace("NEG_", "").split(" "):
            assert part not in shipped, name
            assert not part.startswith("@"), name
    grams = set(f.vocabulary_)
    assert "zorvex" not in grams and "chicago" not in grams and "priya" not in grams


def test_provenance_offsets_point_at_the_words(fitted):
    f, docs = fitted
    X, prov = f.transform_with_provenance(docs[:1])
    text = docs[0].text
    j = f.vocabulary_["NEG_rude"]
    spans = [(s, e) for d, feat, s, e in zip(prov.doc, prov.feature, prov.start, prov.end)
             if feat == j]
    assert [text[s:e] for s, e in spans] == ["rude"]
    # shares of each (doc, feature) sum to 1
    for feat in set(prov.feature.tolist()):
        m = prov.feature == feat
        assert np.isclose(prov.share[m].sum(), 1.0)


def test_dense_features_carry_valence_and_cues(fitted):
    f, docs = fitted
    X = f.transform(docs[:3]).toarray()
    comp = DENSE_FEATURES.index("val:compound")
    assert X[1, comp] < 0  # lost, never again
    assert X[1, DENSE_FEATURES.index("cue:trust-")] > 0
    assert X[2, DENSE_FEATURES.index("cue:seen+")] > 0
    assert X[0, DENSE_FEATURES.index("cue:mattering-:neg")] > 0


def test_batch_of_one_string_is_refused(fitted):
    f, _ = fitted
    with pytest.raises(InputError, match="single str"):
        f.transform("not a list of docs")


def test_pickle_round_trip_gives_same_matrix(fitted):
    import pickle
    f, docs = fitted
    g = pickle.loads(pickle.dumps(f))
    assert (f.transform(docs) != g.transform(docs)).nnz == 0


def test_docs_without_heartscore_annotations_still_get_negation_and_ngrams(fitted):
    import spacy
    f, _ = fitted
    plain = spacy.blank("en")  # a host pipeline without heartscore's component
    docs = [plain("The staff were not rude at all."), plain(""), plain("rude waiter @united")]
    X = f.transform(docs)
    names = f.get_feature_names_out()
    row0 = {names[j] for j in X[0].indices}
    assert "NEG_rude" in row0 and "rude" not in row0
    assert X[1].nnz <= 1  # an empty text: at most the length feature
    assert "rude" in {names[j] for j in X[2].indices}
    assert not any(names[j].startswith("cue:") for j in X[0].indices)  # cues need the component


def test_batch_features_equal_one_doc_at_a_time(fitted):
    f, docs = fitted
    X = f.transform(docs).toarray()
    one = np.vstack([f.transform([d]).toarray() for d in docs])
    assert np.allclose(X, one)
