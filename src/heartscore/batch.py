"""Scoring a chunk of rows, and the one worker pool that scores many chunks.

``score_chunk`` turns a DataFrame chunk into the same rows plus the schema's typed output
columns (rows without usable text get empty labels and a ``heartscore_error``). ``run``
scores a stream of chunks in input order: in this process, or in worker processes that load
the model once (:func:`ready_process`) and end when their parent ends, even by SIGKILL.
:mod:`heartscore.scoring` (``score_frame``, ``score_file``) and the CLI use nothing else.
"""
from __future__ import annotations

import functools
import gc
import os
import pickle
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError
from .io import REPLACEMENT_NOTE
from .labels import ERROR_COLUMN, MODEL_COLUMN
from .language import LANGUAGE_NOTE, finish_preload, other_language
from .model import MAX_CHARS, Model

__all__ = ["score_chunk", "run", "map_ordered", "ready_process", "is_failure"]


def _prepare(texts: pd.Series) -> tuple[list[str], np.ndarray, list[str | None], int, int]:
    """Valid texts, their positions, a per-row error or note (None when clean), the number
    of truncated texts and of texts with replaced (undecodable) bytes."""
    errors: list[str | None] = []
    valid, pos = [], []
    truncated = replaced = 0
    for i, t in enumerate(texts.tolist()):
        if t is None or t is pd.NA or (isinstance(t, float) and np.isnan(t)):
            errors.append("missing text")
        elif not isinstance(t, str):
            errors.append(f"not text ({type(t).__name__})")
        elif not t.strip():
            errors.append("empty text")
        else:
            notes = []
            if len(t) > MAX_CHARS:
                truncated += 1
                notes.append(f"truncated: scored the first {MAX_CHARS} of {len(t)} characters")
            if "\ufffd" in t:
                replaced += 1
                notes.append(REPLACEMENT_NOTE)
            errors.append("; ".join(notes) or None)
            valid.append(t)
            pos.append(i)
    return valid, np.asarray(pos, dtype=np.int64), errors, truncated, replaced


def is_failure(note: str | None) -> bool:
    return note is not None and not note.startswith(("truncated", REPLACEMENT_NOTE,
                                                      LANGUAGE_NOTE))


def _flag_languages(valid: list[str], pos: np.ndarray, errors: list[str | None],
                    language: str) -> int:
    """Add a note to the rows whose text looks written in another language; their count."""
    found = other_language(valid, language)
    for p, code in zip(pos.tolist(), found):
        if code is not None:
            note = f"{LANGUAGE_NOTE}: looks like {code!r}, not {language!r} (scored anyway)"
            errors[p] = note if errors[p] is None else f"{errors[p]}; {note}"
    return sum(code is not None for code in found)


def score_chunk(model: Model, df: pd.DataFrame, text_column: str, evidence: bool,
                 id_column: str | None = None, language: str | None = None
                 ) -> tuple[pd.DataFrame, dict[str, Any]]:
    schema = model.schema
    valid, pos, errors, truncated, replaced = _prepare(df[text_column])
    other = _flag_languages(valid, pos, errors, language) if language else 0
    scored = model.score_columns(valid, evidence=evidence)
    cols = schema.output_columns() + (["evidence"] if evidence else [])
    for c in cols:
        if c in df.columns:
            raise InputError(f"input already has a column {c!r}; rename it before scoring")
    added = _typed_columns(scored, cols, pos, len(df), schema)
    frame = pd.concat([df.reset_index(drop=True), pd.DataFrame(added)], axis=1)
    frame[ERROR_COLUMN] = errors
    frame[MODEL_COLUMN] = model.id
    counts: dict[str, int] = {}
    ids: list[str] = []
    for i, e in enumerate(errors):
        if is_failure(e):
            key = e.split(" (")[0]
            counts[key] = counts.get(key, 0) + 1
            if id_column is not None and len(ids) < 20:
                ids.append(str(df[id_column].iloc[i]))
    # "rows": what a resumed run checks a completed chunk's file against (its meta is
    # recorded beside it when the chunk is done)
    return frame, {"errors": counts, "truncated": truncated, "replaced": replaced, "ids": ids,
                   "other_language": other, "rows": len(frame)}


def _typed_columns(scored: dict[str, Any], cols: list[str], pos: np.ndarray, n: int,
                   schema) -> dict[str, Any]:
    """The label columns for all ``n`` rows with the schema's column types, empty (nullable)
    where a row was not scored: int columns Int64, float columns float64, bool boolean."""
    types = schema.column_types()
    unscored = np.ones(n, dtype=bool)
    unscored[pos] = False
    out: dict[str, Any] = {}
    for c in cols:
        kind, wrap = types[c], None
        if kind == "int":
            values, wrap = np.zeros(n, dtype=np.int64), pd.arrays.IntegerArray
        elif kind == "bool":
            values, wrap = np.zeros(n, dtype=bool), pd.arrays.BooleanArray
        elif kind == "float":
            values = np.full(n, np.nan)
        else:
            values = np.full(n, None, dtype=object)
        values[pos] = scored[c]
        out[c] = values if wrap is None else wrap(values, unscored.copy())
    return out


