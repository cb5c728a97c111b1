"""Save and load models. The default format is safe: loading it runs no code.

A model saved as ``.hsm`` (any name but ``.joblib``/``.pkl``/``.pickle``/``.skops``) is one
file (:mod:`heartscore.safe_format`): the estimator as a JSON tree plus numpy arrays, and
the model card as a JSON member, each listed with its SHA-256 in a manifest. Loading it
reads JSON and ``.npy`` arrays only (``allow_pickle=False``), rebuilds only the classes of
:data:`SAFE_CLASSES`, and refuses a model that would make heartscore import a spaCy
pipeline or open a cue file named inside it (pass ``trusted=True`` to allow that).

``load`` checks the card before anything else: card format, scikit-learn and spaCy
major.minor, and the payload's SHA-256; an altered file is refused with a one-line reason.

Pickles (``.joblib``) run code when they load, so they load only with ``trusted=True``
(``--trust-model``); :func:`convert` turns one into the safe format once. ``.skops`` stays
available as an export: heartscore refuses one with any type outside
:data:`TRUSTED_TYPES`. Nothing is downloaded.
"""
from __future__ import annotations

import functools
import importlib
import json
import os
import platform
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from . import safe_format
from .card import ModelCard
from .errors import ModelCompatibilityError
from .model import Model
from .resources import shipped_accurate_path, shipped_model_path
from .scorer import Scorer

__all__ = ["save", "load", "read_card", "convert", "model_format", "card_path", "versions",
           "default_model_path", "FORMAT", "SAFE_SUFFIX", "PICKLE_SUFFIXES", "SAFE_CLASSES",
           "SCORING_CLASSES", "TRUSTED_TYPES"]

FORMAT = {"name": "heartscore-model", "version": 1}
#: The extension of the safe model format (the default of ``save`` and ``train``).
SAFE_SUFFIX = ".hsm"
#: The name that loads the shipped accurate model (``heartscore.load("accurate")``,
#: ``--model accurate``); needs ``pip install "heartscore[accurate]"``.
ACCURATE = "accurate"
#: Extensions saved and loaded as pickles (joblib): loading one needs ``trusted=True``.
PICKLE_SUFFIXES = (".joblib", ".pkl", ".pickle")
class _Classes(Mapping):
    """Tag → class, each class imported when first looked up: loading a model imports
    only the classes its file names (and scoring, through :data:`SCORING_CLASSES`, no
    scikit-learn at all)."""

    def __init__(self, names: dict[str, str]) -> None:
        self._names = names

    def __getitem__(self, tag: str) -> type:
        module, _, attr = self._names[tag].partition(":")
        return getattr(importlib.import_module(module, __package__), attr)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


#: The classes a safe model file may contain, by the tag the file names them with. To let
#: a new class into saved models, add one entry here (the tag is written into files: never
#: rename or reuse one), and one to :data:`SCORING_CLASSES`.
SAFE_CLASSES: Mapping[str, type] = _Classes({
    "HeartscoreClassifier": ".classifier:HeartscoreClassifier",
    "DocFeaturizer": ".features:DocFeaturizer",
    "LogisticRegression": "sklearn.linear_model:LogisticRegression",
    "WordVectors": ".vectors:WordVectors",
})
#: The same tags rebuilt for scoring only: the fitted state without scikit-learn (numpy
#: heads, :mod:`heartscore.linear`). ``load`` scores with these and builds the
#: :data:`SAFE_CLASSES` estimator only when ``model.estimator`` is used.
SCORING_CLASSES: Mapping[str, type] = _Classes({
    "HeartscoreClassifier": ".scorer:Scorer",
    "DocFeaturizer": ".featurize:LoadedFeaturizer",
    "LogisticRegression": ".linear:LinearHead",
    "WordVectors": ".vectors:WordVectors",  # (a model with word vectors imports sklearn)
})
#: The only non-standard types a heartscore .skops file may contain (skops trusts numpy,
#: scipy and scikit-learn types itself).
TRUSTED_TYPES = ("builtins.frozenset", "heartscore.classifier.HeartscoreClassifier",
                 "heartscore.features.DocFeaturizer", "heartscore.vectors.WordVectors")


