"""Reading and writing tables through the format registry: format detection, chunked
reading (files or stdin), atomic writes, chunk writers, joining chunk files, row counts,
and the text-column guess. Knows files and formats, not models."""
from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import HeartscoreError, InputError
from .cells import neutralise_formulas
from .formats import EXTENSIONS, FORMATS, Format, _Replay

__all__ = ["REPLACEMENT_NOTE", "TEXT_COLUMN_HINTS", "detect_format", "get_format", "iter_chunks",
           "read_table", "write_table", "atomic_output", "ChunkWriter", "join_files",
           "count_rows", "detect_text_column", "refuse_input_as_output", "output_lock",
           "remove_stale_parts", "stdin_table", "check_output_path", "part_rows"]

#: Note on rows whose text holds U+FFFD (bytes that could not be decoded were replaced).
REPLACEMENT_NOTE = "undecodable bytes replaced (U+FFFD); pass --encoding if the file is not UTF-8"
#: Column names that usually hold the feedback text, most likely first.
TEXT_COLUMN_HINTS = ("text", "review", "review_text", "comment", "comments", "feedback",
                     "body", "message", "content", "verbatim", "tweet", "response")


def get_format(name: str) -> Format:
    """The registered format ``name``."""
    if name not in FORMATS:
        raise InputError(f"unknown format {name!r}; expected one of {', '.join(FORMATS)}")
    return FORMATS[name]


def detect_format(path: str | os.PathLike, fmt: str | None = None) -> str:
    """The file format from ``fmt`` or the file extension."""
    if fmt:
        return get_format(fmt).name
    ext = Path(str(path)).suffix.lower()
    if ext not in EXTENSIONS:
        raise InputError(f"cannot tell the format of {path!s} from its extension {ext or '(none)'}"
                         f"; use one of {', '.join(sorted(EXTENSIONS))} or pass --format")
    return EXTENSIONS[ext]


def iter_chunks(path: Any, *, fmt: str | None = None, chunksize: int = 10_000,
                encoding: str | None = None, sheet: str | None = None) -> Iterator[pd.DataFrame]:
    """Read a table in chunks of ``chunksize`` rows with all columns as strings (no type
    guessing that would change ids or texts). Undecodable bytes are replaced, never fatal.
    ``path`` may also be an open text stream (stdin) for a format that streams."""
    if hasattr(path, "read"):
        f = get_format(fmt or "csv")
        if f.read_stream is None:
            streaming = ", ".join(n for n, g in FORMATS.items() if g.streams)
            raise InputError(f"standard input must be {streaming}, got {f.name}")
        chunks, name = f.read_stream(path, chunksize), "standard input"
    else:
        f = get_format(detect_format(path, fmt))
        if not Path(str(path)).exists():
            raise InputError(f"input file {path} does not exist; check the path")
        chunks, name = f.read(path, chunksize, encoding, sheet), str(path)
    try:
        yield from chunks
    except HeartscoreError:
        raise
    except Exception as exc:  # a reader's own error (parser, zip, Arrow): one line, no traceback
        detail = " ".join(str(exc).split())[:300] or type(exc).__name__
        raise InputError(f"could not read {name} as {f.name}: {detail}; check the file, or "
                         f"pass --format if it is not {f.name}") from exc


def stdin_table(stream: Any, fmt: str | None = None,
                encoding: str | None = None) -> tuple[Any, str]:
    """Standard input ready to read as a table, and its format. Its bytes (``.buffer`` of
    stdin) are read as a file of the same bytes is: see
    :func:`~heartscore.io.formats.open_stdin` (encoding from ``encoding`` or a BOM, UTF-16
    without one refused; ``fmt`` when given, else JSON Lines when the first text that is not
    blank starts with ``{``, else CSV). A text stream is read as it is: ``fmt`` when given,
    else JSON Lines when its first line starts with ``{``, else CSV."""
    raw = getattr(stream, "buffer", None)
    if raw is not None:
        from .formats import open_stdin
        return open_stdin(raw, get_format(fmt).name if fmt else None, encoding)
    if fmt:
        return stream, get_format(fmt).name
    head = stream.readline()
    sniffed = "jsonl" if head.lstrip().startswith("{") else "csv"
    return _Replay(head, stream), sniffed


