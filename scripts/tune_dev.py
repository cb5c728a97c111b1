"""Choose C, cue_weight and lexicon_weight on the dev split (never test).

Criterion: mean dev log-loss over the five heads (a proper scoring rule, independent of the
decision thresholds tuned later). Prints a table; the chosen values go into TrainConfig's
defaults by hand, with the date. Usage: python scripts/tune_dev.py
"""
import itertools

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, log_loss

from heartscore.corpus import labels_matrix, load_corpus
from heartscore.evaluation import polarity_macro_f1, signal_macro_f1
from heartscore.features import DocFeaturizer, _CUE_SLICE, _VALENCE_SLICE
from heartscore.labels import DEFAULT_SCHEMA
from heartscore.preprocess import build_nlp, to_docs

df = load_corpus()
tr, dev = df[df.split == "train"], df[df.split == "dev"]
nlp = build_nlp()
dtr = list(to_docs(tr.text.tolist(), nlp))
ddev = list(to_docs(dev.text.tolist(), nlp))
feat = DocFeaturizer().fit(dtr)
Xtr0, Xdev0 = feat.transform(dtr).tocsc(), feat.transform(ddev).tocsc()
Ytr, Ydev = labels_matrix(tr), labels_matrix(dev)


def scaled(X, cw, lw):
    X = X.copy()
    scale = np.ones(X.shape[1])
    scale[_CUE_SLICE] = cw
    scale[_VALENCE_SLICE] = lw
    return (X @ np.diag(scale) if False else X.multiply(scale[None, :])).tocsr()


rows = []
for C, cw, lw in itertools.product([0.3, 1.0, 3.0], [1.0, 2.0, 4.0], [1.0, 2.0, 4.0]):
    Xtr, Xdev = scaled(Xtr0, cw, lw), scaled(Xdev0, cw, lw)
    losses, preds = [], {}
    for j, label in enumerate(DEFAULT_SCHEMA.labels):
        classes = list(DEFAULT_SCHEMA.classes(label))
        ytr = np.array([classes.index(v) for v in Ytr[:, j]])
        ydev = np.array([classes.index(v) for v in Ydev[:, j]])
        head = LogisticRegression(C=C, max_iter=3000).fit(Xtr, ytr)
        p = head.predict_proba(Xdev)
        losses.append(log_loss(ydev, p, labels=[0, 1, 2]))
        preds[label] = np.array(classes, dtype=object)[p.argmax(1)]
    pol = polarity_macro_f1(Ydev[:, 0], preds["polarity"])
    sig = signal_macro_f1(Ydev[:, 1:].astype(int),
                          np.array([preds[s] for s in DEFAULT_SCHEMA.signals], dtype=int).T)
    rows.append((np.mean(losses), C, cw, lw, pol, sig))
    print(f"C={C:<4} cue={cw:<4} lex={lw:<4} logloss={np.mean(losses):.4f} "
          f"pol_f1={pol:.3f} sig_f1(argmax)={sig:.3f}", flush=True)
best = min(rows)
print("best by dev log-loss:", dict(zip(["logloss", "C", "cue_weight", "lexicon_weight",
                                         "pol_f1", "sig_f1"], best)))
