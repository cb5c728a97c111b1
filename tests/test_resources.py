"""Where heartscore finds its files: the shipped model and base corpus through one function
each (honouring $HEARTSCORE_MODEL), package data through importlib.resources."""
from __future__ import annotations

import importlib.util
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
    newest = sorted((ROOT / "models").glob("heartscore-*.hsm"))[-1]
    assert resources.shipped_model_path() == newest
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
    with pytest.raises(HeartscoreError, match="no base corpus.*pip install -e"):
        resources.base_corpus_path()


def test_an_installed_wheel_finds_model_and_corpus_inside_the_package(monkeypatch, tmp_path):
    """What a wheel install looks like: no checkout around the package, the model and the
    base corpus under heartscore/_shipped/ (0.1.0 had neither: "no shipped model in
    .../lib/python3.11/models")."""
    package = tmp_path / "site-packages" / "heartscore"
    models = package / resources.SHIPPED_DIR / "models"
    corpora = package / resources.SHIPPED_DIR / "corpora"
    models.mkdir(parents=True)
    (corpora / "real").mkdir(parents=True)
    for name in ("heartscore-0.1.0.hsm", "heartscore-0.3.0.hsm"):
        (models / name).write_bytes(b"x")
    (corpora / "heartscore_corpus.csv").write_text("text\n", encoding="utf-8")
    monkeypatch.delenv(resources.MODEL_ENV, raising=False)
    monkeypatch.setattr(resources, "files", lambda name: package)
    assert resources.checkout_root() is None
    assert resources.shipped_model_path() == models / "heartscore-0.3.0.hsm"
    assert resources.base_corpus_path() == corpora / "heartscore_corpus.csv"
    assert corpus_path().parent / "real" == corpora / "real"


def _setup_module():
    spec = importlib.util.spec_from_file_location("heartscore_setup", ROOT / "setup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # setup() runs only as __main__
    return module


def test_the_wheel_build_ships_the_model_the_base_corpus_and_their_notices():
    setup = _setup_module()
    shipped = {str(p) for p in setup.shipped_files()}
    newest = resources.shipped_model_path().relative_to(ROOT)
    assert str(newest) in shipped
    for name in ("corpora/heartscore_corpus.csv", "corpora/real/real.csv",
                 "corpora/real/distant.csv", "corpora/README.md", "corpora/real/README.md",
                 "corpora/real/LICENSE-nhs-fft-pxtextmining.txt"):
        assert name in shipped, name
    assert not any(p.startswith("corpora/real/passes") for p in shipped)  # only what is read
    # The sdist carries the same files, so a wheel built from it is complete too.
    manifest = (ROOT / "MANIFEST.in").read_text(encoding="utf-8")
    for folder, patterns in setup.SHIPPED.items():
        for pattern in patterns:
            assert f"{folder}/{pattern}" in manifest, pattern
    assert setup.TARGET == ("heartscore", resources.SHIPPED_DIR)


def test_package_data_is_read_through_importlib_resources():
    assert resources.package_file("data", "names.txt").read_text(encoding="utf-8").strip()


def test_no_file_relative_paths_in_the_package():
    """Files are found through heartscore.resources, not by walking up from a module."""
    pattern = re.compile(r"Path\(__file__\)|dirname\(__file__\)")
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "src" / "heartscore").rglob("*.py")
                 if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_licence_is_an_spdx_string_with_its_files():
    """0.1.0 used the deprecated `license = {text = ...}` table, which the build warns about."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = meta["project"]
    assert project["license"] == "MIT"
    assert all(list(ROOT.glob(pattern)) for pattern in project["license-files"])
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
