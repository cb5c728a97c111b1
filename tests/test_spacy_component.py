"""The spaCy component: same labels as the CLI whatever the host pipeline, a blank pipeline
without a sentencizer, sentences and spans with their own labels, token flags, Doc
serialisation (n_process=2), a saved pipeline that carries its model, and registration
through a light entry point."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import spacy

TEXTS = ["The receptionist was rude to my mother. The room itself was clean and quiet.",
         "Two hours on hold and then they hung up on me.",
         "She remembered my name and asked about my trip!",
         "What time do you open on Sundays?"]


def _host_nlp():
    """A host pipeline unlike heartscore's own: its own lemmatizer, an attribute ruler that
    rewrites lemmas of feeling words, and a sentencizer."""
    import heartscore  # noqa: F401  (the factory is also reachable through the entry point)
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "rude"}]], {"LEMMA": "polite"})
    ruler.add([[{"LOWER": "remembered"}]], {"LEMMA": "forget"})
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("heartscore")
    return nlp


@pytest.fixture(scope="module")
def host():
    return _host_nlp()


def test_same_labels_as_the_model_and_cli_on_a_different_host(host, model):
    for text in TEXTS:
        doc = host(text)
        assert doc[1].lemma_ != "" and any(t.lemma_ == "polite" for t in doc) == ("rude" in text)
        assert doc._.heart.to_dict(evidence=True) == model.score(text).to_dict(evidence=True)


def test_sentences_carry_their_own_labels_and_evidence(host, model):
    """0.1.0's span._.heart was the doc's evidence inside the span, not the span's labels."""
    doc = host(TEXTS[0])
    first, second = list(doc.sents)
    for sent in (first, second):
        own = model.score(sent.text)
        assert sent._.heart.polarity == own.polarity and sent._.heart.signals == own.signals
        for spans in sent._.heart.evidence.values():  # offsets into doc.text
            assert all(doc.text[e.start:e.end] == e.text and first.start_char <= e.start
                       for e in spans) or sent is second
    assert first._.heart.signals["mattering"] == -1 and first._.heart.polarity == "bad"
    assert second._.heart.polarity != "bad" and second._.heart.signals["mattering"] == 0
    assert doc[:]._.heart == doc._.heart


def test_any_span_is_scored_on_demand_and_tokens_flag_their_evidence(host, model):
    doc = host(TEXTS[2])
    span = doc[0:4]  # "She remembered my name"
    assert span._.heart.signals == model.score(span.text).signals
    flagged = {t.text: t._.heart for t in doc if t._.heart}
    evidence = doc._.heart.evidence
    assert flagged and all(set(labels) <= set(evidence) for labels in flagged.values())
    for label, spans in evidence.items():
        for e in spans:
            covered = doc.char_span(e.start, e.end, alignment_mode="expand")
            assert all(label in t._.heart for t in covered)
    assert doc[-1]._.heart == ()  # "!"


def test_works_on_a_blank_pipeline_without_a_sentencizer(model):
    """0.1.0: doc.sents on spacy.blank("en") + heartscore raised E030."""
    nlp = spacy.blank("en")
    nlp.add_pipe("heartscore")
    doc = nlp(TEXTS[0])
    assert [s.text for s in doc.sents] == ["The receptionist was rude to my mother.",
                                          "The room itself was clean and quiet."]
    assert doc._.heart.to_dict(evidence=True) == model.score(TEXTS[0]).to_dict(evidence=True)


def test_a_saved_pipeline_carries_its_model_and_loads_anywhere(tmp_path, model):
    """0.1.0's to_disk stored the model path (relative, or none) and not the model."""
    private = tmp_path / "private" / "acme.hsm"
    private.parent.mkdir()
    shutil.copy(os.environ.get("HEARTSCORE_MODEL") or model_path(), private)
    nlp = spacy.blank("en")
    nlp.add_pipe("heartscore", config={"model": str(private)})
    expected = nlp(TEXTS[1])._.heart.to_dict(evidence=True)
    nlp.to_disk(tmp_path / "pipe")
    shutil.rmtree(private.parent)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.move(str(tmp_path / "pipe"), str(elsewhere / "pipe"))
    loaded = spacy.load(elsewhere / "pipe")
    assert loaded(TEXTS[1])._.heart.to_dict(evidence=True) == expected
    code = ("import json, spacy; nlp = spacy.load('pipe'); "
            f"print(json.dumps(nlp({TEXTS[1]!r})._.heart.to_dict()))")
    env = {**os.environ, "HEARTSCORE_MODEL": str(tmp_path / "nowhere.hsm")}
    out = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["polarity"] == expected["polarity"]


def model_path():
    from heartscore.resources import shipped_model_path
    return shipped_model_path()


def test_survives_multiprocess_pipe(host):
    one = [d._.heart.to_dict() for d in host.pipe(TEXTS)]
    two = [d._.heart.to_dict() for d in host.pipe(TEXTS, n_process=2, batch_size=2)]
    assert one == two


def test_the_entry_point_module_imports_nothing_heavy():
    """spaCy imports every spacy_factories entry point for every pipeline it builds; 0.1.0's
    made each spacy.blank("en") import heartscore, scikit-learn and pandas (~1 s). The wheel
    test checks spacy.blank() itself on an installed wheel (the dev environment's entry-point
    metadata may be older than this checkout)."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    meta = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text("utf-8"))
    target = meta["project"]["entry-points"]["spacy_factories"]["heartscore"]
    module = target.split(":")[0]
    code = (f"import sys, spacy, {module}; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('heartscore', 'sklearn', 'pandas', 'scipy', 'joblib')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(["heartscore", module])


def test_registered_through_the_entry_point_without_importing_heartscore():
    code = ("import spacy; nlp = spacy.blank('en'); nlp.add_pipe('heartscore'); "
            "print(nlp('They lost my bag and nobody called back.')._.heart.signals['trust'])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "-1"


def test_a_missing_model_reads_as_no_model_yet_to_spacy_and_as_a_clear_error_to_users(tmp_path):
    """spacy.load probes each component's ``model`` with hasattr before from_disk runs (in a
    hash-seed-dependent order); a configured path that is gone must not escape that probe."""
    from heartscore.errors import HeartscoreError
    from heartscore.spacy_component import ModelUnavailableError
    nlp = spacy.blank("en")
    comp = nlp.add_pipe("heartscore", config={"model": str(tmp_path / "gone.hsm")})
    assert not hasattr(comp, "model")
    with pytest.raises(ModelUnavailableError, match="gone.hsm does not exist") as info:
        comp.model
    assert isinstance(info.value, HeartscoreError)
