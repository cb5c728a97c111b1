"""Typed frames: score_frame's dtypes, and read_scored giving them back from every format."""
import numpy as np
import pandas as pd
import pytest

import heartscore
from heartscore import read_scored, score_file, score_frame
from heartscore.errors import InputError
from heartscore.frames import scored_dtypes
from heartscore.labels import DEFAULT_SCHEMA
from tabular import write_frame

ROWS = pd.DataFrame({
    "id": ["a", "b", "c", "d", "e", "f"],
    "review": ["Lovely staff, they remembered us.", "  ", None, "Two hours on hold!!", "ok",
               "The nurse held my hand and explained everything."],
    "stars": ["5", "1", "3", "1", "3", "5"],
})
LABEL_COLUMNS = [*DEFAULT_SCHEMA.output_columns(), "evidence", "heartscore_error",
                 "heartscore_model"]


@pytest.fixture(scope="module")
def scored(model):
    return score_frame(ROWS, text="review", model=model, evidence=True)


def test_score_frame_gives_typed_label_columns(scored):
    dtypes = scored.dtypes
    assert isinstance(dtypes["polarity"], pd.CategoricalDtype) and dtypes["polarity"].ordered
    assert list(dtypes["polarity"].categories) == ["bad", "neutral", "good"]
    assert all(str(dtypes[s]) == "Int8" for s in ("trust", "safety", "seen", "mattering"))
    assert isinstance(dtypes["experience"], pd.CategoricalDtype)
    assert all(dtypes[c] == np.float64 for c in DEFAULT_SCHEMA.proba_columns())
    assert dtypes["heart_score"] == np.float64 and str(dtypes["low_confidence"]) == "boolean"
    assert all(pd.api.types.is_string_dtype(dtypes[c])
               for c in ("evidence", "heartscore_error", "heartscore_model"))
    assert not any(dtypes[c] == object for c in LABEL_COLUMNS)
    # unscored rows are missing, not a made-up label
    assert scored["polarity"].isna().tolist() == [False, True, True, False, False, False]
    assert scored["trust"].isna().sum() == 2 and scored["trust"].dropna().isin([-1, 0, 1]).all()
    assert scored["polarity"].iloc[5] in ("good", "neutral", "bad")


def test_the_text_column_is_found_when_not_named_and_the_result_says_which(model, scored):
    found = score_frame(ROWS, model=model, evidence=True)
    assert found.attrs["heartscore_text_column"] == "review"
    assert found.attrs["heartscore_text_column_reason"] == "column named 'review'"
    pd.testing.assert_frame_equal(found, scored)
    long = pd.DataFrame({"n": [1, 2], "words": ["The staff were kind to my mother.",
                                                "Nobody called us back for a week."]})
    assert score_frame(long, model=model).attrs["heartscore_text_column"] == "words"
    with pytest.raises(InputError, match="cannot tell which column holds the text"):
        score_frame(pd.DataFrame({"n": [1, 2], "code": ["a", "b"]}), model=model)


@pytest.mark.parametrize("ext", ["csv", "tsv", "jsonl", "parquet", "xlsx"])
def test_a_scored_file_reads_back_with_score_frames_dtypes_and_values(model, scored,
                                                                      tmp_path, ext):
    src, out = tmp_path / f"in.{ext}", tmp_path / f"out.{ext}"
    write_frame(ROWS, src)
    score_file(src, out, model=model, text_column="review", evidence=True, language=None,
               chunksize=4)
    back = read_scored(out)
    assert list(back.columns) == list(scored.columns)
    for c in LABEL_COLUMNS:
        assert back[c].dtype == scored[c].dtype, c
    floats = [c for c in LABEL_COLUMNS if scored[c].dtype == np.float64]
    # JSON Lines writes 10 significant digits (pandas' default), the others every digit
    pd.testing.assert_frame_equal(back[floats], scored[floats].reset_index(drop=True),
                                  rtol=1e-9 if ext == "jsonl" else 0, atol=0)
    others = [c for c in LABEL_COLUMNS if c not in floats]
    pd.testing.assert_frame_equal(back[others], scored[others].reset_index(drop=True))
    assert back["id"].tolist() == ROWS["id"].tolist()


def test_a_file_that_is_not_a_scored_output_is_refused_in_one_line(tmp_path):
    plain = tmp_path / "plain.csv"
    ROWS.to_csv(plain, index=False)
    with pytest.raises(InputError, match=r"plain.csv is not a scored heartscore output: "
                                         r"expected the columns heartscore score writes, "
                                         r"missing polarity, trust, p_trust_-1, heart_score"):
        read_scored(plain)


def test_label_cells_that_are_not_labels_are_refused_with_their_rows(scored, tmp_path):
    bad = scored.astype({"polarity": object, "seen": object})
    bad.loc[3, "polarity"] = "great"
    path = tmp_path / "edited.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"column 'polarity' should hold one of bad, neutral, "
                                         r"good, found other values in data row 4 \(1 in all\)"):
        read_scored(path)
    bad.loc[3, "polarity"] = "bad"
    bad.loc[[0, 5], "seen"] = 2
    bad.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"'seen' should hold one of -1, 0, 1, .* rows 1, 6"):
        read_scored(path)


def test_dtypes_follow_the_models_schema():
    schema = heartscore.LabelSchema(signals=("trust", "safety", "seen", "mattering", "effort"))
    dtypes = scored_dtypes(schema)
    assert str(dtypes["effort"]) == "Int8" and dtypes["p_effort_-1"] == np.float64
    assert set(dtypes) == set(schema.column_types())
