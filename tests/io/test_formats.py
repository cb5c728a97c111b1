"""The format registry: every format round-trips a table, counts rows, and a new format is
one registry entry (a test adds one and scores a file into it through the CLI)."""
import csv
import io

import pandas as pd
import pytest

from heartscore.errors import InputError
from heartscore.io import (FORMATS, ChunkWriter, Format, count_rows, detect_format, get_format,
                           iter_chunks, read_table, register, unregister, write_table)
from heartscore.io.formats import _DelimitedWriter, _join_bytes, _read_delimited

FRAME = pd.DataFrame({"id": ["007", "2", "3"], "text": ["a, \"quoted\" text", "é ❤️", "two\nlines"],
                      "n": ["1.50", "", "x"]})


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_round_trips_strings_and_counts_rows(fmt, tmp_path):
    path = tmp_path / f"t{FORMATS[fmt].extensions[0]}"
    write_table(FRAME, path)
    back = read_table(path)
    assert list(back.columns) == list(FRAME.columns)
    assert back["id"].tolist() == ["007", "2", "3"]  # ids stay strings, leading zero kept
    assert back["text"].tolist() == FRAME["text"].tolist()
    n = count_rows(str(path))
    assert n is None or n in (3, 4)  # CSV/TSV count lines: a quoted newline adds one


def test_extensions_map_to_their_format_and_unknown_ones_are_refused():
    for name, f in FORMATS.items():
        for ext in f.extensions:
            assert detect_format(f"x{ext}") == name
    with pytest.raises(InputError, match="--format"):
        detect_format("export.docx")
    with pytest.raises(InputError, match="expected one of"):
        get_format("docx")


def test_a_format_that_cannot_stream_is_refused_on_a_stream():
    with pytest.raises(InputError, match="stream"):
        with ChunkWriter(io.StringIO(), "parquet"):
            pass
    with pytest.raises(InputError, match="standard input"):
        next(iter_chunks(io.StringIO("a\n1\n"), fmt="xlsx"))


class _PipeWriter(_DelimitedWriter):
    sep = "|"


def _read_pipe(path, chunksize, encoding, sheet):
    return _read_delimited(path, chunksize, encoding, sheet, sep="|", name="psv")


def test_adding_a_format_is_one_registry_entry(tmp_path, model):
    from heartscore.cli import main
    register(Format("psv", (".psv",), _read_pipe, _PipeWriter, _join_bytes, lambda p: None))
    try:
        src = tmp_path / "in.psv"
        src.write_text("id|text\n1|The nurse remembered my name.\n2|Two hours on hold.\n")
        out = tmp_path / "out.psv"
        assert main(["score", str(src), "-o", str(out), "--quiet", "--jobs", "1",
                     "--chunksize", "1"]) == 0
        scored = read_table(out)
        assert scored["id"].tolist() == ["1", "2"] and "polarity" in scored.columns
        assert out.read_text().splitlines()[0].startswith("id|text|polarity|")
    finally:
        unregister("psv")
    assert "psv" not in FORMATS


HOSTILE = ["=HYPERLINK(\"http://x\",\"click\")", "+1+cmd", "-2+3", "@SUM(A1)", "\tlead tab",
           "\rlead cr", "-1", "-1.5e3", "+7", "a bare \r carriage return", "plain"]


@pytest.mark.parametrize("ext", ["csv", "tsv"])
def test_bare_carriage_returns_are_quoted_so_rows_in_equal_rows_out(ext, tmp_path):
    from heartscore.cli import main
    sep = "," if ext == "csv" else "\t"
    texts = [f"visit {i}\rsecond part" if i % 7 == 0 else f"Kind nurse {i}"
             for i in range(1201)]
    src = tmp_path / f"in.{ext}"  # a valid input: every field quoted
    pd.DataFrame({"id": range(1201), "text": texts}).to_csv(src, index=False, sep=sep,
                                                           quoting=csv.QUOTE_ALL)
    out = tmp_path / f"out.{ext}"
    assert main(["score", str(src), "-o", str(out), "--quiet", "--jobs", "1",
                 "--chunksize", "100"]) == 0
    back = pd.read_csv(out, sep=sep, dtype=str, keep_default_na=False)
    assert len(back) == 1201 and back["text"].tolist() == texts


