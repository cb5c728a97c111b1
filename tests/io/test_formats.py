"""The format registry: every format round-trips a table, counts rows, and a new format is
one registry entry (a test adds one and scores a file into it through the CLI)."""
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
