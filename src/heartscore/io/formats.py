"""The table formats heartscore reads and writes, in one registry.

Each :class:`Format` says how to read a file in chunks of rows, how to append chunks to
one output (a writer), how to join chunk files written in parallel into one file, and how
to count rows cheaply for a progress bar. Adding a format is one ``Format(...)`` entry in
``FORMATS`` plus its functions here, and its tests.

Readers give every column as strings (no type guessing that would change ids or texts).
Writers keep pandas' column types; the Parquet writer also fixes the Arrow type of the
columns named in ``types`` (a chunk of unscored rows must not turn a typed column into
nulls). Writers keep every character: CSV/TSV quote delimiters, quotes, line feeds and bare
carriage returns; XLSX cells are written as strings, never formulas. Formats that a
spreadsheet opens as formulas (``escape_formulas=True``: CSV, TSV) get
:func:`neutralise_formulas` applied by :class:`~heartscore.io.files.ChunkWriter` unless
turned off.
"""
from __future__ import annotations

import csv
import json
import re
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from .cells import FORMULA_STARTS, has_blank_line_cell, has_carriage_return, neutralise_formulas
from .excel import XlsxWriter, join_xlsx, read_xlsx

__all__ = ["Format", "FORMATS", "EXTENSIONS", "FORMULA_STARTS", "neutralise_formulas",
           "register", "unregister"]


@dataclass(frozen=True)
class Format:
    """One table format: its name, file extensions and the functions that handle it.

    ``read(path, chunksize, encoding, sheet)`` yields DataFrame chunks of string columns;
    ``writer(target, header, types)`` makes an object with ``write(df)`` and ``close()``;
    ``join(parts, target)`` concatenates chunk files; ``count_rows(path)`` gives the number
    of data rows or ``None`` when it cannot be known cheaply; ``streams`` says whether the
    format can be read from stdin and written to stdout (text formats only);
    ``escape_formulas`` says that spreadsheets open it and read formulas from text cells
    (see :func:`neutralise_formulas`).
    """

    name: str
    extensions: tuple[str, ...]
    read: Callable[..., Iterator[pd.DataFrame]]
    writer: Callable[..., Any]
    join: Callable[[list[Path], str], None]
    count_rows: Callable[[str], int | None]
    streams: bool = False
    read_stream: Callable[[Any, int], Iterator[pd.DataFrame]] | None = None
    escape_formulas: bool = False


