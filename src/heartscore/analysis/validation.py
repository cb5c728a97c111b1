"""How well a model carries to data it did not see: labelled rows compared with predictions,
leave-one-group-out (e.g. by source, store or channel) and learning curves.

- :func:`compare` scores predicted labels against gold ones: polarity macro-F1 and the
  8-label signal macro-F1 (trust+1, trust-1, … mattering-1), each with a bootstrap 95%
  interval and a per-label precision / recall / F1 / gold-support table. Labels with fewer
  than ``min_support`` gold rows are shown but left out of the macro figure (``covered``
  lists the labels each macro is over).
- :func:`leave_group_out` trains on every group but one (thresholds tuned on those groups'
  dev rows) and scores the one left out, for each group.
- :func:`learning_curve` trains on growing numbers of the user's rows (mixed with the base
  corpus) and scores a fixed held-out part of the file: how much labelling pays.

Nothing here reads a file or prints; the CLI and ``benchmarks/real_eval.py`` call these.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..evaluation import binary_f1_table, macro_f1_interval
from ..labels import CORE_SIGNALS, POLARITY

__all__ = ["MIN_SUPPORT", "SIGNAL_LABELS", "compare", "predictions", "prediction_frame",
           "confidence_ranking", "hits", "leave_group_out", "learning_curve"]

#: Labels with fewer gold rows than this are left out of a macro figure (shown, not counted).
MIN_SUPPORT = 10
#: The eight signal labels of the signal macro-F1, in order.
SIGNAL_LABELS = [f"{s}{sign}" for s in CORE_SIGNALS for sign in ("+1", "-1")]


def hits(frame: pd.DataFrame, what: str) -> np.ndarray:
    """(n, k) booleans of a frame's labels: ``what="polarity"`` (good/neutral/bad, in
    :data:`POLARITY` order) or ``"signals"`` (the 8 signal labels, :data:`SIGNAL_LABELS`)."""
    return _polarity_hits(frame["polarity"]) if what == "polarity" else _signal_hits(frame)


def _polarity_hits(values: Any) -> np.ndarray:
    v = np.asarray(list(values), dtype=object)[:, None]
    return v == np.asarray(POLARITY, dtype=object)[None, :]


def _signal_hits(frame: pd.DataFrame) -> np.ndarray:
    cols = []
    for s in CORE_SIGNALS:
        v = pd.to_numeric(frame[s], errors="coerce").to_numpy(dtype=float)
        cols += [v == 1, v == -1]
    return np.stack(cols, axis=1) if len(frame) else np.zeros((0, 8), bool)


def _macro(t: np.ndarray, p: np.ndarray, names: list[str], *, n_boot: int, min_support: int
           ) -> dict[str, Any]:
    table = binary_f1_table(t, p)
    keep = table["support"] >= min_support
    out: dict[str, Any] = {
        "labels": {n: {"precision": round(float(table["precision"][j]), 4),
                       "recall": round(float(table["recall"][j]), 4),
                       "f1": round(float(table["f1"][j]), 4), "support": int(table["support"][j])}
                   for j, n in enumerate(names)},
        "covered": [n for n, k in zip(names, keep) if k]}
    if keep.any() and len(t):
        v, lo, hi = macro_f1_interval(t[:, keep], p[:, keep], n_boot=n_boot)
        out.update(value=round(v, 4), ci_low=round(lo, 4), ci_high=round(hi, 4))
    return out


def compare(gold: pd.DataFrame, pred: pd.DataFrame, *, signals: bool = True, n_boot: int = 1000,
            min_support: int = MIN_SUPPORT) -> dict[str, Any]:
    """Polarity (and, with ``signals``, 8-label signal) figures of predictions against gold
    labels. Both frames have a ``polarity`` column and the four signal columns, row-aligned.
    ``min_support=0`` puts every label in the macro."""
    if len(gold) != len(pred):
        raise InputError(f"gold has {len(gold)} rows but predictions {len(pred)}")
    res: dict[str, Any] = {"n": int(len(gold)),
                           "polarity": _macro(_polarity_hits(gold["polarity"]),
                                              _polarity_hits(pred["polarity"]), list(POLARITY),
                                              n_boot=n_boot, min_support=min_support)}
    if signals:
        res["signals"] = _macro(_signal_hits(gold), _signal_hits(pred), SIGNAL_LABELS,
                                n_boot=n_boot, min_support=min_support)
    return res


def predictions(model, texts: Sequence[str]) -> pd.DataFrame:
    """A model's decided labels as a frame (``polarity`` and the core signals) with its
    ``confidence``."""
    return prediction_frame(model.score_columns(list(texts)))


def prediction_frame(cols: Mapping[str, Any]) -> pd.DataFrame:
    """Result columns (:func:`heartscore.results.result_columns`) as the frame
    :func:`compare` and :func:`confidence_ranking` take: polarity, the core signals as
    floats, confidence."""
    return pd.DataFrame({"polarity": cols["polarity"],
                         **{s: np.asarray(cols[s], dtype=float) for s in CORE_SIGNALS},
                         "confidence": np.asarray(cols["confidence"], dtype=float)})


def confidence_ranking(gold: pd.DataFrame, pred: pd.DataFrame, share: float = 0.2) -> dict:
    """Does ``confidence`` rank errors? Error rate (any of the five labels wrong) of the
    ``share`` least confident rows against the rest, and their ratio."""
    wrong = (gold["polarity"].to_numpy() != pred["polarity"].to_numpy())
    for s in CORE_SIGNALS:
        wrong |= gold[s].to_numpy(dtype=float) != pred[s].to_numpy(dtype=float)
    order = np.argsort(pred["confidence"].to_numpy(), kind="stable")
    k = int(round(share * len(order)))
    low = np.zeros(len(order), dtype=bool)
    low[order[:k]] = True
    lo, hi = float(wrong[low].mean()), float(wrong[~low].mean())
    return {"share": share, "n": int(len(order)), "error_least_confident": round(lo, 4),
            "error_rest": round(hi, 4), "ratio": round(lo / hi, 2) if hi else None}


def _with_split(df: pd.DataFrame, dev_fraction: float, seed: int) -> pd.DataFrame:
    """Training rows with a seeded train/dev ``split`` column (dev for thresholds; no test)."""
    rng = np.random.default_rng(seed)
    dev = rng.random(len(df)) < dev_fraction
    return df.assign(split=np.where(dev, "dev", "train"))


def _labelled(df: pd.DataFrame, text_column: str) -> pd.DataFrame:
    missing = [c for c in (text_column, "polarity", *CORE_SIGNALS) if c not in df.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}; columns are "
                         f"{', '.join(map(str, df.columns))}")
    out = df.rename(columns={text_column: "text"}) if text_column != "text" else df
    return out[["text", "polarity", *CORE_SIGNALS]].reset_index(drop=True)


def leave_group_out(df: pd.DataFrame, by: str, config=None, *, text_column: str = "text",
                    n_boot: int = 1000, min_rows: int = 20) -> dict[str, Any]:
    """For each value of ``df[by]``: train on the other groups' rows (a seeded 15% of them
    as dev rows for the thresholds; the base corpus mixed in when ``config.with_base``),
    score the group's rows, and compare. Groups with fewer than ``min_rows`` rows are
    listed as skipped. Returns ``{"by", "groups": {value: figures}, "pooled", "skipped"}``."""
    from ..training import TrainConfig, train
    if by not in df.columns:
        raise InputError(f"no column {by!r} to group by; columns are "
                         f"{', '.join(map(str, df.columns))}")
    config = config or TrainConfig()
    keys = df[by].astype(str).fillna("")
    data = _labelled(df, text_column)
    counts = keys.value_counts()
    groups = sorted(counts[counts >= min_rows].index)
    if len(groups) < 2:
        raise InputError(f"--by {by} needs at least 2 groups of {min_rows}+ rows; found "
                         f"{counts.to_dict()}")
    out: dict[str, Any] = {"by": by, "groups": {}, "skipped": sorted(set(counts.index) - set(groups))}
    gold_all, pred_all = [], []
    for g in groups:
        held = (keys == g).to_numpy()
        rest = _with_split(data[~held], config.dev_fraction, config.seed)
        model = train(rest, replace(config, text_column="text"), name=f"without-{g}")
        gold = data[held].reset_index(drop=True)
        pred = predictions(model, gold["text"].tolist())
        out["groups"][g] = compare(gold, pred, n_boot=n_boot)
        gold_all.append(gold)
        pred_all.append(pred)
    out["pooled"] = compare(pd.concat(gold_all, ignore_index=True),
                            pd.concat(pred_all, ignore_index=True), n_boot=n_boot, min_support=0)
    return out


def learning_curve(df: pd.DataFrame, sizes: Sequence[int | str] = (0, 100, 250, 500, 1000, "all"),
                   config=None, *, text_column: str = "text", holdout: float = 0.25,
                   n_boot: int = 200, base_model=None) -> dict[str, Any]:
    """Polarity and signal macro-F1 on a fixed held-out part of ``df`` (a seeded
    ``holdout`` share) for models trained on the base corpus plus ``n`` of the file's other
    rows, for each ``n`` in ``sizes`` (``"all"`` = every other row). ``n = 0`` is the base
    model alone (``base_model``, default the shipped model). Sizes larger than the rows
    available are skipped."""
    from ..persistence import load
    from ..training import TrainConfig, train
    config = replace(config or TrainConfig(), with_base=True, text_column="text")
    data = _labelled(df, text_column)
    rng = np.random.default_rng(config.seed)
    order = rng.permutation(len(data))
    n_hold = max(1, int(round(holdout * len(data))))
    hold, pool = data.iloc[order[:n_hold]].reset_index(drop=True), data.iloc[order[n_hold:]]
    wanted = [len(pool) if s == "all" else int(s) for s in sizes]
    points = []
    for n in sorted(set(wanted)):
        if n > len(pool):
            continue
        if n == 0:
            model = base_model or load()
        else:
            model = train(_with_split(pool.iloc[:n], config.dev_fraction, config.seed), config,
                          name=f"curve-{n}")
        res = compare(hold, predictions(model, hold["text"].tolist()), n_boot=n_boot,
                      min_support=0)
        points.append({"rows": n, "polarity": res["polarity"], "signals": res["signals"]})
    return {"holdout_rows": int(len(hold)), "pool_rows": int(len(pool)), "points": points}
