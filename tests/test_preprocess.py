"""The pipeline heartscore builds: lean lexemes tokenise exactly as spaCy does."""
from __future__ import annotations

import spacy
from spacy.attrs import IDS

from heartscore.preprocess import LEXEME_ATTRS, build_nlp, lean_lexemes

TEXTS = ["Dr. O'Neill's team can't've been nicer :) — 10/10, would visit again!!",
         "@SkyvalleAir flight 2231 delayed AGAIN https://t.co/x #fail 3rd time",
         "Zimmer 12 war sauber. Ça va? 🙂🙂 naïve café-au-lait £5.99 e-mail me@x.org"]


def test_lean_lexemes_compute_only_what_heartscore_reads_and_tokenise_the_same():
    nlp = lean_lexemes(build_nlp())
    assert set(nlp.vocab.lex_attr_getters) == {IDS[a] for a in LEXEME_ATTRS}
    blank = spacy.blank("en")
    for text in TEXTS:
        lean, full = nlp.make_doc(text), blank.make_doc(text)
        assert [(t.text, t.idx, t.whitespace_, t.lower_, t.norm_) for t in lean] == \
               [(t.text, t.idx, t.whitespace_, t.lower_, t.norm_) for t in full]


def test_the_scoring_pipeline_is_lean(model):
    nlp = model.scorer._nlp()
    assert set(nlp.vocab.lex_attr_getters) == {IDS[a] for a in LEXEME_ATTRS}
