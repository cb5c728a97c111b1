"""The label schema: polarity values, signal names, allowed signal values and column order.

This module is the single place where label strings live (LABELS.md is the human source).
A model carries its own schema in its card, so a retrained model may add signals; the
default schema is the four core signals. Imports nothing from heartscore.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["LabelSchema", "DEFAULT_SCHEMA", "CORE_SIGNALS", "POLARITY", "SIGNAL_VALUES",
           "SIGNAL_QUESTIONS", "EXPERIENCE_COLUMN", "EXPERIENCE_STATES",
           "ERROR_COLUMN", "MODEL_COLUMN", "EVIDENCE_COLUMN"]

#: Polarity classes, ordered from worst to best (the classifier's class order).
POLARITY: tuple[str, ...] = ("bad", "neutral", "good")
#: The four core signals of LABELS.md; the heart score is defined on these only.
CORE_SIGNALS: tuple[str, ...] = ("trust", "safety", "seen", "mattering")
#: The question each core signal answers (LABELS.md), as the report shows it.
SIGNAL_QUESTIONS: dict[str, str] = {"trust": "Can I rely on you?",
                                    "safety": "Do I feel safe and supported?",
                                    "seen": "Do you see me, hear me, know me?",
                                    "mattering": "Do I matter to you as a person?"}
#: Allowed values of every signal: violated, not expressed, met.
SIGNAL_VALUES: tuple[int, ...] = (-1, 0, 1)
SCHEMA_VERSION = "1"
#: Output column saying why a row was not scored (empty when it was).
ERROR_COLUMN = "heartscore_error"
#: Output column of the customer's emotional state, from polarity and the core signals.
EXPERIENCE_COLUMN = "experience"
#: The states, as the CX literature frames them. Good polarity splits three ways: at least
#: one need met and none violated, no need met and none violated, or a need violated; bad
#: polarity is ``dissatisfied`` and neutral polarity ``neutral``.
EXPERIENCE_STATES: tuple[str, ...] = ("emotionally satisfied", "rationally satisfied", "mixed",
                                      "dissatisfied", "neutral")
#: Output column naming the model that scored a row.
MODEL_COLUMN = "heartscore_model"
#: Output column holding the evidence JSON (with ``--evidence``).
EVIDENCE_COLUMN = "evidence"


@dataclass(frozen=True)
class LabelSchema:
    """Which labels a model predicts and how they appear as columns.

    Parameters
    ----------
    signals:
        Signal names in output order. The default is the four core signals.
    version:
        Schema version, stored in model cards.
    """

    signals: tuple[str, ...] = CORE_SIGNALS
    polarity_values: tuple[str, ...] = POLARITY
    signal_values: tuple[int, ...] = SIGNAL_VALUES
    version: str = SCHEMA_VERSION
    text_column: str = field(default="text", compare=False)

    @property
    def labels(self) -> tuple[str, ...]:
        """All label names: ``polarity`` first, then the signals."""
        return ("polarity", *self.signals)

    def classes(self, label: str) -> tuple:
        """The class values of one label, in the classifier's column order."""
        if label == "polarity":
            return self.polarity_values
        if label in self.signals:
            return self.signal_values
        raise KeyError(f"unknown label {label!r}; this schema has {', '.join(self.labels)}")

    def proba_columns(self) -> list[str]:
        """Output column names of the per-class probabilities, e.g. ``p_trust_-1``."""
        return [f"p_{label}_{c}" for label in self.labels for c in self.classes(label)]

    def label_columns(self) -> list[str]:
        """Output columns of the hard labels: ``polarity`` then the signals."""
        return list(self.labels)

    def output_columns(self) -> list[str]:
        """All result columns in their fixed order (labels, experience, heart score,
        confidence, probabilities)."""
        return [*self.label_columns(), EXPERIENCE_COLUMN, "heart_score", "confidence", "low_confidence",
                *self.proba_columns()]

    def column_types(self) -> dict[str, str]:
        """The type of every column scoring adds (``string``, ``int``, ``float``, ``bool``),
        the one place writers and frames take their column types from."""
        types = {"polarity": "string", **{s: "int" for s in self.signals},
                 EXPERIENCE_COLUMN: "string", "heart_score": "float", "confidence": "float", "low_confidence": "bool",
                 **{c: "float" for c in self.proba_columns()}}
        return {**types, EVIDENCE_COLUMN: "string", ERROR_COLUMN: "string", MODEL_COLUMN: "string"}

    def signal_classes(self) -> list[str]:
        """The eight (or more) signal labels of the macro-F1, e.g. ``trust+``, ``trust-``."""
        return [f"{s}{sign}" for s in self.signals for sign in ("+", "-")]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (stored in model cards)."""
        return {"signals": list(self.signals), "polarity_values": list(self.polarity_values),
                "signal_values": list(self.signal_values), "version": self.version}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "LabelSchema":
        """Inverse of :meth:`to_dict`."""
        return cls(signals=tuple(d["signals"]), polarity_values=tuple(d["polarity_values"]),
                   signal_values=tuple(int(v) for v in d["signal_values"]),
                   version=str(d["version"]))


DEFAULT_SCHEMA = LabelSchema()
