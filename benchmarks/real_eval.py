"""The honest headline: leave-one-source-out evaluation on real customers' words.

    python benchmarks/real_eval.py [--boot 1000] [--sources a,b] [--on dev|train|dev,train]
                                   [--set FIELD=VALUE] [--train-share SHARE] [--write]

For each source of ``corpora/real/real.csv``: train on the hand-written corpus plus the
real train rows of the *other* sources and their distant (rating-labelled) rows — every
lever built from data leaves the held-out source out — with thresholds tuned on the real
dev rows of those sources only, then score that source's **test** rows. Beside it, on the same rows, VADER
(its neutral band tuned on the same dev rows) and the shipped 0.1.0 model. Reported per
source, pooled over all test rows, and on the ``random``-drawn test rows alone (the
unbiased estimate): polarity macro-F1, the 8-label signal macro-F1 with a bootstrap 95%
interval, and per-label precision / recall / F1 with gold support. In a source's macro
figure, labels (and polarity classes) with fewer than 10 gold test rows are shown but left
out; the table says how many each macro covers. The pooled row covers all 8 labels.

The accurate model (``heartscore.load("accurate")``) is scored beside it when every fold's
fine-tuned encoder probabilities are cached in ``models/accurate-folds`` (written by
``scripts/train_accurate.py --folds``, ~51 min on 2 idle cores; checked against the
corpora's SHA-256 and each file's own): the fold's fast model and encoder blended with
``heartscore.accurate.WEIGHTS`` sentence by sentence and pooled, as the shipped accurate
model reads, thresholds on the same dev rows; also the encoder alone (its sentences pooled
the same way).
With ``TrainConfig.teacher_weight > 0`` (the lever table's teacher step, not the shipped
recipe) each fold's fast model is trained again with the teacher pool's texts its fold's
accurate model is most confident of (the pool's encoder probabilities are cached beside the
fold's).

Test rows are scored once per run, after every choice is made; each written run adds one
to the test-read count kept in ``models/real_eval.json``; the table is also drawn as
``docs/real_eval.png``. ``--on dev`` scores the held-out
source's *dev* rows instead: the figure to choose features, weights and thresholds by
(it never reads a test row). ``--on dev,train`` adds the held-out source's train rows, which
its fold never sees either: 4,861 rows instead of 1,334, for a lever whose effect on dev
rows alone is within their noise. ``--train-share 0.25`` trains each fold on a seeded quarter
of every other source's real train rows: the learning curve of the card's lever table.
``--write`` also rewrites the table in
README.md between ``<!-- real-eval:start -->`` and ``<!-- real-eval:end -->``.
"""
from __future__ import annotations

import argparse
import functools
import json
import platform
import re
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

import heartscore
from heartscore.analysis.validation import (MIN_SUPPORT, compare, confidence_ranking, hits,
                                            prediction_frame, predictions)
from heartscore.accurate import WEIGHTS, as_label_dict, blend, pooled_labels, sentence_proba
from heartscore.corpus import file_sha256, labels_matrix, load_base, teacher_rows
from heartscore.errors import ModelCompatibilityError
from heartscore.evaluation import macro_f1_difference_interval
from heartscore.labels import CORE_SIGNALS, DEFAULT_SCHEMA
from heartscore.results import result_columns
from heartscore.pooling import choose_pooled_thresholds
from heartscore.training import TrainConfig, train

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from train_accurate import (code_hash, encoder_package,  # noqa: E402  (no torch needed)
                            pool_only_inputs, pool_rows, reading_inputs)

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "corpora" / "real" / "real.csv"
OUT = ROOT / "models" / "real_eval.json"
OLD = ROOT / "models" / "heartscore-0.1.0.hsm"
README = ROOT / "README.md"
FOLDS = ROOT / "models" / "accurate-folds"
WRITTEN = ROOT / "corpora" / "heartscore_corpus.csv"
VADER_GRID = np.round(np.arange(0.0, 0.81, 0.025), 3)