# ---------------------------------------------------------------------- worker processes
_WORKER: Model | None = None


def ready_process(model: Model) -> None:
    """Prepare a process that will score many rows with ``model``: build its pipeline once
    (the cue index, lexicon tables) and move everything loaded so far out of the garbage
    collector's reach (``gc.freeze``); full collections otherwise re-walk the model's
    hundreds of thousands of objects, ~10% of scoring time measured here. Young-generation
    collections run 50x less often (scoring makes many short-lived, acyclic objects; ~4%).
    For processes heartscore owns (the CLI, scoring workers), not a library user's session."""
    model.score_columns(["warm up"])
    gc.freeze()
    gc.set_threshold(50_000, *gc.get_threshold()[1:])


def _die_with_parent(parent: int) -> None:
    """End this worker when the process that started it ends, even by SIGKILL (which runs
    no clean-up in the parent): on Linux the kernel sends SIGKILL (``PR_SET_PDEATHSIG``);
    everywhere a daemon thread checks every half second that the parent is still there."""
    import threading
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG = 1
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while os.getppid() == parent:
            threading.Event().wait(0.5)
        os._exit(1)

    if os.getppid() != parent:  # the parent died before we got here
        os._exit(1)
    threading.Thread(target=watch, name="heartscore-parent-watch", daemon=True).start()


def _init(payload: bytes | None, parent: int | None) -> None:
    global _WORKER
    _die_with_parent(os.getppid() if parent is None else parent)
    if payload is None:  # forked: the parent's loaded, warmed-up model is already here
        gc.freeze()
        gc.set_threshold(50_000, *gc.get_threshold()[1:])
        return
    _WORKER = pickle.loads(payload)
    ready_process(_WORKER)


def _work(args: tuple) -> Any:
    assert _WORKER is not None
    fn, item = args
    return fn(_WORKER, item)


_END = object()


def map_ordered(model: Model, fn: Callable[[Model, Any], Any], items: Iterable[Any],
                jobs: int = 1, start_method: str | None = None) -> Iterator[Any]:
    """``fn(model, item)`` for each item, in input order: the one worker pool of heartscore.

    ``jobs > 1`` runs ``fn`` in worker processes, with a bounded window of pending items
    (flat memory); workers end when this process ends, even if it is killed. With the
    ``fork`` start method (Linux's default) the model is loaded and warmed up here once and
    the workers start with it (copy-on-write: no second load, no pickling); with ``spawn``
    or ``forkserver`` each worker loads it once (:func:`ready_process`). One item (a small
    input) is done here, with no workers to start; so is every item when the model's scorer
    says ``in_process`` (the accurate model). ``fn`` must be a module-level function
    (workers receive it by reference)."""
    items = iter(items)
    first = next(items, _END)
    second = next(items, _END) if first is not _END else _END
    # the accurate model's torch encoder already uses every core, and must not be forked
    in_process = getattr(model.scorer, "in_process", False)
    if jobs == 1 or second is _END or in_process:
        for item in ([] if first is _END else [first]) + ([] if second is _END else [second]):
            yield fn(model, item)
        for item in items:
            yield fn(model, item)
        return
    import itertools
    import multiprocessing
    global _WORKER
    context = multiprocessing.get_context(start_method)
    method = context.get_start_method()
    # with forkserver the workers' parent is the server: they watch whoever started them
    parent = os.getpid() if method != "forkserver" else None
    if method == "fork":
        model.score_columns(["warm up"])  # build the pipeline once, before the workers fork
        finish_preload()  # (no thread may run while this process forks)
        payload, _WORKER = None, model
    else:
        payload = pickle.dumps(model)
    try:
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init, mp_context=context,
                                 initargs=(payload, parent)) as pool:
            pending: deque[Future] = deque()
            for item in itertools.chain((first, second), items):
                pending.append(pool.submit(_work, (fn, item)))
                if len(pending) >= 2 * jobs:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
    finally:
        if payload is None:
            _WORKER = None


def _score_and_finish(model: Model, item: tuple[int, pd.DataFrame], text_column: str,
                      evidence: bool, id_column: str | None,
                      finish: Callable[[int, pd.DataFrame], Any],
                      language: str | None = None) -> tuple[Any, dict[str, Any]]:
    index, df = item
    frame, meta = score_chunk(model, df, text_column, evidence, id_column, language)
    return finish(index, frame), meta


def _keep_frame(index: int, frame: pd.DataFrame) -> pd.DataFrame:
    return frame


def run(chunks: Iterator[tuple[int, pd.DataFrame]], model: Model, text_column: str,
        evidence: bool, id_column: str | None, jobs: int,
        finish: Callable[[int, pd.DataFrame], Any] = _keep_frame,
        start_method: str | None = None, language: str | None = None):
    """``(finish(index, scored chunk), meta)`` in input order, chunks scored (and finished)
    by :func:`map_ordered`'s workers when ``jobs > 1``."""
    work = functools.partial(_score_and_finish, text_column=text_column, evidence=evidence,
                             id_column=id_column, finish=finish, language=language)
    yield from map_ordered(model, work, chunks, jobs, start_method)
