"""Per-word facts: what becomes a lemma feature, what is masked, where valence comes from."""
from heartscore.word_facts import load_lemmas, load_names, load_valence, word_facts

LEMMAS = {"waited": "wait", "staff": "staff"}
VALENCE = {"great": 3.1, ":)": 2.0, "wait": -0.5}
NAMES = frozenset({"delta"})


def facts(text, mask=True):
    return word_facts(text, lemmas=LEMMAS, names=NAMES, valence=VALENCE, mask_names=mask)


def test_lemma_features_and_masked_words():
    assert facts("waited")[0] == "wait"
    assert facts("@united")[0] is None and facts("http://x.co")[0] is None
    assert facts("45")[0] == "<num>" and facts("#Service")[0] == "service"
    assert facts("Delta")[0] is None and facts("Delta", mask=False)[0] == "delta"


def test_valence_from_the_word_then_its_lemma():
    assert facts("GREAT")[1] == 3.1
    assert facts(":)")[1] == 2.0
    assert facts("waited")[1] == -0.5  # through its lemma
    assert facts("staff")[1] == 0.0


def test_name_likeness_contrast_and_sentence_end():
    _, _, length, cap_unknown, contrast, sent_end = facts("Zorvex")
    assert length == 6 and cap_unknown and not contrast and not sent_end
    assert not facts("Staff")[3]  # a known word is not taken for a name
    assert facts("However")[4] and facts("!")[5]


def test_shipped_word_data_loads():
    assert "delta" in load_names()
    assert load_valence()["great"] > 0 and load_valence()["horrible"] < 0
    assert load_lemmas()["waited"] == "wait"
