"""Build the API reference from the docstrings with pdoc, into a folder of HTML pages.

    python scripts/api_docs.py [OUT]     # default: build/api; open OUT/index.html

Every public module of the package is documented (found by walking the package; names
starting with ``_`` are private). Any warning pdoc raises (a module that fails to import, a
name in ``__all__`` that does not resolve, a docstring it cannot parse) is an error, so CI
(tests/test_api_docs.py) fails when the reference would be incomplete.
"""
from __future__ import annotations

import pkgutil
import sys
import warnings
from pathlib import Path

import heartscore

ROOT = Path(__file__).resolve().parents[1]


def public_modules() -> list[str]:
    """``heartscore`` and every submodule whose dotted name has no part starting with ``_``."""
    names = ["heartscore"]
    for info in pkgutil.walk_packages(heartscore.__path__, "heartscore."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return names


def build(out: Path) -> list[Path]:
    """Write the reference into ``out``; returns the HTML files. Raises on any pdoc warning."""
    import pdoc
    import pdoc.render
    pdoc.render.configure(docformat="numpy", show_source=False,
                          footer_text=f"heartscore {heartscore.__version__}")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # pdoc also walks a listed package's submodules: listing them again is harmless
        warnings.filterwarnings("ignore", message="The module specification .* adds a module")
        pdoc.pdoc(*public_modules(), output_directory=out)
    return sorted(out.rglob("*.html"))


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "build" / "api"
    pages = build(out)
    print(f"wrote {len(pages)} pages to {out} (open {out / 'index.html'})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
