"""Cue phrases as data: the shipped ``heartscore/data/cues.json`` and a user's own cue files.

A cue file is JSON::

    {"format": "heartscore-cues", "version": 1,
     "cues": [{"id": "effort.violated.run-around", "label": "effort", "value": -1,
               "rule": "effort -1: had to chase, call again, fill forms twice",
               "examples": ["had to call back"],
               "patterns": ["runaround",
                            [{"LOWER": {"IN": ["had", "have"]}}, {"LOWER": "to"},
                             {"LOWER": {"IN": ["call", "chase"]}}, {"LOWER": "back", "OP": "?"}]]}]}

One entry per cue: ``label`` is the signal it is evidence for (a cue's label becomes the
features ``cue:<label>+``/``cue:<label>-``, negated or not), ``value`` is +1 (met) or -1
(violated), ``rule`` the LABELS.md rule it comes from and ``examples`` short phrases it
matches (a test checks each does). A pattern is a plain phrase (words separated by spaces)
or a spaCy token pattern. Tokens are matched on their lowercase form; number tokens ("2",
"45", "$80") are matched as ``#`` and a number glued to a time unit ("2hrs") as ``~unit``,
written ``{"_": {"hs_key": "#"}}`` (``token._.hs_key`` is that key). ``"OP": "?"`` makes a
token optional. Any other spaCy token pattern is accepted too and matched by spaCy's
``Matcher`` (slower; see :mod:`heartscore.nlp.matcher`).

The shipped file also holds the negation settings (triggers, scope breakers, window).
"""
from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Union

from ..errors import InputError

__all__ = ["Cue", "Slot", "CUE_FORMAT", "NUMBER_KEYS", "builtin_cues", "read_cues", "load_cues",
           "cues_to_dict", "combine_cues", "parse_pattern", "expand", "NEGATION_TRIGGERS", "SCOPE_BREAKERS",
           "NEGATION_WINDOW"]

CUE_FORMAT = {"format": "heartscore-cues", "version": 1}
#: The match keys of number tokens: any number, and a number glued to a time unit.
NUMBER_KEYS = ("#", "~unit")
_LABEL = re.compile(r"^[a-z][a-z0-9_]*$")
_ENTRY_KEYS = {"id", "label", "value", "patterns", "rule", "examples"}

#: What a cue file may be given as: a path, or the file's content already parsed.
CueSource = Union[str, "os.PathLike[str]", Mapping[str, Any]]


@dataclass(frozen=True)
class Slot:
    """One token of a simple pattern: the match keys it accepts and whether it may be absent."""

    keys: tuple[str, ...]
    optional: bool = False

    @property
    def numeric(self) -> bool:
        """Whether a number key (``#``, ``~unit``) is among the keys."""
        return any(k in NUMBER_KEYS for k in self.keys)


@dataclass(frozen=True)
class Cue:
    """One cue: evidence that ``label`` is met (``value`` +1) or violated (-1).

    ``patterns`` are kept as written in the file (plain phrases or spaCy token patterns);
    :func:`parse_pattern` reads one into :class:`Slot` s.
    """

    id: str
    label: str
    value: int
    patterns: tuple[Any, ...]
    rule: str = ""
    examples: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The cue as a cue-file entry."""
        return {"id": self.id, "label": self.label, "value": self.value, "rule": self.rule,
                "examples": list(self.examples), "patterns": list(self.patterns)}


def _number_like(word: str) -> bool:
    """Words every token of which is keyed as a number, so a pattern word can never match
    them (a token starting with a digit, or a currency sign and more, is a number)."""
    return word[0].isdigit() or (word[0] in "$£€" and len(word) > 1)


def _words(value: Any, where: str, *, numbers: bool) -> tuple[str, ...]:
    """The keys of a ``LOWER``/``hs_key`` value: a string or ``{"IN": [strings]}``."""
    if isinstance(value, dict) and set(value) == {"IN"}:
        value = value["IN"]
    elif isinstance(value, str):
        value = [value]
    else:
        return ()
    if not isinstance(value, list) or not value:
        raise InputError(f"{where}: expected a word or {{\"IN\": [words]}}, found {value!r}")
    for w in value:
        if not isinstance(w, str) or not w or w != w.strip() or " " in w:
            raise InputError(f"{where}: {w!r} is not one word (a token has no spaces)")
        if w in NUMBER_KEYS:
            if not numbers:
                raise InputError(f"{where}: write a number token as {{\"_\": {{\"hs_key\": "
                                 f"\"{w}\"}}}}, not under LOWER")
        elif w != w.lower():
            raise InputError(f"{where}: {w!r} is matched on lowercase tokens: write "
                             f"{w.lower()!r}")
        elif _number_like(w):
            raise InputError(f"{where}: {w!r} is read as a number, so it never matches as a "
                             "word: write {\"_\": {\"hs_key\": \"#\"}} (any number) instead")
    return tuple(dict.fromkeys(value))


def _slot(spec: Any, where: str) -> Slot | None:
    """A token spec as a :class:`Slot`; ``None`` when it needs spaCy's Matcher."""
    if not isinstance(spec, dict) or not spec:
        raise InputError(f"{where}: a token pattern is a dict such as {{\"LOWER\": \"word\"}}, "
                         f"found {spec!r}")
    op = spec.get("OP")
    rest = {k: v for k, v in spec.items() if k != "OP"}
    if op not in (None, "?") or len(rest) != 1:
        return None
    (attr, value), = rest.items()
    if attr == "LOWER":
        keys = _words(value, where, numbers=False)
    elif attr == "_" and isinstance(value, dict) and set(value) == {"hs_key"}:
        keys = _words(value["hs_key"], where, numbers=True)
    else:
        return None
    return Slot(keys, op == "?") if keys else None