def versions() -> dict[str, str]:
    """Versions of the libraries a model depends on."""
    return dict(_versions())


@functools.lru_cache(maxsize=1)
def _versions() -> tuple[tuple[str, str], ...]:
    # installed distributions' metadata: no need to import scikit-learn to check a card
    from importlib.metadata import version

    from . import __version__
    try:
        vader = version("vaderSentiment")
        lookups = version("spacy-lookups-data")
    except Exception:  # pragma: no cover
        vader = lookups = "unknown"
    return (("heartscore", __version__), ("scikit-learn", version("scikit-learn")),
            ("spacy", version("spacy")), ("vaderSentiment", vader),
            ("spacy-lookups-data", lookups), ("python", platform.python_version()))


def card_path(path: str | os.PathLike) -> Path:
    """The card that belongs to a model file: ``x.joblib`` → ``x.card.json``, any other
    name (``x.skops``) → ``x.skops.card.json``, so two formats of one model never share a
    card."""
    p = Path(path)
    if p.suffix == ".joblib":
        return p.with_name(p.stem + ".card.json")
    return p.with_name(p.name + ".card.json")


def default_model_path() -> Path:
    """The shipped model: ``$HEARTSCORE_MODEL`` or the newest ``models/heartscore-*.hsm``
    (see :func:`heartscore.resources.shipped_model_path`)."""
    return shipped_model_path()


#: How a pickle or a joblib file starts: pickle protocol 2+ (``\x80``), then the
#: compressions joblib writes (zlib, gzip, bz2, xz, lzma alone, lz4, and its own old "ZF"
#: header).
_PICKLE_STARTS = (b"\x80", b"\x78\x01", b"\x78\x5e", b"\x78\x9c", b"\x78\xda", b"\x1f\x8b",
                  b"BZh", b"\xfd7zXZ", b"]\x00\x00", b"\x04\x22\x4d\x18", b"ZF")


def model_format(path: str | os.PathLike) -> str:
    """How a model file is read: ``"safe"`` (a ``.hsm`` name, or a heartscore container
    whatever its name), ``"skops"``, or ``"pickle"`` (a ``.joblib``/``.pkl``/``.pickle``
    name, or a file that starts as a pickle or a joblib file does). Reads the zip directory
    or the first bytes only; a ``.hsm`` file is never unpickled, even when trusted.

    Raises :class:`ModelCompatibilityError` for a folder or a file that is none of these
    (a CSV passed as ``--model``, say), rather than calling it a pickle to trust."""
    path = Path(path)
    if path.is_dir():
        raise ModelCompatibilityError(f"{path} is a folder, not a model file; pass the path of "
                                      f"a {SAFE_SUFFIX} model saved by heartscore")
    if path.suffix == SAFE_SUFFIX or safe_format.is_container(path):
        return "safe"
    if path.suffix == ".skops":
        return "skops"
    if path.suffix in PICKLE_SUFFIXES:
        return "pickle"
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(_PICKLE_STARTS):
        return "pickle"
    raise ModelCompatibilityError(
        f"{path.name} is not a heartscore model: expected a {SAFE_SUFFIX} file (or an "
        ".npz accurate model, a .skops file or a trusted .joblib pickle), found a file that "
        f"is none of these; pass a model saved by heartscore train")


