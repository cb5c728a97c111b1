"""Build step that puts the shipped model and the base corpus into the wheel.

The model (``models/``) and the corpora (``corpora/``) stay top-level folders of the source
checkout, where the scripts write them and the data cards sit beside them. A wheel build
copies the files listed in :data:`SHIPPED` into the package as ``heartscore/_shipped/``,
where :mod:`heartscore.resources` finds them with :mod:`importlib.resources`. An editable
install copies nothing: there ``heartscore.resources`` reads the checkout's folders.
Everything else about the build is in ``pyproject.toml``.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: Package folder the shipped files go to (``heartscore.resources.SHIPPED_DIR``).
TARGET = ("heartscore", "_shipped")
#: Top-level folder → glob patterns of the files a wheel carries: the model, its card, and
#: the base corpus ``train --with-base`` reads, each with the data card and licence notices
#: that must travel with it.
SHIPPED: dict[str, tuple[str, ...]] = {
    "models": ("heartscore-*.hsm", "heartscore-accurate-*.npz", "heartscore-*.card.json",
               "MODEL_CARD.md"),
    "corpora": ("README.md", "heartscore_corpus.csv", "real/README.md", "real/LICENSE*",
                "real/real.csv", "real/distant.csv"),
}


def shipped_files(root: Path = ROOT) -> list[Path]:
    """The files of ``root`` a wheel carries, relative to ``root``, sorted."""
    found = {p.relative_to(root) for folder, patterns in SHIPPED.items()
             for pattern in patterns for p in (root / folder).glob(pattern) if p.is_file()}
    return sorted(found)


class BuildPyWithShippedData(build_py):
    """``build_py`` that also copies :data:`SHIPPED` into ``heartscore/_shipped/``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's own folders
        files = shipped_files()
        if not any(f.suffix == ".hsm" for f in files):
            raise SystemExit("setup.py: no models/heartscore-*.hsm to ship; build the model "
                             "first (python scripts/build_model.py)")
        target = Path(self.build_lib).joinpath(*TARGET)
        for rel in files:
            dest = target / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / rel, dest)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        target = Path(self.build_lib).joinpath(*TARGET)
        return [*super().get_outputs(include_bytecode),
                *(str(target / rel) for rel in shipped_files())]


if __name__ == "__main__":
    setup(cmdclass={"build_py": BuildPyWithShippedData})