# ------------------------------------------------------------------ systems
@functools.cache
def accurate_inputs() -> dict[str, str]:
    """SHA-256 of what a cached encoder fold depends on, as it is here now (once a run):
    both corpora, the settings and training code, and the encoder's weights when the
    accurate extra is installed to check them."""
    now = {"real.csv": file_sha256(REAL), "heartscore_corpus.csv": file_sha256(WRITTEN),
           "training code": code_hash(), **reading_inputs()}
    try:
        now["encoder model.zip"] = file_sha256(encoder_package())
    except ModelCompatibilityError:
        pass
    return now


def _cache(src: str, what: str, extra: dict[str, str] | None = None) -> Path | str:
    """Fold ``src``'s cached file of ``what`` ("fold" or "pool") if its manifest entry's
    inputs match the ones here (plus ``extra``) and the file its SHA-256, else why not."""
    manifest = FOLDS / "MANIFEST.json"
    entry = json.loads(manifest.read_text()).get(src) if manifest.exists() else None
    if entry is not None and what == "pool":
        entry = entry.get("pool")
    path = FOLDS / (f"{src}.npz" if what == "fold" else f"{src}.pool.npz")
    name = "encoder fold" if what == "fold" else "teacher pool"
    if entry is None or not path.exists():
        return f"no cached {name} for {src} (python scripts/train_accurate.py --fold {src})"
    now = {**accurate_inputs(), **(extra or {})}
    stale = [k for k, v in now.items() if entry["inputs"].get(k) != v]
    if stale:
        return (f"the cached {name} for {src} was made with another {', '.join(stale)}; "
                f"rebuild it: python scripts/train_accurate.py --fold {src}")
    if file_sha256(path) != entry["sha256"]:
        return f"{path.name} does not match its SHA-256 in MANIFEST.json; rebuild it"
    return path


class FoldCache(NamedTuple):
    """A fold's cached encoder probabilities: row id → row index, (rows, 5, 3) per whole
    text, each row's first sentence and the end as (rows + 1,) offsets into ``units``,
    (sentences, 5, 3) per sentence."""

    index: dict[str, int]
    proba: np.ndarray
    starts: np.ndarray
    units: np.ndarray

    def covers(self, rows: pd.DataFrame) -> bool:
        """Whether every one of ``rows`` has cached probabilities."""
        return set(rows["id"]) <= self.index.keys()


def accurate_fold(src: str) -> FoldCache | str:
    """The fine-tuned encoder's cached probabilities for fold ``src`` (written by
    scripts/train_accurate.py), or why they cannot be used: missing, or made from other
    corpora, training code or encoder than the ones here, or altered."""
    path = _cache(src, "fold")
    if isinstance(path, str):
        return path
    with np.load(path, allow_pickle=False) as z:
        if "unit_proba" not in z.files:
            return f"{path.name} holds no sentence probabilities; rebuild it"
        ids, proba, owner, units = z["ids"], z["proba"], z["unit_owner"], z["unit_proba"]
    starts = np.searchsorted(owner, np.arange(len(ids) + 1))
    return FoldCache({i: k for k, i in enumerate(ids.tolist())}, proba, starts, units)


def accurate_pool(src: str) -> tuple[pd.DataFrame, np.ndarray] | str:
    """The teacher pool of fold ``src`` (``corpora/real/teacher_pool.csv`` less ``src``'s
    texts) with its fine-tuned encoder's cached probabilities (written with the fold by
    scripts/train_accurate.py), or why they cannot be used."""
    path = _cache(src, "pool", pool_only_inputs())
    if isinstance(path, str):
        return path
    pool = pool_rows(src)
    with np.load(path, allow_pickle=False) as z:
        if z["ids"].tolist() != pool["id"].tolist():
            return f"{path.name} holds other texts than the teacher pool; rebuild it"
        return pool, z["proba"].astype(np.float32)


