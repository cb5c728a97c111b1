"""The accurate model: the fast model's probabilities averaged with a fine-tuned sentence
encoder's, decided with thresholds chosen on the real dev rows.

The encoder (``all-MiniLM-L6-v2``, Apache-2.0) reads meaning the fast model's n-grams and
cues miss; the fast model keeps what the encoder is weak at (the four signals) and gives the
evidence spans. Both read every sentence of a text on its own
(:func:`heartscore.preprocess.sentences`, as the fast model does); their class probabilities
are averaged per sentence and label (:func:`blend`, weights per label group), and the
sentences are pooled into the text's probabilities and decision by
:func:`heartscore.pooling.pool` with the accurate model's own thresholds (chosen under that
rule by :func:`heartscore.pooling.choose_pooled_thresholds`). So a neutral sentence appended
to a text, decided neutral on its own, leaves the text's labels as they were, within the
limits :mod:`heartscore.pooling` names (a text with no sentence-final punctuation takes the
sentence into its last one; a signal's mean can cross into ±1); 98.4% of the invariance
benchmark's pairs keep every label. With a fast model that reads texts whole, each text is
one unit. Same outputs as the fast model.

This module is importable without torch; :mod:`heartscore.encoder` (which needs the
``accurate`` extra) runs the encoder.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import InputError, ModelCompatibilityError
from .labels import DEFAULT_SCHEMA, LabelSchema
from .pooling import pool
from .preprocess import Sentences, sentences, unit_texts
from .scorer import Scorer, ScoringMixin

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["WEIGHTS", "FORMAT", "blend", "as_label_dict", "sentence_proba", "pooled_labels",
           "weights_sha256", "model_sha256", "AccurateScorer", "read_accurate",
           "load_accurate"]

#: The fast model's share of the average, for polarity and for the four signals: chosen on
#: the held-out sources' dev rows by benchmarks/accurate_weights.py.
WEIGHTS = {"polarity": 0.5, "signals": 0.75}


def as_label_dict(p: np.ndarray, schema: LabelSchema = DEFAULT_SCHEMA) -> dict[str, np.ndarray]:
    """(n, labels, 3) encoder probabilities → ``{label: (n, 3)}`` in the schema's order."""
    if p.ndim != 3 or p.shape[1] != len(schema.labels):
        raise ValueError(f"expected (n, {len(schema.labels)}, classes) probabilities; "
                         f"found shape {p.shape}")
    return {label: p[:, j, :] for j, label in enumerate(schema.labels)}


def blend(fast: Mapping[str, np.ndarray], encoder: Mapping[str, np.ndarray],
          weights: float | Mapping[str, float] = WEIGHTS) -> dict[str, np.ndarray]:
    """Per label, ``w * fast + (1 - w) * encoder`` (rows still sum to 1); ``w`` is
    ``weights["polarity"]`` for polarity and ``weights["signals"]`` for a signal, or one
    number for every label."""
    def w(label: str) -> float:
        if not isinstance(weights, Mapping):
            return float(weights)
        return float(weights["polarity" if label == "polarity" else "signals"])
    return {label: w(label) * fast[label] + (1.0 - w(label)) * encoder[label]
            for label in fast}


def sentence_proba(fast: ScoringMixin, texts: Sequence[str]
                   ) -> tuple[np.ndarray, dict[str, np.ndarray], list[str]]:
    """The units the accurate model reads ``texts`` by, with the fast model's probabilities
    of each: (text index of each unit, ``{label: (units, classes)}``, the units' texts).
    Units are sentences when the fast model reads sentences, else whole texts. For choosing
    the accurate thresholds on dev rows (``scripts/train_accurate.py``,
    ``benchmarks/real_eval.py``) exactly as :class:`AccurateScorer` reads."""
    docs = fast.to_docs(list(texts))
    units = sentences(docs) if fast._reads_sentences() else None
    proba, _ = fast._unit_proba(docs, units)
    return _owner(docs, units), proba, _texts(docs, units)


