"""Drivers of an outcome: which emotional needs move it, and the outcome per emotional state.

:func:`drivers` takes a scored table (as ``heartscore score`` writes it) and an outcome
column of the user's (a star rating, a score, recommend yes/no, churned 0/1) and returns
one long table whose ``table`` column says which part a row belongs to:

``signal``
    per signal and value (``met``, ``violated``, and the reference ``not expressed``): ``n``,
    the mean outcome (the rate, for a binary outcome) with its interval, and ``diff``, the
    difference from the rows where the signal is not expressed, with its interval
    (``ci_low``/``ci_high``).
``model``
    one model with polarity (against ``neutral``) and the four signals' ``met`` and
    ``violated`` as separate 0/1 terms: ordinary least squares for a numeric outcome,
    logistic regression for a binary one (``coef`` is then a log-odds ratio). Coefficient
    intervals and p-values are the model's own (standard errors of statsmodels). Three
    ``fit:`` rows say how much the needs explain beyond polarity alone: R² (McFadden's
    pseudo-R² for a binary outcome) of polarity alone, of polarity and needs, and the gain,
    whose interval is a percentile bootstrap over rows (seeded) and whose p-value is the
    F test (likelihood-ratio test) of the need terms.
``state``
    per emotional state (the ``experience`` of :func:`heartscore.results.experience`): the
    mean outcome with its interval, and ``diff`` against the ``rationally satisfied`` rows,
    so the claim "rationally satisfied customers are as likely to leave as dissatisfied
    ones" can be read off the user's own data, whatever it shows.
``rows``
    how many rows there were, how many were not scored, how many had a missing or unusable
    outcome, and how many were used. No row is dropped without being counted here.

Cells (and model terms) with fewer than ``min_count`` rows are flagged ``small``, never
hidden; a difference is flagged when either of its two cells is. Means, rates, differences and their intervals come from :mod:`.summaries`.

These are associations in the rows given, not causes: a need that goes with a lower rating
may stand for something else the customers wrote about.
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..evaluation import bootstrap_ci
from ..labels import DEFAULT_SCHEMA, EXPERIENCE_STATES, POLARITY
from ..results import experience
from . import summaries
from .scored_table import ALL_ROWS, SIDES, prepare

__all__ = ["drivers", "COLUMNS", "OUTCOME_TYPES", "MIN_COUNT", "NOT_EXPRESSED", "FIT_TERMS",
           "REFERENCE_STATE"]

#: Cells with fewer rows than this are flagged ``small``.
MIN_COUNT = summaries.SMALL_GROUP
#: The outcome kinds: a number (mean, OLS) or yes/no (rate, logistic regression).
OUTCOME_TYPES = ("numeric", "binary")
#: Name of the reference value of a signal (0).
NOT_EXPRESSED = "not expressed"
#: The state the others are compared with.
REFERENCE_STATE = EXPERIENCE_STATES[1]
#: Terms of the three fit rows of the model table.
FIT_TERMS = ("fit: polarity only", "fit: polarity + needs", "fit: needs beyond polarity")
#: Resamples of the bootstrap interval of the fit gain.
N_BOOT = 200
#: Columns of the drivers table, in order.
COLUMNS = ["table", "group", "signal", "value", "state", "term", "n", "outcome_mean",
           "outcome_ci_low", "outcome_ci_high", "reference", "diff", "coef", "ci_low",
           "ci_high", "p", "small", "note", "outcome", "outcome_type"]

_TRUE = {"1", "1.0", "true", "yes", "y", "t"}
_FALSE = {"0", "0.0", "false", "no", "n", "f"}


def drivers(frame: pd.DataFrame, outcome: str, *, group_by: str | None = None,
            outcome_type: str | None = None, min_count: int = MIN_COUNT,
            signals: Sequence[str] | None = None, text_column: str | None = None,
            n_boot: int = N_BOOT, seed: int = 0,
            digits: int | None = summaries.DIGITS) -> pd.DataFrame:
    """The drivers table of ``outcome`` in a scored table (see the module docstring).

    Parameters
    ----------
    frame:
        Rows written by ``heartscore score`` (read with ``heartscore.io.read_table``), with
        the user's outcome column among the original ones.
    outcome:
        The outcome column.
    group_by:
        A column whose groups each get the three tables too (after the whole file's).
    outcome_type:
        ``numeric`` or ``binary``; detected when ``None``: binary when every value is one of
        0/1, true/false, yes/no, y/n (both present), numeric otherwise.
    min_count:
        Cells with fewer rows are flagged ``small``.
    signals:
        Signal columns (default: the core signals in the file).
    text_column:
        The text column (default: detected as the report does); only checked here.
    n_boot, seed:
        Resamples and seed of the bootstrap interval of the fit gain.
    digits:
        Means, differences, coefficients and interval ends are rounded to this many digits
        (p-values are not); ``None`` keeps full precision.

    Raises :class:`InputError` for a table that was never scored, a missing outcome or group
    column, an outcome that is not numeric or yes/no, or one with a single value.
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"expected a pandas DataFrame of scored rows; found "
                         f"{type(frame).__name__}")
    if outcome_type is not None and outcome_type not in OUTCOME_TYPES:
        raise InputError(f"outcome_type should be one of {', '.join(OUTCOME_TYPES)}; found "
                         f"{outcome_type!r}")
    if min_count < 1:
        raise InputError(f"min_count should be at least 1; found {min_count}")
    table = prepare(frame, group_by=group_by, text_column=text_column, signals=signals)
    columns = [str(c) for c in frame.columns]
    if outcome not in columns:
        ours = DEFAULT_SCHEMA.column_types()
        inputs = [c for c in columns if c not in ours and not c.startswith("p_")]
        raise InputError(f"no outcome column {outcome!r} in the scored file; its columns are "
                         f"{', '.join(inputs) or '(none)'} (plus heartscore's); pass --outcome "
                         "with one of them")
    if not table.signals:
        raise InputError("the scored file has no signal columns (trust, safety, seen, "
                         "mattering); score it with heartscore score first")
    rows = table.rows
    raw = frame[outcome].reset_index(drop=True)
    values, kind, counts = _parse_outcome(raw, rows["_scored"].to_numpy(), outcome, outcome_type)
    rows = rows.assign(_y=values, _experience=experience(
        rows[summaries.POLARITY_COLUMN].to_numpy(), {s: rows[s] for s in table.signals}))
    used = rows[rows["_scored"] & ~np.isnan(values)]
    _check_varies(used["_y"], outcome, kind)
    binary = kind == "binary"
    out = [_rows_table(len(rows), int((~rows["_scored"]).sum()), counts, len(used), kind)]
    parts = [(ALL_ROWS, used)]
    if group_by is not None:
        sizes = used["_group"].value_counts()
        parts += [(g, used[used["_group"] == g])
                  for g in sorted(sizes.index, key=lambda g: (-sizes[g], str(g)))]
    for name, part in parts:
        opts = {"binary": binary, "min_count": min_count}
        for t in (_signal_table(part, table.signals, **opts), _state_table(part, **opts),
                  _model_table(part, table.signals, n_boot=n_boot, seed=seed, **opts)):
            out.append(t.assign(group=name))
    result = pd.concat([t for t in out if len(t)], ignore_index=True)
    result = result.assign(outcome=outcome, outcome_type=kind)
    for c in COLUMNS:
        if c not in result:
            result[c] = None
    result["small"] = result["small"].fillna(False).astype(bool)
    result["n"] = result["n"].astype("Int64")
    if digits is not None:
        rounded = ["outcome_mean", "outcome_ci_low", "outcome_ci_high", "diff", "coef",
                   "ci_low", "ci_high"]
        result[rounded] = result[rounded].astype(float).round(digits)
    return result[COLUMNS]