def fold_teacher_rows(model, src: str, dev: pd.DataFrame, dev_p: tuple,
                      neutral_cap: float | None) -> pd.DataFrame:
    """Fold ``src``'s teacher rows: its pool texts labelled by the fold's accurate model read
    whole (``model`` blended with the fold's encoder, thresholds on the other sources' dev
    rows, ``dev_p`` from :func:`fold_text_probabilities`: the pool's encoder probabilities
    are of whole texts, not sentences as the shipped accurate model reads), the share it is
    most confident of (:func:`heartscore.corpus.teacher_rows`)."""
    got = accurate_pool(src)
    if isinstance(got, str):
        raise SystemExit(f"error: teacher_weight > 0 needs the teacher pool: {got}")
    pool, enc = got
    fast = model.scorer.predict_detailed(pool["text"].tolist(), evidence=False).proba
    labels = blended_predictions(dev, dev_p, pool, (np.arange(len(pool)), fast,
                                                    as_label_dict(enc, DEFAULT_SCHEMA)),
                                 neutral_cap)
    return teacher_rows(pool[["id", "source", "text"]], labels.assign(id=pool["id"]))


def fold_probabilities(model, cache: FoldCache, rows: pd.DataFrame
                       ) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """``rows`` (which ``cache`` covers) read as the accurate model reads them: (row of each
    sentence, the fold's fast model's and its encoder's (cached) probabilities per
    sentence); with a fast model that reads texts whole (the lever table's early steps),
    each text one unit, as :class:`heartscore.accurate.AccurateScorer` reads with it."""
    if not model.scorer._reads_sentences():
        return fold_text_probabilities(model, cache, rows)
    index, _, starts, units = cache
    owner, fast, _ = sentence_proba(model.scorer, rows["text"].tolist())
    at = np.array([index[i] for i in rows["id"]], dtype=np.int64)
    counts = starts[at + 1] - starts[at]
    if not np.array_equal(counts, np.bincount(owner, minlength=len(rows))):
        raise SystemExit("error: the cached encoder fold cut these texts into other sentences "
                         "than the fast model does; rebuild it (scripts/train_accurate.py)")
    take = np.concatenate([np.arange(starts[k], starts[k + 1]) for k in at]) if len(at) else []
    return owner, fast, as_label_dict(units[np.asarray(take, dtype=np.int64)], DEFAULT_SCHEMA)


def fold_text_probabilities(model, cache: FoldCache, rows: pd.DataFrame
                            ) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """As :func:`fold_probabilities` with each text one unit, read whole: the fast model's
    text probabilities and the encoder's of the whole text. For the teacher, whose pool
    probabilities are of whole texts: its thresholds are then chosen by
    :func:`heartscore.pooling.choose_pooled_thresholds` with one unit per text, not by the
    ``choose_label_thresholds`` of the accurate model read whole (format 1) that the lever
    table's teacher row was measured with, on the previous encoder folds."""
    index, proba = cache.index, cache.proba
    fast = model.scorer.predict_detailed(rows["text"].tolist(), evidence=False).proba
    return (np.arange(len(rows)), fast,
            as_label_dict(proba[[index[i] for i in rows["id"]]], DEFAULT_SCHEMA))


def blended_predictions(dev: pd.DataFrame, dev_p: tuple, test: pd.DataFrame, test_p: tuple,
                        neutral_cap: float | None,
                        weights: float | dict[str, float] = WEIGHTS) -> pd.DataFrame:
    """One fold's accurate model: per unit, fast and encoder probabilities blended with
    ``weights`` and pooled (``*_p``: (unit owner, fast, encoder) probabilities), thresholds
    chosen under the pooled rule on the other sources' dev rows (``dev``), applied to
    ``test``. ``weights=0``: the encoder alone (for the lever table)."""
    schema = DEFAULT_SCHEMA
    owner, fast, enc = dev_p
    thresholds = choose_pooled_thresholds(schema, labels_matrix(dev, schema),
                                          blend(fast, enc, weights), owner,
                                          neutral_cap=neutral_cap)
    owner, fast, enc = test_p
    p, labels = pooled_labels(blend(fast, enc, weights), owner, len(test), thresholds, schema)
    return prediction_frame(result_columns(test["text"].tolist(), p, labels, None, schema))


