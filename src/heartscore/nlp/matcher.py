"""Match cues (:mod:`heartscore.nlp.cues`) over Docs with spaCy's ``PhraseMatcher``, and
spaCy's ``Matcher`` for patterns beyond lowercase words, number keys and ``OP: "?"``.

How a pattern is matched:

- a pattern of words whose expansion (every token sequence it matches) has at most
  :data:`MAX_PHRASES` sequences: all of them go into one ``PhraseMatcher`` on ``LOWER``
  (a trie walked in C);
- a pattern with more, or with number tokens: its most selective run of word tokens (the
  *anchor*, at most :data:`MAX_PHRASES` sequences) goes into the ``PhraseMatcher``, and
  each anchor found is extended over the tokens left and right of it by comparing their
  match keys (``token._.hs_key``) with the pattern's other tokens;
- any other spaCy token pattern: spaCy's ``Matcher``, run over every doc.

Why not spaCy's ``Matcher`` for all of them: it tries every pattern at every token and
checks ``IN`` sets in Python, so the ~530 shipped patterns took ~10 ms a doc (the whole
component takes ~15 µs), and one call costs ~19 µs even with one pattern on a short span.
Why not every expansion in the ``PhraseMatcher``: the shipped patterns expand to ~81,000
sequences, ~80 MB of trie per process (the scoring targets allow < 500 MB a process).

Overlapping matches of the same signal and sign keep the longest span. A match is negated
when a negation trigger *before* the span reaches its first token, so cues that carry their
own negation ("no one called") are not flipped by it.
"""
from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.matcher import Matcher, PhraseMatcher
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.vocab import Vocab

from .cues import NEGATION_TRIGGERS, Cue, Slot, expand, parse_pattern
from .tokens import match_key, register_extensions

__all__ = ["CueMatcher", "cue_matcher", "MAX_PHRASES"]

#: Most token sequences one pattern (or one anchor) puts into the PhraseMatcher. 512 keeps
#: the shipped cues at ~30 MB with ~5,000 anchors to extend per 10,000 texts.
MAX_PHRASES = 512
# Words too common to make a selective anchor on their own.
_COMMON = frozenset(STOP_WORDS) | NEGATION_TRIGGERS | {"'s", "'m", "'re", "'ll", "'d", "'ve"}

_KeySlot = tuple[frozenset[int], bool]  # (hashes of the match keys, optional)
Found = list[tuple[int, int, int]]  # (cue index, start, end)


@dataclass(frozen=True)
class _Anchored:
    """A pattern matched from an anchor: its cue and the slots before (nearest first) and
    after the anchor, as key hashes."""

    cue: int
    left: tuple[_KeySlot, ...]
    right: tuple[_KeySlot, ...]


def _size(slots: Sequence[Slot]) -> int:
    return math.prod(len(s.keys) + s.optional for s in slots)


def _anchor(slots: Sequence[Slot]) -> tuple[int, int] | None:
    """The run of word slots to find a long pattern by: within :data:`MAX_PHRASES`
    sequences (a single slot may exceed it), with the most required uncommon slots, then
    required slots, then slots; ``None`` when no run of word slots has a required one."""
    best, where = None, None
    for i in range(len(slots)):
        for j in range(i + 1, len(slots) + 1):
            run = slots[i:j]
            if run[-1].numeric or (j - i > 1 and _size(run) > MAX_PHRASES):
                break
            required = [s for s in run if not s.optional]
            if not required:
                continue
            score = (sum(not _COMMON.intersection(s.keys) for s in required), len(required),
                     j - i, -_size(run))
            if best is None or score > best:
                best, where = score, (i, j)
    return where


def _reach(keys: list[int], pos: int, slots: tuple[_KeySlot, ...], step: int) -> set[int]:
    """Positions reached from ``pos`` by matching ``slots`` token by token, rightwards
    (``step`` 1: token ``p`` is next) or leftwards (-1: token ``p - 1`` is next)."""
    at = {pos}
    n = len(keys)
    for keyset, optional in slots:
        nxt = set(at) if optional else set()
        for p in at:
            t = p if step > 0 else p - 1
            if 0 <= t < n and keys[t] in keyset:
                nxt.add(p + step)
        at = nxt
        if not at:
            break
    return at


def _key_slots(slots: Sequence[Slot]) -> tuple[_KeySlot, ...]:
    return tuple((frozenset(get_string_id(k) for k in s.keys), s.optional) for s in slots)


