"""spaCy Doc→Doc components: normalisation, negation scope, emphasis and cue matching.

Each component writes plain per-doc data (lists of ints and tuples) under ``doc._.hs_*``
so that it survives spaCy's Doc serialisation (``nlp.pipe(n_process=2)``, ``DocBin``).
Token-level views (``token._.hs_negated``, ``token._.hs_kind``) are getters over that data.
Per-word work is cached per lexeme (by ``orth``) so each distinct word is analysed once.

Extensions are registered by :func:`register_extensions`, guarded by ``has_extension``,
and called from the factories (never from constructors or at import).
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc, Token

from .lexicon import CUES, NEGATION_TRIGGERS, NEGATION_WINDOW, SCOPE_BREAKERS, expand_pattern

__all__ = ["KIND_WORD", "KIND_URL", "KIND_HANDLE", "KIND_NUMBER", "KIND_EMOJI",
           "KIND_EMOTICON", "KIND_HASHTAG", "KIND_PUNCT", "KIND_NAMES", "register_extensions",
           "token_kind", "negation_flags", "lexeme_info", "doc_infos", "Normalizer",
           "NegationScope", "Emphasis", "CueMatcher", "COMPONENT_NAMES"]

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


# Per-lexeme facts, cached by orth hash (the same string hashes in every Vocab), so each
# distinct word is analysed once per process: (kind, match key, negation role, ALL-CAPS,
# elongated, '!' count, lowercase).
_ROLE_NONE, _ROLE_TRIGGER, _ROLE_BREAKER = 0, 1, 2
_INFO: dict[int, tuple[int, str, int, int, int, int, str]] = {}
_INFO_LIMIT = 100_000  # bounded: exports are full of one-off tokens (ids, numbers, typos)
_UNIT_RE = re.compile(r"^\d+(\.\d+)?(h|hr|hrs|hour|hours|m|min|mins|minute|minutes|d|day|days|wk|"
                      r"wks|week|weeks)$")


def lexeme_info(orth: int, text: str) -> tuple[int, str, int, int, int, int, str]:
    """Cached facts about one token string (see ``_INFO``)."""
    info = _INFO.get(orth)
    if info is None:
        lower = text.lower()
        kind = token_kind(text)
        if kind == KIND_NUMBER:
            key = "~unit" if _UNIT_RE.match(lower) else "#"
        else:
            key = lower
        if lower in NEGATION_TRIGGERS or (lower.endswith("n't") and len(lower) > 3):
            role = _ROLE_TRIGGER
        elif lower in SCOPE_BREAKERS:
            role = _ROLE_BREAKER
        else:
            role = _ROLE_NONE
        info = (kind, key, role,
                int(len(text) > 1 and text.isupper() and text.isalpha()),
                int(len(text) > 3 and _ELONGATED.search(text) is not None),
                text.count("!"), lower)
        if kind not in (KIND_NUMBER, KIND_URL, KIND_HANDLE):  # mostly one-offs: not cached
            if len(_INFO) > _INFO_LIMIT:
                _INFO.clear()
            _INFO[orth] = info
    return info


_LAST: list = [None, None]  # (doc, infos) of the last call: pipes run doc by doc


def doc_infos(doc: Doc) -> list[tuple[int, str, int, int, int, int, str]]:
    """``lexeme_info`` for every token of ``doc`` (one array read, cached look-ups). The
    components run one after another on the same Doc, so the last result is reused."""
    if _LAST[0] is doc and len(_LAST[1]) == len(doc):
        return _LAST[1]
    strings = doc.vocab.strings
    out = []
    get = _INFO.get
    for orth in doc.to_array(ORTH).tolist():
        info = get(orth)
        out.append(info if info is not None else lexeme_info(orth, strings[orth]))
    _LAST[0], _LAST[1] = doc, out
    return out


def _flags(roles: Iterable[int], window: int) -> list[int]:
    flags = []
    left = 0
    for role in roles:
        if role == _ROLE_TRIGGER:
            flags.append(2)
            left = window
        elif role == _ROLE_BREAKER:
            flags.append(0)
            left = 0
        elif left > 0:
            flags.append(1)
            left -= 1
        else:
            flags.append(0)
    return flags


class Normalizer:
    """Mark each token's kind (URL, @handle, number, emoji, emoticon, hashtag, punct, word)."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.hs_kinds = [info[0] for info in doc_infos(doc)]
        return doc