@pytest.mark.parametrize("ext", ["csv", "tsv"])
def test_text_cells_that_start_like_formulas_get_a_quote_unless_they_are_numbers(ext, tmp_path):
    path = tmp_path / f"t.{ext}"
    frame = pd.DataFrame({"text": HOSTILE, "trust": [-1] * len(HOSTILE)})
    write_table(frame, path)
    back = read_table(path)
    expected = ["'" + t if t[0] in "=+-@\t\r" and t not in ("-1", "-1.5e3", "+7", "-2+3")
                else t for t in HOSTILE]
    expected[HOSTILE.index("-2+3")] = "'-2+3"  # not a number
    assert back["text"].tolist() == expected
    assert back["trust"].tolist() == ["-1"] * len(HOSTILE)  # signal values stay numbers
    write_table(frame, path, escape_formulas=False)
    assert read_table(path)["text"].tolist() == HOSTILE


def test_xlsx_writes_formula_like_texts_as_plain_strings_without_a_prefix(tmp_path):
    from openpyxl import load_workbook
    path = tmp_path / "t.xlsx"
    write_table(pd.DataFrame({"text": HOSTILE + ["ctrl \x01 char"]}), path)
    cells = [row[0] for row in load_workbook(path).worksheets[0].iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in cells)
    assert [c.value for c in cells[:-1]] == [t.replace("\r", "_x000D_") for t in HOSTILE]
    assert cells[-1].value == "ctrl _x0001_ char"  # Excel's escape for what XML cannot hold
    assert read_table(path)["text"].tolist() == HOSTILE + ["ctrl \x01 char"]


def test_every_command_neutralises_its_csv_output_and_the_flag_turns_it_off(tmp_path, model):
    from openpyxl import load_workbook

    from heartscore.cli import main
    src = tmp_path / "in.csv"
    pd.DataFrame({"store": ["=cmd|' /C calc'!A0", "=cmd|' /C calc'!A0", "@evil"],
                  "text": ["=1+1 rude staff", "-kind nurse", "-12"]}).to_csv(src, index=False)
    out, summ = tmp_path / "out.csv", tmp_path / "sum.csv"
    assert main(["score", str(src), "-o", str(out), "--quiet", "--jobs", "1", "--summary",
                 str(summ), "--group-by", "store"]) == 0
    scored = read_table(out)
    assert scored["text"].tolist() == ["'=1+1 rude staff", "'-kind nurse", "-12"]
    assert scored["store"].tolist() == ["'=cmd|' /C calc'!A0"] * 2 + ["'@evil"]
    assert set(read_table(summ)["store"]) == {"'=cmd|' /C calc'!A0", "'@evil"}
    assert main(["summarize", str(out), "-o", str(tmp_path / "s.xlsx"), "--group-by",
                 "store"]) == 0
    ws = load_workbook(tmp_path / "s.xlsx").worksheets[0]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    raw = tmp_path / "raw.csv"
    assert main(["score", str(src), "-o", str(raw), "--quiet", "--jobs", "1",
                 "--no-formula-escape"]) == 0
    assert read_table(raw)["text"].tolist() == ["=1+1 rude staff", "-kind nurse", "-12"]


TEXTS30 = [f"Réception {i}: the nurse remembered us ❤️" for i in range(30)]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig", "utf-32"])
def test_byte_order_marks_are_read_so_rows_and_texts_come_back(encoding, tmp_path):
    from heartscore.cli import main
    src = tmp_path / "in.csv"
    text = pd.DataFrame({"id": range(30), "text": TEXTS30}).to_csv(index=False)
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    src.write_bytes(data)
    out = tmp_path / "out.csv"
    assert main(["score", str(src), "-o", str(out), "--quiet", "--jobs", "1"]) == 0
    back = read_table(out)
    assert back["text"].tolist() == TEXTS30 and back["heartscore_error"].isna().all()


