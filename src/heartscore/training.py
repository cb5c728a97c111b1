"""Training: a config dataclass that round-trips, ``train(frame, config) → Model`` and
``cross_validate(frame, config)``.

Splits come from a ``split`` column (train/dev/test) when present; otherwise a seeded,
polarity-stratified 70/15/15 split is made. Thresholds are tuned on dev, metrics computed
once on test, and everything needed to reproduce the model is recorded in its card.

With ``with_base=True`` the shipped corpus is mixed in (its own train/dev split): a company
with a few hundred labeled rows still gets a good model. Then

- the per-class minimum counts base rows too;
- held-out metrics are computed on the company's test rows only;
- ``company_weight`` sets how much each company row counts against a base row;
- a signal column the company file lacks is learned from base rows only (the base model's
  behaviour); an extra signal the base corpus lacks is learned from company rows only
  (base rows are left out of that head, not counted as 0);
- thresholds are tuned on the company's dev rows when it has at least ``MIN_DEV_ROWS`` of
  them, else on company and base dev rows together.

Without ``with_base`` a signal column missing from the file is dropped from the schema (with
a warning); the heart score then uses the core signals that remain.
"""
from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold, train_test_split

from .card import BaseInfo, ModelCard
from .classifier import HeartscoreClassifier
from .corpus import check_labeled, file_sha256, labels_matrix, load_base, with_text_column
from .errors import InputError, SchemaError
from .evaluation import polarity_macro_f1, signal_macro_f1
from .labels import CORE_SIGNALS, ERROR_COLUMN, EVIDENCE_COLUMN, MODEL_COLUMN, LabelSchema
from .model import Model
from .nlp.cues import read_cues
from .preprocess import NlpSpec

__all__ = ["TrainConfig", "train", "split_frame", "cross_validate", "MIN_PER_CLASS",
           "MIN_DEV_ROWS"]