def save(model: Model, path: str | os.PathLike, *, card_extra: dict[str, Any] | None = None) -> Path:
    """Write ``model`` to ``path``, atomically: the safe format (one file holding the card)
    unless the name ends in ``.joblib``/``.pkl``/``.pickle`` (joblib) or ``.skops``, which
    are written with their card beside them as ``<name>.card.json``.

    ``model`` itself is not changed; ``load(path)`` gives the saved model with its final card
    (payload hash, save date, versions). Raises
    :class:`~heartscore.errors.UnsupportedValueError` naming the attribute when the model
    holds a value the safe format cannot store, and :class:`~heartscore.errors.InputError`
    when ``path`` (or the card beside it) is not a regular file (a FIFO, a device: the file
    renamed into place would replace it) or its folder cannot be written."""
    from .io.files import check_output_path  # (pandas: not needed to load and score)
    path = Path(path)
    check_output_path(path)
    if path.suffix in PICKLE_SUFFIXES or path.suffix == ".skops":
        check_output_path(card_path(path), probe=False)
    card = ModelCard.from_dict({**model.card.to_dict(), **(card_extra or {})})
    card = replace(card, format={"name": FORMAT["name"], "version": FORMAT["version"]},
                   versions=versions(),
                   saved=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                   name=path.stem if card.name is None else card.name)
    if path.suffix not in PICKLE_SUFFIXES and path.suffix != ".skops":
        payload = safe_format.encode(model.estimator, SAFE_CLASSES, root="estimator")
        card = replace(card, artifact={"file": path.name, "sha256": payload.digest,
                                       "bytes": payload.bytes})
        return safe_format.write(path, payload, card.to_dict())
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        safe_format.usual_mode(tmp)
        if path.suffix == ".skops":
            import skops.io as sio
            sio.dump(model.estimator, tmp)
        else:
            import joblib
            joblib.dump(model.estimator, tmp, compress=3)
        from .corpus import file_sha256
        card = replace(card, artifact={"file": path.name, "sha256": file_sha256(tmp),
                                       "bytes": os.path.getsize(tmp)})
        _write_json_atomic(card_path(path), card.to_dict())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def load(path: str | os.PathLike | None = None, *, trusted: bool = False) -> Model:
    """Load a model: the shipped one by default. The card is checked first.

    ``"accurate"`` (or a ``heartscore-accurate-*.npz`` path) loads the accurate model: the
    fast model averaged with a fine-tuned sentence encoder, same outputs, slower; it needs
    the ``accurate`` extra (torch). A safe (``.hsm``) file runs no code; nor does an
    accurate file (arrays read with ``allow_pickle=False``). A pickle (``.joblib``) can run any code inside
    it, so it is loaded only with ``trusted=True``; so is a model that would make heartscore
    import a spaCy pipeline or open a cue file that the file names.

    Raises :class:`ModelCompatibilityError` with a one-line reason when the file is a pickle
    and ``trusted`` is false, the card is missing, the file was changed (hash), or
    scikit-learn/spaCy versions differ in major.minor.
    """
    path = _existing(path)
    if path.suffix == ".npz":  # an accurate model: arrays and a JSON record, no code
        from .accurate import load_accurate
        return load_accurate(path, functools.partial(load, trusted=trusted))
    kind = model_format(path)
    if kind == "safe":
        container = safe_format.open_container(path)
        card = _container_card(container)
        scorer = container.decode(SCORING_CLASSES)
        if not isinstance(scorer, Scorer):
            raise ModelCompatibilityError(f"{path.name} holds a {type(scorer).__name__}, "
                                          "not a heartscore estimator; the file was altered")
        _check_self_contained(scorer, path.name, trusted)
        _check_heads(scorer, path.name)
        return Model(card=card, scorer=scorer,
                     load_estimator=functools.partial(_safe_estimator, path, card))
    if kind == "pickle" and not trusted:
        raise _untrusted_pickle(path)
    card = _card_beside(path)
    if kind == "skops":
        estimator = _load_skops(path)
        _check_self_contained(estimator, path.name, trusted)
        return Model(estimator, card)
    import joblib
    try:
        estimator = joblib.load(path)
    except Exception as exc:  # corrupted pickles raise many kinds of errors
        raise ModelCompatibilityError(f"could not unpickle {path.name}: {exc}") from exc
    return Model(estimator, card)


def _safe_estimator(path: Path, card: ModelCard):
    """The scikit-learn estimator of a safe model file (for ``model.estimator``), from
    the same bytes the model was loaded from (the payload hash is checked again)."""
    from .classifier import HeartscoreClassifier
    container = safe_format.open_container(path)
    if container.digest != (card.artifact or {}).get("sha256"):
        raise ModelCompatibilityError(f"{path.name} changed since the model was loaded from "
                                      "it; load it again")
    estimator = container.decode(SAFE_CLASSES)
    if not isinstance(estimator, HeartscoreClassifier):
        raise ModelCompatibilityError(f"{path.name} holds a {type(estimator).__name__}, "
                                      "not a heartscore estimator; the file was altered")
    return estimator


