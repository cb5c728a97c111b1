"""Batch scoring of tables: ``score_frame`` (pandas) and ``score_file`` (streaming files).

Every input row comes out, in order, with its original columns, plus the schema's output
columns. Rows whose text is empty, missing or not text get empty labels and a
``heartscore_error`` saying why.

``score_file`` streams the input in chunks. Each finished chunk is written, complete, into a
work folder beside the output (``.NAME.heartscore/``) with a small state file; at the end the
chunks are joined into a temporary file that is renamed into place, and the work folder is
removed. A killed run therefore never leaves a file that looks complete, and ``resume=True``
continues from the last completed chunk: no row lost, none scored twice.
"""
from __future__ import annotations

import functools
import itertools
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import InputError
from .io import (ChunkWriter, atomic_output, detect_format, detect_text_column,
                 get_format, iter_chunks, join_files, output_lock, part_rows,
                 refuse_input_as_output, remove_stale_parts, stdin_table)
from .batch import ready_process, run, score_chunk
from .corpus import file_sha256
from .frames import typed_frame
from .labels import ERROR_COLUMN, MODEL_COLUMN
from .language import KNOWN_LANGUAGES
from .model import Model

__all__ = ["score_frame", "score_file", "ScoreSummary", "work_dir_for", "ready_process"]

_STATE = "state.json"
#: With ``jobs > 1`` each chunk read is split into ``jobs`` pieces of at least this many rows,
#: so that a file smaller than one chunk (most real exports) still keeps every worker busy.
MIN_PIECE_ROWS = 250


@dataclass
class ScoreSummary:
    """What a ``score_file`` run did."""

    rows: int = 0
    scored: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    error_ids: list[str] = field(default_factory=list)
    truncated: int = 0
    replaced_bytes: int = 0
    other_language: int = 0
    text_column: str = ""
    text_column_reason: str = ""
    output: str = ""
    chunks: int = 0
    resumed_chunks: int = 0
    resumed_rows: int = 0
    #: Why a resumed run scored again from an earlier chunk than the interrupted run had
    #: reached (a completed chunk's file missing or changed while it was stopped), or "".
    rescored: str = ""

    @property
    def n_errors(self) -> int:
        """Rows that could not be scored."""
        return sum(self.errors.values())

    @property
    def scored_this_run(self) -> int:
        """Rows this run scored itself (not taken over from an interrupted run)."""
        return self.rows - self.resumed_rows


def score_frame(df: pd.DataFrame, text: str | None = None, *, model: Model | None = None,
                evidence: bool = False) -> pd.DataFrame:
    """Return ``df`` with the label columns added (same names as the CLI), index preserved,
    in the dtypes of :func:`heartscore.frames.scored_dtypes` (polarity an ordered category,
    signals ``Int8``, probabilities ``float64``; :func:`heartscore.read_scored` reads a
    scored file back with the same).

    ``text`` names the text column; when omitted it is found as ``heartscore score`` finds
    it (a usual name such as ``text``, ``review`` or ``comment``, else the column with the
    longest texts) and the result says which: ``result.attrs["heartscore_text_column"]``
    and ``["heartscore_text_column_reason"]``. Missing, empty or non-text values get empty
    labels and a ``heartscore_error``.
    """
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"expected a pandas DataFrame, found {type(df).__name__}")
    names = [str(c) for c in df.columns]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:  # which one would be scored, and which kept, could not be said
        raise InputError(f"the DataFrame has more than one column named "
                         f"{', '.join(map(repr, twice[:3]))}; give its columns distinct names "
                         "before scoring")
    reason = "given"
    if text is None:
        text, reason = detect_text_column(names, df.head(1000).set_axis(names, axis=1))
        text = next(c for c in df.columns if str(c) == text)
    if text not in df.columns:
        raise InputError(f"no column {text!r}; columns are {', '.join(names)}; "
                         "pass text=NAME")
    if model is None:
        from .persistence import load
        model = load()
    # scoring addresses columns by their names as text (as a file's are); the caller's own
    # names (numbers, say) are put back on its columns after
    frame, _ = score_chunk(model, df.set_axis(names, axis=1), str(text), evidence)
    frame = typed_frame(frame, model.schema)
    frame.columns = [*df.columns, *frame.columns[len(names):]]
    frame.index = df.index
    frame.attrs.update(heartscore_text_column=text, heartscore_text_column_reason=reason)
    return frame


