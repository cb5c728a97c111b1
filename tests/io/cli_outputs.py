"""What `heartscore score` writes, per output format, reduced to a fingerprint: the exact
bytes for text formats, and for Parquet/XLSX (whose files embed library versions or
timestamps) the Arrow schema plus every value, or every cell. Used by
tests/io/test_cli_outputs.py and by scripts/cli_outputs.py, which records the fingerprints
that the refactors of the I/O layer must keep (tests/data/cli_outputs.json)."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parents[1] / "data"
RECORD = DATA / "cli_outputs.json"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "reviews.csv"
FORMATS = ("csv", "tsv", "jsonl", "parquet", "xlsx")
EXTRA = ["", "=SUM(A1:A2) looks like a formula", "line one\nline two, with a comma",
         'she said "never again"', "Nobody ignored us!!! SOOO good 😀", "  ",
         "The nurse remembered my daughter's name ❤️", "On hold for 2hrs and nobody answered"]


def input_frame() -> pd.DataFrame:
    """The fixed input: the example export plus texts that stress quoting and odd values."""
    df = pd.read_csv(EXAMPLES, dtype=str, keep_default_na=False)
    extra = pd.DataFrame({c: [""] * len(EXTRA) for c in df.columns})
    extra["text"] = EXTRA
    extra["id"] = [f"x{i}" for i in range(len(EXTRA))] if "id" in df.columns else extra.get("id")
    return pd.concat([df, extra], ignore_index=True)


def fingerprint(path: Path, fmt: str) -> str:
    h = hashlib.sha256()
    if fmt in ("csv", "tsv", "jsonl"):
        h.update(path.read_bytes())
    elif fmt == "parquet":
        import pyarrow.parquet as pq
        table = pq.read_table(path)
        h.update(str(table.schema.remove_metadata()).encode())
        h.update(json.dumps(table.to_pydict(), sort_keys=True, default=str).encode())
    else:
        from openpyxl import load_workbook
        ws = load_workbook(path, read_only=True).worksheets[0]
        for row in ws.iter_rows(values_only=True):
            h.update(json.dumps(row, default=str).encode() + b"\n")
    return h.hexdigest()


def run_all(tmp: Path, main) -> dict[str, str]:
    """Score the fixed input into every format (with and without evidence); fingerprints."""
    src = tmp / "in.csv"
    input_frame().to_csv(src, index=False)
    out = {}
    for fmt in FORMATS:
        for evidence in (False, True):
            dst = tmp / f"out-{int(evidence)}.{fmt}"
            args = ["score", str(src), "-o", str(dst), "--text-column", "text", "--quiet",
                    "--jobs", "1"] + (["--evidence"] if evidence else [])
            assert main(args) == 0
            out[f"{fmt}{'+evidence' if evidence else ''}"] = fingerprint(dst, fmt)
    return out
