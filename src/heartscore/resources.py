"""Where heartscore finds its files, in one place.

Package data (the model-card template, ``data/*``) ships inside the package and is read with
:mod:`importlib.resources`, so it is found however heartscore is installed. The shipped model
(``models/``) and the base corpus (``corpora/``) are top-level folders of the source
checkout; a wheel build copies them into the package as ``heartscore/_shipped/`` (see
``setup.py``). :func:`shipped_folder` looks there first and then in the checkout, so a wheel
install and an editable install both find them; :func:`shipped_model_path` and
:func:`base_corpus_path` are the only callers.
"""
from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import HeartscoreError, ModelCompatibilityError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = ["MODEL_ENV", "SHIPPED_DIR", "package_file", "checkout_root", "shipped_folder",
           "shipped_model_path", "shipped_accurate_path", "base_corpus_path"]

#: Environment variable naming the model ``heartscore.load()`` loads by default.
MODEL_ENV = "HEARTSCORE_MODEL"
#: Package folder a wheel build fills from the checkout's ``models/`` and ``corpora/``.
SHIPPED_DIR = "_shipped"


def package_file(*parts: str) -> Traversable:
    """A file shipped inside the package, e.g. ``package_file("templates", "x.j2")``."""
    return files("heartscore").joinpath(*parts)


def checkout_root() -> Path | None:
    """The source checkout heartscore runs from (``<root>/src/heartscore`` beside
    ``<root>/pyproject.toml``), or None when it is installed from a wheel."""
    package = files("heartscore")
    if not isinstance(package, Path):  # e.g. imported from a zip: no checkout around it
        return None
    # The layout is checked, not assumed: an installed package's grandparent is some
    # unrelated folder (site-packages' lib/), which must not pass for the checkout.
    root = package.resolve().parent.parent
    if package.resolve().parent.name == "src" and (root / "pyproject.toml").is_file():
        return root
    return None


def shipped_folder(name: str) -> Path | None:
    """The shipped ``models`` or ``corpora`` folder: ``heartscore/_shipped/<name>`` inside
    an installed wheel, else ``<checkout>/<name>``; None when neither exists."""
    inside = files("heartscore").joinpath(SHIPPED_DIR, name)
    if isinstance(inside, Path) and inside.is_dir():
        return inside
    root = checkout_root()
    return root / name if root is not None else None


def shipped_model_path() -> Path:
    """The model ``heartscore.load()`` loads: ``$HEARTSCORE_MODEL`` when set, else the newest
    ``models/heartscore-*.hsm`` (the safe model format) shipped with the package.

    Raises :class:`ModelCompatibilityError` when there is none."""
    env = os.environ.get(MODEL_ENV)
    if env:
        return Path(env)
    folder = shipped_folder("models")
    found = sorted(folder.glob("heartscore-*.hsm")) if folder is not None else []
    if not found:
        where = folder if folder is not None else "the installed package"
        raise ModelCompatibilityError(
            f"no shipped model in {where}: expected a heartscore-*.hsm file there; reinstall "
            f"heartscore from a complete wheel or from the checkout (pip install -e .), set "
            f"{MODEL_ENV}=/path/to/heartscore-x.hsm, or pass heartscore.load(path)")
    return found[-1]


def shipped_accurate_path() -> Path:
    """The accurate model's file: the newest ``models/heartscore-accurate-*.npz`` shipped
    with the package. Raises :class:`ModelCompatibilityError` when there is none."""
    folder = shipped_folder("models")
    found = sorted(folder.glob("heartscore-accurate-*.npz")) if folder is not None else []
    if not found:
        raise ModelCompatibilityError(
            f"no accurate model in {folder or 'the installed package'}: expected a "
            "heartscore-accurate-*.npz file there; reinstall heartscore from a complete wheel "
            "or from the checkout")
    return found[-1]


def base_corpus_path() -> Path:
    """The hand-written base corpus (``corpora/heartscore_corpus.csv``, shipped with the
    package beside ``corpora/real/``), which ``--with-base`` training mixes in.

    Raises :class:`HeartscoreError` when it is missing."""
    folder = shipped_folder("corpora")
    path = folder / "heartscore_corpus.csv" if folder is not None else None
    if path is None or not path.is_file():
        raise HeartscoreError(f"no base corpus in {folder or 'the installed package'}: expected "
                              "corpora/heartscore_corpus.csv; reinstall heartscore from a "
                              "complete wheel or from the checkout (pip install -e .) to "
                              "train with the base corpus, or train without --with-base")
    return path