def negation_flags(lowers: Iterable[str], window: int = NEGATION_WINDOW) -> list[int]:
    """Negation scope over lowercase tokens: 1 for tokens a trigger reaches, 2 for triggers.

    A trigger ("not", "n't", "never", "no", "nobody", "without", …) negates up to ``window``
    following tokens, stopping at clause punctuation or a contrastive word ("but").
    """
    roles = []
    for w in lowers:
        if w in NEGATION_TRIGGERS or (w.endswith("n't") and len(w) > 3):
            roles.append(_ROLE_TRIGGER)
        elif w in SCOPE_BREAKERS:
            roles.append(_ROLE_BREAKER)
        else:
            roles.append(_ROLE_NONE)
    return _flags(roles, window)


class NegationScope:
    """Write ``doc._.hs_negated``: per token 0 (plain), 1 (inside a negation scope), 2 (trigger)."""

    def __init__(self, window: int = NEGATION_WINDOW) -> None:
        self.window = window

    def __call__(self, doc: Doc) -> Doc:
        doc._.hs_negated = _flags([info[2] for info in doc_infos(doc)], self.window)
        return doc


class Emphasis:
    """Write ``doc._.hs_emphasis``: counts of '!', '?', ALL-CAPS words and elongated words."""

    def __call__(self, doc: Doc) -> Doc:
        excl = quest = caps = elong = 0
        for info in doc_infos(doc):
            excl += info[5]
            caps += info[3]
            elong += info[4]
            quest += info[6] == "?"
        doc._.hs_emphasis = (excl, quest, caps, elong)
        return doc


class CueMatcher:
    """Match the cue lexicon and write ``doc._.hs_cues``: (signal, sign, start, end, negated).

    Patterns are expanded into exact token sequences and stored in a trie keyed by lowercase
    token (numbers as ``#``, number+unit as ``~unit``), so matching is a few dict look-ups per
    token. Overlapping matches of the same signal and sign keep the longest span. A match is
    negated when a negation trigger *before* the span reaches its first token, so cues that
    carry their own negation ("no one called") are not flipped by it.
    """

    def __init__(self) -> None:
        self.trie = _cue_trie()

    def match(self, keys: list[str]) -> list[tuple[str, int, int, int]]:
        """All (signal, sign, start, end) matches over a token key sequence."""
        trie = self.trie
        found = []
        n = len(keys)
        for i in range(n):
            node = trie.get(keys[i])
            j = i + 1
            while node is not None:
                ends = node.get(_END)
                if ends:
                    for signal, sign in ends:
                        found.append((signal, sign, i, j))
                if j >= n:
                    break
                node = node.get(keys[j])
                j += 1
        return found

    def __call__(self, doc: Doc) -> Doc:
        infos = doc_infos(doc)
        neg = doc._.hs_negated
        if neg is None:
            neg = doc._.hs_negated = _flags([info[2] for info in infos], NEGATION_WINDOW)
        found = self.match([info[1] for info in infos])
        if not found:
            doc._.hs_cues = []
            return doc
        # longest first at each start; drop matches overlapping a kept one of the same cue
        found.sort(key=lambda m: (m[0], m[1], m[2], -m[3]))
        out = []
        last: dict[tuple[str, int], int] = {}
        for signal, sign, start, end in found:
            if start < last.get((signal, sign), -1):
                continue
            last[(signal, sign)] = end
            out.append((signal, sign, start, end, neg[start] == 1))
        out.sort(key=lambda c: (c[2], c[0], c[1]))
        doc._.hs_cues = out
        return doc


_END = "\x00end"


@functools.lru_cache(maxsize=1)
def _cue_trie() -> dict:
    """The cue lexicon expanded into a token trie (built once per process; read-only)."""
    trie: dict = {}
    for cue in CUES:
        for pattern in cue.patterns:
            for seq in expand_pattern(pattern):
                node = trie
                for word in seq:
                    node = node.setdefault(word, {})
                node.setdefault(_END, set()).add((cue.signal, cue.sign))
    return trie


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
    return CueMatcher()
