"""Draw a batch of real feedback from ../shared/realdata into labelling units.

Usage: python scripts/real/draw.py --batch b1 --per-source 300 [--sources a,b,...]

For each source, whole reviews are drawn (never a row already in corpora/real/units.jsonl):
half at random, half "enriched" toward service talk by source metadata and the committed
keyword list corpora/real/enrich_keywords.txt (never heartscore's model or cue lists).
Each review is cut into units of at most ~5 sentences (Booking texts, whose punctuation
was stripped upstream, into chunks of at most 90 words); contact and account numbers are
masked. New units are appended to corpora/real/units.jsonl with their batch name.
"""
from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT.parent / "shared" / "realdata"
UNITS = ROOT / "corpora" / "real" / "units.jsonl"
KEYWORDS = ROOT / "corpora" / "real" / "enrich_keywords.txt"
PEOPLE = ROOT / "corpora" / "real" / "enrich_people.txt"

SOURCES = {  # file stem -> (short source name, domain)
    "womens-ecommerce-clothing": "retail",
    "booking-515k": "hotel",
    "amazon-fine-food": "food",
    "cfpb-complaints": "bank",
    "nhs-fft-pxtextmining": "health",
    "insideairbnb-albany": "short-stay",
}
AIRBNB_CAP = 1500  # the source's data policy: at most 1,500 Inside Airbnb texts in the corpus

