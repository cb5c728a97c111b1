"""The wheel is complete: built from the project, installed into a clean virtual environment
(no source checkout, no HEARTSCORE_MODEL, no PYTHONPATH) and run from an unrelated folder,
`heartscore score`, the Python API, `train --with-base` and the spaCy component all work.

0.1.0's wheel carried no model and no base corpus: `score` failed with "no shipped model in
.../lib/python3.11/models" and `train --with-base` ended in a FileNotFoundError traceback.
Slow (builds a wheel and installs its dependencies from the registry or pip's cache); run
with `python -m pytest -m slow`, as `.ci/run` does.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: What a build needs from the checkout (the same set an sdist carries).
BUILD_INPUTS = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE",
                "CHANGELOG.md", "SECURITY.md", "src", "models", "corpora")

pytestmark = pytest.mark.slow


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: int = 1800):
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                         timeout=timeout)
    assert out.returncode == 0, f"{cmd} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return out


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("HEARTSCORE_MODEL", "PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PYTHONWARNINGS"] = "error::FutureWarning"  # none from heartscore's imports either
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv python, a working folder with no checkout around it)."""
    base = tmp_path_factory.mktemp("wheel")
    tree = base / "tree"
    tree.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    for name in BUILD_INPUTS:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, tree / name, ignore=ignore)
        else:
            shutil.copy2(src, tree / name)
    env = _clean_env()
    env.pop("PYTHONWARNINGS")  # pip and the build backend are not ours to judge
    dist = base / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(tree)],
         base, env)
    wheels = list(dist.glob("heartscore-*.whl"))
    assert len(wheels) == 1, wheels
    venv.EnvBuilder(with_pip=True).create(base / "venv")
    py = base / "venv" / "bin" / "python"
    _run([str(py), "-m", "pip", "install", "-q", str(wheels[0])], base, env)
    work = base / "work"
    work.mkdir()
    return py, work


def test_the_wheel_carries_model_corpus_and_licences(installed):
    py, work = installed
    code = ("import importlib.resources as r, json; p = r.files('heartscore') / '_shipped'; "
            "print(json.dumps(sorted(str(f.relative_to(p)) for f in p.rglob('*') "
            "if f.is_file())))")
    shipped = json.loads(_run([str(py), "-c", code], work, _clean_env()).stdout)
    assert any(f.startswith("models/heartscore-") and f.endswith(".hsm") for f in shipped)
    # the accurate model's file travels too; its card reads without the accurate extra
    assert any(f.startswith("models/heartscore-accurate-") and f.endswith(".npz")
               for f in shipped)
    info = _run([str(py), "-m", "heartscore", "info", "--model", "accurate"], work,
                _clean_env()).stdout
    assert json.loads(info)["name"].startswith("heartscore-accurate-")
    for name in ("corpora/heartscore_corpus.csv", "corpora/real/real.csv",
                 "corpora/real/distant.csv", "corpora/real/LICENSE-nhs-fft-pxtextmining.txt",
                 "corpora/real/README.md", "corpora/README.md", "models/MODEL_CARD.md"):
        assert name in shipped, name


def test_score_cli_and_python_api_from_any_folder(installed):
    py, work = installed
    env = _clean_env()
    (work / "in.csv").write_text("id,text\n1,They lost my bag and nobody called back.\n"
                                 "2,\"She remembered my name,\nand asked about my trip.\"\n",
                                 encoding="utf-8")
    heartscore = str(py.parent / "heartscore")
    _run([heartscore, "score", "in.csv", "-o", "out.csv", "--quiet", "--jobs", "1"], work, env)
    out = (work / "out.csv").read_text(encoding="utf-8")
    assert out.count("heartscore-") == 2 and "polarity" in out.splitlines()[0]
    code = ("import heartscore; r = heartscore.score('They lost my bag and nobody called "
            "back.'); print(r.polarity, r.signals['trust'], type(r.evidence['safety']).__name__)")
    assert _run([str(py), "-c", code], work, env).stdout.split() == ["bad", "-1", "tuple"]
    info = _run([heartscore, "info"], work, env).stdout
    assert "heartscore-" in info


def test_train_with_base_from_the_wheel(installed):
    py, work = installed
    env = _clean_env()
    code = ("import importlib.resources as r, pandas as pd; "
            "p = r.files('heartscore') / '_shipped' / 'corpora' / 'heartscore_corpus.csv'; "
            "pd.read_csv(p).drop(columns=['split']).sample(150, random_state=4)"
            ".to_csv('acme.csv', index=False)")
    _run([str(py), "-c", code], work, env)
    heartscore = str(py.parent / "heartscore")
    out = _run([heartscore, "train", "acme.csv", "-o", "acme.hsm", "--with-base", "--quiet"],
               work, env)
    assert "Traceback" not in out.stderr
    assert (work / "acme.hsm").stat().st_size > 0
    (work / "new.csv").write_text("text\nNobody called back.\n", encoding="utf-8")
    _run([heartscore, "score", "new.csv", "-o", "new_scored.csv", "--model", "acme.hsm",
          "--quiet", "--jobs", "1"], work, env)
    assert "acme" in (work / "new_scored.csv").read_text(encoding="utf-8")


def test_spacy_component_from_the_wheel(installed):
    """spacy.blank() imports nothing of heartscore's but its spaCy-only factory module; the
    component works with no sentencizer; a saved pipeline loads from another folder."""
    py, work = installed
    code = ("import sys, spacy; nlp = spacy.blank('en'); "
            "heavy = [m for m in ('heartscore.model', 'heartscore.spacy_component', 'sklearn', "
            "'pandas') if m in sys.modules]; assert not heavy, heavy; "
            "nlp.add_pipe('heartscore'); doc = nlp('They lost my bag. Nobody called back.'); "
            "print(doc._.heart.signals['trust'], len(list(doc.sents))); nlp.to_disk('pipe')")
    assert _run([str(py), "-c", code], work, _clean_env()).stdout.split() == ["-1", "2"]
    elsewhere = work / "elsewhere"
    elsewhere.mkdir()
    shutil.move(str(work / "pipe"), str(elsewhere / "pipe"))
    code = ("import spacy; nlp = spacy.load('pipe'); "
            "print(nlp('They lost my bag. Nobody called back.')._.heart.signals['trust'])")
    assert _run([str(py), "-c", code], elsewhere, _clean_env()).stdout.strip() == "-1"