def pooled_labels(p: Mapping[str, np.ndarray], owner: np.ndarray, n: int,
                  thresholds: Mapping[str, dict[str, float]],
                  schema: LabelSchema = DEFAULT_SCHEMA
                  ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Units' blended probabilities ``p`` pooled into ``n`` texts (:func:`heartscore.pooling.
    pool` with ``thresholds``): the texts' probabilities and labels, per label."""
    proba, labels = {}, {}
    for label in schema.labels:
        proba[label], idx, _ = pool(label, p[label], owner, n, thresholds.get(label))
        labels[label] = np.array(schema.classes(label), dtype=object)[idx]
    return proba, labels


def _owner(docs: list[Doc], units: Sentences | None) -> np.ndarray:
    return units.owner if units is not None else np.arange(len(docs), dtype=np.int64)


def _texts(docs: list[Doc], units: Sentences | None) -> list[str]:
    return unit_texts(docs, units) if units is not None else [d.text for d in docs]


def weights_sha256(arrays: Mapping[str, np.ndarray]) -> str:
    """SHA-256 over the weight arrays (names, dtypes, shapes and bytes, in name order); part
    of :func:`model_sha256`."""
    import hashlib
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}|{a.dtype.str}|{a.shape}|".encode())
        h.update(a.tobytes())
    return h.hexdigest()


class AccurateScorer(Scorer):
    """The fast model's scoring state with the encoder: each unit's (sentence's, or whole
    text's with a fast model that reads texts whole) fast probabilities averaged with the
    encoder's (:func:`blend`), pooled and decided with the accurate thresholds. Evidence
    spans still come from the fast model's features. Scores in one process: torch spreads
    each batch over the cores itself, and a process forked after torch ran can hang."""

    #: ``heartscore.batch`` keeps this scorer in the calling process whatever ``jobs`` is.
    in_process = True

    def __init__(self, fast: ScoringMixin, encoder: Any, thresholds: dict[str, dict[str, float]],
                 weights: float | Mapping[str, float] = WEIGHTS) -> None:
        self.__dict__.update(fast.__dict__)
        # the accurate thresholds decide each unit before pooling and the pooled text
        self.thresholds_ = thresholds
        self.weights = weights
        self._encoder = encoder

    def _unit_proba(self, docs: list[Doc], units: Sentences | None = None
                    ) -> tuple[dict[str, np.ndarray], Any]:
        fast, prov = super()._unit_proba(docs, units)
        enc = as_label_dict(self._encoder.proba(_texts(docs, units)), self._schema())
        return blend(fast, enc, self.weights), prov

    def __getstate__(self) -> dict:
        raise TypeError("the accurate model holds a torch encoder and is not pickled; load "
                        "it in each process with heartscore.load('accurate')")


#: The accurate file's record format; a file of another version is refused.
# version 2: units (sentences) blended and pooled; version 1 blended whole texts
FORMAT = {"name": "heartscore-accurate", "version": 2}
#: The record entries that decide the model's output (with the weights: its identity).
_DECIDING = ("weights", "thresholds", "fast_model")


def model_sha256(arrays: Mapping[str, np.ndarray], record: Mapping[str, Any]) -> str:
    """The accurate model's identity: SHA-256 over its weights (:func:`weights_sha256`) and
    the record entries that decide its output (blend weights, thresholds, fast model), so
    two files that score differently never share an id."""
    import hashlib
    import json
    deciding = json.dumps({k: record.get(k) for k in _DECIDING}, sort_keys=True)
    return hashlib.sha256((weights_sha256(arrays) + deciding).encode()).hexdigest()


def read_accurate(path: Path) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """An accurate-model file's weight arrays and its JSON record, read as data only
    (``allow_pickle=False``); the record's shape and format version are checked, and the
    weights and deciding entries against the SHA-256 the record holds."""
    import json
    import zipfile

    def refuse(why: str) -> ModelCompatibilityError:
        return ModelCompatibilityError(f"{path.name} is not a heartscore accurate-model file "
                                       f"(an .npz of arrays with a meta record): {why}")

    if not zipfile.is_zipfile(path):
        raise refuse("found another kind of file")
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        meta = json.loads(str(arrays.pop("meta")))
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise refuse(str(exc)) from None
    if not isinstance(meta, dict):
        raise refuse(f"its meta record is a JSON {type(meta).__name__}, not an object")
    missing = [k for k in ("format", "sha256", "card", *_DECIDING) if k not in meta]
    if missing:
        raise refuse(f"its meta record lacks {', '.join(missing)}")
    if meta["format"] != FORMAT:
        version = meta["format"].get("version") if isinstance(meta["format"], dict) else None
        older = isinstance(version, int) and version < FORMAT["version"]
        raise ModelCompatibilityError(
            f"{path.name} is in accurate-model format {meta['format']}; this heartscore reads "
            f"{FORMAT}: " + ("rebuild the file (python scripts/train_accurate.py --ship)"
                             if older else "upgrade heartscore"))
    fast = meta["fast_model"]
    name = fast.get("file", "") if isinstance(fast, dict) else ""
    if not (isinstance(name, str) and name.endswith(".hsm") and Path(name).name == name):
        raise refuse(f"its fast model must be a .hsm file name beside it, found {name!r}")
    if not all(isinstance(meta[k], dict) for k in ("card", "thresholds", "weights")):
        raise refuse("its card, thresholds and weights must be JSON objects")
    # the card is not hashed: it must at least name the model the hash identifies
    if (meta["card"].get("artifact") or {}).get("sha256") != meta["sha256"]:
        raise refuse("its card's artifact SHA-256 is not the record's")
    if model_sha256(arrays, meta) != meta["sha256"]:
        raise ModelCompatibilityError(f"{path.name}: its weights or decision settings do not "
                                      "match the SHA-256 in its meta record; the file was "
                                      "altered or truncated")
    return arrays, meta


def load_accurate(path: Path, fast_loader: Callable[[Path], Any]) -> Any:
    """The :class:`~heartscore.model.Model` of an accurate-model file: its fast model (the
    ``.hsm`` file it names, beside it, loaded by ``fast_loader``) and its encoder."""
    from .card import ModelCard
    from .encoder import EncoderHeads
    from .model import Model

    arrays, meta = read_accurate(path)
    fast_file = path.parent / meta["fast_model"]["file"]
    if not fast_file.exists():
        raise ModelCompatibilityError(f"{path.name} needs its fast model {fast_file.name} "
                                      f"beside it in {path.parent}; it is missing")
    fast = fast_loader(fast_file)
    if fast.id != meta["fast_model"]["id"]:
        raise ModelCompatibilityError(f"{path.name} was made with fast model "
                                      f"{meta['fast_model']['id']}, found {fast.id}")
    card = ModelCard.from_dict(meta["card"])
    scorer = AccurateScorer(fast.scorer, EncoderHeads(arrays), meta["thresholds"],
                            meta["weights"])

    def no_estimator():
        raise InputError(f"{card.model_id} has no scikit-learn estimator: its encoder is "
                         "trained by scripts/train_accurate.py; the fast model's estimator is "
                         "heartscore.load().estimator")

    return Model(card=card, scorer=scorer, load_estimator=no_estimator)
