"""Readers give the table that is in the input, whatever its shape: JSON Lines keys in any
order or first seen late stay under their header, a CSV row longer than its header is
refused (the first one too), standard input is read as a file of the same bytes, and an
input with no rows is refused the same way in every format."""
from __future__ import annotations

import io
import json
import sys

import pandas as pd
import pytest

from heartscore import cli, cli_commands
from heartscore.errors import InputError
from heartscore.io import iter_chunks, read_table
from heartscore.io.excel import write_xlsx
from heartscore.io.formats import open_stdin


@pytest.fixture
def score(model, monkeypatch, capsys):
    """Run ``heartscore score ARGS...`` in-process with the session's model: (exit, stderr)."""
    monkeypatch.setattr(cli_commands, "_load", lambda path: model)

    def run(*args: str) -> tuple[int, str]:
        code = cli.main(["score", *map(str, args), "--quiet", "--language", "any"])
        return code, capsys.readouterr().err.strip()
    return run


# ------------------------------------------------------------------ JSON Lines columns
ROWS = [{"store": "s1", "text": "Great"}, {"store": "s2", "text": "Rude"},
        {"text": "Lovely nurse", "store": "s3"},  # keys in another order
        {"text": "Kind", "store": "s4", "ward": "B"},  # a key first seen in the second chunk
        {"text": "Slow"}]  # keys missing