def test_utf16_without_a_bom_is_refused_with_its_line_unless_encoding_is_given(tmp_path,
                                                                                capsys):
    from heartscore.cli import main
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_bytes(pd.DataFrame({"text": TEXTS30}).to_csv(index=False).encode("utf-16-le"))
    assert main(["score", str(src), "-o", str(out), "--quiet", "--jobs", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "line 1" in err and "--encoding" in err
    assert not out.exists()
    assert main(["score", str(src), "-o", str(out), "--quiet", "--jobs", "1",
                 "--encoding", "utf-16-le"]) == 0
    assert read_table(out)["text"].tolist() == TEXTS30


def test_a_jsonl_line_that_is_not_an_object_is_one_line_with_its_number(tmp_path, capsys):
    from heartscore.cli import main
    src = tmp_path / "in.jsonl"
    for body, where in (('[1, 2]\n{"text": "x"}\n', "line 1 is a JSON list"),
                        ('{"text": "ok"}\n\n{"text": oops}\n', "line 3 is not valid JSON")):
        src.write_text(body)
        assert main(["score", str(src), "-o", str(tmp_path / "o.csv"), "--quiet",
                     "--jobs", "1"]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and where in err, err


def test_jsonl_values_are_read_as_written(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 7, "text": "a", "price": 1.50, "ok": true, "none": null, '
                   '"tags": {"k": [1, "x"]}}\n{"id": 8, "text": "b \\ud800"}\n')
    back = read_table(src)
    assert back.loc[0, ["id", "price", "ok"]].tolist() == ["7", "1.50", "true"]
    assert back.loc[0, "tags"] == '{"k": [1, "x"]}' and pd.isna(back.loc[0, "none"])
    assert back.loc[1, "text"].startswith("b \ufffd")  # a lone surrogate escape: flagged


def test_jsonl_on_stdin_is_told_from_csv_by_its_first_line(tmp_path, monkeypatch, capsys):
    import sys

    from heartscore.cli import main
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"id": "a", "text": "Rude staff"}\n'
                                                  '{"id": "b", "text": "Kind nurse"}\n'))
    out = tmp_path / "o.csv"
    assert main(["score", "-", "-o", str(out), "--quiet", "--jobs", "1"]) == 0
    assert read_table(out)[["id", "text"]].values.tolist() == [["a", "Rude staff"],
                                                                ["b", "Kind nurse"]]


def test_jsonl_is_read_with_memory_flat_in_the_number_of_rows(tmp_path):
    import tracemalloc
    src = tmp_path / "big.jsonl"
    with open(src, "w") as fh:
        for i in range(60_000):
            fh.write(f'{{"id": {i}, "text": "The nurse remembered my name, visit {i}"}}\n')
    size = src.stat().st_size
    tracemalloc.start()
    try:
        rows = sum(len(c) for c in iter_chunks(src, chunksize=1000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert rows == 60_000
    assert peak < size / 4, (peak, size)  # reading it whole would hold the file at least once


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_CELL = st.one_of(st.none(), st.text(st.characters(blacklist_categories=("Cs",)), min_size=1,
                                     max_size=40))


@st.composite
def _tables(draw):
    names = draw(st.lists(st.text("abcdefghij_", min_size=1, max_size=6), min_size=1,
                          max_size=3, unique=True))
    rows = draw(st.integers(1, 8))
    return pd.DataFrame({n: draw(st.lists(_CELL, min_size=rows, max_size=rows))
                         for n in names})


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xlsx", "parquet", "jsonl"])
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=_tables())
def test_any_table_of_texts_round_trips_with_the_formula_prefix_off(fmt, table, tmp_path):
    path = tmp_path / f"t{FORMATS[fmt].extensions[0]}"
    write_table(table, path, escape_formulas=False)
    back = read_table(path)
    assert list(back.columns) == list(table.columns)
    def cells(col):
        return [None if v is None or v is pd.NA or v != v else v for v in col.tolist()]

    for c in table.columns:
        assert cells(back[c]) == cells(table[c]), c


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_a_one_column_table_keeps_its_whitespace_only_cells(fmt, tmp_path):
    # written unquoted, the line of a whitespace-only cell looks blank and a reader skips it
    # (a lost row; found by the property test above with a single "\t" cell)
    table = pd.DataFrame({"_": ["\t", " ", "a", "  \t "]})
    path = tmp_path / f"t{FORMATS[fmt].extensions[0]}"
    write_table(table, path, escape_formulas=False)
    assert read_table(path)["_"].tolist() == table["_"].tolist()


@pytest.mark.parametrize("name, body", [
    ("multi.csv", 'id,text\n1,"line one\nline two\nline three"\n2,"say ""hi""\nthen go"\n3,plain'),
    ("multi.tsv", 'id\ttext\n1\t"a\nb"\n2\tc\n'),
    ("multi.jsonl", '{"text": "a\\nb \\"q\\""}\n{"text": "c"}\n')])
def test_row_count_for_the_progress_bar_is_rows_not_lines(name, body, tmp_path):
    """0.1.0 counted newlines, so multi-line texts over-ran the progress bar's total."""
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    rows = sum(len(chunk) for chunk in get_format(detect_format(str(path))).read(
        str(path), 1000, None, None))
    assert count_rows(str(path)) == rows