# --------------------------------------------------------------------------- the outcome

def _parse_outcome(raw: pd.Series, scored: np.ndarray, name: str,
                   kind: str | None) -> tuple[np.ndarray, str, dict[str, int]]:
    """Outcome values as floats (NaN where missing or unusable), the outcome kind, and the
    counts of scored rows left out: ``{"outcome missing": m, "outcome not <kind>": k}``."""
    missing = summaries.is_blank(raw).to_numpy()
    text = raw.astype(str).str.strip().str.lower().to_numpy(dtype=object)
    as_binary = np.where(np.isin(text, list(_TRUE)), 1.0,
                         np.where(np.isin(text, list(_FALSE)), 0.0, np.nan))
    as_number = pd.to_numeric(raw, errors="coerce").astype(float).to_numpy(copy=True)
    as_number[~np.isfinite(as_number)] = np.nan  # "inf" is no outcome a mean can use
    present = scored & ~missing
    if kind is None:
        yes_no = present.any() and not np.isnan(as_binary[present]).any() \
            and len(set(as_binary[present])) == 2
        kind = "binary" if yes_no else "numeric"
    values = as_binary if kind == "binary" else as_number
    values = np.where(missing, np.nan, values)
    bad = present & np.isnan(values)
    if present.any() and bad[present].all():
        found = ", ".join(repr(_short(v)) for v in pd.unique(raw[present])[:3])
        want = "0/1, true/false or yes/no" if kind == "binary" else "numbers"
        raise InputError(f"outcome column {name!r} should hold {want}; found {found}; pass "
                         "another --outcome, or --outcome-type")
    counts = {"outcome missing": int((scored & missing).sum()),
              f"outcome not {'yes/no' if kind == 'binary' else 'numeric'}": int(bad.sum())}
    return np.where(bad, np.nan, values), kind, counts