def vader_compound(texts: list[str]) -> np.ndarray:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    sia = SentimentIntensityAnalyzer()
    return np.array([sia.polarity_scores(t)["compound"] for t in texts])


def vader_labels(comp: np.ndarray, band: float) -> np.ndarray:
    return np.where(comp >= band, "good", np.where(comp <= -band, "bad", "neutral")).astype(object)


def tune_vader(dev: pd.DataFrame) -> float:
    """VADER's neutral band: the one with the best polarity macro-F1 on dev rows."""
    comp = vader_compound(dev["text"].tolist())
    scores = [compare(dev, pd.DataFrame({"polarity": vader_labels(comp, b)}), signals=False,
                      n_boot=1)["polarity"]["value"] for b in VADER_GRID]
    return float(VADER_GRID[int(np.argmax(scores))])


def evaluate(gold: pd.DataFrame, pred: pd.DataFrame, n_boot: int, all_labels: bool = False,
             signals: bool = True) -> dict:
    return compare(gold.reset_index(drop=True), pred.reset_index(drop=True), signals=signals,
                   n_boot=n_boot, min_support=0 if all_labels else MIN_SUPPORT)


def vader_frame(labels) -> pd.DataFrame:
    return pd.DataFrame({"polarity": np.asarray(labels, dtype=object)})