#: Fewest training examples of each class of each label (base rows count with --with-base).
MIN_PER_CLASS = 5
#: Company dev rows needed to tune thresholds on them alone (with --with-base).
MIN_DEV_ROWS = 100


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a trained model. Stored in the card; ``from_dict(to_dict())``
    gives an equal config."""

    C: float = 0.3  # chosen on dev (2026-11-25)
    ngram_range: tuple[int, int] = (1, 2)
    min_df: int = 2
    max_features: int | None = 20000
    cue_weight: float = 2.0  # chosen on dev (2026-11-25)
    lexicon_weight: float = 1.0
    seed: int = 0
    dev_fraction: float = 0.15
    test_fraction: float = 0.15
    signals: tuple[str, ...] = CORE_SIGNALS
    text_column: str = "text"
    with_base: bool = False
    company_weight: float = 1.0
    nlp: dict[str, Any] = field(default_factory=lambda: NlpSpec().to_dict())
    #: Extra cue files (paths) matched beside the shipped cues; their labels become features.
    cues: tuple[str, ...] = ()
    #: Scale of the pooled word-vector features (0: none).
    vector_weight: float = 0.0
    #: With ``with_base``: weight of a real-corpus base row and of a distant (rating-
    #: labelled, polarity-only) row against a hand-written one (0 leaves that kind out).
    real_weight: float = 1.0
    distant_weight: float = 0.3  # chosen on dev by benchmarks/levers.py (2026-12-07)
    #: Most "neutral" answers the dev-tuned neutral band may give on gold good/bad dev rows
    #: (None: no cap).
    neutral_cap: float | None = 0.05  # chosen on dev by benchmarks/levers.py (2026-12-07)
    #: Rows that choose the n-gram vocabulary: "signal-labelled" or "all" (see the estimator).
    vocabulary_from: str = "signal-labelled"  # chosen on dev by benchmarks/levers.py
    #: Decide a text from its sentences (heartscore.pooling), and the neutral-sentence
    #: training rows (heartscore.augment): chosen on dev by benchmarks/levers.py (2026-12-07)
    #: with benchmarks/invariance.py.
    by_sentence: bool = True
    neutral_append: float = 0.5
    neutral_alone: float = 1.0
    #: With ``with_base``: weight of a teacher row (a pool text labelled by the accurate
    #: model, kind ``teacher`` in the base frame the caller passes; 0 leaves them out).
    teacher_weight: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        d = asdict(self)
        d["ngram_range"] = list(self.ngram_range)
        d["signals"] = list(self.signals)
        d["cues"] = list(self.cues)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "TrainConfig":
        """Inverse of :meth:`to_dict`."""
        d = dict(d)
        d["ngram_range"] = tuple(d.get("ngram_range", (1, 2)))
        d["signals"] = tuple(d.get("signals", CORE_SIGNALS))
        d["cues"] = tuple(d.get("cues", ()))
        return cls(**d)

    @property
    def schema(self) -> LabelSchema:
        """The label schema these settings train."""
        return LabelSchema(signals=tuple(self.signals))

    def check(self) -> None:
        """Raise :class:`InputError` naming the first setting that cannot train a model: a
        signal list that is empty, repeats a name or takes an output column's name (its
        values would be lost under that column); a C, weight or fraction out of range."""
        signals = list(self.signals)
        if not signals:
            raise InputError("signals is empty; name at least one signal, e.g. trust")
        taken = {*LabelSchema(signals=()).output_columns(), "text", "split", EVIDENCE_COLUMN,
                 ERROR_COLUMN, MODEL_COLUMN}
        for name in signals:
            if not isinstance(name, str) or not name.strip() or name != name.strip() \
                    or name in taken:
                raise InputError(f"signal name {name!r} cannot be used: expected a name "
                                 "without spaces around it that is not a column scoring "
                                 f"writes ({', '.join(sorted(taken))}); rename it")
        if len(set(signals)) != len(signals):
            twice = next(n for n in signals if signals.count(n) > 1)
            raise InputError(f"signal {twice!r} is named twice in signals; name each once")
        for field_name, low, strict in (("C", 0.0, True), ("company_weight", 0.0, True),
                                         ("real_weight", 0.0, False),
                                         ("distant_weight", 0.0, False),
                                         ("teacher_weight", 0.0, False),
                                         ("dev_fraction", 0.0, True),
                                         ("test_fraction", 0.0, True)):
            value = getattr(self, field_name)
            ok = isinstance(value, (int, float)) and math.isfinite(value) and (
                value > low if strict else value >= low)
            if ok and field_name.endswith("fraction"):
                ok = value < 1.0
            if not ok:
                want = "in (0, 1)" if field_name.endswith("fraction") else \
                    (f"> {low:g}" if strict else f">= {low:g}") + " and finite"
                raise InputError(f"{field_name} must be a number {want}; got {value!r}")
        if self.dev_fraction + self.test_fraction >= 1.0:
            raise InputError(f"dev_fraction + test_fraction must be below 1 (rows must be left "
                             f"to train on); got {self.dev_fraction} + {self.test_fraction}")
        if not isinstance(self.seed, int) or not 0 <= self.seed < 2 ** 32:
            raise InputError(f"seed must be a whole number from 0 to 2**32 - 1; got "
                             f"{self.seed!r}")


def _estimator(config: TrainConfig, schema: LabelSchema, **params: Any) -> HeartscoreClassifier:
    """The unfitted estimator ``config`` describes (``params`` override its settings)."""
    settings = dict(schema=schema.to_dict(), nlp=config.nlp, C=config.C,
                    ngram_range=config.ngram_range, min_df=config.min_df,
                    max_features=config.max_features, cue_weight=config.cue_weight,
                    lexicon_weight=config.lexicon_weight, cues=list(config.cues) or None,
                    vector_weight=config.vector_weight, vocabulary_from=config.vocabulary_from,
                    neutral_cap=config.neutral_cap, validation_fraction=config.dev_fraction,
                    by_sentence=config.by_sentence, neutral_append=config.neutral_append,
                    neutral_alone=config.neutral_alone, random_state=config.seed)
    return HeartscoreClassifier(**{**settings, **params})


def split_frame(df: pd.DataFrame, config: TrainConfig) -> dict[str, pd.DataFrame]:
    """train/dev/test frames: the ``split`` column when present (:func:`given_split`), else
    a seeded split stratified on polarity."""
    if "split" in df.columns:
        return given_split(df, config)
    return _seeded_split(df, config, dev=config.dev_fraction, test=config.test_fraction)


def given_split(df: pd.DataFrame, config: TrainConfig) -> dict[str, pd.DataFrame]:
    """The rows as their ``split`` column puts them: train, dev or test in every row (case
    and spaces around it ignored). Without dev rows, a seeded share of the train rows
    (``dev_fraction`` of all rows) becomes dev, stratified on polarity; the test rows stay as
    given. A row without a value, any other value, or no train row is refused: rows are
    never dropped or re-split silently."""
    values = df["split"].astype("string").str.strip().str.lower().fillna("")
    if (values == "").any():
        first = int(np.flatnonzero((values == "").to_numpy())[0])
        raise SchemaError(f"column 'split' is empty in {int((values == '').sum())} row(s) "
                          f"(first: data row {first + 1}); expected train, dev or test in "
                          "every row: fill them in, or drop the column for a seeded split; "
                          "no model was written")
    counts = values.value_counts()
    unknown = [v for v in counts.index if v not in ("train", "dev", "test")]
    if unknown:
        found = ", ".join(f"{v!r} ({counts[v]} rows)" for v in unknown[:5])
        raise SchemaError(f"column 'split' should hold train, dev or test; found {found}: "
                          "rename those values, or drop the column for a seeded split; no "
                          "model was written")
    parts = {name: df[(values == name).to_numpy()] for name in ("train", "dev", "test")}
    if not len(parts["train"]):
        raise SchemaError("column 'split' has no train rows; mark the rows to learn from "
                          "'train', or drop the column for a seeded split; no model was written")
    if not len(parts["dev"]):  # thresholds need dev rows: carve them from train, keep test
        share = min(0.5, config.dev_fraction * len(df) / len(parts["train"]))
        parts.update(_seeded_split(parts["train"], config, dev=share, test=0.0))
    return parts


def _seeded_split(df: pd.DataFrame, config: TrainConfig, *, dev: float, test: float
                  ) -> dict[str, pd.DataFrame]:
    """train, dev and (when ``test`` > 0) test frames: a split seeded by ``config.seed`` and
    stratified on polarity, ``dev`` and ``test`` the shares of ``df``'s rows."""
    names = ("train", "dev", "test") if test > 0 else ("train", "dev")
    def strat(rows: pd.DataFrame) -> pd.Series:
        return rows["polarity"].astype(str).str.lower()
    try:
        rest, held = (train_test_split(df, test_size=test, random_state=config.seed,
                                       stratify=strat(df)) if test > 0 else (df, None))
        train, dev_rows = train_test_split(rest, test_size=dev / (1 - test),
                                           random_state=config.seed, stratify=strat(rest))
    except ValueError as exc:  # too few rows per polarity for a stratified split
        ways = ["label more rows"] + ([] if "split" in df.columns else ["add a 'split' column"]) \
            + ([] if config.with_base else ["add --with-base"])
        todo = ways[0] if len(ways) == 1 else f"{', '.join(ways[:-1])} or {ways[-1]}"
        raise SchemaError(f"{len(df)} labeled rows are too few to split into "
                          f"{', '.join(names)} stratified on polarity ({exc}); {todo}; no "
                          "model was written") from None
    return {"train": train, "dev": dev_rows, **({"test": held} if test > 0 else {})}


