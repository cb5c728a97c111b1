"""Exports and the labeled corpus: readers/writers, chunked iterators, text-column detection
and label checks that report row numbers. Knows files, not models."""
from __future__ import annotations

import csv
import hashlib
import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError, SchemaError, format_rows
from .labels import DEFAULT_SCHEMA, LabelSchema

#: Note on rows whose text holds U+FFFD (bytes that could not be decoded were replaced).
REPLACEMENT_NOTE = "undecodable bytes replaced (U+FFFD); pass --encoding if the file is not UTF-8"

__all__ = ["REPLACEMENT_NOTE", "FORMATS", "detect_format", "read_table", "iter_chunks", "write_table",
           "detect_text_column", "check_labeled", "labels_matrix", "corpus_path", "load_corpus",
           "file_sha256", "atomic_output", "ChunkWriter"]

FORMATS = ("csv", "tsv", "jsonl", "parquet", "xlsx")
_EXT = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".txt": "csv", ".jsonl": "jsonl",
        ".ndjson": "jsonl", ".json": "jsonl", ".parquet": "parquet", ".pq": "parquet",
        ".xlsx": "xlsx"}
#: Column names that usually hold the feedback text, most likely first.
TEXT_COLUMN_HINTS = ("text", "review", "review_text", "comment", "comments", "feedback",
                     "body", "message", "content", "verbatim", "tweet", "response")


def detect_format(path: str | os.PathLike, fmt: str | None = None) -> str:
    """The file format from ``fmt`` or the file extension."""
    if fmt:
        if fmt not in FORMATS:
            raise InputError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
        return fmt
    ext = Path(str(path)).suffix.lower()
    if ext not in _EXT:
        raise InputError(f"cannot tell the format of {path!s} from its extension {ext or '(none)'}"
                         f"; use one of {', '.join(sorted(_EXT))} or pass --format")
    return _EXT[ext]


def _read_text(path: str | os.PathLike, encoding: str | None) -> tuple[str, int]:
    """Decode a file; undecodable bytes become U+FFFD. Returns (text, replaced count)."""
    raw = Path(path).read_bytes()
    enc = encoding or "utf-8-sig"
    try:
        return raw.decode(enc), 0
    except UnicodeDecodeError:
        text = raw.decode(enc, errors="replace")
        return text, text.count("\ufffd")


def iter_chunks(path: Any, *, fmt: str | None = None, chunksize: int = 10_000,
                encoding: str | None = None, sheet: str | None = None) -> Iterator[pd.DataFrame]:
    """Read a table in chunks of ``chunksize`` rows with all columns as strings (no type
    guessing that would change ids or texts). Undecodable bytes are replaced, never fatal.
    ``path`` may also be an open text stream (stdin) for CSV/TSV/JSONL."""
    if hasattr(path, "read"):
        yield from _iter_stream(path, fmt or "csv", chunksize)
        return
    fmt = detect_format(path, fmt)
    if not Path(str(path)).exists():
        raise InputError(f"input file {path} does not exist; check the path")
    if fmt in ("csv", "tsv"):
        sep = "\t" if fmt == "tsv" else None
        try:
            handle = open(path, encoding=encoding or "utf-8-sig", errors="replace", newline="")
        except LookupError as exc:
            raise InputError(f"unknown encoding {encoding!r}; try utf-8, latin-1 or cp1252") from exc
        with handle:
            if sep is None:
                sample = handle.read(65536)
                handle.seek(0)
                try:
                    sep = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
                except csv.Error:
                    sep = ","
            try:
                reader = pd.read_csv(handle, sep=sep, dtype=str, keep_default_na=False,
                                     na_values=[""], chunksize=chunksize, engine="c")
                yield from reader
            except pd.errors.ParserError as exc:
                raise InputError(f"{path} is not a well-formed {fmt.upper()} file: {exc}") from exc
            except pd.errors.EmptyDataError:
                return
    elif fmt == "jsonl":
        text, _ = _read_text(path, encoding)
        try:
            reader = pd.read_json(io.StringIO(text), lines=True, dtype=False, chunksize=chunksize)
            for chunk in reader:
                yield chunk
        except ValueError as exc:
            raise InputError(f"{path} is not valid JSON Lines (one object per line): {exc}") from exc
    elif fmt == "parquet":
        import pyarrow.parquet as pq
        pf = pq.ParquetFile(path)
        for batch in pf.iter_batches(batch_size=chunksize):
            yield batch.to_pandas()
    elif fmt == "xlsx":
        df = pd.read_excel(path, sheet_name=sheet or 0, dtype=str)
        for i in range(0, max(len(df), 1), chunksize):
            yield df.iloc[i:i + chunksize]


def _iter_stream(stream: Any, fmt: str, chunksize: int) -> Iterator[pd.DataFrame]:
    if fmt == "jsonl":
        yield from pd.read_json(stream, lines=True, dtype=False, chunksize=chunksize)
    elif fmt in ("csv", "tsv"):
        yield from pd.read_csv(stream, sep="\t" if fmt == "tsv" else ",", dtype=str,
                               keep_default_na=False, na_values=[""], chunksize=chunksize)
    else:
        raise InputError(f"standard input must be csv, tsv or jsonl, got {fmt}")


def read_table(path: str | os.PathLike, **kwargs: Any) -> pd.DataFrame:
    """Read a whole table (see :func:`iter_chunks` for options)."""
    chunks = list(iter_chunks(path, **kwargs))
    return pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame()


def write_table(df: pd.DataFrame, path: str | os.PathLike, *, fmt: str | None = None) -> Path:
    """Write a table atomically (temporary file renamed into place)."""
    fmt = detect_format(path, fmt)
    with atomic_output(path) as tmp:
        with ChunkWriter(tmp, fmt) as w:
            w.write(df)
    return Path(path)


