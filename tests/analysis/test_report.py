"""The HTML report: aggregation, errors, escaping, the CLI, and a real headless browser.

The browser test drives Debian's chromium over the DevTools protocol on a pipe (no extra
Python package, no port): it loads the report from a file with networking disabled and
asserts that every chart drew an SVG, that nothing was logged as an error or warning, that
no request left the page and that text from the file never ran as script. It is skipped,
with the reason, when chromium is not installed.
"""
from __future__ import annotations

import base64
import json
import math
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from heartscore.analysis.report import (ALL_ROWS, SMALL_GROUP, build_report, examples,
                                        highlight, monthly_heart_score, most_violated, prepare,
                                        shares, write_report)
from heartscore.cli import main
from heartscore.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
SIGNALS = ("trust", "safety", "seen", "mattering")
XSS_TEXT = '<script>window.__pwned = 1</script> rude staff <img src=x onerror="window.__pwned=2">'


def _row(i: int, store: str, date: str, text: str, polarity: str | None,
         signals: dict[str, int] | None = None, heart: float | None = None,
         evidence: list[dict] | None = None, error: str | None = None,
         extra: dict | None = None) -> dict:
    """One row as ``heartscore score --evidence`` writes it (probabilities made up)."""
    r: dict = {"id": i, "store": store, "date": date, "text": text, "polarity": polarity}
    sig = signals or {}
    for s in SIGNALS:
        r[s] = None if polarity is None else sig.get(s, 0)
    r["heart_score"] = heart if polarity is not None else None
    r["confidence"] = None if polarity is None else 0.8
    r["low_confidence"] = None if polarity is None else False
    for p in ("bad", "neutral", "good"):
        r[f"p_polarity_{p}"] = None if polarity is None else (0.8 if p == polarity else 0.1)
    for s in SIGNALS:
        for v in (-1, 0, 1):
            r[f"p_{s}_{v}"] = None if polarity is None else (
                0.6 + 0.01 * (i % 30) if v == sig.get(s, 0) else 0.2 - 0.005 * (i % 30))
    r["evidence"] = json.dumps(evidence or []) if polarity is not None else ""
    r["heartscore_error"] = error
    r["heartscore_model"] = None if polarity is None else "heartscore-test@0"
    r.update(extra or {})
    return r


@pytest.fixture
def scored() -> pd.DataFrame:
    """40 rows in Riverside (not small), 5 in Canal Walk (small), 1 row not scored.

    Riverside: 20 good / 10 bad / 10 neutral; trust violated 8, met 4; seen violated 2.
    Canal Walk: 1 good, 4 bad; seen violated 3, mattering violated 1.
    """
    rows = []
    for i in range(40):
        month = "2026-01" if i < 20 else "2026-02"
        pol = "good" if i < 20 else ("bad" if i < 30 else "neutral")
        sig = {}
        if 30 <= i < 38:
            sig["trust"] = -1
        if i < 4:
            sig["trust"] = 1
        if i in (38, 39):
            sig["seen"] = -1
        text = f"Riverside text number {i}: they said it would be ready and it was late."
        ev = [{"label": "trust", "text": "late", "start": text.index("late"),
               "end": text.index("late") + 4, "weight": 1.5}] if sig.get("trust") == -1 else []
        rows.append(_row(i, "Riverside", f"{month}-{(i % 28) + 1:02d}", text, pol, sig,
                         heart=round(0.3 - 0.02 * i, 4), evidence=ev))
    for j in range(5):
        i = 40 + j
        sig = {"seen": -1} if j < 3 else ({"mattering": -1} if j == 3 else {})
        text = XSS_TEXT if j == 3 else f"Canal Walk text {j}: nobody answered."
        ev = ([{"label": "mattering", "text": "rude staff", "start": XSS_TEXT.index("rude"),
                "end": XSS_TEXT.index("rude") + 10, "weight": 2.0}] if j == 3 else [])
        rows.append(_row(i, "Canal Walk", "2026-02-10", text, "good" if j == 4 else "bad", sig,
                         heart=-0.4, evidence=ev))
    rows.append(_row(45, "Riverside", "2026-02-11", "", None, error="empty text"))
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------- aggregation