# ------------------------------------------------------------------ delimited text
_BOMS = ((b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe\x00\x00", "utf-32"),
         (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def text_encoding(path: Any, encoding: str | None) -> str:
    """The encoding to read a text file with: ``encoding`` when given, else the one its
    byte-order mark names (UTF-8, UTF-16, UTF-32), else UTF-8. A file without a BOM whose
    first 64 KiB are more than a tenth NUL bytes is refused with the line of the first one
    (UTF-16 without a BOM, or not text), since reading it as UTF-8 would give garbage rows;
    a few NUL characters in texts are kept."""
    if encoding is not None:
        import codecs
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}; try utf-8, utf-16, latin-1 or "
                             "cp1252") from None
        return "utf-8-sig" if name == "utf-8" else name
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    if head.count(b"\x00") * 10 > len(head):  # UTF-16 text is about half NUL bytes
        line = head[:head.index(b"\x00")].count(b"\n") + 1
        raise InputError(f"{path} line {line} holds NUL bytes: expected UTF-8 text, found "
                         "UTF-16 without a byte-order mark or a binary file; pass --encoding "
                         "(e.g. utf-16-le) or save it as UTF-8")
    return "utf-8"


def _open_text(path: Any, encoding: str | None) -> Any:
    """``path`` opened as text (see :func:`text_encoding`); undecodable bytes become U+FFFD,
    which scoring flags on the row."""
    return open(path, encoding=text_encoding(path, encoding), errors="replace", newline="")


def _read_delimited(path: Any, chunksize: int, encoding: str | None, sheet: str | None, *,
                    sep: str | None, name: str) -> Iterator[pd.DataFrame]:
    with _open_text(path, encoding) as handle:
        yield from _delimited_chunks(handle, chunksize, sep=sep, name=name, where=str(path))


def _header_delimiter(header: str) -> str:
    """The delimiter among , ; tab | that the header line (outside quotes) uses most; a comma
    when none. The header only: texts in the rows hold any of them (csv.Sniffer, which reads
    rows, was misled by texts full of tabs)."""
    outside = "".join(header.split('"')[::2])
    counts = {d: outside.count(d) for d in ",;\t|"}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _delimited_chunks(handle: Any, chunksize: int, *, sep: str | None, name: str,
                      where: str) -> Iterator[pd.DataFrame]:
    if sep is None:  # CSV: the delimiter of the header line (exports use , ; tab or |)
        sep = _header_delimiter(handle.readline())
        handle.seek(0)
    try:
        yield from pd.read_csv(handle, sep=sep, dtype=str, keep_default_na=False,
                               na_values=[""], chunksize=chunksize, engine="c")
    except pd.errors.ParserError as exc:
        raise InputError(f"{where} is not a well-formed {name.upper()} file: "
                         f"{' '.join(str(exc).split())}") from exc
    except pd.errors.EmptyDataError:
        return


def _stream_delimited(stream: Any, chunksize: int, *, sep: str) -> Iterator[pd.DataFrame]:
    try:
        yield from pd.read_csv(stream, sep=sep, dtype=str, keep_default_na=False,
                               na_values=[""], chunksize=chunksize)
    except pd.errors.EmptyDataError:
        return


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
    """CSV/TSV rows end in ``\\n`` and fields are quoted when they hold the delimiter, a
    quote or a line feed (pandas' minimal quoting). Python's csv module does not quote a bare
    carriage return in that mode, and readers would split the row there, so a chunk holding
    one is written with every field quoted (still the same table for any CSV reader), as is
    a one-column chunk with a whitespace-only cell, whose line a reader would skip as blank."""

    sep = ","

    def _write(self, df: pd.DataFrame) -> None:
        full = has_carriage_return(df) or has_blank_line_cell(df)
        quoting = csv.QUOTE_ALL if full else csv.QUOTE_MINIMAL
        df.to_csv(self._fh, sep=self.sep, index=False, header=self._first, quoting=quoting,
                  lineterminator="\n")


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
def _json_text(value: Any) -> Any:
    """A JSON value as the readers give every value: text (numbers keep their JSON
    spelling, nested values their JSON), null as missing."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)


def _jsonl_chunks(lines: Iterable[str], chunksize: int, where: str) -> Iterator[pd.DataFrame]:
    """DataFrames of ``chunksize`` records from JSON Lines, one line at a time (memory flat
    in the number of rows); a line that is not a JSON object is refused with its number."""
    records: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line, parse_int=str, parse_float=str, parse_constant=str)
        except (json.JSONDecodeError, RecursionError) as exc:
            reason = getattr(exc, "msg", "nested too deeply")
            raise InputError(f"{where} line {number} is not valid JSON ({reason}); JSON Lines "
                             "needs one JSON object per line") from None
        if not isinstance(obj, dict):
            raise InputError(f"{where} line {number} is a JSON {type(obj).__name__}, expected "
                             "an object such as {\"text\": \"...\"} on every line")
        record = {str(k): _json_text(v) for k, v in obj.items()}
        if any(isinstance(v, (dict, list)) for v in obj.values()):  # nested: as written
            plain = json.loads(line)
            record.update({str(k): json.dumps(v, ensure_ascii=False)
                           for k, v in plain.items() if isinstance(v, (dict, list))})
        if _SURROGATE.search(line):  # "\\ud800" escapes decode to text UTF-8 cannot hold
            record = {_no_surrogates(k): _no_surrogates(v) for k, v in record.items()}
        records.append(record)
        if len(records) == chunksize:
            yield pd.DataFrame(records, dtype=object)
            records = []
    if records:
        yield pd.DataFrame(records, dtype=object)


_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def _no_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return value


def _read_jsonl(path: Any, chunksize: int, encoding: str | None, sheet: str | None
                ) -> Iterator[pd.DataFrame]:
    with open(path, encoding=text_encoding(path, encoding), errors="replace",
              newline="\n") as fh:
        yield from _jsonl_chunks(fh, chunksize, str(path))


def _stream_jsonl(stream: Any, chunksize: int) -> Iterator[pd.DataFrame]:
    yield from _jsonl_chunks(stream, chunksize, "standard input")


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


def _unknown_count(path: str) -> int | None:
    return None


# ------------------------------------------------------------------ the registry
FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("csv", (".csv", ".txt"), partial(_read_delimited, sep=None, name="csv"),
           _DelimitedWriter, _join_bytes, partial(_count_lines, header=True), streams=True,
           read_stream=partial(_stream_delimited, sep=","), escape_formulas=True),
    Format("tsv", (".tsv", ".tab"), partial(_read_delimited, sep="\t", name="tsv"),
           _TsvWriter, _join_bytes, partial(_count_lines, header=True), streams=True,
           read_stream=partial(_stream_delimited, sep="\t"), escape_formulas=True),
    Format("jsonl", (".jsonl", ".ndjson", ".json"), _read_jsonl, _JsonlWriter, _join_bytes,
           partial(_count_lines, header=False, quoted=False), streams=True, read_stream=_stream_jsonl),
    Format("parquet", (".parquet", ".pq"), _read_parquet, _ParquetWriter, _join_parquet,
           _count_parquet),
    Format("xlsx", (".xlsx",), read_xlsx, XlsxWriter, join_xlsx, _unknown_count),
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
