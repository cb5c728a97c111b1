"""The ``heartscore`` spaCy component: ``nlp.add_pipe("heartscore")`` on any English pipeline.

It adds ``doc._.heart`` (a :class:`~heartscore.results.Result`) and ``span._.heart`` (for a
sentence or any span: the evidence of the doc's labels that lies inside it, so you can see
which sentence carried which signal). Registered through the ``spacy_factories`` entry point,
so it works after ``pip install`` without importing heartscore first.

Whatever the host pipeline, labels equal the CLI's: the component runs heartscore's own
normaliser, negation and cue components and its own lemma table, never the host's lemmas.
What it stores (``doc._.hs_heart``, a plain dict) survives Doc serialisation, so
``nlp.pipe(..., n_process=2)`` works. As spaCy's components do, it first predicts for a
batch and then sets the annotations in a separate step.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from .labels import LabelSchema
from .nlp.annotator import Annotator
from .nlp.tokens import register_extensions
from .results import Evidence, Result, result_columns

__all__ = ["HeartscoreComponent", "make_heartscore", "register_heart_extensions"]


def register_heart_extensions() -> None:
    """Register ``doc._.heart``, ``span._.heart`` and the stored ``doc._.hs_heart`` once."""
    register_extensions()
    if not Doc.has_extension("hs_heart"):
        Doc.set_extension("hs_heart", default=None)
    if not Doc.has_extension("heart"):
        Doc.set_extension("heart", getter=_doc_heart)
    if not Span.has_extension("heart"):
        Span.set_extension("heart", getter=_span_heart)


def _doc_heart(doc: Doc) -> Result | None:
    row = doc._.hs_heart
    if row is None:
        return None
    schema = LabelSchema.from_dict(row["schema"])
    ev: dict[str, list[Evidence]] = {}
    for e in row["evidence"]:
        ev.setdefault(e["label"], []).append(Evidence(e["text"], e["start"], e["end"],
                                                      e["weight"]))
    proba = {label: {c: row["columns"][f"p_{label}_{c}"] for c in schema.classes(label)}
             for label in schema.labels}
    cols = row["columns"]
    return Result(cols["polarity"], {s: cols[s] for s in schema.signals}, proba,
                  {k: tuple(v) for k, v in ev.items()}, cols["heart_score"], cols["confidence"],
                  cols["low_confidence"], row["model"], schema)


def _span_heart(span: Span) -> dict[str, list[Evidence]]:
    """The doc's evidence spans inside this span, by label."""
    r = span.doc._.heart
    if r is None:
        return {}
    lo, hi = span.start_char, span.end_char
    return {label: [e for e in spans if lo <= e.start and e.end <= hi]
            for label, spans in r.evidence.items()
            if any(lo <= e.start and e.end <= hi for e in spans)}


class HeartscoreComponent:
    """Scores finished Docs with a heartscore model (loaded on first use)."""

    def __init__(self, nlp: Language, name: str = "heartscore", *, model: str | None = None,
                 batch_size: int = 256) -> None:
        self.name = name
        self.model_path = model
        self.batch_size = batch_size
        self._model = None
        self._annotator: Annotator | None = None

    @property
    def model(self):
        """The heartscore Model (the shipped one unless ``model`` was configured)."""
        if self._model is None:
            from .persistence import load
            self._model = load(self.model_path)
        return self._model

    def __call__(self, doc: Doc) -> Doc:
        rows = self.predict([doc])
        self.set_annotations([doc], rows)
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int | None = None) -> Iterator[Doc]:
        """Score Docs batch by batch: predict for the batch, then annotate it."""
        for batch in minibatch(stream, size=batch_size or self.batch_size):
            rows = self.predict(batch)
            self.set_annotations(batch, rows)
            yield from batch

    def predict(self, docs: list[Doc]) -> list[dict[str, Any]]:
        """Results for a batch as plain dicts (nothing is written on the Docs but heartscore's
        own ``hs_*`` token annotations, which the features read)."""
        if not docs:
            return []
        model = self.model
        if self._annotator is None:  # the model's own cue files too, if it was trained with any
            self._annotator = Annotator().add_cues(model.estimator.extra_cues())
        self._annotator.annotate(docs)
        texts = [d.text for d in docs]
        pred = model.estimator.predict_detailed(docs, evidence=True)
        cols = result_columns(texts, pred.proba, pred.labels, pred.evidence, model.schema)
        names = [c for c in cols if c != "evidence"]
        schema = model.schema.to_dict()
        rows = []
        for i in range(len(docs)):
            row = {c: _plain(cols[c][i]) for c in names}
            rows.append({"columns": row, "evidence": json.loads(cols["evidence"][i]),
                         "model": model.id, "schema": schema})
        return rows

    def set_annotations(self, docs: list[Doc], rows: list[dict[str, Any]]) -> None:
        """Write each result on its Doc (``doc._.hs_heart``; read as ``doc._.heart``)."""
        for doc, row in zip(docs, rows):
            doc._.hs_heart = row


def _plain(v: Any) -> Any:
    """numpy scalars → Python values (msgpack-serialisable)."""
    return v.item() if hasattr(v, "item") else v


@Language.factory("heartscore", assigns=["doc._.heart", "span._.heart"],
                  default_config={"model": None, "batch_size": 256})
def make_heartscore(nlp: Language, name: str, model: str | None,
                    batch_size: int) -> HeartscoreComponent:
    """Factory of :class:`HeartscoreComponent` (``model``: a safe-format ``.hsm`` path,
    default the shipped model; a pickle is refused, see :func:`heartscore.load`)."""
    register_heart_extensions()
    return HeartscoreComponent(nlp, name, model=model, batch_size=batch_size)
