"""The notebooks in notebooks/: each runs top to bottom without a cell error, and the
committed files are exactly what notebooks/build_notebooks.py writes (no outputs).

Running the notebooks is slow, so those tests are marked ``slow`` (``python -m pytest -m slow``). Each notebook runs in a fresh ``python3`` kernel with cwd
``notebooks/`` and ``TMPDIR`` pointed at a pytest temporary folder, so the files a notebook
writes through ``tempfile.mkdtemp()`` are cleaned up with pytest's other temporary files.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
NAMES = ["01_quickstart.ipynb", "02_score_an_export.ipynb", "03_retrain_and_compare.ipynb"]
CELL_TIMEOUT = 300  # seconds, per cell


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_top_to_bottom(name, tmp_path, monkeypatch):
    """Execute every cell in order in a fresh kernel; any cell error fails the test."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the kernel inherits it: mkdtemp goes here
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    try:
        client.execute()
    except CellExecutionError as exc:
        pytest.fail(f"{name}: a cell failed:\n{exc}", pytrace=False)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors, f"{name}: {errors[0].get('ename')}: {errors[0].get('evalue')}"


def test_notebooks_match_their_builder(tmp_path):
    """The committed notebooks are the builder's output: regenerate them, compare bytes."""
    subprocess.run([sys.executable, str(NOTEBOOKS / "build_notebooks.py"), str(tmp_path)],
                   check=True, capture_output=True, cwd=ROOT)
    for name in NAMES:
        assert (tmp_path / name).read_bytes() == (NOTEBOOKS / name).read_bytes(), (
            f"{name} differs from what notebooks/build_notebooks.py writes; rerun it")


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_stored_without_outputs(name):
    nb = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, (
                f"{name}: cell {cell.get('id')} has stored outputs")
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
