"""Two model files, the same code: end-to-end scoring time, alternated runs.

    python benchmarks/bench_models.py [--models A B] [--short 10000] [--long 10000] [--runs 5]

Scores one CSV of real texts from the shared pool (``../shared/realdata``; short and long
texts built as ``bench_real.py`` builds them) with ``heartscore score --jobs 1 --evidence
--quiet --model M`` for each model in turn, ``--runs`` times, and prints the fastest and
median wall-clock times and the throughput change of the second model against the first
(issue 16: no more than 20% below 0.1.0). Defaults: 0.1.0 against the shipped model.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_real as B  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    import heartscore
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", nargs=2, metavar=("A", "B"),
                    default=[str(ROOT / "models" / "heartscore-0.1.0.hsm"),
                             str(ROOT / "models" / f"heartscore-{heartscore.__version__}.hsm")])
    ap.add_argument("--pool", type=Path, default=ROOT.parent / "shared" / "realdata")
    ap.add_argument("--short", type=int, default=10_000)
    ap.add_argument("--long", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    texts = (B.build(B.pool(args.pool, "short"), args.short)
             + B.build(B.pool(args.pool, "long"), args.long))
    times: dict[str, list[float]] = {m: [] for m in args.models}
    with tempfile.TemporaryDirectory() as tmp:
        path = B.write_csv(texts, Path(tmp) / "texts.csv")
        for _ in range(args.runs):
            for model in args.models:
                out = Path(tmp) / "out.csv"
                out.unlink(missing_ok=True)
                t0 = time.perf_counter()
                subprocess.run([sys.executable, "-m", "heartscore", "score", str(path), "-o",
                                str(out), "--jobs", "1", "--evidence", "--quiet", "--model",
                                model], check=True, env=B.ENV)  # this checkout's code
                times[model].append(time.perf_counter() - t0)
    a, b = args.models
    for m in args.models:
        print(f"{Path(m).name}: fastest {min(times[m]):.2f} s, median "
              f"{statistics.median(times[m]):.2f} s ({len(texts):,} texts, {args.runs} runs)")
    print(f"throughput of {Path(b).name} against {Path(a).name}: "
          f"{min(times[a]) / min(times[b]) - 1:+.1%} (fastest runs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