def read_table(path: str | os.PathLike, **kwargs: Any) -> pd.DataFrame:
    """Read a whole table (see :func:`iter_chunks` for options)."""
    chunks = list(iter_chunks(path, **kwargs))
    return pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame()


def write_table(df: pd.DataFrame, path: str | os.PathLike, *, fmt: str | None = None,
                types: Mapping[str, str] | None = None, escape_formulas: bool = True) -> Path:
    """Write a table atomically (temporary file renamed into place); see
    :class:`ChunkWriter` for ``escape_formulas``."""
    fmt = detect_format(path, fmt)
    with atomic_output(path) as tmp:
        with ChunkWriter(tmp, fmt, types=types, escape_formulas=escape_formulas) as w:
            w.write(df)
    return Path(path)


_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def check_output_path(path: str | os.PathLike, *, probe: bool = True) -> None:
    """Raise :class:`InputError` unless ``path`` can be written as a regular file: an
    existing path that is not one (a FIFO, a device such as ``/dev/stdout``, a folder) is
    refused, since the temporary file renamed into place would replace it and its reader
    would get nothing; so is a folder above it that is a file. ``probe`` also creates and
    removes a temporary file in the nearest existing folder, so an unwritable location is
    refused before any work rather than after it. ``-`` (stdout) is skipped."""
    if str(path) == "-":
        return
    given, path = path, Path(os.path.abspath(path))  # messages name the path as given
    try:
        mode = os.stat(path).st_mode
    except OSError:  # missing (or a dangling symlink): a new file is written
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise InputError(f"the output {given} is a folder, expected a file name; pass -o with "
                         f"a file path, e.g. {Path(given) / 'scored.csv'}")
    if mode is not None and not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "a special file")
        raise InputError(f"the output {given} is {kind}, not a regular file: heartscore writes "
                         "a file and renames it into place, which would replace it; pass -o - "
                         "to write to standard output, or -o with a file path")
    alias = _process_link(path)
    if alias is not None:  # /dev/stdout redirected to a file is a regular file, through /proc
        raise InputError(f"the output {given} links to an open file of a process ({alias}), "
                         "as /dev/stdout does: heartscore would replace the link, not write "
                         "to it; pass -o - to write to standard output, or -o with a file path")
    folder = path.parent
    while not os.path.lexists(folder) and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise InputError(f"cannot write {given}: {folder} is a file, not a folder; pass an -o "
                         "path in a folder")
    if probe:
        try:
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".probe")
            os.close(fd)
            os.remove(tmp)
        except OSError as exc:
            raise _unwritable(given, folder, exc) from None


def _process_link(path: Path) -> str | None:
    """The ``/proc`` path that ``path`` reaches through symbolic links (``/dev/stdout`` is
    ``/proc/self/fd/1``), or None: a rename over it would replace the link, not write
    through it."""
    p = str(path)
    for _ in range(40):  # the kernel's own limit on links followed
        p = os.path.join(os.path.realpath(os.path.dirname(p)), os.path.basename(p))
        if not os.path.islink(p):
            return None
        if p.startswith("/proc/"):
            return p
        p = os.path.join(os.path.dirname(p), os.readlink(p))
    return None


def _unwritable(path: Any, folder: Path, exc: OSError) -> InputError:
    """The one-line error for an output whose folder cannot be created or written to."""
    reason = exc.strerror or type(exc).__name__
    return InputError(f"cannot write {path}: the folder {folder} cannot be created or written "
                      f"to ({reason}); pass an -o path in a folder you can write to")


def _make_folder(path: Path) -> None:
    """Create the folder of ``path`` (and those above it), refusing it in one line when that
    fails (a file in the way, no permission, a read-only or virtual file system)."""
    check_output_path(path, probe=False)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _unwritable(path, path.parent, exc) from None


