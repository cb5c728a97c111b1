"""The API reference builds from the docstrings with pdoc (scripts/api_docs.py), with no
warning (a module that fails to import, an unresolvable __all__ entry), and covers the
public names. 0.1.0 had no API reference."""
from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _api_docs():
    spec = importlib.util.spec_from_file_location("api_docs", ROOT / "scripts" / "api_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_api_reference_builds_and_covers_the_public_names(tmp_path):
    api_docs = _api_docs()
    pages = {p.relative_to(tmp_path).as_posix() for p in api_docs.build(tmp_path)}
    expected = {m.replace(".", "/") + ".html" for m in api_docs.public_modules()}
    assert expected <= pages
    top = (tmp_path / "heartscore.html").read_text(encoding="utf-8")
    import heartscore
    for name in heartscore.__all__:
        assert f'id="{name}"' in top, name
    results = (tmp_path / "heartscore" / "results.html").read_text(encoding="utf-8")
    assert "MIN_EVIDENCE_WEIGHT" in results and "Result" in results
