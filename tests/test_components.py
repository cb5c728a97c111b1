from spacy.tokens import DocBin

from heartscore.components import (KIND_EMOJI, KIND_EMOTICON, KIND_HANDLE, KIND_NUMBER,
                                   KIND_URL, KIND_WORD, negation_flags, token_kind)


def test_token_kinds():
    assert token_kind("@united") == KIND_HANDLE
    assert token_kind("https://t.co/x") == KIND_URL
    assert token_kind("45") == KIND_NUMBER
    assert token_kind("😡") == KIND_EMOJI
    assert token_kind(":(") == KIND_EMOTICON
    assert token_kind("<3") == KIND_EMOTICON
    assert token_kind("service") == KIND_WORD


def test_negation_scope_stops_at_punctuation_and_but():
    words = "they were not rude , but slow".split()
    flags = negation_flags(words)
    assert flags[words.index("not")] == 2
    assert flags[words.index("rude")] == 1
    assert flags[words.index("slow")] == 0


def test_negation_reaches_a_limited_window():
    words = "no one ever came to the desk to ask what we needed".split()
    flags = negation_flags(words, window=5)
    assert flags[1] == 1 and flags[5] == 1
    assert flags[-1] == 0


def test_pipeline_annotations_and_token_getters(hs_nlp):
    doc = hs_nlp("Nobody ignored us!!! SOOO good @hotel 😀")
    assert doc._.hs_negated[1] == 1  # "ignored" inside the scope of "Nobody"
    assert doc[1]._.hs_negated is True and doc[0]._.hs_negated is True  # the trigger itself
    excl, quest, caps, elong = doc._.hs_emphasis
    assert excl == 3 and caps == 1 and elong == 1 and quest == 0
    assert doc[-2]._.hs_kind == "handle" and doc[-1]._.hs_kind == "emoji"


def test_annotations_survive_doc_serialisation(hs_nlp):
    doc = hs_nlp("No one called me back, the agent was rude.")
    db = DocBin(store_user_data=True)
    db.add(doc)
    back = list(DocBin(store_user_data=True).from_bytes(db.to_bytes()).get_docs(hs_nlp.vocab))[0]
    assert back._.hs_cues == doc._.hs_cues or [tuple(c) for c in back._.hs_cues] == doc._.hs_cues
    assert list(back._.hs_negated) == list(doc._.hs_negated)
