"""Where heartscore finds its files: the shipped model and base corpus through one function
each (honouring $HEARTSCORE_MODEL), package data through importlib.resources."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from heartscore import resources
from heartscore.corpus import corpus_path
from heartscore.errors import HeartscoreError, ModelCompatibilityError
from heartscore.persistence import default_model_path

ROOT = Path(__file__).resolve().parents[1]


def test_checkout_paths(monkeypatch):
    monkeypatch.delenv(resources.MODEL_ENV, raising=False)
    assert resources.checkout_root() == ROOT
    # the newest shipped model (0.1.0 stays beside it for comparison)
    assert resources.shipped_model_path() == ROOT / "models" / "heartscore-0.2.0.hsm"
    assert default_model_path() == resources.shipped_model_path()
    assert resources.base_corpus_path() == ROOT / "corpora" / "heartscore_corpus.csv"
    assert corpus_path() == resources.base_corpus_path()


def test_environment_variable_names_the_model(monkeypatch, tmp_path):
    monkeypatch.setenv(resources.MODEL_ENV, str(tmp_path / "acme.hsm"))
    assert resources.shipped_model_path() == tmp_path / "acme.hsm"


def test_outside_a_checkout_the_errors_say_what_to_do(monkeypatch):
    monkeypatch.delenv(resources.MODEL_ENV, raising=False)
    monkeypatch.setattr(resources, "checkout_root", lambda: None)
    with pytest.raises(ModelCompatibilityError, match="no shipped model.*HEARTSCORE_MODEL="):
        resources.shipped_model_path()
    with pytest.raises(HeartscoreError, match="pip install -e"):
        resources.base_corpus_path()


def test_package_data_is_read_through_importlib_resources():
    assert resources.package_file("data", "names.txt").read_text(encoding="utf-8").strip()


def test_no_file_relative_paths_in_the_package():
    """Files are found through heartscore.resources, not by walking up from a module."""
    pattern = re.compile(r"Path\(__file__\)|dirname\(__file__\)")
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "src" / "heartscore").rglob("*.py")
                 if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
