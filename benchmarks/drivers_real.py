"""Which emotional needs move a real outcome, and do rationally satisfied customers behave
like dissatisfied ones? ``heartscore.drivers`` on every real source that has an outcome.

    python benchmarks/drivers_real.py [--data ../shared/realdata] [--max-rows 8000] [--write]

Reads the JSON Lines sources in the team's shared folder (``../shared/realdata/`` beside
the repository; see its ``SOURCES-*.md``), keeps the rows with an outcome, draws at most
``--max-rows`` of them per source with a fixed seed, scores them with the shipped model
(``heartscore.load()``) and runs :func:`heartscore.drivers`. ``--write`` writes
``docs/drivers.md``: per source, the needs' differences and model terms with their
intervals, how much the needs explain beyond polarity, and the outcome per emotional state,
reported as they come out. Everything is seeded, so a clean checkout gives the same file;
when the model changes, re-run it.

Sources and outcomes (from the SOURCES files):

- ``womens-ecommerce-clothing``: ``rating`` (1-5 stars) and ``recommended`` (0/1);
- ``amazon-fine-food``: ``rating`` (1-5 stars);
- ``booking-515k``: ``reviewer_score`` (2.5-10). Each review's liked and disliked boxes are
  separate records that share one score;
- ``nhs-fft-pxtextmining``: ``fft_score`` runs 1 = very good to 5 = very poor; inverted to
  5 = very good, and codes 6-7 (undocumented) left out;
- ``cfpb-complaints``: ``company_response``: whether the company closed the complaint with
  relief (monetary or not) rather than with an explanation (the rows that carry it).

``insideairbnb-albany`` has no outcome and is left out.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

import heartscore
from heartscore.analysis.drivers import FIT_TERMS, REFERENCE_STATE

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "realdata"
DOC = ROOT / "docs" / "drivers.md"
SEED = 22
NEEDS = ("trust", "safety", "seen", "mattering")


def _fft(meta: dict) -> float | None:
    code = str(meta.get("fft_score", "")).strip()
    return 6.0 - int(code) if code in {"1", "2", "3", "4", "5"} else None


def _relief(meta: dict) -> str | None:
    r = str(meta.get("company_response", ""))
    if r.startswith("Closed with") and "relief" in r:
        return "yes"
    return "no" if r in ("Closed with explanation", "Closed") else None


@dataclass(frozen=True)
class Study:
    """One source and one outcome read from each record's ``meta``."""

    source: str
    outcome: str
    describe: str
    read: Callable[[dict], object]
    outcome_type: str


STUDIES = [
    Study("womens-ecommerce-clothing", "rating", "star rating, 1-5", lambda m: m.get("rating"),
          "numeric"),
    Study("womens-ecommerce-clothing", "recommended", "recommends the item (0/1)",
          lambda m: m.get("recommended"), "binary"),
    Study("amazon-fine-food", "rating", "star rating, 1-5", lambda m: m.get("rating"),
          "numeric"),
    Study("booking-515k", "reviewer_score", "reviewer score, 2.5-10 (a review's liked and "
          "disliked boxes are separate rows sharing one score)",
          lambda m: m.get("reviewer_score"), "numeric"),
    Study("nhs-fft-pxtextmining", "fft", "Friends and Family Test, inverted: 5 = very good, "
          "1 = very poor (codes 6-7 left out)", _fft, "numeric"),
    Study("cfpb-complaints", "relief", "complaint closed with relief (yes/no)", _relief,
          "binary"),
]


def _training_ids() -> set[str]:
    """Pool records the shipped model may have learned from: every record with a unit in
    corpora/real/real.csv and every rating-labelled row of corpora/real/distant.csv (whose
    polarity label *is* the outcome here). They are left out, so polarity is not judged on
    rows whose rating it was trained on."""
    real = pd.read_csv(ROOT / "corpora" / "real" / "real.csv", dtype=str, keep_default_na=False)
    distant = pd.read_csv(ROOT / "corpora" / "real" / "distant.csv", dtype=str,
                          keep_default_na=False)
    ids = set(real["source_id"]) | set(real["id"]) | set(distant["id"])
    # a Booking stay's two parts are separate pool records sharing the stay's key
    return ids | {f"{i}-{part}" for i in real["source_id"] for part in ("pos", "neg")}


