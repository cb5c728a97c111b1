import numpy as np
from spacy.strings import StringStore

from heartscore.lexcache import LexemeCache


def _store(words):
    strings = StringStore()
    return strings, np.asarray([strings.add(w) for w in words], dtype=np.uint64)


def test_rows_give_each_token_its_words_facts_computed_once():
    calls = []

    def compute(text):
        calls.append(text)
        return (len(text), text.isupper())

    cache = LexemeCache(compute, (np.int64, np.bool_))
    strings, orths = _store(["good", "BAD", "good", "ok", "BAD"])
    rows = cache.rows(orths, strings)
    assert cache.column(0)[rows].tolist() == [4, 3, 4, 2, 3]
    assert cache.column(1)[rows].tolist() == [False, True, False, False, True]
    assert sorted(calls) == ["BAD", "good", "ok"]
    cache.rows(orths, strings)  # a second batch of known words computes nothing
    assert len(calls) == 3 and len(cache) == 3


def test_columns_grow_past_their_first_size_and_the_cache_clears_at_its_limit():
    cache = LexemeCache(lambda t: (int(t[1:]),), (np.int64,), limit=3000)
    strings, orths = _store([f"w{i}" for i in range(2500)])
    rows = cache.rows(orths, strings)
    assert np.array_equal(cache.column(0)[rows], np.arange(2500))  # beyond the initial 1024
    strings2, more = _store([f"w{i}" for i in range(2500, 5000)])
    rows = cache.rows(more, strings2)
    assert len(cache) == 5000 and np.array_equal(cache.column(0)[rows], np.arange(2500, 5000))
    rows = cache.rows(orths[:10], strings)  # over the limit: cleared before this batch
    assert len(cache) == 10 and cache.column(0)[rows].tolist() == list(range(10))


def test_an_empty_batch():
    cache = LexemeCache(lambda t: (1,), (np.int8,))
    assert len(cache.rows(np.zeros(0, dtype=np.uint64), None)) == 0
