"""The labeled corpus: schema, duplicates, coverage minimums, and a stable disjoint split.
Plus the corpus readers/validators used for retraining."""
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from heartscore.corpus import check_labeled, labels_matrix
from heartscore.io import detect_text_column
from heartscore.errors import InputError, SchemaError

ROOT = Path(__file__).resolve().parents[1]
SIGNALS = ["trust", "safety", "seen", "mattering"]
COLUMNS = ["id", "text", "polarity", *SIGNALS, "domain", "style", "batch", "negation", "split"]


def test_schema_and_allowed_values(corpus):
    assert list(corpus.columns) == COLUMNS
    assert corpus["id"].is_unique
    assert set(corpus["polarity"]) == {"good", "bad", "neutral"}
    for s in SIGNALS:
        assert set(corpus[s]) == {-1, 0, 1}
    assert corpus["text"].str.strip().str.len().min() > 0
    check_labeled(corpus)  # raises on any problem


def test_no_exact_duplicates(corpus):
    norm = corpus["text"].str.lower().str.split().str.join(" ")
    assert norm.is_unique


def test_near_duplicates_under_one_percent(corpus):
    texts = corpus["text"].str.lower().str.split().str.join(" ").tolist()
    X = CountVectorizer(analyzer="char", ngram_range=(5, 5), binary=True,
                        lowercase=False).fit_transform(texts).astype(np.float32).tocsr()
    sizes = np.asarray(X.sum(axis=1)).ravel()
    involved = set()
    for start in range(0, X.shape[0], 500):
        inter = (X[start:start + 500] @ X.T).toarray()
        union = sizes[start:start + 500, None] + sizes[None, :] - inter
        jac = inter / np.maximum(union, 1)
        for i, j in zip(*np.nonzero(jac >= 0.8)):
            if start + i < j:
                involved.update((start + i, j))
    assert len(involved) / len(texts) < 0.01, len(involved)


def test_coverage_minimums(corpus):
    assert len(corpus) >= 3000
    assert corpus["domain"].nunique() >= 12
    assert corpus["style"].nunique() >= 5
    for s in SIGNALS:
        for v in (1, -1):
            assert (corpus[s] == v).sum() >= 200, (s, v)
    pol = corpus["polarity"].value_counts()
    assert pol["neutral"] >= 500
    assert pol.max() / pol.min() < 1.5  # roughly balanced
    n_sig = (corpus[SIGNALS] != 0).sum(axis=1)
    assert (n_sig == 0).sum() >= 600
    assert (n_sig >= 2).sum() >= 300


def test_negation_tagged_texts_contain_a_negation(corpus):
    from heartscore.nlp.negation import negation_flags
    import spacy
    nlp = spacy.blank("en")
    tagged = corpus[corpus["negation"] == 1]
    assert len(tagged) >= 200
    has_trigger = [2 in negation_flags([t.lower_ for t in nlp.make_doc(x)]) for x in tagged["text"]]
    assert np.mean(has_trigger) > 0.95


def test_long_reviews_are_100_to_300_words(corpus):
    words = corpus.loc[corpus["style"] == "long_review", "text"].str.split().str.len()
    assert len(words) >= 300 and words.between(100, 300).mean() > 0.95


def test_split_is_disjoint_by_batch_stable_and_big_enough(corpus):
    assert set(corpus["split"]) == {"train", "dev", "test"}
    per_batch = corpus.groupby("batch")["split"].nunique()
    assert (per_batch == 1).all()  # a batch never straddles splits
    share = corpus["split"].value_counts(normalize=True)
    assert share["test"] >= 0.15 and share["dev"] >= 0.10
    import json
    fixed = json.loads((ROOT / "corpora" / "splits.json").read_text())
    assert (corpus["batch"].map(fixed) == corpus["split"]).all()  # the recorded split
    sys.path.insert(0, str(ROOT / "scripts"))
    from assign_splits import assign
    assert (assign(corpus) == assign(corpus.sample(frac=1, random_state=3))
            .sort_index()).all()  # the assignment itself is deterministic
    # roughly stratified on polarity and signal presence
    for split in ("dev", "test"):
        part = corpus[corpus["split"] == split]
        assert abs((part["polarity"] == "neutral").mean()
                   - (corpus["polarity"] == "neutral").mean()) < 0.06