def load(study: Study, data: Path, max_rows: int) -> tuple[pd.DataFrame, int, int]:
    """The source's records with an outcome (a seeded sample of at most ``max_rows``), the
    number of records and the number with an outcome."""
    records = [json.loads(line) for line in (data / f"{study.source}.jsonl").open()]
    trained = _training_ids()
    rows = [{"id": r["id"], "text": r["text"], study.outcome: study.read(r.get("meta", {}))}
            for r in records if r["id"] not in trained]
    df = pd.DataFrame(rows)
    with_outcome = df[df[study.outcome].notna()].reset_index(drop=True)
    if len(with_outcome) > max_rows:
        keep = np.sort(np.random.default_rng(SEED).choice(len(with_outcome), max_rows,
                                                          replace=False))
        with_outcome = with_outcome.iloc[keep].reset_index(drop=True)
    return with_outcome, len(df), int(df[study.outcome].notna().sum())


# ------------------------------------------------------------------ formatting
def _f(v: float, digits: int = 2) -> str:
    return "–" if pd.isna(v) else f"{v:+.{digits}f}"


def _m(v: float, digits: int = 2) -> str:
    return "–" if pd.isna(v) else f"{v:.{digits}f}"


def _ci(lo: float, hi: float, digits: int = 2, sign: str = "+") -> str:
    return "–" if pd.isna(lo) else f"[{lo:{sign}.{digits}f}, {hi:{sign}.{digits}f}]"


def _excludes_zero(r: pd.Series) -> bool:
    return not pd.isna(r["ci_low"]) and (r["ci_low"] > 0 or r["ci_high"] < 0)


def summary_line(study: Study, t: pd.DataFrame) -> dict[str, str]:
    """The figures of the overview table for one source."""
    model = t[t["table"] == "model"].set_index("term")
    terms = model.loc[[f"{s}={v}" for s in NEEDS for v in ("met", "violated")
                       if f"{s}={v}" in model.index and not pd.isna(model.loc[f"{s}={v}", "coef"])]]
    clear = terms[terms.apply(_excludes_zero, axis=1) & ~terms["small"]]
    strongest = (clear["coef"].abs().sort_values(ascending=False).index[:2] if len(clear) else [])
    gain = model.loc[FIT_TERMS[2]]
    states = t[t["table"] == "state"].set_index("state")
    d, e = states.loc["dissatisfied"], states.loc["emotionally satisfied"]
    return {"strongest": ", ".join(f"{k} {_f(terms.loc[k, 'coef'])}" for k in strongest) or
            "none clear",
            "gain": f"{_m(gain['coef'], 3)} {_ci(gain['ci_low'], gain['ci_high'], 3)}",
            "emotional": _diff(e), "dissatisfied": _diff(d),
            "claim": _claim(d, states.loc[REFERENCE_STATE]),
            "emotional_sign": _sign(e), "claim_holds": _sign(d) == 0 and not d["small"]}


def _sign(r: pd.Series) -> int | None:
    """+1 / -1 when the interval of the difference is clear of 0 (and not small), 0 when it
    covers 0, None when small or missing."""
    if r["small"] or pd.isna(r["ci_low"]):
        return None
    return 1 if r["ci_low"] > 0 else (-1 if r["ci_high"] < 0 else 0)


def _diff(r: pd.Series) -> str:
    small = " *small*" if r["small"] else ""
    return f"{_f(r['diff'])} {_ci(r['ci_low'], r['ci_high'])}{small}"


def _claim(d: pd.Series, r: pd.Series) -> str:
    if d["small"] or pd.isna(d["ci_low"]):
        return "too few rows to say"
    if d["ci_low"] <= 0 <= d["ci_high"]:
        return "holds (no clear difference)"
    return "does not hold: dissatisfied " + ("lower" if d["ci_high"] < 0 else "higher")


