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
        assert key in a.card
    assert a.card["rows"] == {"train": 400, "dev": 120, "test": 80}


def test_training_without_split_column_makes_a_seeded_split(corpus):
    df = corpus.drop(columns=["split"]).head(500)
    m = train(df, TrainConfig(min_df=1))
    assert sum(m.card["rows"].values()) == 500