def test_shares_overall_and_per_group(scored):
    sh = shares(prepare(scored, group_by="store"))
    assert list(sh["group"]) == [ALL_ROWS, "Riverside", "Canal Walk"]
    allr, river, canal = (sh.iloc[i] for i in range(3))
    assert (allr["n"], allr["rows"]) == (45, 46)          # the unscored row is counted apart
    assert (river["n"], river["rows"]) == (40, 41)
    assert river["good"] == pytest.approx(0.5) and river["bad"] == pytest.approx(0.25)
    assert river["neutral"] == pytest.approx(0.25)
    assert river["trust_violated"] == pytest.approx(8 / 40)
    assert river["trust_met"] == pytest.approx(4 / 40)
    assert river["seen_violated"] == pytest.approx(2 / 40)
    assert canal["seen_violated"] == pytest.approx(3 / 5)
    assert allr["trust_violated"] == pytest.approx(8 / 45)
    assert allr["heart_score"] == pytest.approx(
        pd.to_numeric(scored["heart_score"]).mean())


def test_small_groups_are_flagged_not_hidden(scored):
    table = prepare(scored, group_by="store")
    sh = shares(table)
    assert SMALL_GROUP == 30
    assert sh.set_index("group")["small"].to_dict() == {ALL_ROWS: False, "Riverside": False,
                                                         "Canal Walk": True}
    page = build_report(scored, group_by="store")
    assert "Canal Walk" in page and 'Canal Walk <span class="badge">small</span>' in page
    assert "Canal Walk · n=5 (small)" in page                       # label in the charts


def test_most_violated_ranks_signals_per_group(scored):
    top = most_violated(prepare(scored, group_by="store"))
    canal = top[top["group"] == "Canal Walk"]
    assert list(canal["signal"]) == ["seen", "mattering"]     # never-violated signals left out
    assert list(canal["count"]) == [3, 1]
    river = top[top["group"] == "Riverside"]
    assert list(river["signal"]) == ["trust", "seen"]
    assert river["share"].iloc[0] == pytest.approx(0.2)


def test_monthly_heart_score_has_a_t_interval(scored):
    m = monthly_heart_score(prepare(scored, group_by="store", date_column="date"))
    assert list(m["month"].dt.strftime("%Y-%m")) == ["2026-01", "2026-02"]
    jan = pd.to_numeric(scored["heart_score"]).iloc[:20].to_numpy()
    half = stats.t.ppf(0.975, 19) * jan.std(ddof=1) / math.sqrt(20)
    r = m.iloc[0]
    assert r["n"] == 20 and r["mean"] == pytest.approx(jan.mean())
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((jan.mean() - half, jan.mean() + half))
    by = monthly_heart_score(prepare(scored, group_by="store", date_column="date"),
                             by_group=True)
    assert set(by["group"]) == {"Riverside", "Canal Walk"}


def test_a_month_with_one_row_has_no_band(scored):
    one = scored.iloc[:1].copy()
    m = monthly_heart_score(prepare(one, date_column="date"))
    assert m["n"].tolist() == [1] and np.isnan(m["ci_low"].iloc[0])


def test_examples_are_the_most_confident_with_their_evidence(scored):
    ex = examples(prepare(scored, group_by="store", date_column="date"), "trust")
    assert len(ex["violated"]) == 3 and len(ex["met"]) == 3
    probs = [e.probability for e in ex["violated"]]
    assert probs == sorted(probs, reverse=True)
    first = ex["violated"][0]
    assert first.text[first.spans[0][0]:first.spans[0][1]] == "late"
    assert first.group == "Riverside" and first.date is not None


def test_signals_default_to_core_present_and_extras_are_reported(scored):
    df = scored.drop(columns=["safety"]).assign(
        effort=[-1 if i % 2 else 0 for i in range(len(scored))])
    df.loc[df["polarity"].isna(), "effort"] = None
    assert prepare(df).signals == ("trust", "seen", "mattering")
    table = prepare(df, signals=["trust", "effort"])
    assert table.signals == ("trust", "effort")
    assert shares(table)["effort_violated"].iloc[0] == pytest.approx(22 / 45)
    page = build_report(df, signals=["trust", "seen", "effort"])
    assert "effort" in page and '<h3>effort</h3>' in page


# ----------------------------------------------------------------------- errors

def test_missing_group_or_date_column_names_the_columns(scored):
    with pytest.raises(InputError) as exc:
        build_report(scored, group_by="shop")
    msg = str(exc.value)
    assert "no group column 'shop'" in msg and "columns are id, store, date, text" in msg
    assert "--group-by" in msg
    with pytest.raises(InputError, match="no date column 'when'.*columns are id, store, date"):
        build_report(scored, date_column="when")
    with pytest.raises(InputError, match="no text column 'body'"):
        build_report(scored, text_column="body")


