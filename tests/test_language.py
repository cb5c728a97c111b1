"""Texts not written in the model's language are scored but flagged, and English files never
load the language identifier."""
import pandas as pd
import pytest

from heartscore.cli import main
from heartscore.io import read_table
from heartscore import language
from heartscore.language import other_language

FOREIGN = {"Le personnel était très gentil avec nous et la chambre propre": "fr",
           "Das Essen war kalt und der Kellner unfreundlich zu meiner Mutter": "de",
           "El servicio fue terrible y nadie nos ayudó con las maletas": "es"}
ENGLISH = ["The nurse remembered my daughter's name", "Rude staff, never again.",
           "Parcel 12 never arrived and no one replied", "ok", "Two hours on hold!!",
           "Charged twice for order 4, still no refund"]


def test_other_languages_are_named_and_english_or_short_texts_are_not():
    assert other_language(list(FOREIGN)) == list(FOREIGN.values())
    assert other_language(ENGLISH) == [None] * len(ENGLISH)
    assert other_language(list(FOREIGN), language="any-other") != [None] * 3


def test_english_texts_with_function_words_never_load_the_identifier(monkeypatch):
    monkeypatch.setattr(language, "_LOADED", [])
    other_language(["The staff were kind and the room was clean", "ok", "Two hours on hold!!"])
    assert language._LOADED == []


def test_a_preload_loads_the_identifier_once_in_the_background(monkeypatch):
    monkeypatch.setattr(language, "_LOADED", [])
    language.preload()
    language.preload()  # a second call starts nothing
    assert len(language._PRELOAD) == 1
    language.finish_preload()
    assert len(language._LOADED) == 1 and language._PRELOAD == []
    assert other_language(list(FOREIGN)) == list(FOREIGN.values())


def test_score_flags_other_languages_counts_them_and_still_scores_them(tmp_path, capsys):
    src = tmp_path / "in.csv"
    pd.DataFrame({"text": list(FOREIGN) + ENGLISH}).to_csv(src, index=False)
    out = tmp_path / "out.csv"
    assert main(["score", str(src), "-o", str(out), "--quiet", "--jobs", "1"]) == 0
    err = capsys.readouterr().err
    assert "3 texts look written in another language than 'en'" in err
    assert f"scored {len(FOREIGN) + len(ENGLISH)} of" in err
    back = read_table(out)
    notes = back["heartscore_error"].tolist()
    assert all(n.startswith("language: looks like") for n in notes[:3])
    assert back["polarity"].notna().all()
    assert main(["score", str(src), "-o", str(out), "--quiet", "--jobs", "1",
                 "--language", "any"]) == 0
    assert read_table(out)["heartscore_error"].isna().all()


def test_known_languages_are_the_identifiers_codes():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier
    from heartscore.language import KNOWN_LANGUAGES
    assert KNOWN_LANGUAGES == set(LanguageIdentifier.from_model_file(MODEL_FILE).nb_classes)


@pytest.mark.parametrize("code", ["xx", "EN", "english", ""])
def test_a_language_code_the_identifier_cannot_give_is_refused(tmp_path, code):
    # before: accepted, and every English text long enough to tell flagged "not 'xx'"
    from heartscore.errors import InputError
    from heartscore.scoring import score_file
    src = tmp_path / "in.csv"
    src.write_text("text\nThe staff were kind and the room was clean and quiet.\n")
    with pytest.raises(InputError, match=f"language must be a code .*got {code!r}"):
        score_file(src, tmp_path / "out.csv", language=code)
    assert not (tmp_path / "out.csv").exists()