def _prepare(df: pd.DataFrame, config: TrainConfig) -> tuple[pd.DataFrame, LabelSchema,
                                                            list[str]]:
    """Rename the text column, settle the schema, check labels, drop exact duplicates."""
    df = with_text_column(df, config.text_column)
    warnings: list[str] = []
    schema = config.schema
    missing = [s for s in schema.signals if s not in df.columns]
    if missing and not config.with_base:
        extra = [s for s in missing if s not in CORE_SIGNALS]
        if extra:
            raise SchemaError(f"no column for signal(s) {', '.join(extra)} named in --signals; "
                              f"columns are {', '.join(map(str, df.columns))}")
        schema = LabelSchema(signals=tuple(s for s in schema.signals if s not in missing))
        warnings.append(f"signal column(s) {', '.join(missing)} missing: dropped from the "
                        "model (use --with-base to keep them from the base corpus)")
    elif missing:
        extra = [s for s in missing if s not in CORE_SIGNALS]
        if extra:
            raise SchemaError(f"no column for signal(s) {', '.join(extra)}: the base corpus "
                              "does not have them either")
        warnings.append(f"signal column(s) {', '.join(missing)} missing: learned from base "
                        "rows only")
    warnings += check_labeled(df, schema, require_all=False)
    label_cols = [c for c in schema.labels if c in df.columns]
    norm = df["text"].astype(str).str.strip().str.lower()
    dup = norm.duplicated() & df.assign(_t=norm).duplicated(["_t", *label_cols])
    if dup.any():
        warnings.append(f"{int(dup.sum())} exact duplicate row(s) (same text and labels) "
                        "dropped")
        df = df[~dup.to_numpy()]
    return df, schema, warnings


