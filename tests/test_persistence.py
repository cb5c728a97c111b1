import json
import shutil

import pytest

from heartscore import load, save
from heartscore.errors import ModelCompatibilityError
from heartscore.persistence import card_path, default_model_path

class Smuggled:
    """A type no heartscore model contains."""


TEXTS = ["They lost my bag and nobody called back.", "Lovely nurse, I felt safe.",
         "What time do you open?"]


@pytest.fixture(scope="module")
def saved(tmp_path_factory, model):
    path = tmp_path_factory.mktemp("m") / "copy.joblib"
    save(model, path)
    return path


def test_round_trip_gives_identical_predictions(saved, model):
    again = load(saved)
    a = [r.to_dict(evidence=True) for r in model.score_many(TEXTS)]
    b = [r.to_dict(evidence=True) for r in again.score_many(TEXTS)]
    assert a == b
    assert again.card.artifact["sha256"] != ""


def test_changed_file_is_refused(saved, tmp_path):
    bad = tmp_path / "bad.joblib"
    shutil.copy(saved, bad)
    shutil.copy(card_path(saved), card_path(bad))
    with open(bad, "ab") as fh:
        fh.write(b"tampered")
    with pytest.raises(ModelCompatibilityError, match="does not match its card"):
        load(bad)


def test_missing_card_is_refused(saved, tmp_path):
    bare = tmp_path / "bare.joblib"
    shutil.copy(saved, bare)
    with pytest.raises(ModelCompatibilityError, match="no model card"):
        load(bare)


@pytest.mark.parametrize("lib", ["scikit-learn", "spacy"])
def test_incompatible_versions_are_refused(saved, tmp_path, lib):
    other = tmp_path / "old.joblib"
    shutil.copy(saved, other)
    card = json.loads(card_path(saved).read_text())
    card["versions"][lib] = "0.1.0"
    card_path(other).write_text(json.dumps(card))
    with pytest.raises(ModelCompatibilityError, match=f"saved with {lib} 0.1.0"):
        load(other)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ModelCompatibilityError, match="does not exist"):
        load(tmp_path / "nope.joblib")


def test_shipped_model_agrees_with_the_corpus_it_claims(model):
    from heartscore.corpus import corpus_path, file_sha256
    card = model.card
    assert card.corpus["sha256"] == file_sha256(corpus_path())
    assert default_model_path().name == card.artifact["file"]
    for key in ("versions", "schema", "config", "thresholds", "metrics"):
        assert getattr(card, key) is not None


def test_skops_round_trip_and_untrusted_types_are_refused(model, tmp_path):
    import skops.io as sio
    path = tmp_path / "shared.skops"
    save(model, path)
    again = load(path)
    assert [r.to_dict() for r in again.score_many(TEXTS)] == \
        [r.to_dict() for r in model.score_many(TEXTS)]
    # a skops file carrying a type heartscore does not trust is refused, even with its card
    evil = tmp_path / "evil.skops"
    sio.dump(Smuggled(), evil)
    card = json.loads(card_path(path).read_text())
    from heartscore.corpus import file_sha256
    card["artifact"]["sha256"] = file_sha256(evil)
    card_path(evil).write_text(json.dumps(card))
    with pytest.raises(ModelCompatibilityError, match="does not trust"):
        load(evil)
