"""The table formats heartscore reads and writes, in one registry.

Each :class:`Format` says how to read a file in chunks of rows, how to append chunks to
one output (a writer), how to join chunk files written in parallel into one file, and how
to count rows cheaply for a progress bar. Adding a format is one ``Format(...)`` entry in
``FORMATS`` plus its functions here, and its tests.

Readers give every column as strings (no type guessing that would change ids or texts).
Writers keep pandas' column types; the Parquet writer also fixes the Arrow type of the
columns named in ``types`` (a chunk of unscored rows must not turn a typed column into
nulls).
"""
from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError

__all__ = ["Format", "FORMATS", "EXTENSIONS", "register", "unregister"]


@dataclass(frozen=True)
class Format:
    """One table format: its name, file extensions and the functions that handle it.

    ``read(path, chunksize, encoding, sheet)`` yields DataFrame chunks of string columns;
    ``writer(target, header, types)`` makes an object with ``write(df)`` and ``close()``;
    ``join(parts, target)`` concatenates chunk files; ``count_rows(path)`` gives the number
    of data rows or ``None`` when it cannot be known cheaply; ``streams`` says whether the
    format can be read from stdin and written to stdout (text formats only).
    """

    name: str
    extensions: tuple[str, ...]
    read: Callable[..., Iterator[pd.DataFrame]]
    writer: Callable[..., Any]
    join: Callable[[list[Path], str], None]
    count_rows: Callable[[str], int | None]
    streams: bool = False
    read_stream: Callable[[Any, int], Iterator[pd.DataFrame]] | None = None


# ------------------------------------------------------------------ delimited text
def _read_delimited(path: Any, chunksize: int, encoding: str | None, sheet: str | None, *,
                    sep: str | None, name: str) -> Iterator[pd.DataFrame]:
    try:
        handle = open(path, encoding=encoding or "utf-8-sig", errors="replace", newline="")
    except LookupError as exc:
        raise InputError(f"unknown encoding {encoding!r}; try utf-8, latin-1 or cp1252") from exc
    with handle:
        if sep is None:  # CSV: sniff the delimiter (exports use , ; tab or |)
            sample = handle.read(65536)
            handle.seek(0)
            try:
                sep = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
            except csv.Error:
                sep = ","
        try:
            yield from pd.read_csv(handle, sep=sep, dtype=str, keep_default_na=False,
                                   na_values=[""], chunksize=chunksize, engine="c")
        except pd.errors.ParserError as exc:
            raise InputError(f"{path} is not a well-formed {name.upper()} file: {exc}") from exc
        except pd.errors.EmptyDataError:
            return


def _stream_delimited(stream: Any, chunksize: int, *, sep: str) -> Iterator[pd.DataFrame]:
    yield from pd.read_csv(stream, sep=sep, dtype=str, keep_default_na=False, na_values=[""],
                           chunksize=chunksize)


class _TextWriter:
    """Appends chunks to a text file or an open text stream (left open)."""

    def __init__(self, target: Any, header: bool = True, types: Mapping[str, str] | None = None):
        self._own = not hasattr(target, "write")
        self._fh = open(target, "w", encoding="utf-8", newline="") if self._own else target
        self._first = header

    def write(self, df: pd.DataFrame) -> None:
        self._write(df)
        self._first = False

    def _write(self, df: pd.DataFrame) -> None:
        raise NotImplementedError

    def close(self) -> None:
        if self._own:
            self._fh.close()
        else:
            self._fh.flush()


class _DelimitedWriter(_TextWriter):
    sep = ","

    def _write(self, df: pd.DataFrame) -> None:
        df.to_csv(self._fh, sep=self.sep, index=False, header=self._first)


class _TsvWriter(_DelimitedWriter):
    sep = "\t"


def _join_bytes(parts: list[Path], target: str) -> None:
    """Text chunk files concatenate byte for byte (only the first carries a header)."""
    with open(target, "wb") as out:
        for p in parts:
            with open(p, "rb") as fh:
                shutil.copyfileobj(fh, out, 1 << 20)


def _count_lines(path: str, header: bool, quoted: bool = True) -> int | None:
    """Records in a line-based file: newlines (outside double quotes when ``quoted``: a
    quoted CSV text may span lines; an escaped quote ``""`` toggles twice), plus a last
    line without a newline. JSON Lines (``quoted=False``) escapes its newlines."""
    n, inside, last = 0, 0, b"\n"
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            a = np.frombuffer(block, dtype=np.uint8)
            if quoted:
                within = (np.cumsum(a == 34) + inside) & 1  # 1 inside quotes (34 is ")
                n += int(np.count_nonzero((a == 10) & (within == 0)))
                inside = int(within[-1])
            else:
                n += int(np.count_nonzero(a == 10))
            last = block[-1:]
    n += last != b"\n"
    return max(n - int(header), 0)


# ------------------------------------------------------------------ JSON Lines
def _read_jsonl(path: Any, chunksize: int, encoding: str | None, sheet: str | None
                ) -> Iterator[pd.DataFrame]:
    raw = Path(path).read_bytes()
    text = raw.decode(encoding or "utf-8-sig", errors="replace")
    try:
        yield from pd.read_json(io.StringIO(text), lines=True, dtype=False, chunksize=chunksize)
    except ValueError as exc:
        raise InputError(f"{path} is not valid JSON Lines (one object per line): {exc}") from exc


def _stream_jsonl(stream: Any, chunksize: int) -> Iterator[pd.DataFrame]:
    yield from pd.read_json(stream, lines=True, dtype=False, chunksize=chunksize)


