"""The object tree of a safe model file: values → JSON plus numpy arrays, and back.

:func:`encode` turns an object tree into an :class:`Encoded` payload; ``Decoder`` rebuilds it
from a container's members, creating only the classes of the allow-list it is given. The
node types are described in :mod:`heartscore.safe_format`, which writes and reads the
container (the zip file, its manifest and hashes).
"""
from __future__ import annotations

import hashlib
import io
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import ModelCompatibilityError, UnsupportedValueError

__all__ = ["Encoded", "encode", "Decoder", "TREE"]

TREE = "tree.json"
_ARRAY_NAME = re.compile(r"arrays/[0-9]{1,9}\.npy")
#: dtype kinds stored as .npy members: bool, int, uint, float, complex, bytes, unicode.
_ARRAY_KINDS = frozenset("biufcSU")
#: dtype kinds a numpy scalar may have (its value goes into the JSON tree).
_SCALAR_KINDS = frozenset("biufU")
_SPARSE_FORMATS = ("csr", "csc")
_MAX_DEPTH = 100


@dataclass
class Encoded:
    """An object tree turned into JSON and arrays, ready to be written with a card."""

    tree: bytes
    arrays: dict[str, bytes] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        """SHA-256 of the payload (the tree and every array, not the card): the same model
        state always gives the same digest, whenever and wherever it is saved."""
        return _payload_digest({TREE: _sha256(self.tree),
                                **{k: _sha256(v) for k, v in self.arrays.items()}})

    @property
    def bytes(self) -> int:
        """Size of the payload in bytes, uncompressed."""
        return len(self.tree) + sum(len(v) for v in self.arrays.values())


# ---------------------------------------------------------------------- encoding
def encode(obj: Any, classes: Mapping[str, type], *, root: str = "model") -> Encoded:
    """Turn ``obj`` into an :class:`Encoded` payload.

    Raises :class:`UnsupportedValueError` naming the attribute path (``root`` first) and
    the type of the first value the format cannot hold."""
    return _Encoder(classes).run(obj, root)


