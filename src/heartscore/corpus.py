"""The labeled corpus and labeled exports: label checks that report row numbers, label
matrices, the shipped corpus and file hashes. Reading and writing tables is
:mod:`heartscore.io`'s job."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError, SchemaError, format_rows
from .labels import DEFAULT_SCHEMA, LabelSchema
from .resources import base_corpus_path

__all__ = ["check_labeled", "labels_matrix", "corpus_path", "load_corpus", "file_sha256",
           "load_base", "teacher_rows", "with_text_column", "BASE_KINDS", "TEACHER_SHARE"]

#: The kinds of base rows ``--with-base`` mixes in (column ``kind`` of :func:`load_base`).
BASE_KINDS = ("written", "real", "distant")
#: Share of the teacher's pool labels kept as training rows: the ones it is most confident
#: of (benchmarks/levers.py's teacher step; the lever is not in the shipped recipe).
TEACHER_SHARE = 0.5


def check_labeled(df: pd.DataFrame, schema: LabelSchema = DEFAULT_SCHEMA, *,
                  text_column: str = "text", require_all: bool = True,
                  for_training: bool = True) -> list[str]:
    """Check a labeled table against the schema. Raises :class:`SchemaError` listing the
    offending rows (1-based data rows); returns a list of warnings. ``for_training=False``
    (evaluating a model on the labels): a label with one value is fine, as there is nothing
    to learn, and the refusal does not speak of a model being written."""
    problems: list[str] = []
    cols = list(df.columns)
    if text_column not in cols:
        raise SchemaError(f"no text column {text_column!r}; columns are {', '.join(cols)}")
    missing = [c for c in schema.labels if c not in cols]
    if "polarity" in missing or (require_all and missing):
        raise SchemaError(f"missing label column(s) {', '.join(missing)}; columns are "
                          f"{', '.join(cols)}")
    rows = np.arange(len(df)) + 2  # header is line 1 of a CSV
    texts = df[text_column]
    empty = texts.isna() | (texts.astype(str).str.strip() == "")
    if empty.any():
        problems.append(f"empty text in {format_rows(rows[empty.to_numpy()])}")
    for label in schema.labels:
        if label not in cols:
            continue
        allowed = {str(c) for c in schema.classes(label)}
        vals = _label_text(df[label], label)
        bad = ~vals.isin(allowed)
        if bad.any():
            shown = sorted(set(df[label][bad.to_numpy()].astype(str)))[:5]
            problems.append(f"column {label!r} has values {', '.join(repr(v) for v in shown)} "
                            f"(allowed: {', '.join(sorted(allowed))}) in "
                            f"{format_rows(rows[bad.to_numpy()])}")
        elif for_training and vals.nunique() < 2:
            problems.append(f"column {label!r} has a single value {vals.iloc[0]!r}: nothing to learn")
    norm = texts.astype(str).str.strip().str.lower()
    label_cols = [c for c in schema.labels if c in cols]
    # labels compared as read ("GOOD" is good, "+1" and "1.0" are 1): equal labels written
    # differently are not a conflict
    same = pd.DataFrame({c: _label_text(df[c], c) for c in label_cols}, index=df.index)
    conflicts = same.assign(_t=norm).groupby("_t")[label_cols].nunique(dropna=False).max(axis=1) > 1
    if conflicts.any():
        bad_texts = set(conflicts[conflicts].index)
        problems.append("duplicate texts with conflicting labels in "
                        f"{format_rows(rows[norm.isin(bad_texts).to_numpy()])}")
    if problems:
        raise SchemaError("labeled data has problems: " + "; ".join(problems)
                          + ". Fix these rows and run again"
                          + ("; no model was written." if for_training else "."))
    warnings = []
    pol = df["polarity"].astype(str).str.lower().value_counts(normalize=True)
    if pol.max() > 0.7:
        warnings.append(f"polarity is imbalanced: {pol.idxmax()!r} is {pol.max():.0%} of rows")
    return warnings


def with_text_column(df: pd.DataFrame, column: str) -> pd.DataFrame:
    """``df`` with its text column ``column`` named ``text``; an :class:`InputError` when
    there is no such column, or a ``text`` column besides it (two columns would be named
    text)."""
    if column not in df.columns:
        raise InputError(f"no text column {column!r}; columns are "
                         f"{', '.join(map(str, df.columns))}; pass --text-column")
    if column == "text":
        return df
    if "text" in df.columns:
        raise InputError(f"the file has a 'text' column besides the text column {column!r}; "
                         "rename or drop 'text', or pass --text-column text")
    return df.rename(columns={column: "text"})


def _label_text(values: pd.Series, label: str) -> pd.Series:
    """Label cells as the text of their class: case and spaces ignored, a signal's "+1" and
    "1.0" read as "1"."""
    vals = values.astype(str).str.strip().str.lower()
    if label != "polarity":
        vals = vals.str.replace(r"^\+", "", regex=True).str.replace(r"\.0$", "", regex=True)
    return vals


def labels_matrix(df: pd.DataFrame, schema: LabelSchema = DEFAULT_SCHEMA) -> np.ndarray:
    """An (n, labels) object array (polarity strings, signal ints; None where a column is
    absent) in the schema's label order."""
    out = np.empty((len(df), len(schema.labels)), dtype=object)
    for j, label in enumerate(schema.labels):
        if label not in df.columns:
            out[:, j] = None
        elif label == "polarity":
            out[:, j] = df[label].astype(str).str.strip().str.lower().to_numpy()
        else:
            out[:, j] = [None if pd.isna(v) else int(float(v)) for v in df[label]]
    return out


