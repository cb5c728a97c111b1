"""heartscore: read customer feedback and say how the service felt.

>>> import heartscore
>>> r = heartscore.score("She remembered my name and asked about my trip.")
>>> r.polarity, r.signals["seen"]
('good', 1)

The names below are imported when first used (PEP 562), so ``import heartscore`` (which
spaCy does for every pipeline, through the ``spacy_factories`` entry point) loads neither
scikit-learn nor pandas.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.3.0"

__all__ = ["load", "save", "score", "train", "TrainConfig", "score_frame", "score_file",
           "read_scored", "macro_f1_scorer", "drivers", "Model", "ModelCard", "Result",
           "LABELS", "LabelSchema", "__version__"]

#: Public name → (module, attribute) it is imported from on first use.
_LAZY: dict[str, tuple[str, str]] = {
    "ModelCard": (".card", "ModelCard"),
    "drivers": (".analysis.drivers", "drivers"),
    "LABELS": (".labels", "DEFAULT_SCHEMA"),
    "LabelSchema": (".labels", "LabelSchema"),
    "Model": (".model", "Model"),
    "load": (".persistence", "load"),
    "macro_f1_scorer": (".evaluation", "macro_f1_scorer"),
    "read_scored": (".frames", "read_scored"),
    "save": (".persistence", "save"),
    "score": (".shortcuts", "score"),
    "Result": (".results", "Result"),
    "score_file": (".scoring", "score_file"),
    "score_frame": (".scoring", "score_frame"),
    "TrainConfig": (".training", "TrainConfig"),
    "train": (".training", "train"),
}

if TYPE_CHECKING:
    from .analysis.drivers import drivers
    from .card import ModelCard
    from .evaluation import macro_f1_scorer
    from .frames import read_scored
    from .labels import DEFAULT_SCHEMA as LABELS
    from .labels import LabelSchema
    from .model import Model
    from .persistence import load, save
    from .results import Result
    from .scoring import score_file, score_frame
    from .shortcuts import score
    from .training import TrainConfig, train


def __getattr__(name: str) -> Any:
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'heartscore' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module, __name__), attr)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
