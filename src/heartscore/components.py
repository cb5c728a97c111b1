"""spaCy Doc→Doc components: normalisation, negation scope, emphasis and cue matching.

Each component writes plain per-doc data (lists of ints and tuples) under ``doc._.hs_*``
so that it survives spaCy's Doc serialisation (``nlp.pipe(n_process=2)``, ``DocBin``).
Token-level views (``token._.hs_negated``, ``token._.hs_kind``) are getters over that data.
Per-word work is cached per lexeme (by ``orth``) so each distinct word is analysed once.

Extensions are registered by :func:`register_extensions`, guarded by ``has_extension``,
and called from the factories (never from constructors or at import).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Token

from .lexicon import (CUES, NEGATION_TRIGGERS, NEGATION_WINDOW, SCOPE_BREAKERS,
                      compile_pattern)

__all__ = ["KIND_WORD", "KIND_URL", "KIND_HANDLE", "KIND_NUMBER", "KIND_EMOJI",
           "KIND_EMOTICON", "KIND_HASHTAG", "KIND_PUNCT", "KIND_NAMES", "register_extensions",
           "token_kind", "negation_flags", "Normalizer", "NegationScope", "Emphasis",
           "CueMatcher", "COMPONENT_NAMES"]

# Token kinds written by the normaliser (small ints so they pack into arrays).
KIND_WORD, KIND_URL, KIND_HANDLE, KIND_NUMBER, KIND_EMOJI, KIND_EMOTICON, KIND_HASHTAG, \
    KIND_PUNCT = range(8)
KIND_NAMES = ("word", "url", "handle", "number", "emoji", "emoticon", "hashtag", "punct")

#: Pipe names of heartscore's own components, in pipeline order.
COMPONENT_NAMES = ("hs_normalizer", "hs_negation", "hs_emphasis", "hs_cues")

# Emoticons that carry feeling (from common usage; VADER's lexicon scores them).
_EMOTICON = re.compile(r"^([:;=8xX]['\-^o]?[()\[\]dDpP/\\|*$@3<>]+|[)(\]\[dDpP/\\|]+['\-^o]?[:;=8]"
                       r"|<3+|</3|\^_?\^|-_+-|[oO]_[oO]|T_T|;_;)$")
_ELONGATED = re.compile(r"([a-zA-Z])\1\1")


def register_extensions() -> None:
    """Register heartscore's Doc/Token extensions once (safe to call many times)."""
    for name in ("hs_kinds", "hs_negated", "hs_emphasis", "hs_cues"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    if not Token.has_extension("hs_negated"):
        Token.set_extension("hs_negated", getter=_token_negated)
    if not Token.has_extension("hs_kind"):
        Token.set_extension("hs_kind", getter=_token_kind_name)


def _token_negated(token: Token) -> bool:
    flags = token.doc._.hs_negated
    return bool(flags[token.i]) if flags is not None else False


def _token_kind_name(token: Token) -> str:
    kinds = token.doc._.hs_kinds
    return KIND_NAMES[kinds[token.i]] if kinds is not None else KIND_NAMES[token_kind(token.text)]


def token_kind(text: str) -> int:
    """Classify one token's text: word, URL, @handle, number, emoji, emoticon, hashtag, punct."""
    if text.startswith("@") and len(text) > 1:
        return KIND_HANDLE
    if text.startswith(("http://", "https://", "www.")) or re.match(r"^\S+\.(com|org|net|co|io)(/\S*)?$", text):
        return KIND_URL
    if _EMOTICON.match(text):
        return KIND_EMOTICON
    if text.startswith("#") and len(text) > 1:
        return KIND_HASHTAG
    c = text[0]
    if c.isdigit() or (c in "$£€" and len(text) > 1):
        return KIND_NUMBER
    cat = unicodedata.category(c)
    if cat == "So" or 0x1F000 <= ord(c) <= 0x1FAFF or 0x2600 <= ord(c) <= 0x27BF:
        return KIND_EMOJI
    if cat.startswith("P") or cat.startswith("S"):
        return KIND_PUNCT
    return KIND_WORD


class Normalizer:
    """Mark each token's kind (URL, @handle, number, emoji, emoticon, hashtag, punct, word)."""

    def __init__(self) -> None:
        self._cache: dict[int, int] = {}

    def __call__(self, doc: Doc) -> Doc:
        cache = self._cache
        kinds = []
        for t in doc:
            k = cache.get(t.orth)
            if k is None:
                k = cache[t.orth] = token_kind(t.text)
            kinds.append(k)
        doc._.hs_kinds = kinds
        return doc


def negation_flags(lowers: Iterable[str], window: int = NEGATION_WINDOW) -> list[int]:
    """Negation scope over lowercase tokens: 1 for tokens a trigger reaches, 2 for triggers.

    A trigger ("not", "n't", "never", "no", "nobody", "without", …) negates up to ``window``
    following tokens, stopping at clause punctuation or a contrastive word ("but").
    """
    flags = []
    left = 0
    for w in lowers:
        if w in NEGATION_TRIGGERS or (w.endswith("n't") and len(w) > 3):
            flags.append(2)
            left = window
        elif w in SCOPE_BREAKERS:
            flags.append(0)
            left = 0
        elif left > 0:
            flags.append(1)
            left -= 1
        else:
            flags.append(0)
    return flags


class NegationScope:
    """Write ``doc._.hs_negated``: per token 0 (plain), 1 (inside a negation scope), 2 (trigger)."""

    def __init__(self, window: int = NEGATION_WINDOW) -> None:
        self.window = window

    def __call__(self, doc: Doc) -> Doc:
        doc._.hs_negated = negation_flags([t.lower_ for t in doc], self.window)
        return doc


class Emphasis:
    """Write ``doc._.hs_emphasis``: counts of '!', '?', ALL-CAPS words and elongated words."""

    def __init__(self) -> None:
        self._cache: dict[int, tuple[int, int]] = {}

    def __call__(self, doc: Doc) -> Doc:
        excl = quest = caps = elong = 0
        cache = self._cache
        for t in doc:
            text = t.text
            if text == "!":
                excl += 1
            elif text == "?":
                quest += 1
            else:
                v = cache.get(t.orth)
                if v is None:
                    v = cache[t.orth] = (
                        int(len(text) > 1 and text.isupper() and text.isalpha()),
                        int(len(text) > 3 and _ELONGATED.search(text) is not None))
                caps += v[0]
                elong += v[1]
                excl += text.count("!")
        doc._.hs_emphasis = (excl, quest, caps, elong)
        return doc


class CueMatcher:
    """Match the cue lexicon and write ``doc._.hs_cues``: (signal, sign, start, end, negated).

    Overlapping matches of the same signal and sign keep the longest span. A match is
    negated when a negation trigger *before* the span reaches its first token, so cues that
    carry their own negation ("no one called") are not flipped by it.
    """

    def __init__(self, vocab) -> None:
        self.matcher = Matcher(vocab)
        self.keys: dict[int, tuple[str, int]] = {}
        for cue in CUES:
            key = f"hs_cue:{cue.signal}:{cue.sign}"
            self.keys[vocab.strings.add(key)] = (cue.signal, cue.sign)
            self.matcher.add(key, [compile_pattern(p) for p in cue.patterns])

    def __call__(self, doc: Doc) -> Doc:
        neg = doc._.hs_negated
        if neg is None:
            neg = negation_flags([t.lower_ for t in doc])
            doc._.hs_negated = neg
        spans: dict[tuple[str, int], list[tuple[int, int]]] = {}
        for key, start, end in self.matcher(doc):
            spans.setdefault(self.keys[key], []).append((start, end))
        out = []
        for (signal, sign), found in spans.items():
            found.sort(key=lambda se: (se[0], -(se[1] - se[0])))
            last_end = -1
            for start, end in found:
                if start < last_end:
                    continue
                last_end = end
                negated = neg[start] == 1 or (neg[start] == 2 and start > 0 and neg[start - 1] == 2)
                out.append((signal, sign, start, end, bool(negated)))
        out.sort(key=lambda c: c[2])
        doc._.hs_cues = out
        return doc


@Language.factory("hs_normalizer", assigns=["doc._.hs_kinds"])
def make_normalizer(nlp: Language, name: str) -> Normalizer:
    """Factory of :class:`Normalizer`."""
    register_extensions()
    return Normalizer()


@Language.factory("hs_negation", assigns=["doc._.hs_negated"],
                  default_config={"window": NEGATION_WINDOW})
def make_negation(nlp: Language, name: str, window: int) -> NegationScope:
    """Factory of :class:`NegationScope`."""
    register_extensions()
    return NegationScope(window)


@Language.factory("hs_emphasis", assigns=["doc._.hs_emphasis"])
def make_emphasis(nlp: Language, name: str) -> Emphasis:
    """Factory of :class:`Emphasis`."""
    register_extensions()
    return Emphasis()


@Language.factory("hs_cues", assigns=["doc._.hs_cues"], requires=["doc._.hs_negated"])
def make_cues(nlp: Language, name: str) -> CueMatcher:
    """Factory of :class:`CueMatcher`."""
    register_extensions()
    return CueMatcher(nlp.vocab)
