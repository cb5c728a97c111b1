import pandas as pd
import pytest

from heartscore.cli import main


def test_score_contract(tmp_path, capsys):
    src = tmp_path / "in.csv"
    pd.DataFrame({"id": [1, 2], "text": ["Rude staff, never again.", "What time do you open?"],
                  "store": ["x", "y"]}).to_csv(src, index=False)
    out = tmp_path / "out.csv"
    assert main(["score", str(src), "-o", str(out), "--text-column", "text"]) == 0
    df = pd.read_csv(out)
    assert list(df.columns[:3]) == ["id", "text", "store"]
    for c in ["polarity", "trust", "safety", "seen", "mattering", "heart_score",
              "p_polarity_good", "p_trust_-1", "p_mattering_1"]:
        assert c in df.columns
    assert set(df["polarity"]) <= {"good", "bad", "neutral"}
    assert set(df[["trust", "safety", "seen", "mattering"]].to_numpy().ravel()) <= {-1, 0, 1}
    assert "scored 2 of 2 rows" in capsys.readouterr().err


def test_missing_text_column_is_one_line_naming_columns(tmp_path, capsys):
    src = tmp_path / "in.csv"
    pd.DataFrame({"id": [1], "body": ["hi"]}).to_csv(src, index=False)
    code = main(["score", str(src), "-o", str(tmp_path / "o.csv"), "--text-column", "text"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1  # an input error: exit code 2
    assert "columns are id, body" in err
    assert not (tmp_path / "o.csv").exists()


def test_help_and_version(capsys):
    assert main(["--version"]) == 0
    assert "heartscore" in capsys.readouterr().out
    assert main(["score", "--help"]) == 0
    assert "example:" in capsys.readouterr().out
    assert main([]) == 2


def test_evaluate_and_info(tmp_path, capsys, corpus):
    src = tmp_path / "lab.csv"
    corpus[corpus["split"] == "test"].head(80).to_csv(src, index=False)
    assert main(["evaluate", str(src)]) == 0
    assert "polarity macro-F1" in capsys.readouterr().out
    assert main(["info"]) == 0
    assert '"schema"' in capsys.readouterr().out


def test_train_refuses_bad_labels_and_writes_nothing(tmp_path, capsys):
    src = tmp_path / "lab.csv"
    pd.DataFrame({"text": ["a b", "c d", "e f"], "polarity": ["good", "awful", "bad"],
                  "trust": [0, 1, 2], "safety": [0, 0, 0], "seen": [0, 1, 0],
                  "mattering": [1, 0, -1]}).to_csv(src, index=False)
    out = tmp_path / "m.joblib"
    assert main(["train", str(src), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "'awful'" in err and "row 3" in err and "'2'" in err
    assert not out.exists()


def test_train_refuses_a_bad_cue_file(tmp_path, capsys, corpus):
    src = tmp_path / "lab.csv"
    corpus.head(60).to_csv(src, index=False)
    cues = tmp_path / "cues.json"
    cues.write_text('{"format": "heartscore-cues", "version": 1, "cues": [{"id": "e", '
                    '"label": "effort", "value": 2, "patterns": ["so easy"]}]}')
    out = tmp_path / "m.joblib"
    assert main(["train", str(src), "-o", str(out), "--cues", str(cues)]) == 2
    assert "value must be 1 (met) or -1 (violated), found 2" in capsys.readouterr().err
    assert not out.exists()


def test_score_with_summary_and_summarize(tmp_path, capsys):
    src = tmp_path / "in.csv"
    pd.DataFrame({"store": ["a", "a", "b"], "text": ["Rude staff.", "Kind nurse.", ""]}).to_csv(
        src, index=False)
    out, summ = tmp_path / "out.csv", tmp_path / "sum.csv"
    assert main(["score", str(src), "-o", str(out), "--summary", str(summ), "--group-by",
                 "store", "--quiet", "--jobs", "1"]) == 0
    err = capsys.readouterr().err
    assert "not scored: 1 missing text" in err and "2 group(s)" in err  # empty CSV field
    t = pd.read_csv(summ)
    assert list(t["store"]) == ["a", "b"] and t["small"].all()
    assert main(["summarize", str(out), "-o", str(tmp_path / "s2.csv")]) == 0
    assert pd.read_csv(tmp_path / "s2.csv").loc[0, "rows"] == 3


@pytest.mark.slow
def test_train_with_base_and_suggest(tmp_path, capsys, corpus):
    src = tmp_path / "acme.csv"
    corpus.drop(columns=["split"]).sample(200, random_state=2).to_csv(src, index=False)
    out = tmp_path / "acme.hsm"
    assert main(["train", str(src), "-o", str(out), "--with-base", "--weight", "2"]) == 0
    assert "company rows only" in capsys.readouterr().err
    from heartscore.persistence import read_card
    card = read_card(out).to_dict()
    assert card["command"].startswith("heartscore train") and "--with-base" in card["command"]
    assert main(["evaluate", str(src), "--model", str(out)]) == 0
    assert "confusion" in capsys.readouterr().out
    assert main(["suggest", str(src), "-n", "5", "-o", str(tmp_path / "next.csv"),
                 "--model", str(out)]) == 0
    assert len(pd.read_csv(tmp_path / "next.csv")) == 5


def test_evaluate_cv(tmp_path, capsys, corpus):
    src = tmp_path / "lab.csv"
    corpus.drop(columns=["split"]).sample(150, random_state=3).to_csv(src, index=False)
    assert main(["evaluate", str(src), "--cv", "3"]) == 0
    out = capsys.readouterr().out
    assert "3-fold cross-validation" in out and "stratified on polarity" in out


def test_an_unexpected_error_is_one_line_exit_1_without_traceback(tmp_path, capsys,
                                                                   monkeypatch):
    import heartscore.scoring

    def broken(*args, **kwargs):
        raise RuntimeError("boom\n  at line two")

    monkeypatch.setattr(heartscore.scoring, "score_file", broken)
    src = tmp_path / "in.csv"
    pd.DataFrame({"text": ["Kind nurse"]}).to_csv(src, index=False)
    assert main(["score", str(src), "-o", str(tmp_path / "o.csv"), "--quiet", "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "unexpected RuntimeError: boom at line two" in err
    monkeypatch.setenv("HEARTSCORE_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main(["score", str(src), "-o", str(tmp_path / "o.csv"), "--quiet", "--jobs", "1"])


def test_an_unknown_sheet_is_one_line_naming_the_sheets(tmp_path, capsys):
    src = tmp_path / "book.xlsx"
    pd.DataFrame({"text": ["Kind nurse"]}).to_excel(src, index=False, sheet_name="Reviews")
    assert main(["score", str(src), "-o", str(tmp_path / "o.csv"), "--sheet", "Nope",
                 "--quiet", "--jobs", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no sheet 'Nope'" in err and "'Reviews'" in err


def test_stdout_closed_early_ends_quietly_with_141(tmp_path):
    import os
    import subprocess
    import sys
    src = tmp_path / "in.csv"
    pd.DataFrame({"text": [f"The nurse remembered my name, visit {i}" for i in range(3000)]}
                 ).to_csv(src, index=False)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-m", "heartscore", "score", str(src), "-o", "-",
                             "--jobs", "1", "--chunksize", "200", "--language", "any"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout.readline().startswith(b"text,")  # `| head -1`
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 141
    assert "Traceback" not in err and "Exception ignored" not in err, err


def test_train_on_ten_rows_is_a_one_line_refusal(tmp_path, capsys):
    src = tmp_path / "lab.csv"
    pd.DataFrame({"text": [f"nice staff {i}" for i in range(10)],
                  **{c: [0, 1, -1, 0, 1] * 2 for c in ("trust", "safety", "seen", "mattering")},
                  "polarity": ["good", "bad", "neutral", "good", "bad"] * 2}).to_csv(src,
                                                                                    index=False)
    out = tmp_path / "m.joblib"
    assert main(["train", str(src), "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "too few" in err and "Traceback" not in err
    assert not out.exists()


def test_quiet_prints_nothing_when_every_row_was_scored(tmp_path, capsys):
    """0.1.0's --quiet only hid the progress bar; the summary line was still printed."""
    src = tmp_path / "in.csv"
    pd.DataFrame({"store": ["a", "b"], "text": ["Rude staff.", "Kind nurse."]}).to_csv(
        src, index=False)
    assert main(["score", str(src), "-o", str(tmp_path / "out.csv"), "--quiet", "--jobs", "1",
                 "--summary", str(tmp_path / "sum.csv"), "--group-by", "store"]) == 0
    assert capsys.readouterr() == ("", "")
    assert len(pd.read_csv(tmp_path / "out.csv")) == 2
    assert main(["score", str(src), "-o", str(tmp_path / "out2.csv"), "--jobs", "1"]) == 0
    assert "scored 2 of 2 rows" in capsys.readouterr().err  # without --quiet: the summary


def test_importing_heartscore_warns_nothing():
    """No warning on import, pyspark and pandas 3 installed or not (a FutureWarning fails)."""
    import subprocess
    import sys
    code = "import heartscore, heartscore.spark, heartscore.cli, heartscore.analysis; heartscore.Model"
    out = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0 and out.stderr == "", out.stderr


def test_a_closed_stdout_is_no_traceback():
    """`heartscore info | head -1`: 0.1.0 ended in a BrokenPipeError traceback."""
    import os
    import subprocess
    import sys
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has left before anything is printed
    try:
        out = subprocess.run([sys.executable, "-m", "heartscore", "info"], stdout=write_end,
                             stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert out.returncode == 141 and "Traceback" not in out.stderr, out.stderr


def test_score_refuses_an_unknown_group_by_column_before_scoring(tmp_path, capsys):
    src = tmp_path / "in.csv"
    pd.DataFrame({"store": ["a", "b"], "text": ["Rude staff.", "Kind nurse."]}).to_csv(
        src, index=False)
    out, summ = tmp_path / "out.csv", tmp_path / "sum.csv"
    assert main(["score", str(src), "-o", str(out), "--summary", str(summ), "--group-by",
                 "nope", "--jobs", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no column 'nope' to group by" in err
    assert "columns store, text" in err
    assert not out.exists() and not summ.exists()  # nothing scored, nothing written
    # a scored column is a column of the output: grouping by it is fine
    assert main(["score", str(src), "-o", str(out), "--summary", str(summ), "--group-by",
                 "polarity", "--jobs", "1", "--quiet"]) == 0
    assert summ.exists()
