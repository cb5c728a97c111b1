"""Sentence pooling (heartscore.pooling), sentences (preprocess.sentences) and the
neutral-sentence training rows (heartscore.augment)."""
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import heartscore
from heartscore.augment import neutral_sentences, with_neutral_sentences
from heartscore.labels import DEFAULT_SCHEMA
from heartscore.pooling import choose_pooled_thresholds, pool
from heartscore.preprocess import sentences, unit_texts
from heartscore.thresholds import decide

ROOT = Path(__file__).resolve().parents[1]
SIGNAL_T = {"plus": 0.4, "minus": 0.35}
POL_T = {"neutral_bias": -0.1}


def _probs(draw, n):
    raw = np.asarray(draw(st.lists(st.lists(st.floats(0.01, 1.0), min_size=3, max_size=3),
                                   min_size=n, max_size=n)))
    return raw / raw.sum(axis=1, keepdims=True)


@settings(max_examples=150, deadline=None)
@given(st.data(), st.sampled_from([("polarity", POL_T), ("trust", SIGNAL_T)]))
def test_a_sentence_decided_neutral_changes_no_polarity_and_labels_agree(data, case):
    label, t = case
    k = data.draw(st.integers(1, 4))
    p = _probs(data.draw, k)
    owner = np.zeros(k, dtype=np.int64)
    text_p, idx, used = pool(label, p, owner, 1, t)
    assert idx[0] == decide(label, text_p, t)[0]  # the label its probabilities give
    assert np.isclose(text_p.sum(), 1.0)
    extra = _probs(data.draw, 1)
    if decide(label, extra, t)[0] == 1 and label == "polarity":
        _, idx2, _ = pool(label, np.vstack([p, extra]), np.zeros(k + 1, dtype=np.int64), 1, t)
        assert idx2[0] == idx[0]


def test_a_text_of_one_sentence_is_decided_as_before():
    rng = np.random.default_rng(0)
    p = rng.dirichlet([1, 1, 1], size=50)
    for label, t in (("polarity", POL_T), ("seen", SIGNAL_T)):
        text_p, idx, used = pool(label, p, np.arange(50), 50, t)
        np.testing.assert_allclose(text_p, p)
        np.testing.assert_array_equal(idx, decide(label, p, t))
        assert used.all()


def test_only_the_sentences_not_decided_neutral_are_pooled():
    p = np.array([[0.8, 0.15, 0.05],   # bad
                  [0.2, 0.5, 0.3],     # neutral: left out
                  [0.1, 0.2, 0.7],     # good
                  [0.2, 0.6, 0.2]])    # text 1: all neutral, all pooled
    owner = np.array([0, 0, 0, 1])
    text_p, idx, used = pool("polarity", p, owner, 2, {"neutral_bias": 0.0})
    np.testing.assert_array_equal(used, [True, False, True, True])
    np.testing.assert_allclose(text_p[0], (p[0] + p[2]) / 2)
    assert idx.tolist() == [0, 1]


def test_pooled_thresholds_keep_the_neutral_cap():
    rng = np.random.default_rng(1)
    n = 120
    Y = np.empty((n, 5), dtype=object)
    Y[:, 0] = rng.choice(["bad", "neutral", "good"], n)
    Y[:, 1:] = rng.choice([-1, 0, 1], (n, 4))
    owner = np.repeat(np.arange(n), 2)
    proba = {label: rng.dirichlet([1, 2, 1], size=2 * n) for label in DEFAULT_SCHEMA.labels}
    t = choose_pooled_thresholds(DEFAULT_SCHEMA, Y, proba, owner, neutral_cap=0.05)
    pred = pool("polarity", proba["polarity"], owner, n, t["polarity"])[1]
    polar = Y[:, 0] != "neutral"
    assert np.mean(pred[polar] == 1) <= 0.05 or t["polarity"]["neutral_bias"] == -0.6
    assert set(t) == set(DEFAULT_SCHEMA.labels)
    assert all(set(t[s]) == {"plus", "minus"} for s in DEFAULT_SCHEMA.signals)


@pytest.fixture(scope="module")
def model():
    return heartscore.load()


def test_sentences_follow_spacys_sentencizer_and_drop_wordless_ones(model):
    import spacy
    from spacy.pipeline import Sentencizer
    texts = ["Great stay!! We arrived at 7pm. Staff were rude.", "", "One sentence only.",
             "... !!", "Fine. !!", "Rude... \n\nNever again", "Bad. (Very.) Awful!"]
    docs = model.scorer.to_docs(texts)
    units = sentences(docs)
    assert units.owner.tolist() == [0, 0, 0, 1, 2, 3, 4, 5, 6, 6, 6]
    bounds = np.r_[0, np.cumsum([len(d) for d in docs])]
    ref = Sentencizer().predict(list(spacy.blank("en").pipe(texts)))
    for k, (doc, guess) in enumerate(zip(docs, ref)):
        unit = units.token_unit[bounds[k]:bounds[k + 1]]
        kept = unit[unit >= 0]
        assert (np.diff(kept) >= 0).all()  # in order, each doc's own units
        if k in (0, 6):  # several sentences: cut where spaCy's Sentencizer cuts
            starts = [i for i in range(1, len(doc)) if unit[i] != unit[i - 1]]
            assert starts == [i for i, g in enumerate(guess) if g and i > 0]
    # "Fine. !!": the "!!" sentence has no word, so the text stays one unit, whole
    assert (units.token_unit[bounds[4]:bounds[5]] == 6).all()


