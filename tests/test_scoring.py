import os
import json

import pandas as pd
import pytest

from heartscore import score_file, score_frame
from heartscore.errors import InputError
from heartscore.labels import DEFAULT_SCHEMA
from tabular import write_frame

ROWS = pd.DataFrame({
    "id": ["a", "b", "c", "d", "e"],
    "review": ["Lovely staff, they remembered us.", "", None, "Two hours on hold!!", "ok"],
    "stars": ["5", "1", "3", "1", "3"],
})


def test_score_frame_adds_columns_and_keeps_index(model):
    df = ROWS.set_index(pd.Index([10, 11, 12, 13, 14]))
    out = score_frame(df, text="review", model=model)
    assert list(out.index) == [10, 11, 12, 13, 14]
    assert list(out.columns[:3]) == ["id", "review", "stars"]
    for c in DEFAULT_SCHEMA.output_columns():
        assert c in out.columns
    assert out.loc[11, "heartscore_error"] == "empty text"
    assert out.loc[12, "heartscore_error"] == "missing text"
    assert pd.isna(out.loc[12, "polarity"])
    assert out.loc[13, "polarity"] in ("good", "bad", "neutral")
    assert pd.isna(out.loc[13, "heartscore_error"])


def test_score_frame_adds_the_experience_of_scored_rows_only(model):
    df = pd.DataFrame({"text": ["She remembered my name, lovely stay.", None,
                                "Rude staff, never again."]})
    out = score_frame(df, model=model)
    assert pd.isna(out["experience"].iloc[1])
    assert out["experience"].iloc[2] == "dissatisfied"
    assert set(out["experience"].dropna()) <= {"emotionally satisfied", "rationally satisfied",
                                               "mixed", "dissatisfied", "neutral"}


def test_score_frame_refuses_duplicate_column_names(model):
    # before: AttributeError 'DataFrame' object has no attribute 'tolist'
    df = pd.DataFrame([["x", "Great"]], columns=["text", "text"])
    with pytest.raises(InputError, match="more than one column named 'text'"):
        score_frame(df, model=model)


def test_score_frame_keeps_column_names_that_are_not_strings(model):
    # before: KeyError '0'
    df = pd.DataFrame({0: ["Great service, kind staff", "Rude and slow"], 1: ["x", "y"]},
                      index=[10, 11])
    out = score_frame(df, 0, model=model)
    assert list(out.columns[:2]) == [0, 1] and list(out.index) == [10, 11]
    assert out[1].tolist() == ["x", "y"]
    same = score_frame(df.set_axis(["t", "o"], axis=1), "t", model=model)
    assert out["polarity"].tolist() == same["polarity"].tolist()


def test_score_frame_missing_column_names_the_columns(model):
    with pytest.raises(InputError, match="columns are id, review, stars"):
        score_frame(ROWS, text="text", model=model)


@pytest.mark.parametrize("ext", ["csv", "tsv", "jsonl", "parquet", "xlsx"])
def test_score_file_round_trips_every_row_in_order(model, tmp_path, ext):
    src = tmp_path / f"in.{ext}"
    df = ROWS.fillna("")
    write_frame(df, src)
    out = tmp_path / f"out.{ext}"
    summary = score_file(src, out, model=model, text_column="review", chunksize=2)
    assert summary.rows == 5 and summary.n_errors == 2
    back = {"csv": pd.read_csv, "tsv": lambda p: pd.read_csv(p, sep="\t"),
            "jsonl": lambda p: pd.read_json(p, lines=True), "parquet": pd.read_parquet,
            "xlsx": pd.read_excel}[ext](out)
    assert back["id"].astype(str).tolist() == ["a", "b", "c", "d", "e"]
    assert "polarity" in back.columns and "heartscore_model" in back.columns
    assert not list(tmp_path.glob(".*.part*"))


def test_missing_text_column_is_one_clear_error(model, tmp_path):
    src = tmp_path / "in.csv"
    ROWS.to_csv(src, index=False)
    with pytest.raises(InputError, match="no column 'text'; columns are id, review, stars"):
        score_file(src, tmp_path / "o.csv", model=model, text_column="text")
    assert not (tmp_path / "o.csv").exists()


def test_text_column_is_detected_and_evidence_is_json(model, tmp_path):
    src = tmp_path / "in.csv"
    ROWS.to_csv(src, index=False)
    s = score_file(src, tmp_path / "o.csv", model=model, evidence=True)
    assert s.text_column == "review"
    out = pd.read_csv(tmp_path / "o.csv")
    ev = json.loads(out.loc[3, "evidence"])
    assert all({"label", "text", "start", "end"} <= set(e) for e in ev)


