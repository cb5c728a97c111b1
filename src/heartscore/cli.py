"""The ``heartscore`` command: a thin shell around library functions.

``main(argv)`` parses arguments, calls one library function per subcommand, prints what it
returned and gives an exit code (0 ok, 1 bad input or model, 2 usage). Library code never
prints or exits.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import HeartscoreError

__all__ = ["main"]

_EPILOG_SCORE = """example:
  heartscore score examples/reviews.csv -o scored.csv --text-column text
  heartscore score export.parquet -o scored.jsonl --jobs 2 --evidence"""
_EPILOG_TRAIN = """example:
  heartscore train my_labels.csv -o models/acme.joblib"""
_EPILOG_EVAL = """example:
  heartscore evaluate my_labels.csv --model models/acme.joblib"""


def _parser() -> argparse.ArgumentParser:
    from . import __version__
    p = argparse.ArgumentParser(
        prog="heartscore",
        description="Read customer feedback and say how the service felt: polarity and the "
                    "trust, safety, seen and mattering signals, with evidence.",
        epilog="example:\n  heartscore score examples/reviews.csv -o scored.csv",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"heartscore {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("score", help="score a CSV/TSV/JSONL/Parquet/XLSX export",
                       epilog=_EPILOG_SCORE, formatter_class=argparse.RawDescriptionHelpFormatter)
    s.add_argument("input", help="input file")
    s.add_argument("-o", "--output", required=True, help="output file (format from extension)")
    s.add_argument("--text-column", help="column holding the text (default: detected)")
    s.add_argument("--model", help="model .joblib (default: the shipped model)")
    s.add_argument("--format", choices=["csv", "tsv", "jsonl", "parquet", "xlsx"],
                   help="input format when the extension does not say")
    s.add_argument("--sheet", help="xlsx sheet name (default: the first)")
    s.add_argument("--encoding", help="input text encoding (default: utf-8)")
    s.add_argument("--jobs", type=int, default=1, help="worker processes (default: 1)")
    s.add_argument("--chunksize", type=int, default=5000, help="rows per chunk")
    s.add_argument("--evidence", action="store_true", help="add a JSON evidence column")
    s.add_argument("--quiet", action="store_true", help="no progress bar")

    t = sub.add_parser("train", help="train a model on labeled data", epilog=_EPILOG_TRAIN,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    t.add_argument("input", help="labeled file: text, polarity, trust, safety, seen, mattering")
    t.add_argument("-o", "--output", required=True, help="model file to write (.joblib)")
    t.add_argument("--text-column", default="text")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--C", type=float, default=None, help="regularisation (default: config)")

    e = sub.add_parser("evaluate", help="evaluate a model on labeled data", epilog=_EPILOG_EVAL,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    e.add_argument("input", help="labeled file")
    e.add_argument("--model", help="model .joblib (default: the shipped model)")
    e.add_argument("--text-column", default="text")
    e.add_argument("--json", action="store_true", help="print the full report as JSON")

    i = sub.add_parser("info", help="show a model's card",
                       epilog="example:\n  heartscore info --model models/acme.joblib",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    i.add_argument("--model", help="model .joblib (default: the shipped model)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help/--version/usage errors
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return {"score": _score, "train": _train, "evaluate": _evaluate, "info": _info}[
            args.command](args)
    except HeartscoreError as exc:
        print(f"heartscore: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("heartscore: interrupted; no output was written", file=sys.stderr)
        return 130


def _load(path: str | None):
    from .persistence import load
    return load(path)


def _score(args: argparse.Namespace) -> int:
    from .scoring import score_file
    model = _load(args.model)
    bar = None
    if not args.quiet and sys.stderr.isatty():
        from tqdm import tqdm
        bar = tqdm(unit=" rows", file=sys.stderr, desc="scoring")
    try:
        summary = score_file(args.input, args.output, model=model, text_column=args.text_column,
                             fmt=args.format, chunksize=args.chunksize, jobs=args.jobs,
                             evidence=args.evidence, encoding=args.encoding, sheet=args.sheet,
                             progress=bar.update if bar else None)
    finally:
        if bar is not None:
            bar.close()
    msg = (f"scored {summary.scored} of {summary.rows} rows from column "
           f"{summary.text_column!r} ({summary.text_column_reason}) into {summary.output}")
    if summary.errors:
        msg += "; not scored: " + ", ".join(f"{v} {k}" for k, v in summary.errors.items())
    if summary.truncated:
        msg += f"; {summary.truncated} texts truncated"
    print(msg, file=sys.stderr)
    return 0


def _train(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from .corpus import file_sha256, read_table
    from .persistence import save
    from .training import TrainConfig, train
    config = TrainConfig(seed=args.seed, text_column=args.text_column)
    if args.C is not None:
        config = replace(config, C=args.C)
    df = read_table(args.input)
    model = train(df, config, name=Path(args.output).stem,
                  corpus_info={"file": Path(args.input).name, "sha256": file_sha256(args.input),
                               "rows": len(df)})
    model.card["command"] = "heartscore train " + " ".join(sys.argv[2:]) if sys.argv else ""
    save(model, args.output)
    m = model.card.get("metrics", {})
    print(f"wrote {args.output}; test polarity macro-F1 "
          f"{m.get('polarity_macro_f1', {}).get('value', 'n/a')}, signal macro-F1 "
          f"{m.get('signal_macro_f1', {}).get('value', 'n/a')}", file=sys.stderr)
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from .corpus import check_labeled, labels_matrix, read_table
    model = _load(args.model)
    df = read_table(args.input)
    if args.text_column not in df.columns:
        from .errors import InputError
        raise InputError(f"no column {args.text_column!r}; columns are "
                         f"{', '.join(map(str, df.columns))}; pass --text-column")
    df = df.rename(columns={args.text_column: "text"})
    check_labeled(df, model.schema)
    report = model.evaluate(df["text"].tolist(), labels_matrix(df, model.schema))
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"rows: {report['n']}")
    pm, sm = report["polarity_macro_f1"], report["signal_macro_f1"]
    print(f"polarity macro-F1 {pm['value']:.3f} (95% CI {pm['ci_low']:.3f}-{pm['ci_high']:.3f})")
    print(f"signal macro-F1   {sm['value']:.3f} (95% CI {sm['ci_low']:.3f}-{sm['ci_high']:.3f})")
    print(f"{'label':10s} {'class':8s} {'prec':>6s} {'rec':>6s} {'f1':>6s} {'support':>8s}")
    for label, rep in report["labels"].items():
        for c, r in rep["classes"].items():
            print(f"{label:10s} {c:8s} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f} "
                  f"{r['support']:8d}")
        print(f"{label:10s} brier {rep['brier']:.4f}")
    return 0


def _info(args: argparse.Namespace) -> int:
    model = _load(args.model)
    card = {k: v for k, v in model.card.items() if k != "metrics"}
    print(json.dumps(card, indent=2))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
