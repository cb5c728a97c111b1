"""Packed n-gram keys: found per batch, never across docs or masked words, and looked up in
a vocabulary by the same keys the vocabulary's strings give."""
import numpy as np

from heartscore.ngrams import (UID_BASE, decode, gram_counts, gram_index, gram_occurrences,
                               vocabulary_occurrences)
from heartscore.word_facts import TokenBatch


def _batch(keys_per_doc):
    keys = np.concatenate([np.asarray(k, dtype=np.int64) for k in keys_per_doc])
    lengths = [len(k) for k in keys_per_doc]
    start = np.arange(len(keys), dtype=np.int64) * 10
    return TokenBatch(doc=np.repeat(np.arange(len(lengths)), lengths),
                      bounds=np.r_[0, np.cumsum(lengths)], key=keys, start=start,
                      end=start + 5, negated=np.zeros(len(keys), bool),
                      valence=np.zeros(len(keys)), contrast=np.zeros(len(keys), bool),
                      orth=np.zeros(len(keys), np.uint64))


def test_bigrams_never_span_two_docs_or_a_masked_word():
    tb = _batch([[0, 1, -1, 2], [3, 4]])
    occ = gram_occurrences(tb, (1, 2))
    doc, key, start, end = occ[2]
    pairs = [divmod(k, UID_BASE) for k in key.tolist()]
    assert pairs == [(0, 1), (3, 4)]  # not (1, -1), (-1, 2) nor (2, 3) across the docs
    assert doc.tolist() == [0, 1]
    assert start.tolist() == [0, 40] and end.tolist() == [15, 55]
    assert occ[1][1].tolist() == [0, 1, 2, 3, 4]


def test_vocabulary_look_up_counts_per_doc_with_sublinear_values():
    vocabulary = {"a": 10, "b": 11, "a b": 12}
    uid_of, uni_col, gram_keys = gram_index(vocabulary)
    a, b = uid_of["a"], uid_of["b"]
    tb = _batch([[a, b, a, b], [b, b]])  # "b b" is not in the vocabulary
    o_doc, o_col, _, _ = vocabulary_occurrences(gram_occurrences(tb, (1, 2)), uni_col,
                                                gram_keys)
    pair, inv, cnt, vals = gram_counts(o_doc, o_col, 20)
    got = {(int(p // 20), int(p % 20)): (int(c), float(v)) for p, c, v in zip(pair, cnt, vals)}
    assert got[(0, 12)] == (2, 1.0 + np.log(2))  # "a b" twice in doc 0
    assert got[(0, 10)] == (2, 1.0 + np.log(2))
    assert got[(0, 11)] == (2, 1.0 + np.log(2))
    assert got[(1, 11)] == (2, 1.0 + np.log(2))
    assert set(got) == {(0, 10), (0, 11), (0, 12), (1, 11)}


def test_decode_marks_odd_ids_as_negated():
    names = ["good", "staff"]
    key = np.array([(2 * 1) * UID_BASE + (2 * 0 + 1)])  # "staff NEG_good"
    assert decode(key, 2, names) == ["staff NEG_good"]
