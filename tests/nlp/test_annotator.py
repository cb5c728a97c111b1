import numpy as np
from spacy.tokens import DocBin

from heartscore.nlp.negation import negation_flags, negation_scope
from heartscore.nlp.tokens import (KIND_EMOJI, KIND_EMOTICON, KIND_HANDLE, KIND_NUMBER, KIND_URL,
                                   KIND_WORD, token_kind)


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


def _loop_flags(roles, window):
    """The plain left-to-right definition of negation scope, to check the vectorised one."""
    flags, left = [], 0
    for r in roles:
        if r == 1:
            flags.append(2)
            left = window
        elif r == 2:
            flags.append(0)
            left = 0
        elif left > 0:
            flags.append(1)
            left -= 1
        else:
            flags.append(0)
    return flags


def test_vectorised_negation_scope_equals_the_loop_and_never_crosses_docs():
    rng = np.random.default_rng(0)
    for _ in range(200):
        lengths = rng.integers(0, 12, size=rng.integers(1, 6))
        docs = [rng.choice([0, 0, 0, 1, 2], size=n).astype(np.int8) for n in lengths]
        roles = np.concatenate(docs) if len(docs) else np.zeros(0, np.int8)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        window = int(rng.integers(1, 5))
        got = negation_scope(roles, starts, window).tolist()
        want = [f for d in docs for f in _loop_flags(d.tolist(), window)]
        assert got == want


def test_a_batch_annotates_each_doc_as_if_alone(hs_nlp):
    texts = ["No one", "called me back.", "", "nobody listened to me!!", "They never",
             "called back", "On hold for 2 hrs and NOBODY answered"]
    alone = [hs_nlp(t) for t in texts]
    batch = list(hs_nlp.pipe(texts, batch_size=len(texts)))
    for a, b in zip(alone, batch):
        assert a._.hs_cues == b._.hs_cues
        assert list(a._.hs_negated) == list(b._.hs_negated)
        assert list(a._.hs_kinds) == list(b._.hs_kinds)
        assert a._.hs_emphasis == b._.hs_emphasis
    # a cue split across two docs ("No one" | "called me back") is not matched across them
    assert not any(c[0] == "seen" and c[1] == -1 for c in batch[0]._.hs_cues + batch[1]._.hs_cues)


def test_cue_matcher_finds_exactly_the_expanded_patterns(hs_nlp):
    from spacy.tokens import Doc

    from heartscore.nlp.cues import builtin_cues, expand, parse_pattern
    from heartscore.nlp.matcher import CueMatcher
    cues = builtin_cues()
    expanded = {(tuple(seq), cue.label, cue.value) for cue in cues for p in cue.patterns
                for seq in expand(parse_pattern(p))}
    patterns = sorted(expanded)[::997]
    keys = [w for seq, _, _ in patterns for w in ["filler", *seq]]
    words = [{"#": "12", "~unit": "2hrs"}.get(k, k) for k in keys]  # tokens with these keys
    found = [(c.label, c.value, s, e)
             for c, s, e in CueMatcher(cues).find(Doc(hs_nlp.vocab, words=words))]
    pos = 0
    for seq, signal, sign in patterns:  # each embedded pattern is found where it was put
        pos += 1
        assert (signal, sign, pos, pos + len(seq)) in found, seq
        pos += len(seq)
    for signal, sign, i, j in found:  # and everything found is a pattern of that cue
        assert (tuple(keys[i:j]), signal, sign) in expanded


def test_direct_annotation_access_agrees_with_spacy_extensions(hs_nlp):
    from heartscore.nlp.tokens import get_annotation, set_annotation
    doc = hs_nlp("No one called me back!")
    for name in ("hs_kinds", "hs_negated", "hs_emphasis", "hs_cues"):
        assert get_annotation(doc, name) is getattr(doc._, name) is not None
    set_annotation(doc, "hs_cues", [("seen", -1, 0, 3, False)])
    assert doc._.hs_cues == [("seen", -1, 0, 3, False)]
