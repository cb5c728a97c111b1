"""The cue data (heartscore/data/cues.json) is a tested artefact: every pattern compiles, every
cue group matches examples written from LABELS.md, and a negation outside a cue marks it
negated."""
from pathlib import Path

import pytest

from heartscore.labels import CORE_SIGNALS
from heartscore.nlp.cues import NEGATION_TRIGGERS, builtin_cues, expand, parse_pattern

CUES = builtin_cues()

# (text, signal, sign, negated) — examples per LABELS.md rule, not copied from the corpus
EXAMPLES = [
    ("They kept their promise and delivered on time.", "trust", 1, False),
    ("Honest quote, no hidden fees.", "trust", 1, False),
    ("The tech knew what he was doing and fixed it first time.", "trust", 1, False),
    ("Hidden fees everywhere, total scam.", "trust", -1, False),
    ("Third time this month the delivery is late.", "trust", -1, False),
    ("They lost my luggage and lied about it.", "trust", -1, False),
    ("Never again.", "trust", -1, False),
    ("The nurse calmed me down and I felt safe.", "safety", 1, False),
    ("No pressure at all to buy anything.", "safety", 1, False),
    ("They were never pushy.", "safety", 1, False),
    ("Stranded at the airport with no help.", "safety", -1, False),
    ("The manager yelled at us.", "safety", -1, False),
    ("Pushy salesman, felt pressured.", "safety", -1, False),
    ("The bathroom was filthy and there were cockroaches.", "safety", -1, False),
    ("She really listened and remembered my name.", "seen", 1, False),
    ("They kept us informed the whole time.", "seen", 1, False),
    ("Two hours on hold.", "seen", -1, False),
    ("No one called me back.", "seen", -1, False),
    ("waited 2hrs and got a canned response", "seen", -1, False),
    ("on hold for 45 minutes", "seen", -1, False),
    ("Nobody told us anything.", "seen", -1, False),
    ("They went above and beyond for us.", "mattering", 1, False),
    ("Made us feel like family.", "mattering", 1, False),
    ("The receptionist was rude and condescending.", "mattering", -1, False),
    ("They couldn't care less.", "mattering", -1, False),
    ("Not my job, he said.", "mattering", -1, False),
    # paraphrases, tweet spellings and self-negating cues (one per few new patterns)
    ("The plumber was as good as his word and turned up exactly when he said.", "trust", 1, False),
    ("Bins collected like clockwork, never had a bad experience.", "trust", 1, False),
    ("They charged me exactly what was quoted, no gimmicks.", "trust", 1, False),
    ("The garage didn't try to overcharge me.", "trust", 1, False),
    ("The mechanic fixed it first time and knew exactly what was wrong.", "trust", 1, False),
    ("so knowledgable, she knows her job inside out", "trust", 1, False),
    ("Empty promises, they went back on their word.", "trust", -1, False),
    ("What a bunch of cowboys, item not as described.", "trust", -1, False),
    ("Quoted £200 and then charged £350, hidden in the small print.", "trust", -1, False),
    ("I was charged twice and they snuck in an extra fee.", "trust", -1, False),
    ("never recieved my parcel and still waiting for my refund", "trust", -1, False),
    ("wouldnt go back, definately not returning", "trust", -1, False),
    ("I felt really looked after, in safe hands the whole time.", "safety", 1, False),
    ("I never felt rushed or judged at the clinic.", "safety", 1, False),
    ("The crew kept everyone calm and didn't leave us stranded.", "safety", 1, False),
    ("They escalated my complaint and got it fixed.", "safety", 1, False),
    ("No pushy sales pitch, nobody pressured us.", "safety", 1, False),
    ("The room was squeaky clean, not a speck of dust.", "safety", 1, False),
    ("I didn't feel safe, a creepy guard followed us around the store.", "safety", -1, False),
    ("The manager raised his voice and called the police on us.", "safety", -1, False),
    ("Sleazy sales tactics, they wouldn't let me cancel.", "safety", -1, False),
    ("Nobody helped, we spent the night at the airport.", "safety", -1, False),
    ("Hair on the pillow and the floor had not been cleaned.", "safety", -1, False),
    ("They sold my personal data without my consent.", "safety", -1, False),
    ("She answered all my questions and took my concerns seriously.", "seen", 1, False),
    ("For once I felt heard, he listened patiently.", "seen", 1, False),
    ("He had read my notes so I didn't have to repeat myself.", "seen", 1, False),
    ("The waiter anticipated our needs and kept our glasses topped up.", "seen", 1, False),
    ("They kept us up to date with regular updates, gr8 comms.", "seen", 1, False),
    ("They waved away my complaint and my emails went unanswered.", "seen", -1, False),
    ("Staff walked past us and acted like we weren't there, not even a hello.", "seen", -1, False),
    ("Heard nothing back, still no word, I had to chase them.", "seen", -1, False),
    ("The agent did not take my complaint seriously.", "seen", -1, False),
    ("Stock response, then passed from pillar to post.", "seen", -1, False),
    ("on the phone for ages smh", "seen", -1, False),
    ("Nothing was too much trouble, they bent over backwards.", "mattering", 1, False),
    ("They made our anniversary so special and the owner personally apologised.", "mattering", 1,
     False),
    ("Couldn't have been more helpful, they welcomed us with open arms.", "mattering", 1, False),
    ("Made me feel like I mattered, more than just a number.", "mattering", 1, False),
    ("sooo kind, nothing but kindness from the nurses", "mattering", 1, False),
    ("no respect, she smirked and told me to shut up", "mattering", -1, False),
    ("They don't give a damn, staff couldn't be bothered.", "mattering", -1, False),
    ("Treated like a walking wallet, happy to take ur money.", "mattering", -1, False),
    ("It felt like I was a nuisance, like customers don't matter.", "mattering", -1, False),
    ("They don't value their customers.", "mattering", -1, False),
    # negation outside the cue
    ("Nobody ignored us.", "seen", -1, True),
    ("The staff were not rude at all.", "mattering", -1, True),
    ("I never felt unsafe there.", "safety", -1, True),
    ("They didn't lie to me.", "trust", -1, True),
    ("Nobody took ownership of the problem.", "safety", 1, True),
    ("Nobody raised their voice.", "safety", -1, True),
    ("The staff were not snobby at all.", "mattering", -1, True),
]