def _fsync(path: str | os.PathLike) -> None:
    """Flush a file's (or folder's) data to disk; a no-op where the platform cannot (a folder
    on Windows). A file renamed into place, or a chunk recorded as done, must survive a
    power cut whole, not as an empty or partial file under its final name."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def atomic_output(path: str | os.PathLike) -> Iterator[str]:
    """Yield a temporary path beside ``path``; flush it to disk and rename it into place
    only on success. A ``path`` that is not a regular file, or whose folder cannot be
    written, is refused with :class:`InputError` (see :func:`check_output_path`)."""
    path = Path(path)
    _make_folder(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                   suffix=f".part{path.suffix}")
    except OSError as exc:
        raise _unwritable(path, path.parent, exc) from None
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs get the usual permissions
    try:
        yield tmp
        check_output_path(path, probe=False)  # (made a FIFO or device meanwhile: refused)
        _fsync(tmp)
        os.replace(tmp, path)
        _fsync(path.parent)  # the rename itself
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _part_pattern(path: Path) -> re.Pattern[str]:
    # the names atomic_output gives its temporary files (mkstemp adds 8 characters)
    return re.compile(rf"\.{re.escape(path.name)}\.[A-Za-z0-9_]{{8}}\.part{re.escape(path.suffix)}")


def remove_stale_parts(path: str | os.PathLike) -> list[Path]:
    """Remove temporary files that a killed writer of ``path`` left beside it (call it while
    holding :func:`output_lock`); returns what was removed."""
    path = Path(path)
    pattern = _part_pattern(path)
    gone = [p for p in path.parent.glob(".*.part*") if pattern.fullmatch(p.name)]
    for p in gone:
        p.unlink(missing_ok=True)
    return gone


def refuse_input_as_output(output: Any, *inputs: Any) -> None:
    """Raise :class:`InputError` when ``output`` is one of ``inputs`` once paths are resolved
    (relative paths, ``./``, symlinks, hard links): heartscore never overwrites its input.
    ``-`` (stdin/stdout), streams and ``None`` are skipped."""
    if output is None or hasattr(output, "write") or str(output) == "-":
        return
    out = Path(os.path.realpath(output))
    for given in inputs:
        if given is None or hasattr(given, "read") or str(given) == "-":
            continue
        src = Path(os.path.realpath(given))
        same = out == src
        if not same and out.exists() and src.exists():
            same = os.path.samefile(out, src)
        if same:
            raise InputError(f"the output {output} is the input file {given}; heartscore never "
                             "writes over its input: pass another -o path")


@contextmanager
def output_lock(path: str | os.PathLike) -> Iterator[Path]:
    """Hold an exclusive lock on writing ``path`` (a ``.NAME.lock`` file beside it, removed
    on release). A second holder is refused at once with :class:`InputError`: one run, one
    output, never two runs mixing their rows. So is a ``path`` that is not a regular file or
    whose folder cannot be written (see :func:`check_output_path`)."""
    import fcntl
    path = Path(path)
    _make_folder(path)  # a FIFO, device or unwritable folder: refused before any work
    lock = path.with_name(f".{path.name}.lock")
    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise _unwritable(path, path.parent, exc) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise InputError(f"another heartscore run is writing {path} (it holds {lock.name});"
                             " wait for it to finish, or write to another -o path") from None
        try:
            current = os.stat(lock).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            current = False
        if current:  # not a lock file its previous holder removed meanwhile
            break
        os.close(fd)
    try:
        yield lock
    finally:
        try:
            os.remove(lock)
        finally:
            os.close(fd)


class ChunkWriter:
    """Append DataFrame chunks to one file of a registered format (or to an open text
    stream for a format that streams). ``header=False`` omits a CSV/TSV header (a
    continuation); ``types`` fixes column types where the format stores them;
    ``escape_formulas`` (default on) prefixes text cells that a spreadsheet would run as
    formulas with ``'`` in formats that spreadsheets open as text (CSV, TSV; see
    :func:`~heartscore.io.formats.neutralise_formulas`)."""

    def __init__(self, path: Any, fmt: str, *, header: bool = True,
                 types: Mapping[str, str] | None = None, escape_formulas: bool = True) -> None:
        self.path, self.fmt, self.header, self.types = path, fmt, header, types
        self.escape_formulas = escape_formulas
        self._writer: Any = None
        self._escape = False

    def __enter__(self) -> "ChunkWriter":
        f = get_format(self.fmt)
        if hasattr(self.path, "write") and not f.streams:
            raise InputError(f"{f.name} cannot be written to a stream")
        self._writer = f.writer(self.path, self.header, self.types)
        self._escape = self.escape_formulas and f.escape_formulas
        return self

    def write(self, df: pd.DataFrame) -> None:
        """Append one chunk."""
        self._writer.write(neutralise_formulas(df) if self._escape else df)

    def __exit__(self, *exc: Any) -> None:
        self._writer.close()


def join_files(parts: list[Path], output: str | os.PathLike, fmt: str) -> None:
    """Join chunk files of one format into ``output`` (temporary file renamed into place).
    A missing or empty chunk file (every chunk holds rows) is refused with
    :class:`InputError`: joining without it would silently lose its rows."""
    for p in parts:
        if not Path(p).is_file() or Path(p).stat().st_size == 0:
            raise InputError(f"chunk file {p} is {'empty' if Path(p).is_file() else 'missing'}"
                             f": its rows would be lost from {output}; its folder was changed "
                             "while the run was stopped or running: score the input again "
                             "(without --resume)")
    with atomic_output(output) as tmp:
        get_format(fmt).join(parts, tmp)


def count_rows(path: str) -> int | None:
    """Data rows in a file, cheaply (for a progress bar's ETA; approximate for CSVs with
    quoted newlines); None when unknown."""
    try:
        return get_format(detect_format(path)).count_rows(path)
    except (OSError, InputError):
        return None


def part_rows(path: str | os.PathLike, fmt: str, *, header: bool = True) -> int:
    """Data rows in a chunk file that :class:`ChunkWriter` wrote in format ``fmt``
    (``header=False``: a CSV/TSV continuation without a header line). Exact for what
    heartscore writes (its CSV/TSV quote every line break in a text, JSON Lines escape
    them, Parquet records its row count), so a resumed run can tell a chunk that was cut
    short or added to. Raises :class:`InputError` when the file cannot be read."""
    f = get_format(fmt)
    try:
        if os.path.getsize(path) == 0:
            return 0
        n = f.count_rows(str(path))
        if n is None:  # no cheap count (XLSX): read it
            return sum(len(c) for c in f.read(str(path), 10_000, None, None))
    except HeartscoreError:
        raise
    except Exception as exc:  # missing, or not a readable file of its format
        raise InputError(f"cannot read {path} as {f.name}: "
                         f"{' '.join(str(exc).split()) or type(exc).__name__}") from exc
    # a delimited count takes the first line as the header; a continuation has none
    return n + 1 if not header and f.name in ("csv", "tsv") else n


def detect_text_column(columns: list[str], sample: pd.DataFrame | None = None) -> tuple[str, str]:
    """Choose the text column: a known name, else the column with the longest texts.

    Returns (column, reason). Raises :class:`InputError` when no column qualifies.
    """
    lower = {c.lower().strip(): c for c in columns}
    for hint in TEXT_COLUMN_HINTS:
        if hint in lower:
            return lower[hint], f"column named {lower[hint]!r}"
    if sample is not None and len(sample):
        lengths = {c: sample[c].astype(str).str.len().mean() for c in columns
                   if pd.api.types.is_string_dtype(sample[c]) or sample[c].dtype == object}
        if lengths:
            best = max(lengths, key=lengths.get)
            if lengths[best] >= 15:
                return best, f"longest texts on average ({lengths[best]:.0f} characters)"
    raise InputError(f"cannot tell which column holds the text; columns are {', '.join(columns)}"
                     "; pass --text-column NAME")