def test_a_file_that_is_not_scored_is_refused(scored):
    raw = scored[["id", "store", "date", "text"]]
    with pytest.raises(InputError) as exc:
        build_report(raw)
    msg = str(exc.value)
    assert "not a scored file" in msg and "'polarity'" in msg
    assert "found columns id, store, date, text" in msg and "heartscore score" in msg


def test_bad_labels_unknown_signals_and_unreadable_dates_are_refused(scored):
    bad = scored.copy()
    bad.loc[3, "trust"] = 2
    with pytest.raises(InputError, match=r"column 'trust' should hold -1, 0, 1.*'2(\.0)?'.*row 5"):
        prepare(bad)
    bad = scored.copy()
    bad.loc[0, "polarity"] = "awful"
    with pytest.raises(InputError, match="'awful'"):
        prepare(bad)
    with pytest.raises(InputError, match="no signal column 'effort'.*trust, safety, seen"):
        prepare(scored, signals=["trust", "effort"])
    with pytest.raises(InputError, match="no readable dates in column 'text'"):
        prepare(scored, date_column="text")


# ----------------------------------------------------------------------- HTML

def test_text_from_the_file_is_escaped(scored):
    df = scored.copy()
    df.loc[0, "store"] = "</script><script>window.__pwned=3</script>"
    page = build_report(df, group_by="store", date_column="date",
                        title="<b>Q1</b> & friends")
    assert "window.__pwned" in page                      # the texts are there, but inert:
    assert "<script>window.__pwned" not in page and "<img src=x" not in page
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page
    assert page.count("<script>") == 2                   # the Vega bundle and the chart runner
    assert page.lower().count("</script") == 2
    assert "<title>&lt;b&gt;Q1&lt;/b&gt; &amp; friends</title>" in page
    # the evidence span inside the untrusted text is still highlighted, escaped
    assert ('>rude staff</mark> &lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;'
            in page)


def test_highlight_escapes_places_and_cuts():
    text = "a <b>late</b> bus & rude driver"
    out = highlight(text, [(5, 9, 1.0), (20, 24, 0.5)], limit=None)
    assert out == ('a &lt;b&gt;<mark class="ev" title="evidence (weight 1.00)">late</mark>'
                   '&lt;/b&gt; bus &amp; <mark class="ev" title="evidence (weight 0.50)">rude'
                   '</mark> driver')
    long = "word " * 300 + "the late bus " + "word " * 300
    start = long.index("late")
    out = highlight(long, [(start, start + 4, 1.0)], limit=200)
    assert out.startswith("…") and out.endswith("…") and ">late</mark>" in out
    assert len(out) < 320


def test_evidence_offsets_that_do_not_match_are_relocated_or_dropped(scored):
    df = scored.copy()
    text = "They lied about the fee, then lied again."
    df.loc[30, "text"] = text
    df.loc[30, "evidence"] = json.dumps([
        {"label": "trust", "text": "lied", "start": 0, "end": 4, "weight": 1.0},   # wrong offsets
        {"label": "trust", "text": "the fee", "start": 16, "end": 23, "weight": 0.5},
        {"label": "trust", "text": "fee", "start": 20, "end": 23, "weight": 0.2},  # overlaps
        {"label": "trust", "text": "missing", "start": 0, "end": 7, "weight": 0.2},
        {"label": "seen", "text": "then", "start": 25, "end": 29, "weight": 0.2}])
    df.loc[31, "evidence"] = "not json"
    ex = examples(prepare(df), "trust", k=40)["violated"]
    by_row = {e.row: e for e in ex}
    assert by_row[32].spans == ((5, 9, 1.0), (16, 23, 0.5))
    assert by_row[33].spans == ()


def test_page_is_self_contained_with_the_bundle_once(scored):
    page = build_report(scored, group_by="store", date_column="date")
    assert page.count("window.vegaEmbed=") == 1
    assert "<script src" not in page and "<link" not in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    for chart in ("chart-polarity", "chart-signals", "chart-trend", "chart-trend-groups"):
        assert f'id="{chart}"' in page
    assert "1 empty text" in page                          # unscored rows are explained


