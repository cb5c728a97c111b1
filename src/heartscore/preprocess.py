"""Build the spaCy pipeline heartscore reads texts with, and turn texts into Docs.

The default is ``spacy.blank("en")`` with the lookup lemmatizer (spacy-lookups-data), a
sentencizer and heartscore's components. A user with a full pipeline installed (say
``en_core_web_sm``) sets ``NlpSpec(base="en_core_web_sm")``; heartscore's components are
added to it and its own parser/NER are left out of scoring. Features never depend on the
host's lemmatizer: they use heartscore's own lemma lookup, so labels are the same.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .errors import InputError
from .nlp.annotator import COMPONENT_NAMES  # (importing it registers the hs_* factories)

__all__ = ["NlpSpec", "build_nlp", "to_docs", "lean_lexemes", "SCORING_PIPES", "LEXEME_ATTRS"]

#: Pipes the features need; everything else is disabled while scoring.
SCORING_PIPES = COMPONENT_NAMES


@dataclass(frozen=True)
class NlpSpec:
    """How to build the spaCy pipeline (stored in the model card, rebuilt on load).

    Parameters
    ----------
    base:
        ``"blank"`` for ``spacy.blank("en")``, or the name/path of an installed pipeline.
    lemmatizer:
        Add the lookup lemmatizer (blank base only) so ``token.lemma_`` is filled for users.
    sentencizer:
        Add a rule-based sentencizer when the base has no sentence boundaries.
    """

    base: str = "blank"
    lemmatizer: bool = True
    sentencizer: bool = True

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "NlpSpec":
        """Inverse of :meth:`to_dict`; unknown keys are an error."""
        unknown = set(d) - {"base", "lemmatizer", "sentencizer"}
        if unknown:
            raise InputError(f"unknown nlp spec keys {sorted(unknown)}; expected base, "
                             "lemmatizer, sentencizer")
        return cls(**d)


def build_nlp(spec: NlpSpec | None = None) -> Language:
    """Build the pipeline described by ``spec`` (default: blank English + heartscore pipes)."""
    spec = spec or NlpSpec()
    if spec.base == "blank":
        nlp = spacy.blank("en")
        if spec.lemmatizer:
            nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
            nlp.initialize()
    else:
        try:
            nlp = spacy.load(spec.base)
        except OSError as exc:
            raise InputError(f"spaCy pipeline {spec.base!r} is not installed ({exc}); install "
                             "it or use NlpSpec(base='blank')") from exc
    if spec.sentencizer and not (nlp.has_pipe("parser") or nlp.has_pipe("senter")
                                 or nlp.has_pipe("sentencizer")):
        nlp.add_pipe("sentencizer")
    add_components(nlp)
    return nlp


#: The lexical attributes heartscore reads from a token (its lower-case form: cue matching
#: on LOWER, word vectors; NORM kept as spaCy's tokenizer exceptions set it). ORTH and IDX
#: are the token's own; everything else is read from heartscore's per-word tables.
LEXEME_ATTRS = ("LOWER", "NORM")


def lean_lexemes(nlp: Language) -> Language:
    """Make ``nlp``'s vocabulary compute only :data:`LEXEME_ATTRS` for a new word.

    spaCy computes ~20 attributes (shape, like_num, is_stop, prefix, suffix …) in Python
    for every word it has not seen; on real exports, where most rows bring new words (names,
    numbers, typos), that is ~40% of the tokenizer's time, for values heartscore never
    reads. Tokens, their boundaries and every value heartscore uses stay the same (the
    golden and CLI-output records check it). For heartscore's own pipeline only."""
    from spacy.attrs import IDS
    keep = {IDS[a] for a in LEXEME_ATTRS}
    getters = nlp.vocab.lex_attr_getters
    nlp.vocab.lex_attr_getters = {k: v for k, v in getters.items() if k in keep}
    return nlp


def add_components(nlp: Language) -> Language:
    """Append heartscore's components to ``nlp`` (those not already there)."""
    for name in COMPONENT_NAMES:
        if not nlp.has_pipe(name):
            nlp.add_pipe(name)
    return nlp


def to_docs(texts: Iterable[str], nlp: Language, *, batch_size: int = 256,
            sentences: bool = False) -> Iterator[Doc]:
    """Run ``nlp`` over ``texts`` in batches with only the pipes features need.

    ``sentences=True`` keeps sentence boundaries (for sentence-level results).
    """
    keep = set(SCORING_PIPES)
    if sentences:
        keep |= {"sentencizer", "senter", "parser"}
    disable = [name for name in nlp.pipe_names if name not in keep]
    with nlp.select_pipes(disable=disable):
        yield from nlp.pipe(texts, batch_size=batch_size)