@pytest.fixture
def cue_nlp(nlp):
    nlp.add_pipe("hs_annotator")
    return nlp


def test_every_pattern_expands_and_every_signal_has_both_signs():
    seen = set()
    total = 0
    for cue in CUES:
        assert cue.label in CORE_SIGNALS and cue.value in (1, -1) and cue.rule
        for p in cue.patterns:
            phrases = expand(parse_pattern(p))
            assert phrases and all(w and " " not in w for seq in phrases for w in seq), p
            total += len(phrases)
        seen.add((cue.label, cue.value))
    assert total < 100_000  # the trie stays small
    assert seen == {(s, sign) for s in CORE_SIGNALS for sign in (1, -1)}


def test_lexicon_size_is_about_fifty_patterns_per_signal():
    for s in CORE_SIGNALS:
        n = sum(len(c.patterns) for c in CUES if c.label == s)
        assert n >= 45, (s, n)


@pytest.mark.parametrize("text,signal,sign,negated", EXAMPLES)
def test_cue_examples_match(cue_nlp, text, signal, sign, negated):
    doc = cue_nlp(text)
    found = {(s, g, n) for s, g, _, _, n in doc._.hs_cues}
    assert (signal, sign, negated) in found, (text, doc._.hs_cues)


def test_cue_with_its_own_negation_is_not_flipped(cue_nlp):
    doc = cue_nlp("No one called me back.")
    minus = [c for c in doc._.hs_cues if c[0] == "seen" and c[1] == -1]
    assert minus and not any(c[4] for c in minus)
    # the opposite cue inside it ("called me back") is reported as negated
    plus = [c for c in doc._.hs_cues if c[0] == "seen" and c[1] == 1]
    assert all(c[4] for c in plus)