# ------------------------------------------------------------------ the run
def run(sources: list[str] | None, n_boot: int, on: str = "test",
        config: TrainConfig | None = None, frames: list | None = None,
        folds: list | None = None, train_share: float = 1.0) -> dict:
    """The leave-one-source-out report; ``frames`` (a list) receives the pooled
    (gold, heartscore predictions) frames, ``folds`` each fold's (source, dev rows, their
    fast/encoder probabilities, scored rows, theirs) for the accurate model. ``on``: the
    held-out source's split(s) scored, comma-separated ("test", "dev", "dev,train").
    ``train_share``: the share of each other source's real *train* rows the fold trains on
    (seeded; dev rows, rating rows and the hand-written corpus unchanged), for a learning
    curve."""
    splits = on.split(",")
    real = pd.read_csv(REAL, dtype={"id": str, "source_id": str, "polarity": str},
                       keep_default_na=False)
    shipped = heartscore.load(OLD)  # 0.1.0: hand-written corpus only, every source unseen
    sources = sources or sorted(real["source"].unique())
    config = replace(config or TrainConfig(), with_base=True)
    per, pooled = {}, []
    started = time.time()
    for src in sources:
        company = real[(real["source"] != src) & real["split"].isin(["train", "dev"])]
        if train_share < 1.0:
            company = subsample_train(company, train_share)
        labelled = company[["text", "polarity", *CORE_SIGNALS, "split"]]
        dev = company[company["split"] == "dev"]
        cache = accurate_fold(src)
        if not isinstance(cache, str) and not cache.covers(dev):
            cache = "its encoder fold holds no probabilities for some dev rows; rebuild it"
        t0 = time.time()
        base = load_base(kinds=("written", "distant"), exclude_sources=(src,))
        model = train(labelled.copy(), config, name=f"loso-without-{src}", base=base)
        if config.teacher_weight > 0:  # the fold's accurate model labels the pool; retrain
            if isinstance(cache, str):
                raise SystemExit(f"error: teacher_weight > 0 needs the encoder fold: {cache}")
            teacher = fold_teacher_rows(model, src, dev,
                                        fold_text_probabilities(model, cache, dev),
                                        config.neutral_cap)
            model = train(labelled.copy(), config, name=f"loso-without-{src}",
                          base=pd.concat([base, teacher], ignore_index=True))
        band = tune_vader(dev)
        train_s = time.time() - t0
        # every choice is made: now, and only now, the held-out source's test rows
        test = real[(real["source"] == src) & real["split"].isin(splits)].reset_index(drop=True)
        texts = test["text"].tolist()
        ours, old = predictions(model, texts), predictions(shipped, texts)
        vader = vader_frame(vader_labels(vader_compound(texts), band))
        rnd = (test["drawn"] == "random").to_numpy()
        if not isinstance(cache, str) and not cache.covers(test):
            cache = "its encoder fold holds no probabilities for some scored rows; rebuild it"
        if isinstance(cache, str):
            print(f"{src}: accurate model left out: {cache}", file=sys.stderr)
            acc = enc = None
        else:
            dev_p, test_p = fold_probabilities(model, cache, dev), fold_probabilities(
                model, cache, test)
            if folds is not None:
                folds.append((src, dev, dev_p, test, test_p))
            acc = blended_predictions(dev, dev_p, test, test_p, config.neutral_cap)
            enc = blended_predictions(dev, dev_p, test, test_p, config.neutral_cap, 0.0)
        per[src] = {
            "rows": {"train_real": int((company["split"] == "train").sum()),
                     "dev_real": int((company["split"] == "dev").sum()), "test": len(test),
                     "test_random": int(rnd.sum())},
            "vader_band": band, "train_seconds": round(train_s, 1),
            "heartscore": evaluate(test, ours, n_boot),
            "heartscore_0.1.0": evaluate(test, old, n_boot),
            "vader": evaluate(test, vader, n_boot, signals=False),
            **({"heartscore_accurate": evaluate(test, acc, n_boot),
                "encoder_alone": evaluate(test, enc, n_boot)} if acc is not None else {}),
            "random_only": {
                "heartscore": evaluate(test[rnd], ours[rnd], n_boot),
                "heartscore_0.1.0": evaluate(test[rnd], old[rnd], n_boot),
                "vader": evaluate(test[rnd], vader[rnd], n_boot, signals=False)},
        }
        pooled.append((test, ours, old, vader, acc, enc))
        print(f"{src}: trained in {train_s:.0f} s; signals "
              f"{per[src]['heartscore']['signals'].get('value')} (0.1.0 "
              f"{per[src]['heartscore_0.1.0']['signals'].get('value')}), polarity "
              f"{per[src]['heartscore']['polarity'].get('value')} (VADER "
              f"{per[src]['vader']['polarity'].get('value')})", file=sys.stderr)
    test = pd.concat([p[0] for p in pooled], ignore_index=True)
    ours = pd.concat([p[1] for p in pooled], ignore_index=True)
    old = pd.concat([p[2] for p in pooled], ignore_index=True)
    vader = pd.concat([p[3] for p in pooled], ignore_index=True)
    # the accurate model is reported pooled only when every fold has it
    complete = all(p[4] is not None for p in pooled)
    acc = pd.concat([p[4] for p in pooled], ignore_index=True) if complete else None
    enc = pd.concat([p[5] for p in pooled], ignore_index=True) if complete else None
    if frames is not None:
        frames += [test, ours]
    rnd = (test["drawn"] == "random").to_numpy()
    polar = test["polarity"].isin(["good", "bad"]).to_numpy()
    previous = json.loads(OUT.read_text()).get("test_reads", 0) if OUT.exists() else 0
    return {
        "date": date.today().isoformat(), "machine": f"{platform.machine()}, "
        f"{platform.python_implementation()} {platform.python_version()}",
        "corpus": {"file": "corpora/real/real.csv", "rows": int(len(real)),
                   "sources": sources},
        "config": config.to_dict(), "baseline_model": shipped.id, "bootstrap": n_boot,
        "min_support": MIN_SUPPORT, "seconds": round(time.time() - started),
        "scored_split": on, "train_share": train_share, "test_reads": previous + (on == "test"),
        "per_source": per,
        "neutral_on_polar": {
            name: round(float((frame["polarity"].to_numpy()[polar] == "neutral").mean()), 4)
            for name, frame in (("heartscore", ours), ("heartscore_0.1.0", old),
                                ("vader", vader))},
        "confidence_ranking": confidence_ranking(test, ours),
        "pooled": {"heartscore": evaluate(test, ours, n_boot, True),
                   "heartscore_0.1.0": evaluate(test, old, n_boot, True),
                   "vader": evaluate(test, vader, n_boot, True, signals=False),
                   **({"heartscore_accurate": evaluate(test, acc, n_boot, True)}
                      if acc is not None else {})},
        **({"accurate": accurate_report(test, ours, acc, polar, n_boot),
            "encoder_alone": accurate_report(test, ours, enc, polar, n_boot)}
           if acc is not None else {}),
        "pooled_random": {"heartscore": evaluate(test[rnd], ours[rnd], n_boot, True),
                          "heartscore_0.1.0": evaluate(test[rnd], old[rnd], n_boot, True),
                          "vader": evaluate(test[rnd], vader[rnd], n_boot, True, signals=False)},
    }


