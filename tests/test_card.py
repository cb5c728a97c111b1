"""The model card as a dataclass: JSON round trips exactly (unknown keys too), saving and
loading keep what the card holds, and render() writes models/MODEL_CARD.md byte for byte."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from heartscore import ModelCard, load, save
from heartscore.errors import ModelCompatibilityError
from heartscore.model import Model
from heartscore.persistence import card_path
from heartscore.resources import package_file

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_CARD = ROOT / "models" / "heartscore-0.3.0.card.json"


@pytest.fixture(scope="module")
def shipped() -> dict:
    return json.loads(SHIPPED_CARD.read_text(encoding="utf-8"))


def test_shipped_card_round_trips_exactly(shipped):
    card = ModelCard.from_dict(shipped)
    assert card.to_dict() == shipped
    assert card.extra == {}  # every key of today's card is a field
    # same keys in the same order: saving it again writes the same file
    text = json.dumps(card.to_dict(), indent=2, ensure_ascii=False) + "\n"
    assert text == SHIPPED_CARD.read_text(encoding="utf-8")


def test_the_card_copy_is_the_card_inside_the_shipped_model(shipped):
    from heartscore.persistence import default_model_path, read_card
    assert read_card(default_model_path()).to_dict() == shipped


def test_fields_are_attributes(shipped):
    card = ModelCard.from_dict(shipped)
    assert card.name == "heartscore-0.3.0"
    # the real corpus's split rows (a few exact duplicates dropped), and the base rows
    assert card.rows == {"train": 3520, "dev": 1329, "test": 2241}
    assert card.base["rows_by_kind"] == {"distant": 11289, "written": 2250}
    assert card.artifact["file"] == "heartscore-0.3.0.hsm"
    assert card.converted_from is None
    assert card.model_id == "heartscore-0.3.0@" + shipped["artifact"]["sha256"][:12]
    assert [c["file"] for c in card.corpus["also"]] == ["corpora/heartscore_corpus.csv",
                                                        "corpora/real/distant.csv"]
    assert card.label_schema.signals == ("trust", "safety", "seen", "mattering")


def test_unknown_and_null_keys_are_kept(shipped):
    older = {**shipped, "trained_by": "ops team", "notes": {"ticket": 42}, "base": None}
    card = ModelCard.from_dict(older)
    assert card.extra == {"trained_by": "ops team", "notes": {"ticket": 42}, "base": None}
    assert card.base is None
    assert card.to_dict() == older
    card.base = {"rows_train": 1, "rows_dev": 2}  # set since: the attribute wins over null
    assert card.to_dict()["base"] == {"rows_train": 1, "rows_dev": 2}


def test_missing_keys_stay_missing():
    assert ModelCard.from_dict({"name": "x"}).to_dict() == {"name": "x"}
    assert ModelCard().to_dict() == {}
    assert ModelCard().model_id == "heartscore@unsaved"


def test_dicts_in_and_out_are_copies():
    data = {"name": "x", "rows": {"train": 1}}
    card = ModelCard.from_dict(data)
    data["rows"]["train"] = 0
    card.to_dict()["rows"]["train"] = 0
    assert card.rows == {"train": 1}


def test_a_card_is_a_json_object():
    with pytest.raises(TypeError, match="JSON object"):
        ModelCard.from_dict(["name", "x"])


def test_rendered_card_is_models_model_card_md(shipped):
    real_eval = json.loads((ROOT / "models" / "real_eval.json").read_text(encoding="utf-8"))
    levers = json.loads((ROOT / "models" / "levers.json").read_text(encoding="utf-8"))
    rendered = ModelCard.from_dict(shipped).render(real_eval, levers)
    assert rendered == (ROOT / "models" / "MODEL_CARD.md").read_text(encoding="utf-8")


def test_real_section_only_for_the_recipe_it_evaluated(shipped):
    real_eval = json.loads((ROOT / "models" / "real_eval.json").read_text(encoding="utf-8"))
    other = ModelCard.from_dict({**shipped, "config": {**shipped["config"], "C": 123.0}})
    assert "On real feedback" not in other.render(real_eval)
    assert "On real feedback" in ModelCard.from_dict(shipped).render(real_eval)


def test_sparse_cards_render():
    text = ModelCard(name="acme").render()
    assert text.startswith("# Model card: acme\n") and "## Limits" in text
    assert "Hand-written corpus, test split" not in text  # no metrics, no section


def test_template_is_package_data():
    assert package_file("templates", "model_card.md.j2").is_file()
    package_data = next(line for line in (ROOT / "pyproject.toml").read_text().splitlines()
                        if line.startswith("heartscore = [") and "py.typed" in line)
    assert '"templates/*.j2"' in package_data


def test_model_accepts_a_dict_card(model):
    m = Model(model.estimator, model.card.to_dict())
    assert isinstance(m.card, ModelCard) and m.id == model.id


@pytest.fixture(scope="module")
def saved_with_extra(tmp_path_factory, model):
    """The shipped model saved with a card carrying a key heartscore does not know."""
    card = ModelCard.from_dict({**model.card.to_dict(), "trained_by": "ops team"})
    path = tmp_path_factory.mktemp("card") / "acme.joblib"
    save(Model(model.estimator, card), path)
    return path


def test_save_writes_the_card_keys_and_keeps_unknown_ones(saved_with_extra, model, shipped):
    written = json.loads(card_path(saved_with_extra).read_text(encoding="utf-8"))
    assert list(written) == [*shipped, "trained_by"]
    assert written["trained_by"] == "ops team"
    assert written["artifact"]["file"] == "acme.joblib"
    assert model.card.artifact["file"] == "heartscore-0.3.0.hsm"  # the model is unchanged
    again = load(saved_with_extra, trusted=True)
    assert again.card.extra == {"trained_by": "ops team"}
    assert again.card.to_dict() == written


def test_a_card_that_is_not_an_object_is_refused(saved_with_extra, tmp_path):
    other = tmp_path / "list.joblib"
    shutil.copy(saved_with_extra, other)
    card_path(other).write_text("[1, 2]")
    with pytest.raises(ModelCompatibilityError, match="is not a card"):
        load(other, trusted=True)
