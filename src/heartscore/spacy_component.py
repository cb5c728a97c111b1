"""The ``heartscore`` spaCy component: ``nlp.add_pipe("heartscore")`` on any English
pipeline, ``spacy.blank("en")`` included.

It sets

- ``doc._.heart``: a :class:`~heartscore.results.Result` for the whole text;
- ``span._.heart``: a Result for the span's *own* text (its polarity, signals and evidence,
  as if it were scored alone). Sentences (``doc.sents``) are scored with the Doc; any other
  span is scored when first asked, by the component that scored its Doc. Evidence offsets
  are offsets into ``doc.text``, so ``doc.char_span(e.start, e.end)`` finds each span;
- ``token._.heart``: the labels (``"polarity"``, ``"trust"``, …) whose doc-level evidence
  covers the token, ``()`` when none.

A Doc without sentence boundaries (a blank pipeline has no sentencizer) gets them from
spaCy's rule-based ``Sentencizer``, the one heartscore's own pipeline uses. Whatever the
host pipeline, labels equal the CLI's: the component runs heartscore's own normaliser,
negation and cue components and its own lemma table, never the host's lemmas. What it
stores (``doc._.hs_heart``, plain dicts) survives Doc serialisation, so
``nlp.pipe(..., n_process=2)`` works. As spaCy's components do, it first predicts for a
batch and then sets the annotations in a separate step. ``nlp.to_disk(path)`` writes the
model into the pipeline folder (``<path>/heartscore/model.hsm``), so ``spacy.load(path)``
works on any machine with heartscore installed.

The factory lives in :mod:`heartscore.spacy_factories` (imported by spaCy for every
pipeline, so it imports nothing heavy); this module is imported when the component is added.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc, Span, Token
from spacy.util import minibatch

from .errors import HeartscoreError, ModelCompatibilityError
from .labels import LabelSchema
from .nlp.annotator import Annotator
from .nlp.tokens import register_extensions
from .results import Evidence, Result, result_columns
from .spacy_factories import make_heartscore

__all__ = ["HeartscoreComponent", "ModelUnavailableError", "make_heartscore", "register_heart_extensions",
           "MODEL_FILE"]

#: Name of the model file inside the component's folder of a saved pipeline.
MODEL_FILE = "model.hsm"

#: Components that have loaded a model in this process, by model id: they score spans
#: other than sentences on demand (``span._.heart``).
_SCORERS: dict[str, HeartscoreComponent] = {}


def register_heart_extensions() -> None:
    """Register ``doc._.heart``, ``span._.heart``, ``token._.heart`` and the stored
    ``doc._.hs_heart`` once."""
    register_extensions()
    if not Doc.has_extension("hs_heart"):
        Doc.set_extension("hs_heart", default=None)
    if not Doc.has_extension("heart"):
        Doc.set_extension("heart", getter=_doc_heart)
    if not Span.has_extension("heart"):
        Span.set_extension("heart", getter=_span_heart)
    if not Token.has_extension("heart"):
        Token.set_extension("heart", getter=_token_heart)


def _result(row: dict[str, Any]) -> Result:
    """A stored row (plain dicts) as a Result."""
    schema = LabelSchema.from_dict(row["schema"])
    ev: dict[str, list[Evidence]] = {}
    for e in row["evidence"]:
        ev.setdefault(e["label"], []).append(Evidence(e["text"], e["start"], e["end"],
                                                      e["weight"]))
    cols = row["columns"]
    proba = {label: {c: cols[f"p_{label}_{c}"] for c in schema.classes(label)}
             for label in schema.labels}
    return Result(cols["polarity"], {s: cols[s] for s in schema.signals}, proba,
                  {k: tuple(v) for k, v in ev.items()}, cols["heart_score"], cols["confidence"],
                  cols["low_confidence"], row["model"], schema)


def _doc_heart(doc: Doc) -> Result | None:
    row = doc._.hs_heart
    return None if row is None else _result(row)


def _span_key(span: Span) -> str:
    return f"{span.start_char}:{span.end_char}"


def _span_heart(span: Span) -> Result | None:
    """The span's own Result: stored for sentences, else scored now (and stored)."""
    row = span.doc._.hs_heart
    if row is None:
        return None
    if span.start == 0 and span.end == len(span.doc):
        return _result(row)
    stored = row.setdefault("spans", {})
    key = _span_key(span)
    if key not in stored:
        scorer = _SCORERS.get(row["model"])
        if scorer is None:
            raise HeartscoreError(
                f"span._.heart of {span.text[:40]!r}: spans other than sentences are scored "
                f"when asked, by the heartscore component of model {row['model']}, and none "
                "has run in this process; run the Doc through that pipeline here, or read "
                "the sentences' results (doc.sents), which are stored with the Doc")
        stored[key] = scorer.predict_spans([span])[0]
    return _result(stored[key])


def _token_heart(token: Token) -> tuple[str, ...]:
    """Labels whose doc-level evidence covers the token."""
    row = token.doc._.hs_heart
    if row is None:
        return ()
    lo, hi = token.idx, token.idx + len(token)
    labels: list[str] = []
    for e in row["evidence"]:
        if e["start"] < hi and lo < e["end"] and e["label"] not in labels:
            labels.append(e["label"])
    return tuple(labels)


