"""Scoring without scikit-learn: what a process imports when it imports, loads and scores.

Behaviour checks in fresh interpreters (which modules end up in ``sys.modules``), not
timings; the start-up figures are measured by ``benchmarks/bench_scoring.py``."""
from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("sklearn", "pandas", "spacy", "scipy", "joblib")


def _imported_after(code: str, tmp_path=None) -> list[str]:
    probe = (f"{code}\nimport sys, json\n"
             f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_heartscore_imports_no_heavy_library():
    assert _imported_after("import heartscore") == []


def test_loading_and_scoring_never_imports_scikit_learn():
    code = ("import heartscore\nm = heartscore.load()\n"
            "r = m.score('They lost my bag and nobody called back.')\n"
            "assert r.signals['trust'] == -1, r")
    assert "sklearn" not in _imported_after(code)


def test_asking_for_the_estimator_builds_the_scikit_learn_one():
    code = ("import heartscore\nm = heartscore.load()\n"
            "from sklearn.base import BaseEstimator\n"
            "assert isinstance(m.estimator, BaseEstimator)\n"
            "assert type(m.estimator).__name__ == 'HeartscoreClassifier'")
    assert "sklearn" in _imported_after(code)


def test_scoring_a_csv_from_the_cli_never_imports_scikit_learn(tmp_path):
    (tmp_path / "in.csv").write_text("text\nThe nurse remembered my name.\n", encoding="utf-8")
    code = ("from heartscore.cli import main\n"
            "assert main(['score', 'in.csv', '-o', 'out.csv', '--quiet', '--jobs', '2', "
            "'--evidence']) == 0")
    assert "sklearn" not in _imported_after(code, tmp_path)
    assert "remembered my name" in (tmp_path / "out.csv").read_text(encoding="utf-8")