def _short(value: Any, limit: int = 30) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _check_varies(y: pd.Series, name: str, kind: str) -> None:
    distinct = pd.unique(y)
    if len(distinct) == 0:
        raise InputError(f"no scored row has a usable value in outcome column {name!r}; "
                         "pass another --outcome")
    if len(distinct) == 1:
        raise InputError(f"outcome column {name!r} has one value ({distinct[0]:g}) in all "
                         f"{len(y)} scored rows with an outcome; drivers need an outcome that "
                         "varies: pass another --outcome")


def _rows_table(n_rows: int, not_scored: int, counts: dict[str, int], used: int,
                kind: str) -> pd.DataFrame:
    terms = {"rows": n_rows, "not scored": not_scored, **counts, "used": used}
    return pd.DataFrame({"table": "rows", "group": ALL_ROWS, "term": list(terms),
                         "n": list(terms.values())})


# --------------------------------------------------------------------------- the tables

def _cell(means: pd.DataFrame, key: Any) -> dict[str, Any]:
    hit = means[means["key"] == key]
    if hit.empty:
        return {"n": 0, "outcome_mean": np.nan, "outcome_ci_low": np.nan,
                "outcome_ci_high": np.nan}
    r = hit.iloc[0]
    return {"n": int(r["n"]), "outcome_mean": r["mean"], "outcome_ci_low": r["ci_low"],
            "outcome_ci_high": r["ci_high"]}


def _signal_table(part: pd.DataFrame, signals: Sequence[str], *, binary: bool,
                  min_count: int) -> pd.DataFrame:
    names = {0: NOT_EXPRESSED, **{v: k for k, v in SIDES.items()}}
    out = []
    for s in signals:
        keys = part[s].map(names)
        means = summaries.outcome_means(part["_y"], keys, binary=binary)
        ref = part.loc[part[s] == 0, "_y"].to_numpy()
        out.append({"table": "signal", "signal": s, "value": NOT_EXPRESSED,
                    **_cell(means, NOT_EXPRESSED)})
        out[-1]["small"] = out[-1]["n"] < min_count
        for side in ("met", "violated"):
            cell = _cell(means, side)
            diff, low, high = summaries.outcome_difference(
                part.loc[part[s] == SIDES[side], "_y"].to_numpy(), ref, binary=binary)
            out.append({"table": "signal", "signal": s, "value": side, **cell,
                        "reference": NOT_EXPRESSED, "diff": diff, "ci_low": low,
                        "ci_high": high, "small": min(cell["n"], len(ref)) < min_count})
    return pd.DataFrame(out)


def _state_table(part: pd.DataFrame, *, binary: bool, min_count: int) -> pd.DataFrame:
    means = summaries.outcome_means(part["_y"], part["_experience"], binary=binary)
    ref = part.loc[part["_experience"] == REFERENCE_STATE, "_y"].to_numpy()
    out = []
    for state in EXPERIENCE_STATES:
        cell = _cell(means, state)
        row = {"table": "state", "state": state, **cell, "small": cell["n"] < min_count}
        if state != REFERENCE_STATE:
            diff, low, high = summaries.outcome_difference(
                part.loc[part["_experience"] == state, "_y"].to_numpy(), ref, binary=binary)
            row.update(reference=REFERENCE_STATE, diff=diff, ci_low=low, ci_high=high,
                       small=min(cell["n"], len(ref)) < min_count)
        out.append(row)
    return pd.DataFrame(out)


def _design(part: pd.DataFrame, signals: Sequence[str]) -> tuple[pd.DataFrame, list[str], str]:
    """0/1 columns: polarity levels against a reference (``neutral`` when present, else the
    most common level), then each signal's met and violated. Returns the columns, the names
    of the polarity ones and the reference level."""
    pol = part[summaries.POLARITY_COLUMN]
    counts = pol.value_counts()
    reference = "neutral" if counts.get("neutral", 0) else str(counts.idxmax())
    levels = [p for p in reversed(POLARITY) if p != reference]
    X = pd.DataFrame({f"polarity={p}": (pol == p).astype(float).to_numpy() for p in levels})
    for s in signals:
        for side in ("met", "violated"):
            X[f"{s}={side}"] = (part[s] == SIDES[side]).astype(float).to_numpy()
    return X, [f"polarity={p}" for p in levels], reference