MASKS = [  # order matters: e-mail and card before the looser number patterns
    ("[EMAIL]", re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")),
    ("[CARD]", re.compile(r"\b(?:\d[ -]?){12,18}\d\b")),
    ("[PHONE]", re.compile(r"(?:\+?\d{1,2}[ .-]?)?\(?\b\d{3}\)?[-. ]\d{3}[-. ]\d{4}\b"
                           r"|\b0\d{4}[ ]?\d{6}\b|\b0\d{3}[ ]?\d{3}[ ]?\d{4}\b")),
    ("[ACCOUNT]", re.compile(r"\b\d{8,}\b")),
]


def mask(text: str) -> str:
    """Replace e-mail addresses, card, phone and account numbers with placeholders."""
    for token, pattern in MASKS:
        text = pattern.sub(token, text)
    return text


SENT_END = re.compile(r"(?<=[.!?])\s+|(?:<br\s*/?>\s*){2,}|\n\s*\n")


def units_of(text: str, source: str, max_sents: int = 5, max_chars: int = 700) -> list[str]:
    """Cut one review into labelling units (whole when short)."""
    if source == "booking-515k":  # no punctuation upstream: chunk by words
        words = text.split()
        if len(words) <= 120:
            return [text]
        n = -(-len(words) // 90)
        size = -(-len(words) // n)
        return [" ".join(words[i:i + size]) for i in range(0, len(words), size)]
    sents = [s for s in SENT_END.split(text) if s and s.strip()]
    if len(sents) <= max_sents and len(text) <= max_chars:
        return [text]
    out, cur = [], []
    for s in sents:
        if cur and (len(cur) >= max_sents or len(" ".join(cur)) + len(s) > max_chars):
            out.append(" ".join(cur))
            cur = []
        cur.append(s.strip())
    if cur:
        out.append(" ".join(cur))
    return out


def keyword_re(path: Path = KEYWORDS) -> re.Pattern:
    stems = [w.strip() for w in path.read_text().splitlines() if w.strip() and not w.startswith("#")]
    return re.compile(r"\b(?:" + "|".join(re.escape(s) for s in stems) + r")", re.I)


def enriched(row: dict, kw: re.Pattern, people: re.Pattern | None = None) -> bool:
    """The enrichment rule: source metadata or >= 2 service keywords (batch b1); from batch b2
    on, alternatively a word about how people treated the writer (enrich_people.txt)."""
    meta, text = row["meta"], row["text"]
    if people is not None and people.search(text):
        return True
    hits = len(kw.findall(text))
    src = row["source"]
    if src == "womens-ecommerce-clothing":
        return hits >= 2 or (meta.get("rating", 5) <= 2 and hits >= 1)
    if src == "amazon-fine-food":
        return hits >= 2 or (meta.get("rating", 5) <= 2 and hits >= 1)
    if src == "booking-515k":
        return hits >= 2
    if src == "cfpb-complaints":  # all are complaints; prefer the consumer's own story over FCRA letters
        return hits >= 3 and not re.search(r"\b(?:605B|609|611|15 U\.?S\.?C)", text)
    if src == "nhs-fft-pxtextmining":
        return hits >= 1 or meta.get("fft_score") in {"3", "4", "5"}
    if src == "insideairbnb-albany":
        return hits >= 2
    raise ValueError(src)


def enriched_b3(row: dict, people: re.Pattern) -> bool:
    """Batch b3's rule, by metadata: toward complaints about how people were treated and
    toward texts that judge little (b1-b2 had few `mattering -1` and few `neutral` texts)."""
    meta, text, src = row["meta"], row["text"], row["source"]
    if src == "nhs-fft-pxtextmining":  # FFT 3-5 = neither / poor / very poor
        return meta.get("fft_score") in {"3", "4", "5"} or meta.get("question") == "What could we do better?"
    if src == "booking-515k":  # a disliked part by an unhappy guest that talks about people
        return meta.get("part") == "negative" and meta.get("reviewer_score", 10) < 7.5 \
            and bool(people.search(text))
    if src == "cfpb-complaints":
        return bool(people.search(text))
    if src in ("womens-ecommerce-clothing", "amazon-fine-food"):  # 3-star: mixed, often neutral
        return meta.get("rating") == 3
    return False


def source_id(row: dict) -> str:
    if row["source"] == "booking-515k":  # both parts of one stay are one review
        return "booking-515k-" + row["meta"]["review_key"]
    return row["id"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", required=True)
    ap.add_argument("--per-source", default="300",
                    help="units per source: one number, or source=n,source=n")
    ap.add_argument("--sources", default=",".join(SOURCES))
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--people", action="store_true", help="also enrich by enrich_people.txt")
    ap.add_argument("--rule", choices=["keywords", "b3"], default="keywords",
                    help="enrichment rule: keyword lists (b1, b2) or b3's metadata rule")
    args = ap.parse_args()
    kw = keyword_re()
    people_re = keyword_re(PEOPLE)
    people = people_re if args.people else None
    existing = [json.loads(l) for l in UNITS.open()] if UNITS.exists() else []
    seen_src = {u["source_id"] for u in existing}
    new = []
    for stem in args.sources.split(","):
        rows = [json.loads(l) for l in (REAL / f"{stem}.jsonl").open()]
        if stem == "nhs-fft-pxtextmining":  # the v6 file only: its trusts agreed to publication
            rows = [r for r in rows if not r["id"].startswith("nhs-fft-p1-")]
        rng = random.Random(f"{args.seed}-{args.batch}-{stem}")
        by_review: dict[str, list[dict]] = {}
        for r in rows:
            by_review.setdefault(source_id(r), []).append(r)
        keys = [k for k in by_review if k not in seen_src]
        rng.shuffle(keys)
        if args.rule == "b3":
            pool_enriched = [k for k in keys if any(enriched_b3(r, people_re) for r in by_review[k])]
        else:
            pool_enriched = [k for k in keys if any(enriched(r, kw, people) for r in by_review[k])]
        target = int(dict(kv.split("=") for kv in args.per_source.split(","))[stem]
                     if "=" in args.per_source else args.per_source)
        if stem == "insideairbnb-albany":
            have = sum(1 for u in existing if u["source"] == stem)
            target = min(target, AIRBNB_CAP - have)
        taken, counts = set(), {"random": 0, "enriched": 0}
        iters = {"random": iter(keys), "enriched": iter(pool_enriched)}
        while sum(counts.values()) < target:
            how = "random" if counts["random"] <= counts["enriched"] else "enriched"
            k = next((k for k in iters[how] if k not in taken), None)
            if k is None:
                break
            taken.add(k)
            for r in by_review[k]:
                for i, text in enumerate(units_of(r["text"], stem)):
                    uid = r["id"] if i == 0 else f"{r['id']}-u{i}"
                    new.append({"id": uid, "source": stem, "source_id": k, "domain": SOURCES[stem],
                                "licence": r["licence"], "drawn": how, "batch": args.batch,
                                "text": mask(text)})
                    counts[how] += 1
        print(stem, counts)
    with UNITS.open("a") as f:
        for u in new:
            f.write(json.dumps(u, ensure_ascii=False) + "\n")
    print(len(new), "new units ->", UNITS)


if __name__ == "__main__":
    main()
