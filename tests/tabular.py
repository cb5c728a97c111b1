"""Test helper: write a frame in the format its path's suffix names."""
import pandas as pd


def write_frame(df: pd.DataFrame, path) -> None:
    """Write ``df`` to ``path`` as CSV, TSV, JSONL, Parquet or XLSX (by suffix), no index."""
    ext = path.suffix[1:]
    if ext == "csv":
        df.to_csv(path, index=False)
    elif ext == "tsv":
        df.to_csv(path, sep="\t", index=False)
    elif ext == "jsonl":
        df.to_json(path, orient="records", lines=True)
    elif ext == "parquet":
        df.to_parquet(path)
    else:
        df.to_excel(path, index=False)
