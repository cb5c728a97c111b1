"""Build heartscore's notebooks from the cells below, without outputs.

    python notebooks/build_notebooks.py            # writes notebooks/*.ipynb
    python notebooks/build_notebooks.py OUTDIR     # writes them into OUTDIR instead

The notebooks are generated, not edited by hand: change a cell here and rebuild, so the
``.ipynb`` files stay reproducible and diff-able (fixed cell ids, no outputs, no execution
counts). ``tests/test_notebooks.py`` runs each notebook top to bottom and checks that the
committed files are exactly what this script writes.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

# Every notebook starts by finding the repository root from its own working directory, so
# it runs the same from notebooks/, from the repo root or from a test's cwd.
FIND_ROOT = '''\
def find_repo_root(start: Path | None = None) -> Path:
    """The heartscore checkout: the nearest folder at or above ``start`` (default: the
    current directory) with pyproject.toml and src/heartscore/."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "src" / "heartscore").is_dir():
            return folder
    raise FileNotFoundError(f"no heartscore checkout (pyproject.toml + src/heartscore) at or "
                            f"above {here}; start Jupyter inside the repository")


ROOT = find_repo_root()'''


def md(text: str) -> dict:
    return new_markdown_cell(text.strip("\n"))


def code(text: str) -> dict:
    return new_code_cell(text.strip("\n"))


# --------------------------------------------------------------------------- 01 quickstart
QUICKSTART = [
    md("""
# heartscore quickstart

heartscore reads a piece of customer feedback and tells you how the service *felt*:

- a **polarity** of the experience: `good`, `bad` or `neutral`;
- four **emotional signals**: `trust`, `safety`, `seen`, `mattering`, each `+1` (the need was
  met), `-1` (violated) or `0` (the text says nothing about it);
- the **evidence**: the words that drove each non-neutral label, with character offsets;
- one **heart score** in [-1, 1] and a **confidence**.

This notebook loads the model shipped with heartscore, scores a few texts and shows how to
read every part of the result. Nothing is downloaded and nothing is written to disk.
"""),
    md("""
## What the labels mean

| signal | the customer's silent question | `+1` looks like | `-1` looks like |
|---|---|---|---|
| `trust` | Can I rely on you? | promises kept, honest prices, fixed first time | broken promises, hidden fees, late / lost / cancelled |
| `safety` | Do I feel safe and supported? | reassured, helped through a problem, no pressure | threatened, hard selling, stranded, dirty or hazardous |
| `seen` | Do you see me, hear me, know me? | listened to, remembered, kept informed | ignored, no reply, no updates, "treated like a number" |
| `mattering` | Do I matter to you as a person? | genuine care, above and beyond | rude, condescending, "they couldn't care less" |

Polarity is independent of the signals: "the soup was cold" is `bad` with no signal at all.
The full guide is `shared/LABELS.md` beside the repository.
"""),
    code("""
import json
from pathlib import Path

import pandas as pd

import heartscore
from heartscore.errors import InputError

""" + FIND_ROOT + """
pd.set_option("display.max_colwidth", 90)
print("repository:", ROOT)
print("heartscore", heartscore.__version__)
"""),
    md("""
## Load the shipped model

`heartscore.load()` loads the model in the repository's `models/` folder. It reads the model's
card first and refuses a changed file or one saved with other library versions. The card (a
`heartscore.ModelCard`: its fields are attributes, `card.to_dict()` is the saved JSON) records
how the model was made and how well it did on held-out texts.
"""),
    code("""
model = heartscore.load()
card = model.card
print("model id:", model.id)
print("labels:  ", ", ".join(model.schema.labels))
print("trained: ", card.created, "on", card.rows)
metrics = card.metrics
for key in ("polarity_macro_f1", "signal_macro_f1"):
    m = metrics[key]
    print(f"{key:18s} {m['value']:.3f}  95% CI [{m['ci_low']:.3f}, {m['ci_high']:.3f}]  "
          f"({metrics['split']} split, n = {metrics['n']})")
"""),
    md("""
## Score one text

`model.score(text)` returns a `Result`. Its main fields are the decided labels.
"""),
    code("""
text = "She remembered my name and asked about my trip, but the room was not ready until 6pm."
r = model.score(text)
print("polarity:      ", r.polarity)
print("signals:       ", dict(r.signals))
print("heart score:   ", round(r.heart_score, 3))
print("confidence:    ", round(r.confidence, 3), "(low)" if r.low_confidence else "")
print("scored by:     ", r.model)
"""),
    md("""
### Probabilities

`r.proba` holds, for each label, the probability of each class. The decided label is not
always the most probable class: the model uses thresholds tuned on development data (for
example a narrower `neutral` band for polarity). For a mixed text like this one (warm
service, a room not ready) look at how close `good` and `bad` are: the probabilities say
more than the decided label, and they are what the heart score is made of.
"""),
    code("""
pd.DataFrame(r.proba).T.rename_axis("label").round(3)
"""),
    md("""
### Evidence: which words drove each label

`r.evidence` maps each non-neutral label to up to three spans. Each span has `start` / `end`
character offsets into the original text, so `text[start:end]` is exactly the words. The
`weight` is how strongly the span pushed towards the decided value (larger = stronger).
"""),
    code("""
rows = []
for label, spans in r.evidence.items():
    value = r.polarity if label == "polarity" else r.signals[label]
    for e in spans:
        assert text[e.start:e.end] == e.text  # the offsets point into the original text
        rows.append({"label": label, "value": value, "words": text[e.start:e.end],
                     "start": e.start, "end": e.end, "weight": e.weight})
pd.DataFrame(rows)
"""),
    md("""
A small helper that marks the evidence inside the text makes results quick to read:
"""),
    code("""
def mark(text: str, spans) -> str:
    \"\"\"The text with each evidence span wrapped in [[ ]] (spans taken by offset).\"\"\"
    out, pos = [], 0
    for e in sorted(spans, key=lambda e: e.start):
        if e.start < pos:  # spans of one label do not overlap; skip any that would
            continue
        out += [text[pos:e.start], "[[", text[e.start:e.end], "]]"]
        pos = e.end
    return "".join(out + [text[pos:]])


for label, spans in r.evidence.items():
    if spans:  # every label is a key; an empty tuple means no evidence
        print(f"{label:10s}", mark(text, spans))
"""),
    md("""
### How the heart score and the confidence are made

The heart score is a weighted sum of *probabilities*, not of hard labels, so it moves
smoothly: 0.40 × (p(good) − p(bad)) plus, for each of the four signals,
0.15 × (p(+1) − p(−1)). The confidence is the mean, over the five labels, of the probability
of the decided class; results under 0.55 are flagged `low_confidence`.
"""),
    code("""
p = r.proba
heart = 0.40 * (p["polarity"]["good"] - p["polarity"]["bad"]) + sum(
    0.15 * (p[s][1] - p[s][-1]) for s in ("trust", "safety", "seen", "mattering"))
decided = [p["polarity"][r.polarity]] + [p[s][r.signals[s]] for s in r.signals]
confidence = sum(decided) / len(decided)
print(f"heart score  by hand {heart:+.4f}   result {r.heart_score:+.4f}")
print(f"confidence   by hand {confidence:.4f}    result {r.confidence:.4f}")
"""),
    md("""
## Score many texts

`model.score_many(texts)` scores a list and returns one `Result` per text, in the same order.
It is much faster than calling `score` in a loop. (`n_process=2` splits a large batch
over worker processes.) These texts are the examples of the label guide, with the labels the
guide gives them, so we can see where the model agrees.
"""),
    code("""
guide = pd.DataFrame([
    ("The soup was cold.", "bad", 0, 0, 0, 0),
    ("She remembered my daughter's name and asked about her recital.", "good", 0, 0, 1, 1),
    ("Two hours on hold and then they hung up on me.", "bad", 0, 0, -1, -1),
    ("They quoted $80 and charged $140, then denied it.", "bad", -1, 0, 0, 0),
    ("Our flight was cancelled at midnight, nobody told us anything and nobody helped us "
     "find a hotel.", "bad", -1, -1, -1, 0),
    ("The mechanic explained everything and never pushed extra repairs.", "good", 1, 1, 1, 0),
    ("What time do you open on Sundays?", "neutral", 0, 0, 0, 0),
    ("The manager yelled at my son and told us to get out.", "bad", 0, -1, 0, -1),
    ("Food was great even though the waiter forgot us twice.", "good", 0, 0, -1, 0),
    ("Thanks for losing my bag, great job.", "bad", -1, 0, 0, 0),  # sarcasm
], columns=["text", "polarity", "trust", "safety", "seen", "mattering"])
texts = guide["text"].tolist()
results = model.score_many(texts)

labels = ["polarity", "trust", "safety", "seen", "mattering"]
table = pd.DataFrame([{"text": t, "polarity": res.polarity, **res.signals,
                       "heart_score": round(res.heart_score, 2),
                       "confidence": round(res.confidence, 2)}
                      for t, res in zip(texts, results)])
table["differs from the guide on"] = [
    ", ".join(f"{label} (guide {g[label]}, model {row[label]})" for label in labels
              if g[label] != row[label]) or "-"
    for (_, g), (_, row) in zip(guide.iterrows(), table.iterrows())]
print(f"{(table['differs from the guide on'] == '-').sum()} of {len(table)} texts agree with "
      "the guide on all five labels")
table
"""),
    md("""
The model is a statistical reader, not the guide: on held-out texts it gets polarity right
far more often than the signals (see the card's figures above), it finds signals most
easily when the wording is explicit, and sarcasm or "great X even though Y" sentences are
hard for it. When a label looks wrong, the evidence usually shows which words misled it.
The evidence of each text, marked (labels without evidence are neutral / 0):
"""),
    code("""
for t, res in zip(texts, results):
    print(t)
    for label, spans in res.evidence.items():
        if not spans:
            continue
        value = res.polarity if label == "polarity" else f"{res.signals[label]:+d}"
        print(f"    {label} {value}: {mark(t, spans)}")
"""),
    md("""
`score_many` wants a list of strings. Passing one bare string (which Python would iterate
character by character) or a list holding a non-text value is refused with a clear
`InputError`. (To score a table where some rows are empty or not text, use
`heartscore.score_frame` or `heartscore.score_file`, which keep such rows and say why they
were not scored; see notebook 02.)
"""),
    code("""
for bad_input in ("just one string", ["fine text", None]):
    try:
        model.score_many(bad_input)
    except InputError as exc:
        print(f"{bad_input!r}: InputError: {exc}")
"""),
    md("""
## A result as a flat row: `Result.to_dict()`

`to_dict()` gives exactly the columns the command line and `score_frame` write: labels,
heart score, confidence, and one probability column per label and class (`p_trust_-1` …).
`to_dict(evidence=True)` adds the evidence as a JSON string with offsets.
"""),
    code("""
d = results[4].to_dict(evidence=True)
pd.Series({k: v for k, v in d.items() if k != "evidence"}, name=texts[4][:40] + "…")
"""),
    code("""
json.loads(d["evidence"])
"""),
    md("""
Many results become a table in one line, ready for pandas or a spreadsheet:
"""),
    code("""
frame = pd.DataFrame([res.to_dict() for res in results])
frame.insert(0, "text", texts)
frame.iloc[:, :8]
"""),
    md("""
## Next

- `02_score_an_export.ipynb`: score a whole CSV export, find rows that were not scored,
  summarise per store and write the HTML report.
- `03_retrain_and_compare.ipynb`: retrain on your own labeled rows, compare with the
  shipped model and choose which rows to label next.
"""),
]


# --------------------------------------------------------------------------- 02 export
EXPORT = [
    md("""
# Score an export and report on it

A typical job: a CSV export of reviews with a store and a date per row. This notebook

1. scores the small example export `examples/reviews.csv` with `heartscore.score_file`
   (file to file, the same code as `heartscore score`) and with `heartscore.score_frame`
   (a pandas DataFrame in, a DataFrame out);
2. builds a bigger, synthetic export of a few thousand rows, scores it, and looks at the rows
   that could not be scored;
3. summarises it per store with `heartscore.analysis.summaries.summarize_frame`;
4. writes the HTML report with `heartscore.analysis.report.write_report`.

Every file it writes goes into a fresh temporary folder; the repository is not touched.
"""),
    code("""
import json
import re
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import HTML, display

import heartscore
from heartscore.analysis.report import write_report
from heartscore.analysis.summaries import SMALL_GROUP, summarize_frame
from heartscore.corpus import load_corpus

""" + FIND_ROOT + """
OUT = Path(tempfile.mkdtemp(prefix="heartscore-02-"))
pd.set_option("display.max_colwidth", 80)
print("repository:   ", ROOT)
print("outputs go to:", OUT)

model = heartscore.load()
print("model:", model.id)
"""),
    md("""
## 1. The example export

20 restaurant reviews with an `id`, a `store` and a `date`.
"""),
    code("""
reviews_path = ROOT / "examples" / "reviews.csv"
reviews = pd.read_csv(reviews_path)
reviews.head()
"""),
    md("""
### File to file: `score_file`

`score_file(input, output, model=..., evidence=True)` reads the input in chunks, scores it
and writes every row, in order, with its original columns plus the label columns. It returns
a summary of what it did. `evidence=True` adds an `evidence` column (JSON spans with
offsets), which the report uses to highlight words.
"""),
    code("""
reviews_scored_path = OUT / "reviews_scored.csv"
summary = heartscore.score_file(reviews_path, reviews_scored_path, model=model,
                                text_column="text", id_column="id", evidence=True)
print(f"scored {summary.scored} of {summary.rows} rows from column {summary.text_column!r} "
      f"into {Path(summary.output).name}; not scored: {summary.errors or 'none'}")
reviews_scored = heartscore.read_scored(reviews_scored_path)  # label columns typed
print(len(reviews_scored.columns), "columns:", ", ".join(reviews_scored.columns))
"""),
    code("""
reviews_scored[["store", "text", "polarity", "trust", "safety", "seen", "mattering",
                "heart_score", "confidence"]]
"""),
    md("""
The `evidence` column is JSON: a list of spans, each with the label it explains, the words,
their `start`/`end` offsets in the text and a weight. For example, row 2:
"""),
    code("""
row = reviews_scored.iloc[1]
print(row["text"])
pd.DataFrame(json.loads(row["evidence"]))
"""),
    md("""
### DataFrame to DataFrame: `score_frame`

When the data is already in pandas, `heartscore.score_frame(df)` adds the same columns and
keeps the index (without `text=` it finds the text column as the command line does, and
says which in `.attrs`). Both paths give the same labels.
"""),
    code("""
frame_scored = heartscore.score_frame(reviews, model=model, evidence=True)
print("text column:", frame_scored.attrs["heartscore_text_column"])
same = (frame_scored["polarity"].tolist() == reviews_scored["polarity"].tolist()
        and np.allclose(frame_scored["heart_score"], reviews_scored["heart_score"]))
print("score_frame and score_file give the same labels:", same)
frame_scored[["text", "polarity", "heart_score", "low_confidence"]].head()
"""),
    md("""
The label columns are typed: `polarity` an ordered category (bad < neutral < good), the
signals `Int8` (`<NA>` where a row was not scored), the heart score and probabilities
`float64`. `heartscore.read_scored` gives a scored file the same types, so maths works on
either directly:
"""),
    code("""
print(frame_scored[["polarity", "trust", "heart_score", "low_confidence"]].dtypes.to_string())
frame_scored.groupby("store")[["heart_score", "trust", "seen", "mattering"]].mean().round(3)
"""),
    md("""
## 2. A bigger export

Real exports have thousands of rows and some junk. We make one from the texts of heartscore's
labeled corpus (`corpora/heartscore_corpus.csv`) with invented stores and dates.

**This export is synthetic.** To give the report something to find, rows the corpus labels
`bad` are sent more often to the *Airport* store, and *Pop-up* is deliberately small. We
also add rows with no usable text, as real exports have. The corpus labels are used only to
build this skew; the scoring below never sees them.
"""),
    code("""
rng = np.random.default_rng(2026)
corpus = load_corpus()  # keeps texts such as "N/A" as text
n_rows = 3000
export = corpus.sample(n_rows, random_state=7)[["id", "text", "polarity"]].reset_index(drop=True)

stores = np.array(["Airport", "Harbour St", "Old Town", "Riverside"])
weights_bad = np.array([0.40, 0.20, 0.20, 0.20])   # bad texts lean to Airport
weights_other = np.array([0.16, 0.28, 0.28, 0.28])
is_bad = (export["polarity"] == "bad").to_numpy()
export["store"] = np.where(is_bad, rng.choice(stores, n_rows, p=weights_bad),
                           rng.choice(stores, n_rows, p=weights_other))
export.loc[rng.choice(n_rows, 20, replace=False), "store"] = "Pop-up"
export["date"] = (pd.Timestamp("2026-01-01")
                  + pd.to_timedelta(rng.integers(0, 273, n_rows), unit="D")).strftime("%Y-%m-%d")

# junk, as in real exports: empty cells and whitespace-only answers
export.loc[[11, 222, 1500], "text"] = None
export.loc[[12, 2999], "text"] = "   "

export = export[["id", "store", "date", "text"]]  # drop the corpus label: an export has none
export_path = OUT / "export.csv"
export.to_csv(export_path, index=False)
print(f"{len(export):,} rows written to {export_path.name}")
export["store"].value_counts()
"""),
    md("""
Score it file to file with evidence. `chunksize` rows are scored at a time, so memory stays
flat however big the file is; `jobs=2` would score chunks in two processes with identical
output.
"""),
    code("""
scored_path = OUT / "export_scored.csv"
t0 = time.perf_counter()
summary = heartscore.score_file(export_path, scored_path, model=model, text_column="text",
                                id_column="id", evidence=True, chunksize=1000)
seconds = time.perf_counter() - t0
print(f"scored {summary.scored:,} of {summary.rows:,} rows in {summary.chunks} chunks, "
      f"{seconds:.1f} s ({summary.rows / seconds:,.0f} rows/s)")
print("not scored:", summary.errors, "ids:", summary.error_ids)
scored = pd.read_csv(scored_path, dtype={"id": str})
"""),
    md("""
### Rows that were not scored

They are kept, in place, with empty labels; `heartscore_error` says why. Filter on it before
you average anything by hand (the summaries and the report already leave these rows out).
Column `heartscore_error` can also hold a *note* on a row that *was* scored (a text cut to
100,000 characters, or undecodable bytes replaced), so test `polarity` for "scored".
"""),
    code("""
not_scored = scored[scored["polarity"].isna()]
not_scored[["id", "store", "text", "heartscore_error", "polarity", "heart_score"]]
"""),
    md("""
`score_frame` does the same in memory, and also catches values that are not text at all
(a number that slipped into the text column, for instance):
"""),
    code("""
messy = pd.DataFrame({"text": ["Lovely staff, thank you!", "", None, 42, "  "]})
heartscore.score_frame(messy, model=model)[["text", "polarity", "heart_score",
                                            "heartscore_error"]]
"""),
    md("""
## 3. Summary per store

`summarize_frame(scored, group_by="store")` gives one row per store: rows and scored rows,
the share judged good / bad / neutral, the share of rows where each signal is met and
violated, and the mean heart score with a 95% confidence interval. Stores with fewer than
`SMALL_GROUP` (30) scored rows are flagged `small`: their shares move a lot with a few texts.
"""),
    code("""
by_store = summarize_frame(scored, group_by="store")
by_store.set_index("store")
"""),
    md("""
The same, reduced to what most readers ask first: how bad, how warm, and where it hurts.
"""),
    code("""
view = by_store.set_index("store")
compact = pd.DataFrame({
    "scored": view["scored"],
    "bad %": (100 * view["share_bad"]).round(1),
    "good %": (100 * view["share_good"]).round(1),
    "heart score": view["heart_score_mean"].map("{:+.3f}".format)
    + " [" + view["heart_score_ci_low"].map("{:+.3f}".format) + ", "
    + view["heart_score_ci_high"].map("{:+.3f}".format) + "]",
    "most violated": view[[f"{s}_violated" for s in ("trust", "safety", "seen", "mattering")]]
    .idxmax(axis=1).str.replace("_violated", ""),
    "small": view["small"],
})
compact.sort_values("bad %", ascending=False)
"""),
    md("""
Reading it: *Airport* has the highest share of bad rows and the lowest heart score, with an
interval that does not overlap the others: a real difference (here, the skew we built in).
*Pop-up* is flagged `small`; its wide interval says its figures cannot be trusted yet.

## 4. The HTML report

`write_report(scored_file, html_file, group_by="store", date_column="date")` reads the scored
file (it never runs the model again) and writes one self-contained page that opens offline.
"""),
    code("""
report_path = write_report(scored_path, OUT / "report.html", group_by="store",
                           date_column="date", title="Synthetic export: reviews by store")
page = report_path.read_text(encoding="utf-8")
print(f"wrote {report_path} ({report_path.stat().st_size / 1e6:.1f} MB, opens offline)")
print("open it in a browser:", report_path.as_uri())
"""),
    md("""
The page holds charts (drawn by JavaScript bundled inside it) and plain HTML tables. Here are
two excerpts: the figures table and the page's own "How to read this report" notes.
"""),
    code("""
def section(page: str, pattern: str) -> str:
    \"\"\"The first piece of the page matching ``pattern`` (regular expression).\"\"\"
    match = re.search(pattern, page, flags=re.S)
    return match.group(0) if match else "(not found)"


display(HTML(section(page, r"<h3>All figures</h3>.*?</table>(?:</div>)?")))
display(HTML(section(page, r'<section id="notes".*?</section>')))
"""),
    md("""
### How to read the report

- **Header tiles**: scored rows, share good and bad, the mean heart score and the signal
  violated most often across the whole file.
- **Polarity / Signals by store**: the share of each store's scored rows judged good,
  neutral or bad, and for each signal the share met (blue, right) and violated (orange,
  left). Faded bars are small groups.
- **Heart score over time**: the monthly mean with a 95% band, overall and per store. A
  band that is wide or a month with few rows is noise, not a trend.
- **Signals most often violated**: up to three per store, ranked by share: where to look
  first.
- **Examples**: for each signal, the texts the model was surest violated or met it, with
  the words that drove the label highlighted (because we scored with `evidence=True`).
  Read them: they show what a figure means in customers' words, and where the model is
  wrong.
- Rows that were not scored are counted in the notes and left out of every figure.

From the command line the same steps are:

```bash
heartscore score export.csv -o export_scored.csv --evidence
heartscore summarize export_scored.csv --group-by store -o by_store.csv
heartscore report export_scored.csv -o report.html --group-by store --date-column date
```
"""),
    code("""
print("outputs of this notebook:")
for path in sorted(OUT.iterdir()):
    print(f"  {path.name:22s} {path.stat().st_size / 1e3:9.1f} kB")
print(f"delete them when done: shutil.rmtree({str(OUT)!r})")
"""),
]


# --------------------------------------------------------------------------- 03 retrain
RETRAIN = [
    md("""
# Retrain on your own labels and compare

The shipped model was trained on heartscore's hand-written corpus. A company with its own
labeled feedback can retrain on it, mixed with that corpus, and should then ask one
question: **is the new model better on my data than the one I already have?** This notebook

1. builds a small "company" labeled file, with an extra custom signal, `effort`;
2. trains a model with `heartscore.train(..., TrainConfig(with_base=True, ...))`;
3. saves it (in the safe `.hsm` format, and as a `.skops` export) and loads it back;
4. compares the shipped model and the new one on the company's held-out rows with
   `model.evaluate`;
5. asks `heartscore.suggest.suggest` which rows to label next.

It runs in about a minute. Everything it writes goes to a temporary folder.
"""),
    code("""
import re
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

import heartscore
from heartscore.corpus import labels_matrix, load_corpus
from heartscore.evaluation import bootstrap_ci, polarity_macro_f1, signal_macro_f1
from heartscore.labels import CORE_SIGNALS
from heartscore.suggest import suggest

""" + FIND_ROOT + """
OUT = Path(tempfile.mkdtemp(prefix="heartscore-03-"))
pd.set_option("display.max_colwidth", 100)
started = time.perf_counter()
print("repository:   ", ROOT)
print("outputs go to:", OUT)
"""),
    md("""
## 1. A company labeled file

A labeled file has a `text` column, `polarity` (`good`/`bad`/`neutral`) and one column per
signal (`-1`/`0`/`1`). We stand in for a company with the **584 texts of the corpus's test
split**: the shipped model was neither trained nor tuned on them, so comparing it with the
new model on these rows is fair.

We also give the company an extra signal, `effort` (did the customer have to work to get
served?). **Its labels here are made by a crude keyword rule, not by people**, only so the
notebook can show how a custom signal is trained. A model trained on them learns to imitate
the rule; its `effort` scores say nothing about real effort. With your own data, `effort`
would be labeled by hand like the other columns.
"""),
    code("""
corpus = load_corpus()
company = (corpus[corpus["split"] == "test"]
           .drop(columns=["split"]).reset_index(drop=True))

# DEMO RULE, not human labels: -1 when the text mentions chasing / repeating / being on hold,
# +1 when it says getting served was quick or easy, else 0.
HIGH_EFFORT = re.compile(r"\\b(on hold|repeat\\w*|chas(?:e|ed|ing)|transferred|still waiting|"
                         r"back and forth|hoops|twice|third time|"
                         r"(?:\\d+|two|three|four|five|six|seven|several) times)\\b", re.I)
LOW_EFFORT = re.compile(r"\\b(quick(?:ly)?|easy|easily|simple|straightforward|"
                        r"hassle[- ]free|no fuss|in minutes|seamless(?:ly)?)\\b", re.I)


def effort_rule(text: str) -> int:
    if HIGH_EFFORT.search(text):
        return -1
    if LOW_EFFORT.search(text):
        return 1
    return 0


company["effort"] = company["text"].map(effort_rule)
company["effort"].value_counts().rename("effort (rule-made)")
"""),
    md("""
Which rows does the company hold out? We keep whole **writing batches** together (the
corpus's `batch` column), so the held-out rows were not written alongside training rows:
8 of the 28 batches are `test`, 4 are `dev` (for tuning decision thresholds), the rest
`train`. A `split` column in the file tells `train` which rows to use for what; without one
it makes a seeded 70/15/15 split itself.
"""),
    code("""
batches = np.random.default_rng(3).permutation(sorted(company["batch"].unique()))
split_of = {b: "test" for b in batches[:8]} | {b: "dev" for b in batches[8:12]}
company["split"] = company["batch"].map(split_of).fillna("train")

company_path = OUT / "company_labels.csv"
columns = ["id", "text", "polarity", *CORE_SIGNALS, "effort", "split"]
company[columns].to_csv(company_path, index=False)
print(f"wrote {company_path.name}: {len(company)} rows")
pd.crosstab(company["split"], company["polarity"], margins=True)
"""),
    code("""
pd.crosstab(company["split"], company["effort"]).rename(columns=lambda c: f"effort {c:+d}")
"""),
    md("""
## 2. Train

`TrainConfig(with_base=True)` mixes the shipped corpus into training, so a few hundred rows
are enough, while the held-out metrics are computed on the **company's** test rows only.
`signals=` names the signal columns to learn; `effort` is not in the base corpus, so it is
learned from company rows only (base rows are left out of that head). The command-line
equivalent is

```bash
heartscore train company_labels.csv -o acme.hsm --with-base \\
    --signals trust,safety,seen,mattering,effort
```
"""),
    code("""
labeled = pd.read_csv(company_path, dtype={"id": str})
config = heartscore.TrainConfig(with_base=True, signals=(*CORE_SIGNALS, "effort"), seed=0)
t0 = time.perf_counter()
# One BLAS/OpenMP thread: training is many small fits, which extra threads only slow down
# (measured 16 s single-threaded against 24-60 s with two threads on a busy 2-core machine).
with threadpool_limits(limits=1):
    new_model = heartscore.train(labeled, config, name="acme")
print(f"trained in {time.perf_counter() - t0:.0f} s; labels: {', '.join(new_model.schema.labels)}")
for warning in new_model.card.warnings:
    print("warning:", warning)
print("rows used:", new_model.card.rows, "company;", new_model.card.base, "base")
"""),
    md("""
The warning is expected: with fewer than 100 company `dev` rows, the decision thresholds are
tuned on company and base `dev` rows together.

## 3. Save, share, load back

`heartscore.save(model, path)` writes one `.hsm` file: the model's arrays and its card
(config, versions, data hashes, metrics), each with its SHA-256. Loading it runs no code, so
it is the file to share. `.skops` is an opt-in export (its card is written beside it as
`acme-share.skops.card.json`); a `.joblib` pickle can run code when it is loaded, so heartscore
loads one only with `trusted=True` (`--trust-model`).
"""),
    code("""
hsm_path = heartscore.save(new_model, OUT / "acme.hsm")  # one file, card inside
skops_path = heartscore.save(new_model, OUT / "acme-share.skops")  # card beside it
for path in sorted(OUT.glob("acme*")):
    print(f"{path.name:20s} {path.stat().st_size / 1e6:6.2f} MB")

acme = heartscore.load(hsm_path)
acme_skops = heartscore.load(skops_path)
print("loaded:", acme.id, "and", acme_skops.id)
"""),
    code("""
held_out = labeled[labeled["split"] == "test"].reset_index(drop=True)
probe = held_out["text"].head(50).tolist()
a = acme.score_columns(probe)
b = acme_skops.score_columns(probe)
print(".hsm and .skops copies give identical scores:",
      all(np.array_equal(a[c], b[c]) for c in a))
"""),
    md("""
## 4. Compare on the company's held-out rows

`model.evaluate(texts, labels)` takes the texts and a label matrix in the model's own label
order (`labels_matrix(frame, model.schema)` builds it) and returns per-label precision,
recall, F1, Brier score, and two headline figures with bootstrap 95% intervals:

- **polarity macro-F1**: the mean F1 of good, bad and neutral;
- **signal macro-F1**: the mean F1 of each signal's met and violated classes (8 classes for
  the four core signals; 10 for the new model, whose `effort` is included).
"""),
    code("""
shipped = heartscore.load()
texts = held_out["text"].tolist()
reports = {}
for name, m in (("shipped", shipped), ("acme (retrained)", acme)):
    reports[name] = m.evaluate(texts, labels_matrix(held_out, m.schema))


def with_ci(d: dict) -> str:
    return f"{d['value']:.3f} [{d['ci_low']:.3f}, {d['ci_high']:.3f}]"


pd.DataFrame({
    name: {"held-out rows": rep["n"],
           "polarity macro-F1 [95% CI]": with_ci(rep["polarity_macro_f1"]),
           "signal macro-F1 [95% CI]": with_ci(rep["signal_macro_f1"]),
           "signals in that figure": ", ".join(s for s in rep["labels"] if s != "polarity")}
    for name, rep in reports.items()}).T
"""),
    md("""
The two signal figures average different sets of signals, so compare them label by label
(macro-F1 over each label's classes):
"""),
    code("""
per_label = pd.DataFrame({name: {label: rep["labels"][label]["macro_f1"]
                                 for label in rep["labels"]}
                          for name, rep in reports.items()})
per_label["difference"] = per_label["acme (retrained)"] - per_label["shipped"]
per_label.round(3)
"""),
    md("""
Overlapping intervals do not settle whether one model is better: both were measured on the
*same* rows, so the right interval is the one of the **paired difference** (both models
re-scored on the same bootstrap resamples). We compute it for polarity and for the four core
signals, the part the two models share, with heartscore's own metric functions.
"""),
    code("""
truth = labels_matrix(held_out, acme.schema)
pred = {name: m.score_columns(texts) for name, m in (("shipped", shipped), ("acme", acme))}
core = list(CORE_SIGNALS)
pol_true = truth[:, 0]
sig_true = truth[:, 1:1 + len(core)].astype(int)
pol_pred = {k: np.asarray(v["polarity"], dtype=object) for k, v in pred.items()}
sig_pred = {k: np.column_stack([v[s] for s in core]).astype(int) for k, v in pred.items()}


def pol_diff(t, a, b):
    return polarity_macro_f1(t, b) - polarity_macro_f1(t, a)


def sig_diff(t, a, b):
    return signal_macro_f1(t, b) - signal_macro_f1(t, a)


rows = {}
for name, metric, t, a, b in (
        ("polarity macro-F1", pol_diff, pol_true, pol_pred["shipped"], pol_pred["acme"]),
        ("core-signal macro-F1", sig_diff, sig_true, sig_pred["shipped"], sig_pred["acme"])):
    point, low, high = bootstrap_ci(metric, t, a, b, n_boot=500)
    rows[name] = {"acme − shipped": round(point, 3), "95% CI": f"[{low:+.3f}, {high:+.3f}]",
                  "verdict": "better" if low > 0 else "worse" if high < 0 else "no clear difference"}
pd.DataFrame(rows).T
"""),
    md("""
How to read this: a difference whose interval contains 0 is not a difference you can act
on with this many held-out rows. Expect little change in this demo: the "company" rows were
written like the base corpus, so mixing them in adds little; with real company feedback that
differs from the corpus
(other products, other wording), retraining is where gains come from, and this table is
how you would see them. Keep the model that wins on *your* held-out rows, and keep those
rows out of training so the comparison stays honest.

The new model also reports the custom signal on every text it scores:
"""),
    code("""
sample = held_out[held_out["effort"] != 0].head(5)
for text, res in zip(sample["text"], acme.score_many(sample["text"].tolist())):
    print(f"effort {res.signals['effort']:+d} (rule said {effort_rule(text):+d}): {text[:110]}")
"""),
    md("""
Compare its `effort` with what the rule said. With only a few dozen non-zero `effort` rows to
learn from (the table in section 1), the new head is timid and often says 0: a custom signal
needs, like any other, enough labeled examples of each side, and its held-out F1 above is the
figure to watch as you label more.
"""),
    md("""
## 5. What to label next

Labeling is the expensive part, so label the rows the model is least sure about.
`suggest(model, unlabeled, n=...)` ranks rows by uncertainty (1 = no idea on some label,
0 = certain on all), skips exact repeats and rows without text, and returns them with the
model's current guesses, which make labeling faster (correct the guess rather than start
from nothing). Here the "unlabeled" pool is the corpus's dev split with its labels removed.
"""),
    code("""
unlabeled = corpus[corpus["split"] == "dev"][["id", "text"]].reset_index(drop=True)
to_label = suggest(acme, unlabeled, text_column="text", n=15)
print(f"{len(to_label)} of {len(unlabeled)} rows chosen; uncertainty "
      f"{to_label['uncertainty'].min():.2f} to {to_label['uncertainty'].max():.2f}")
to_label.to_csv(OUT / "to_label.csv", index=False)
to_label[["text", "uncertainty", "guess_polarity", *[f"guess_{s}" for s in (*CORE_SIGNALS, "effort")]]]
"""),
    md("""
Write `to_label.csv` out, label it, append it to the company file (as `train` rows), retrain,
and compare again on the same held-out rows. The command line does the same with
`heartscore suggest unlabeled.csv -n 200 -o to_label.csv --model acme.hsm`.
"""),
    code("""
print(f"notebook ran in {time.perf_counter() - started:.0f} s; outputs in {OUT}:")
for path in sorted(OUT.iterdir()):
    print(f"  {path.name}")
"""),
]


NOTEBOOKS = {
    "01_quickstart.ipynb": QUICKSTART,
    "02_score_an_export.ipynb": EXPORT,
    "03_retrain_and_compare.ipynb": RETRAIN,
}


def build(name: str, cells: list[dict]) -> nbformat.NotebookNode:
    """A notebook with fixed cell ids and metadata, and no outputs."""
    nb = new_notebook()
    stem = name.split(".")[0]
    for i, cell in enumerate(cells):
        cell = nbformat.from_dict(dict(cell))
        cell["id"] = f"{stem}-{i:02d}"
        nb.cells.append(cell)
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    nbformat.validate(nb)
    return nb


def main(argv: list[str]) -> int:
    out_dir = Path(argv[0]) if argv else HERE
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        path = out_dir / name
        nbformat.write(build(name, cells), path)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
