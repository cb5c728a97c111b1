"""Per-word facts for :mod:`heartscore.features`, and a batch's tokens as arrays.

The word data: the shipped list of names that are masked (``data/names.txt``), VADER's
valence lexicon (Hutto & Gilbert 2014, MIT licence) and spaCy's English lookup lemma table.
:func:`word_facts` says what one word string is (its lemma feature or none, valence,
length, name-likeness, contrastive, sentence end); :func:`token_batch` turns a batch of
Docs into parallel token arrays with those facts looked up from a :class:`LexemeCache`.
"""
from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np
from spacy.attrs import IDX, ORTH
from spacy.tokens import Doc

from .errors import InputError
from .lexcache import LexemeCache
from .nlp.negation import negation_flags
from .nlp.tokens import (KIND_HANDLE, KIND_HASHTAG, KIND_NUMBER, KIND_PUNCT, KIND_URL,
                         KIND_WORD, batch_tokens, get_annotation, token_kind)

if TYPE_CHECKING:
    from .preprocess import Sentences

__all__ = ["load_names", "load_valence", "load_lemmas", "word_facts", "TokenBatch",
           "token_batch", "regroup", "W_DTYPES", "W_UID", "W_NEG"]

_SENT_END = {".", "!", "?", "\n", "…"}
_CONTRAST = {"but", "however", "although", "though", "yet"}
# Per-word columns of the featurizer's caches: n-gram id, its NEG_ id, valence, length,
# capitalised-unknown, contrastive, sentence end.
W_UID, W_NEG, _W_VAL, _W_LEN, _W_CAP, _W_CONTRAST, _W_SENT = range(7)
W_DTYPES = (np.int64, np.int64, np.float64, np.int64, np.bool_, np.bool_, np.bool_)


def load_names() -> frozenset[str]:
    """The shipped list of brand, place and person names (lowercase tokens) that are masked."""
    text = resources.files("heartscore").joinpath("data/names.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def load_valence() -> dict[str, float]:
    """VADER's word and emoticon valences, plus emoji scored by their description's words."""
    try:
        import vaderSentiment
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise InputError("vaderSentiment is not installed; pip install vaderSentiment") from exc
    folder = os.path.dirname(vaderSentiment.__file__)
    valence: dict[str, float] = {}
    with open(os.path.join(folder, "vader_lexicon.txt"), encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2:
                valence[parts[0].lower()] = float(parts[1])
    with open(os.path.join(folder, "emoji_utf8_lexicon.txt"), encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 2:
                vals = [valence[w] for w in parts[1].split() if w in valence]
                if vals:
                    valence[parts[0]] = sum(vals) / len(vals)
    return valence


def load_lemmas() -> dict[str, str]:
    """spaCy's English lookup lemma table (spacy-lookups-data), lowercase forms only."""
    try:
        import spacy_lookups_data
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise InputError("spacy-lookups-data is not installed; pip install spacy-lookups-data") \
            from exc
    path = os.path.join(os.path.dirname(spacy_lookups_data.__file__), "data",
                        "en_lemma_lookup.json.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        table = json.load(fh)
    return {k: v.lower() for k, v in table.items() if k == k.lower()}


def word_facts(text: str, *, lemmas: dict[str, str], names: frozenset[str],
               valence: dict[str, float], mask_names: bool) -> tuple:
    """Facts about one word string: (lemma feature or None when masked, valence,
    length, capitalised-unknown, contrastive, sentence end)."""
    lower = text.lower()
    kind = token_kind(text)
    lemma: str | None
    if kind in (KIND_HANDLE, KIND_URL, KIND_PUNCT):
        lemma = None
    elif kind == KIND_NUMBER:
        lemma = "<num>"
    elif kind == KIND_HASHTAG:
        lemma = lower[1:] or None
    else:
        lemma = lemmas.get(lower, lower)
    if lemma is not None and mask_names and (lower in names or lemma in names):
        lemma = None
    val = valence.get(lower, valence.get(text, 0.0))
    if val == 0.0 and lemma is not None:
        val = valence.get(lemma, 0.0)
    cap_unknown = (kind == KIND_WORD and text[:1].isupper() and text[1:].islower()
                   and lower not in lemmas and lower not in valence)
    return (lemma, val, len(text), cap_unknown, lower in _CONTRAST,
            text in _SENT_END or text.isspace())


@dataclass(frozen=True)
class TokenBatch:
    """A batch's tokens as parallel arrays (docs concatenated; ``bounds``: doc offsets;
    ``orth``: spaCy's ORTH ids)."""

    doc: np.ndarray
    bounds: np.ndarray
    key: np.ndarray
    start: np.ndarray
    end: np.ndarray
    negated: np.ndarray
    valence: np.ndarray
    contrast: np.ndarray
    orth: np.ndarray


def regroup(tb: TokenBatch, units: Sentences) -> TokenBatch:
    """The batch with each sentence of ``units`` as a doc of its own (tokens of dropped
    sentences left out); character offsets unchanged."""
    unit = units.token_unit
    keep = unit >= 0
    bounds = np.zeros(units.n_units + 1, dtype=np.int64)
    np.cumsum(np.bincount(unit[keep], minlength=units.n_units), out=bounds[1:])
    return TokenBatch(unit[keep], bounds, tb.key[keep], tb.start[keep], tb.end[keep],
                      tb.negated[keep], tb.valence[keep], tb.contrast[keep], tb.orth[keep])


def token_batch(docs: list[Doc], cache: LexemeCache, *, mask_names: bool) -> TokenBatch:
    """The batch's tokens as arrays: doc, n-gram key (its negated form inside a negation
    scope; -1 for no feature, names included), character span, negation, valence."""
    bounds, arr = batch_tokens(docs, [ORTH, IDX])
    lengths = np.diff(bounds)
    rows = cache.rows(arr[:, 0], docs[0].vocab.strings if docs else None)
    col = cache.column
    negs = []
    for d in docs:
        flags = get_annotation(d, "hs_negated")
        negs.append(flags if flags is not None
                    else np.asarray(negation_flags([t.lower_ for t in d]), dtype=np.int8))
    negated = (np.concatenate(negs) == 1) if bounds[-1] else np.zeros(0, dtype=bool)
    key = np.where(negated, col(W_NEG)[rows], col(W_UID)[rows])
    if mask_names and len(key):
        # a capitalised unknown word that does not start a sentence is taken for a name
        prev_end = np.empty(len(key), dtype=bool)
        prev_end[0] = True
        prev_end[1:] = col(_W_SENT)[rows][:-1]
        prev_end[bounds[:-1][lengths > 0]] = True
        key[col(_W_CAP)[rows] & ~prev_end] = -1
    start = arr[:, 1].astype(np.int64)
    return TokenBatch(np.repeat(np.arange(len(docs), dtype=np.int64), lengths), bounds,
                      key, start, start + col(_W_LEN)[rows], negated,
                      col(_W_VAL)[rows], col(_W_CONTRAST)[rows], arr[:, 0])
