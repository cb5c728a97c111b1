"""Check the dev-chosen settings for cross-domain generalisation: leave-one-writer-out on
the train split (each writer wrote different domains, so a held-out writer is unseen domains
and an unseen writing hand). Never touches dev or test.

Criterion printed: mean held-out log-loss and arg-max signal/polarity macro-F1 per setting.
Usage: python scripts/tune_cross_domain.py
"""
import itertools

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss

from heartscore.corpus import labels_matrix, load_corpus
from heartscore.evaluation import polarity_macro_f1, signal_macro_f1
from heartscore.features import _CUE_SLICE, _VALENCE_SLICE, DocFeaturizer
from heartscore.labels import DEFAULT_SCHEMA
from heartscore.preprocess import build_nlp, to_docs

df = load_corpus()
tr = df[df.split == "train"].reset_index(drop=True)
writer = tr["batch"].str.split("-").str[0].to_numpy()
nlp = build_nlp()
docs = list(to_docs(tr.text.tolist(), nlp))
Y = labels_matrix(tr)
settings = list(itertools.product([0.1, 0.3, 1.0], [2.0, 4.0, 8.0], [1.0, 3.0]))
results = {s: [] for s in settings}
for w in sorted(set(writer)):
    test = writer == w
    feat = DocFeaturizer().fit([d for d, t in zip(docs, test) if not t])
    X0 = feat.transform(docs).tocsc()
    for C, cw, lw in settings:
        scale = np.ones(X0.shape[1])
        scale[_CUE_SLICE] = cw
        scale[_VALENCE_SLICE] = lw
        X = X0.multiply(scale[None, :]).tocsr()
        losses, preds = [], {}
        for j, label in enumerate(DEFAULT_SCHEMA.labels):
            classes = list(DEFAULT_SCHEMA.classes(label))
            y = np.array([classes.index(v) for v in Y[:, j]])
            head = LogisticRegression(C=C, max_iter=3000).fit(X[~test], y[~test])
            p = head.predict_proba(X[test])
            losses.append(log_loss(y[test], p, labels=[0, 1, 2]))
            preds[label] = np.array(classes, dtype=object)[p.argmax(1)]
        pol = polarity_macro_f1(Y[test, 0], preds["polarity"])
        sig = signal_macro_f1(Y[test, 1:].astype(int),
                              np.array([preds[s] for s in DEFAULT_SCHEMA.signals], dtype=int).T)
        results[(C, cw, lw)].append((np.mean(losses), pol, sig))
    print("held out", w, flush=True)
for s, r in sorted(results.items(), key=lambda kv: np.mean([x[0] for x in kv[1]])):
    r = np.array(r)
    print(f"C={s[0]:<4} cue={s[1]:<4} lex={s[2]:<4} logloss={r[:, 0].mean():.4f} "
          f"pol_f1={r[:, 1].mean():.3f} sig_f1={r[:, 2].mean():.3f}")