def _jsonl(rows: list[dict]) -> str:
    return "".join(json.dumps(r) + "\n" for r in rows)


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("ext", ["csv", "parquet"])
def test_jsonl_keys_in_another_order_or_first_seen_late_stay_under_their_header(
        ext, jobs, score, tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / f"out.{ext}"
    src.write_text(_jsonl(ROWS))
    code, err = score(src, "-o", out, "--chunksize", "2", "--jobs", jobs)
    assert code == 0, err
    back = read_table(out)
    assert list(back.columns[:3]) == ["store", "text", "ward"]
    got = back[["store", "text", "ward"]].astype(object).where(back.notna(), None)
    assert got.values.tolist() == [["s1", "Great", None], ["s2", "Rude", None],
                                   ["s3", "Lovely nurse", None], ["s4", "Kind", "B"],
                                   [None, "Slow", None]]


def test_jsonl_keys_that_change_order_after_the_default_chunk_stay_in_place(score, tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.csv"
    rows = [{"id": i, "text": f"Kind nurse {i}"} for i in range(5000)]
    src.write_text(_jsonl(rows + [{"text": "Rude staff", "id": 5000}]))
    code, err = score(src, "-o", out, "--jobs", "1")
    assert code == 0, err
    back = read_table(out)
    assert back.iloc[-1][["id", "text"]].tolist() == ["5000", "Rude staff"]


def test_jsonl_on_stdin_aligns_key_order_and_refuses_a_key_the_first_chunk_lacks():
    chunks = list(iter_chunks(io.StringIO(_jsonl(ROWS[:3])), fmt="jsonl", chunksize=2))
    assert [c[["store", "text"]].values.tolist() for c in chunks] == [
        [["s1", "Great"], ["s2", "Rude"]], [["s3", "Lovely nurse"]]]
    assert all(list(c.columns) == ["store", "text"] for c in chunks)
    with pytest.raises(InputError, match=r"standard input line 4 has the key 'ward'.*file"):
        list(iter_chunks(io.StringIO(_jsonl(ROWS)), fmt="jsonl", chunksize=2))


# ------------------------------------------------------------------ ragged CSV/TSV rows
@pytest.mark.parametrize("sep, ext", [(",", "csv"), ("\t", "tsv")])
@pytest.mark.parametrize("body", ["id,text\n1,Rude, slow, cold\n2,Great\n3,Fine,x\n",
                                  "text\nRude, slow, cold\nGreat, fine\n",
                                  "id,text\n1,a trailing delimiter,\n2,b\n"])
def test_a_first_row_longer_than_the_header_is_refused_like_a_later_one(
        body, sep, ext, score, tmp_path):
    src, out = tmp_path / f"in.{ext}", tmp_path / "out.csv"
    src.write_text(body.replace(",", sep) if sep != "," else body)
    code, err = score(src, "-o", out, "--jobs", "1")
    assert code == 2 and len(err.splitlines()) == 1 and not out.exists()
    assert f"is not a well-formed {ext.upper()} file" in err and "in line 2, saw" in err
    with pytest.raises(InputError, match="standard input .* in line 2, saw"):  # and on stdin
        list(iter_chunks(io.StringIO(src.read_text()), fmt=ext))


def test_csv_header_names_are_kept_as_pandas_gives_them(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text('a,a,,"multi\nline",a.1\n1,2,3,4,5\n6\n')
    back = read_table(src)
    assert list(back.columns) == list(pd.read_csv(src).columns)
    assert back.astype(object).where(back.notna(), None).values.tolist() == [
        ["1", "2", "3", "4", "5"], ["6", None, None, None, None]]


# ------------------------------------------------------------------ standard input
TEXT = pd.DataFrame({"id": ["1", "2"], "text": ["Kind nurse é", "Rude staff"]}).to_csv(
    index=False)


@pytest.mark.parametrize("name, data", [
    ("in.csv", TEXT.encode("utf-16")), ("in.csv", TEXT.encode("utf-32")),
    ("in.csv", TEXT.encode("utf-8-sig")), ("in.csv", TEXT.replace(",", ";").encode()),
    ("in.jsonl", b'\n{"text": "Great", "id": "1"}\r\n\n{"id": "2", "text": "x"}\n'),
    ("in.csv", b"")])
def test_stdin_is_read_as_a_file_of_the_same_bytes(name, data, tmp_path):
    path = tmp_path / name
    path.write_bytes(data)
    stream, fmt = open_stdin(io.BytesIO(data))
    assert fmt == name.split(".")[1]
    from_stdin = list(iter_chunks(stream, fmt=fmt, chunksize=1))
    from_file = list(iter_chunks(path, chunksize=1))
    assert len(from_stdin) == len(from_file)
    for a, b in zip(from_stdin, from_file):
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


def test_utf16_without_a_bom_on_stdin_is_refused_as_in_a_file(tmp_path):
    data = ("\n" + TEXT).encode("utf-16-le")
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    with pytest.raises(InputError) as from_file:
        list(iter_chunks(path))
    with pytest.raises(InputError) as from_stdin:
        open_stdin(io.BytesIO(data))
    assert str(from_stdin.value) == str(from_file.value).replace(str(path), "standard input")
    assert "line 2 holds NUL bytes" in str(from_stdin.value)
    stream, fmt = open_stdin(io.BytesIO(data), encoding="utf-16-le")
    assert read_table(stream, fmt=fmt)["text"].tolist() == ["Kind nurse é", "Rude staff"]


class _Stdin:
    """sys.stdin as the CLI sees it: a text stream over a binary one."""

    def __init__(self, data: bytes) -> None:
        self.buffer = io.BufferedReader(io.BytesIO(data))


@pytest.mark.parametrize("data, first", [(TEXT.encode("utf-16"), "Kind nurse é"),
                                         (b'\n{"text": "Kind nurse"}\n', "Kind nurse")],
                         ids=["utf16-csv", "jsonl-after-a-blank-line"])
def test_the_cli_reads_stdin_as_a_file_of_the_same_bytes(data, first, score, tmp_path,
                                                         monkeypatch):
    monkeypatch.setattr(sys, "stdin", _Stdin(data))
    out = tmp_path / "out.csv"
    code, err = score("-", "-o", out, "--jobs", "1")
    assert code == 0, err
    assert read_table(out)["text"].tolist()[:1] == [first]


# ------------------------------------------------------------------ no rows
def _no_rows(ext: str, path) -> None:
    if ext == "csv":
        path.write_text("text\n")
    elif ext == "tsv":
        path.write_text("id\ttext\n")
    elif ext == "jsonl":
        path.write_text("\n\n")
    elif ext == "parquet":
        pd.DataFrame({"text": pd.Series([], dtype=object)}).to_parquet(path)
    else:
        write_xlsx(pd.DataFrame({"text": []}), path)


@pytest.mark.parametrize("ext", ["csv", "tsv", "jsonl", "parquet", "xlsx"])
def test_an_input_with_a_header_and_no_rows_is_refused_in_every_format(ext, score, tmp_path):
    src, out = tmp_path / f"in.{ext}", tmp_path / "out.csv"
    _no_rows(ext, src)
    code, err = score(src, "-o", out, "--jobs", "1")
    assert (code, err) == (2, f"heartscore: error: {src} has no rows to score")
    assert not out.exists()


# ------------------------------------------------------------------ XLSX rows wider than the header
@pytest.mark.parametrize("chunksize", ["1", "5000"])
def test_an_xlsx_row_with_a_value_beyond_the_header_is_refused(score, tmp_path, chunksize):
    # before: a later chunk gained an "Unnamed: 1" column the first chunk lacked, so its
    # rows came out one field wider than the header (exit 0); the result also depended on
    # the chunk size. A sheet written without a dimension record keeps rows their own width.
    from openpyxl import Workbook
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    for row in (["text"], ["Great staff"], ["Rude"], ["ok", "stray"]):
        ws.append(row)
    src, out = tmp_path / "in.xlsx", tmp_path / "out.csv"
    wb.save(src)
    code, err = score(src, "-o", out, "--chunksize", chunksize, "--jobs", "1")
    assert code == 2 and not out.exists()
    assert "row 4 has a value in column 2, beyond the header's 1 column(s)" in err