def test_unit_texts_are_the_sentences_as_cut(model):
    texts = ["  Great stay!! We arrived at 7pm.\n\nStaff were rude.  ", "", "One sentence only",
             "Fine. !!", "Bad. (Very.) Awful!"]
    docs = model.scorer.to_docs(texts)
    units = sentences(docs)
    got = unit_texts(docs, units)
    assert len(got) == units.n_units
    assert got == ["Great stay!!", "We arrived at 7pm.", "Staff were rude.", "",
                   "One sentence only", "Fine. !!", "Bad. (", "Very.)", "Awful!"]  # (spaCy's cut)
    for k, u in zip(units.owner, got):  # each a piece of its own text
        assert u in texts[k]


def test_evidence_of_a_later_sentence_points_into_the_whole_text(model):
    text = "We arrived at 7pm. The staff were rude and ignored us."
    cols = model.score_columns([text], evidence=True)
    spans = [(e["start"], e["end"]) for e in json.loads(cols["evidence"][0])]
    assert spans, cols
    later = text.index("The staff")
    words = {text[a:b].lower() for a, b in spans}  # offsets into the whole text
    assert all(a >= later for a, _ in spans) and words & {"rude", "ignored"}


def test_a_text_of_one_sentence_has_the_same_features_either_way(model):
    """Featurized as sentences, a one-sentence text is its own row, feature for feature;
    a later sentence's row equals that sentence featurized alone (words and cues)."""
    import pandas as pd
    from heartscore.vectors import WordVectors
    real = pd.read_csv(ROOT / "corpora" / "real" / "real.csv", keep_default_na=False)
    texts = real["text"].head(400).tolist()
    s = model.scorer
    docs = s.to_docs(texts)
    units = sentences(docs)
    one = np.flatnonzero(np.bincount(units.owner, minlength=len(docs)) == 1)
    assert 25 < len(one) < len(docs)  # both kinds in the sample
    fz = s.featurizer_
    whole = fz.transform([docs[i] for i in one])
    cut = fz.transform([docs[i] for i in one], sentences([docs[i] for i in one]))
    assert (whole != cut).nnz == 0
    vec = WordVectors(weight=0.1).fit(docs)
    np.testing.assert_allclose(vec.transform([docs[i] for i in one]),
                               vec.transform([docs[i] for i in one],
                                             sentences([docs[i] for i in one])))
    pair = "The staff were rude. They ignored us for an hour and never apologised!"
    d2 = s.to_docs([pair, "They ignored us for an hour and never apologised!"])
    rows = fz.transform(d2[:1], sentences(d2[:1])).toarray()
    alone = fz.transform(d2[1:]).toarray()
    assert rows.shape[0] == 2
    np.testing.assert_allclose(rows[1], alone[0])
    np.testing.assert_allclose(vec.transform(d2[:1], sentences(d2[:1]))[1],
                               vec.transform(d2[1:])[0])


def test_a_neutral_sentence_it_never_trained_on_changes_no_label(model):
    import sys
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from invariance import check_sentences
    texts = ["The staff were rude and ignored us.", "Lovely room, helpful staff.",
             "The refund never came."]
    before = [(r.polarity, dict(r.signals)) for r in model.score_many(texts)]
    for sentence in check_sentences()[:3]:  # the blind set, never trained on
        assert sentence not in neutral_sentences()
        after = [(r.polarity, dict(r.signals)) for r in
                 model.score_many([f"{t} {sentence}" for t in texts])]
        assert before == after, sentence


def test_pool_refuses_a_text_without_a_sentence():
    with pytest.raises(ValueError, match="at least one sentence"):
        pool("polarity", np.full((1, 3), 1 / 3), np.array([1]), 2, POL_T)


def test_neutral_rows_are_added_with_their_labels_and_seeded():
    texts = [f"text {i}" for i in range(200)]
    Y = np.array([["good", 1, 0, 0, -1]] * 200, dtype=object)
    t1, Y1, w1 = with_neutral_sentences(texts, Y, None, DEFAULT_SCHEMA, append=0.5, alone=0.3,
                                        seed=0)
    t2, _, _ = with_neutral_sentences(texts, Y, None, DEFAULT_SCHEMA, append=0.5, alone=0.3,
                                      seed=0)
    pool_ = neutral_sentences()
    n_app = len(t1) - 200 - len(pool_)
    assert t1 == t2 and 60 < n_app < 140
    assert t1[:200] == texts
    for t, y in zip(t1[200:200 + n_app], Y1[200:200 + n_app]):
        assert any(t.startswith(s) or t.endswith(s) for s in pool_) and y.tolist() == Y[0].tolist()
    assert t1[200 + n_app:] == list(pool_)
    assert (Y1[200 + n_app:, 0] == "neutral").all() and (Y1[200 + n_app:, 1:] == 0).all()
    assert np.allclose(w1[200 + n_app:], 0.3) and np.allclose(w1[:200 + n_app], 1.0)
    same = with_neutral_sentences(texts, Y, None, DEFAULT_SCHEMA, append=0, alone=0, seed=0)
    assert same[0] is texts and same[2] is None


def test_the_list_is_apart_from_the_invariance_benchmark():
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from invariance import SENTENCES, check_sentences
    listed = set(neutral_sentences())
    assert len(listed) > 300
    assert not listed & set(SENTENCES) and not listed & set(check_sentences())


def test_an_empty_batch_and_wordless_texts_score(model):
    """No text, and texts with no sentence that has a word: one result each, no error."""
    pred = model.scorer.predict_detailed([], evidence=True)
    assert all(len(v) == 0 for v in pred.labels.values())
    texts = ["", "   ", "...", "!!! ???", "🙂", "Fine. !!"]
    out = model.score_columns(texts, evidence=True)
    assert len(out["polarity"]) == len(texts)
