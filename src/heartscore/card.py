"""The model card: the record of how a model was made and how well it did.

:class:`ModelCard` is what ``Model.card`` holds and what :func:`heartscore.save` writes beside
a model as ``<name>.card.json``. JSON goes in and out only through :meth:`ModelCard.to_dict`
and :meth:`ModelCard.from_dict`, which round-trip a card exactly: keys this version of
heartscore does not know (cards written by another version) are kept in ``extra`` and
written back. :meth:`ModelCard.render` writes the card for people (``models/MODEL_CARD.md``)
from the Jinja2 template shipped in the package, ``templates/model_card.md.j2``.
"""
from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypedDict

from .labels import DEFAULT_SCHEMA, LabelSchema
from .resources import package_file

if TYPE_CHECKING:
    from jinja2 import Template

__all__ = ["ModelCard", "FormatInfo", "ArtifactInfo", "ConvertedFrom", "CorpusInfo", "BaseInfo",
           "REAL_EVAL_COLUMN", "RECIPE_KEYS"]

#: The column under which ``benchmarks/real_eval.py`` stores the 0.1.0 model's figures
#: (trained on the hand-written corpus only: every real source is unseen).
REAL_EVAL_COLUMN = "heartscore_0.1.0"
#: Training settings that make a recipe: ``benchmarks/real_eval.py``'s leave-one-source-out
#: figures describe a model trained with the same values of these.
RECIPE_KEYS = ("C", "ngram_range", "min_df", "max_features", "cue_weight", "lexicon_weight",
               "vector_weight", "real_weight", "distant_weight", "neutral_cap", "signals",
               "nlp", "cues")


class FormatInfo(TypedDict):
    """The card format a model was saved in (``persistence.FORMAT``)."""

    name: str
    version: int


class ArtifactInfo(TypedDict):
    """The saved model file: its name, SHA-256 and size in bytes. For a safe-format
    (``.hsm``) file, which holds its card, the SHA-256 and size are those of its payload
    (the estimator's tree and arrays, without the card)."""

    file: str
    sha256: str
    bytes: int


class ConvertedFrom(TypedDict):
    """The file a model was converted from (``heartscore convert``): name, format, SHA-256."""

    file: str
    format: str
    sha256: str


class CorpusInfo(TypedDict, total=False):
    """The labeled file a model was trained on (what ``train(corpus_info=...)`` was given);
    ``also``: the other files mixed in (each with file, sha256, rows)."""

    file: str
    sha256: str
    rows: int
    also: list[dict[str, Any]]


class BaseInfo(TypedDict, total=False):
    """Rows of the base corpus mixed in by ``with_base`` training (``rows_by_kind``: training
    rows per kind of base row, from 0.2.0 on)."""

    rows_train: int
    rows_dev: int
    rows_by_kind: dict[str, int]