def _write_chunk(work: Path, fmt: str, types: dict[str, str], escape_formulas: bool,
                 index: int, frame: pd.DataFrame) -> tuple[int, str]:
    """Write one scored chunk into the work folder (atomically); runs where it was scored,
    so a worker serialises its own rows and the parent only keeps the books. Returns its
    rows and its file's SHA-256, recorded for a resumed run to check the file against."""
    path = work / f"chunk-{index:06d}.{fmt}"
    with atomic_output(path) as tmp, \
            ChunkWriter(tmp, fmt, header=index == 0, types=types,
                        escape_formulas=escape_formulas) as w:
        w.write(frame)
    return len(frame), file_sha256(path)


# ---------------------------------------------------------------------- files
def work_dir_for(output: str | os.PathLike) -> Path:
    """The folder holding an unfinished run's completed chunks."""
    p = Path(output)
    return p.with_name(f".{p.name}.heartscore")


def _fingerprint(path: Path) -> dict[str, Any]:
    """The input's identity for ``--resume``: its path, size and the sha256 of every byte
    (read in blocks: memory stays flat)."""
    return {"path": str(path.resolve()), "size": os.path.getsize(path),
            "sha256": file_sha256(path)}


def score_file(input: str | os.PathLike, output: str | os.PathLike, *,
               model: Model | None = None,
               text_column: str | None = None, id_column: str | None = None,
               fmt: str | None = None, output_format: str | None = None,
               chunksize: int = 5000, jobs: int = 1, evidence: bool = False,
               encoding: str | None = None, sheet: str | None = None, resume: bool = False,
               progress: Callable[[int], None] | None = None,
               escape_formulas: bool = True, start_method: str | None = None,
               language: str | None = "en", group_by: str | None = None) -> ScoreSummary:
    """Score a file chunk by chunk into ``output`` with ``model`` (default: the shipped one);
    ``-`` reads stdin / writes stdout (CSV or JSON Lines; no resume).

    ``jobs > 1`` scores chunks in that many worker processes (each chunk split among
    them; a run of one small chunk stays in this process); the output is identical to
    ``jobs=1``. ``resume=True`` continues an interrupted run of the same input and options
    from its last completed chunk. ``progress(n_rows)`` is called after each chunk.
    ``escape_formulas`` (default on) keeps spreadsheets from running texts of a CSV/TSV
    output as formulas (see :func:`heartscore.io.formats.neutralise_formulas`).
    ``start_method`` is the multiprocessing start method of the workers (``fork``,
    ``spawn``, ``forkserver``; default: the platform's). Texts that look written in
    another language than ``language`` are scored but flagged in ``heartscore_error``
    (``None`` turns the check off; see :mod:`heartscore.language`). ``group_by``: a column
    a summary made after the run will group the output by, refused before any row is
    scored when neither the input nor the scores have it.
    """
    if jobs < 1:
        raise InputError(f"jobs must be >= 1, got {jobs}")
    if language is not None and language not in KNOWN_LANGUAGES:
        raise InputError(f"language must be a code the language identifier knows (en, de, "
                         f"fr, es, ...), or None/'any' to turn the check off; got {language!r}")
    if model is None:
        from .persistence import load
        model = load()
    if chunksize < 1:
        raise InputError(f"chunksize must be >= 1, got {chunksize}")
    to_stdout = str(output) == "-"
    from_stdin = str(input) == "-"
    if from_stdin:
        source, in_fmt = stdin_table(sys.stdin, fmt, encoding)
    else:
        source, in_fmt = input, detect_format(input, fmt)
    out_fmt = output_format or ("csv" if to_stdout else None)
    out_fmt = detect_format(output, out_fmt)
    if to_stdout and not get_format(out_fmt).streams:
        raise InputError(f"stdout output must be csv, tsv or jsonl, got {out_fmt}")
    if resume and (to_stdout or from_stdin):
        raise InputError("--resume needs a real input and output file, not '-'")
    refuse_input_as_output(output, input)
    summary = ScoreSummary(output=str(output))
    chunks = iter_chunks(source, fmt=in_fmt, chunksize=chunksize, encoding=encoding, sheet=sheet)
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
    if id_column is not None and id_column not in columns:
        raise InputError(f"no id column {id_column!r}; columns are {', '.join(columns)}")
    scored = [*model.schema.output_columns(), *(["evidence"] if evidence else []),
              ERROR_COLUMN, MODEL_COLUMN]
    if group_by is not None and group_by not in columns + scored:
        raise InputError(f"no column {group_by!r} to group by: {input} has columns "
                         f"{', '.join(columns)} (scoring adds {scored[0]} and the other label "
                         "columns); pass --group-by with one of them")
    summary.text_column, summary.text_column_reason = text_column, reason

    split = jobs  # pieces per chunk read (a resumed run must split the same way)

    def all_chunks() -> Iterator[pd.DataFrame]:
        for df in itertools.chain([first], chunks):
            n = min(split, len(df) // MIN_PIECE_ROWS)
            if n <= 1:
                yield df
                continue
            size = -(-len(df) // n)
            for a in range(0, len(df), size):
                yield df.iloc[a:a + size]

    def account(meta: dict[str, Any], n: int) -> None:
        summary.rows += n
        summary.truncated += meta["truncated"]
        summary.replaced_bytes += meta["replaced"]
        summary.other_language += meta.get("other_language", 0)
        for k, v in meta["errors"].items():
            summary.errors[k] = summary.errors.get(k, 0) + v
        summary.error_ids.extend(meta["ids"][: max(0, 20 - len(summary.error_ids))])
        if progress is not None:
            progress(n)

    if to_stdout:
        results = run(enumerate(all_chunks()), model, text_column, evidence, id_column, jobs,
                       start_method=start_method, language=language)
        with ChunkWriter(sys.stdout, out_fmt, types=model.schema.column_types(),
                         escape_formulas=escape_formulas) as writer:
            for frame, meta in results:
                writer.write(frame)
                account(meta, len(frame))
                summary.chunks += 1
        summary.scored = summary.rows - summary.n_errors
        return summary

    with output_lock(output):
        return _score_into_file(input, output, model, all_chunks(), account, summary, in_fmt,
                                out_fmt, chunksize, text_column, id_column, evidence, encoding,
                                sheet, resume, jobs, escape_formulas, start_method, language,
                                split)


def _score_into_file(input: Any, output: Any, model: Model, chunks: Iterator[pd.DataFrame],
                     account: Callable[[dict[str, Any], int], None], summary: ScoreSummary,
                     in_fmt: str, out_fmt: str, chunksize: int, text_column: str,
                     id_column: str | None, evidence: bool, encoding: str | None,
                     sheet: str | None, resume: bool, jobs: int,
                     escape_formulas: bool, start_method: str | None,
                     language: str | None, split: int = 1) -> ScoreSummary:
    """The file half of :func:`score_file`, run while holding the output's lock."""
    remove_stale_parts(output)
    work = work_dir_for(output)
    from_stdin = str(input) == "-"  # (no resume from stdin: nothing to fingerprint)
    options = {"input": "-" if from_stdin else _fingerprint(Path(input)), "format": in_fmt,
               "output_format": out_fmt,
               "chunksize": chunksize, "text_column": text_column, "id_column": id_column,
               "evidence": evidence, "encoding": encoding, "sheet": sheet, "model": model.id,
               "escape_formulas": escape_formulas, "language": language,
               "jobs": split}
    done, summary.rescored = _prepare_work_dir(work, options, resume)
    try:
        # skip the chunks an interrupted run completed (re-reading the input, not re-scoring)
        for k in range(done):
            skipped = next(chunks, None)
            if skipped is None:
                raise InputError(f"{work} records {done} chunks but the input has fewer; "
                                 "rerun without --resume to start over")
            meta = json.loads((work / f"chunk-{k:06d}.json").read_text())
            account(meta, len(skipped))
            summary.resumed_rows += len(skipped)
        summary.resumed_chunks = done
        index = done
        finish = functools.partial(_write_chunk, work, out_fmt, model.schema.column_types(),
                                   escape_formulas)
        results = run(enumerate(chunks, start=done), model, text_column, evidence, id_column,
                      jobs, finish, start_method, language)
        for (n_rows, digest), meta in results:
            record = {**meta, "sha256": digest}
            (work / f"chunk-{index:06d}.json").write_text(json.dumps(record))
            _write_state(work, options, index + 1)
            account(meta, n_rows)
            index += 1
        summary.chunks = index
        join_files([work / f"chunk-{k:06d}.{out_fmt}" for k in range(index)], output, out_fmt)
    except Exception:
        # a failure (not a kill or Ctrl-C, which --resume continues): nothing left behind
        shutil.rmtree(work, ignore_errors=True)
        raise
    shutil.rmtree(work, ignore_errors=True)
    summary.scored = summary.rows - summary.n_errors
    return summary


def _prepare_work_dir(work: Path, options: dict[str, Any], resume: bool) -> tuple[int, str]:
    """Make the work folder; on resume, check it belongs to this run and return the number
    of completed chunks to keep, and why fewer than the interrupted run completed ("" when
    all are kept): each is checked against the SHA-256 and rows recorded when it was done,
    and from the first one missing or changed the run scores again, so a join never loses
    or adds rows."""
    state_path = work / _STATE
    if work.exists() and state_path.exists():
        state = json.loads(state_path.read_text())
        if resume:
            if state["options"] != options:
                if state["options"].get("input") != options["input"]:
                    raise InputError("cannot resume: the input file changed since the "
                                     "interrupted run (its sha256 differs); rerun without "
                                     "--resume to start over")
                diff = sorted(k for k in options if state["options"].get(k) != options[k])
                raise InputError(f"cannot resume: the interrupted run used different "
                                 f"{', '.join(diff)}; rerun without --resume to start over")
            done = int(state["chunks_done"])
            for k in range(done):
                problem = _chunk_problem(work, k, options["output_format"])
                if problem:
                    _write_state(work, options, k)
                    return k, (f"{problem}; scored again from chunk {k + 1} of {done} (the "
                               f"{k} before it are whole)")
            return done, ""
        shutil.rmtree(work)
    elif resume:
        raise InputError(f"nothing to resume: no unfinished run for this output ({work} not "
                         "found); run without --resume")
    elif work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    _write_state(work, options, 0)
    return 0, ""


def _chunk_problem(work: Path, k: int, fmt: str) -> str:
    """What is wrong with completed chunk ``k`` of an interrupted run: its file missing, or
    not the file recorded when it was done (its SHA-256; the message says whether its rows
    differ too); "" when it is whole."""
    name = f"chunk-{k:06d}.{fmt}"
    try:
        record = json.loads((work / f"chunk-{k:06d}.json").read_text())
        expected, digest = int(record["rows"]), str(record["sha256"])
    except (OSError, ValueError, KeyError, TypeError):  # (a run of an older heartscore)
        return f"no record of the rows of completed chunk {name}"
    if not (work / name).is_file():
        return f"completed chunk {name} is missing"
    if file_sha256(work / name) == digest:
        return ""
    try:
        found: int | None = part_rows(work / name, fmt, header=k == 0)
    except InputError:
        found = None
    if found != expected:
        return (f"completed chunk {name} is damaged ({'unreadable' if found is None else found}"
                f" rows, {expected} recorded)")
    return f"completed chunk {name} was changed (its SHA-256 is not the one recorded)"


def _write_state(work: Path, options: dict[str, Any], chunks_done: int) -> None:
    tmp = work / (_STATE + ".tmp")
    tmp.write_text(json.dumps({"options": options, "chunks_done": chunks_done}))
    os.replace(tmp, work / _STATE)
