"""Rebuild the shipped model from corpora/ deterministically and write its card and report.

    python scripts/build_model.py
    python scripts/build_model.py --card-only      # only re-render models/MODEL_CARD.md

Trains on the real corpus's train rows (corpora/real/real.csv) with the hand-written corpus
and the rating-labelled rows (corpora/real/distant.csv) as base rows, tunes thresholds on the
real dev rows, evaluates once on the real test rows, and scores the hand-written test split
beside VADER (its neutral band tuned on that corpus's dev split). Writes:
  models/heartscore-<version>.hsm                   the model, in the safe format (card inside)
  models/heartscore-<version>.card.json             a copy of its card, to read without heartscore
  models/MODEL_CARD.md                              the card rendered for people
                                                    (heartscore.card.ModelCard.render)
  models/report.json                                all figures the README quotes
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import heartscore
from heartscore.card import ModelCard
from heartscore.corpus import corpus_path, file_sha256, load_base, load_corpus
from heartscore.evaluation import bootstrap_ci, polarity_macro_f1, signal_macro_f1
from heartscore.persistence import read_card, save
from heartscore.preprocess import to_docs
from heartscore.training import TrainConfig, split_frame, train

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "models" / f"heartscore-{heartscore.__version__}.hsm"
CARD_COPY = OUT.with_name(OUT.stem + ".card.json")
SIGNALS = ["trust", "safety", "seen", "mattering"]
REAL = ROOT / "corpora" / "real" / "real.csv"
DISTANT = ROOT / "corpora" / "real" / "distant.csv"
#: The 0.3.0 recipe: each setting chosen on dev rows, leave-one-source-out
#: (benchmarks/levers.py; the card's lever table).
CONFIG = TrainConfig(with_base=True)  # the defaults are the recipe


def vader_polarity(texts, band):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    sia = SentimentIntensityAnalyzer()
    comp = np.array([sia.polarity_scores(t)["compound"] for t in texts])
    return comp


def vader_labels(comp, band):
    return np.where(comp >= band, "good", np.where(comp <= -band, "bad", "neutral")).astype(object)


def ci(metric, *arrays):
    v, lo, hi = bootstrap_ci(metric, *arrays, n_boot=1000, seed=0)
    return {"value": round(v, 4), "ci_low": round(lo, 4), "ci_high": round(hi, 4)}


def rerender_card() -> int:
    """Write the card copy and re-render MODEL_CARD.md from the card inside the saved model
    and models/real_eval.json (written by benchmarks/real_eval.py --write), without
    retraining."""
    card: ModelCard = read_card(OUT)
    CARD_COPY.write_text(json.dumps(card.to_dict(), indent=2, ensure_ascii=False) + "\n",
                         encoding="utf-8")
    reports = [ROOT / "models" / name for name in ("real_eval.json", "levers.json")]
    real, levers = (json.loads(p.read_text()) if p.exists() else None for p in reports)
    (ROOT / "models" / "MODEL_CARD.md").write_text(card.render(real, levers))
    return 0


def main() -> int:
    if "--card-only" in sys.argv:
        return rerender_card()
    written = load_corpus()
    real = pd.read_csv(REAL, dtype={"id": str, "source_id": str}, keep_default_na=False)
    for name in SIGNALS:
        real[name] = real[name].astype(int)
    config = CONFIG
    base = load_base(kinds=("written", "distant"))

    def info(path: Path, rows: int) -> dict:
        return {"file": path.relative_to(ROOT).as_posix(), "sha256": file_sha256(path),
                "rows": rows}

    corpus_info = {**info(REAL, len(real)),
                   "also": [info(corpus_path(), len(written)),
                            info(DISTANT, int((base["kind"] == "distant").sum()))]}
    # The real corpus is the "company" data: its train rows train, its dev rows tune the
    # thresholds, its test rows give the card's in-source test figure (the headline is
    # benchmarks/real_eval.py's leave-one-source-out table).
    model = train(real[["text", "polarity", *SIGNALS, "split"]], config, name=OUT.stem,
                  corpus_info=corpus_info, base=base)
    model.card.command = "python scripts/build_model.py"
    df = written  # the hand-written test split: the second, comparable-to-0.1.0 figure
    parts = split_frame(df, config)
    dev, test = parts["dev"], parts["test"]

    # VADER baseline, neutral band chosen on dev
    grid = np.round(np.arange(0.0, 0.81, 0.025), 3)
    dev_comp = vader_polarity(dev["text"].tolist(), None)
    dev_truth = dev["polarity"].to_numpy(dtype=object)
    band = float(max(grid, key=lambda b: polarity_macro_f1(dev_truth, vader_labels(dev_comp, b))))
    test_comp = vader_polarity(test["text"].tolist(), None)
    truth = test["polarity"].to_numpy(dtype=object)
    vader_pred = vader_labels(test_comp, band)

    pred = model.estimator.predict_detailed(test["text"].tolist(), evidence=False)
    hs_pol = np.asarray(pred.labels["polarity"], dtype=object)
    sig_true = test[SIGNALS].to_numpy(dtype=int)
    sig_pred = np.array([pred.labels[s] for s in SIGNALS], dtype=int).T

    report = {
        "model": OUT.name, "corpus": corpus_info, "rows": model.card.rows,
        "heartscore": {"polarity_macro_f1": ci(polarity_macro_f1, truth, hs_pol),
                       "signal_macro_f1": ci(signal_macro_f1, sig_true, sig_pred)},
        "vader": {"neutral_band": band,
                  "polarity_macro_f1": ci(polarity_macro_f1, truth, vader_pred)},
        "difference_polarity_macro_f1": ci(
            lambda t, a, b: polarity_macro_f1(t, a) - polarity_macro_f1(t, b),
            truth, hs_pol, vader_pred),
    }

    def breakdown(mask_by):
        out = {}
        for key, idx in mask_by.items():
            idx = np.asarray(idx)
            if idx.sum() < 10:
                continue
            out[key] = {"n": int(idx.sum()),
                        "polarity_macro_f1": round(polarity_macro_f1(truth[idx], hs_pol[idx]), 4),
                        "vader_polarity_macro_f1": round(
                            polarity_macro_f1(truth[idx], vader_pred[idx]), 4),
                        "signal_macro_f1": round(signal_macro_f1(sig_true[idx], sig_pred[idx]), 4)}
        return out

    report["by_domain"] = breakdown({d: (test["domain"] == d).to_numpy()
                                     for d in sorted(test["domain"].unique())})
    report["by_style"] = breakdown({s: (test["style"] == s).to_numpy()
                                    for s in sorted(test["style"].unique())})
    docs = list(to_docs(test["text"].tolist(), model.estimator._nlp()))
    has_cue = np.array([bool(d._.hs_cues) for d in docs])
    report["by_cue_match"] = breakdown({"with a cue-lexicon match": has_cue,
                                        "without a cue-lexicon match": ~has_cue})
    report["test_metrics"] = model.card.metrics
    model.card.baseline_vader = report["vader"]
    save(model, OUT)
    (ROOT / "models" / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    rerender_card()  # from the card as saved: save adds the versions, date and file hash
    print(json.dumps({k: report[k] for k in ("heartscore", "vader")}, indent=2))
    print(f"wrote {OUT} and {CARD_COPY.name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