class ModelUnavailableError(ModelCompatibilityError, AttributeError):
    """The component's configured model cannot be loaded.

    Also an ``AttributeError``: while ``spacy.load`` rebuilds a saved pipeline it probes each
    component's ``model`` with ``hasattr`` (``isinstance`` against spaCy's
    ``ListenedToComponent`` protocol, in a hash-seed-dependent order) before
    :meth:`HeartscoreComponent.from_disk` loads the model the pipeline carries; the path in
    the saved config may no longer exist then, and the probe must read "no model yet"."""


class HeartscoreComponent:
    """Scores finished Docs (and their sentences) with a heartscore model, loaded on first
    use or by :meth:`from_disk`."""

    def __init__(self, nlp: Language, name: str = "heartscore", *, model: str | None = None,
                 batch_size: int = 256, sentences: bool = True) -> None:
        self.name = name
        self.model_path = model
        self.batch_size = batch_size
        self.sentences = sentences
        self._model = None
        self._annotator: Annotator | None = None
        self._sentencizer: Sentencizer | None = None

    @property
    def model(self):
        """The heartscore Model (the shipped one unless ``model`` was configured).

        Raises :class:`ModelUnavailableError` when it cannot be loaded."""
        if self._model is None:
            from .persistence import load
            try:
                model = load(self.model_path)
            except (HeartscoreError, OSError) as exc:
                raise ModelUnavailableError(str(exc)) from exc
            self._use(model)
        return self._model

    def _use(self, model) -> None:
        self._model = model
        self._annotator = None
        _SCORERS[model.id] = self

    def __call__(self, doc: Doc) -> Doc:
        self._set_sents([doc])
        rows = self.predict([doc])
        self.set_annotations([doc], rows)
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int | None = None) -> Iterator[Doc]:
        """Score Docs batch by batch: predict for the batch, then annotate it."""
        for batch in minibatch(stream, size=batch_size or self.batch_size):
            self._set_sents(batch)
            rows = self.predict(batch)
            self.set_annotations(batch, rows)
            yield from batch

    def _set_sents(self, docs: list[Doc]) -> None:
        """Sentence boundaries for Docs that have none (e.g. from ``spacy.blank``)."""
        for doc in docs:
            if len(doc) and not doc.has_annotation("SENT_START"):
                if self._sentencizer is None:
                    self._sentencizer = Sentencizer()
                self._sentencizer(doc)

    def predict(self, docs: list[Doc]) -> list[dict[str, Any]]:
        """Results for a batch as plain dicts, with each sentence's own result under
        ``"spans"`` when ``sentences`` is on (nothing is written on the Docs but heartscore's
        own ``hs_*`` token annotations, which the features read)."""
        if not docs:
            return []
        sents = [s for d in docs for s in d.sents if len(s) < len(d)] if self.sentences else []
        rows = self._rows([*docs, *(s.as_doc() for s in sents)],
                          [0] * len(docs) + [s.start_char for s in sents])
        out = rows[:len(docs)]
        owner = {id(d): row for d, row in zip(docs, out)}
        for s, row in zip(sents, rows[len(docs):]):
            owner[id(s.doc)].setdefault("spans", {})[_span_key(s)] = row
        return out

    def predict_spans(self, spans: list[Span]) -> list[dict[str, Any]]:
        """Each span's own result (scored as a text of its own; offsets into its Doc)."""
        return self._rows([s.as_doc() for s in spans], [s.start_char for s in spans])

    def _rows(self, docs: list[Doc], offsets: list[int]) -> list[dict[str, Any]]:
        if not docs:
            return []
        model = self.model
        if self._annotator is None:  # the model's own cue files too, if it was trained with any
            self._annotator = Annotator().add_cues(model.scorer.extra_cues())
        self._annotator.annotate(docs)
        texts = [d.text for d in docs]
        pred = model.scorer.predict_detailed(docs, evidence=True)
        cols = result_columns(texts, pred.proba, pred.labels, pred.evidence, model.schema)
        names = [c for c in cols if c != "evidence"]
        schema = model.schema.to_dict()
        rows = []
        for i, shift in enumerate(offsets):
            evidence = json.loads(cols["evidence"][i])
            for e in evidence:
                e["start"] += shift
                e["end"] += shift
            rows.append({"columns": {c: _plain(cols[c][i]) for c in names},
                         "evidence": evidence, "model": model.id, "schema": schema})
        return rows

    def set_annotations(self, docs: list[Doc], rows: list[dict[str, Any]]) -> None:
        """Write each result on its Doc (``doc._.hs_heart``; read as ``doc._.heart``)."""
        for doc, row in zip(docs, rows):
            doc._.hs_heart = row

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Write the model into the pipeline folder (``nlp.to_disk`` calls this), so the
        saved pipeline carries it and loads anywhere."""
        from .persistence import save
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        save(self.model, path / MODEL_FILE)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> HeartscoreComponent:
        """Read the model :meth:`to_disk` wrote (``spacy.load`` calls this)."""
        from .persistence import load
        self._use(load(Path(path) / MODEL_FILE))
        return self


def _plain(v: Any) -> Any:
    """numpy scalars → Python values (msgpack-serialisable)."""
    return v.item() if hasattr(v, "item") else v
