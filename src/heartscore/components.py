"""heartscore's spaCy component: normalisation, negation scope, emphasis and cue matching.

One component, ``hs_annotator`` (:class:`Annotator`), annotates each batch of Docs in one
vectorised pass and writes plain per-doc data (int8 arrays, tuples) under ``doc._.hs_*`` so
that it survives spaCy's Doc serialisation (``DocBin``). Token-level views
(``token._.hs_negated``, ``token._.hs_kind``) are getters over that data. Per-word work is
done once per distinct string (:mod:`heartscore.lexcache`), never once per token.

Extensions are registered by :func:`register_extensions`, guarded by ``has_extension``,
and called from the factory (never from constructors or at import).
"""
from __future__ import annotations

import functools
import re
import unicodedata
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.util import minibatch

from .lexcache import LexemeCache
from .lexicon import CUES, NEGATION_TRIGGERS, NEGATION_WINDOW, SCOPE_BREAKERS, expand_pattern

__all__ = ["KIND_WORD", "KIND_URL", "KIND_HANDLE", "KIND_NUMBER", "KIND_EMOJI",
           "KIND_EMOTICON", "KIND_HASHTAG", "KIND_PUNCT", "KIND_NAMES", "register_extensions",
           "token_kind", "match_key", "get_annotation", "set_annotation", "batch_tokens",
           "negation_flags",
           "negation_scope", "Annotator", "BatchAnnotations", "CueMatcher", "COMPONENT_NAMES"]

# Token kinds written by the normaliser (small ints so they pack into arrays).
KIND_WORD, KIND_URL, KIND_HANDLE, KIND_NUMBER, KIND_EMOJI, KIND_EMOTICON, KIND_HASHTAG, \
    KIND_PUNCT = range(8)
KIND_NAMES = ("word", "url", "handle", "number", "emoji", "emoticon", "hashtag", "punct")

#: Pipe names of heartscore's own components, in pipeline order.
COMPONENT_NAMES = ("hs_annotator",)

# Emoticons that carry feeling (from common usage; VADER's lexicon scores them).
_EMOTICON = re.compile(r"^([:;=8xX]['\-^o]?[()\[\]dDpP/\\|*$@3<>]+|[)(\]\[dDpP/\\|]+['\-^o]?[:;=8]"
                       r"|<3+|</3|\^_?\^|-_+-|[oO]_[oO]|T_T|;_;)$")
_ELONGATED = re.compile(r"([a-zA-Z])\1\1")
_DOMAIN = re.compile(r"^\S+\.(com|org|net|co|io)(/\S*)?$")


