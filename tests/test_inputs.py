"""What HeartscoreClassifier takes: texts (not a string, not a table) and the label matrix."""
import numpy as np
import pandas as pd
import pytest

from heartscore.errors import InputError, SchemaError
from heartscore.inputs import (check_texts, is_known, known_values, label_matrix, normalise,
                               validation_split)
from heartscore.labels import DEFAULT_SCHEMA


def test_texts_are_a_1d_sequence_of_strings():
    assert check_texts(("a", "b")) == ["a", "b"]
    assert check_texts(np.array(["a", "b"], dtype=object)) == ["a", "b"]
    assert check_texts(pd.Series(["a", "b"], index=[5, 3])) == ["a", "b"]
    with pytest.raises(InputError, match="single string"):
        check_texts("ab")
    with pytest.raises(InputError, match=r"columns text, id; pass its text column, e.g. "
                                         r"X=df\['text'\]"):
        check_texts(pd.DataFrame({"text": ["a"], "id": [1]}))
    with pytest.raises(InputError, match=r"shape \(2, 1\)"):
        check_texts(np.array([["a"], ["b"]]))
    with pytest.raises(InputError, match="found int at position 1"):
        check_texts(["a", 3])


def test_unlabelled_values_and_normalised_labels():
    assert [is_known(v) for v in (None, np.nan, float("nan"), pd.NA, "", "  ")] == [False] * 6
    assert [is_known(v) for v in ("good", 0, 0.0, -1)] == [True] * 4
    assert normalise(" Good ", "polarity") == "good"
    assert [normalise(v, "trust") for v in (1.0, "-1", 0)] == [1, -1, 0]
    Y = np.array([["good", 1.0], [None, np.nan], ["BAD", -1]], dtype=object)
    known, values = known_values(Y, 0, "polarity", ("bad", "neutral", "good"))
    assert known.tolist() == [True, False, True] and values.tolist() == ["good", "bad"]
    with pytest.raises(SchemaError, match=r"label 'trust' has values 2; expected one of -1, 0, 1"):
        known_values(np.array([[2]], dtype=object), 0, "trust", (-1, 0, 1))


def test_the_label_matrix_has_one_column_per_label():
    assert label_matrix([["good", 0, 0, 0, 0]], 1, DEFAULT_SCHEMA).shape == (1, 5)
    with pytest.raises(SchemaError, match=r"expected y of shape \(2, 5\) with columns polarity, "
                                          r"trust, safety, seen, mattering; found shape \(2, 4\)"):
        label_matrix(np.zeros((2, 4)), 2, DEFAULT_SCHEMA)


def test_the_validation_split_is_seeded_and_stratified_on_polarity():
    polarity = np.array(["good"] * 60 + ["bad"] * 30 + ["neutral"] * 10, dtype=object)
    Y = np.column_stack([polarity, np.zeros((100, 4), dtype=object)])
    fit, val = validation_split(Y, 0.2, 0)
    assert len(val) == 20 and sorted([*fit, *val]) == list(range(100))
    assert sorted(polarity[val].tolist()) == ["bad"] * 6 + ["good"] * 12 + ["neutral"] * 2
    assert (validation_split(Y, 0.2, 0)[1] == val).all()
    assert not (validation_split(Y, 0.2, 1)[1] == val).all()
    one = Y.copy()
    one[0, 0] = "neutral?"  # a polarity value with one row cannot be stratified: plain split
    assert len(validation_split(one, 0.2, 0)[1]) == 20
    for bad in (0, 1, 1.5, True, "0.2"):
        with pytest.raises(InputError, match="validation_fraction must be a share"):
            validation_split(Y, bad, 0)
