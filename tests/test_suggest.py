import pandas as pd
import pytest

from heartscore.errors import InputError
from heartscore.suggest import suggest


def test_most_uncertain_first_without_repeats(model):
    df = pd.DataFrame({"id": range(8), "text": [
        "The driver was incredibly rude and shouted at me.", "ok", "OK", "hmm",
        "Lovely nurse, she remembered my name and calmed me down.", "", None,
        "Not sure what to think about the new app."]})
    out = suggest(model, df, text_column="text", n=4)
    assert len(out) == 4 and list(out["uncertainty"]) == sorted(out["uncertainty"], reverse=True)
    assert not {5, 6} & set(out["id"])  # no empty or missing texts
    assert sum(t.lower() == "ok" for t in out["text"]) <= 1
    assert {"guess_polarity", "guess_trust"} <= set(out.columns)


def test_bad_arguments():
    with pytest.raises(InputError):
        suggest(None, pd.DataFrame({"x": ["a"]}), text_column="text")
