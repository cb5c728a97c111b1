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

import numpy as np
import spacy
from spacy.attrs import IDX, ORTH, SPACY
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

from .errors import InputError
from .nlp.annotator import COMPONENT_NAMES  # (importing it registers the hs_* factories)
from .nlp.tokens import KIND_PUNCT, get_annotation

__all__ = ["NlpSpec", "build_nlp", "to_docs", "sentence_docs", "sentence_starts",
           "lean_lexemes", "SCORING_PIPES", "LEXEME_ATTRS"]

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


#: spaCy's Sentencizer's default sentence-final characters (each one character).
_FINAL = frozenset(Sentencizer.default_punct_chars)


def sentence_starts(final: np.ndarray, word: np.ndarray) -> np.ndarray:
    """The tokens of one Doc that start a sentence, by spaCy's ``Sentencizer`` rule: the
    first word after a sentence-final character. ``final``: the token is one of the
    Sentencizer's characters ("." "!" "?" …); ``word``: the token is neither that nor
    punctuation (heartscore's token kinds stand in for ``is_punct``). Array arithmetic (the
    Sentencizer builds a Python object per token)."""
    n = len(final)
    out = np.zeros(n, dtype=bool)
    if not n:
        return out
    seen = np.cumsum(final)
    last_word = np.maximum.accumulate(np.where(word, np.arange(n), -1))
    prev = np.r_[-1, last_word[:-1]]
    before = np.where(prev >= 0, seen[np.maximum(prev, 0)], 0)
    out[1:] = (word & (seen - before > 0))[1:]  # a final character since the last word
    out[0] = True
    return out


def _final_and_blank(orth: np.ndarray, strings) -> tuple[np.ndarray, np.ndarray]:
    """Per token: a sentence-final character; only whitespace (each distinct word once)."""
    uniq, inv = np.unique(orth, return_inverse=True)
    texts = [strings[int(o)] for o in uniq.tolist()]
    inv = inv.reshape(-1)
    final = np.fromiter((t in _FINAL for t in texts), dtype=bool, count=len(texts))
    blank = np.fromiter((t.isspace() for t in texts), dtype=bool, count=len(texts))
    return final[inv], blank[inv]


def sentence_docs(docs: list[Doc], nlp: Language) -> tuple[list[Doc], np.ndarray, np.ndarray]:
    """Each Doc's sentences as Docs of their own, annotated by ``nlp``'s heartscore pipes.

    Boundaries follow spaCy's rule-based ``Sentencizer`` (:func:`sentence_starts`), whatever
    the host pipeline has, so labels never depend on it. A sentence with no word (only
    punctuation or space) is dropped, and a Doc with one sentence (or none with a word) is
    its own unit, not copied. Returns (units, ``owner`` (unit → doc index), ``offset`` (the
    unit's first character in its Doc's text)), units in doc order."""
    units: list[Doc] = []
    owner: list[int] = []
    offset: list[int] = []
    split: list[Doc] = []
    for i, doc in enumerate(docs):
        kinds = get_annotation(doc, "hs_kinds")
        arr = doc.to_array([ORTH, IDX, SPACY]).reshape(-1, 3) if len(doc) else None
        spans: list[tuple[int, int]] = []
        if arr is not None and kinds is not None:
            final, blank = _final_and_blank(arr[:, 0], doc.vocab.strings)
            punct = np.asarray(kinds) == KIND_PUNCT
            starts = np.flatnonzero(sentence_starts(final, ~final & ~punct))
            if len(starts) > 1:
                word = ~punct & ~blank
                has_word = np.add.reduceat(word.astype(np.int64), starts) > 0
                ends = np.r_[starts[1:], len(doc)]
                spans = [(int(a), int(b)) for a, b, w in zip(starts, ends, has_word) if w]
        if len(spans) <= 1:
            units.append(doc)
            owner.append(i)
            offset.append(0)
            continue
        # Docs built from the words (Span.as_doc copies its whole parent Doc's arrays each
        # time: quadratic in the sentences of a long text)
        strings = doc.vocab.strings
        words = [strings[int(o)] for o in arr[:, 0]]
        spaces = arr[:, 2].astype(bool).tolist()
        for a, b in spans:
            unit = Doc(doc.vocab, words=words[a:b], spaces=spaces[a:b])
            units.append(unit)
            split.append(unit)
            owner.append(i)
            offset.append(int(arr[a, 1]))
    if split:  # the copies carry tokens only: annotate them as to_docs does
        for name, proc in nlp.pipeline:
            if name in SCORING_PIPES:
                for _ in proc.pipe(split):
                    pass
    return units, np.asarray(owner, dtype=np.int64), np.asarray(offset, dtype=np.int64)