def subsample_train(rows: pd.DataFrame, share: float) -> pd.DataFrame:
    """``rows`` with each source's ``train`` rows cut to ``share`` of them (seeded, drawn
    by row), the other splits' rows unchanged, in the original order."""
    train = rows[rows["split"] == "train"]
    kept = train.groupby("source", group_keys=False).sample(frac=share, random_state=0)
    return rows[(rows["split"] != "train") | rows.index.isin(kept.index)]


def accurate_report(test: pd.DataFrame, fast: pd.DataFrame, acc: pd.DataFrame,
                    polar: np.ndarray, n_boot: int) -> dict:
    """The accurate model's (or the encoder's) change from the fast model on the same pooled
    rows (paired bootstrap interval), neutral-on-polar rate and confidence ranking."""
    change = {}
    for what in ("signals", "polarity"):
        t = hits(test, what)
        d, lo, hi = macro_f1_difference_interval(t, hits(fast, what), hits(acc, what),
                                                 n_boot=n_boot)
        change[what] = {"change": round(d, 4), "ci_low": round(lo, 4), "ci_high": round(hi, 4)}
    return {"change_from_fast": change,
            "neutral_on_polar": round(float(
                (acc["polarity"].to_numpy()[polar] == "neutral").mean()), 4),
            "confidence_ranking": confidence_ranking(test, acc)}


# ------------------------------------------------------------------ the table
def _fig(m: dict) -> str:
    if "value" not in m:
        return "–"
    return f"{m['value']:.2f} ({m['ci_low']:.2f}–{m['ci_high']:.2f})"


def _cov(m: dict, total: int) -> str:
    return f"{len(m['covered'])}/{total}"


