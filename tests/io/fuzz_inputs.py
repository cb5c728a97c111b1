"""Hostile input files for the fuzz test (tests/io/test_fuzz.py): for each input format, a
seeded stream of cases, each a file plus what a faithful run must give back.

A case is ``(name, data, expected)``: ``data`` is the file's bytes; ``expected`` is the list
of texts a run must return in order (a well-formed table with hostile values), or ``None``
when the file may be refused (random bytes, broken quoting, binary junk): then a run either
refuses it in one line or returns as many rows as heartscore reads from it.
"""
from __future__ import annotations

import io
import json
import random
from collections.abc import Iterator

import pandas as pd

FORMULA = ["=1+2", "+cmd", "-x", "@SUM(A1)", "\tTAB", "\rCR", "-12", "=HYPERLINK(\"x\")"]
PIECES = ["Rude staff", "Kind nurse ❤️", "never again", ",", ";", "\t", "|", '"', "'", "\n",
          "\r", "\r\n", "\u2028", "\x0b", "\x0c", "\x1b[31m", "\u200b", "\ufeff", "\ufffd",
          "é", "日本語", "😀", "\\", "{", "}", "[", "]", "null", "NaN", "None", "", " ",
          "_x0041_", "<script>", "=", "-", "#", "%s", "\x7f", "\x85", "\u202e"]


def hostile_text(rng: random.Random) -> str:
    """A text made of pieces that break naive writers; sometimes a formula, sometimes huge."""
    roll = rng.random()
    if roll < 0.1:
        return rng.choice(FORMULA) + " " + rng.choice(PIECES[:3])
    if roll < 0.102:
        return "The staff were rude. " * rng.randint(5_000, 6_000)  # > 100,000 characters
    if roll < 0.15:
        return "".join(chr(rng.randint(0x20, 0x2FFF)) for _ in range(rng.randint(1, 80)))
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 8)))


def _frame(rng: random.Random, n: int) -> pd.DataFrame:
    return pd.DataFrame({"id": [str(i) for i in range(n)],
                         "text": [hostile_text(rng) for _ in range(n)],
                         "note": [rng.choice(PIECES) for _ in range(n)]})


def _junk(rng: random.Random) -> bytes:
    kind = rng.randrange(6)
    if kind == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 600)))
    if kind == 1:
        return b""
    if kind == 2:
        return rng.choice([b"text\n", b"text,id\n", b"\xef\xbb\xbftext\r\n", b"\n\n\n", b" "])
    if kind == 3:  # broken quoting
        rows = ['"open quote,1', 'a,"b""c', '"x"y",2', 'no,close"', '"a\nb', ',,,,']
        return ("text,id\n" + "\n".join(rng.choice(rows) for _ in range(rng.randint(1, 6)))
                ).encode()
    if kind == 4:  # mixed encodings line by line
        enc = ["utf-8", "latin-1", "cp1252", "utf-16"]
        lines = [rng.choice(["text", "Crème brûlée was cold", "naïve staff", "€5 extra"]) + "\n"
                 for _ in range(rng.randint(1, 6))]
        return b"".join(line.encode(rng.choice(enc), errors="replace") for line in lines)
    return "text\n".join(rng.choice(PIECES) for _ in range(rng.randint(1, 30))).encode(
        "utf-8", "surrogatepass")


def _delimited(rng: random.Random, df: pd.DataFrame, sep: str) -> bytes:
    df = df.copy()
    df["text"] = [t.replace("\r", "") for t in df["text"]]  # pandas leaves a bare CR unquoted
    df["note"] = [t.replace("\r", "") for t in df["note"]]
    encoding = rng.choice(["utf-8", "utf-8", "utf-8-sig", "utf-16"])
    return df.to_csv(index=False, sep=sep).encode(encoding)


def _jsonl(rng: random.Random, df: pd.DataFrame) -> bytes:
    lines = [json.dumps(r, ensure_ascii=rng.random() < 0.5) for r in df.to_dict("records")]
    return ("\n".join(lines) + rng.choice(["", "\n", "\r\n"])).encode("utf-8")


def _jsonl_junk(rng: random.Random) -> bytes:
    bad = ['[1, 2]', '"text"', '{"text": }', '{"text": "a"', 'null', '{"text": "\\ud800"}',
           '{"text": {"nested": [1, 2]}}', '{"text": 12}', '{"a": 1}', '{}', '\x00\x01']
    return "\n".join(rng.choice(bad) for _ in range(rng.randint(1, 5))).encode()


def _parquet(df: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    return buf.getvalue()


def _parquet_odd(rng: random.Random) -> bytes:
    n = rng.randint(0, 5)
    kind = rng.randrange(3)
    if kind == 0:
        df = pd.DataFrame({"text": pd.Series([None] * n, dtype=object), "x": range(n)})
    elif kind == 1:
        df = pd.DataFrame({"text": [rng.randint(-5, 5) for _ in range(n)]})
    else:
        df = pd.DataFrame({"text": [[1, 2]] * n})
    return _parquet(df)


def _xlsx(df: pd.DataFrame) -> bytes:
    from heartscore.io.excel import write_xlsx
    buf = io.BytesIO()
    write_xlsx(df, buf)
    return buf.getvalue()


def cases(fmt: str, n: int, seed: int = 0) -> Iterator[tuple[str, bytes, list[str] | None]]:
    """``n`` hostile cases for input format ``fmt`` (csv, tsv, jsonl, parquet, xlsx)."""
    rng = random.Random(f"{fmt}-{seed}")
    for i in range(n):
        roll = rng.random()
        if roll < 0.3:
            data = _jsonl_junk(rng) if fmt == "jsonl" and rng.random() < 0.5 else _junk(rng)
            if fmt == "parquet" and rng.random() < 0.5:
                data = _parquet_odd(rng)
            elif fmt in ("parquet", "xlsx") and rng.random() < 0.5:
                good = _parquet(_frame(rng, 3)) if fmt == "parquet" else _xlsx(_frame(rng, 3))
                data = good[: rng.randint(0, len(good))]  # truncated file
            yield f"{fmt}-{i}-junk", data, None
            continue
        df = _frame(rng, rng.randint(1, 12))
        if fmt in ("csv", "tsv"):
            data = _delimited(rng, df, "," if fmt == "csv" else "\t")
            texts = [t.replace("\r", "") for t in df["text"]]
        elif fmt == "jsonl":
            data, texts = _jsonl(rng, df), df["text"].tolist()
        elif fmt == "parquet":
            data, texts = _parquet(df), df["text"].tolist()
        else:
            data, texts = _xlsx(df), df["text"].tolist()
        yield f"{fmt}-{i}", data, texts
