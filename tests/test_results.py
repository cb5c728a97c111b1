import json

import numpy as np
import pytest

from heartscore.labels import DEFAULT_SCHEMA
from heartscore.results import HEART_WEIGHTS, build_results, heart_score


def _proba(pol, sig):
    d = {"polarity": np.array([pol])}
    for s in DEFAULT_SCHEMA.signals:
        d[s] = np.array([sig])
    return d


def test_heart_weights_sum_to_one_so_score_is_in_range():
    assert abs(sum(HEART_WEIGHTS.values()) - 1.0) < 1e-9
    assert heart_score(_proba([0, 0, 1], [0, 0, 1]), DEFAULT_SCHEMA)[0] == 1.0
    assert heart_score(_proba([1, 0, 0], [1, 0, 0]), DEFAULT_SCHEMA)[0] == -1.0


def test_heart_score_moves_in_the_right_direction():
    base = heart_score(_proba([0.3, 0.4, 0.3], [0.2, 0.6, 0.2]), DEFAULT_SCHEMA)[0]
    better_pol = heart_score(_proba([0.2, 0.4, 0.4], [0.2, 0.6, 0.2]), DEFAULT_SCHEMA)[0]
    worse_sig = heart_score(_proba([0.3, 0.4, 0.3], [0.4, 0.5, 0.1]), DEFAULT_SCHEMA)[0]
    assert better_pol > base > worse_sig


def test_build_results_keeps_evidence_only_for_non_neutral_labels():
    texts = ["rude and slow"]
    proba = _proba([0.8, 0.1, 0.1], [0.1, 0.8, 0.1])
    proba["mattering"] = np.array([[0.7, 0.2, 0.1]])
    labels = {"polarity": np.array(["bad"], dtype=object)}
    labels.update({s: np.array([0]) for s in DEFAULT_SCHEMA.signals})
    labels["mattering"] = np.array([-1])
    evidence = {k: [[(0, 4, 0.9)]] for k in DEFAULT_SCHEMA.labels}
    (r,) = build_results(texts, proba, labels, evidence, DEFAULT_SCHEMA, "m@1")
    assert set(r.evidence) == {"polarity", "mattering"}
    assert r.evidence["mattering"][0].text == "rude"
    d = r.to_dict(evidence=True)
    assert list(d)[:5] == ["polarity", "trust", "safety", "seen", "mattering"]
    assert d["p_mattering_-1"] == 0.7 and '"rude"' in d["evidence"]
    assert r.model == "m@1" and 0 <= r.confidence <= 1


@pytest.mark.parametrize("text", ["plain", "", 'say "hi"', "back\\slash", "tab\there", "new\nline",
                                  "ünïcode ✓ 😀", "\x00\x1f", "\u2028"])
def test_json_strings_are_what_json_dumps_writes(text):
    from heartscore.results import _json_str
    assert _json_str(text) == json.dumps(text, ensure_ascii=False)


def test_experience_states_follow_polarity_and_the_core_signals():
    from heartscore.results import experience
    pol = ["good", "good", "good", "good", "bad", "neutral", None]
    sig = {"trust": [1, 0, 1, 0, 1, 0, 1], "seen": [0, 0, -1, -1, 0, 0, 0],
           "effort": [0, 1, 0, 0, 0, 0, 0]}  # not a core need: ignored
    assert experience(pol, sig).tolist() == [
        "emotionally satisfied", "rationally satisfied", "mixed", "mixed", "dissatisfied",
        "neutral", None]


def test_result_and_columns_carry_the_same_experience():
    pol, sig = [0.1, 0.1, 0.8], [0.7, 0.2, 0.1]  # good, every signal violated
    proba = {"polarity": np.array([pol]), **{s: np.array([sig]) for s in DEFAULT_SCHEMA.signals}}
    labels = {"polarity": np.array(["good"], dtype=object),
              **{s: np.array([-1]) for s in DEFAULT_SCHEMA.signals}}
    from heartscore.results import result_columns
    r = build_results(["x"], proba, labels, {}, DEFAULT_SCHEMA, "m")[0]
    cols = result_columns(["x"], proba, labels, None, DEFAULT_SCHEMA)
    assert r.experience == cols["experience"][0] == r.to_dict()["experience"] == "mixed"
    assert list(r.to_dict()) == DEFAULT_SCHEMA.output_columns()
