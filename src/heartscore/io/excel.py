"""Excel (.xlsx) files: a streaming reader (openpyxl read-only mode) and a writer that
writes every text as a string cell, never a formula, using Excel's ``_xHHHH_`` escape for
characters XML cannot hold (undone on reading)."""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from .cells import text_columns

__all__ = ["read_xlsx", "write_xlsx", "XlsxWriter", "join_xlsx"]


def _xlsx_text(value: Any) -> str | None:
    """A cell as the readers give every value: text (Excel's ``_xHHHH_`` escapes undone,
    whole-number floats without ``.0``), an empty cell or empty text as missing."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return _XLSX_UNESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value) \
            if "_x" in value else value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _unique_names(header: tuple[Any, ...]) -> list[str]:
    names: list[str] = []
    for i, h in enumerate(header):
        name = _xlsx_text(h) or f"Unnamed: {i}"
        base, k = name, 0
        while name in names:
            k += 1
            name = f"{base}.{k}"
        names.append(name)
    return names


def read_xlsx(path: Any, chunksize: int, encoding: str | None, sheet: str | None
               ) -> Iterator[pd.DataFrame]:
    """Rows of a sheet streamed with openpyxl's read-only mode (memory flat): every row of
    the sheet's dimension, empty ones included (rows in = rows out). A row with a value
    beyond the header's columns is refused with its row number, as a CSV row with more
    fields than its header is: a chunk already read could not gain the column. (A sheet
    whose recorded dimension is wider than its header row gets ``Unnamed: i`` columns.)"""
    from openpyxl import load_workbook
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise InputError(f"{path} has no sheet {sheet!r}; its sheets are "
                             f"{', '.join(map(repr, wb.sheetnames))}; pass --sheet with one "
                             "of them")
        rows = (wb[sheet] if sheet is not None else wb.worksheets[0]).iter_rows(
            values_only=True)
        header = next(rows, None)
        if header is None:
            return
        names = _unique_names(header)
        buffer: list[list[str | None]] = []
        for number, row in enumerate(rows, start=2):
            cells = [_xlsx_text(v) for v in row]
            if len(cells) > len(names):
                if any(c is not None for c in cells[len(names):]):
                    col = next(i for i in range(len(names), len(cells)) if cells[i] is not None)
                    raise InputError(f"{path} is not a well-formed table: row {number} has a "
                                     f"value in column {col + 1}, beyond the header's "
                                     f"{len(names)} column(s); give that column a header in "
                                     "row 1, or delete the stray cell")
                cells = cells[:len(names)]
            cells += [None] * (len(names) - len(cells))
            buffer.append(cells)
            while len(buffer) >= chunksize:
                yield _xlsx_frame(buffer[:chunksize], names)
                buffer = buffer[chunksize:]
        if buffer:
            yield _xlsx_frame(buffer, names)
    finally:
        wb.close()


def _xlsx_frame(rows: list[list[str | None]], names: list[str]) -> pd.DataFrame:
    width = len(names)
    return pd.DataFrame([r + [None] * (width - len(r)) for r in rows], columns=names,
                        dtype=object)


# Excel's escape of characters a cell cannot hold as they are (OOXML ST_Xstring: _xHHHH_):
# the control characters XML forbids, CR (XML would read it as LF) and an underscore that
# starts a text looking like an escape itself. Our reader undoes it, as Excel does.
_XLSX_ESCAPE = re.compile(r"[\x00-\x08\x0b\x0c\r\x0e-\x1f]|_(?=x[0-9A-Fa-f]{4}_)")
_XLSX_UNESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _xlsx_unescape(df: pd.DataFrame) -> pd.DataFrame:
    for c in text_columns(df):
        try:
            if df[c].str.contains("_x", regex=False, na=False).any():
                df[c] = df[c].str.replace(_XLSX_UNESCAPE, lambda m: chr(int(m.group(1), 16)),
                                          regex=True)
        except AttributeError:
            continue
    return df


def _xlsx_value(ws: Any, value: Any) -> Any:
    """One cell: text as a string cell (never a formula, no prefix; what XML cannot hold
    written as Excel's ``_xHHHH_`` escape), NA as empty, numbers as they are."""
    if isinstance(value, str):
        from openpyxl.cell import WriteOnlyCell
        cell = WriteOnlyCell(ws)
        cell._value = _XLSX_ESCAPE.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
        cell.data_type = "s"
        return cell
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def write_xlsx(frame: pd.DataFrame, path: Any) -> None:
    from openpyxl import Workbook
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append([_xlsx_value(ws, str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        ws.append([_xlsx_value(ws, v) for v in row])
    wb.save(path)


class XlsxWriter:
    """Excel files cannot be appended to; chunks are kept and written at close (Excel
    files are small by nature: a sheet holds at most ~1M rows)."""

    def __init__(self, target: Any, header: bool = True, types: Mapping[str, str] | None = None):
        self._path, self._frames = target, []

    def write(self, df: pd.DataFrame) -> None:
        self._frames.append(df)

    def close(self) -> None:
        frame = pd.concat(self._frames, ignore_index=True) if self._frames else pd.DataFrame()
        write_xlsx(frame, self._path)


def join_xlsx(parts: list[Path], target: str) -> None:
    frame = pd.concat([_xlsx_unescape(pd.read_excel(p, dtype=object, keep_default_na=False,
                                                     na_values=[""])) for p in parts],
                      ignore_index=True)
    write_xlsx(frame, target)
