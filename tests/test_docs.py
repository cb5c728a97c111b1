"""The README and the docs stand on their own in a clone: the label guide is in the
repository (and identical to the team's shared one), every link resolves inside the
repository, every Python example runs, and every command and exit code is documented.

0.1.0's README linked the label guide outside the repository (../shared/LABELS.md), used
undefined names in its examples, crashed in its spaCy example (no sentencizer) and did not
mention `heartscore info` or the exit codes."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from heartscore.cli import _parser

ROOT = Path(__file__).resolve().parents[1]
SHARED_LABELS = ROOT.parent / "shared" / "LABELS.md"
DOCS = ["README.md", "CONTRIBUTING.md", "SECURITY.md", "CHANGELOG.md", "docs/architecture.md",
        "docs/spark.md", "corpora/README.md", "corpora/real/README.md"]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_label_guide_is_the_shared_one():
    if not SHARED_LABELS.is_file():
        pytest.skip(f"no team shared folder at {SHARED_LABELS.parent} (a clone elsewhere): "
                    "docs/labels.md cannot be compared with ../shared/LABELS.md here")
    assert (ROOT / "docs" / "labels.md").read_bytes() == SHARED_LABELS.read_bytes(), (
        "docs/labels.md differs from ../shared/LABELS.md: copy the shared guide over it")


@pytest.mark.parametrize("name", DOCS)
def test_every_link_resolves_inside_the_repository(name):
    doc = ROOT / name
    broken = []
    for target in LINK.findall(doc.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue  # a web address or an anchor in the same file
        path = (doc.parent / target.split("#")[0]).resolve()
        if not path.exists() or not path.is_relative_to(ROOT):
            broken.append(target)
    assert broken == [], f"{name} links outside the repository or to nothing: {broken}"


def _python_examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", _readme(), flags=re.S)


def test_the_readme_has_python_examples():
    assert len(_python_examples()) >= 2


@pytest.mark.parametrize("index", range(len(_python_examples())))
def test_every_python_example_in_the_readme_runs(index, monkeypatch):
    monkeypatch.chdir(ROOT)  # examples read examples/reviews.csv, as a user of a clone would
    code = _python_examples()[index]
    exec(compile(code, f"README.md python example {index + 1}", "exec"), {"__name__": "readme"})


def test_every_command_and_exit_code_is_documented():
    readme = _readme()
    commands = _parser()._subparsers._group_actions[0].choices
    assert [c for c in commands if f"`heartscore {c}" not in readme] == []
    cli = "".join((ROOT / "src" / "heartscore" / name).read_text(encoding="utf-8")
                  for name in ("cli.py", "cli_commands.py"))
    codes = sorted({int(c) for c in re.findall(r"return (\d+)\b", cli)} | {2})  # 2: argparse
    assert codes == [0, 1, 2, 130, 141]
    assert [c for c in codes if not re.search(rf"^\| {c} \| \w", readme, flags=re.M)] == []
    assert "heartscore info" in readme and "--quiet" in readme


def test_the_changelog_has_the_migration_notes():
    log = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert log.startswith("# Changelog") and "## [Unreleased]" in log
    notes = log.split("### Migrating from 0.1 to 0.2", 1)[1]
    for topic in ("heartscore convert", ".hsm", "Output columns", "Exit codes", "141"):
        assert topic in notes, topic
