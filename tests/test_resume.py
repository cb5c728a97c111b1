"""``--resume`` checks the chunks an interrupted run completed before trusting them: a chunk
file cut short, added to, edited or deleted while the run was stopped is scored again, so
the output always holds every input row once, as scored."""
import json

import pandas as pd
import pytest

from heartscore import score_file
from heartscore.cli import main
from heartscore.scoring import _STATE, work_dir_for

N, CHUNK, DONE = 600, 50, 5  # 12 chunks; the interrupted run completed 5


def _interrupted(model, tmp_path):
    """An input, the output of an uninterrupted run, and a run stopped after ``DONE`` chunks
    (Ctrl-C: its work folder stays for --resume) with the options the CLI call below uses."""
    src = tmp_path / "in.csv"
    kinds = ["The driver was rude to my mum", "Lovely nurse, she remembered my name",
             "Parcel {i} never arrived, multi\nline", "Charged twice for order {i}"]
    pd.DataFrame({"id": range(N), "text": [kinds[i % 4].format(i=i) for i in range(N)]}).to_csv(
        src, index=False)
    full = tmp_path / "full.csv"
    score_file(src, full, model=model, chunksize=CHUNK)
    out = tmp_path / "out.csv"
    seen = []

    def stop(rows):
        seen.append(rows)
        if len(seen) == DONE:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        score_file(src, out, model=model, chunksize=CHUNK, progress=stop)
    work = work_dir_for(out)
    assert json.loads((work / _STATE).read_text())["chunks_done"] == DONE
    return src, full, out, work


def _resume(src, out):
    return main(["score", str(src), "-o", str(out), "--chunksize", str(CHUNK), "--jobs", "1",
                 "--resume", "--quiet"])


@pytest.mark.parametrize("damage", ["emptied", "line added", "deleted", "record deleted",
                                    "a cell changed"])
def test_a_damaged_completed_chunk_is_scored_again_on_resume(model, tmp_path, capsys, damage):
    src, full, out, work = _interrupted(model, tmp_path)
    chunk = work / "chunk-000002.csv"
    if damage == "emptied":
        chunk.write_bytes(b"")
    elif damage == "line added":
        with open(chunk, "a") as fh:
            fh.write("garbage,line\n")
    elif damage == "deleted":
        chunk.unlink()
    elif damage == "a cell changed":  # the same rows, one label edited: its SHA-256 differs
        text = chunk.read_text()
        chunk.write_text(text.replace(",bad,", ",good,", 1))
        assert chunk.read_text() != text
    else:  # the row count recorded with it (as a run of an older heartscore left none)
        (work / "chunk-000002.json").unlink()
    assert _resume(src, out) == 0
    err = capsys.readouterr().err
    assert "chunk-000002.csv" in err and "scored again from chunk 3" in err
    assert out.read_bytes() == full.read_bytes()  # every row once, none added
    assert not work.exists()


def test_whole_chunks_are_resumed_as_before(model, tmp_path, capsys):
    src, full, out, work = _interrupted(model, tmp_path)
    assert _resume(src, out) == 0
    assert "warning" not in capsys.readouterr().err
    assert out.read_bytes() == full.read_bytes()


def test_the_library_scores_a_missing_chunk_again_and_says_why(model, tmp_path):
    src, full, out, work = _interrupted(model, tmp_path)
    (work / "chunk-000001.csv").unlink()
    summary = score_file(src, out, model=model, chunksize=CHUNK, resume=True)
    assert "chunk-000001.csv is missing" in summary.rescored
    assert summary.resumed_chunks == 1 and summary.rows == N
    assert out.read_bytes() == full.read_bytes()