def source_section(study: Study, t: pd.DataFrame, n_records: int, n_outcome: int,
                   binary: bool) -> list[str]:
    rows = dict(zip(t.loc[t["table"] == "rows", "term"], t.loc[t["table"] == "rows", "n"]))
    unit = "rate" if binary else "mean"
    left = ", ".join(f"{v} {k}" for k, v in rows.items() if k not in ("rows", "used") and v)
    out = [f"## {study.source}: {study.outcome}", "",
           f"Outcome: {study.describe}. {n_outcome:,} of {n_records:,} records have it; "
           f"{rows['rows']:,} drawn (seed {SEED}), {rows['used']:,} used"
           + (f" (left out: {left})" if left else "") + ".", ""]
    model = t[t["table"] == "model"].set_index("term")
    coef = "log-odds" if binary else "coef"
    out += [f"Needs: difference in {unit} of the outcome against rows where the need is not "
            f"expressed (Welch t / Newcombe 95% interval), and the model term with polarity "
            f"and all needs together ({'logistic' if binary else 'OLS'}; 95% interval from "
            f"the model's standard errors). *small*: fewer than 30 rows.", "",
            f"| need | value | n | {unit} | difference | 95% CI | model {coef} | 95% CI |",
            "|---|---|--:|--:|--:|---|--:|---|"]
    for _, r in t[t["table"] == "signal"].iterrows():
        if r["value"] == "not expressed":
            out.append(f"| {r['signal']} | not expressed | {r['n']:,} | "
                       f"{_m(r['outcome_mean'])} | | | | |")
            continue
        term = model.loc[f"{r['signal']}={r['value']}"] if \
            f"{r['signal']}={r['value']}" in model.index else None
        small = " *small*" if r["small"] else ""
        mc = "–" if term is None else _f(term["coef"])
        mci = "–" if term is None else _ci(term["ci_low"], term["ci_high"])
        out.append(f"| {r['signal']} | {r['value']}{small} | {r['n']:,} | "
                   f"{_m(r['outcome_mean'])} | {_f(r['diff'])} | {_ci(r['ci_low'], r['ci_high'])}"
                   f" | {mc} | {mci} |")
    fit = [model.loc[k] for k in FIT_TERMS]
    measure = fit[0]["note"]
    out += ["", f"Beyond polarity: {measure} {_m(fit[0]['coef'], 3)} with polarity alone, "
                f"{_m(fit[1]['coef'], 3)} with the needs too; gain {_m(fit[2]['coef'], 3)} "
                f"{_ci(fit[2]['ci_low'], fit[2]['ci_high'], 3)} (bootstrap), p = "
                f"{fit[2]['p']:.2g}.", "",
            f"States: {unit} of the outcome per emotional state, and the difference from "
            f"*{REFERENCE_STATE}*. *small*: the state, or {REFERENCE_STATE}, has fewer than "
            f"30 rows.", "",
            f"| state | n | {unit} | 95% CI | difference | 95% CI |", "|---|--:|--:|---|--:|---|"]
    for _, r in t[t["table"] == "state"].iterrows():
        small = " *small*" if r["small"] else ""
        out.append(f"| {r['state']}{small} | {r['n']:,} | {_m(r['outcome_mean'])} | "
                   f"{_ci(r['outcome_ci_low'], r['outcome_ci_high'], sign='')} | {_f(r['diff'])} | "
                   f"{_ci(r['ci_low'], r['ci_high'])} |")
    return out + [""]


