"""heartscore.spark on a local Spark session: the same labels as the CLI, row for row.

Skipped when pyspark or a Java runtime is not available.
"""
from __future__ import annotations

import json
import os
import shutil
import sys

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install pyspark)")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("no Java runtime (java not on PATH and JAVA_HOME unset); Spark needs Java 17+",
                allow_module_level=True)

from heartscore import score_frame  # noqa: E402
from heartscore.cli import main  # noqa: E402
from heartscore.errors import InputError  # noqa: E402
from heartscore.spark import score  # noqa: E402

# pyspark 4.x warns about pandas 3 (and uses a deprecated pandas keyword) on every batch
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]

BASES = [
    "Waited 40 minutes for a table we had booked, and nobody so much as said sorry.",
    "Our server remembered my mum's birthday and brought her a little candle. Lovely touch.",
    "Do you have gluten free bread?",
    "The manager shouted at a young waitress in front of everyone.",
    "The nurse explained every step and held my hand when I was scared.",
    "Two hours on hold, then they hung up on me. Never again!!",
    "They promised a refund within 5 days; it's been a month and nothing.",
    "Driver waited for me when my train was late, really kind of him 😊",
    "Nobody listened to a word I said, they just read from a script.",
    "The mechanic showed me the old part and only charged what he quoted.",
    "Parcel arrived on Tuesday.",
    "I felt completely safe on the night bus, the driver kept an eye on everyone.",
    "The agent didn't even look up from her phone when I asked for help.",
    'They called me "sir" all evening and asked how my surgery went, thank you',
    "Billing error again, third month in a row, and support says it's my fault.",
    "The bank froze my account without warning and wouldn't tell me why.",
    "What time does the pharmacy close on Sundays?",
    "Honestly the best hotel stay we've had: they upgraded us for our anniversary.",
    "Rude, slow and the food was cold.\nWould not recommend.",
    "The app crashed during checkout but the team fixed it and refunded me the same day.",
]
FRAMES = ["{t}", "Branch {n}: {t}", "{t} (visit on day {n})"]


def _rows() -> list[tuple[str, str | None]]:
    """60 distinct (id, text) rows, one null, one empty and one blank text among them."""
    texts: list[str | None] = [f.format(t=t, n=i + 1) for f in FRAMES for i, t in
                               enumerate(BASES)]
    texts[7], texts[23], texts[41] = None, "", "   "
    return [(f"r{i:02d}", t) for i, t in enumerate(texts)]


def _frame(rows: list[tuple[str, str | None]]) -> pd.DataFrame:
    # object dtype keeps None as None (pandas' str dtype would turn it into NaN)
    return pd.DataFrame(rows, columns=["id", "text"], dtype=object)


def _plain(values) -> list:
    """Values with every kind of missing (None, NaN, pd.NA) as None, for comparisons."""
    return [None if pd.isna(v) else v for v in values]