def test_write_report_reads_only_the_file_and_writes_atomically(scored, tmp_path, monkeypatch):
    import heartscore.model
    import heartscore.persistence

    def refuse(*a, **k):
        raise AssertionError("the report must not run the model")

    monkeypatch.setattr(heartscore.persistence, "load", refuse)
    monkeypatch.setattr(heartscore.model.Model, "score_many", refuse)
    src = tmp_path / "scored.csv"
    scored.to_csv(src, index=False)
    out = write_report(src, tmp_path / "out" / "report.html", group_by="store",
                       date_column="date")
    assert out == tmp_path / "out" / "report.html" and out.read_text().startswith("<!DOCTYPE")
    assert "heartscore report: scored.csv" in out.read_text()
    with pytest.raises(InputError):
        write_report(src, tmp_path / "out" / "bad.html", group_by="shop")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["report.html"]


def test_report_of_a_file_scored_by_the_shipped_model(model, tmp_path):
    from heartscore import score_file
    scored_path = tmp_path / "scored.jsonl"
    score_file(ROOT / "examples" / "reviews.csv", scored_path, model=model, evidence=True)
    page = write_report(scored_path, tmp_path / "r.html", group_by="store",
                        date_column="date").read_text()
    for s in SIGNALS:
        assert f"<h3>{s} " in page
    assert "<mark" in page


