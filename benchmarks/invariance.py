"""Invariance benchmark: does appending a neutral sentence change a text's labels?

    python benchmarks/invariance.py [--model PATH] [--trusted] [--write]

Each of the 20 neutral sentences in ``SENTENCES`` (fixed before measuring; dates, times,
numbers, places) is appended, one at a time, to every distinct ``text`` of the behavioural
suite (``tests/data/checklist.jsonl``, every case type; a text that several cases share counts
once): all 20 x N (text, sentence) pairs, no sampling. A pair is *unchanged* when no label the
model outputs (polarity and every signal of its schema: trust, safety, seen, mattering, ...)
differs between the text and the text with the sentence appended. Reports the unchanged share
overall, per appended sentence and how often each label changed. Issue 16's target: >= 98%.
``--write`` saves ``models/invariance.json``; the model is the shipped one unless ``--model``.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "data" / "checklist.jsonl"
OUT = ROOT / "models" / "invariance.json"
CHECK = ROOT / "benchmarks" / "data" / "invariance_check.txt"
TARGET = 0.98

#: The neutral sentences, fixed before the first measurement (tests/test_invariance_benchmark.py
#: pins their hash): no judgement, no service event; dates, times, numbers and places.
SENTENCES: tuple[str, ...] = (
    "I was there on a Tuesday.",
    "We arrived at 7pm.",
    "Order number 4417.",
    "It was in March 2023.",
    "We were in Leeds for the weekend.",
    "My booking was for two adults.",
    "This was on the 14th of June.",
    "I went back on Friday morning.",
    "The appointment was at 10:30.",
    "We parked on the second floor.",
    "I paid by card.",
    "There were four of us.",
    "It was about half past six.",
    "The branch is on Station Road.",
    "I live about 20 minutes away.",
    "My reference is 88213.",
    "We flew in from Manchester.",
    "It was raining that day.",
    "This was my first visit in 2022.",
    "I am writing this on my phone.",
)


def check_sentences(path: Path | None = None) -> list[str]:
    """The blind check set: neutral sentences written by someone who saw neither
    ``SENTENCES`` nor heartscore's training list, for a second figure (never trained on)."""
    text = (path or CHECK).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines()
            if line.strip() and not line.startswith("#")]


def sentences_sha256(sentences: Sequence[str] = SENTENCES) -> str:
    """sha256 of the sentences joined by newlines, in order."""
    return hashlib.sha256("\n".join(sentences).encode("utf-8")).hexdigest()


def appended(text: str, sentence: str) -> str:
    """The text with the sentence appended after one space (trailing whitespace dropped)."""
    return f"{text.rstrip()} {sentence}"


def suite_texts(path: Path = CASES) -> list[str]:
    """Every distinct case text of the behavioural suite, in file order."""
    texts = (json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip())
    return list(dict.fromkeys(texts))


def label_values(result) -> dict[str, object]:
    """Polarity and every signal of one result, by label name."""
    return {"polarity": result.polarity, **dict(result.signals)}


def invariance(model, texts: Sequence[str], sentences: Iterable[str] = SENTENCES,
               examples: int = 3) -> dict:
    """Share of (text, sentence) pairs whose labels all stay the same when the sentence is
    appended, overall and per sentence, with per-label change counts and up to ``examples``
    changed texts per sentence. ``model`` needs ``score_many(list[str])`` returning results
    with ``polarity`` and a ``signals`` mapping."""
    if isinstance(texts, str):
        raise TypeError("texts must be a sequence of texts, not one str")
    texts = list(texts)
    base = [label_values(r) for r in model.score_many(texts)]
    per_sentence, by_label, total_unchanged = [], Counter(), 0
    for sentence in sentences:
        after = [label_values(r) for r in model.score_many([appended(t, sentence) for t in texts])]
        changed_here, shown = Counter(), []
        unchanged = 0
        for text, a, b in zip(texts, base, after, strict=True):
            diff = [k for k in a if a[k] != b.get(k)]
            if not diff:
                unchanged += 1
                continue
            changed_here.update(diff)
            if len(shown) < examples:
                shown.append({"text": text,
                              "changed": {k: [a[k], b.get(k)] for k in diff}})
        by_label.update(changed_here)
        total_unchanged += unchanged
        per_sentence.append({"sentence": sentence, "unchanged": unchanged, "pairs": len(texts),
                             "share": round(unchanged / len(texts), 4) if texts else None,
                             "changed_labels": dict(sorted(changed_here.items())),
                             "examples": shown})
    pairs = len(texts) * len(per_sentence)
    return {"texts": len(texts), "sentences": len(per_sentence), "pairs": pairs,
            "unchanged": total_unchanged,
            "share": round(total_unchanged / pairs, 4) if pairs else None,
            "changed_labels": dict(sorted(by_label.items())),
            "per_sentence": per_sentence}


def _write(path: Path, data: dict) -> None:
    """Write JSON to a temporary file beside ``path``, then rename it into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", help="model file (default: the shipped model)")
    ap.add_argument("--trusted", action="store_true", help="allow a pickle (.joblib) model")
    ap.add_argument("--write", action="store_true", help=f"write {OUT.relative_to(ROOT)}")
    args = ap.parse_args(argv)
    import heartscore
    from heartscore.errors import HeartscoreError
    try:
        model = heartscore.load(args.model, trusted=args.trusted)
    except HeartscoreError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    res = invariance(model, suite_texts())
    blind = invariance(model, suite_texts(), check_sentences(), examples=0)
    out = {"model": model.id, "date": date.today().isoformat(),
           "texts_from": str(CASES.relative_to(ROOT)),
           "method": "every sentence appended (after one space) to every distinct suite text; "
                     "a pair is unchanged when polarity and every signal stay the same",
           "sentences_sha256": sentences_sha256(), "target": TARGET,
           "meets_target": res["share"] >= TARGET, **res,
           "blind_check": {"file": str(CHECK.relative_to(ROOT)), **{
               k: blind[k] for k in ("sentences", "pairs", "unchanged", "share",
                                     "changed_labels")}}}
    print(f"{model.id}: {res['unchanged']}/{res['pairs']} pairs unchanged = {res['share']:.1%} "
          f"(target {TARGET:.0%}; {res['texts']} texts x {res['sentences']} sentences)")
    print("changed labels:", ", ".join(f"{k} {v}" for k, v in res["changed_labels"].items()))
    print(f"blind check set ({blind['sentences']} sentences, {CHECK.name}): "
          f"{blind['share']:.1%} unchanged; changed labels {blind['changed_labels']}")
    for s in sorted(res["per_sentence"], key=lambda s: s["share"]):
        print(f"  {s['share']:.1%}  {s['sentence']}  {s['changed_labels']}")
    if args.write:
        _write(OUT, out)
        print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