@pytest.fixture(scope="session")
def spark():
    """A small local Spark session (2 cores, no UI), stopped at the end of the session."""
    from pyspark.sql import SparkSession

    saved = {k: os.environ.get(k) for k in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON")}
    os.environ["PYSPARK_PYTHON"] = os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (SparkSession.builder.master("local[2]").appName("heartscore-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "4")
               .config("spark.default.parallelism", "4")
               # several Arrow batches per partition: the model must be reused across them
               .config("spark.sql.execution.arrow.maxRecordsPerBatch", "8")
               .config("spark.driver.memory", "1g")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def rows_df(spark):
    df = spark.createDataFrame(_rows(), "id string, text string").repartition(4)
    assert df.rdd.getNumPartitions() == 4
    return df


def test_spark_matches_the_cli_row_for_row(spark, rows_df, model, tmp_path):
    rows = _frame(_rows())
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    rows.to_csv(src, index=False)
    assert main(["score", str(src), "-o", str(dst), "--text-column", "text", "--quiet"]) == 0
    cli = pd.read_csv(dst, dtype={"id": str}).sort_values("id", ignore_index=True)

    out = score(rows_df, "text", model=model, batch_size=5)  # 8-row Arrow batches in slices
    got = out.toPandas().sort_values("id", ignore_index=True)

    assert list(got.columns) == list(cli.columns) == list(out.columns)
    assert got["id"].tolist() == cli["id"].tolist() == rows["id"].tolist()
    assert _plain(got["text"]) == _plain(rows["text"])
    assert len(got) == 60

    scored = got["heartscore_error"].isna()
    assert scored.sum() == 57
    assert {"good", "bad"} <= set(got.loc[scored, "polarity"])
    assert _plain(got["polarity"]) == _plain(cli["polarity"])
    for s in model.schema.signals:
        assert _plain(got[s]) == _plain(cli[s]), s
    assert (got.loc[scored, list(model.schema.signals)] != 0).any().sum() >= 2
    num = ["heart_score", "confidence", *model.schema.proba_columns()]
    np.testing.assert_allclose(got[num].to_numpy(float), cli[num].to_numpy(float),
                               rtol=0, atol=1e-9, equal_nan=True)
    assert _plain(got["low_confidence"]) == _plain(cli["low_confidence"])
    assert (got["heartscore_model"] == model.id).all()

    # A CSV cannot tell null from "", so the CLI reads both as missing; Spark keeps the
    # difference, as score_frame does.
    errors = dict(zip(got["id"], got["heartscore_error"]))
    assert (errors["r07"], errors["r23"], errors["r41"]) == (
        "missing text", "empty text", "empty text")
    cli_errors = dict(zip(cli["id"], cli["heartscore_error"]))
    assert cli_errors["r23"] == "missing text"
    del errors["r23"], cli_errors["r23"]
    assert _plain(errors.values()) == _plain(cli_errors.values())


def test_output_schema_is_typed(rows_df, model):
    types = {f.name: f.dataType.simpleString() for f in score(rows_df, model=model,
                                                              evidence=True).schema.fields}
    assert types["id"] == types["text"] == types["polarity"] == "string"
    assert all(types[s] == "int" for s in model.schema.signals)
    assert all(types[c] == "double" for c in
               ["heart_score", "confidence", *model.schema.proba_columns()])
    assert types["low_confidence"] == "boolean"
    assert types["evidence"] == types["heartscore_error"] == types["heartscore_model"] == "string"
    assert list(types)[-3:] == ["evidence", "heartscore_error", "heartscore_model"]


def test_evidence_matches_score_frame(spark, model):
    rows = _rows()[:9]
    df = spark.createDataFrame(rows, "id string, text string")
    got = score(df, model=model, evidence=True).toPandas().sort_values("id", ignore_index=True)
    want = score_frame(_frame(rows), model=model, evidence=True)
    assert got["evidence"].tolist() == want["evidence"].tolist()
    assert any(json.loads(e) for e in got["evidence"])


def test_missing_text_column_names_the_columns(rows_df, model):
    with pytest.raises(InputError, match=r"no column 'review'; columns are id, text; "
                                         r"pass text_col=NAME"):
        score(rows_df, "review", model=model)


def test_existing_output_column_is_refused(rows_df, model):
    with pytest.raises(InputError, match="already has column.*Polarity"):
        score(rows_df.withColumnRenamed("id", "Polarity"), model=model)
    with pytest.raises(InputError, match="model or model_path|one of them"):
        score(rows_df, model=model, model_path="x.joblib")


def test_missing_pyspark_says_how_to_install(rows_df, model, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark.sql.types", None)
    with pytest.raises(ImportError, match="pip install pyspark"):
        score(rows_df, model=model)


def test_executor_with_other_library_versions_refuses_the_model():
    from heartscore.errors import ModelCompatibilityError
    from heartscore.spark import _versions, _worker_model

    driver = {**_versions(), "scikit-learn": "0.1.0"}
    with pytest.raises(ModelCompatibilityError, match="driver has scikit-learn 0.1.0"):
        _worker_model(payload=None, key="other-versions", driver_versions=driver)


def test_scoring_prints_no_pandas_3_warning(rows_df, model):
    """0.1.0: with pandas >= 3, heartscore.spark.score() printed pyspark's FutureWarning."""
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        score(rows_df, "text", model=model).count()
    assert [str(w.message) for w in caught if issubclass(w.category, FutureWarning)] == []
