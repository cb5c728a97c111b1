"""Save and load models: a joblib artefact beside a JSON card that is checked first.

The card records package, scikit-learn and spaCy versions, the label schema, the nlp spec,
the training config, the corpus and file hashes, dev thresholds and test metrics. ``load``
reads the card, checks versions and the artefact's SHA-256, and only then unpickles.

joblib (pickle) runs code when it loads: only load model files you trust. To share models
between teams, save them as ``.skops`` instead: loading a skops file never runs code, and
heartscore refuses one that contains any type outside :data:`TRUSTED_TYPES`. Nothing is
downloaded.
"""
from __future__ import annotations

import json
import os
import platform
import tempfile
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import joblib

from .card import ModelCard
from .corpus import file_sha256
from .errors import ModelCompatibilityError
from .model import Model
from .resources import shipped_model_path

__all__ = ["save", "load", "card_path", "versions", "default_model_path",
           "FORMAT", "TRUSTED_TYPES"]

FORMAT = {"name": "heartscore-model", "version": 1}
#: The only non-standard types a heartscore .skops file may contain (skops trusts numpy,
#: scipy and scikit-learn types itself).
TRUSTED_TYPES = ("builtins.frozenset", "heartscore.classifier.HeartscoreClassifier",
                 "heartscore.features.DocFeaturizer")


def versions() -> dict[str, str]:
    """Versions of the libraries a model depends on."""
    import sklearn
    import spacy

    from . import __version__
    try:
        import vaderSentiment  # noqa: F401
        from importlib.metadata import version
        vader = version("vaderSentiment")
        lookups = version("spacy-lookups-data")
    except Exception:  # pragma: no cover
        vader = lookups = "unknown"
    return {"heartscore": __version__, "scikit-learn": sklearn.__version__,
            "spacy": spacy.__version__, "vaderSentiment": vader, "spacy-lookups-data": lookups,
            "python": platform.python_version()}


def card_path(path: str | os.PathLike) -> Path:
    """The card that belongs to a model file: ``x.joblib`` → ``x.card.json``, any other
    name (``x.skops``) → ``x.skops.card.json``, so two formats of one model never share a
    card."""
    p = Path(path)
    if p.suffix == ".joblib":
        return p.with_name(p.stem + ".card.json")
    return p.with_name(p.name + ".card.json")


def default_model_path() -> Path:
    """The shipped model: ``$HEARTSCORE_MODEL`` or the newest ``models/heartscore-*.joblib``
    (see :func:`heartscore.resources.shipped_model_path`)."""
    return shipped_model_path()


def save(model: Model, path: str | os.PathLike, *, card_extra: dict[str, Any] | None = None) -> Path:
    """Write ``model`` to ``path`` (joblib, or skops when the name ends in ``.skops``) and
    its card beside it; both atomically.

    ``model`` itself is not changed; ``load(path)`` gives the saved model with its final card
    (artefact hash, save date, versions)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        if path.suffix == ".skops":
            import skops.io as sio
            sio.dump(model.estimator, tmp)
        else:
            joblib.dump(model.estimator, tmp, compress=3)
        card = ModelCard.from_dict({**model.card.to_dict(), **(card_extra or {})})
        card = replace(card, format={"name": FORMAT["name"], "version": FORMAT["version"]},
                       versions=versions(),
                       saved=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                       artifact={"file": path.name, "sha256": file_sha256(tmp),
                                 "bytes": os.path.getsize(tmp)},
                       name=path.stem if card.name is None else card.name)
        _write_json_atomic(card_path(path), card.to_dict())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def load(path: str | os.PathLike | None = None) -> Model:
    """Load a model: the shipped one by default. The card is checked before unpickling.

    Raises :class:`ModelCompatibilityError` with a one-line reason when the card is missing,
    the file was changed (hash), or scikit-learn/spaCy versions differ in major.minor.
    """
    path = Path(path) if path is not None else default_model_path()
    if not path.exists():
        raise ModelCompatibilityError(f"model file {path} does not exist; pass the path of a "
                                      ".joblib model saved by heartscore")
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
    digest = file_sha256(path)
    expected = (card.artifact or {}).get("sha256")
    if digest != expected:
        raise ModelCompatibilityError(f"{path.name} does not match its card (sha256 {digest[:12]}… "
                                      f"vs {(expected or '?')[:12]}…); "
                                      "the file was changed or corrupted: re-save or rebuild it")
    if path.suffix == ".skops":
        return Model(_load_skops(path), card)
    try:
        estimator = joblib.load(path)
    except Exception as exc:  # corrupted pickles raise many kinds of errors
        raise ModelCompatibilityError(f"could not unpickle {path.name}: {exc}") from exc
    return Model(estimator, card)


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
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, ensure_ascii=False, default=str)
        fh.write("\n")
    os.replace(tmp, path)