def test_jobs_two_equals_jobs_one(model, tmp_path):
    src = tmp_path / "in.csv"
    pd.DataFrame({"text": [f"Visit {i}: {'rude staff' if i % 3 else 'kind nurse'}"
                           for i in range(60)]}).to_csv(src, index=False)
    score_file(src, tmp_path / "one.csv", model=model, chunksize=10, jobs=1)
    score_file(src, tmp_path / "two.csv", model=model, chunksize=10, jobs=2)
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()


def test_bad_bytes_do_not_crash(model, tmp_path):
    src = tmp_path / "in.csv"
    src.write_bytes(b"text\nthe staff were rude \xff\xfe here\nlovely visit\n")
    s = score_file(src, tmp_path / "o.csv", model=model)
    assert s.rows == 2


def _texts(n):
    kinds = ["The driver was rude to my mum", "Lovely nurse, she remembered my name",
             "Parcel {i} never arrived and no one replied", "What time do you open on day {i}?",
             "Charged twice for order {i}, still no refund", "Room {i} was spotless, felt safe"]
    return [kinds[i % len(kinds)].format(i=i) + f" (visit {i})" for i in range(n)]


def test_resume_after_sigkill_equals_an_uninterrupted_run(model, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    from heartscore.scoring import _STATE, work_dir_for
    src = tmp_path / "big.csv"
    n, chunk = 12_000, 400  # 30 chunks
    pd.DataFrame({"id": range(n), "text": _texts(n)}).to_csv(src, index=False)
    full = tmp_path / "full.csv"
    score_file(src, full, model=model, chunksize=chunk)

    out = tmp_path / "out.csv"
    work = work_dir_for(out)
    proc = subprocess.Popen([sys.executable, "-m", "heartscore", "score", str(src), "-o",
                             str(out), "--chunksize", str(chunk), "--jobs", "1", "--quiet"],
                            stderr=subprocess.PIPE)
    # the state file is what a resume continues from: a chunk's meta is written just before
    # the state counts it, so counting chunk-*.json files could be one ahead of it
    def chunks_done() -> int:
        try:
            return json.loads((work / _STATE).read_text())["chunks_done"]
        except (OSError, ValueError):
            return 0

    deadline = time.time() + 120
    while time.time() < deadline:
        if chunks_done() >= 3:
            break
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done = chunks_done()
    assert 3 <= done < n // chunk, "the run was not interrupted mid-way"
    assert not out.exists()  # no half file that looks complete

    s = score_file(src, out, model=model, chunksize=chunk, resume=True)
    assert s.resumed_chunks == done and s.resumed_rows == s.resumed_chunks * chunk
    assert s.scored_this_run == n - s.resumed_rows  # only the rows after the last chunk
    assert out.read_bytes() == full.read_bytes()
    assert not work.exists()


def test_resume_refuses_other_options_and_missing_runs(model, tmp_path):
    src = tmp_path / "in.csv"
    pd.DataFrame({"text": _texts(30)}).to_csv(src, index=False)
    with pytest.raises(InputError, match="nothing to resume"):
        score_file(src, tmp_path / "o.csv", model=model, resume=True)


def test_truncation_replacement_and_ids_are_reported(model, tmp_path):
    src = tmp_path / "in.csv"
    long = "The staff were rude. " * 6000  # > 100,000 characters
    pd.DataFrame({"rid": ["r1", "r2", "r3"], "text": [long, "", "fine \ufffd visit"]}).to_csv(
        src, index=False)
    s = score_file(src, tmp_path / "o.csv", model=model, id_column="rid")
    assert s.truncated == 1 and s.replaced_bytes == 1 and s.error_ids == ["r2"]
    out = pd.read_csv(tmp_path / "o.csv")
    assert out.loc[0, "heartscore_error"].startswith("truncated")
    assert out.loc[0, "polarity"] in ("good", "bad", "neutral")
    assert "undecodable" in out.loc[2, "heartscore_error"]


def test_parquet_output_keeps_types_when_a_chunk_has_no_scorable_rows(model, tmp_path):
    src = tmp_path / "in.csv"
    pd.DataFrame({"text": ["", "", "Rude staff", "Kind nurse"]}).to_csv(src, index=False)
    out = tmp_path / "o.parquet"
    score_file(src, out, model=model, chunksize=2)
    back = pd.read_parquet(out)
    assert len(back) == 4 and back["polarity"].isna().sum() == 2
    assert back["heart_score"].dtype.kind == "f"


def test_stdin_to_stdout(model, tmp_path, monkeypatch, capsys):
    import io
    import sys
    monkeypatch.setattr(sys, "stdin", io.StringIO("text\nRude staff\nLovely visit\n"))
    s = score_file("-", "-", model=model)
    out = capsys.readouterr().out
    assert s.rows == 2 and out.splitlines()[0].startswith("text,polarity")
    assert len(out.splitlines()) == 3


def test_a_failure_mid_run_leaves_no_output_and_no_work_folder(model, tmp_path):
    from heartscore.scoring import work_dir_for
    src, out = tmp_path / "in.csv", tmp_path / "o.csv"
    good = "".join(f"{i},Kind nurse visit {i}\n" for i in range(40))
    src.write_text("id,text\n" + good + '41,"an unclosed "quote", and, more, fields\n')
    with pytest.raises(InputError, match="could not read|not a well-formed"):
        score_file(src, out, model=model, chunksize=5)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]
    assert not work_dir_for(out).exists()


