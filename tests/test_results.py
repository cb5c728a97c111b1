import json
import re

import numpy as np
import pytest
from spacy.lang.en.stop_words import STOP_WORDS

from heartscore.labels import DEFAULT_SCHEMA
from heartscore.results import (HEART_WEIGHTS, MIN_EVIDENCE_WEIGHT, KEPT_STOP_WORDS,
                                build_results, heart_score, keep_evidence, result_columns,
                                topic_words)


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
    assert {k for k, v in r.evidence.items() if v} == {"polarity", "mattering"}
    assert r.evidence["mattering"][0].text == "rude"
    assert r.evidence["trust"] == ()  # 0.1.0: KeyError
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


def test_every_label_indexes_to_a_tuple_and_an_unknown_label_is_a_key_error(model):
    r = model.score("What time do you open on Sundays?")
    assert set(r.evidence) == set(DEFAULT_SCHEMA.labels)
    assert all(isinstance(v, tuple) for v in r.evidence.values())
    assert r.evidence["trust"] == ()
    with pytest.raises(KeyError):
        r.evidence["trsut"]


@pytest.mark.parametrize("span, weight, kept", [
    ("remembered my name", 0.5, True), ("remembered my name", MIN_EVIDENCE_WEIGHT - 0.01, False),
    ("40", 2.0, False), ("2.5", 2.0, False), ("the", 2.0, False), ("staff", 2.0, False),
    ("the staff", 2.0, False), ("40 minutes", 2.0, False), ("waited 40 minutes", 2.0, True),
    ("never", 2.0, True), ("nobody", 2.0, True), ("well", 2.0, True), ("on time", 2.0, True), ("rude", 2.0, True), ("😡", 2.0, True)])
def test_keep_evidence_rules(span, weight, kept):
    assert keep_evidence(span, weight) is kept


def test_topic_words_are_documented_data_and_carry_no_feeling():
    words = topic_words()
    assert {"staff", "room", "nurse", "flight"} <= words
    assert not words & {"rude", "kind", "waited", "refund", "ignored", "safe", "never"}
    assert not words & KEPT_STOP_WORDS


def test_shown_evidence_is_never_weak_and_never_a_number_stop_or_topic_word_alone(model,
                                                                                    corpus):
    """0.1.0 showed spans with weights under 0.15 (19% of them) and topic nouns or bare
    numbers on their own. Both result paths (Result and the CLI's columns) filter alike."""
    texts = corpus["text"].sample(300, random_state=5).tolist()
    results = model.score_many(texts)
    shown = [e for r in results for spans in r.evidence.values() for e in spans]
    assert len(shown) > 100
    assert min(e.weight for e in shown) >= MIN_EVIDENCE_WEIGHT
    stop = {w for w in STOP_WORDS if w not in KEPT_STOP_WORDS}
    for e in shown:
        words = re.findall(r"\w+", e.text.lower())
        assert not words or not all(w.isdigit() or w in stop or w in topic_words()
                                    for w in words), e
    pred = model.estimator.predict_detailed(texts, evidence=True)
    cols = result_columns(texts, pred.proba, pred.labels, pred.evidence, model.schema)
    assert [json.loads(j) for j in cols["evidence"]] == [json.loads(r.evidence_json())
                                                         for r in results]


def test_score_shortcut_uses_the_shipped_model(model):
    import heartscore
    text = "They lost my bag and nobody called back."
    assert heartscore.score(text) == model.score(text)