def file_sha256(path: str | os.PathLike) -> str:
    """SHA-256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def corpus_path() -> Path:
    """The labeled corpus shipped in ``corpora/``; found by
    :func:`heartscore.resources.base_corpus_path`."""
    return base_corpus_path()


def load_corpus(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """The labeled corpus with signal columns as ints."""
    df = pd.read_csv(path or corpus_path(), dtype={"id": str}, keep_default_na=False)
    for s in DEFAULT_SCHEMA.signals:
        df[s] = df[s].astype(int)
    return df


def teacher_rows(pool: pd.DataFrame, labels: pd.DataFrame,
                 share: float = TEACHER_SHARE) -> pd.DataFrame:
    """Base rows of kind ``teacher`` for :func:`heartscore.training.train`'s ``base``
    (weighted by ``TrainConfig.teacher_weight``): ``pool`` texts (``id``, ``source``,
    ``text``) with the teacher's ``labels`` (``id``, polarity, the signals, ``confidence``),
    the ``share`` it is most confident of (ties at the cut kept)."""
    df = pool.merge(labels, on="id", how="inner", validate="one_to_one")
    if len(df) != len(pool):
        raise SchemaError(f"teacher labels cover {len(df)} of {len(pool)} pool texts; "
                          "re-make them with the pool they label")
    conf = df["confidence"].to_numpy(dtype=float)
    df = df[conf >= np.quantile(conf, 1 - share)].drop(columns=["confidence"])
    df = df.reset_index(drop=True)
    for s in DEFAULT_SCHEMA.signals:
        df[s] = df[s].astype(int)
    return df.assign(kind="teacher", split="train")


def load_base(*, kinds: tuple[str, ...] = BASE_KINDS,
              exclude_sources: tuple[str, ...] = ()) -> pd.DataFrame:
    """The base rows ``--with-base`` training mixes in, with a ``kind`` column:

    - ``written``: the hand-written corpus (its own train/dev/test ``split``);
    - ``real``: ``corpora/real/real.csv``'s train and dev rows (never its test rows);
    - ``distant``: ``corpora/real/distant.csv``, real rows whose polarity comes from the
      customer's own rating (signals unlabelled, all ``train``).

    ``exclude_sources`` leaves real and distant rows of those sources out (leave-one-source-
    out evaluation)."""
    root = corpus_path().parent
    parts = []
    if "written" in kinds:
        parts.append(load_corpus().assign(kind="written", source="written"))
    if "real" in kinds:
        real = pd.read_csv(root / "real" / "real.csv", dtype={"id": str, "source_id": str},
                           keep_default_na=False)
        real = real[real["split"].isin(["train", "dev"])]
        for s in DEFAULT_SCHEMA.signals:
            real[s] = real[s].astype(int)
        parts.append(real.assign(kind="real"))
    if "distant" in kinds:
        distant = pd.read_csv(root / "real" / "distant.csv", dtype={"id": str},
                              keep_default_na=False)
        parts.append(distant.assign(kind="distant", split="train"))
    df = pd.concat(parts, ignore_index=True)
    if exclude_sources:
        df = df[~df["source"].isin(exclude_sources)].reset_index(drop=True)
    return df
