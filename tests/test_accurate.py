"""The accurate model: the fast model averaged with the fine-tuned encoder.

Without the ``accurate`` extra (CI installs ``.[dev]`` only) the tests that run the encoder
skip; the refusal without the extra and the blend itself are tested everywhere.
"""
from __future__ import annotations

import json
import pickle
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import heartscore
from heartscore.accurate import (as_label_dict, blend, pooled_labels, sentence_proba,
                                 weights_sha256)
from heartscore.cli import main
from heartscore.errors import InputError, ModelCompatibilityError
from heartscore.labels import DEFAULT_SCHEMA
from heartscore.persistence import read_card
from heartscore.resources import shipped_accurate_path
from heartscore.thresholds import decide

TEXTS = ["The nurse held my hand and explained every step.",
         "Refund promised in 7 days, it's been 3 months and nobody answers.",
         "Room was fine.", "They lost my luggage and laughed about it.",
         "I was there on a Tuesday.",
         # several sentences: each read on its own by both models, then pooled
         "We arrived at 7pm. The staff ignored us for an hour. The food was lovely though."]


def test_blend_is_a_weighted_average_of_distributions():
    rng = np.random.default_rng(0)
    fast = {lab: rng.dirichlet(np.ones(3), 7) for lab in DEFAULT_SCHEMA.labels}
    enc = rng.dirichlet(np.ones(3), (7, 5))
    out = blend(fast, as_label_dict(enc), 0.25)
    for j, lab in enumerate(DEFAULT_SCHEMA.labels):
        np.testing.assert_allclose(out[lab], 0.25 * fast[lab] + 0.75 * enc[:, j])
        np.testing.assert_allclose(out[lab].sum(1), 1.0)
    split = blend(fast, as_label_dict(enc), {"polarity": 1.0, "signals": 0.0})
    np.testing.assert_allclose(split["polarity"], fast["polarity"])
    np.testing.assert_allclose(split["trust"], enc[:, 1])
    with pytest.raises(ValueError, match="expected"):
        as_label_dict(enc[:, :3])


def test_weights_hash_sees_any_change():
    a = {"x": np.arange(6, dtype=np.float16).reshape(2, 3), "y": np.ones(2, np.float16)}
    h = weights_sha256(a)
    assert weights_sha256(dict(reversed(list(a.items())))) == h  # order of names
    b = {**a, "y": np.array([1, 1.001], np.float16)}
    assert weights_sha256(b) != h
    assert weights_sha256({**a, "x": a["x"].reshape(3, 2)}) != h  # shape


def test_without_the_extra_the_refusal_is_one_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch → ImportError
    with pytest.raises(ModelCompatibilityError) as err:
        heartscore.load("accurate")
    msg = str(err.value)
    assert 'pip install "heartscore[accurate]"' in msg and "\n" not in msg


def test_cli_without_the_extra_says_how_to_get_it(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "torch", None)
    src = tmp_path / "in.csv"
    pd.DataFrame({"text": TEXTS}).to_csv(src, index=False)
    out = tmp_path / "o.csv"
    code = main(["score", str(src), "-o", str(out), "--model", "accurate", "--quiet"])
    assert code != 0 and not out.exists()
    assert "heartscore[accurate]" in capsys.readouterr().err


