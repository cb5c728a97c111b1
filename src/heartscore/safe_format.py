"""The safe model container: an object tree as JSON plus numpy arrays, in one zip file.

Loading one runs no pickle and no code from the file: every value is rebuilt from JSON or
from ``.npy`` arrays read with ``allow_pickle=False``, and the only classes that can come
back are those of the allow-list the caller passes (``{tag: class}``; heartscore's is
:data:`heartscore.persistence.SAFE_CLASSES`). Nothing in the file names a module, a class
or a file path that loading would import or open: a class is named by its tag, which is
looked up in the allow-list, and array members are named by the saver (``arrays/<n>.npy``)
and read from inside the container only.

Members of the zip (every one listed in ``manifest.json`` with its SHA-256 and size)::

    manifest.json   {"format": {...}, "members": {name: {"sha256", "bytes"}}}
    card.json       the model card (readable alone: ``unzip -p model.hsm card.json``)
    tree.json       the object tree (see below)
    arrays/<n>.npy  numeric, boolean and fixed-width string arrays

In the tree a JSON string, number, boolean, null or array is that value (an array is a
Python ``list``); every JSON object is a tagged node ``{"$": tag, ...}``: ``tuple``,
``dict`` (``"v"`` when every key is a ``str``, ``"items"`` of ``[key, value]`` pairs
otherwise), ``set``, ``frozenset``, ``float`` (NaN and infinities), ``ndarray`` (a
member), ``object_array`` (an object-dtype array as a list of values), ``scalar`` (a numpy
scalar), ``sparse`` (a scipy CSR/CSC matrix or array as its three arrays) and ``object``
(an allow-listed class by its tag, rebuilt with ``cls.__new__`` and ``__setstate__``, or
``__dict__`` when the class has no ``__setstate__``).

This module knows containers and values, not models: :mod:`heartscore.persistence` decides
what goes in and checks the card.
"""
from __future__ import annotations

import json
import os
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


from .errors import ModelCompatibilityError
from .safe_tree import (_ARRAY_NAME, TREE, Decoder, Encoded, _payload_digest,
                        _sha256, encode)

__all__ = ["CONTAINER", "Encoded", "Container", "encode", "write", "open_container",
           "is_container", "usual_mode"]

#: Name and version of the container format, written in every manifest.
CONTAINER = {"name": "heartscore-safe-model", "version": 1}

MANIFEST, CARD = "manifest.json", "card.json"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed member dates: the same model gives the same bytes


# ---------------------------------------------------------------------- writing
def write(path: str | os.PathLike, payload: Encoded, card: Mapping[str, Any]) -> Path:
    """Write ``payload`` and ``card`` as one container at ``path``, atomically (a temporary
    file in the same folder renamed into place: never a half-written model)."""
    path = Path(path)
    members = {CARD: (json.dumps(card, indent=2, ensure_ascii=False, default=str) + "\n")
               .encode("utf-8"), TREE: payload.tree, **payload.arrays}
    manifest = {"format": dict(CONTAINER),
                "members": {k: {"sha256": _sha256(v), "bytes": len(v)}
                            for k, v in members.items()}}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        usual_mode(tmp)
        with zipfile.ZipFile(tmp, "w") as zf:
            for name, data in [(MANIFEST, (json.dumps(manifest, indent=2) + "\n")
                                .encode("utf-8")), *members.items()]:
                info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data, compresslevel=6)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


# ---------------------------------------------------------------------- reading
def is_container(path: str | os.PathLike) -> bool:
    """True when ``path`` is a zip file with a ``manifest.json`` (reads the zip directory
    only)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return MANIFEST in zf.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


def open_container(path: str | os.PathLike) -> Container:
    """Read a container and check every member against its manifest.

    Raises :class:`ModelCompatibilityError` with a one-line reason when the file is not a
    container, a member is missing, extra or altered, or the format version is unknown."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            return _read_members(path.name, zf)
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise ModelCompatibilityError(f"{path.name} is not a readable heartscore model file "
                                      f"({exc}); re-save or re-download it") from exc


def _read_members(name: str, zf: zipfile.ZipFile) -> Container:
    infos = zf.infolist()
    names = [i.filename for i in infos]
    if MANIFEST not in names:
        raise ModelCompatibilityError(f"{name} has no {MANIFEST}: it is not a heartscore "
                                      "model file")
    if len(set(names)) != len(names):
        raise ModelCompatibilityError(f"{name} lists a member twice; the file was altered")
    manifest = _json(name, MANIFEST, zf.read(MANIFEST))
    fmt = manifest.get("format") if isinstance(manifest, dict) else None
    if fmt != CONTAINER:
        raise ModelCompatibilityError(f"{name} is model container {fmt!r}, this heartscore "
                                      f"reads {CONTAINER}; upgrade heartscore or re-save it")
    listed = manifest.get("members")
    if not isinstance(listed, dict) or not {CARD, TREE} <= set(listed):
        raise ModelCompatibilityError(f"{name}: the manifest does not list {CARD} and {TREE}; "
                                      "the file was altered")
    present = set(names) - {MANIFEST}
    if present != set(listed):
        diff = sorted(present ^ set(listed))
        raise ModelCompatibilityError(f"{name}: members {', '.join(diff[:3])} are not as the "
                                      "manifest lists them; the file was altered")
    bad = [m for m in listed if m not in (CARD, TREE) and not _ARRAY_NAME.fullmatch(m)]
    if bad:
        raise ModelCompatibilityError(f"{name}: unexpected member {bad[0]!r}; the file was "
                                      "altered")
    data: dict[str, bytes] = {}
    for info in infos:
        if info.filename == MANIFEST:
            continue
        want = listed[info.filename]
        if not isinstance(want, dict) or info.file_size != want.get("bytes"):
            raise ModelCompatibilityError(f"{name}: member {info.filename} does not match its "
                                          "manifest (size); the file was altered or corrupted")
        raw = zf.read(info)
        if _sha256(raw) != want.get("sha256"):
            raise ModelCompatibilityError(f"{name}: member {info.filename} does not match its "
                                          "manifest (sha256); the file was altered or "
                                          "corrupted: re-save or rebuild it")
        data[info.filename] = raw
    digest = _payload_digest({k: listed[k]["sha256"] for k in listed if k != CARD})
    return Container(name, data, digest)


@dataclass
class Container:
    """A container read from disk whose members all match their manifest."""

    name: str
    members: dict[str, bytes]
    digest: str  #: SHA-256 of the payload, as :attr:`Encoded.digest`

    def card(self) -> Any:
        """The card member, parsed (not checked: the card is the caller's business)."""
        return _json(self.name, CARD, self.members[CARD])

    def decode(self, classes: Mapping[str, type]) -> Any:
        """Rebuild the object tree; only ``classes`` (``{tag: class}``) can come back."""
        tree = _json(self.name, TREE, self.members[TREE])
        return Decoder(self, classes).value(tree, "model", 0)


def _json(name: str, member: str, raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ModelCompatibilityError(f"{name}: {member} is not valid JSON ({exc}); the file "
                                      "was altered or corrupted") from exc


def usual_mode(path: str | os.PathLike) -> None:
    """Give a file made by :func:`tempfile.mkstemp` (mode 0600) the mode a plain ``open``
    would have given it (0666 less the umask, 0644 usually), so a saved model can be read
    by the people and services it is shared with."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)
