"""The ``heartscore`` command's handlers: one function per subcommand, each calling library
functions and printing what they return (stderr for messages). :mod:`heartscore.cli` parses
the arguments, dispatches here through :data:`COMMANDS` and turns exceptions into exit codes.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .errors import InputError
from .labels import CORE_SIGNALS

__all__ = ["COMMANDS"]


def _load(args: argparse.Namespace):
    from .persistence import load
    return load(args.model, trusted=args.trust_model)


#: Inputs at least this big start loading the language identifier with the CLI (a small
#: file may never need it, and would only pay for it).
PRELOAD_BYTES = 256 * 1024


def _bigger_than(path: str, size: int) -> bool:
    try:
        return path != "-" and os.path.getsize(path) >= size
    except OSError:
        return False


def _score(args: argparse.Namespace) -> int:
    if args.summary:  # written after the run: refused before it (score_file checks -o)
        from .io import check_output_path
        check_output_path(args.summary)
    jobs = args.jobs or os.cpu_count() or 1
    if jobs > 1 and args.language != "any" and _bigger_than(args.input, PRELOAD_BYTES):
        from .language import preload
        preload()  # beside the imports and load below; forked workers inherit it
    from .io import count_rows, refuse_input_as_output
    from .scoring import ready_process, score_file
    if args.summary and args.output == "-":
        raise InputError("--summary needs an output file, not stdout")
    if args.summary:
        refuse_input_as_output(args.summary, args.input, args.output)
    model = _load(args)
    # this process scores every row itself (jobs 1, or an input of one chunk) or forks
    # workers that start with its warmed-up model
    ready_process(model)
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
                             language=None if args.language == "any" else args.language,
                             group_by=args.group_by if args.summary else None)
    finally:
        if bar is not None:
            bar.close()
    msg = (f"scored {summary.scored} of {summary.rows} rows from column "
           f"{summary.text_column!r} ({summary.text_column_reason})")
    if args.output != "-":
        msg += f" into {summary.output}"
    if summary.rescored:
        print(f"heartscore: warning: {summary.rescored}", file=sys.stderr)
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
        from .analysis.summaries import summarize_file
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
    from .io import check_output_path, refuse_input_as_output
    from .persistence import PICKLE_SUFFIXES, save
    from .training import train
    refuse_input_as_output(args.output, args.input)
    check_output_path(args.output)  # before training, not after it (save checks it again)
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
    from .corpus import check_labeled, labels_matrix, with_text_column
    from .io import read_table
    df = read_table(args.input)
    if args.by:
        return _evaluate_by(args, df)
    if args.learning_curve:
        return _evaluate_curve(args, df)
    if args.cv is not None:  # --cv 0 is refused by cross_validate, not ignored
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
    df = with_text_column(df, args.text_column)
    check_labeled(df, model.schema, for_training=False)
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


#: Subcommand name → its handler (returns the exit code).
COMMANDS = {"score": _score, "train": _train, "evaluate": _evaluate, "info": _info,
            "report": _report, "summarize": _summarize, "drivers": _drivers,
            "suggest": _suggest, "convert": _convert}