def test_info_reads_the_card_without_the_extra(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "torch", None)
    assert main(["info", "--model", "accurate"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card["name"].startswith("heartscore-accurate-")
    assert set(card["thresholds"]) == set(DEFAULT_SCHEMA.labels)


@pytest.mark.parametrize("content", [b"{}", b"PK\x03\x04 truncated"])
def test_a_file_that_is_not_an_accurate_model_is_refused(tmp_path, content):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(content)
    with pytest.raises(ModelCompatibilityError, match="not a heartscore accurate-model file"):
        heartscore.load(bad)


def _rewrite(tmp_path, change) -> Path:
    """The shipped accurate file (and its fast model) copied to tmp_path, its meta record
    passed through ``change``."""
    path = shipped_accurate_path()
    meta = _meta()
    shutil.copy(path.parent / meta["fast_model"]["file"], tmp_path)
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files if k != "meta"}
    out = tmp_path / path.name
    np.savez(out, **arrays, meta=np.array(json.dumps(change(meta))))
    return out


@pytest.mark.parametrize("change, match", [
    (lambda m: [m], "a JSON list, not an object"),
    (lambda m: {k: v for k, v in m.items() if k != "card"}, "lacks card"),
    (lambda m: {**m, "format": {"name": "heartscore-accurate", "version": 99}},
     "format.*upgrade heartscore"),
    # a file made before texts were read by sentence
    (lambda m: {**m, "format": {"name": "heartscore-accurate", "version": 1}},
     "format.*rebuild the file"),
    (lambda m: {**m, "fast_model": {**m["fast_model"], "file": "../x.joblib"}}, ".hsm file name"),
    # the model id comes from the card: a card naming another hash is refused
    (lambda m: {**m, "card": {**m["card"], "artifact": {**m["card"]["artifact"],
                                                        "sha256": "0" * 64}}}, "artifact"),
    # a changed decision setting is a different model: refused, never loaded under the old id
    (lambda m: {**m, "weights": {"polarity": 1.0, "signals": 1.0}}, "altered"),
    (lambda m: {**m, "thresholds": {**m["thresholds"], "trust": {"minus": 0.99, "plus": 0.99}}},
     "altered"),
])
def test_a_malformed_or_altered_record_is_refused_in_one_line(tmp_path, change, match, capsys):
    bad = _rewrite(tmp_path, change)
    with pytest.raises(ModelCompatibilityError, match=match) as err:
        read_card(bad)
    assert "\n" not in str(err.value)
    assert main(["info", "--model", str(bad)]) == 1  # a model problem (input problems: 2)
    assert "unexpected" not in capsys.readouterr().err


def test_heartscore_model_env_may_name_the_accurate_model(monkeypatch):
    monkeypatch.setenv("HEARTSCORE_MODEL", "accurate")
    assert read_card().name.startswith("heartscore-accurate-")


# ------------------------------------------------------------------ with the extra
@pytest.fixture(scope="module")
def accurate():
    pytest.importorskip("torch", reason="needs the accurate extra")
    pytest.importorskip("transformers", reason="needs the accurate extra")
    return heartscore.load("accurate")


def _meta():
    with np.load(shipped_accurate_path(), allow_pickle=False) as z:
        return json.loads(str(z["meta"]))


def test_loading_prints_nothing(capfd):
    pytest.importorskip("torch", reason="needs the accurate extra")
    heartscore.load("accurate")
    out = capfd.readouterr()
    assert out.out == ""


def test_encoder_reproduces_what_training_computed(accurate):
    probes = _meta()["probes"]
    got = accurate.scorer._encoder.proba(probes["texts"])
    np.testing.assert_allclose(got, np.array(probes["proba"]), atol=2e-3)


def test_labels_are_the_pooled_blend_decided_by_the_accurate_thresholds(accurate):
    fast = heartscore.load()
    pred = accurate.scorer.predict_detailed(TEXTS, evidence=False)
    owner, fast_units, sents = sentence_proba(fast.scorer, TEXTS)
    assert len(sents) > len(TEXTS)  # the last text is read a sentence at a time
    thresholds = _meta()["thresholds"]
    assert thresholds and thresholds != fast.card.thresholds
    expected, labels = pooled_labels(
        blend(fast_units, as_label_dict(accurate.scorer._encoder.proba(sents))), owner,
        len(TEXTS), thresholds)
    for label in DEFAULT_SCHEMA.labels:
        np.testing.assert_allclose(pred.proba[label], expected[label], atol=1e-6)
        assert list(pred.labels[label]) == list(labels[label])
        # the decision agrees with the text's own probabilities
        classes = np.array(DEFAULT_SCHEMA.classes(label), dtype=object)
        assert list(pred.labels[label]) == list(
            classes[decide(label, pred.proba[label], thresholds.get(label))])


def test_a_sentence_decided_neutral_appended_changes_no_label(accurate):
    """Sentences read on their own and pooled: a sentence the accurate model decides
    neutral on every label, appended to a text, leaves the text's labels as they were."""
    cols = ["polarity", *DEFAULT_SCHEMA.signals]
    tails = ["I was there on a Tuesday.", "We arrived at about 7pm.", "It was my second visit.",
             "The order number was 4471.", "We drove in from Leeds."]
    def labels(texts):
        return pd.DataFrame(accurate.score_columns(texts))[cols]

    alone = labels(tails)
    neutral = [t for t, (_, r) in zip(tails, alone.iterrows())
               if r["polarity"] == "neutral" and not r[cols[1:]].astype(int).any()]
    assert neutral, alone  # at least one of them is decided neutral alone
    before = labels(TEXTS)
    for tail in neutral:
        after = labels([f"{t} {tail}" for t in TEXTS])
        pd.testing.assert_frame_equal(after, before)


def test_same_outputs_as_the_fast_model(accurate):
    fast = heartscore.load()
    a = accurate.score_columns(TEXTS, evidence=True)
    f = fast.score_columns(TEXTS, evidence=True)
    assert list(a) == list(f)
    assert accurate.id.startswith("heartscore-accurate-")
    r = accurate.score(TEXTS[1])
    assert r.polarity == "bad"


def test_empty_input_gives_empty_results(accurate):
    pred = accurate.scorer.predict_detailed([], evidence=False)
    assert all(p.shape == (0, 3) for p in pred.proba.values())
    assert accurate.score_many([]) == []


def test_cli_scores_in_one_process_whatever_jobs(accurate, tmp_path, monkeypatch):
    import heartscore.batch

    def no_pool(*args, **kwargs):  # a pool would fork after torch ran: fail, do not hang
        raise AssertionError("the accurate model must not start worker processes")

    monkeypatch.setattr(heartscore.batch, "ProcessPoolExecutor", no_pool)
    src = tmp_path / "in.csv"
    pd.DataFrame({"text": TEXTS * 40}).to_csv(src, index=False)
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"o{jobs}.csv"
        assert main(["score", str(src), "-o", str(out), "--model", "accurate", "--quiet",
                     "--jobs", jobs, "--chunksize", "50"]) == 0
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert len(pd.read_csv(tmp_path / "o1.csv")) == len(TEXTS) * 40


def test_altered_or_orphaned_files_are_refused(accurate, tmp_path):
    path = shipped_accurate_path()
    fast = path.parent / _meta()["fast_model"]["file"]
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(path, alone / path.name)
    with pytest.raises(ModelCompatibilityError, match="needs its fast model"):
        heartscore.load(alone / path.name)
    shutil.copy(fast, alone / fast.name)
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["head.bias"] = arrays["head.bias"] + np.float16(0.5)
    np.savez(alone / path.name, **arrays)
    with pytest.raises(ModelCompatibilityError, match="altered"):
        heartscore.load(alone / path.name)


def test_no_pickle_and_no_estimator(accurate):
    with pytest.raises(TypeError, match="not pickled"):
        pickle.dumps(accurate.scorer)
    with pytest.raises(InputError, match="no scikit-learn estimator"):
        accurate.estimator
