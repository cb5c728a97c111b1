"""benchmarks/invariance.py: its 20 neutral sentences stay the ones fixed before measuring
(hash), and the unchanged-share computation is right on a tiny fake model. Not timed."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "invariance.py"
#: sha256 of the sentences as first measured; a changed list is a new benchmark, not a fix.
FIXED_SHA256 = "586b84bbf35b9863b52b653d45c43b0c6653aca6ab87d00ad4fc37d7b40b5402"


@pytest.fixture(scope="module")
def inv():
    spec = importlib.util.spec_from_file_location("invariance_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakeModel:
    """polarity 'bad' when the text contains 'rain', else 'good'; trust -1 when it contains
    a digit; safety always 0."""

    def score_many(self, texts):
        assert isinstance(texts, list)
        return [SimpleNamespace(polarity="bad" if "rain" in t else "good",
                                signals={"trust": -1 if re.search(r"\d", t) else 0,
                                         "safety": 0})
                for t in texts]


def test_the_sentence_list_is_the_fixed_one(inv):
    assert inv.sentences_sha256() == FIXED_SHA256
    assert len(inv.SENTENCES) == 20 == len(set(inv.SENTENCES))
    text = " ".join(inv.SENTENCES)
    assert re.search(r"\b\d{1,2}(:\d\d|pm)\b", text)          # a time
    assert re.search(r"\b(19|20)\d\d\b", text)                # a year
    assert re.search(r"\b(Monday|Tuesday|Friday)\b", text)    # a day
    assert "Leeds" in text                                    # a place


def test_share_counts_pairs_where_no_label_changes(inv):
    texts = ["Good stay.", "Room 12 was fine.", "Lovely staff."]
    sentences = ["It was raining.", "We arrived at 7pm.", "We were in Leeds."]
    res = inv.invariance(FakeModel(), texts, sentences)
    # rain flips polarity on all 3 texts; 7pm adds trust -1 to the two texts without a digit;
    # Leeds changes nothing: of 9 pairs, 0 + 1 + 3 = 4 are unchanged.
    per = {s["sentence"]: s for s in res["per_sentence"]}
    assert per["It was raining."]["unchanged"] == 0
    assert per["We arrived at 7pm."]["unchanged"] == 1
    assert per["We were in Leeds."]["unchanged"] == 3
    assert res["pairs"] == 9 and res["unchanged"] == 4
    assert res["share"] == round(4 / 9, 4)
    assert res["changed_labels"] == {"polarity": 3, "trust": 2}
    assert per["We arrived at 7pm."]["examples"][0] == {
        "text": "Good stay.", "changed": {"trust": [0, -1]}}


def test_sentence_is_appended_after_one_space(inv):
    assert inv.appended("Great food!  ", "Order number 4417.") == "Great food! Order number 4417."


def test_a_bare_string_is_refused(inv):
    with pytest.raises(TypeError):
        inv.invariance(FakeModel(), "one text", ["x."])


def test_suite_texts_are_distinct_and_in_file_order(inv, tmp_path):
    f = tmp_path / "cases.jsonl"
    f.write_text('{"text": "b"}\n{"text": "a"}\n\n{"text": "b"}\n', encoding="utf-8")
    assert inv.suite_texts(f) == ["b", "a"]