@dataclass
class ModelCard:
    """How a model was made and how well it did; saved as JSON beside the model.

    Every field is optional and ``None`` means the key is absent from the JSON: a card is
    filled in stages (``train`` writes the training record, build scripts add ``command``
    and ``baseline_vader``, ``save`` adds ``format``, ``versions``, ``saved`` and
    ``artifact``), and cards written by other versions may lack keys. Nested records stay
    JSON-shaped (dicts), so a card from another version round-trips unchanged; use
    :attr:`label_schema` or ``TrainConfig.from_dict(card.config)`` for typed views.

    Attributes
    ----------
    name, created:
        Model name and UTC training time (ISO 8601).
    schema, nlp, config:
        The label schema, spaCy pipeline spec and ``TrainConfig``, as dicts.
    thresholds:
        Decision thresholds tuned on dev, per label.
    corpus, rows, warnings, base, cue_files:
        The training file, rows per split, training warnings and base-corpus rows.
    metrics:
        Held-out metrics (``Model.evaluate`` on the test split).
    command, baseline_vader:
        The command that built the model and, for the shipped model, the VADER baseline.
    format, versions, saved, artifact:
        Written by ``save``: card format, library versions, save time and the model file.
    converted_from:
        Written by ``convert``: the file the model was converted from. Conversion changes
        the file, not the model, so :attr:`model_id` keeps naming that file's hash.
    extra:
        Keys this version of heartscore does not know, kept so that they are saved again.
    """

    name: str | None = None
    created: str | None = None
    schema: dict[str, Any] | None = None
    nlp: dict[str, Any] | None = None
    config: dict[str, Any] | None = None
    thresholds: dict[str, dict[str, float]] | None = None
    corpus: CorpusInfo | None = None
    rows: dict[str, int] | None = None
    warnings: list[str] | None = None
    base: BaseInfo | None = None
    cue_files: list[dict[str, Any]] | None = None
    metrics: dict[str, Any] | None = None
    command: str | None = None
    baseline_vader: dict[str, Any] | None = None
    format: FormatInfo | None = None
    versions: dict[str, str] | None = None
    saved: str | None = None
    artifact: ArtifactInfo | None = None
    converted_from: ConvertedFrom | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ JSON
    def to_dict(self) -> dict[str, Any]:
        """The JSON card: known keys in the order heartscore writes them, then ``extra``.

        A copy: changing it does not change the card."""
        out = {k: copy.deepcopy(v) for k in _KEYS if (v := getattr(self, k)) is not None}
        for key, value in self.extra.items():
            # setdefault: a key kept in extra only because it was null (see from_dict) must
            # not hide a value set on the attribute since
            out.setdefault(key, copy.deepcopy(value))
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ModelCard:
        """Read a JSON card (a dict); ``from_dict(d).to_dict() == d`` for every dict ``d``.

        Raises ``TypeError`` when ``data`` is not a mapping."""
        if not isinstance(data, Mapping):
            raise TypeError(f"a model card is a JSON object, found {type(data).__name__}")
        data = copy.deepcopy(dict(data))
        # A known key written as null stays in extra, so that it is written back as null
        # rather than dropped (None on the attribute means "absent").
        known = {k: data.pop(k) for k in _KEYS if data.get(k) is not None}
        return cls(**known, extra=data)

    # ------------------------------------------------------------------ views
    @property
    def model_id(self) -> str:
        """``name@sha256-prefix`` of the saved file (``unsaved`` before saving); of the
        file it was converted from, for a converted model (the same model in a new file)."""
        name = self.name if self.name is not None else "heartscore"
        digest = (self.converted_from or self.artifact or {}).get("sha256", "")[:12] or "unsaved"
        return f"{name}@{digest}"

    @property
    def label_schema(self) -> LabelSchema:
        """The label schema the model predicts (the default schema when the card has none)."""
        return LabelSchema.from_dict(self.schema) if self.schema else DEFAULT_SCHEMA

    def render(self, real_eval: Mapping[str, Any] | None = None,
               levers: Mapping[str, Any] | None = None) -> str:
        """The card for people, as Markdown (what ``models/MODEL_CARD.md`` holds).

        ``real_eval`` is the report of ``benchmarks/real_eval.py`` (``models/real_eval.json``)
        and ``levers`` that of ``benchmarks/levers.py`` (``models/levers.json``); their
        sections are included only when the report evaluated this model's recipe (the same
        :data:`RECIPE_KEYS` settings). Sections whose figures the card lacks are left out.
        """
        real = real_eval if self._same_recipe(real_eval) else None
        if real is not None and REAL_EVAL_COLUMN not in real.get("pooled", {}):
            real = None
        lever_rows = None
        if levers is not None and real is not None and levers.get("steps"):
            lever_rows = levers
        return _template().render(**{k: getattr(self, k) for k in _KEYS}, real=real,
                                  column=REAL_EVAL_COLUMN, levers=lever_rows)

    def _same_recipe(self, report: Mapping[str, Any] | None) -> bool:
        if report is None or not self.config or "config" not in report:
            return False
        return all(self.config.get(k) == report["config"].get(k) for k in RECIPE_KEYS)


_KEYS: tuple[str, ...] = tuple(f.name for f in fields(ModelCard) if f.name != "extra")


@lru_cache(maxsize=1)
def _template() -> Template:
    import jinja2  # imported on first render: scoring never needs it

    # Markdown, not HTML: nothing to escape. StrictUndefined turns a misspelt key in the
    # template into an error instead of an empty string in the card.
    env = jinja2.Environment(autoescape=False, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    env.filters.update(json=json.dumps, f3=_f3, ci3=_ci3, ci2=_ci2, thousands="{:,}".format)
    source = package_file("templates", "model_card.md.j2").read_text(encoding="utf-8")
    return env.from_string(source)


def _f3(x: float) -> str:
    return f"{x:.3f}"


def _ci3(d: Mapping[str, float]) -> str:
    """A figure with its interval, three decimals: ``0.850 (95% CI 0.820–0.878)``."""
    return f"{d['value']:.3f} (95% CI {d['ci_low']:.3f}–{d['ci_high']:.3f})"


def _ci2(d: Any) -> str:
    """A figure with its interval, two decimals, or ``–`` when there is none (too few rows)."""
    if not isinstance(d, Mapping) or "value" not in d:
        return "–"
    return f"{d['value']:.2f} ({d['ci_low']:.2f}–{d['ci_high']:.2f})"
