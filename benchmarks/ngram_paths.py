"""DocFeaturizer's n-gram path against scikit-learn's CountVectorizer, on the same token keys.

    python benchmarks/ngram_paths.py            # 5,000 texts: corpora/real/real.csv first,
    python benchmarks/ngram_paths.py --n 2000   #   then corpora/heartscore_corpus.csv

The shipped model's fitted featurizer turns the texts into one token batch (per-word facts,
``NEG_`` marking and name masking included: :func:`heartscore.word_facts.token_batch`). From
those same token keys, in the same run, alternating, best of ``--repeat``:

- **vectorised** (heartscore.ngrams): every uni- and bigram of the batch as packed integer
  keys, looked up in the vocabulary, counted per doc, as a CSR block — plus the occurrence
  arrays (doc, column, character span) the evidence needs;
- **CountVectorizer** (``analyzer=`` a callable giving a doc's gram keys, ``vocabulary=`` the
  fitted one) and ``TfidfTransformer(use_idf=False, norm=None, sublinear_tf=True)`` for the
  same 1 + log(count) values; counts only — the evidence would still need the occurrences.

It checks the two blocks are equal (same columns, same values) and prints both times.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

import heartscore
from heartscore.ngrams import (UID_BASE, gram_counts, gram_index, gram_occurrences,
                               vocabulary_occurrences)

ROOT = Path(__file__).resolve().parents[1]
_N_TAG = 61  # gram keys of different sizes kept apart: n << 61 | packed key


def texts(n: int) -> list[str]:
    real = pd.read_csv(ROOT / "corpora" / "real" / "real.csv", keep_default_na=False)["text"]
    written = pd.read_csv(ROOT / "corpora" / "heartscore_corpus.csv",
                          keep_default_na=False)["text"]
    return (real.tolist() + written.tolist())[:n]


def vectorised(tb, fz, uni_col, gram_keys) -> sp.csr_matrix:
    o_doc, o_col, _, _ = vocabulary_occurrences(gram_occurrences(tb, fz.ngram_range),
                                                uni_col, gram_keys)
    F = fz.n_features_out_
    pair, _, _, g_vals = gram_counts(o_doc, o_col, F)
    return sp.csr_matrix((g_vals, (pair // F, pair % F)), shape=(len(tb.bounds) - 1, F))


def count_vectorizer(tb, fz, vocab: dict[int, int]) -> sp.csr_matrix:
    lo, hi = fz.ngram_range

    def analyzer(keys: np.ndarray) -> list[int]:
        """A doc's gram keys (a plain loop: faster here than numpy per doc, measured)."""
        out = []
        ks = keys.tolist()
        for n in range(lo, hi + 1):
            for i in range(len(ks) - n + 1):
                part = ks[i:i + n]
                if min(part) < 0:
                    continue
                key = 0
                for p in part:
                    key = key * UID_BASE + p
                out.append(n << _N_TAG | key)
        return out

    docs = [tb.key[a:b] for a, b in zip(tb.bounds[:-1], tb.bounds[1:])]
    cv = CountVectorizer(analyzer=analyzer, vocabulary=vocab, dtype=np.float64)
    counts = cv.transform(docs)
    return TfidfTransformer(use_idf=False, norm=None, sublinear_tf=True).fit_transform(counts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    est = heartscore.load().estimator
    fz = est.featurizer_
    docs = est.to_docs(texts(args.n))
    fz.transform(docs[:1])  # builds the look-up tables and the per-word cache
    uid_of, uni_col, gram_keys = gram_index(fz.vocabulary_)
    tb = fz._tokens(docs, fz._transform_cache())
    offset = len(fz._dense_names())
    vocab = {}  # the fitted vocabulary by tagged key, columns as in DocFeaturizer's block
    for g, col in fz.vocabulary_.items():
        key = 0
        for part in g.split(" "):
            key = key * UID_BASE + uid_of[part]
        vocab[len(g.split(" ")) << _N_TAG | key] = col - offset  # 0-based for sklearn
    times: dict[str, list[float]] = {"vectorised": [], "CountVectorizer": []}
    for _ in range(args.repeat):
        t = time.perf_counter()
        a = vectorised(tb, fz, uni_col, gram_keys)
        times["vectorised"].append(time.perf_counter() - t)
        t = time.perf_counter()
        b = count_vectorizer(tb, fz, vocab)
        times["CountVectorizer"].append(time.perf_counter() - t)
    a = a[:, offset:].tocsr()  # the n-gram block (the dense features come first)
    b = sp.csr_matrix(b)
    same_cols = a.shape == b.shape and (a != b).nnz == 0
    print(f"{len(docs)} docs, {len(tb.key)} tokens, {a.nnz} non-zero n-gram cells, "
          f"{len(fz.vocabulary_)} n-grams in the vocabulary; identical blocks: {same_cols}")
    for name, ts in times.items():
        print(f"{name:16s} best {min(ts) * 1000:8.1f} ms   median {np.median(ts) * 1000:8.1f} ms")
    ratio = min(times["CountVectorizer"]) / min(times["vectorised"])
    print(f"CountVectorizer / vectorised (best): {ratio:.2f}x")


if __name__ == "__main__":
    main()