def _check_minimum(Y: np.ndarray, schema: LabelSchema, what: str) -> None:
    problems = []
    for j, label in enumerate(schema.labels):
        col = [v for v in Y[:, j] if v is not None and not (isinstance(v, float) and np.isnan(v))]
        for c in schema.classes(label):
            n = sum(1 for v in col if v == c)
            if n < MIN_PER_CLASS:
                problems.append(f"{label}={c}: {n}")
    if problems:
        raise SchemaError(f"too few {what} examples per class (at least {MIN_PER_CLASS} "
                          f"needed): {'; '.join(problems)}. Label more rows of these classes "
                          "or add --with-base to mix in the base corpus; no model was written.")


def train(df: pd.DataFrame, config: TrainConfig | None = None, *, name: str = "heartscore",
          corpus_info: dict[str, Any] | None = None, base: pd.DataFrame | None = None) -> Model:
    """Train, tune thresholds on dev, evaluate on test, and return a Model with its card.

    ``base`` overrides the base corpus used with ``config.with_base`` (default: the shipped
    one, :func:`heartscore.resources.base_corpus_path`).
    """
    config = config or TrainConfig()
    config.check()
    for path in config.cues:  # a bad cue file stops training before any work
        read_cues(path)
    df, schema, warnings = _prepare(df, config)
    if config.company_weight != 1.0 and not config.with_base:
        warnings.append(f"company_weight {config.company_weight:g} has no effect without the "
                        "base corpus (--with-base): every row is yours, weighted alike")
    parts = split_frame(df, config)
    tr, dev, te = parts["train"], parts["dev"], parts["test"]
    X_tr, Y_tr = tr["text"].tolist(), labels_matrix(tr, schema)
    weights = np.full(len(X_tr), config.company_weight)
    X_dev, Y_dev = dev["text"].tolist(), labels_matrix(dev, schema)
    base_info: BaseInfo | None = None
    if config.with_base:
        base = load_base() if base is None else base
        if "kind" not in base.columns:
            base = base.assign(kind="written")
        kind_weight = {"written": 1.0, "real": config.real_weight,
                       "distant": config.distant_weight, "teacher": config.teacher_weight}
        base = base.assign(_weight=base["kind"].map(kind_weight).fillna(1.0))
        base = base[base["_weight"] > 0]
        bparts = split_frame(base, config)
        btr, bdev = bparts["train"], bparts["dev"]
        X_tr += btr["text"].tolist()
        Y_tr = np.vstack([Y_tr, labels_matrix(btr, schema)])
        weights = np.concatenate([weights, btr["_weight"].to_numpy()])
        if len(dev) < MIN_DEV_ROWS:
            X_dev += bdev["text"].tolist()
            Y_dev = np.vstack([Y_dev, labels_matrix(bdev, schema)])
            warnings.append(f"only {len(dev)} company dev rows: thresholds tuned on company "
                            "and base dev rows together")
        base_info = {"rows_train": int(len(btr)), "rows_dev": int(len(bdev)),
                     "rows_by_kind": {str(k): int(n) for k, n in
                                      btr["kind"].value_counts().sort_index().items()}}
    _check_minimum(Y_tr, schema, "training")
    est = _estimator(config, schema)
    est.fit(X_tr, Y_tr, sample_weight=weights if config.with_base else None,
            X_val=X_dev, y_val=Y_dev)
    cue_files = [{"file": os.path.basename(p), "sha256": file_sha256(p),
                  "labels": sorted({c.label for c in read_cues(p)})}
                 for p in config.cues] if config.cues else None
    card = ModelCard(
        name=name, created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        schema=schema.to_dict(), nlp=config.nlp, config=config.to_dict(),
        thresholds=est.thresholds_, corpus=corpus_info or {},
        rows={k: int(len(v)) for k, v in parts.items()}, warnings=warnings,
        base=base_info, cue_files=cue_files)
    model = Model(est, card)
    if len(te):
        report = model.evaluate(te["text"].tolist(), labels_matrix(te, schema))
        card.metrics = {"split": "test" + (" (company rows only)" if config.with_base
                                           else ""), **report}
    return model