def test_resume_refuses_an_input_changed_after_its_first_mebibyte(model, tmp_path):
    src, out = tmp_path / "big.csv", tmp_path / "o.csv"
    n = 40_000
    pd.DataFrame({"id": range(n), "text": _texts(n)}).to_csv(src, index=False)
    assert src.stat().st_size > 1_700_000

    def interrupt(rows):  # Ctrl-C after the first chunk: the work folder stays for --resume
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        score_file(src, out, model=model, chunksize=500, progress=interrupt)
    data = bytearray(src.read_bytes())
    at = data.index(b"Lovely", 1_600_000)
    data[at:at + 6] = b"Awful!"  # same size, past the first MiB
    src.write_bytes(bytes(data))
    with pytest.raises(InputError, match="input file changed"):
        score_file(src, out, model=model, chunksize=500, resume=True)
    assert not out.exists()


_KILLED_PARENT = """
import sys
from heartscore.scoring import score_file
score_file(sys.argv[1], sys.argv[2], chunksize=20, jobs=2, start_method=sys.argv[3])
"""


@pytest.mark.parametrize("start_method", ["fork", pytest.param("spawn", marks=pytest.mark.slow)])
def test_workers_die_with_their_parent_when_it_is_sigkilled(tmp_path, start_method):
    import os
    import signal
    import subprocess
    import sys
    import time

    import psutil

    from heartscore.scoring import work_dir_for
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    pd.DataFrame({"text": _texts(20_000)}).to_csv(src, index=False)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_PARENT, str(src), str(out),
                             start_method], env=env, stderr=subprocess.DEVNULL)
    parent = psutil.Process(proc.pid)
    deadline = time.time() + 180
    while time.time() < deadline and not list(work_dir_for(out).glob("chunk-*.json")):
        time.sleep(0.05)  # wait until the workers are scoring
    workers = parent.children(recursive=True)
    assert len(workers) >= 2, "the workers did not start"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(2)  # a worker still alive 2 s after its parent was killed is a leak

    def alive(p):
        try:
            return p.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    left = [p for p in workers if alive(p)]
    for p in left:
        p.kill()
    assert not left, f"{len(left)} of {len(workers)} worker(s) outlived their parent"


def _pid_of_scorer(model, item):
    return os.getpid()


def test_one_chunk_is_scored_here_and_forked_workers_share_the_loaded_model(model):
    """A small input (one chunk) starts no worker; with fork, workers start from this
    process's loaded model (no pickling, no second load) and score in other processes."""
    from heartscore.batch import map_ordered
    assert list(map_ordered(model, _pid_of_scorer, ["one chunk"], jobs=2)) == [os.getpid()]
    pids = list(map_ordered(model, _pid_of_scorer, range(6), jobs=2, start_method="fork"))
    assert len(pids) == 6 and os.getpid() not in pids


def test_a_file_smaller_than_a_chunk_is_split_among_the_workers(model, tmp_path, monkeypatch):
    import heartscore.scoring as scoring
    monkeypatch.setattr(scoring, "MIN_PIECE_ROWS", 10)
    src = tmp_path / "in.csv"
    pd.DataFrame({"text": [f"Visit {i}: {'rude staff' if i % 3 else 'kind nurse'}"
                           for i in range(60)]}).to_csv(src, index=False)
    one = score_file(src, tmp_path / "one.csv", model=model, chunksize=100, jobs=1)
    two = score_file(src, tmp_path / "two.csv", model=model, chunksize=100, jobs=2)
    assert (one.chunks, two.chunks) == (1, 2)
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()