def read_card(path: str | os.PathLike | None = None, *, trusted: bool = False) -> ModelCard:
    """The checked card of a model file, without building the model (``heartscore info``).

    Checks as :func:`load` does (the file's hashes, card format and versions); a pickle's
    card is read only with ``trusted=True``, like the pickle itself."""
    path = _existing(path)
    if path.suffix == ".npz":  # an accurate model's card: no torch needed to read it
        from .accurate import read_accurate
        return ModelCard.from_dict(read_accurate(path)[1]["card"])
    kind = model_format(path)
    if kind == "safe":
        return _container_card(safe_format.open_container(path))
    if kind == "pickle" and not trusted:
        raise _untrusted_pickle(path)
    return _card_beside(path)


def convert(source: str | os.PathLike, target: str | os.PathLike, *,
            trusted: bool = False) -> Path:
    """Load the model at ``source`` and save it at ``target`` (the safe format unless the
    name says otherwise). A pickle source needs ``trusted=True``.

    The model is unchanged, so it keeps its id: the card records the file it came from
    (``converted_from``: file, format and SHA-256), and results scored after the conversion
    name the same model as before."""
    source, target = Path(source), Path(target)
    if target.exists() and target.resolve() == source.resolve():
        raise ModelCompatibilityError(f"convert would overwrite {source.name}; pass another "
                                      "output name")
    model = load(source, trusted=trusted)
    extra: dict[str, Any] = {}
    if model.card.converted_from is None and model.card.artifact:
        extra["converted_from"] = {"file": model.card.artifact.get("file", source.name),
                                   "format": model_format(source),
                                   "sha256": model.card.artifact.get("sha256")}
    return save(model, target, card_extra=extra)


def _existing(path: str | os.PathLike | None) -> Path:
    path = Path(path) if path is not None else default_model_path()
    if str(path) == ACCURATE:  # also HEARTSCORE_MODEL=accurate
        path = shipped_accurate_path()
    if not path.exists():
        raise ModelCompatibilityError(f"model file {path} does not exist; pass the path of a "
                                      f"{SAFE_SUFFIX} model saved by heartscore")
    return path


def _untrusted_pickle(path: Path) -> ModelCompatibilityError:
    return ModelCompatibilityError(
        f"{path.name} is a pickle (joblib) model, and loading a pickle can run any code "
        "inside it, so heartscore loads it only if you trust where it came from: pass "
        "--trust-model (heartscore.load(path, trusted=True)), or convert it once with "
        f"heartscore convert --trust-model {path.name} -o {path.stem}{SAFE_SUFFIX}")


def _container_card(container: safe_format.Container) -> ModelCard:
    try:
        card = ModelCard.from_dict(container.card())
    except TypeError as exc:
        raise ModelCompatibilityError(f"{container.name}: the card is not a card ({exc})") \
            from exc
    check_card(card)
    expected = (card.artifact or {}).get("sha256")
    if expected != container.digest:
        raise ModelCompatibilityError(
            f"{container.name}: the card belongs to another model (payload sha256 "
            f"{container.digest[:12]}… vs {(expected or '?')[:12]}… in the card); the file "
            "was altered: re-save or rebuild it")
    return card