def _findings(lines: list[dict]) -> str:
    """What the overview shows, counted from it (so a re-run stays true to its figures)."""
    n = len(lines)
    holds = sum(1 for s in lines if s["claim_holds"])
    undecided = sum(1 for s in lines if s["claim"].startswith("too few"))
    # a gain without an interval (its bootstrap fits failed, e.g. separation) is not counted
    with_ci = [s for s in lines if "[" in s["gain"]]
    gains = sum(1 for s in with_ci if float(s["gain"].split("[")[1].split(",")[0]) > 0)
    signs = [s["emotional_sign"] for s in lines]
    largest = max((float(s["gain"].split(" ")[0]) for s in lines
                   if not s["gain"].startswith("–")), default=float("nan"))
    return (f"In these {n} source-outcome pairs the claim holds in {holds}, does not hold in "
            f"{n - holds - undecided} and has too few rows to judge in {undecided}. The needs "
            f"add to what polarity explains (gain interval above 0) in {gains} of {n} "
            f"({n - len(with_ci)} without an interval); the "
            f"largest gain is {largest:.3f}. Emotionally satisfied rows do better than rationally "
            f"satisfied ones (interval clear of 0) in {signs.count(1)}, worse in "
            f"{signs.count(-1)}, and neither clearly in {n - signs.count(1) - signs.count(-1)}.")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, default=DATA, help="folder of the *.jsonl sources")
    p.add_argument("--max-rows", type=int, default=8000, help="rows drawn per source")
    p.add_argument("--write", action="store_true", help=f"write {DOC.relative_to(ROOT)}")
    args = p.parse_args(argv)
    if not args.data.is_dir():
        print(f"no real data at {args.data}; pass --data", file=sys.stderr)
        return 2
    model = heartscore.load()
    overview, sections, lines = [], [], []
    for study in STUDIES:
        if not (args.data / f"{study.source}.jsonl").exists():
            print(f"skipping {study.source}: not in {args.data}", file=sys.stderr)
            continue
        df, n_records, n_outcome = load(study, args.data, args.max_rows)
        scored = heartscore.score_frame(df, "text", model=model)
        t = heartscore.drivers(scored, study.outcome, outcome_type=study.outcome_type,
                               text_column="text")
        binary = study.outcome_type == "binary"
        s = summary_line(study, t)
        overview.append(f"| {study.source} | {study.outcome} | "
                        f"{int(t.loc[t['term'] == 'used', 'n'].iloc[0]):,} | {s['strongest']} | "
                        f"{s['gain']} | {s['emotional']} | {s['dissatisfied']} | "
                        f"{s['claim']} |")
        sections += source_section(study, t, n_records, n_outcome, binary)
        lines.append(s)
        print(f"{study.source} {study.outcome}: {s}", file=sys.stderr)
    text = "\n".join([
        "# Drivers on real data",
        "",
        "Written by `python benchmarks/drivers_real.py --write` from the sources in the "
        "team's shared `realdata` folder, scored with the shipped model "
        f"`{model.id}`, leaving out every record the model may have learned from (units of "
        "`corpora/real/real.csv` and the rating-labelled rows of `corpora/real/distant.csv`). "
        "distant.csv holds rows with clear ratings, so the rows left are thinner at the "
        "extremes (most for booking-515k and amazon-fine-food): differences between states "
        "are smaller here than in the whole population. "
        "Rows are drawn with a fixed seed, so a re-run on the same data and "
        "model writes this file again unchanged; the figures change when the model does "
        "(re-run it then).",
        "",
        "**These are associations, not causes.** A need that goes with a lower rating may "
        "stand for something else the customers wrote about, and the labels are the model's "
        "reading of the text, with its errors (see the README's real-data evaluation).",
        "",
        "The claim under test: *customers who are only rationally satisfied (good polarity, "
        "no need met or violated) leave as readily as dissatisfied ones*. It holds in a "
        "source when the dissatisfied rows' outcome is not clearly different from the "
        "rationally satisfied rows' (the 95% interval of the difference covers 0). None of "
        "these outcomes is leaving itself: ratings, recommend flags and survey scores stand "
        "in for it, and a complaint closed with relief is the company's act, not the "
        "customer's.",
        "",
        "Overview: the two need terms with the largest model coefficients whose interval is "
        "clear of 0 (not *small*); the gain in R² (pseudo-R²) from adding the needs to "
        "polarity; and the outcome of emotionally satisfied and of dissatisfied rows minus "
        "that of rationally satisfied rows, with 95% intervals (the per-source sections "
        "have every figure).",
        "",
        _findings(lines),
        "",
        "| source | outcome | rows | strongest needs | gain beyond polarity | "
        "emotionally − rationally satisfied | dissatisfied − rationally satisfied | "
        "the claim |",
        "|---|---|--:|---|---|---|---|---|",
        *overview, "", *sections]).rstrip() + "\n"
    if args.write:
        DOC.write_text(text, encoding="utf-8")
        print(f"wrote {DOC}", file=sys.stderr)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