def test_overlapping_matches_keep_the_longest(cue_nlp):
    doc = cue_nlp("She remembered my daughter's name.")
    spans = [(s, e) for sig, _, s, e, _ in doc._.hs_cues if sig == "seen"]
    assert len(spans) == len(set(spans))
    starts = [s for s, _ in spans]
    assert len(starts) == len(set(starts))


def test_negation_triggers_are_lowercase():
    assert all(t == t.lower() for t in NEGATION_TRIGGERS)


def test_product_only_complaint_has_no_cue(cue_nlp):
    doc = cue_nlp("The soup was cold and the battery died after a week.")
    assert doc._.hs_cues == []


def test_every_cue_matches_its_own_examples(hs_nlp):
    from heartscore.nlp.matcher import cue_matcher
    matcher = cue_matcher(CUES)
    ids = [c.id for c in CUES]
    assert len(ids) == len(set(ids))
    for cue in CUES:
        assert cue.examples, cue.id
        for example in cue.examples:
            doc = hs_nlp.make_doc(example)
            assert cue in [c for c, _, _ in matcher.find(doc)], (cue.id, example)


@pytest.mark.parametrize("entry,message", [
    ({"label": "Effort"}, "lowercase name"),
    ({"value": 0}, "value must be 1"),
    ({"patterns": [[{"LOWER": "Chased"}]]}, "write 'chased'"),
    ({"patterns": [[{"LOWER": "2nd"}, {"LOWER": "time"}]]}, "read as a number"),
    ({"patterns": [[{"LOWER": "#"}]]}, "hs_key"),
    ({"patterns": [[{"LOWER": "very", "OP": "?"}]]}, "every token is optional"),
    ({"note": "x"}, "unknown keys"),
    ({"patterns": [[{"LOWER": "hoops", "OP": "many"}]]}, "not a spaCy token pattern"),
    # before: "unexpected error: unterminated character set" / "unexpected AttributeError"
    ({"patterns": [[{"LOWER": {"REGEX": "(["}}, {"LOWER": "x"}]]},
     "REGEX '\\(\\[' is not a regular expression"),
    ({"patterns": [[{"_": {"nosuch_ext": "x"}}, {"LOWER": "x"}]]}, "custom attributes"),
])
def test_a_cue_file_is_checked_entry_by_entry(entry, message):
    from heartscore.errors import InputError
    from heartscore.nlp.cues import read_cues
    cue = {"id": "effort.violated.chasing", "label": "effort", "value": -1,
           "patterns": ["had to chase"], **entry}
    with pytest.raises(InputError, match=message):
        read_cues({"format": "heartscore-cues", "version": 1, "cues": [cue]})


def test_a_cue_file_that_is_not_a_json_object_is_refused(tmp_path):
    # before: "unexpected AttributeError: 'list' object has no attribute 'get'"
    from heartscore.errors import InputError
    from heartscore.nlp.cues import read_cues
    path = tmp_path / "cues.json"
    path.write_text('[{"id": "x"}]')
    with pytest.raises(InputError, match="expected a JSON object .* found a list"):
        read_cues(path)


def test_cue_ids_are_unique_across_files():
    from heartscore.errors import InputError
    from heartscore.nlp.cues import cues_to_dict, load_cues
    with pytest.raises(InputError, match="used twice"):
        load_cues([cues_to_dict(CUES[:1])])


def test_the_example_cue_file_matches_its_examples(hs_nlp):
    from heartscore.nlp.cues import read_cues
    from heartscore.nlp.matcher import CueMatcher
    cues = read_cues(Path(__file__).resolve().parents[2] / "examples" / "effort_cues.json")
    matcher = CueMatcher(cues)
    for cue in cues:
        for example in cue.examples:
            assert cue in [c for c, _, _ in matcher.find(hs_nlp.make_doc(example))], example