def markdown(res: dict) -> str:
    acc = "accurate" in res
    extra = " signals: accurate | polarity: accurate |" if acc else ""
    rows = ["| held-out source | scored rows (random) | signals: heartscore (labels) | signals: "
            "0.1.0 | polarity: heartscore (classes) | polarity: 0.1.0 | polarity: VADER |"
            + extra, "|---|---|---|---|---|---|---|" + ("---|---|" if acc else "")]
    for src, r in res["per_source"].items():
        h, o, v = r["heartscore"], r["heartscore_0.1.0"], r["vader"]
        a = r.get("heartscore_accurate")
        rows.append(f"| {src} | {r['rows']['test']:,} ({r['rows']['test_random']:,}) | "
                    f"{_fig(h['signals'])} ({_cov(h['signals'], 8)}) | {_fig(o['signals'])} | "
                    f"{_fig(h['polarity'])} ({_cov(h['polarity'], 3)}) | {_fig(o['polarity'])} | "
                    f"{_fig(v['polarity'])} |"
                    + (f" {_fig(a['signals'])} | {_fig(a['polarity'])} |" if acc else ""))
    for name, key in (("**all scored rows, pooled**", "pooled"),
                      ("**random-drawn scored rows, pooled**", "pooled_random")):
        p = res[key]
        a = p.get("heartscore_accurate")
        rows.append(f"| {name} | {p['heartscore']['n']:,} | {_fig(p['heartscore']['signals'])} "
                    f"(8/8) | {_fig(p['heartscore_0.1.0']['signals'])} | "
                    f"{_fig(p['heartscore']['polarity'])} (3/3) | "
                    f"{_fig(p['heartscore_0.1.0']['polarity'])} | {_fig(p['vader']['polarity'])} |"
                    + ((f" {_fig(a['signals'])} | {_fig(a['polarity'])} |" if a else " – | – |")
                       if acc else ""))
    if acc:
        c = res["accurate"]["change_from_fast"]
        e = res["encoder_alone"]["change_from_fast"]
        rows += ["", "Accurate model (fast model averaged with the fine-tuned encoder, "
                 "`pip install heartscore[accurate]`), change from the fast model on the same "
                 "pooled rows (paired bootstrap 95%): " + "; ".join(
                     f"{w} {c[w]['change']:+.3f} [{c[w]['ci_low']:+.3f}, {c[w]['ci_high']:+.3f}]"
                     for w in ("signals", "polarity"))
                 + f". Neutral on gold good/bad: {res['accurate']['neutral_on_polar']:.1%}"
                 f" (fast {res['neutral_on_polar']['heartscore']:.1%}); confidence ranking "
                 f"ratio {res['accurate']['confidence_ranking']['ratio']}"
                 f" (fast {res['confidence_ranking']['ratio']}). The fine-tuned encoder alone: "
                 + "; ".join(f"{w} {e[w]['change']:+.3f} [{e[w]['ci_low']:+.3f}, "
                             f"{e[w]['ci_high']:+.3f}]" for w in ("signals", "polarity"))
                 + " from the fast model."]
    split = res["scored_split"].replace(",", " and ")  # "test" in the written report
    per_label = ["", f"Per label, all {split} rows pooled (heartscore leave-one-source-out / "
                 "0.1.0):",
                 "", "| label | gold | precision | recall | F1 | F1 0.1.0 |", "|---|---|---|---|---|---|"]
    h, o = res["pooled"]["heartscore"], res["pooled"]["heartscore_0.1.0"]
    for group in ("polarity", "signals"):
        for name, m in h[group]["labels"].items():
            per_label.append(f"| {name} | {m['support']:,} | {m['precision']:.2f} | "
                             f"{m['recall']:.2f} | {m['f1']:.2f} | "
                             f"{o[group]['labels'][name]['f1']:.2f} |")
    head = (f"Scored split: {res['scored_split']}. Measured {res['date']} ({res['machine']}, {res['seconds']} s for the whole run; "
            f"bootstrap {res['bootstrap']} resamples; test rows read {res['test_reads']} "
            f"time(s) in all). Macro-F1 with 95% intervals; a source's macro leaves out labels "
            f"with under {res['min_support']} gold {split} rows (covered count in brackets).")
    return "\n".join([head, "", *rows, *per_label])