def cross_validate(df: pd.DataFrame, config: TrainConfig | None = None, *,
                   folds: int = 5) -> dict[str, Any]:
    """k-fold cross-validation of training on ``df`` (folds stratified on polarity, seeded).

    Each fold trains on the other folds and decides by arg-max (no threshold tuning inside a
    fold); returns per-fold and mean ± sd polarity and signal macro-F1.
    """
    config = config or TrainConfig()
    config.check()
    if folds < 2:
        raise InputError(f"--cv needs at least 2 folds, got {folds}")
    df, schema, warnings = _prepare(df, config)
    y_pol = df["polarity"].astype(str).str.lower().to_numpy()
    counts = pd.Series(y_pol).value_counts()
    if counts.min() < folds:
        raise SchemaError(f"--cv {folds} needs at least {folds} rows of each polarity; "
                          f"found {counts.to_dict()}")
    skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=config.seed)
    texts = df["text"].tolist()
    Y = labels_matrix(df, schema)
    scores = []
    for k, (a, b) in enumerate(skf.split(texts, y_pol)):
        est = _estimator(config, schema, validation_fraction=None)  # arg-max decisions
        est.fit([texts[i] for i in a], Y[a])
        pred = est.predict([texts[i] for i in b])
        sig_t = Y[b][:, 1:].astype(float)
        known = ~np.isnan(sig_t).any(axis=1)
        scores.append({"fold": k + 1, "n": int(len(b)),
                       "polarity_macro_f1": round(polarity_macro_f1(Y[b][:, 0], pred[:, 0]), 4),
                       "signal_macro_f1": round(signal_macro_f1(sig_t[known].astype(int),
                                                                pred[known][:, 1:].astype(int)),
                                                4)})
    out: dict[str, Any] = {"folds": scores, "stratified_on": "polarity", "warnings": warnings}
    for key in ("polarity_macro_f1", "signal_macro_f1"):
        vals = np.array([s[key] for s in scores])
        out[key] = {"mean": round(float(vals.mean()), 4), "sd": round(float(vals.std(ddof=1)), 4)}
    return out