def test_check_labeled_lists_offending_rows():
    df = pd.DataFrame({"text": ["a", "b", "", "d", "a"], "polarity": ["good", "meh", "bad",
                                                                      "bad", "bad"],
                       "trust": [0, 1, 0, 5, 0], "safety": [0, 0, 1, 0, 0],
                       "seen": [1, 0, 0, -1, 0], "mattering": [0, 1, 0, 0, -1]})
    with pytest.raises(SchemaError) as e:
        check_labeled(df)
    msg = str(e.value)
    assert "'meh'" in msg and "row 3" in msg  # polarity on data row 2 = CSV line 3
    assert "empty text in row 4" in msg and "'5'" in msg
    assert "conflicting labels in rows 2, 6" in msg


def test_labels_matrix_leaves_absent_columns_unlabelled():
    df = pd.DataFrame({"text": ["x"], "polarity": ["Good"], "trust": ["1"]})
    m = labels_matrix(df)
    assert m[0, 0] == "good" and m[0, 1] == 1 and m[0, 2] is None


def test_text_column_detection():
    assert detect_text_column(["id", "Review", "stars"])[0] == "Review"
    sample = pd.DataFrame({"id": ["1"], "x": ["a long piece of customer feedback here"]})
    assert detect_text_column(["id", "x"], sample)[0] == "x"
    with pytest.raises(InputError, match="--text-column"):
        detect_text_column(["id", "n"], pd.DataFrame({"id": ["1"], "n": ["2"]}))


def test_base_rows_by_kind_never_hold_real_test_rows():
    from heartscore.corpus import BASE_KINDS, load_base
    base = load_base()
    assert set(base["kind"]) == set(BASE_KINDS)
    real_test = pd.read_csv(ROOT / "corpora" / "real" / "real.csv", dtype=str,
                            keep_default_na=False).query("split == 'test'")
    real_rows = base[base["kind"] == "real"]
    assert set(real_rows["split"]) == {"train", "dev"}
    assert not set(real_test["id"]) & set(real_rows["id"])
    distant = base[base["kind"] == "distant"]
    norm = lambda s: s.str.lower().str.split().str.join(" ")  # noqa: E731
    assert not set(norm(real_test["text"])) & set(norm(distant["text"])), \
        "a distant row repeats a real test text"
    assert set(distant["polarity"]) == {"good", "bad"}
    assert distant[SIGNALS].isna().all().all(), "distant rows carry no signal labels"
    # leave-one-source-out: a held-out source leaves no real or distant row behind
    held = load_base(exclude_sources=("booking-515k",))
    assert not (held["source"] == "booking-515k").any()
    assert (held["kind"] == "written").sum() == (base["kind"] == "written").sum()


def test_teacher_rows_keep_the_most_confident_share_and_need_every_pool_text_labelled():
    from heartscore.corpus import teacher_rows
    pool = pd.DataFrame({"id": ["a", "b", "c", "d"], "source": ["s"] * 4,
                         "text": ["one", "two", "three", "four"]})
    labels = pd.DataFrame({"id": ["d", "c", "b", "a"], "polarity": ["good", "bad", "neutral",
                                                                     "good"],
                           **{s: [1.0, -1.0, 0.0, 0.0] for s in SIGNALS},
                           "confidence": [0.9, 0.2, 0.6, 0.8]})
    rows = teacher_rows(pool, labels, share=0.5)
    assert sorted(rows["id"]) == ["a", "d"]  # the two most confident, labels by id
    assert rows.set_index("id").loc["d", "polarity"] == "good"
    assert rows["trust"].dtype.kind == "i" and set(rows["kind"]) == {"teacher"}
    assert len(teacher_rows(pool, labels, share=1.0)) == 4
    with pytest.raises(SchemaError, match="cover 3 of 4"):
        teacher_rows(pool, labels.iloc[:3])


def test_equal_labels_written_differently_are_not_a_conflict():
    df = pd.DataFrame({"text": ["a b", "A b ", "c", "d"],
                       "polarity": ["good", "GOOD", "bad", "neutral"],
                       "trust": ["0", "0.0", "1", "-1"], "safety": [0, 0, 1, -1],
                       "seen": ["+1", "1", 0, -1], "mattering": [0, 0, 1, -1]})
    assert check_labeled(df) == []
    df.loc[1, "trust"] = "1"
    with pytest.raises(SchemaError, match="conflicting labels in rows 2, 3"):
        check_labeled(df)