def test_cli_report(scored, tmp_path, capsys):
    src = tmp_path / "scored.csv"
    scored.to_csv(src, index=False)
    out = tmp_path / "report.html"
    assert main(["report", str(src), "-o", str(out), "--group-by", "store",
                 "--date-column", "date", "--text-column", "text"]) == 0
    assert out.exists() and f"wrote {out}" in capsys.readouterr().err
    assert main(["report", str(src), "-o", str(tmp_path / "x.html"), "--group-by", "shop"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no group column 'shop'" in err
    assert not (tmp_path / "x.html").exists()
    assert main(["report", "--help"]) == 0
    assert "example:" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["rep.pdf", "rep", "rep.csv"])
def test_cli_report_refuses_a_name_that_is_not_html(scored, tmp_path, capsys, name):
    # before: "wrote rep.pdf (0.9 MB, opens offline)", an HTML page under a .pdf name
    src = tmp_path / "scored.csv"
    scored.to_csv(src, index=False)
    assert main(["report", str(src), "-o", str(tmp_path / name)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "expected an output name ending in .html" in err
    assert not (tmp_path / name).exists()
    assert main(["report", str(src), "-o", str(tmp_path / "REP.HTM")]) == 0


# ----------------------------------------------------------------------- browser

CHROMIUM = shutil.which("chromium")


class Chromium:
    """Headless chromium driven over the DevTools protocol on a pipe (fds 3 and 4)."""

    FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-extensions", "--disable-default-apps", "--mute-audio",
             "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
             "--remote-debugging-pipe"]

    def __init__(self, binary: str) -> None:
        self._dir = tempfile.mkdtemp(prefix="hs-chromium-")
        to_child, self._w = os.pipe()
        self._r, from_child = os.pipe()

        def fds() -> None:  # in the child: the protocol reads fd 3 and writes fd 4
            import fcntl
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_child, from_child)]
            os.dup2(high[0], 3)  # dup2 makes inheritable copies; Python's own fds are not
            os.dup2(high[1], 4)  # inheritable, so close_fds=False leaks nothing else

        self.proc = subprocess.Popen(
            [binary, *self.FLAGS, f"--user-data-dir={self._dir}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=fds, close_fds=False)
        os.close(to_child)
        os.close(from_child)
        self._buf = b""
        self._id = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 30) -> dict:
        """Send one command and wait for its answer (events meanwhile are kept)."""
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._next(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def _next(self, deadline: float) -> dict:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._r], [], [], left)[0]:
                raise TimeoutError("chromium did not answer in time")
            chunk = os.read(self._r, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def open(self, url: str, width: int = 1200, height: int = 900) -> str:
        """A new page showing ``url`` with logging and network events on; its session id."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget",
                            {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Network", "Page"):
            self.send(f"{domain}.enable", session=session)
        self.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height,
                                                         "deviceScaleFactor": 1,
                                                         "mobile": False}, session=session)
        self.send("Page.navigate", {"url": url}, session=session)
        return session

    def evaluate(self, expression: str, session: str) -> object:
        res = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                        session=session)
        return res.get("result", {}).get("value")

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._w)
        os.close(self._r)
        shutil.rmtree(self._dir, ignore_errors=True)


def problems(events: list[dict]) -> list[str]:
    """Console errors/warnings, uncaught exceptions, error log entries and network requests."""
    found = []
    for ev in events:
        method, p = ev.get("method"), ev.get("params", {})
        if method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "warning",
                                                                          "assert"):
            found.append(f"console.{p['type']}: " + " ".join(
                str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            found.append("exception: " + str(d.get("exception", {}).get("description")
                                              or d.get("text")))
        elif method == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
            found.append(f"log {p['entry']['level']}: {p['entry']['text']}")
        elif method == "Network.requestWillBeSent":
            url = p["request"]["url"]
            if not url.startswith(("file:", "data:", "about:")):
                found.append(f"network request: {url}")
    return found


RENDERED = """(() => {
  const charts = [...document.querySelectorAll('div.chart')];
  return {charts: charts.length,
          drawn: charts.filter(c => c.querySelector('svg.marks g')).length,
          failed: document.querySelectorAll('div.chart.error').length,
          pwned: window.__pwned === undefined ? null : window.__pwned,
          marks: document.querySelectorAll('mark.ev').length,
          height: document.documentElement.scrollHeight};
})()"""


def render(path: Path, *, screenshot: Path | None = None, width: int = 1200,
           clip_height: int | None = None, timeout: float = 30) -> tuple[dict, list[str]]:
    """Open ``path`` in headless chromium; (what RENDERED found, problems) once every chart
    drew or failed, or after ``timeout`` seconds.

    ``screenshot`` saves a PNG of the page from the top (``clip_height`` pixels, or all).
    """
    browser = Chromium(CHROMIUM)
    try:
        session = browser.open(path.resolve().as_uri(), width=width)
        deadline = time.monotonic() + timeout
        state: dict = {}
        while time.monotonic() < deadline:
            state = browser.evaluate(RENDERED, session) or {}
            if state.get("charts") and state["drawn"] + state["failed"] >= state["charts"]:
                break
            time.sleep(0.1)
        time.sleep(0.3)  # let late console messages arrive
        browser.evaluate("0", session)
        if screenshot is not None:
            h = clip_height or state["height"]
            shot = browser.send("Page.captureScreenshot", {
                "format": "png", "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": h, "scale": 1}},
                session=session)
            screenshot.write_bytes(base64.b64decode(shot["data"]))
        return state, problems(browser.events)
    finally:
        browser.close()


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (Debian: apt-get install "
                                             "chromium); the report is not checked in a browser")
def test_report_renders_offline_in_chromium_without_errors(scored, tmp_path):
    page = tmp_path / "report.html"
    scored.to_csv(tmp_path / "scored.csv", index=False)
    write_report(tmp_path / "scored.csv", page, group_by="store", date_column="date")
    state, found = render(page)
    assert found == []
    assert state["charts"] == 4 and state["drawn"] == 4 and state["failed"] == 0
    assert state["pwned"] is None          # text from the file never ran as script
    assert state["marks"] >= 3             # evidence highlighted


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (Debian: apt-get install "
                                             "chromium); the browser check is not tested")
def test_the_browser_check_sees_errors_warnings_and_requests(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html><body><div class="chart"></div>'
                    '<img src="http://example.invalid/x.png">'
                    "<script>console.warn('careful'); console.error('boom');"
                    "undefinedFunction();</script></body></html>")
    state, found = render(page, timeout=2)
    text = "\n".join(found)
    assert "console.warning: careful" in text and "console.error: boom" in text
    assert "undefinedFunction" in text and "network request: http://example.invalid/x.png" in text
    assert state["drawn"] == 0


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (Debian: apt-get install "
                                             "chromium); the report is not checked in a browser")
def test_the_drivers_section_renders_in_chromium(tmp_path):
    rng = np.random.default_rng(0)
    rows = [_row(i, "Riverside", "2026-01-05", f"text {i}: they never listened to me at all",
                 pol, {"seen": -1} if i % 4 == 0 else ({"trust": 1} if i % 5 == 0 else {}),
                 heart=0.1) for i, pol in enumerate(rng.choice(["good", "bad", "neutral"], 240))]
    df = pd.DataFrame(rows)
    df.insert(1, "stars", np.where(df["seen"] == -1, 2, 4) + rng.integers(0, 2, len(df)))
    df.to_csv(tmp_path / "scored.csv", index=False)
    page = tmp_path / "report.html"
    assert main(["report", str(tmp_path / "scored.csv"), "-o", str(page), "--outcome",
                 "stars"]) == 0
    state, found = render(page)
    assert found == []
    assert state["charts"] == 4 and state["drawn"] == 4 and state["failed"] == 0
