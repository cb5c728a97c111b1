"""Training: a config dataclass that round-trips, and ``train(frame, config) → Model``.

Splits come from the corpus's committed ``split`` column (train/dev/test) when present;
otherwise a seeded, polarity-stratified split is made. Thresholds are tuned on dev, test
metrics are computed once on test, and everything needed to reproduce the model is recorded
in its card.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from .classifier import HeartscoreClassifier
from .corpus import check_labeled, labels_matrix
from .errors import InputError
from .labels import LabelSchema
from .model import Model
from .preprocess import NlpSpec

__all__ = ["TrainConfig", "train", "split_frame"]


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a trained model. Stored in the card; ``from_dict(to_dict())``
    gives an equal config."""

    C: float = 0.3  # chosen on dev by scripts/tune_dev.py (2026-11-25)
    ngram_range: tuple[int, int] = (1, 2)
    min_df: int = 2
    max_features: int | None = 20000
    cue_weight: float = 2.0  # chosen on dev by scripts/tune_dev.py (2026-11-25)
    lexicon_weight: float = 1.0
    seed: int = 0
    dev_fraction: float = 0.15
    test_fraction: float = 0.15
    signals: tuple[str, ...] = ("trust", "safety", "seen", "mattering")
    text_column: str = "text"
    nlp: dict[str, Any] = field(default_factory=lambda: NlpSpec().to_dict())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        d = asdict(self)
        d["ngram_range"] = list(self.ngram_range)
        d["signals"] = list(self.signals)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "TrainConfig":
        """Inverse of :meth:`to_dict`."""
        d = dict(d)
        d["ngram_range"] = tuple(d.get("ngram_range", (1, 2)))
        d["signals"] = tuple(d.get("signals", cls.signals))
        return cls(**d)

    @property
    def schema(self) -> LabelSchema:
        """The label schema these settings train."""
        return LabelSchema(signals=tuple(self.signals))


def split_frame(df: pd.DataFrame, config: TrainConfig) -> dict[str, pd.DataFrame]:
    """train/dev/test frames: the ``split`` column when present, else a seeded split
    stratified on polarity."""
    if "split" in df.columns:
        parts = {name: df[df["split"] == name] for name in ("train", "dev", "test")}
        if len(parts["train"]) and len(parts["dev"]):
            return parts
    strat = df["polarity"].astype(str)
    rest, test = train_test_split(df, test_size=config.test_fraction, random_state=config.seed,
                                  stratify=strat)
    frac = config.dev_fraction / (1 - config.test_fraction)
    train, dev = train_test_split(rest, test_size=frac, random_state=config.seed,
                                  stratify=rest["polarity"].astype(str))
    return {"train": train, "dev": dev, "test": test}


def train(df: pd.DataFrame, config: TrainConfig | None = None, *,
          name: str = "heartscore", corpus_info: dict[str, Any] | None = None) -> Model:
    """Train, tune thresholds on dev, evaluate on test, and return a Model with its card."""
    config = config or TrainConfig()
    schema = config.schema
    if config.text_column not in df.columns:
        raise InputError(f"no text column {config.text_column!r}; columns are "
                         f"{', '.join(map(str, df.columns))}; set text_column")
    df = df.rename(columns={config.text_column: "text"}) if config.text_column != "text" else df
    warnings = check_labeled(df, schema)
    parts = split_frame(df, config)
    est = HeartscoreClassifier(schema=schema.to_dict(), nlp=config.nlp, C=config.C,
                               ngram_range=config.ngram_range, min_df=config.min_df,
                               max_features=config.max_features, cue_weight=config.cue_weight,
                               lexicon_weight=config.lexicon_weight)
    tr, dev, te = parts["train"], parts["dev"], parts["test"]
    est.fit(tr["text"].tolist(), labels_matrix(tr, schema))
    est.tune_thresholds(dev["text"].tolist(), labels_matrix(dev, schema))
    card: dict[str, Any] = {
        "name": name,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "schema": schema.to_dict(), "nlp": config.nlp, "config": config.to_dict(),
        "thresholds": est.thresholds_, "corpus": corpus_info or {},
        "rows": {k: int(len(v)) for k, v in parts.items()}, "warnings": warnings,
    }
    model = Model(est, card)
    if len(te):
        report = model.evaluate(te["text"].tolist(), labels_matrix(te, schema))
        card["metrics"] = {"split": "test", **report}
    return model
