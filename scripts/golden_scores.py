"""Record what the shipped model outputs for a fixed set of texts, so that speed work can be
checked to change nothing (tests/test_golden.py compares against it).

    python scripts/golden_scores.py      # after rebuilding the model, or on purpose

Texts: every 10th corpus text plus edge cases (empty, emoji, handles, long, negations).
Written: tests/data/golden_scores.jsonl (one row per text: text, the label columns, the
evidence JSON) and the id of the model that produced it on the first line.
"""
import json
from pathlib import Path

import pandas as pd

import heartscore

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "golden_scores.jsonl"

EDGE = ["", " ", "NOT good!!! :( @united http://x.co", "Nobody ignored us!!! SOOO good @hotel 😀",
        "No one called me back, the agent was rude.", "On hold for 2hrs and nobody answered",
        "It was fine but they never called back. However the food was great",
        "#1 service, 83 minutes wait, $45 refund", "not not not", "but", "xD xD lol",
        "I'm never going back... Ever!!!", "The nurse remembered my daughter's name ❤️",
        "Delta lost my bag, never again!!!", "The staff were not snobby at all."]


def main() -> None:
    corpus = pd.read_csv(ROOT / "corpora" / "heartscore_corpus.csv", keep_default_na=False)
    texts = corpus["text"].tolist()[::10] + EDGE + [" ".join(corpus["text"].tolist()[:40])]
    model = heartscore.load()
    cols = model.score_columns(texts, evidence=True)
    with open(OUT, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"model": model.id, "n": len(texts)}) + "\n")
        for i, text in enumerate(texts):
            row = {"text": text}
            for c, values in cols.items():
                v = values[i]
                row[c] = v.item() if hasattr(v, "item") else v
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(texts)} texts scored by {model.id} written to {OUT}")


if __name__ == "__main__":
    main()