@contextmanager
def atomic_output(path: str | os.PathLike) -> Iterator[str]:
    """Yield a temporary path beside ``path``; rename it into place only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=f".part{path.suffix}")
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs get the usual permissions
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


class ChunkWriter:
    """Append DataFrame chunks to one CSV/TSV/JSONL/Parquet/XLSX file (or an open text
    stream for CSV/TSV/JSONL). ``header=False`` omits the CSV header (a continuation)."""

    def __init__(self, path: Any, fmt: str, *, header: bool = True) -> None:
        self.path, self.fmt = path, fmt
        self._pq = None
        self._xlsx: list[pd.DataFrame] = []
        self._first = header
        self._own = False

    def __enter__(self) -> "ChunkWriter":
        if self.fmt in ("csv", "tsv", "jsonl"):
            if hasattr(self.path, "write"):
                self._fh = self.path
            else:
                self._fh = open(self.path, "w", encoding="utf-8", newline="")
                self._own = True
        return self

    def write(self, df: pd.DataFrame) -> None:
        """Append one chunk."""
        if self.fmt in ("csv", "tsv"):
            df.to_csv(self._fh, sep="\t" if self.fmt == "tsv" else ",", index=False,
                      header=self._first)
        elif self.fmt == "jsonl":
            if len(df):
                text = df.to_json(orient="records", lines=True, force_ascii=False)
                self._fh.write(text if text.endswith("\n") else text + "\n")
        elif self.fmt == "parquet":
            import pyarrow.parquet as pq
            table = _arrow_table(df)
            if self._pq is None:
                self._pq = pq.ParquetWriter(self.path, table.schema)
            self._pq.write_table(table.cast(self._pq.schema))
        elif self.fmt == "xlsx":
            self._xlsx.append(df)
        self._first = False

    def __exit__(self, *exc: Any) -> None:
        if self.fmt in ("csv", "tsv", "jsonl"):
            if self._own:
                self._fh.close()
            else:
                self._fh.flush()
        elif self.fmt == "parquet" and self._pq is not None:
            self._pq.close()
        elif self.fmt == "xlsx":
            frame = pd.concat(self._xlsx, ignore_index=True) if self._xlsx else pd.DataFrame()
            frame.to_excel(self.path, index=False, engine="openpyxl")


def _arrow_table(df: pd.DataFrame):
    """An Arrow table whose heartscore columns have fixed types (a chunk of unscorable rows
    must not turn a column into nulls), other columns as pandas gives them."""
    import pyarrow as pa
    fields, arrays = [], []
    for name in df.columns:
        col = df[name]
        if name in ("polarity", "heartscore_error", "heartscore_model", "evidence"):
            typ = pa.string()
        elif name == "low_confidence":
            typ = pa.bool_()
        elif name in ("heart_score", "confidence") or str(name).startswith("p_"):
            typ = pa.float64()
        elif name in ("trust", "safety", "seen", "mattering") and col.dtype == object:
            typ = pa.int64()
        else:
            typ = None
        values = col.astype(object).where(col.notna(), None).tolist() if typ is not None \
            else col
        arr = pa.array(values, type=typ, from_pandas=True)
        fields.append(pa.field(str(name), arr.type))
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


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


def check_labeled(df: pd.DataFrame, schema: LabelSchema = DEFAULT_SCHEMA, *,
                  text_column: str = "text", require_all: bool = True) -> list[str]:
    """Check a labeled table against the schema. Raises :class:`SchemaError` listing the
    offending rows (1-based data rows); returns a list of warnings."""
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
        vals = df[label].astype(str).str.strip().str.lower()
        if label != "polarity":
            vals = vals.str.replace(r"^\+", "", regex=True).str.replace(r"\.0$", "", regex=True)
        bad = ~vals.isin(allowed)
        if bad.any():
            shown = sorted(set(df[label][bad.to_numpy()].astype(str)))[:5]
            problems.append(f"column {label!r} has values {', '.join(repr(v) for v in shown)} "
                            f"(allowed: {', '.join(sorted(allowed))}) in "
                            f"{format_rows(rows[bad.to_numpy()])}")
        elif vals.nunique() < 2:
            problems.append(f"column {label!r} has a single value {vals.iloc[0]!r}: nothing to learn")
    norm = texts.astype(str).str.strip().str.lower()
    label_cols = [c for c in schema.labels if c in cols]
    conflicts = df.assign(_t=norm).groupby("_t")[label_cols].nunique(dropna=False).max(axis=1) > 1
    if conflicts.any():
        bad_texts = set(conflicts[conflicts].index)
        problems.append("duplicate texts with conflicting labels in "
                        f"{format_rows(rows[norm.isin(bad_texts).to_numpy()])}")
    if problems:
        raise SchemaError("labeled data has problems: " + "; ".join(problems)
                          + ". Fix these rows and run again; no model was written.")
    warnings = []
    pol = df["polarity"].astype(str).str.lower().value_counts(normalize=True)
    if pol.max() > 0.7:
        warnings.append(f"polarity is imbalanced: {pol.idxmax()!r} is {pol.max():.0%} of rows")
    return warnings


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
    """The labeled corpus shipped in ``corpora/``."""
    return Path(__file__).resolve().parents[2] / "corpora" / "heartscore_corpus.csv"


def load_corpus(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """The labeled corpus with signal columns as ints."""
    df = pd.read_csv(path or corpus_path(), dtype={"id": str}, keep_default_na=False)
    for s in DEFAULT_SCHEMA.signals:
        df[s] = df[s].astype(int)
    return df