def _card_beside(path: Path) -> ModelCard:
    cpath = card_path(path)
    if not cpath.exists():
        raise ModelCompatibilityError(f"no model card {cpath.name} beside {path.name}; heartscore "
                                      "only loads models saved with their card")
    try:
        card = ModelCard.from_dict(json.loads(cpath.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelCompatibilityError(f"model card {cpath} is not valid JSON ({exc})") from exc
    except TypeError as exc:  # valid JSON, but a list or a string rather than an object
        raise ModelCompatibilityError(f"model card {cpath} is not a card ({exc})") from exc
    check_card(card)
    from .corpus import file_sha256  # (pandas: only for pickles and skops files)
    digest = file_sha256(path)
    expected = (card.artifact or {}).get("sha256")
    if digest != expected:
        raise ModelCompatibilityError(f"{path.name} does not match its card (sha256 {digest[:12]}… "
                                      f"vs {(expected or '?')[:12]}…); "
                                      "the file was changed or corrupted: re-save or rebuild it")
    return card


def _check_self_contained(estimator: Any, name: str, trusted: bool) -> None:
    """Refuse (unless trusted) a model that would make heartscore import a spaCy pipeline or
    read a cue file named inside the model file: loading would then run what it names."""
    if trusted:
        return
    refs = []
    nlp = getattr(estimator, "nlp", None)
    base = nlp.get("base", "blank") if isinstance(nlp, dict) else "blank"
    if base != "blank":
        refs.append(f"spaCy pipeline {base!r}")
    if getattr(estimator, "cue_data_", None) is None:
        cues = getattr(estimator, "cues", None) or ()
        if isinstance(cues, (str, os.PathLike)):  # one path where a list belongs: as one
            cues = [cues]
        refs += [f"cue file {os.fspath(c)!r}" for c in cues if isinstance(c, (str, os.PathLike))]
    if refs:
        raise ModelCompatibilityError(
            f"{name} names {refs[0]}, which heartscore would load when scoring; a model "
            "file decides nothing that runs unless you trust it: pass --trust-model "
            "(heartscore.load(path, trusted=True))")


def _check_heads(scorer: Scorer, name: str) -> None:
    """Refuse a model whose label schema and heads disagree (each label has three classes;
    each head's classes are indices into them): scoring would fail part-way with an index
    error. Hashes cannot catch it when whoever edited the file also re-hashed it."""
    schema = scorer._schema()
    heads = getattr(scorer, "heads_", {})
    for label in schema.labels:
        classes = list(schema.classes(label))
        head = heads.get(label)
        known = [] if head is None else list(getattr(head, "classes_", []))
        if len(classes) != 3 or head is None or not known or any(
                not isinstance(c, (int, np.integer)) or not 0 <= c < 3 for c in known):
            raise ModelCompatibilityError(
                f"{name}: its label schema ({label}: {', '.join(map(str, classes))}) does not "
                f"match its {label} head ({', '.join(map(str, known)) or 'none'}); the file "
                "was altered: use the model file as heartscore saved it")


def _load_skops(path: Path):
    import skops.io as sio
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:
        raise ModelCompatibilityError(f"{path.name} is not a readable skops file: {exc}") from exc
    unknown = sorted(set(untrusted) - set(TRUSTED_TYPES))
    if unknown:
        raise ModelCompatibilityError(f"{path.name} contains types heartscore does not trust: "
                                      f"{', '.join(unknown)}; it was not saved by heartscore "
                                      "or was altered, so it is refused")
    return sio.load(path, trusted=list(untrusted))


def check_card(card: ModelCard) -> None:
    """Refuse cards of another format or with incompatible library versions."""
    fmt = card.format or {}
    if fmt.get("name") != FORMAT["name"] or fmt.get("version") != FORMAT["version"]:
        raise ModelCompatibilityError(f"model format {fmt or 'missing'} is not "
                                      f"{FORMAT['name']} v{FORMAT['version']}; retrain the model")
    now = versions()
    saved = card.versions or {}
    for lib in ("scikit-learn", "spacy"):
        if _minor(saved.get(lib, "")) != _minor(now[lib]):
            raise ModelCompatibilityError(
                f"model was saved with {lib} {saved.get(lib, '?')}, this environment has "
                f"{now[lib]}; install {lib}=={saved.get(lib, '?')} or retrain the model")


def _minor(v: str) -> tuple[str, ...]:
    return tuple(v.split(".")[:2])


def _write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    safe_format.usual_mode(tmp)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, ensure_ascii=False, default=str)
        fh.write("\n")
    os.replace(tmp, path)
