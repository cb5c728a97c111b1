"""The spaCy component: same labels as the CLI whatever the host pipeline, sentence-level
evidence, Doc serialisation (n_process=2), and registration through the entry point."""
import subprocess
import sys

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


def test_sentences_carry_their_own_evidence(host):
    doc = host(TEXTS[0])
    first, second = list(doc.sents)
    assert "mattering" in first._.heart
    assert all(e.text in first.text for e in first._.heart["mattering"])
    assert "mattering" not in second._.heart


def test_survives_multiprocess_pipe(host):
    one = [d._.heart.to_dict() for d in host.pipe(TEXTS)]
    two = [d._.heart.to_dict() for d in host.pipe(TEXTS, n_process=2, batch_size=2)]
    assert one == two


def test_registered_through_the_entry_point_without_importing_heartscore():
    code = ("import spacy; nlp = spacy.blank('en'); nlp.add_pipe('heartscore'); "
            "print(nlp('They lost my bag and nobody called back.')._.heart.signals['trust'])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "-1"
