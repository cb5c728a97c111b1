"""scripts/train_accurate.py's rows (no torch needed): what the encoder trains on and what a
fold scores."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from heartscore.augment import neutral_sentences

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import train_accurate  # noqa: E402  (an import error must fail, not skip)

REAL = pd.read_csv(ROOT / "corpora" / "real" / "real.csv", dtype=str, keep_default_na=False)
WRITTEN = pd.read_csv(ROOT / "corpora" / "heartscore_corpus.csv", dtype=str,
                      keep_default_na=False)
HELD_OUT = "booking-515k"


def _originals() -> pd.DataFrame:
    real = REAL[(REAL["split"] == "train") & (REAL["source"] != HELD_OUT)]
    written = WRITTEN[WRITTEN["split"] == "train"]
    return pd.concat([real, written], ignore_index=True)


def test_training_rows_carry_neutral_sentences_appended_and_alone():
    rows = train_accurate.training_rows(HELD_OUT)
    orig = _originals()
    pool = neutral_sentences()
    assert len(rows) == len(orig) + len(pool)
    # each sentence alone, polarity neutral, no signal
    alone = rows.iloc[len(orig):]
    assert alone["text"].tolist() == list(pool)
    assert (alone["polarity"] == "neutral").all()
    assert (alone[list(train_accurate.SIGNALS)] == "0").all().all()
    # the rest: labels as they were; about half the texts with one sentence before or after
    head = rows.iloc[:len(orig)].reset_index(drop=True)
    for col in ("polarity", *train_accurate.SIGNALS):
        assert head[col].tolist() == orig[col].tolist()
    changed = head["text"] != orig["text"]
    assert 0.45 < changed.mean() < 0.55
    sentences = set(pool)
    for new, old in zip(head["text"][changed], orig["text"][changed]):
        extra = new[len(old) + 1:] if new.startswith(old + " ") else new[:-len(old) - 1]
        assert extra in sentences and (new == f"{old} {extra}" or new == f"{extra} {old}")
    # seeded: the same rows every time
    pd.testing.assert_frame_equal(rows, train_accurate.training_rows(HELD_OUT))


def test_a_fold_scores_every_row_of_its_source_and_the_others_dev_rows():
    scored = train_accurate.scored_rows(HELD_OUT)
    own = scored[scored["source"] == HELD_OUT]
    assert len(own) == int((REAL["source"] == HELD_OUT).sum())
    others = REAL[(REAL["source"] != HELD_OUT) & (REAL["split"] == "dev")]
    assert sorted(scored.loc[scored["source"] != HELD_OUT, "id"]) == sorted(others["id"])


def test_scored_units_are_the_sentences_the_accurate_model_reads():
    owner, units = train_accurate.scored_units(["Great stay. We arrived at 7pm.", "Fine"])
    assert owner.tolist() == [0, 0, 1]
    assert units == ["Great stay.", "We arrived at 7pm.", "Fine"]
