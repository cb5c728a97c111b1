"""Where heartscore finds its files, in one place.

Package data (the model-card template, ``data/*``) ships inside the package and is read with
:mod:`importlib.resources`, so it is found however heartscore is installed. The shipped model
(``models/``) and the base corpus (``corpora/``) live in the source checkout, outside the
package: :func:`shipped_model_path` and :func:`base_corpus_path` are the only places that
know where, so moving them into the wheel later changes these two functions and nothing else.
"""
from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import HeartscoreError, ModelCompatibilityError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = ["MODEL_ENV", "package_file", "checkout_root", "shipped_model_path",
           "base_corpus_path"]

#: Environment variable naming the model ``heartscore.load()`` loads by default.
MODEL_ENV = "HEARTSCORE_MODEL"


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


def shipped_model_path() -> Path:
    """The model ``heartscore.load()`` loads: ``$HEARTSCORE_MODEL`` when set, else the newest
    ``models/heartscore-*.hsm`` (the safe model format) of the source checkout.

    Raises :class:`ModelCompatibilityError` when there is none."""
    env = os.environ.get(MODEL_ENV)
    if env:
        return Path(env)
    root = checkout_root()
    folder = root / "models" if root is not None else None
    found = sorted(folder.glob("heartscore-*.hsm")) if folder is not None else []
    if not found:
        where = folder if folder is not None else "the installed package (not a source checkout)"
        raise ModelCompatibilityError(
            f"no shipped model in {where}: the shipped model lives in the source checkout's "
            f"models/ folder, so install heartscore from the checkout (pip install -e .), set "
            f"{MODEL_ENV}=/path/to/heartscore-x.hsm, or pass heartscore.load(path)")
    return found[-1]


def base_corpus_path() -> Path:
    """The hand-written base corpus (``corpora/heartscore_corpus.csv`` of the source
    checkout), which ``--with-base`` training mixes in.

    Raises :class:`HeartscoreError` when heartscore is not installed from a checkout."""
    root = checkout_root()
    if root is None:
        raise HeartscoreError("the base corpus lives in the source checkout's corpora/ folder "
                              "and heartscore is not installed from a checkout; install it "
                              "with pip install -e . from the checkout to train with the base "
                              "corpus")
    return root / "corpora" / "heartscore_corpus.csv"
