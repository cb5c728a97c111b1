"""The safe model container on its own: every value kind it holds comes back equal, values
it cannot hold are refused at save time with their attribute path, and loading rebuilds
only allow-listed classes, from JSON and pickle-free arrays."""
from __future__ import annotations

import io
import json
import math
import zipfile

import numpy as np
import pytest
import scipy.sparse as sp

from heartscore import safe_format
from heartscore.errors import ModelCompatibilityError, UnsupportedValueError


class Leaf:
    """An allow-listed class without __getstate__/__setstate__ of its own."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


class Guarded:
    """An allow-listed class whose __setstate__ fills in a default (as the estimators do)."""

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k != "cache"}

    def __setstate__(self, state):
        state.setdefault("added_later", "default")
        self.__dict__.update(state)


class Sub(Leaf):
    """A subclass of an allow-listed class is not itself allowed."""


CLASSES = {"Leaf": Leaf, "Guarded": Guarded}


def round_trip(obj, tmp_path, classes=CLASSES, card=None):
    payload = safe_format.encode(obj, classes)
    path = safe_format.write(tmp_path / "x.hsm", payload, card or {"name": "x"})
    container = safe_format.open_container(path)
    assert container.digest == payload.digest
    return container.decode(classes)


def test_every_value_kind_comes_back_equal(tmp_path):
    shared = np.arange(6, dtype=np.int32).reshape(2, 3)
    g = Guarded()
    g.weights, g.cache = shared, object()  # the cache is left out by __getstate__
    obj = Leaf(
        none=None, flag=True, n=-(2 ** 70), x=0.1, nan=math.nan, inf=-math.inf, s="café ❤️",
        items=[1, "a", None], pair=(1, (2.5, "b")), by_int={-1: "minus", 0: "zero"},
        by_tuple={(1, 2): [3]}, tags={"b", "a"}, frozen=frozenset({3, 1}),
        floats=np.array([[0.1, 1e-300], [np.nan, -np.inf]]), mask=np.array([True, False]),
        words=np.array(["bad", "neutral", "good"]), objs=np.array(["x", 1, None], dtype=object),
        f32=np.float32(0.1), i64=np.int64(-7), b=np.bool_(True), u=np.str_("w"),
        X=sp.csr_matrix(np.array([[0, 1.5], [2, 0]])), Y=sp.csc_array(np.eye(3)),
        guarded=g, same=shared, dollar={"$": "not a tag"})
    back = round_trip(obj, tmp_path)
    assert type(back) is Leaf and type(back.guarded) is Guarded
    for key in ("none", "flag", "n", "x", "s", "items", "pair", "by_int", "by_tuple", "tags",
                "frozen", "dollar"):
        assert getattr(back, key) == getattr(obj, key), key
        assert type(getattr(back, key)) is type(getattr(obj, key)), key
    assert math.isnan(back.nan) and back.inf == -math.inf
    for key in ("floats", "mask", "words", "objs"):
        a, b = getattr(obj, key), getattr(back, key)
        assert a.dtype == b.dtype and a.shape == b.shape
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), key
    for key in ("f32", "i64", "b", "u"):
        assert type(getattr(back, key)) is type(getattr(obj, key)) and \
            getattr(back, key) == getattr(obj, key), key
    assert type(back.X) is sp.csr_matrix and (back.X != obj.X).nnz == 0
    assert type(back.Y) is sp.csc_array and (back.Y != obj.Y).nnz == 0
    assert back.guarded.added_later == "default" and not hasattr(back.guarded, "cache")
    assert back.guarded.weights is back.same  # one array, stored once, one array again


def test_the_same_state_gives_the_same_bytes(tmp_path):
    obj = Leaf(tags=set(f"w{i}" for i in range(50)), a=np.ones(3))
    one = safe_format.write(tmp_path / "a.hsm", safe_format.encode(obj, CLASSES), {})
    two = safe_format.write(tmp_path / "b.hsm", safe_format.encode(obj, CLASSES), {})
    assert one.read_bytes() == two.read_bytes()


@pytest.mark.parametrize("value, where, kind", [
    (Leaf(path=__import__("pathlib").Path("x")), "model.path", "pathlib.PosixPath"),
    (Leaf(inner=Leaf(fn=len)), "model.inner.fn", "builtins.builtin_function_or_method"),
    (Leaf(rows=[1, {"k": object()}]), "model.rows[1]['k']", "builtins.object"),
    (Leaf(sub=Sub()), "model.sub", "Sub"),
    (Leaf(dates=np.array(["2024-01-01"], dtype="datetime64[D]")), "model.dates",
     "datetime64[D]"),
])
def test_an_unsupported_value_is_named_by_its_path_and_type(value, where, kind):
    with pytest.raises(UnsupportedValueError) as exc:
        safe_format.encode(value, CLASSES)
    message = str(exc.value)
    assert f"cannot save {where}:" in message and kind in message
    assert "SAFE_CLASSES" in message or "convert it" in message


def test_a_cycle_is_refused():
    loop = Leaf()
    loop.me = [loop]
    with pytest.raises(UnsupportedValueError, match=r"model.me\[0\]: it contains itself"):
        safe_format.encode(loop, CLASSES)


def test_only_allow_listed_classes_come_back(tmp_path):
    path = safe_format.write(tmp_path / "x.hsm", safe_format.encode(Leaf(a=1), CLASSES), {})
    container = safe_format.open_container(path)
    with pytest.raises(ModelCompatibilityError, match="class tag 'Leaf', which is not in the "
                                                      "allow-list"):
        container.decode({"Guarded": Guarded})


def _forge(tmp_path, members):
    """A container whose manifest matches its members (only the content is hostile)."""
    import hashlib
    manifest = {"format": safe_format.CONTAINER,
                "members": {k: {"sha256": hashlib.sha256(v).hexdigest(), "bytes": len(v)}
                            for k, v in members.items()}}
    path = tmp_path / "forged.hsm"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        for k, v in members.items():
            zf.writestr(k, v)
    return path


def test_a_pickled_array_member_is_not_unpickled(tmp_path):
    buf = io.BytesIO()
    np.save(buf, np.array([Leaf()], dtype=object), allow_pickle=True)
    path = _forge(tmp_path, {"card.json": b"{}", "arrays/0.npy": buf.getvalue(),
                             "tree.json": b'{"$": "ndarray", "member": "arrays/0.npy"}'})
    with pytest.raises(ModelCompatibilityError, match="malformed 'ndarray' node.*allow_pickle"):
        safe_format.open_container(path).decode(CLASSES)


@pytest.mark.parametrize("tree, message", [
    (b'{"$": "ndarray", "member": "/etc/passwd"}', "array member '/etc/passwd' is not in"),
    (b'{"$": "sparse", "kind": "dok_matrix", "shape": [1, 1], "data": 1, "indices": 1, '
     b'"indptr": 1}', "sparse kind 'dok_matrix'"),
    (b'{"$": "scalar", "dtype": "|O", "v": 1}', "a scalar of dtype object"),
    (b'{"$": "float", "v": "1e308"}', "float '1e308'"),
    (b"[" * 150 + b"]" * 150, "nesting deeper than"),
    (b'{"$": "object", "class": "Leaf"}', "malformed 'object' node"),
])
def test_a_hostile_tree_is_refused_with_where(tmp_path, tree, message):
    path = _forge(tmp_path, {"card.json": b"{}", "tree.json": tree})
    with pytest.raises(ModelCompatibilityError, match=message):
        safe_format.open_container(path).decode(CLASSES)


def test_not_a_container_is_refused(tmp_path):
    junk = tmp_path / "junk.hsm"
    junk.write_bytes(b"\x80\x04K\x01.")  # a pickle
    assert not safe_format.is_container(junk)
    with pytest.raises(ModelCompatibilityError, match="not a readable heartscore model file"):
        safe_format.open_container(junk)
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("manifest.json", json.dumps({"format": {"name": "x", "version": 9}}))
    with pytest.raises(ModelCompatibilityError, match="model container"):
        safe_format.open_container(other)
