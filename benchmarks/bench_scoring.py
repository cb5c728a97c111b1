"""Scoring benchmark: heartscore's CLI against VADER and spaCy's bare tokenizer.

    python benchmarks/bench_scoring.py                 # 200k tweet-length rows, 20k long reviews
    python benchmarks/bench_scoring.py --million       # also a 1,000,000-row memory run
    python benchmarks/bench_scoring.py --tweets 20000 --long 2000   # a quick look

Builds the files from corpora/ (every row a distinct text: two corpus texts joined plus a
row number, shuffled), then in the same run times
  - ``heartscore score --jobs 2`` and ``--jobs 1`` end to end (subprocess, wall clock),
  - VADER (vaderSentiment, one process) over the same texts,
  - ``spacy.blank("en")`` tokenizer alone over the same texts,
and prints rows/s, peak RSS summed over all processes (sampled every 50 ms) and the ratios
the batch-scoring issue sets targets for. Needs psutil (``pip install psutil``).
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parents[1]


def build_texts(kind: str, n: int, seed: int = 0) -> list[str]:
    df = pd.read_csv(ROOT / "corpora" / "heartscore_corpus.csv", keep_default_na=False)
    rng = random.Random(seed)
    if kind == "tweet":
        pool = [t for t in df["text"] if len(t) <= 200]
        make = lambda i: f"{rng.choice(pool)} {rng.choice(pool)[:60]} #{i}"  # noqa: E731
    else:
        pool = df.loc[df["style"] == "long_review", "text"].tolist()
        make = lambda i: f"{rng.choice(pool)} (review {i})"  # noqa: E731
    texts = [make(i) for i in range(n)]
    rng.shuffle(texts)
    return texts


class PeakMemory:
    """Peak of the memory summed over a process and all its children, sampled every
    ``interval`` seconds: RSS (0.1.0's figure, shared pages counted in each process), or with
    ``pss=True`` PSS where the OS gives it (Linux; shared copy-on-write pages counted once),
    else RSS. ``kind`` says which."""

    def __init__(self, pid: int, *, pss: bool = False, interval: float = 0.05) -> None:
        self.proc = psutil.Process(pid)
        self.kind = "PSS" if pss and hasattr(self.proc.memory_full_info(), "pss") else "RSS"
        self.peak, self.interval = 0, interval
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _one(self, p: psutil.Process) -> int:
        return p.memory_full_info().pss if self.kind == "PSS" else p.memory_info().rss

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                total = 0
                for p in [self.proc, *self.proc.children(recursive=True)]:
                    try:
                        total += self._one(p)
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total)
            except psutil.Error:
                pass
            time.sleep(self.interval)

    def stop(self) -> int:
        self._stop.set()
        self._t.join()
        return self.peak


def run_cli(path: Path, jobs: int) -> tuple[float, int]:
    out = path.with_suffix(f".scored{jobs}.csv")
    cmd = [sys.executable, "-m", "heartscore", "score", str(path), "-o", str(out), "--jobs",
           str(jobs), "--quiet", "--evidence"]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd)
    mem = PeakMemory(proc.pid)
    code = proc.wait()
    wall = time.perf_counter() - t
    peak = mem.stop()
    if code != 0:
        raise SystemExit(f"heartscore exited with {code}")
    out.unlink()
    return wall, peak


def run_vader(texts: list[str]) -> float:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    sia = SentimentIntensityAnalyzer()
    t = time.perf_counter()
    for x in texts:
        sia.polarity_scores(x)
    return time.perf_counter() - t


def run_tokenizer(texts: list[str]) -> float:
    import spacy
    nlp = spacy.blank("en")
    t = time.perf_counter()
    for _ in nlp.tokenizer.pipe(texts, batch_size=1000):
        pass
    return time.perf_counter() - t


def bench(kind: str, n: int, tmp: Path) -> dict:
    texts = build_texts(kind, n)
    path = tmp / f"{kind}_{n}.csv"
    pd.DataFrame({"id": range(n), "text": texts}).to_csv(path, index=False)
    row = {"file": f"{n:,} {kind} rows", "mean_words": sum(len(t.split()) for t in texts) / n}
    row["tokenizer_s"] = run_tokenizer(texts)
    row["vader_s"] = run_vader(texts)
    row["hs_jobs2_s"], row["hs_jobs2_rss"] = run_cli(path, 2)
    row["hs_jobs1_s"], row["hs_jobs1_rss"] = run_cli(path, 1)
    for k in ("tokenizer", "vader", "hs_jobs2", "hs_jobs1"):
        row[f"{k}_rows_s"] = n / row[f"{k}_s"]
    row["jobs2_vs_vader"] = row["hs_jobs2_rows_s"] / row["vader_rows_s"]
    row["jobs1_vs_tokenizer"] = row["hs_jobs1_rows_s"] / row["tokenizer_rows_s"]
    path.unlink()
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tweets", type=int, default=200_000)
    ap.add_argument("--long", type=int, default=20_000)
    ap.add_argument("--million", action="store_true", help="also time a 1,000,000-row file")
    args = ap.parse_args()
    print(f"# {time.strftime('%Y-%m-%d')} · {platform.machine()} · {os.cpu_count()} cores · "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB · Python {platform.python_version()}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        rows.append(bench("tweet", args.tweets, tmp))
        rows.append(bench("long", args.long, tmp))
        for r in rows:
            print(f"\n{r['file']} (mean {r['mean_words']:.0f} words)")
            print(f"  spaCy tokenizer       {r['tokenizer_rows_s']:>9,.0f} rows/s")
            print(f"  VADER, 1 process      {r['vader_rows_s']:>9,.0f} rows/s")
            print(f"  heartscore --jobs 2   {r['hs_jobs2_rows_s']:>9,.0f} rows/s  "
                  f"peak RSS {r['hs_jobs2_rss'] / 2**20:,.0f} MB (all processes)")
            print(f"  heartscore --jobs 1   {r['hs_jobs1_rows_s']:>9,.0f} rows/s  "
                  f"peak RSS {r['hs_jobs1_rss'] / 2**20:,.0f} MB")
            print(f"  jobs 2 / VADER = {r['jobs2_vs_vader']:.2f}x;  "
                  f"jobs 1 / tokenizer = {r['jobs1_vs_tokenizer']:.0%}")
        if args.million:
            texts = build_texts("tweet", 1_000_000, seed=1)
            path = tmp / "million.csv"
            pd.DataFrame({"id": range(len(texts)), "text": texts}).to_csv(path, index=False)
            del texts
            for jobs in (1, 2):
                wall, peak = run_cli(path, jobs)
                print(f"\n1,000,000 tweet rows --jobs {jobs}: {1e6 / wall:,.0f} rows/s, "
                      f"peak RSS {peak / 2**20:,.0f} MB (all processes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
