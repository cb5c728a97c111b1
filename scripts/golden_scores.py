"""Record what the shipped model outputs for a fixed set of texts, so that code changes can be
checked to change no output (tests/test_golden.py compares against it).

    python scripts/golden_scores.py      # after rebuilding the model, or on purpose

Texts: every 10th corpus text plus edge cases (empty, emoji, handles, long, negations).
Written: tests/data/golden_scores.jsonl. The first line names the model that produced it, the
label and probability column order and the precision; then one row per text with what a
user sees of it:

- ``text`` and ``labels``: the five labels (polarity, then the signals);
- ``p``: the class probabilities, ``heart_score`` and ``confidence``, rounded to PRECISION
  decimals (3: a change below 0.0005 is incidental floating point, anything above is not);
- ``low_confidence``;
- ``evidence``: per label, the evidence spans as [start, end] character offsets, in the
  order the model ranks them (the weights themselves are not recorded; their order is).

The byte-exact output of the CLI is pinned separately (tests/io/test_cli_outputs.py).
"""
import json
from pathlib import Path

import pandas as pd

import heartscore

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "golden_scores.jsonl"
PRECISION = 3

EDGE = ["", " ", "NOT good!!! :( @united http://x.co", "Nobody ignored us!!! SOOO good @hotel 😀",
        "No one called me back, the agent was rude.", "On hold for 2hrs and nobody answered",
        "It was fine but they never called back. However the food was great",
        "#1 service, 83 minutes wait, $45 refund", "not not not", "but", "xD xD lol",
        "I'm never going back... Ever!!!", "The nurse remembered my daughter's name ❤️",
        "Delta lost my bag, never again!!!", "The staff were not snobby at all."]


def golden_rows(model: "heartscore.Model", texts: list[str]) -> tuple[dict, list[dict]]:
    """The head line and one row per text, as recorded (tests/test_golden.py builds the same
    rows from the model running now and compares)."""
    schema = model.schema
    cols = model.score_columns(texts, evidence=True)
    proba = [c for c in schema.output_columns() if c.startswith("p_")]
    head = {"model": model.id, "n": len(texts), "precision": PRECISION,
            "labels": list(schema.labels), "p": proba}
    rows = []
    for i, text in enumerate(texts):
        spans: dict[str, list[list[int]]] = {}
        for e in json.loads(cols["evidence"][i]):
            spans.setdefault(e["label"], []).append([e["start"], e["end"]])
        rows.append({
            "text": text,
            "labels": [_plain(cols[c][i]) for c in schema.labels],
            "p": [round(float(cols[c][i]), PRECISION) for c in proba],
            "heart_score": round(float(cols["heart_score"][i]), PRECISION),
            "confidence": round(float(cols["confidence"][i]), PRECISION),
            "low_confidence": bool(cols["low_confidence"][i]),
            "evidence": spans,
        })
    return head, rows


def golden_texts() -> list[str]:
    """The recorded texts: every 10th corpus text, the edge cases, one long text."""
    corpus = pd.read_csv(ROOT / "corpora" / "heartscore_corpus.csv", keep_default_na=False)
    texts = corpus["text"].tolist()
    return texts[::10] + EDGE + [" ".join(texts[:40])]


def _plain(v):
    return v.item() if hasattr(v, "item") else v


def main() -> None:
    model = heartscore.load()
    head, rows = golden_rows(model, golden_texts())
    with open(OUT, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(head) + "\n")
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{len(rows)} texts scored by {model.id} written to {OUT}")


if __name__ == "__main__":
    main()
