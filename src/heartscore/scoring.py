"""Batch scoring of tables: ``score_frame`` (pandas) and ``score_file`` (streaming files).

Every input row comes out, in order, with its original columns, plus the schema's output
columns. Rows whose text is empty, missing or not text get empty labels and a
``heartscore_error`` saying why. Output is written to a temporary file and renamed into
place at the end, so an interrupted run never leaves a file that looks complete.
"""
from __future__ import annotations

import os
import pickle
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .corpus import ChunkWriter, atomic_output, detect_format, detect_text_column, iter_chunks
from .errors import InputError
from .model import MAX_CHARS, Model
from .results import ERROR_COLUMN, MODEL_COLUMN

__all__ = ["score_frame", "score_file", "ScoreSummary"]


@dataclass
class ScoreSummary:
    """What a ``score_file`` run did."""

    rows: int = 0
    scored: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    truncated: int = 0
    text_column: str = ""
    text_column_reason: str = ""
    output: str = ""

    @property
    def n_errors(self) -> int:
        """Rows that could not be scored."""
        return sum(self.errors.values())


def _prepare(texts: pd.Series) -> tuple[list[str], np.ndarray, list[str | None], int]:
    """Valid texts, their positions, a per-row error (or None) and the truncation count."""
    errors: list[str | None] = []
    valid, pos = [], []
    truncated = 0
    for i, t in enumerate(texts.tolist()):
        if t is None or (isinstance(t, float) and np.isnan(t)):
            errors.append("missing text")
        elif not isinstance(t, str):
            errors.append(f"not text ({type(t).__name__})")
        elif not t.strip():
            errors.append("empty text")
        else:
            if len(t) > MAX_CHARS:
                truncated += 1
                errors.append(f"truncated: scored the first {MAX_CHARS} of {len(t)} characters")
            else:
                errors.append(None)
            valid.append(t)
            pos.append(i)
    return valid, np.asarray(pos, dtype=np.int64), errors, truncated


def _score_chunk(model: Model, df: pd.DataFrame, text_column: str, evidence: bool,
                 batch_size: int) -> tuple[pd.DataFrame, dict[str, int], int]:
    schema = model.schema
    valid, pos, errors, truncated = _prepare(df[text_column])
    scored = model.score_columns(valid, evidence=evidence)
    cols = schema.output_columns() + (["evidence"] if evidence else [])
    out = {}
    for c in cols:
        col = np.full(len(df), None, dtype=object)
        col[pos] = scored[c]
        out[c] = col
    frame = df.reset_index(drop=True).copy()
    for c in cols:
        if c in frame.columns:
            raise InputError(f"input already has a column {c!r}; rename it before scoring")
        frame[c] = out[c]
    frame[ERROR_COLUMN] = errors
    frame[MODEL_COLUMN] = model.id
    counts: dict[str, int] = {}
    for e in errors:
        if e is not None and not e.startswith("truncated"):
            key = e.split(" (")[0]
            counts[key] = counts.get(key, 0) + 1
    return frame, counts, truncated


def score_frame(df: pd.DataFrame, text: str = "text", *, model: Model | None = None,
                evidence: bool = False, batch_size: int = 512) -> pd.DataFrame:
    """Return ``df`` with the label columns added (same names as the CLI), index preserved.

    Missing, empty or non-text values get empty labels and a ``heartscore_error``.
    """
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"expected a pandas DataFrame, found {type(df).__name__}")
    if text not in df.columns:
        raise InputError(f"no column {text!r}; columns are {', '.join(map(str, df.columns))}; "
                         "pass text=NAME")
    if model is None:
        from .persistence import load
        model = load()
    frame, _, _ = _score_chunk(model, df, text, evidence, batch_size)
    frame.index = df.index
    return frame


_WORKER: Model | None = None


def _init(payload: bytes) -> None:
    global _WORKER
    _WORKER = pickle.loads(payload)


def _work(args: tuple[pd.DataFrame, str, bool, int]):
    assert _WORKER is not None
    return _score_chunk(_WORKER, *args)


def score_file(input: str | os.PathLike, output: str | os.PathLike, *, model: Model,
               text_column: str | None = None, fmt: str | None = None,
               output_format: str | None = None, chunksize: int = 5000, jobs: int = 1,
               evidence: bool = False, encoding: str | None = None, sheet: str | None = None,
               batch_size: int = 512,
               progress: Callable[[int], None] | None = None) -> ScoreSummary:
    """Score a file chunk by chunk into ``output`` (written atomically).

    ``jobs > 1`` scores chunks in that many worker processes (each loads the model once);
    the output is identical to ``jobs=1``. ``progress(n_rows)`` is called after each chunk.
    """
    fmt = detect_format(input, fmt)
    out_fmt = detect_format(output, output_format)
    if jobs < 1:
        raise InputError(f"jobs must be >= 1, got {jobs}")
    summary = ScoreSummary(output=str(output))
    chunks = iter_chunks(input, fmt=fmt, chunksize=chunksize, encoding=encoding, sheet=sheet)
    first = next(chunks, None)
    if first is None:
        raise InputError(f"{input} has no rows to score")
    columns = list(map(str, first.columns))
    if text_column is None:
        text_column, reason = detect_text_column(columns, first)
    else:
        if text_column not in columns:
            raise InputError(f"no column {text_column!r}; columns are {', '.join(columns)}; "
                             "pass --text-column with one of them")
        reason = "given"
    summary.text_column, summary.text_column_reason = text_column, reason

    def all_chunks() -> Iterator[pd.DataFrame]:
        yield first
        yield from chunks

    with atomic_output(output) as tmp, ChunkWriter(tmp, out_fmt) as writer:
        for frame, counts, trunc in _run(all_chunks(), model, text_column, evidence, batch_size,
                                         jobs):
            writer.write(frame)
            summary.rows += len(frame)
            summary.truncated += trunc
            for k, v in counts.items():
                summary.errors[k] = summary.errors.get(k, 0) + v
            if progress is not None:
                progress(len(frame))
    summary.scored = summary.rows - summary.n_errors
    return summary


def _run(chunks: Iterator[pd.DataFrame], model: Model, text_column: str, evidence: bool,
         batch_size: int, jobs: int):
    if jobs == 1:
        for df in chunks:
            yield _score_chunk(model, df, text_column, evidence, batch_size)
        return
    # a bounded window of pending chunks keeps memory flat and output in order
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init,
                             initargs=(pickle.dumps(model),)) as pool:
        pending: deque[Future] = deque()
        for df in chunks:
            pending.append(pool.submit(_work, (df, text_column, evidence, batch_size)))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def output_path_for(input: str | os.PathLike) -> Path:
    """Default output path: ``reviews.csv`` → ``reviews.scored.csv``."""
    p = Path(input)
    return p.with_name(f"{p.stem}.scored{p.suffix}")