class CueMatcher:
    """All matches of a list of cues over Docs (see the module docstring for how)."""

    def __init__(self, cues: Sequence[Cue]) -> None:
        register_extensions()  # the Matcher reads token._.hs_key
        self.cues = tuple(cues)
        self.signals = [(c.label, c.value) for c in self.cues]
        vocab = Vocab()
        self._phrases = PhraseMatcher(vocab, attr="LOWER")
        self._matcher = Matcher(vocab)
        self._direct: dict[int, int] = {}  # match id → cue index
        self._anchored: dict[int, _Anchored] = {}
        ids: dict[str, int] = {}  # one int per word, shared by all phrases (less memory)

        def add_phrases(key: str, slots: Sequence[Slot]) -> int:
            # token sequences as tuples of LOWER ids: what PhraseMatcher.add stores (and
            # takes back when unpickled), without building a Doc per phrase. get_string_id,
            # not hash_string: a few words ("number") are spaCy symbols with small ids
            for w in {w for s in slots for w in s.keys} - ids.keys():
                ids[w] = get_string_id(w)
            self._phrases.add(key, expand([Slot(tuple(ids[w] for w in s.keys), s.optional)
                                           for s in slots]))
            return vocab.strings[key]

        for k, cue in enumerate(self.cues):
            for n, pattern in enumerate(cue.patterns):
                slots = parse_pattern(pattern, f"cue {cue.id!r}, pattern {n + 1}")
                if slots is None:
                    self._matcher.add(f"cue:{k}", [pattern])
                    self._direct[vocab.strings[f"cue:{k}"]] = k
                    continue
                if not any(s.numeric for s in slots) and _size(slots) <= MAX_PHRASES:
                    self._direct[add_phrases(f"cue:{k}", slots)] = k
                    continue
                where = _anchor(slots)
                if where is None:  # no required word: spaCy's Matcher on token._.hs_key
                    self._matcher.add(f"cue:{k}", [[_spec(s) for s in slots]])
                    self._direct[vocab.strings[f"cue:{k}"]] = k
                    continue
                i, j = where
                mid = add_phrases(f"anchor:{k}:{n}", slots[i:j])
                self._anchored[mid] = _Anchored(k, _key_slots(slots[:i][::-1]),
                                                _key_slots(slots[j:]))

    def find(self, doc: Doc) -> list[tuple[Cue, int, int]]:
        """Every match in one doc as (cue, start, end), overlapping ones included."""
        keys = np.asarray([get_string_id(match_key(t.text)) for t in doc], dtype=np.uint64)
        found = self._found(self._hits(doc), keys, 0, len(doc))
        return [(self.cues[k], s, e) for k, s, e in found]

    def _hits(self, doc: Doc) -> list[tuple[int, int, int]]:
        """(match id, start, end) from the PhraseMatcher (and the Matcher, if it has patterns)."""
        hits = self._phrases(doc)
        if len(self._matcher):
            hits += self._matcher(doc)
        return hits

    def _found(self, hits: list[tuple[int, int, int]], keys: np.ndarray, a: int, b: int) -> Found:
        """(cue index, start, end) of every match, anchors extended (``keys[a:b]``: the doc's
        match-key ids, read only when an anchor was found)."""
        direct, anchored = self._direct, self._anchored
        found: Found = []
        doc_keys = None
        for mid, s, e in hits:
            k = direct.get(mid)
            if k is not None:
                found.append((k, s, e))
                continue
            anchor = anchored[mid]
            if doc_keys is None:
                doc_keys = keys[a:b].tolist()
            ends = _reach(doc_keys, e, anchor.right, 1)
            if ends:
                found.extend((anchor.cue, s2, e2) for s2 in _reach(doc_keys, s, anchor.left, -1)
                             for e2 in ends)
        return found

    def match_batch(self, docs: Sequence[Doc], keys: np.ndarray, bounds: np.ndarray,
                    neg: np.ndarray) -> dict[int, list[tuple[str, int, int, int, bool]]]:
        """Matches per doc of a batch: doc index → [(signal, sign, start, end, negated)]
        (``keys``: the batch's match-key ids, ``bounds``: each doc's first token and the
        total, ``neg``: negation flags; docs concatenated)."""
        out = {}
        starts = bounds.tolist()
        hits_of = self._hits if len(self._matcher) else self._phrases
        for d, doc in enumerate(docs):
            hits = hits_of(doc)
            if hits:  # most docs have none
                a = starts[d]
                found = self._found(hits, keys, a, starts[d + 1])
                if found:
                    out[d] = self._kept(found, neg, a)
        return out

    def _kept(self, found: Found, neg: np.ndarray,
              base: int) -> list[tuple[str, int, int, int, bool]]:
        """Longest first at each start; matches overlapping a kept one of the same signal
        and sign are dropped; in token order."""
        signals, negated = self.signals, neg.item
        if len(found) == 1:  # the usual case
            k, start, end = found[0]
            return [(*signals[k], start, end, negated(base + start) == 1)]
        kept = []
        last: dict[tuple[str, int], int] = {}
        # by signal, sign, start, then longest first
        for signal, sign, start, neg_end in sorted([(*signals[k], s, -e) for k, s, e in found]):
            if start < last.get((signal, sign), -1):
                continue
            last[(signal, sign)] = -neg_end
            kept.append((signal, sign, start, -neg_end, negated(base + start) == 1))
        kept.sort(key=itemgetter(2, 0, 1))
        return kept


def _spec(slot: Slot) -> dict:
    """A slot as a spaCy token pattern on ``token._.hs_key``."""
    keys = slot.keys[0] if len(slot.keys) == 1 else {"IN": list(slot.keys)}
    return {"_": {"hs_key": keys}, **({"OP": "?"} if slot.optional else {})}


_CACHE: dict[str, CueMatcher] = {}


def cue_matcher(cues: Sequence[Cue]) -> CueMatcher:
    """A :class:`CueMatcher` for ``cues``, built once per process for the same cue data
    (the scoring pipeline is rebuilt with a fresh vocabulary on long streams)."""
    key = json.dumps([c.to_dict() for c in cues], sort_keys=True, ensure_ascii=False)
    matcher = _CACHE.get(key)
    if matcher is None:
        if len(_CACHE) >= 4:
            _CACHE.pop(next(iter(_CACHE)))
        matcher = _CACHE[key] = CueMatcher(cues)
    return matcher
