"""Score a Spark DataFrame: ``score(df, text_col)`` appends the CLI's label columns.

The model is read once on the driver, pickled (without its spaCy pipeline, which is rebuilt
from its spec) and broadcast. Each Python worker process unpickles it once, on first use,
and keeps it in a module-level cache for every later batch and task it runs. Rows are
scored in pandas batches through ``DataFrame.mapInPandas`` by :func:`score_frame`, so the
output is the same as ``heartscore score`` and :func:`score_frame` give: every row kept,
in its partition, with ``heartscore_error`` saying why a row has empty labels.

pyspark is optional: it is imported only when :func:`score` is called.
"""
from __future__ import annotations

import functools
import pickle
import uuid
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import HeartscoreError, InputError, ModelCompatibilityError
from .labels import ERROR_COLUMN, EVIDENCE_COLUMN, MODEL_COLUMN, LabelSchema
from .model import Model
from .scoring import score_frame

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.broadcast import Broadcast
    from pyspark.sql import DataFrame
    from pyspark.sql.types import StructType

__all__ = ["score", "output_schema", "label_columns", "EVIDENCE_COLUMN"]

#: Name of the JSON evidence column added by ``evidence=True`` (as the CLI's ``--evidence``).

# Per Python worker process: score() call key -> unpickled Model (never unpickled per batch).
_MODELS: dict[str, Model] = {}
_MAX_MODELS = 4
#: Libraries whose version on the executors must match the driver's (the model is a pickle).
_MATCHED = ("heartscore", "scikit-learn", "spacy")


#: Start of pyspark's FutureWarning about pandas >= 3, silenced around heartscore's own call.
_PANDAS3_WARNING = "PySpark does not yet fully support pandas"


def _import_pyspark() -> Any:
    try:
        import pyspark.sql.types as T
    except ImportError as exc:
        raise ImportError("heartscore.spark needs pyspark, which is not installed; "
                          "run `pip install pyspark` (3.5 or newer) and try again") from exc
    return T


def label_columns(schema: LabelSchema, *, evidence: bool = False) -> list[str]:
    """Names of the columns :func:`score` appends, in the CLI's order."""
    return [*schema.output_columns(), *([EVIDENCE_COLUMN] if evidence else []),
            ERROR_COLUMN, MODEL_COLUMN]


def output_schema(input_schema: "StructType", schema: LabelSchema, *,
                  evidence: bool = False) -> "StructType":
    """The Spark schema of :func:`score`'s result: the input fields, then typed label columns.

    ``polarity`` is a string, signals are integers (-1/0/1), ``heart_score``, ``confidence``
    and the ``p_*`` probabilities are doubles, ``low_confidence`` a boolean, and
    ``heartscore_error``, ``heartscore_model`` and ``evidence`` strings. All are nullable:
    rows with no usable text have null labels.
    """
    T = _import_pyspark()
    spark_type = {"string": T.StringType, "int": T.IntegerType, "float": T.DoubleType,
                  "bool": T.BooleanType}
    kinds = schema.column_types()
    fields = [T.StructField(c, spark_type[kinds[c]](), True)
              for c in label_columns(schema, evidence=evidence)]
    return T.StructType([*input_schema.fields, *fields])


