"""The ``heartscore`` command: a thin shell around library functions.

``main(argv)`` parses arguments, calls one library function per subcommand, prints what it
returned and gives an exit code: 0 ok; 2 a usage or input error (bad flag, unreadable or
refused input, output that is the input, output locked by another run); 1 any other failure
(a model that cannot be loaded, an unexpected error, reported in one line; set
``HEARTSCORE_DEBUG=1`` for the traceback); 130 interrupted; 141 standard output closed early
(``| head``). Library code never prints or exits.
"""
from __future__ import annotations

import argparse
import os
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import HeartscoreError, InputError, SchemaError
from .labels import CORE_SIGNALS

__all__ = ["main"]

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
_MODEL_HELP = "model file, .hsm (default: the shipped model)"
_TRUST_HELP = ("load a pickle (.joblib) model, which can run code inside it; only for "
               "files whose source you trust (better: heartscore convert it once)")


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
    s.add_argument("--no-formula-escape", dest="escape_formulas", action="store_false",
                   help="keep text cells of a CSV/TSV output that begin with = + - @ tab or CR "
                        "as they are (default: prefix them with ' so spreadsheets do not run "
                        "them as formulas; numbers are never prefixed)")

    m = sub.add_parser("summarize", help="per-group aggregates of a scored file",
                       epilog="example:\n  heartscore summarize scored.csv --group-by store "
                              "-o by_store.csv",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    m.add_argument("input", help="scored file written by `heartscore score`")
    m.add_argument("-o", "--output", required=True, help="summary file (CSV/JSONL/Parquet/XLSX)")
    m.add_argument("--group-by", metavar="COL", help="column to group by (default: all rows)")
    m.add_argument("--no-formula-escape", dest="escape_formulas", action="store_false",
                   help="keep text cells of a CSV/TSV output that begin with = + - @ tab or CR "
                        "as they are (default: prefix them with ' so spreadsheets do not run "
                        "them as formulas; numbers are never prefixed)")

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
    g.add_argument("--no-formula-escape", dest="escape_formulas", action="store_false",
                   help="keep text cells of a CSV/TSV output that begin with = + - @ tab or CR "
                        "as they are (default: prefix them with ' so spreadsheets do not run "
                        "them as formulas; numbers are never prefixed)")

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
        return {"score": _score, "train": _train, "evaluate": _evaluate, "info": _info,
                "report": _report, "summarize": _summarize, "drivers": _drivers,
                "suggest": _suggest, "convert": _convert}[args.command](args)
    except (InputError, SchemaError) as exc:
        _error(str(exc))
        return 2
    except HeartscoreError as exc:
        _error(str(exc))
        return 1
    except KeyboardInterrupt:
        print("heartscore: interrupted; no output was written", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of stdout went away (`| head -1`): stop quietly
        _silence_stdout()
        return 141
    except Exception as exc:
        if os.environ.get("HEARTSCORE_DEBUG"):
            raise
        _error(f"unexpected {type(exc).__name__}: {exc}; no output was written. This is a bug:"
               " please report it with the command you ran (HEARTSCORE_DEBUG=1 shows the "
               "traceback)")
        return 1


def _error(message: str) -> None:
    """Print an error on one line (a message from a library may hold line breaks)."""
    print(f"heartscore: error: {' '.join(message.split())}", file=sys.stderr)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    try:
        if sys.stdout is sys.__stdout__ and sys.stdout is not None:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _load(args: argparse.Namespace):
    from .persistence import load
    return load(args.model, trusted=args.trust_model)


def _score(args: argparse.Namespace) -> int:
    from .io import count_rows, refuse_input_as_output
    from .scoring import ready_process, score_file
    from .analysis.summaries import summarize_file
    if args.summary and args.output == "-":
        raise InputError("--summary needs an output file, not stdout")
    if args.summary:
        refuse_input_as_output(args.summary, args.input, args.output)
    model = _load(args)
    jobs = args.jobs or os.cpu_count() or 1
    if jobs == 1:
        ready_process(model)  # this process scores every row itself
    bar = None
    if not args.quiet and sys.stderr.isatty():
        from tqdm import tqdm
        bar = tqdm(unit=" rows", unit_scale=True, file=sys.stderr, desc="scoring",
                   total=None if args.input == "-" else count_rows(args.input))
    try:
        summary = score_file(args.input, args.output, model=model, text_column=args.text_column,
                             id_column=args.id_column, fmt=args.format,
                             output_format=args.output_format, chunksize=args.chunksize,
                             jobs=jobs, evidence=args.evidence,
                             encoding=args.encoding, sheet=args.sheet, resume=args.resume,
                             progress=bar.update if bar else None,
                             escape_formulas=args.escape_formulas,
                             language=None if args.language == "any" else args.language)
    finally:
        if bar is not None:
            bar.close()
    msg = (f"scored {summary.scored} of {summary.rows} rows from column "
           f"{summary.text_column!r} ({summary.text_column_reason})")
    if args.output != "-":
        msg += f" into {summary.output}"
    if summary.resumed_rows:
        msg += f"; resumed after {summary.resumed_rows} rows done by the interrupted run"
    if summary.errors:
        msg += "; not scored: " + ", ".join(f"{v} {k}" for k, v in summary.errors.items())
        if summary.error_ids:
            msg += f" (ids {', '.join(summary.error_ids[:5])}{', …' if summary.n_errors > 5 else ''})"
    if summary.truncated:
        msg += f"; {summary.truncated} texts truncated to 100,000 characters"
    if summary.other_language:
        msg += (f"; {summary.other_language} texts look written in another language than "
                f"{args.language!r} (scored; flagged in heartscore_error)")
    if summary.replaced_bytes:
        msg += (f"; {summary.replaced_bytes} texts had undecodable bytes replaced (see "
                "heartscore_error; try --encoding)")
    problems = (summary.errors or summary.truncated or summary.replaced_bytes
                or summary.other_language)
    if not args.quiet or problems:
        print(msg, file=sys.stderr)
    if args.summary:
        table = summarize_file(args.output, args.summary, group_by=args.group_by,
                               signals=model.schema.signals,
                               escape_formulas=args.escape_formulas)
        if not args.quiet or problems:
            print(f"wrote {len(table)} group(s) to {args.summary}", file=sys.stderr)
    return 0


def _summarize(args: argparse.Namespace) -> int:
    from .analysis.summaries import summarize_file
    from .io import refuse_input_as_output
    refuse_input_as_output(args.output, args.input)
    table = summarize_file(args.input, args.output, group_by=args.group_by,
                           escape_formulas=args.escape_formulas)
    small = int(table["small"].sum()) if len(table) else 0
    print(f"wrote {len(table)} group(s) to {args.output}"
          + (f"; {small} flagged small (< 30 scored rows)" if small else ""), file=sys.stderr)
    return 0


def _drivers(args: argparse.Namespace) -> int:
    """Bad input exits 2 here (a usage error: another column or file is needed)."""
    from .analysis.drivers import drivers
    from .io import read_table, write_table
    try:
        if Path(args.output).resolve() == Path(args.input).resolve():
            raise InputError(f"the output {args.output} is the input file; pass another -o")
        table = drivers(read_table(args.input), args.outcome, group_by=args.group_by,
                        outcome_type=args.outcome_type, min_count=args.min_count,
                        text_column=args.text_column)
    except InputError as exc:
        print(f"heartscore: error: {exc}", file=sys.stderr)
        return 2
    write_table(table, args.output)
    counts = dict(zip(table.loc[table["table"] == "rows", "term"],
                      table.loc[table["table"] == "rows", "n"]))
    left = ", ".join(f"{v} {k}" for k, v in counts.items() if k not in ("rows", "used") and v)
    kind = table["outcome_type"].iloc[0]
    small = int(table["small"].sum())
    print(f"wrote {len(table)} rows to {args.output}: {kind} outcome {args.outcome!r}, "
          f"{counts['used']} of {counts['rows']} rows used"
          + (f" (left out: {left})" if left else "")
          + (f"; {small} cells flagged small (< {args.min_count} rows)" if small else "")
          + "; associations, not causes", file=sys.stderr)
    return 0


def _config(args: argparse.Namespace):
    from dataclasses import replace

    from .training import TrainConfig
    signals = tuple(x.strip() for x in args.signals.split(",") if x.strip()) \
        if getattr(args, "signals", None) else CORE_SIGNALS
    config = TrainConfig(seed=getattr(args, "seed", 0), text_column=args.text_column,
                         signals=signals, with_base=getattr(args, "with_base", False),
                         company_weight=getattr(args, "weight", 1.0),
                         cues=tuple(getattr(args, "cues", None) or ()))
    if getattr(args, "C", None) is not None:
        config = replace(config, C=args.C)
    return config


def _train(args: argparse.Namespace) -> int:
    from .corpus import file_sha256
    from .io import read_table
    from .io import refuse_input_as_output
    from .persistence import PICKLE_SUFFIXES, save
    from .training import train
    refuse_input_as_output(args.output, args.input)
    config = _config(args)
    df = read_table(args.input)
    model = train(df, config, name=Path(args.output).stem,
                  corpus_info={"file": Path(args.input).name, "sha256": file_sha256(args.input),
                               "rows": len(df)})
    flags = [f"--text-column {args.text_column}", f"--signals {','.join(config.signals)}",
             f"--weight {args.weight}", f"--seed {args.seed}"]
    if args.with_base:
        flags.append("--with-base")
    if args.C is not None:
        flags.append(f"--C {args.C}")
    flags += [f"--cues {c}" for c in args.cues]
    model.card.command = f"heartscore train {args.input} -o {args.output} {' '.join(flags)}"
    for w in model.card.warnings or []:
        print(f"heartscore: warning: {w}", file=sys.stderr)
    save(model, args.output)
    if Path(args.output).suffix in PICKLE_SUFFIXES:
        print(f"heartscore: warning: {args.output} is a pickle: loading it will need "
              "--trust-model; a .hsm name writes the safe format", file=sys.stderr)
    if args.quiet:
        return 0
    m = model.card.metrics or {}
    pm, sm = m.get("polarity_macro_f1", {}), m.get("signal_macro_f1", {})
    print(f"wrote {args.output}; held-out {m.get('split', 'test')} polarity macro-F1 "
          f"{pm.get('value', 'n/a')} [{pm.get('ci_low', '')}, {pm.get('ci_high', '')}], signal "
          f"macro-F1 {sm.get('value', 'n/a')} [{sm.get('ci_low', '')}, {sm.get('ci_high', '')}]",
          file=sys.stderr)
    return 0


def _suggest(args: argparse.Namespace) -> int:
    from .io import detect_text_column, read_table, refuse_input_as_output, write_table
    from .suggest import suggest
    refuse_input_as_output(args.output, args.input)
    model = _load(args)
    df = read_table(args.input)
    col = args.text_column or detect_text_column(list(map(str, df.columns)), df.head(200))[0]
    if col not in df.columns:
        raise InputError(f"no column {col!r}; columns are {', '.join(map(str, df.columns))}")
    chosen = suggest(model, df, text_column=col, n=args.n)
    write_table(chosen, args.output, escape_formulas=args.escape_formulas)
    print(f"wrote the {len(chosen)} rows to label next to {args.output}", file=sys.stderr)
    return 0


def _fig(m: dict) -> str:
    if "value" not in m:
        return "   –   "
    return f"{m['value']:.3f} ({m['ci_low']:.3f}-{m['ci_high']:.3f})"


def _evaluate_by(args: argparse.Namespace, df) -> int:
    from dataclasses import replace

    from .analysis.validation import leave_group_out
    config = replace(_config(args), with_base=args.with_base, text_column="text")
    out = leave_group_out(df, args.by, config, text_column=args.text_column)
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"leave one {args.by} out: train on the other groups, score the one left out "
          "(macro-F1, 95% CI; labels with < 10 gold rows left out of a group's macro)")
    print(f"{args.by[:24]:24s} {'rows':>6s}  {'polarity':22s} {'signals':22s} labels")
    for g, r in list(out["groups"].items()) + [("(pooled)", out["pooled"])]:
        print(f"{str(g)[:24]:24s} {r['n']:6d}  {_fig(r['polarity']):22s} "
              f"{_fig(r['signals']):22s} {len(r['signals']['covered'])}/8")
    if out["skipped"]:
        print(f"skipped (fewer than 20 rows): {', '.join(map(str, out['skipped']))}")
    return 0


def _evaluate_curve(args: argparse.Namespace, df) -> int:
    from .analysis.validation import learning_curve
    sizes = [s.strip() for s in args.learning_curve.split(",") if s.strip()]
    bad = [s for s in sizes if s != "all" and not s.isdigit()]
    if bad:
        raise InputError(f"--learning-curve takes row counts or 'all', e.g. 0,100,500,all; "
                         f"found {', '.join(bad)}")
    out = learning_curve(df, [s if s == "all" else int(s) for s in sizes], _config(args),
                         text_column=args.text_column)
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"learning curve: base corpus + N of your rows in training, scored on "
          f"{out['holdout_rows']} held-out rows of your file (macro-F1, 95% CI)")
    print(f"{'N rows':>7s}  {'polarity':22s} signals")
    for p in out["points"]:
        print(f"{p['rows']:7d}  {_fig(p['polarity']):22s} {_fig(p['signals'])}")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from .corpus import check_labeled, labels_matrix
    from .io import read_table
    df = read_table(args.input)
    if args.by:
        return _evaluate_by(args, df)
    if args.learning_curve:
        return _evaluate_curve(args, df)
    if args.cv:
        from .training import cross_validate
        args.signals, args.with_base = None, False
        out = cross_validate(df, _config(args), folds=args.cv)
        if args.json:
            print(json.dumps(out, indent=2))
            return 0
        print(f"{args.cv}-fold cross-validation of training on {args.input} "
              f"(folds stratified on {out['stratified_on']}; arg-max decisions)")
        for key in ("polarity_macro_f1", "signal_macro_f1"):
            print(f"{key.replace('_', ' ')}: {out[key]['mean']:.3f} ± {out[key]['sd']:.3f}")
        return 0
    model = _load(args)
    if args.text_column not in df.columns:
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
        print(f"{label:10s} brier {rep['brier']:.4f}; confusion (rows true, cols predicted "
              f"{', '.join(rep['classes'])}): {rep['confusion']}")
    print("reliability tables (confidence bin, count, mean confidence, accuracy): --json")
    return 0


def _info(args: argparse.Namespace) -> int:
    from .persistence import read_card
    card = read_card(args.model, trusted=args.trust_model).to_dict()
    card.pop("metrics", None)
    print(json.dumps(card, indent=2))
    return 0


def _convert(args: argparse.Namespace) -> int:
    from .persistence import convert, read_card
    path = convert(args.input, args.output, trusted=args.trust_model)
    card = read_card(path, trusted=True)  # the file just written: its hashes are checked
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB), model {card.model_id}",
          file=sys.stderr)
    return 0


def _report(args: argparse.Namespace) -> int:
    from .analysis.report import write_report
    from .io import refuse_input_as_output
    refuse_input_as_output(args.output, args.input)
    options = {"group_by": args.group_by, "date_column": args.date_column,
               "text_column": args.text_column, "outcome": args.outcome,
               "outcome_type": args.outcome_type}
    if args.title:
        options["title"] = args.title
    path = write_report(args.input, args.output, **options)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, opens offline)", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