def register_extensions() -> None:
    """Register heartscore's Doc/Token extensions once (safe to call many times)."""
    for name in ("hs_kinds", "hs_negated", "hs_emphasis", "hs_cues"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    if not Token.has_extension("hs_negated"):
        Token.set_extension("hs_negated", getter=_token_negated)
    if not Token.has_extension("hs_kind"):
        Token.set_extension("hs_kind", getter=_token_kind_name)


def get_annotation(doc: Doc, name: str):
    """``doc._.<name>``, read straight from ``doc.user_data`` where spaCy's extension
    mechanism stores it (the ``doc._`` proxy costs ~1.4 µs a read; this ~0.1 µs, and it is
    read once per doc per batch). A test checks both ways agree."""
    return doc.user_data.get(("._.", name, None, None))


def set_annotation(doc: Doc, name: str, value) -> None:
    """``doc._.<name> = value`` written the way spaCy's extension mechanism stores it."""
    doc.user_data[("._.", name, None, None)] = value


def batch_tokens(docs: list[Doc], attrs: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """A batch's token attributes as one array, docs concatenated: ``(bounds, values)`` where
    doc ``k``'s tokens are rows ``bounds[k]:bounds[k + 1]`` of the ``(tokens, attrs)`` array."""
    bounds = np.zeros(len(docs) + 1, dtype=np.int64)
    np.cumsum([len(d) for d in docs], out=bounds[1:])
    if not bounds[-1]:
        return bounds, np.zeros((0, len(attrs)), dtype=np.uint64)
    # (to_array gives a 1-D array for one attribute)
    return bounds, np.concatenate([d.to_array(attrs) for d in docs if len(d)]).reshape(
        -1, len(attrs))


def _token_negated(token: Token) -> bool:
    flags = token.doc._.hs_negated
    return bool(flags[token.i]) if flags is not None else False


def _token_kind_name(token: Token) -> str:
    kinds = token.doc._.hs_kinds
    return KIND_NAMES[kinds[token.i]] if kinds is not None else KIND_NAMES[token_kind(token.text)]


def token_kind(text: str) -> int:
    """Classify one token's text: word, URL, @handle, number, emoji, emoticon, hashtag, punct."""
    if text.isalpha() and text[0] not in "xX":  # most words; "xD" is an emoticon
        return KIND_WORD
    if text.isdigit() and text[0] not in "8":  # plain numbers; "83" reads as an emoticon
        return KIND_NUMBER
    if text.startswith("@") and len(text) > 1:
        return KIND_HANDLE
    if text.startswith(("http://", "https://", "www.")) or _DOMAIN.match(text):
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


# Per-word facts for the components (see :mod:`heartscore.lexcache`): token kind, cue key id
# (-1: the word is in no cue pattern), negation role, ALL-CAPS, elongated, '!' count, is '?'.
_ROLE_NONE, _ROLE_TRIGGER, _ROLE_BREAKER = 0, 1, 2
_F_KIND, _F_CUE, _F_ROLE, _F_CAPS, _F_ELONG, _F_EXCL, _F_QUEST = range(7)
_FACT_DTYPES = (np.int8, np.int32, np.int8, np.int8, np.int8, np.int32, np.bool_)
_UNIT_RE = re.compile(r"^\d+(\.\d+)?(h|hr|hrs|hour|hours|m|min|mins|minute|minutes|d|day|days|wk|"
                      r"wks|week|weeks)$")


def match_key(text: str, kind: int | None = None) -> str:
    """The key a token is matched on in the cue lexicon: lowercase, numbers as ``#``, a
    number with a time unit ("2hrs") as ``~unit``. ``kind``: ``token_kind(text)`` if known."""
    lower = text.lower()
    if (token_kind(text) if kind is None else kind) == KIND_NUMBER:
        return "~unit" if _UNIT_RE.match(lower) else "#"
    return lower


def _role(lower: str) -> int:
    if lower in NEGATION_TRIGGERS or (lower.endswith("n't") and len(lower) > 3):
        return _ROLE_TRIGGER
    if lower in SCOPE_BREAKERS:
        return _ROLE_BREAKER
    return _ROLE_NONE


def _word_facts(text: str) -> tuple[int, int, int, int, int, int, bool]:
    lower = text.lower()
    kind = token_kind(text)
    return (kind, _cue_words().get(match_key(text, kind), -1), _role(lower),
            int(len(text) > 1 and text.isupper() and text.isalpha()),
            int(len(text) > 3 and _ELONGATED.search(text) is not None),
            text.count("!"), lower == "?")


def negation_flags(lowers: Iterable[str], window: int = NEGATION_WINDOW) -> list[int]:
    """Negation scope over lowercase tokens: 1 for tokens a trigger reaches, 2 for triggers.

    A trigger ("not", "n't", "never", "no", "nobody", "without", …) negates up to ``window``
    following tokens, stopping at clause punctuation or a contrastive word ("but").
    """
    roles = np.fromiter((_role(w) for w in lowers), dtype=np.int8)
    return negation_scope(roles, np.zeros(1, dtype=np.int64), window).tolist()


def negation_scope(roles: np.ndarray, doc_starts: np.ndarray, window: int) -> np.ndarray:
    """Vectorised negation scope over a batch of tokens (docs concatenated; ``doc_starts``:
    the first token of each doc). A token is in scope (1) when the last trigger before it
    in its doc is at most ``window`` tokens back with no breaker in between; triggers are 2."""
    n = len(roles)
    if n == 0:
        return np.zeros(0, dtype=np.int8)
    pos = np.arange(n, dtype=np.int64)
    trig = np.where(roles == _ROLE_TRIGGER, pos, -1)
    barrier = np.where(roles == _ROLE_BREAKER, pos, -1)
    starts = doc_starts[doc_starts < n]
    barrier[starts] = np.maximum(barrier[starts], starts - 1)  # no scope across docs
    last_trig = np.empty(n, dtype=np.int64)
    last_trig[0] = -1
    np.maximum.accumulate(trig[:-1], out=last_trig[1:])
    last_barrier = np.maximum.accumulate(barrier)
    inside = (roles == _ROLE_NONE) & (last_trig > last_barrier) & (pos - last_trig <= window)
    out = inside.astype(np.int8)
    out[roles == _ROLE_TRIGGER] = 2
    return out


_CACHE = LexemeCache(_word_facts, _FACT_DTYPES)


class Annotator:
    """heartscore's spaCy component: one vectorised pass over a batch of Docs that writes

    - ``doc._.hs_kinds``: token kinds (word, URL, @handle, number, emoji, emoticon, hashtag,
      punct) as an int8 array (``token._.hs_kind`` names them);
    - ``doc._.hs_negated``: per token 0 (plain), 1 (inside a negation scope), 2 (trigger);
    - ``doc._.hs_emphasis``: counts of '!', '?', ALL-CAPS words and elongated words;
    - ``doc._.hs_cues``: cue-lexicon matches (signal, sign, start, end, negated).

    Per-word facts come from a cache of numpy columns, so the work per token is array
    arithmetic; spaCy calls :meth:`pipe` with batches and ``__call__`` for a single Doc.
    """

    def __init__(self, window: int = NEGATION_WINDOW) -> None:
        self.window = window
        self.matcher = CueMatcher()

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
                                self.matcher.match_batch(col(_F_CUE)[rows], bounds, neg))

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


class CueMatcher:
    """Match the cue lexicon over a batch of tokens.

    Patterns are expanded into exact sequences of match keys (see :func:`match_key`), each
    key an integer id. Windows of the batch's key ids are hashed incrementally, length by
    length, keeping only windows that are a prefix of some pattern, and every hash hit is
    checked against the exact sequence. Overlapping matches of the same signal and sign
    keep the longest span. A match is negated when a negation trigger *before* the span
    reaches its first token, so cues that carry their own negation ("no one called") are
    not flipped by it.
    """

    def __init__(self) -> None:
        self.index = _cue_index()

    def match(self, keys: list[str]) -> list[tuple[str, int, int, int]]:
        """All (signal, sign, start, end) matches over one sequence of match keys."""
        words = _cue_words()
        ids = np.asarray([words.get(k, -1) for k in keys], dtype=np.int64)
        bounds = np.asarray([0, len(ids)], dtype=np.int64)
        return [(s, g, i, j) for _, s, g, i, j in self._raw(ids, bounds)]

    def _raw(self, ids: np.ndarray, bounds: np.ndarray) -> list[tuple[int, str, int, int, int]]:
        """(doc, signal, sign, start, end) with start/end relative to the doc."""
        n = len(ids)
        if n == 0:
            return []
        ix = self.index
        doc_end = np.repeat(bounds[1:], np.diff(bounds))  # end of each token's doc
        cand = np.flatnonzero(ids >= 0)
        h = np.zeros(len(cand), dtype=np.uint64)
        found = []
        for length in range(1, ix.max_len + 1):
            if not len(cand):
                break
            h = _step(h, ids[cand + length - 1])
            if length <= 2:  # the most candidates: direct tables instead of hash look-ups
                slot = ids[cand] if length == 1 else ids[cand] * ix.width + ids[cand + 1]
                is_full, is_prefix = ix.tables[length]
                hit, prefix = is_full[slot], is_prefix[slot]
            else:
                hit = _member(h, ix.full[length][0])
                prefix = _member(h, ix.prefixes[length])
            if hit.any():
                found.extend(self._verified(ids, bounds, cand[hit], h[hit], length))
            # extend only windows that start some longer pattern and stay inside their doc
            keep = prefix & (cand + length < doc_end[cand])
            keep &= ids[np.minimum(cand + length, n - 1)] >= 0
            cand, h = cand[keep], h[keep]
        return found

    def _verified(self, ids: np.ndarray, bounds: np.ndarray, at: np.ndarray, h: np.ndarray,
                  length: int) -> list[tuple[int, str, int, int, int]]:
        """The patterns whose hash the windows at ``at`` have, kept when their words are
        exactly the window's (a hash is only a candidate)."""
        keys, rows = self.index.full[length]
        lo, hi = np.searchsorted(keys, h, side="left"), np.searchsorted(keys, h, side="right")
        per = hi - lo  # patterns sharing the hash: one per (sequence, signal, sign)
        which = np.repeat(np.arange(len(at)), per)
        offset = np.arange(per.sum()) - np.repeat(np.cumsum(per) - per, per)
        pat = rows[np.repeat(lo, per) + offset]
        window = np.stack([ids[at + k] for k in range(length)], axis=1)[which]
        ok = (self.index.ids[pat, :length] == window).all(axis=1)
        at_ok, pat_ok = at[which[ok]], pat[ok]
        docs = np.searchsorted(bounds, at_ok, side="right") - 1
        rel = (at_ok - bounds[docs]).tolist()
        signals = self.index.signals
        return [(d, *signals[c], i, i + length) for d, i, c in
                zip(docs.tolist(), rel, self.index.code[pat_ok].tolist())]

    def match_batch(self, ids: np.ndarray, bounds: np.ndarray,
                    neg: np.ndarray) -> dict[int, list[tuple[str, int, int, int, bool]]]:
        """Matches per doc of a batch: doc index → [(signal, sign, start, end, negated)]."""
        per_doc: dict[int, list] = {}
        for d, signal, sign, start, end in self._raw(ids, bounds):
            per_doc.setdefault(d, []).append((signal, sign, start, end))
        out = {}
        for d, found in per_doc.items():
            # longest first at each start; drop matches overlapping a kept one of the same cue
            found.sort(key=lambda m: (m[0], m[1], m[2], -m[3]))
            kept = []
            last: dict[tuple[str, int], int] = {}
            base = int(bounds[d])
            for signal, sign, start, end in found:
                if start < last.get((signal, sign), -1):
                    continue
                last[(signal, sign)] = end
                kept.append((signal, sign, start, end, bool(neg[base + start] == 1)))
            kept.sort(key=lambda c: (c[2], c[0], c[1]))
            out[d] = kept
        return out


_HASH_MUL = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit multiplier (Fibonacci hashing)


def _member(h: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Which of ``h`` are in the sorted array ``table``."""
    if not len(table):
        return np.zeros(len(h), dtype=bool)
    idx = np.minimum(np.searchsorted(table, h), len(table) - 1)
    return table[idx] == h


def _step(h: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Extend window hashes by one key id (wrapping uint64 arithmetic; hits are verified)."""
    with np.errstate(over="ignore"):
        return h * _HASH_MUL + (ids.astype(np.uint64) + np.uint64(1))


@dataclass(frozen=True)
class _CueIndex:
    """The expanded cue lexicon as arrays (no Python object per sequence: ~14 MB per process,
    where a dict of 81,000 tuples cost ~40 MB)."""

    words: dict[str, int]  # match key → word id
    ids: np.ndarray  # (patterns, max_len) word ids, -1 padded; a row per (sequence, signal, sign)
    code: np.ndarray  # pattern row → index into ``signals``
    signals: list[tuple[str, int]]
    full: dict[int, tuple[np.ndarray, np.ndarray]]  # length → (sorted hashes, pattern rows)
    prefixes: dict[int, np.ndarray]  # length → sorted hashes of every pattern prefix
    tables: dict[int, tuple[np.ndarray, np.ndarray]]  # 1, 2 → (is pattern, is prefix) by id(s)

    @property
    def max_len(self) -> int:
        """Words in the longest pattern."""
        return self.ids.shape[1]

    @property
    def width(self) -> int:
        """Distinct words (ids are 0 … width-1)."""
        return len(self.words)


@functools.lru_cache(maxsize=1)
def _cue_index() -> _CueIndex:
    """Build the cue index once per process from the lexicon's expanded sequences."""
    words: dict[str, int] = {}
    signals: dict[tuple[str, int], int] = {}
    flat, lengths, codes = array("i"), array("i"), array("i")
    for cue in CUES:
        code = signals.setdefault((cue.signal, cue.sign), len(signals))
        for pattern in cue.patterns:
            for seq in expand_pattern(pattern):
                flat.extend(words.setdefault(w, len(words)) for w in seq)
                lengths.append(len(seq))
                codes.append(code)
    lens = np.frombuffer(lengths, dtype=np.int32).astype(np.int64)
    n, max_len, width = len(lens), int(lens.max()), len(words)
    if width >= np.iinfo(np.int16).max:
        raise RuntimeError(f"the cue lexicon has {width} distinct words; int16 ids overflow")
    ids = np.full((n, max_len), -1, dtype=np.int16)
    row = np.repeat(np.arange(n), lens)
    ids[row, np.arange(len(row)) - np.repeat(np.cumsum(lens) - lens, lens)] = \
        np.frombuffer(flat, dtype=np.int32)
    code = np.frombuffer(codes, dtype=np.int32).astype(np.int64)
    # one row per distinct (sequence, signal, sign)
    _, keep = np.unique(np.column_stack([ids, code]), axis=0, return_index=True)
    keep.sort()
    ids, code, lens = ids[keep], code[keep], lens[keep]
    prefixes: dict[int, np.ndarray] = {}
    full: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    h = np.zeros(len(ids), dtype=np.uint64)
    for k in range(1, max_len + 1):
        live = lens >= k
        h = np.where(live, _step(h, np.maximum(ids[:, k - 1], 0)), h)
        prefixes[k] = np.unique(h[live])
        rows = np.flatnonzero(lens == k)
        order = np.argsort(h[rows], kind="stable")
        full[k] = (h[rows][order], rows[order])
    tables = {}
    for k in (1, 2):
        slot = ids[:, 0].astype(np.int64) if k == 1 else \
            ids[:, 0].astype(np.int64) * width + np.maximum(ids[:, 1], 0)
        is_full = np.zeros(width ** k, dtype=bool)
        is_prefix = np.zeros(width ** k, dtype=bool)
        is_full[slot[lens == k]] = True
        is_prefix[slot[lens >= k]] = True
        tables[k] = (is_full, is_prefix)
    by_code = [s for s, _ in sorted(signals.items(), key=lambda kv: kv[1])]
    return _CueIndex(words, ids, code, by_code, full, prefixes, tables)


def _cue_words() -> dict[str, int]:
    """Match key → id, for every word in some cue pattern."""
    return _cue_index().words


@Language.factory("hs_annotator",
                  assigns=["doc._.hs_kinds", "doc._.hs_negated", "doc._.hs_emphasis",
                           "doc._.hs_cues"],
                  default_config={"window": NEGATION_WINDOW})
def make_annotator(nlp: Language, name: str, window: int) -> Annotator:
    """Factory of :class:`Annotator` (``window``: tokens a negation trigger reaches)."""
    register_extensions()
    return Annotator(window)