def parse_pattern(pattern: Any, where: str = "pattern") -> tuple[Slot, ...] | None:
    """A plain phrase or a token pattern as slots; ``None`` for a token pattern that uses
    more of spaCy's pattern language than lowercase words, number keys and ``OP: "?"``."""
    if isinstance(pattern, str):
        words = pattern.lower().split()
        if not words:
            raise InputError(f"{where}: empty phrase")
        return tuple(Slot(_words(w, where, numbers=True)) for w in words)
    if not isinstance(pattern, list) or not pattern:
        raise InputError(f"{where}: a pattern is a phrase or a non-empty list of token "
                         f"patterns, found {pattern!r}")
    slots = [_slot(spec, f"{where}, token {k + 1}") for k, spec in enumerate(pattern)]
    if any(s is None for s in slots):
        return None
    if all(s.optional for s in slots):
        raise InputError(f"{where}: every token is optional, so it could match nothing")
    return tuple(slots)  # type: ignore[arg-type]


def expand(slots: Sequence[Slot]) -> list[tuple[str, ...]]:
    """Every sequence of match keys the slots match (each once, in no particular order)."""
    seqs: list[tuple[str, ...]] = [()]
    for slot in slots:
        seqs = [s + (k,) for s in seqs for k in slot.keys] + (seqs if slot.optional else [])
    return list({s for s in seqs if s})


def _cue(entry: Any, where: str) -> Cue:
    if not isinstance(entry, dict):
        raise InputError(f"{where}: expected a cue object, found {type(entry).__name__}")
    unknown = set(entry) - _ENTRY_KEYS
    missing = {"id", "label", "value", "patterns"} - set(entry)
    if unknown or missing:
        raise InputError(f"{where}: unknown keys {sorted(unknown)}, missing keys "
                         f"{sorted(missing)}; a cue has {', '.join(sorted(_ENTRY_KEYS))}")
    cid, label, value = entry["id"], entry["label"], entry["value"]
    where = f"{where} ({cid!r})"
    if not isinstance(cid, str) or not cid:
        raise InputError(f"{where}: id must be a non-empty string")
    if not isinstance(label, str) or not _LABEL.match(label):
        raise InputError(f"{where}: label {label!r} must be a lowercase name (letters, digits, "
                         "_), the signal the cue is evidence for")
    if value not in (1, -1) or isinstance(value, bool):
        raise InputError(f"{where}: value must be 1 (met) or -1 (violated), found {value!r}")
    patterns = entry["patterns"]
    if not isinstance(patterns, list) or not patterns:
        raise InputError(f"{where}: patterns must be a non-empty list")
    for k, p in enumerate(patterns):
        if parse_pattern(p, f"{where}, pattern {k + 1}") is None:
            _check_token_pattern(p, f"{where}, pattern {k + 1}")
    examples = entry.get("examples", [])
    if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
        raise InputError(f"{where}: examples must be a list of strings")
    return Cue(cid, label, int(value), tuple(patterns), str(entry.get("rule", "")),
               tuple(examples))


