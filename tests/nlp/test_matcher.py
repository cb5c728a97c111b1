"""Cue matching beyond the shipped data: a user's cue files, patterns that need spaCy's
Matcher, and number keys."""
import json

from heartscore.nlp.annotator import Annotator
from heartscore.nlp.cues import read_cues
from heartscore.nlp.matcher import CueMatcher

CUE_FILE = {"format": "heartscore-cues", "version": 1, "cues": [
    {"id": "effort.violated.hoops", "label": "effort", "value": -1,
     "patterns": [
         # beyond lowercase words and "?": spaCy's Matcher
         [{"LOWER": "jump"}, {"LOWER": "through"}, {"TEXT": {"REGEX": "^hoops?$"}}],
         # number tokens only: the Matcher on token._.hs_key
         [{"_": {"hs_key": "#"}}, {"_": {"hs_key": "~unit"}, "OP": "?"}],
         # a long pattern: found from its most selective words, then extended
         [{"LOWER": {"IN": ["i", "we", "they", "she", "he"]}},
          {"LOWER": {"IN": ["had", "have", "has"]}, "OP": "?"},
          {"LOWER": {"IN": ["to", "needed"]}},
          {"LOWER": {"IN": [f"w{k}" for k in range(30)] + ["call", "chase"]}},
          {"LOWER": {"IN": [f"x{k}" for k in range(30)] + ["again"]}}],
     ]},
]}


def _found(matcher, doc):
    return sorted((c.id, s, e) for c, s, e in matcher.find(doc))


def test_patterns_of_every_kind_match(hs_nlp):
    matcher = CueMatcher(read_cues(CUE_FILE))
    assert matcher._anchored and len(matcher._matcher) == 1
    doc = hs_nlp.make_doc("We had to jump through hoops, I had to call again after 2 2hrs")
    assert _found(matcher, doc) == [("effort.violated.hoops", 3, 6),
                                    ("effort.violated.hoops", 7, 12),
                                    ("effort.violated.hoops", 13, 14),
                                    ("effort.violated.hoops", 13, 15)]  # "2hrs" is ~unit


def test_token_key_extension(hs_nlp):
    doc = hs_nlp("waited 45 min, 2hrs on hold")
    assert [t._.hs_key for t in doc] == ["waited", "#", "min", ",", "~unit", "on", "hold"]


def test_a_cue_file_named_in_the_pipeline_config(hs_nlp, tmp_path):
    import spacy
    path = tmp_path / "effort.json"
    path.write_text(json.dumps(CUE_FILE))
    nlp = spacy.blank("en")
    nlp.add_pipe("hs_annotator", config={"cue_files": [str(path)]})
    doc = nlp("They made us jump through hoops. They never made us jump through hoops.")
    assert [c for c in doc._.hs_cues if c[0] == "effort"] == [("effort", -1, 3, 6, False),
                                                               ("effort", -1, 11, 14, True)]
    # the shipped cues are still matched, and an Annotator without the file has no effort cue
    assert Annotator().cues == nlp.get_pipe("hs_annotator").cues[:-1]