def _fit(y: np.ndarray, X: np.ndarray, binary: bool):
    import statsmodels.api as sm
    X = sm.add_constant(X, has_constant="add")
    if binary:
        return sm.Logit(y, X).fit(disp=0, maxiter=200)
    return sm.OLS(y, X).fit()


def _r2(res: Any, binary: bool) -> float:
    return float(res.prsquared if binary else res.rsquared)


def _fit_errors() -> tuple[type[BaseException], ...]:
    """What a fit raises on a singular or separated design."""
    from statsmodels.tools.sm_exceptions import PerfectSeparationError
    return (np.linalg.LinAlgError, ValueError, ArithmeticError, PerfectSeparationError)


def _gain(X: np.ndarray, y: np.ndarray, n_pol: int, binary: bool) -> float:
    """R² (pseudo-R²) of the full model minus that of polarity alone; NaN if a fit fails."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _r2(_fit(y, X, binary), binary) - _r2(_fit(y, X[:, :n_pol], binary), binary)
    except _fit_errors():  # a resample without some level, or perfect separation
        return float("nan")


def _model_table(part: pd.DataFrame, signals: Sequence[str], *, binary: bool, min_count: int,
                 n_boot: int, seed: int) -> pd.DataFrame:
    from scipy.stats import chi2

    X, pol_terms, reference = _design(part, signals)
    counts = X.sum()
    absent = [c for c in X if counts[c] == 0 or counts[c] == len(X)]
    X = X.drop(columns=absent)
    y = part["_y"].to_numpy()
    n_pol = len([c for c in pol_terms if c in X])
    out = [{"table": "model", "term": c, "n": int(counts[c]), "small": counts[c] < min_count,
            "note": "every row" if counts[c] else "no row"} for c in absent]
    level = summaries.CI_LEVEL
    note = f"against polarity={reference} and each need not expressed"
    design = np.column_stack([np.ones(len(X)), X.to_numpy()])
    names = ["intercept", *X.columns]
    if len(X) <= design.shape[1] or np.linalg.matrix_rank(design) < design.shape[1]:
        why = (f"model not fitted: {len(X)} rows for {design.shape[1]} terms, or terms that "
               "always go together in these rows")
        return pd.DataFrame(out + [{"table": "model", "term": t, "n": len(part),
                                    "small": len(part) < min_count, "note": why}
                                   for t in names])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            full = _fit(y, X.to_numpy(), binary)
            pol = _fit(y, X.iloc[:, :n_pol].to_numpy(), binary)
            ci = np.asarray(full.conf_int(alpha=1 - level))
            pvalues = np.asarray(full.pvalues)
            if binary:
                stat = 2 * (full.llf - pol.llf)
                p = float(chi2.sf(stat, full.df_model - pol.df_model))
            else:
                p = float(full.compare_f_test(pol)[1])
        except _fit_errors() as exc:  # no convergence: say so, keep going
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            return pd.DataFrame(out + [{"table": "model", "term": t, "n": len(part),
                                        "small": len(part) < min_count,
                                        "note": f"model not fitted: {msg}"} for t in names])
    if caught:
        note += "; " + "; ".join(sorted({str(w.message).splitlines()[0] for w in caught}))
    for k, term in enumerate(names):
        n = len(part) if k == 0 else int(counts[term])
        out.append({"table": "model", "term": term, "n": n, "coef": float(full.params[k]),
                    "ci_low": float(ci[k, 0]), "ci_high": float(ci[k, 1]),
                    "p": float(pvalues[k]), "small": n < min_count, "note": note})
    measure = "McFadden pseudo-R²" if binary else "R²"
    test = "likelihood-ratio test" if binary else "F test"
    gain, low, high = bootstrap_ci(lambda a, b: _gain(a, b, n_pol, binary), X.to_numpy(), y,
                                   n_boot=n_boot, seed=seed, alpha=1 - level)
    small = len(part) < min_count
    out += [{"table": "model", "term": FIT_TERMS[0], "n": len(part), "coef": _r2(pol, binary),
             "small": small, "note": measure},
            {"table": "model", "term": FIT_TERMS[1], "n": len(part), "coef": _r2(full, binary),
             "small": small, "note": measure},
            {"table": "model", "term": FIT_TERMS[2], "n": len(part), "coef": gain,
             "ci_low": low, "ci_high": high, "p": p, "small": small,
             "note": f"{measure} gain; interval: percentile bootstrap over rows ({n_boot} "
                     f"resamples, seed {seed}); p: {test} of the need terms"}]
    return pd.DataFrame(out)