class _JsonlWriter(_TextWriter):
    def _write(self, df: pd.DataFrame) -> None:
        if len(df):
            text = df.to_json(orient="records", lines=True, force_ascii=False)
            self._fh.write(text if text.endswith("\n") else text + "\n")


# ------------------------------------------------------------------ Parquet
def _read_parquet(path: Any, chunksize: int, encoding: str | None, sheet: str | None
                  ) -> Iterator[pd.DataFrame]:
    import pyarrow.parquet as pq
    for batch in pq.ParquetFile(path).iter_batches(batch_size=chunksize):
        yield batch.to_pandas()


_ARROW_TYPES = {"string": "string", "int": "int64", "float": "float64", "bool": "bool_"}


def _arrow_table(df: pd.DataFrame, types: Mapping[str, str]):
    """An Arrow table whose columns named in ``types`` have that fixed type, the others as
    pandas gives them."""
    import pyarrow as pa
    fields, arrays = [], []
    for name in df.columns:
        col = df[name]
        kind = types.get(str(name))
        typ = getattr(pa, _ARROW_TYPES[kind])() if kind else None
        values = col.astype(object).where(col.notna(), None).tolist() if typ is not None \
            else col
        arr = pa.array(values, type=typ, from_pandas=True)
        fields.append(pa.field(str(name), arr.type))
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


class _ParquetWriter:
    def __init__(self, target: Any, header: bool = True, types: Mapping[str, str] | None = None):
        self._path, self._types, self._pq = target, dict(types or {}), None

    def write(self, df: pd.DataFrame) -> None:
        import pyarrow.parquet as pq
        table = _arrow_table(df, self._types)
        if self._pq is None:
            self._pq = pq.ParquetWriter(self._path, table.schema)
        self._pq.write_table(table.cast(self._pq.schema))

    def close(self) -> None:
        if self._pq is not None:
            self._pq.close()


def _join_parquet(parts: list[Path], target: str) -> None:
    import pyarrow.parquet as pq
    writer = None
    for p in parts:
        table = pq.read_table(p)
        if writer is None:
            writer = pq.ParquetWriter(target, table.schema)
        writer.write_table(table.cast(writer.schema))
    if writer is not None:
        writer.close()


def _count_parquet(path: str) -> int | None:
    import pyarrow.parquet as pq
    return pq.ParquetFile(path).metadata.num_rows


# ------------------------------------------------------------------ Excel
def _read_xlsx(path: Any, chunksize: int, encoding: str | None, sheet: str | None
               ) -> Iterator[pd.DataFrame]:
    df = pd.read_excel(path, sheet_name=sheet or 0, dtype=str)
    for i in range(0, max(len(df), 1), chunksize):
        yield df.iloc[i:i + chunksize]


class _XlsxWriter:
    """Excel files cannot be appended to; chunks are kept and written at close (Excel
    files are small by nature: a sheet holds at most ~1M rows)."""

    def __init__(self, target: Any, header: bool = True, types: Mapping[str, str] | None = None):
        self._path, self._frames = target, []

    def write(self, df: pd.DataFrame) -> None:
        self._frames.append(df)

    def close(self) -> None:
        frame = pd.concat(self._frames, ignore_index=True) if self._frames else pd.DataFrame()
        frame.to_excel(self._path, index=False, engine="openpyxl")


def _join_xlsx(parts: list[Path], target: str) -> None:
    frame = pd.concat([pd.read_excel(p, dtype=object) for p in parts], ignore_index=True)
    frame.to_excel(target, index=False, engine="openpyxl")


def _unknown_count(path: str) -> int | None:
    return None


# ------------------------------------------------------------------ the registry
FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("csv", (".csv", ".txt"), partial(_read_delimited, sep=None, name="csv"),
           _DelimitedWriter, _join_bytes, partial(_count_lines, header=True), streams=True,
           read_stream=partial(_stream_delimited, sep=",")),
    Format("tsv", (".tsv", ".tab"), partial(_read_delimited, sep="\t", name="tsv"),
           _TsvWriter, _join_bytes, partial(_count_lines, header=True), streams=True,
           read_stream=partial(_stream_delimited, sep="\t")),
    Format("jsonl", (".jsonl", ".ndjson", ".json"), _read_jsonl, _JsonlWriter, _join_bytes,
           partial(_count_lines, header=False, quoted=False), streams=True, read_stream=_stream_jsonl),
    Format("parquet", (".parquet", ".pq"), _read_parquet, _ParquetWriter, _join_parquet,
           _count_parquet),
    Format("xlsx", (".xlsx",), _read_xlsx, _XlsxWriter, _join_xlsx, _unknown_count),
)}

#: File extension -> format name.
EXTENSIONS: dict[str, str] = {ext: f.name for f in FORMATS.values() for ext in f.extensions}


def register(fmt: Format) -> None:
    """Add a format to the registry (its name and extensions must be new)."""
    taken = [e for e in fmt.extensions if e in EXTENSIONS]
    if fmt.name in FORMATS or taken:
        raise ValueError(f"format {fmt.name!r} or extension(s) {taken} already registered")
    FORMATS[fmt.name] = fmt
    EXTENSIONS.update({ext: fmt.name for ext in fmt.extensions})


def unregister(name: str) -> None:
    """Remove a format from the registry."""
    fmt = FORMATS.pop(name)
    for ext in fmt.extensions:
        EXTENSIONS.pop(ext, None)