class _Encoder:
    def __init__(self, classes: Mapping[str, type]) -> None:
        self.tags = {cls: tag for tag, cls in classes.items()}
        self.arrays: dict[str, bytes] = {}
        self.array_ids: dict[int, str] = {}
        self.keep: list[Any] = []  # arrays stay alive while their id() names a member
        self.open: set[int] = set()  # containers being encoded: a cycle is refused

    def run(self, obj: Any, root: str) -> Encoded:
        tree = self.value(obj, root)
        text = json.dumps(tree, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        return Encoded(text.encode("utf-8"), self.arrays)

    def value(self, x: Any, path: str) -> Any:
        t = type(x)
        if x is None or t in (bool, int, str):
            return x
        if t is float:
            return x if math.isfinite(x) else {"$": "float", "v": repr(x)}
        if t in (list, tuple, dict, set, frozenset) or t in self.tags:
            if id(x) in self.open:
                raise UnsupportedValueError(f"cannot save {path}: it contains itself (a "
                                            "cycle); the safe model format holds trees only")
            self.open.add(id(x))
            try:
                return self.container(x, t, path)
            finally:
                self.open.discard(id(x))
        if isinstance(x, np.ndarray) and t is np.ndarray:
            return self.array(x, path)
        if isinstance(x, np.generic) and x.dtype.kind in _SCALAR_KINDS:
            return {"$": "scalar", "dtype": x.dtype.str, "v": self.value(x.item(), path)}
        sparse = _sparse_kind(x)
        if sparse is not None:
            return {"$": "sparse", "kind": sparse, "shape": list(x.shape),
                    "data": self.array(x.data, path + ".data"),
                    "indices": self.array(x.indices, path + ".indices"),
                    "indptr": self.array(x.indptr, path + ".indptr")}
        raise UnsupportedValueError(
            f"cannot save {path}: a {t.__module__}.{t.__qualname__} is not a value the safe "
            "model format holds (None, bool, int, float, str, list, tuple, dict, set, "
            "numpy arrays and scalars of numbers or text, scipy CSR/CSC matrices, and the "
            "allow-listed classes); store it as one of these, leave it out of __getstate__, "
            "or add its class to heartscore.persistence.SAFE_CLASSES")

    def container(self, x: Any, t: type, path: str) -> Any:
        if t is list:
            return [self.value(v, f"{path}[{i}]") for i, v in enumerate(x)]
        if t is tuple:
            return {"$": "tuple", "v": [self.value(v, f"{path}[{i}]") for i, v in enumerate(x)]}
        if t in (set, frozenset):
            items = [self.value(v, f"{path}{{…}}") for v in x]
            # JSON text as the sort key: the same set gives the same file in every process
            items.sort(key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
            return {"$": t.__name__, "v": items}
        if t is dict:
            if all(type(k) is str for k in x):
                return {"$": "dict", "v": {k: self.value(v, f"{path}[{k!r}]")
                                           for k, v in x.items()}}
            return {"$": "dict", "items": [[self.value(k, f"{path} key {k!r}"),
                                            self.value(v, f"{path}[{k!r}]")]
                                           for k, v in x.items()]}
        state = x.__getstate__() if hasattr(x, "__getstate__") else x.__dict__
        if state is None:
            state = {}
        if type(state) is not dict or not all(type(k) is str for k in state):
            raise UnsupportedValueError(
                f"cannot save {path}: the state of a {t.__qualname__} is a "
                f"{type(state).__name__}, not a dict of attributes; give the class a "
                "__getstate__ that returns one")
        return {"$": "object", "class": self.tags[t],
                "state": {k: self.value(v, f"{path}.{k}") for k, v in state.items()}}

    def array(self, a: np.ndarray, path: str) -> Any:
        if a.dtype.kind == "O":
            return {"$": "object_array", "shape": list(a.shape),
                    "v": [self.value(v, f"{path}[{i}]") for i, v in enumerate(a.ravel())]}
        if a.dtype.kind not in _ARRAY_KINDS or a.dtype.fields is not None:
            raise UnsupportedValueError(
                f"cannot save {path}: a numpy array of dtype {a.dtype} is not one the safe "
                "model format holds (bool, integer, float, complex, bytes or unicode); "
                "convert it before saving")
        name = self.array_ids.get(id(a))
        if name is None:
            buf = io.BytesIO()
            np.save(buf, a, allow_pickle=False)
            name = f"arrays/{len(self.arrays)}.npy"
            self.arrays[name] = buf.getvalue()
            self.array_ids[id(a)] = name
            self.keep.append(a)
        return {"$": "ndarray", "member": name}


def _sparse_kind(x: Any) -> str | None:
    try:
        import scipy.sparse as sp
    except ImportError:  # pragma: no cover - scipy is a dependency
        return None
    if not sp.issparse(x) or x.format not in _SPARSE_FORMATS:
        return None
    return f"{x.format}_{'array' if isinstance(x, sp.sparray) else 'matrix'}"


class Decoder:
    """Rebuilds an object tree from a container's members (``.name``, ``.members``)."""

    def __init__(self, container: Any, classes: Mapping[str, type]) -> None:
        self.container = container
        self.classes = classes
        self.arrays: dict[str, np.ndarray] = {}

    def fail(self, path: str, what: str) -> ModelCompatibilityError:
        return ModelCompatibilityError(f"{self.container.name}: {what} at {path}; the file was "
                                       "not written by this heartscore or was altered")

    def value(self, x: Any, path: str, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            raise self.fail(path, f"nesting deeper than {_MAX_DEPTH}")
        if x is None or isinstance(x, (bool, int, float, str)):
            return x
        if isinstance(x, list):
            return [self.value(v, f"{path}[{i}]", depth + 1) for i, v in enumerate(x)]
        if not isinstance(x, dict):  # pragma: no cover - JSON has no other types
            raise self.fail(path, f"a {type(x).__name__}")
        tag = x.get("$")
        handler = _NODES.get(tag) if isinstance(tag, str) else None
        if handler is None:
            raise self.fail(path, f"unknown type tag {tag!r}")
        try:
            return handler(self, x, path, depth + 1)
        except ModelCompatibilityError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            raise self.fail(path, f"a malformed {tag!r} node ({type(exc).__name__}: {exc})") \
                from exc

    def items(self, x: Any, path: str, depth: int) -> list:
        v = x["v"]
        if not isinstance(v, list):
            raise self.fail(path, "a list expected")
        return [self.value(e, f"{path}[{i}]", depth) for i, e in enumerate(v)]

    def array(self, member: Any, path: str) -> np.ndarray:
        if not isinstance(member, str) or member not in self.container.members \
                or not _ARRAY_NAME.fullmatch(member):
            raise self.fail(path, f"array member {member!r} is not in the file")
        if member not in self.arrays:
            a = np.load(io.BytesIO(self.container.members[member]), allow_pickle=False)
            if a.dtype.kind not in _ARRAY_KINDS or a.dtype.fields is not None:
                raise self.fail(path, f"an array of dtype {a.dtype}")
            self.arrays[member] = a
        return self.arrays[member]

    def node_tuple(self, x, path, depth):
        return tuple(self.items(x, path, depth))

    def node_set(self, x, path, depth):
        return set(self.items(x, path, depth))

    def node_frozenset(self, x, path, depth):
        return frozenset(self.items(x, path, depth))

    def node_float(self, x, path, depth):
        if x["v"] not in ("nan", "inf", "-inf"):
            raise self.fail(path, f"float {x['v']!r}")
        return float(x["v"])

    def node_dict(self, x, path, depth):
        if "v" in x:
            if not isinstance(x["v"], dict):
                raise self.fail(path, "an object expected")
            return {k: self.value(v, f"{path}[{k!r}]", depth) for k, v in x["v"].items()}
        return {self.value(k, f"{path} key", depth): self.value(v, f"{path}[{k!r}]", depth)
                for k, v in x["items"]}

    def node_ndarray(self, x, path, depth):
        return self.array(x["member"], path)

    def node_object_array(self, x, path, depth):
        values = self.items(x, path, depth)
        out = np.empty(len(values), dtype=object)
        for i, v in enumerate(values):  # one by one: numpy would unpack nested lists
            out[i] = v
        return out.reshape([int(n) for n in x["shape"]])

    def node_scalar(self, x, path, depth):
        dtype = np.dtype(str(x["dtype"]))
        if dtype.kind not in _SCALAR_KINDS:
            raise self.fail(path, f"a scalar of dtype {dtype}")
        return dtype.type(self.value(x["v"], path, depth))

    def node_sparse(self, x, path, depth):
        import scipy.sparse as sp
        makers = {"csr_matrix": sp.csr_matrix, "csc_matrix": sp.csc_matrix,
                  "csr_array": sp.csr_array, "csc_array": sp.csc_array}
        make = makers.get(x["kind"])
        if make is None:
            raise self.fail(path, f"sparse kind {x['kind']!r}")
        parts = [self.value(x[k], f"{path}.{k}", depth) for k in ("data", "indices", "indptr")]
        if not all(isinstance(p, np.ndarray) for p in parts):
            raise self.fail(path, "sparse parts that are not arrays")
        return make(tuple(parts), shape=tuple(int(n) for n in x["shape"]))

    def node_object(self, x, path, depth):
        tag = x["class"]
        cls = self.classes.get(tag) if isinstance(tag, str) else None
        if cls is None:
            raise self.fail(path, f"class tag {tag!r}, which is not in the allow-list "
                                  f"({', '.join(sorted(self.classes))})")
        if not isinstance(x["state"], dict):
            raise self.fail(path, "an object state that is not a JSON object")
        state = {k: self.value(v, f"{path}.{k}", depth) for k, v in x["state"].items()}
        obj = cls.__new__(cls)
        if hasattr(obj, "__setstate__"):
            obj.__setstate__(state)
        else:
            obj.__dict__.update(state)
        return obj


_NODES = {name[len("node_"):]: fn for name, fn in vars(Decoder).items()
          if name.startswith("node_")}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _payload_digest(hashes: Mapping[str, str]) -> str:
    text = json.dumps(sorted(hashes.items()), separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