def score(df: "DataFrame", text_col: str = "text", *, model: Model | None = None,
          model_path: str | None = None, evidence: bool = False,
          batch_size: int = 512) -> "DataFrame":
    """Return ``df`` with heartscore's label columns appended (the CLI's names and order).

    Parameters
    ----------
    df:
        A ``pyspark.sql.DataFrame`` with a text column.
    text_col:
        Name of the column holding the texts. Null, empty and non-text values are kept with
        null labels and a ``heartscore_error`` ("missing text", "empty text", ...).
    model:
        A loaded :class:`Model`. By default the shipped model, or ``model_path``.
    model_path:
        A ``.hsm`` model read on the driver with :func:`heartscore.load` (a pickle is
        refused: load it yourself with ``trusted=True`` and pass ``model``).
        Give ``model`` or ``model_path``, not both.
    evidence:
        Add an ``evidence`` JSON string column of labelled spans (as ``--evidence``).
    batch_size:
        Rows per :func:`score_frame` call: each pandas batch Spark hands over (at most
        ``spark.sql.execution.arrow.maxRecordsPerBatch`` rows, 10,000 by default) is scored
        in slices of this size, which bounds the memory of one model call. It does not
        change any result.

    Returns
    -------
    pyspark.sql.DataFrame
        Lazy: nothing is scored until an action (``write``, ``count``, ``collect``) runs.
        Row order within each partition is kept.
    """
    _import_pyspark()
    from pyspark.sql import DataFrame

    if not isinstance(df, DataFrame):
        found = f"{type(df).__module__}.{type(df).__qualname__}"
        raise InputError(f"expected a pyspark.sql.DataFrame, found {found}; "
                         "use heartscore.score_frame for a pandas DataFrame")
    if text_col not in df.columns:
        raise InputError(f"no column {text_col!r}; columns are {', '.join(df.columns)}; "
                         "pass text_col=NAME")
    if batch_size < 1:
        raise InputError(f"batch_size must be >= 1, got {batch_size}")
    if model is not None and model_path is not None:
        raise InputError("got both model and model_path; pass one of them")
    if model is None:
        from .persistence import load
        model = load(model_path)
    elif not isinstance(model, Model):
        raise InputError(f"expected a heartscore Model, found {type(model).__name__}; "
                         "load one with heartscore.load(path)")

    new_cols = label_columns(model.schema, evidence=evidence)
    # Spark resolves names case-insensitively by default, so "Polarity" would clash too.
    existing = {c.lower(): c for c in df.columns}
    clashes = [existing[c.lower()] for c in new_cols if c.lower() in existing]
    if clashes:
        raise InputError(f"input already has column(s) {', '.join(clashes)} that scoring adds; "
                         "rename or drop them before scoring")

    out_schema = output_schema(df.schema, model.schema, evidence=evidence)
    payload = _spark_context(df).broadcast(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
    fn = functools.partial(_score_batches, payload=payload, key=uuid.uuid4().hex,
                           driver_versions=_versions(), text_col=text_col, evidence=evidence,
                           batch_size=batch_size, columns=[f.name for f in out_schema.fields],
                           types=model.schema.column_types())
    with warnings.catch_warnings():
        # pyspark warns on each pandas-UDF call that it does not "fully support" pandas >= 3;
        # this path is tested with pandas 3 (tests/test_spark.py), so for it the warning is noise
        warnings.filterwarnings("ignore", message=_PANDAS3_WARNING, category=FutureWarning)
        return df.mapInPandas(fn, schema=out_schema)


def _versions() -> dict[str, str]:
    from .persistence import versions
    v = versions()
    return {lib: v[lib] for lib in _MATCHED}


def _check_versions(driver: dict[str, str]) -> None:
    """Refuse to unpickle on an executor whose libraries differ from the driver's."""
    here = _versions()
    for lib in _MATCHED:
        a, b = driver[lib], here[lib]
        same = a == b if lib == "heartscore" else a.split(".")[:2] == b.split(".")[:2]
        if not same:
            raise ModelCompatibilityError(
                f"the Spark driver has {lib} {a} but this executor has {b}; install the same "
                f"{lib} version on the driver and every executor (see docs/spark.md)")


def _spark_context(df: "DataFrame") -> Any:
    """The session's SparkContext, which broadcasting needs (Spark Connect has none)."""
    try:
        return df.sparkSession.sparkContext
    except Exception as exc:  # Spark Connect raises its own "not supported" errors here
        raise HeartscoreError(
            "heartscore.spark broadcasts the model and needs a classic Spark session with a "
            f"SparkContext; this one has none ({type(exc).__name__}), as under Spark Connect. "
            "Run the job with spark-submit or a classic session") from exc


def _worker_model(payload: "Broadcast", key: str, driver_versions: dict[str, str]) -> Model:
    """The broadcast model, unpickled once per Python worker process and kept for later
    batches and tasks (Spark reuses Python workers by default)."""
    model = _MODELS.get(key)
    if model is None:
        _check_versions(driver_versions)
        while len(_MODELS) >= _MAX_MODELS:  # a long-lived worker may see many score() calls
            _MODELS.pop(next(iter(_MODELS)))
        model = _MODELS[key] = pickle.loads(payload.value)
    return model


def _score_batches(batches: Iterator[pd.DataFrame], *, payload: "Broadcast", key: str,
                   driver_versions: dict[str, str], text_col: str, evidence: bool,
                   batch_size: int, columns: list[str],
                   types: dict[str, str]) -> Iterator[pd.DataFrame]:
    """mapInPandas body (runs on executors): score each pandas batch with the cached model."""
    model = _worker_model(payload, key, driver_versions)
    for pdf in batches:
        for start in range(0, max(len(pdf), 1), batch_size):
            part = pdf.iloc[start:start + batch_size].reset_index(drop=True)
            yield _typed(_score_part(model, part, text_col, evidence),
                         types)[columns]


def _score_part(model: Model, pdf: pd.DataFrame, text_col: str, evidence: bool) -> pd.DataFrame:
    """score_frame on one slice; the text column goes back out exactly as it came in."""
    original = pdf[text_col]
    texts = original
    if texts.isna().any():  # Arrow may hand nulls over as pd.NA; score_frame wants None
        texts = texts.astype(object).where(texts.notna(), None)
    frame = score_frame(pdf.assign(**{text_col: texts}), text_col, model=model,
                        evidence=evidence)
    frame[text_col] = original.to_numpy()
    return frame


def _typed(frame: pd.DataFrame, types: dict[str, str]) -> pd.DataFrame:
    """Give the label columns the nullable dtypes of their schema type, which Arrow
    converts exactly (ints as Int32 for Spark's IntegerType)."""
    for c, kind in types.items():
        if c not in frame.columns:
            continue
        if kind == "int":
            frame[c] = pd.array(frame[c].tolist(), dtype="Int32")
        elif kind == "float":
            frame[c] = pd.to_numeric(frame[c]).astype(np.float64)
        elif kind == "bool":
            frame[c] = pd.array(frame[c].tolist(), dtype="boolean")
        elif isinstance(frame[c].dtype, pd.CategoricalDtype):  # score_frame's polarity
            frame[c] = frame[c].astype(object).where(frame[c].notna(), None)
    return frame
