"""Hostile inputs through the whole command, in-process with one loaded model: for every
input format, files made of random bytes, control characters, huge fields, broken quoting,
mixed encodings, empty files and headers only. Every run ends with exit code 0 (rows in =
rows out, texts kept) or 2 (a one-line refusal): never a traceback, never exit 1.

The default run tries FUZZ_CASES (40) cases per format; the full run of 1,000 per format
is marked slow (python -m pytest -m slow tests/io/test_fuzz.py)."""
from __future__ import annotations

import pytest

from fuzz_inputs import cases
from heartscore import cli, cli_commands
from heartscore.io import read_table

FORMATS = ("csv", "tsv", "jsonl", "parquet", "xlsx")
FUZZ_CASES = 40


def _neutralised(text: str) -> str:
    """The documented rule: a quote before text that starts like a formula and is no number."""
    if not text.startswith(("=", "+", "-", "@", "\t", "\r")):
        return text
    try:
        number = float(text) if text == text.strip() else None
    except ValueError:
        number = None
    finite = number is not None and abs(number) < float("inf") and "n" not in text.lower()
    return text if finite else "'" + text


def _run_cases(fmt: str, n: int, seed: int, model, tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(cli_commands, "_load", lambda path: model)
    src, out = tmp_path / f"in.{fmt}", tmp_path / "out.csv"
    outcomes = {0: 0, 2: 0}
    for name, data, texts in cases(fmt, n, seed):
        src.write_bytes(data)
        out.unlink(missing_ok=True)
        raw = len(name) % 2 == 0
        argv = ["score", str(src), "-o", str(out), "--quiet", "--jobs", "1", "--chunksize",
                "4", "--language", "any"] + (["--no-formula-escape"] if raw else [])
        if texts is not None:
            argv += ["--text-column", "text"]
        code = cli.main(argv)
        err = capsys.readouterr().err
        assert "Traceback" not in err, name
        assert code in (0, 2), f"{name}: exit {code}: {err}"
        outcomes[code] += 1
        if code == 2:
            assert len(err.strip().splitlines()) == 1 and not out.exists(), (name, err)
            assert texts is None, f"{name}: a well-formed table was refused: {err}"
            continue
        back = read_table(out)
        if texts is None:  # junk that heartscore reads: every row it read comes back
            assert len(back) == len(read_table(src, fmt=fmt)), name
            continue
        assert len(back) == len(texts), name
        got = back["text"].fillna("").tolist()
        assert got == (texts if raw else [_neutralised(t) for t in texts]), name
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["in." + fmt, "out.csv"])
    assert outcomes[0] and outcomes[2], outcomes  # both kinds were exercised


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_inputs_score_or_are_refused_in_one_line(fmt, model, tmp_path, capsys,
                                                         monkeypatch):
    _run_cases(fmt, FUZZ_CASES, 0, model, tmp_path, capsys, monkeypatch)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_thousand_hostile_inputs_per_format(fmt, model, tmp_path, capsys, monkeypatch):
    _run_cases(fmt, 1000, 1, model, tmp_path, capsys, monkeypatch)
