"""One-line conveniences over the batch API: ``heartscore.score("text")``."""
from __future__ import annotations

import functools

from .model import Model
from .persistence import load
from .results import Result

__all__ = ["score", "shipped_model"]


@functools.lru_cache(maxsize=1)
def shipped_model() -> Model:
    """The shipped model (:func:`heartscore.load` with no path), loaded once per process."""
    return load()


def score(text: str) -> Result:
    """Score one text with the shipped model: ``heartscore.score("text")``.

    The model is loaded on the first call and kept. For many texts use
    ``heartscore.load().score_many(texts)``; for another model, ``heartscore.load(path)``."""
    return shipped_model().score(text)
