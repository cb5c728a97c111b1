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
import io
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
        head = fh.read(_HEAD_BYTES)
    return head_encoding(head, str(path))


_HEAD_BYTES = 1 << 16  # what encoding detection looks at, for files and standard input alike


def head_encoding(head: bytes, where: str) -> str:
    """The encoding of text whose first bytes are ``head`` (see :func:`text_encoding`, which
    this is the no-``encoding`` half of; ``where`` names the input in the refusal)."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    if head.count(b"\x00") * 10 > len(head):  # UTF-16 text is about half NUL bytes
        line = head[:head.index(b"\x00")].count(b"\n") + 1
        raise InputError(f"{where} line {line} holds NUL bytes: expected UTF-8 text, found "
                         "UTF-16 without a byte-order mark or a binary file; pass --encoding "
                         "(e.g. utf-16-le) or save it as UTF-8")
    return "utf-8"


class _HeadFirst(io.RawIOBase):
    """A binary stream whose first bytes (``head``) were read already: them, then the rest."""

    def __init__(self, head: bytes, rest: Any) -> None:
        self._head, self._rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n], self._head = self._head[:n], self._head[n:]
            return n
        read = getattr(self._rest, "read1", self._rest.read)  # a pipe: what is there, no wait
        data = read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def open_stdin(raw: Any, fmt: str | None = None,
               encoding: str | None = None) -> tuple[Any, str]:
    """Standard input's bytes (``raw``, e.g. ``sys.stdin.buffer``) as a text stream, and its
    format, read as a file of the same bytes is read: the encoding is ``encoding``, else
    the one its first 64 KiB show (:func:`head_encoding`, as for a file: a BOM, or a refusal
    of UTF-16 without one); the format is ``fmt``, else JSON Lines when the first text that
    is not blank starts with ``{``, else CSV (whose reader takes the delimiter from the
    header line, as for a file). Undecodable bytes become U+FFFD, flagged on their rows."""
    import codecs
    head = raw.read(_HEAD_BYTES) or b""
    enc = text_encoding(None, encoding) if encoding is not None else \
        head_encoding(head, "standard input")
    if fmt is None:
        start = codecs.getincrementaldecoder(enc)(errors="replace").decode(head)
        fmt = "jsonl" if start.lstrip("\ufeff").lstrip().startswith("{") else "csv"
    text = io.TextIOWrapper(io.BufferedReader(_HeadFirst(head, raw)), encoding=enc,
                            errors="replace", newline="\n" if fmt == "jsonl" else "")
    return text, fmt


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


class _Replay:
    """A text stream with the text already read from it (``head``) put back in front (a
    header line read to sniff a delimiter or a format, :func:`heartscore.io.stdin_table`)."""

    def __init__(self, head: str, rest: Any) -> None:
        self._head, self._rest = head, rest

    def read(self, n: int | None = -1) -> str:
        if not self._head:
            return self._rest.read(n)
        if n is None or n < 0:
            out, self._head = self._head + self._rest.read(), ""
        else:
            out, self._head = self._head[:n], self._head[n:]
        return out

    def __iter__(self) -> Iterator[str]:
        if self._head:
            head, self._head = self._head, ""
            yield from head.splitlines(keepends=True)
        yield from self._rest


def _first_line(handle: Any) -> str:
    """The first line of a text stream (read from it: replay it with :class:`_Replay`)."""
    if hasattr(handle, "readline"):
        return handle.readline()
    return next(iter(handle), "")


def _column_names(header: list[Any]) -> list[str]:
    """Header cells named as pandas names a header (an empty cell ``Unnamed: i``, a repeated
    name ``name.1``...): pandas itself names them, from the cells written as one CSV line,
    so names stay what ``header=0`` gave."""
    line = io.StringIO()
    csv.writer(line, quoting=csv.QUOTE_ALL).writerow(
        ["" if cell is None or cell != cell else str(cell) for cell in header])
    line.seek(0)
    return [str(c) for c in pd.read_csv(line, dtype=str, keep_default_na=False,
                                        na_values=[""]).columns]


def _delimited_chunks(handle: Any, chunksize: int, *, sep: str | None, name: str,
                      where: str) -> Iterator[pd.DataFrame]:
    """Chunks of a CSV/TSV text stream (a file or standard input). The header is parsed as
    a row (``header=None``) so the parser holds every row to the header's width: a row with
    more fields is refused, the first one included (with ``header=0`` pandas took a longer
    first row's leading fields as an index: values shifted, fields lost). Header-only or
    empty text gives no chunk, as an empty table does in every format."""
    if sep is None:  # CSV: the delimiter of the header line (exports use , ; tab or |)
        head = _first_line(handle)
        sep, handle = _header_delimiter(head), _Replay(head, handle)
    try:
        reader = pd.read_csv(handle, sep=sep, dtype=str, keep_default_na=False,
                             na_values=[""], chunksize=chunksize, engine="c", header=None)
        with reader:
            header = reader.get_chunk(1)
            if not len(header):
                return
            names = _column_names(header.iloc[0].tolist())
            for chunk in reader:
                chunk.columns = names
                chunk.index = chunk.index - 1  # data rows count from 0, as with header=0
                yield chunk
    except pd.errors.ParserError as exc:
        raise InputError(f"{where} is not a well-formed {name.upper()} file: "
                         f"{' '.join(str(exc).split())}") from exc
    except (pd.errors.EmptyDataError, StopIteration):
        return


def _stream_delimited(stream: Any, chunksize: int, *, sep: str | None,
                      name: str) -> Iterator[pd.DataFrame]:
    """Chunks of CSV/TSV from standard input, read as a file of the same text is."""
    yield from _delimited_chunks(stream, chunksize, sep=sep, name=name,
                                 where="standard input")


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


def _jsonl_objects(lines: Iterable[str], where: str) -> Iterator[tuple[int, str, dict]]:
    """``(line number, line, object)`` for each non-blank line of JSON Lines; a line that is
    not a JSON object is refused with its number."""
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
        yield number, line, obj


def _jsonl_key(key: str, line: str) -> str:
    """A JSON key as a column name (a lone surrogate escape replaced, as in values)."""
    return _no_surrogates(key) if _SURROGATE.search(line) else key


def _jsonl_keys(lines: Iterable[str], where: str) -> list[str]:
    """Every key of JSON Lines, in the order each first appears (one pass, memory flat)."""
    keys: dict[str, None] = {}
    for _, line, obj in _jsonl_objects(lines, where):
        for k in obj:
            keys.setdefault(_jsonl_key(k, line), None)
    return list(keys)


def _jsonl_chunks(lines: Iterable[str], chunksize: int, where: str,
                  columns: list[str] | None = None) -> Iterator[pd.DataFrame]:
    """DataFrames of ``chunksize`` records from JSON Lines, one line at a time (memory flat
    in the number of rows), every chunk with the same columns in the same order (a key
    missing from a line is an empty cell; keys in another order are put in place).

    ``columns`` are all the keys when known (a file: read first by :func:`_jsonl_keys`).
    When not (standard input), the first chunk's keys are the columns and a line with a
    key they lack is refused with its line number: it has no column to go in, and the
    rows before it are already written."""
    records: list[dict[str, Any]] = []
    known = None if columns is None else set(columns)
    for number, line, obj in _jsonl_objects(lines, where):
        record = {str(k): _json_text(v) for k, v in obj.items()}
        if any(isinstance(v, (dict, list)) for v in obj.values()):  # nested: as written
            plain = json.loads(line)
            record.update({str(k): json.dumps(v, ensure_ascii=False)
                           for k, v in plain.items() if isinstance(v, (dict, list))})
        if _SURROGATE.search(line):  # "\\ud800" escapes decode to text UTF-8 cannot hold
            record = {_no_surrogates(k): _no_surrogates(v) for k, v in record.items()}
        if known is not None and not known.issuperset(record):
            new = next(k for k in record if k not in known)
            raise InputError(f"{where} line {number} has the key {new!r}, which no line of "
                             f"the first chunk ({len(columns)} columns: "
                             f"{', '.join(columns)[:200]}) has; standard input must give "
                             "every key in its first chunk: save it to a file and pass the "
                             "file (heartscore reads a file's keys first), or put the key "
                             "on the first line (e.g. with null)")
        records.append(record)
        if len(records) == chunksize:
            frame = pd.DataFrame(records, columns=columns, dtype=object)
            if columns is None:
                columns = [str(c) for c in frame.columns]
                known = set(columns)
            yield frame
            records = []
    if records:
        yield pd.DataFrame(records, columns=columns, dtype=object)


_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def _no_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return value


def _read_jsonl(path: Any, chunksize: int, encoding: str | None, sheet: str | None
                ) -> Iterator[pd.DataFrame]:
    """Chunks of a JSON Lines file, every one with a column for every key of the file (in
    the order keys first appear; a line without a key has an empty cell there): the keys
    are read in a first pass, so a key first seen in a later line still gets its column
    and the chunks' columns line up. A line that is not a JSON object is refused with its
    number (by the first pass, before any row is read)."""
    enc = text_encoding(path, encoding)
    with open(path, encoding=enc, errors="replace", newline="\n") as fh:
        columns = _jsonl_keys(fh, str(path))
    with open(path, encoding=enc, errors="replace", newline="\n") as fh:
        yield from _jsonl_chunks(fh, chunksize, str(path), columns)


def _stream_jsonl(stream: Any, chunksize: int) -> Iterator[pd.DataFrame]:
    """Chunks of JSON Lines from standard input, which cannot be read twice: the first
    chunk's keys are the columns, later lines' keys in any order are put in place, and a
    line with a key the first chunk lacks is refused with its number (see
    :func:`_jsonl_chunks`)."""
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
            # a column empty in the first chunk has Arrow's null type, to which later chunks'
            # values cannot be cast: store it as text, what readers give every column
            import pyarrow as pa
            schema = pa.schema([f.with_type(pa.string()) if pa.types.is_null(f.type) else f
                                for f in table.schema])
            self._pq = pq.ParquetWriter(self._path, schema)
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
           read_stream=partial(_stream_delimited, sep=None, name="csv"),
           escape_formulas=True),
    Format("tsv", (".tsv", ".tab"), partial(_read_delimited, sep="\t", name="tsv"),
           _TsvWriter, _join_bytes, partial(_count_lines, header=True), streams=True,
           read_stream=partial(_stream_delimited, sep="\t", name="tsv"),
           escape_formulas=True),
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
