"""The file layer's guarantees: the input is never the output, one run holds an output at a
time, and a killed writer's temporary files are cleaned up by the next run."""
import os

import pandas as pd
import pytest

from heartscore.cli import main
from heartscore.errors import InputError
from heartscore.io import (join_files, output_lock, refuse_input_as_output,
                           remove_stale_parts, write_table)


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


needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="Linux /proc")


def test_an_output_that_is_a_fifo_is_refused_before_scoring_and_kept(tmp_path, capsys):
    import stat
    src, fifo = _csv(tmp_path / "in.csv"), tmp_path / "out.csv"
    os.mkfifo(fifo)
    assert main(["score", str(src), "-o", str(fifo), "--jobs", "1"]) == 2
    err = capsys.readouterr().err
    assert "named pipe (FIFO)" in err and "-o -" in err and len(err.strip().splitlines()) == 1
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # not replaced by a regular file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]
    with pytest.raises(InputError, match="not a regular file"):
        write_table(pd.DataFrame({"a": [1]}), fifo)
    assert main(["score", str(src), "-o", "-", "--jobs", "1", "--quiet"]) == 0  # stdout: fine
    assert capsys.readouterr().out.startswith("id,text,polarity")


@needs_proc
def test_an_output_linking_to_an_open_file_like_dev_stdout_is_refused(tmp_path, capsys):
    # /dev/stdout redirected to a file is a regular file reached through /proc/self/fd
    src, sink = _csv(tmp_path / "in.csv"), tmp_path / "sink.txt"
    with open(sink, "w") as fh:
        link = tmp_path / "out.csv"
        link.symlink_to(f"/proc/self/fd/{fh.fileno()}")
        assert main(["score", str(src), "-o", str(link), "--jobs", "1"]) == 2
        assert "links to an open file of a process" in capsys.readouterr().err
        assert link.is_symlink()


def test_a_folder_as_output_is_refused(tmp_path, capsys):
    src = _csv(tmp_path / "in.csv")
    (tmp_path / "d.csv").mkdir()  # named like a file: its format is known
    assert main(["score", str(src), "-o", str(tmp_path / "d.csv"), "--jobs", "1"]) == 2
    assert "is a folder, expected a file name" in capsys.readouterr().err


def test_an_output_folder_that_cannot_be_made_or_written_is_one_line_exit_2(tmp_path, capsys):
    src, out = _csv(tmp_path / "in.csv"), tmp_path / "out.csv"
    bad = [(src / "x.csv", "is a file, not a folder"), (src / "a" / "x.csv", "is a file")]
    if os.path.isdir("/proc/self"):
        bad.append(("/proc/heartscore-test-x.csv", "cannot be created or written to"))
    for path, said in bad:
        assert main(["score", str(src), "-o", str(path), "--jobs", "1"]) == 2, path
        err = capsys.readouterr().err
        assert said in err and "-o path in a folder" in err and len(err.strip().splitlines()) == 1
        # the --summary file too, checked before the output is written
        assert main(["score", str(src), "-o", str(out), "--summary", str(path)]) == 2, path
        assert said in capsys.readouterr().err and not out.exists()
    for path, said in bad:
        with pytest.raises(InputError, match=said):
            with output_lock(path):
                pass
        with pytest.raises(InputError, match=said):
            write_table(pd.DataFrame({"a": [1]}), path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_joining_a_missing_or_empty_chunk_file_is_refused(tmp_path):
    parts = [tmp_path / "chunk-0.csv", tmp_path / "chunk-1.csv"]
    parts[0].write_text("a\n1\n")
    out = tmp_path / "out.csv"
    with pytest.raises(InputError, match="chunk-1.csv is missing"):
        join_files(parts, out, "csv")
    parts[1].write_text("")
    with pytest.raises(InputError, match="chunk-1.csv is empty"):
        join_files(parts, out, "csv")
    assert not out.exists()


def test_part_rows_counts_what_chunk_writer_wrote(tmp_path):
    from heartscore.io import ChunkWriter
    from heartscore.io.files import part_rows
    df = pd.DataFrame({"id": ["1", "2", "3"], "text": ["a\nb", 'say "hi"\r', "c,d"]})
    for fmt in ("csv", "tsv", "jsonl", "parquet", "xlsx"):
        for header in (True, False):
            path = tmp_path / f"p{int(header)}.{fmt}"
            with ChunkWriter(path, fmt, header=header) as w:
                w.write(df)
            assert part_rows(path, fmt, header=header) == 3, (fmt, header)
    (tmp_path / "e.csv").write_bytes(b"")
    assert part_rows(tmp_path / "e.csv", "csv", header=False) == 0
    with pytest.raises(InputError, match="cannot read"):
        part_rows(tmp_path / "missing.csv", "csv")
