"""heartscore's spaCy component ``hs_annotator``: token kinds, negation scope, emphasis and
cue matches.

:class:`Annotator` annotates each batch of Docs in one vectorised pass and writes plain
per-doc data (int8 arrays, tuples) under ``doc._.hs_*`` so that it survives spaCy's Doc
serialisation (``DocBin``). Token-level views (``token._.hs_negated``, ``token._.hs_kind``)
are getters over that data. Per-word work is done once per distinct string
(:mod:`heartscore.lexcache`), never once per token.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.util import minibatch

from ..lexcache import LexemeCache
from .cues import NEGATION_WINDOW, Cue, CueSource, combine_cues, load_cues, read_cues
from .matcher import cue_matcher
from .negation import negation_role, negation_scope
from .tokens import batch_tokens, match_key, register_extensions, set_annotation, token_kind

__all__ = ["Annotator", "BatchAnnotations", "COMPONENT_NAMES", "make_annotator"]

#: Pipe names of heartscore's own components, in pipeline order.
COMPONENT_NAMES = ("hs_annotator",)

# Per-word facts (see heartscore.lexcache): token kind, hash of the cue match key, negation
# role, ALL-CAPS, elongated, '!' count, is '?'.
_F_KIND, _F_KEY, _F_ROLE, _F_CAPS, _F_ELONG, _F_EXCL, _F_QUEST = range(7)
_FACT_DTYPES = (np.int8, np.uint64, np.int8, np.int8, np.int8, np.int32, np.bool_)


_ELONGATED = re.compile(r"([a-zA-Z])\1\1")


def _word_facts(text: str) -> tuple[int, int, int, int, int, int, bool]:
    lower = text.lower()
    kind = token_kind(text)
    return (kind, get_string_id(match_key(text, kind)), negation_role(lower),
            int(len(text) > 1 and text.isupper() and text.isalpha()),
            int(len(text) > 3 and _ELONGATED.search(text) is not None), text.count("!"), lower == "?")


_CACHE = LexemeCache(_word_facts, _FACT_DTYPES)


class Annotator:
    """heartscore's spaCy component: one vectorised pass over a batch of Docs that writes

    - ``doc._.hs_kinds``: token kinds (word, URL, @handle, number, emoji, emoticon, hashtag,
      punct) as an int8 array (``token._.hs_kind`` names them);
    - ``doc._.hs_negated``: per token 0 (plain), 1 (inside a negation scope), 2 (trigger);
    - ``doc._.hs_emphasis``: counts of '!', '?', ALL-CAPS words and elongated words;
    - ``doc._.hs_cues``: cue matches (signal, sign, start, end, negated).

    ``cues``: the cue list matched (default: the shipped cues); :meth:`add_cues` adds a
    user's cue files. spaCy calls :meth:`pipe` with batches and ``__call__`` for one Doc.
    """

    def __init__(self, window: int = NEGATION_WINDOW, cues: Sequence[Cue] | None = None) -> None:
        self.window = window
        self.cues = tuple(load_cues() if cues is None else cues)
        self.matcher = cue_matcher(self.cues)

    def add_cues(self, sources: Iterable[CueSource | Cue]) -> "Annotator":
        """Also match the cues of these cue files (paths or parsed content) or Cues."""
        extra = [c for s in sources for c in ((s,) if isinstance(s, Cue) else read_cues(s))]
        if extra:
            self.cues = combine_cues(self.cues, extra)
            self.matcher = cue_matcher(self.cues)
        return self

    def __call__(self, doc: Doc) -> Doc:
        self.annotate([doc])
        return doc

    def pipe(self, stream: Iterable[Doc], batch_size: int = 256) -> Iterator[Doc]:
        """Annotate a stream of Docs batch by batch."""
        for batch in minibatch(stream, size=batch_size):
            self.annotate(batch)
            yield from batch

    def annotate(self, docs: list[Doc]) -> None:
        """Annotate a batch of Docs in place (:meth:`predict`, then :meth:`set_annotations`)."""
        self.set_annotations(docs, self.predict(docs))

    def predict(self, docs: list[Doc]) -> "BatchAnnotations":
        """Compute a batch's annotations (nothing is written on the Docs)."""
        bounds, tokens = batch_tokens(docs, [ORTH])
        rows = _CACHE.rows(tokens[:, 0], docs[0].vocab.strings if docs else None)
        col = _CACHE.column
        neg = negation_scope(col(_F_ROLE)[rows], bounds[:-1], self.window)
        doc_of = np.repeat(np.arange(len(docs)), np.diff(bounds))
        emph = np.stack([np.bincount(doc_of, weights=col(k)[rows], minlength=len(docs))
                         for k in (_F_EXCL, _F_QUEST, _F_CAPS, _F_ELONG)], axis=1).astype(np.int64)
        return BatchAnnotations(bounds, col(_F_KIND)[rows], neg, emph,
                                self.matcher.match_batch(docs, col(_F_KEY)[rows], bounds, neg))

    def set_annotations(self, docs: list[Doc], ann: "BatchAnnotations") -> None:
        """Write a batch's annotations on its Docs (``doc._.hs_*``)."""
        bounds = ann.bounds.tolist()
        emph = ann.emphasis.tolist()
        for k, doc in enumerate(docs):
            a, b = bounds[k], bounds[k + 1]
            set_annotation(doc, "hs_kinds", ann.kinds[a:b])
            set_annotation(doc, "hs_negated", ann.negated[a:b])
            set_annotation(doc, "hs_emphasis", tuple(emph[k]))
            set_annotation(doc, "hs_cues", ann.cues.get(k, []))


def token_emphasis(orth: np.ndarray, strings) -> np.ndarray:
    """Per token (ORTH ids, a batch's tokens concatenated): the counts ``doc._.hs_emphasis``
    sums per Doc ('!', '?', ALL CAPS, elongated), to sum over any run of tokens (a
    sentence: :mod:`heartscore.pooling`)."""
    if not len(orth):
        return np.zeros((0, 4), dtype=np.int64)
    rows = _CACHE.rows(orth, strings)
    col = _CACHE.column
    return np.stack([col(k)[rows] for k in (_F_EXCL, _F_QUEST, _F_CAPS, _F_ELONG)],
                    axis=1).astype(np.int64)


@dataclass(frozen=True)
class BatchAnnotations:
    """What :meth:`Annotator.predict` found for a batch (docs concatenated; ``bounds``: each
    doc's first token, then the total): token kinds, negation flags, per-doc emphasis
    counts ('!', '?', ALL CAPS, elongated) and cue matches per doc index."""

    bounds: np.ndarray
    kinds: np.ndarray
    negated: np.ndarray
    emphasis: np.ndarray
    cues: dict[int, list[tuple[str, int, int, int, bool]]]


@Language.factory("hs_annotator",
                  assigns=["doc._.hs_kinds", "doc._.hs_negated", "doc._.hs_emphasis",
                           "doc._.hs_cues"],
                  default_config={"window": NEGATION_WINDOW, "cue_files": []})
def make_annotator(nlp: Language, name: str, window: int, cue_files: list[str]) -> Annotator:
    """Factory of :class:`Annotator` (``window``: tokens a negation trigger reaches;
    ``cue_files``: paths of extra cue files matched beside the shipped cues)."""
    register_extensions()
    return Annotator(window).add_cues(cue_files)
