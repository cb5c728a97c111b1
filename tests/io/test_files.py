"""The file layer's guarantees: the input is never the output, one run holds an output at a
time, and a killed writer's temporary files are cleaned up by the next run."""
import os

import pandas as pd
import pytest

from heartscore.cli import main
from heartscore.errors import InputError
from heartscore.io import output_lock, refuse_input_as_output, remove_stale_parts


def _csv(path, n=3):
    pd.DataFrame({"id": range(n), "text": [f"Kind nurse, visit {i}" for i in range(n)]}).to_csv(
        path, index=False)
    return path


def test_output_that_resolves_to_the_input_is_refused_and_the_input_is_untouched(
        tmp_path, monkeypatch, capsys):
    src = _csv(tmp_path / "in.csv")
    before = src.read_bytes()
    (tmp_path / "link.csv").symlink_to(src)
    monkeypatch.chdir(tmp_path)
    for out in [str(src), "in.csv", "./in.csv", f"{tmp_path}/../{tmp_path.name}/in.csv",
                "link.csv"]:
        assert main(["score", "in.csv", "-o", out, "--quiet", "--jobs", "1"]) == 2, out
        err = capsys.readouterr().err
        assert "never writes over its input" in err and len(err.strip().splitlines()) == 1
        assert src.read_bytes() == before
    for cmd in (["summarize", "in.csv", "-o", "link.csv"], ["suggest", "in.csv", "-o", "in.csv"],
                ["report", "in.csv", "-o", "./in.csv"]):
        assert main(cmd) == 2, cmd
        assert src.read_bytes() == before


def test_an_xlsx_input_keeps_its_other_sheets(tmp_path):
    src = tmp_path / "book.xlsx"
    with pd.ExcelWriter(src) as xw:
        pd.DataFrame({"text": ["Rude staff", "Kind nurse"]}).to_excel(xw, sheet_name="feedback",
                                                                      index=False)
        pd.DataFrame({"note": ["keep me"]}).to_excel(xw, sheet_name="notes", index=False)
    before = src.read_bytes()
    assert main(["score", str(src), "-o", str(src), "--quiet", "--jobs", "1"]) == 2
    assert src.read_bytes() == before


def test_refuse_input_as_output_lets_other_paths_and_stdout_through(tmp_path):
    src = _csv(tmp_path / "in.csv")
    refuse_input_as_output(tmp_path / "out.csv", src)
    refuse_input_as_output("-", src)
    hard = tmp_path / "hard.csv"
    os.link(src, hard)
    with pytest.raises(InputError, match="never writes over its input"):
        refuse_input_as_output(hard, src)


def test_a_second_run_on_a_locked_output_is_refused_and_writes_nothing(tmp_path, capsys):
    src, out = _csv(tmp_path / "in.csv"), tmp_path / "out.csv"
    with output_lock(out):
        with pytest.raises(InputError, match="another heartscore run is writing"):
            with output_lock(out):
                pass
        assert main(["score", str(src), "-o", str(out), "--quiet", "--jobs", "1"]) == 2
        assert "another heartscore run is writing" in capsys.readouterr().err
        assert not out.exists()
    assert main(["score", str(src), "-o", str(out), "--quiet", "--jobs", "1"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]  # lock removed


def test_stale_temporary_files_of_a_killed_writer_are_removed(tmp_path):
    src, out = _csv(tmp_path / "in.csv"), tmp_path / "out.csv"
    stale = tmp_path / ".out.csv.k1ll3d_x.part.csv"
    other = tmp_path / ".other.csv.abcdefgh.part.csv"  # another output's: left alone
    stale.write_text("half")
    other.write_text("half")
    assert main(["score", str(src), "-o", str(out), "--quiet", "--jobs", "1"]) == 0
    assert not stale.exists() and other.exists()
    assert remove_stale_parts(out) == []


def test_two_runs_on_one_output_never_mix_rows(tmp_path, capsys):
    import signal
    import subprocess
    import sys
    import time
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    pd.DataFrame({"id": [f"a{i}" for i in range(3000)],
                  "text": [f"Kind nurse, visit {i}" for i in range(3000)]}).to_csv(first,
                                                                                 index=False)
    _csv(second, 50)
    out = tmp_path / "out.csv"
    work = tmp_path / ".out.csv.heartscore"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-m", "heartscore", "score", str(first), "-o",
                             str(out), "--jobs", "1", "--chunksize", "100", "--quiet",
                             "--language", "any"], env=env, stderr=subprocess.PIPE)
    deadline = time.time() + 180
    while time.time() < deadline and not list(work.glob("chunk-*.json")):
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGSTOP)  # the first run is mid-way, holding its output
    try:
        assert main(["score", str(second), "-o", str(out), "--quiet", "--jobs", "1"]) == 2
        assert "another heartscore run is writing" in capsys.readouterr().err
    finally:
        os.kill(proc.pid, signal.SIGCONT)
    assert proc.wait(timeout=300) == 0, proc.stderr.read().decode()
    ids = pd.read_csv(out, dtype=str)["id"].tolist()
    assert ids == [f"a{i}" for i in range(3000)]
