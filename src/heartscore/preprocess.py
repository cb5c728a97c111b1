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
from spacy.attrs import IDX, LENGTH, ORTH
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

from .errors import InputError
from .nlp.annotator import COMPONENT_NAMES  # (importing it registers the hs_* factories)
from .nlp.tokens import KIND_PUNCT, batch_tokens, get_annotation

__all__ = ["NlpSpec", "build_nlp", "to_docs", "Sentences", "sentences", "unit_texts",
           "sentence_starts",
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


def sentence_starts(final: np.ndarray, word: np.ndarray,
                    bounds: np.ndarray | None = None) -> np.ndarray:
    """The tokens that start a sentence, by spaCy's ``Sentencizer`` rule (approximately:
    see below): each Doc's first token, and the first word after a sentence-final
    character.

    ``final``: the token is one of the Sentencizer's characters ("." "!" "?" …); ``word``:
    the token is neither that nor punctuation (heartscore's token kinds stand in for
    ``is_punct``, so a symbol such as "<" counts as punctuation and an emoticon such as ":)"
    as a word: on 3,000 real texts, 36 have a start one token away from spaCy's);
    ``bounds``: the Docs' first tokens and the total, for a batch (default: one Doc). Array
    arithmetic over the whole batch (the Sentencizer builds a Python object per token)."""
    n = len(final)
    bounds = np.array([0, n]) if bounds is None else np.asarray(bounds)
    out = np.zeros(n, dtype=bool)
    if not n:
        return out
    lengths = np.diff(bounds)
    first = np.repeat(bounds[:-1], lengths)  # each token's Doc's first token
    seen = np.cumsum(final)
    last_word = np.maximum.accumulate(np.where(word, np.arange(n), -1))
    prev = np.r_[-1, last_word[:-1]]
    prev = np.where(prev >= first, prev, first - 1)  # no word before it in its Doc
    before = np.where(prev >= 0, seen[np.maximum(prev, 0)], 0)
    out = word & (seen - before > 0)  # a final character since the last word (or Doc start)
    out[bounds[:-1][lengths > 0]] = True
    return out


def _final_and_blank(orth: np.ndarray, strings) -> tuple[np.ndarray, np.ndarray]:
    """Per token: a sentence-final character; only whitespace (each distinct word once)."""
    uniq, inv = np.unique(orth, return_inverse=True)
    texts = [strings[int(o)] for o in uniq.tolist()]
    inv = inv.reshape(-1)
    final = np.fromiter((t in _FINAL for t in texts), dtype=bool, count=len(texts))
    blank = np.fromiter((t.isspace() for t in texts), dtype=bool, count=len(texts))
    return final[inv], blank[inv]


@dataclass(frozen=True)
class Sentences:
    """A batch of Docs cut into sentences (units), for features per sentence.

    ``owner[u]``: the Doc of unit ``u`` (units in doc order, every Doc at least one);
    ``token_unit[t]``: the unit of token ``t`` of the batch (Docs' tokens concatenated), or
    -1 for a token of a sentence with no word (dropped)."""

    owner: np.ndarray
    token_unit: np.ndarray

    @property
    def n_units(self) -> int:
        """How many units."""
        return len(self.owner)


def sentences(docs: list[Doc]) -> Sentences:
    """Cut each Doc into sentences by spaCy's ``Sentencizer`` rule (:func:`sentence_starts`),
    whatever the host pipeline has, so labels never depend on it. A sentence with no word
    (only punctuation or space) is dropped; a Doc with one sentence that has a word (or
    none), or without heartscore's annotations, is one unit, all its tokens included. Array
    arithmetic over the batch's tokens."""
    n_docs = len(docs)
    bounds, arr = batch_tokens(docs, [ORTH])
    n = int(bounds[-1])
    lengths = np.diff(bounds)
    doc_of = np.repeat(np.arange(n_docs), lengths)
    kinds = [get_annotation(d, "hs_kinds") for d in docs]
    annotated = np.array([k is not None for k in kinds], dtype=bool)
    if n:
        final, blank = _final_and_blank(arr[:, 0], docs[0].vocab.strings)
        punct = np.concatenate([np.asarray(k) == KIND_PUNCT if k is not None
                                else np.ones(len(d), dtype=bool)
                                for k, d in zip(kinds, docs)])
        word = ~punct & ~blank
        start = sentence_starts(final, ~final & ~punct, bounds)
    else:
        word = start = np.zeros(0, dtype=bool)
    unit = np.cumsum(start) - 1  # provisional sentences, in batch order
    n_prov = int(unit[-1]) + 1 if n else 0
    unit_doc = doc_of[start]
    wordy = np.bincount(unit, weights=word, minlength=n_prov) > 0
    n_wordy = np.bincount(unit_doc[wordy], minlength=n_docs)
    split = (n_wordy > 1) & annotated
    per_doc = np.where(split, n_wordy, 1)  # every Doc at least one unit
    first_unit = np.cumsum(per_doc) - per_doc
    kept = split[unit_doc] & wordy
    rank = np.cumsum(kept) - 1  # among all kept sentences
    n_kept = np.where(split, n_wordy, 0)
    kept_before = np.cumsum(n_kept) - n_kept
    token_unit = np.where(
        split[doc_of],
        np.where(kept[unit], first_unit[doc_of] + rank[unit] - kept_before[doc_of], -1),
        first_unit[doc_of])
    return Sentences(np.repeat(np.arange(n_docs, dtype=np.int64), per_doc),
                     token_unit.astype(np.int64))


def unit_texts(docs: list[Doc], units: Sentences) -> list[str]:
    """Each unit's text (``units`` from :func:`sentences` of the same ``docs``): its Doc's
    characters from the unit's first token to its last, inner spacing kept, outer spacing
    stripped; a unit with no token (an empty Doc) is its Doc's text, stripped. For a reader that needs the sentences as strings
    (the accurate model's encoder)."""
    owner = units.owner
    start = np.full(len(owner), -1, dtype=np.int64)
    stop = np.full(len(owner), -1, dtype=np.int64)
    _, arr = batch_tokens(docs, [IDX, LENGTH])
    unit = units.token_unit
    keep = unit >= 0
    if keep.any():
        idx = arr[:, 0].astype(np.int64)[keep]
        end = idx + arr[:, 1].astype(np.int64)[keep]
        start[:] = np.iinfo(np.int64).max
        np.minimum.at(start, unit[keep], idx)
        np.maximum.at(stop, unit[keep], end)
    return [(docs[d].text[a:b] if b >= 0 else docs[d].text).strip()
            for d, a, b in zip(owner.tolist(), start.tolist(), stop.tolist())]