def chart(res: dict, path: Path) -> None:
    """The per-source table as a picture: macro-F1 with its interval for each system."""
    import altair as alt
    rows = []
    sources = [*res["per_source"], "all, pooled"]
    for src in sources:
        r = res["pooled"] if src == "all, pooled" else res["per_source"][src]
        for system, key in (("heartscore, leave-one-source-out", "heartscore"),
                            ("heartscore accurate (fine-tuned encoder blend)",
                             "heartscore_accurate"),
                            ("heartscore 0.1.0 (hand-written corpus)", "heartscore_0.1.0"),
                            ("VADER", "vader")):
            for what in ("signals", "polarity"):
                m = r.get(key, {}).get(what, {})
                if "value" in m:
                    rows.append({"source": src, "system": system, "figure": what,
                                 "F1": m["value"], "low": m["ci_low"], "high": m["ci_high"]})
    data = pd.DataFrame(rows)
    systems = list(dict.fromkeys(data["system"]))

    def panel(what: str):
        d = alt.Chart(data[data["figure"] == what]).encode(
            y=alt.Y("source:N", sort=sources, title=None),
            yOffset=alt.YOffset("system:N", sort=systems),
            color=alt.Color("system:N", sort=systems,
                            legend=alt.Legend(orient="bottom", title=None, labelLimit=400)))
        return alt.layer(
            d.mark_bar().encode(x=alt.X("F1:Q", scale=alt.Scale(domain=[0, 1]),
                                        title=f"{what} macro-F1 (95% interval)")),
            d.mark_rule(color="black").encode(x="low:Q", x2="high:Q"),
        ).properties(width=260, height=alt.Step(9))

    fig = alt.hconcat(panel("signals"), panel("polarity")).properties(
        title=f"Real feedback, each source held out ({res['scored_split']} rows, {res['date']})")
    fig.save(str(path), scale_factor=1.5)


def config_with(settings: list[str]) -> TrainConfig:
    """TrainConfig with ``FIELD=VALUE`` settings applied (values typed like the default)."""
    d = TrainConfig().to_dict()
    for item in settings:
        key, _, value = item.partition("=")
        if key not in d or not _:
            raise SystemExit(f"--set expects FIELD=VALUE with a TrainConfig field; got {item!r}")
        d[key] = json.loads(value) if not isinstance(d[key], str) else value
    return TrainConfig.from_dict(d)


def _splits(value: str) -> str:
    """``--on``: "test" alone, or any of "dev" and "train" comma-separated."""
    parts = value.split(",")
    if parts == ["test"] or (set(parts) <= {"dev", "train"} and len(set(parts)) == len(parts)):
        return value
    raise argparse.ArgumentTypeError(f"expected test, dev, train or dev,train; got {value!r}")


def _share(value: str) -> float:
    """``--train-share``: a number in (0, 1]."""
    try:
        share = float(value)
    except ValueError:
        share = float("nan")
    if not 0.0 < share <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a share in (0, 1], e.g. 0.5; got {value!r}")
    return share


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--boot", type=int, default=1000, help="bootstrap resamples (default 1000)")
    ap.add_argument("--sources", help="comma-separated sources to hold out (default: all)")
    ap.add_argument("--on", type=_splits, default="test",
                    help="score the held-out source's test rows (the report), or its dev "
                         "rows, train rows or dev,train (for choosing: never reads test)")
    ap.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                    help="a training setting to try, e.g. --set vector_weight=0.2 (any "
                         "TrainConfig field; repeatable)")
    ap.add_argument("--train-share", type=_share, default=1.0, metavar="SHARE",
                    help="train each fold on this share of the other sources' real train "
                         "rows (seeded, per source; a learning curve; default 1)")
    ap.add_argument("--write", action="store_true",
                    help="write models/real_eval.json and the README table")
    args = ap.parse_args()
    if args.write and (args.on != "test" or args.sources or args.train_share != 1.0):
        ap.error("--write records the full report: all sources, --on test, every train row")
    res = run(args.sources.split(",") if args.sources else None, args.boot, args.on,
              config_with(args.set), train_share=args.train_share)
    table = markdown(res)
    print(table)
    if args.write:
        OUT.write_text(json.dumps(res, indent=1) + "\n")
        text = README.read_text()
        new, k = re.subn(r"<!-- real-eval:start -->.*?<!-- real-eval:end -->",
                         lambda m: "<!-- real-eval:start -->\n" + table + "\n<!-- real-eval:end -->",
                         text, flags=re.S)
        chart(res, ROOT / "docs" / "real_eval.png")
        if k != 1:
            print("README.md has no <!-- real-eval:start --> … <!-- real-eval:end --> block; "
                  "the table was not written there", file=sys.stderr)
        else:
            README.write_text(new)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