def _check_token_pattern(pattern: list, where: str) -> None:
    """Let spaCy check a token pattern that goes to its Matcher."""
    from spacy.matcher import Matcher
    from spacy.vocab import Vocab
    for token in pattern if isinstance(pattern, list) else ():
        if isinstance(token, dict) and "_" in token:  # nothing registers them for cues
            raise InputError(f"{where}: custom attributes (\"_\") cannot be matched in a cue "
                             "pattern; use LOWER, LEMMA, TEXT or REGEX")
        for value in _regexes(token):  # spaCy compiles them only when matching
            try:
                re.compile(value)
            except (re.error, TypeError) as exc:
                raise InputError(f"{where}: REGEX {value!r} is not a regular expression: "
                                 f"{exc}") from None
    try:
        Matcher(Vocab(), validate=True).add("check", [pattern])
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        raise InputError(f"{where}: not a spaCy token pattern: {exc}") from exc


def _regexes(node: Any) -> list[Any]:
    """Every value under a ``REGEX`` key in a token pattern."""
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "REGEX"] + [
            r for k, v in node.items() if k != "REGEX" for r in _regexes(v)]
    return []


def _content(source: CueSource) -> tuple[dict[str, Any], str]:
    if isinstance(source, Mapping):
        return dict(source), "cue data"
    name = os.fspath(source)
    try:
        with open(name, encoding="utf-8") as fh:
            data = json.load(fh)
    except OSError as exc:
        raise InputError(f"cannot read cue file {name}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"cue file {name} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise InputError(f"cue file {name}: expected a JSON object with \"format\", "
                         f"\"version\" and \"cues\", found a {type(data).__name__}; see "
                         "heartscore/data/cues.json")
    return data, name


def read_cues(source: CueSource) -> tuple[Cue, ...]:
    """The cues of one cue file (a path, or its parsed content), checked entry by entry."""
    data, name = _content(source)
    if {k: data.get(k) for k in CUE_FORMAT} != CUE_FORMAT:
        raise InputError(f"{name}: expected \"format\": \"heartscore-cues\", \"version\": 1 "
                         "at the top of a cue file")
    if not isinstance(data.get("cues"), list) or not data["cues"]:
        raise InputError(f"{name}: expected a non-empty \"cues\" list")
    return combine_cues([_cue(e, f"{name}, cue {k + 1}") for k, e in enumerate(data["cues"])],
                        name=name)


def combine_cues(*groups: Iterable[Cue], name: str = "cue files") -> tuple[Cue, ...]:
    """Lists of cues as one, checking that no id is used twice."""
    cues = tuple(c for group in groups for c in group)
    seen: set[str] = set()
    for c in cues:
        if c.id in seen:
            raise InputError(f"{name}: cue id {c.id!r} is used twice; ids must be unique")
        seen.add(c.id)
    return cues


@functools.lru_cache(maxsize=1)
def _builtin_data() -> dict[str, Any]:
    text = resources.files("heartscore").joinpath("data/cues.json").read_text(encoding="utf-8")
    return json.loads(text)


@functools.lru_cache(maxsize=1)
def builtin_cues() -> tuple[Cue, ...]:
    """The shipped cues (``heartscore/data/cues.json``)."""
    return read_cues(_builtin_data())


def load_cues(extra: Iterable[CueSource] = ()) -> tuple[Cue, ...]:
    """The shipped cues followed by those of each extra cue file (ids unique across all)."""
    return combine_cues(builtin_cues(), *(read_cues(source) for source in extra))


def cues_to_dict(cues: Iterable[Cue]) -> dict[str, Any]:
    """Cues as the content of a cue file (what :func:`read_cues` reads back)."""
    return {**CUE_FORMAT, "cues": [c.to_dict() for c in cues]}


_NEGATION = _builtin_data()["negation"]
#: Tokens that open a negation scope (lowercase); any token ending in "n't" does too.
NEGATION_TRIGGERS: frozenset[str] = frozenset(_NEGATION["triggers"])
#: Tokens that close a negation scope: clause punctuation and contrastive conjunctions.
SCOPE_BREAKERS: frozenset[str] = frozenset(_NEGATION["scope_breakers"])
#: Maximum number of tokens a negation reaches.
NEGATION_WINDOW: int = int(_NEGATION["window"])
