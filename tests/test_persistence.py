"""Saving and loading models: the safe .hsm format by default (loading runs no code),
pickles only on explicit trust, integrity and version checks before anything is built, and
`convert` from a pickle to the safe format with the same predictions."""
import hashlib
import json
import os
import shutil
import zipfile
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest

from heartscore import load, save
from heartscore.cli import main
from heartscore.corpus import file_sha256
from heartscore.errors import ModelCompatibilityError
from heartscore.persistence import card_path, default_model_path, read_card

ROOT = Path(__file__).resolve().parents[1]


class Smuggled:
    """A type no heartscore model contains."""


class Planted:
    """Unpickling this creates ``marker``: a stand-in for any code a pickle can run."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


TEXTS = ["They lost my bag and nobody called back.", "Lovely nurse, I felt safe.",
         "What time do you open?"]


@pytest.fixture(scope="module")
def saved(tmp_path_factory, model):
    """The shipped model saved as a joblib pickle, with its card beside it."""
    path = tmp_path_factory.mktemp("m") / "copy.joblib"
    save(model, path)
    return path


@pytest.fixture(scope="module")
def safe(tmp_path_factory, model):
    """The shipped model saved in the safe format."""
    path = tmp_path_factory.mktemp("s") / "copy.hsm"
    save(model, path)
    return path


@pytest.fixture
def planted(tmp_path, saved):
    """A code-running pickle with a card beside it that matches it (right hash, versions)."""
    evil = tmp_path / "evil.joblib"
    marker = tmp_path / "marker"
    joblib.dump(Planted(str(marker)), evil)
    card = json.loads(card_path(saved).read_text())
    card["artifact"] = {"file": evil.name, "sha256": file_sha256(evil),
                        "bytes": evil.stat().st_size}
    card_path(evil).write_text(json.dumps(card))
    return evil, marker


def rewrite(src: Path, dst: Path, edit, *, fix_manifest: bool = True,
            fix_card: bool = False) -> Path:
    """Copy a model container with its members changed by ``edit(members)``; the manifest
    (and with ``fix_card`` the card's payload hash) recomputed so that only the change made
    on purpose can be what a test sees refused."""
    with zipfile.ZipFile(src) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(members.pop("manifest.json"))
    edit(members)
    sha = {k: hashlib.sha256(v).hexdigest() for k, v in members.items()}
    if fix_card:
        digest = hashlib.sha256(json.dumps(sorted((k, v) for k, v in sha.items()
                                                  if k != "card.json"),
                                           separators=(",", ":")).encode()).hexdigest()
        card = json.loads(members["card.json"])
        card["artifact"]["sha256"] = digest
        members["card.json"] = json.dumps(card).encode()
        sha["card.json"] = hashlib.sha256(members["card.json"]).hexdigest()
    if fix_manifest:
        manifest["members"] = {k: {"sha256": sha[k], "bytes": len(v)} for k, v in members.items()}
    with zipfile.ZipFile(dst, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        for k, v in members.items():
            zf.writestr(k, v)
    return dst


def edit_json(member: str, change):
    def edit(members):
        data = json.loads(members[member])
        change(data)
        members[member] = json.dumps(data).encode()
    return edit


# ---------------------------------------------------------------------- the safe format
def test_safe_round_trip_gives_identical_predictions(safe, model):
    again = load(safe)
    a = [r.to_dict(evidence=True) for r in model.score_many(TEXTS)]
    b = [r.to_dict(evidence=True) for r in again.score_many(TEXTS)]
    assert a == b
    assert again.id == model.id
    assert again.card.artifact["file"] == "copy.hsm"


def test_the_safe_format_is_one_file_of_json_and_arrays(tmp_path, model):
    path = save(model, tmp_path / "acme.hsm")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acme.hsm"]  # no card beside it
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert names[:3] == ["manifest.json", "card.json", "tree.json"]
        assert all(n.startswith("arrays/") and n.endswith(".npy") for n in names[3:])
        for n in names[3:]:  # every array loads without pickle
            np.load(zf.open(n), allow_pickle=False)
        tree = zf.read("tree.json").decode()
    # classes are named by allow-list tags, never by module paths
    for module in ("heartscore.", "sklearn.linear_model", "builtins", "numpy."):
        assert module not in tree
    assert '"class":"LogisticRegression"' in tree


def test_saving_twice_gives_the_same_payload_and_id(tmp_path, model):
    a, b = save(model, tmp_path / "a.hsm"), save(model, tmp_path / "b.hsm")
    assert read_card(a).artifact["sha256"] == read_card(b).artifact["sha256"]


def test_safe_file_is_within_twice_the_size_of_joblib(safe, saved):
    assert safe.stat().st_size <= 2 * saved.stat().st_size


def test_info_reads_the_card_without_building_the_model(safe, capsys, monkeypatch):
    from heartscore import safe_format

    def refuse(*args, **kwargs):
        raise AssertionError("info built the model")
    monkeypatch.setattr(safe_format.Container, "decode", refuse)
    assert main(["info", "--model", str(safe)]) == 0
    assert json.loads(capsys.readouterr().out)["artifact"]["file"] == "copy.hsm"


def test_an_altered_array_is_refused(safe, tmp_path, capsys):
    def flip(members):
        name = max((n for n in members if n.startswith("arrays/")), key=lambda n: len(members[n]))
        raw = bytearray(members[name])
        raw[-1] ^= 1
        members[name] = bytes(raw)
    bad = rewrite(safe, tmp_path / "bad.hsm", flip, fix_manifest=False)
    with pytest.raises(ModelCompatibilityError, match=r"arrays/\d+\.npy does not match its "
                                                      r"manifest \(sha256\)"):
        load(bad)
    assert main(["info", "--model", str(bad)]) == 1
    assert "does not match its manifest" in capsys.readouterr().err
    # the manifest rewritten to match: the card's payload hash still tells
    forged = rewrite(safe, tmp_path / "forged.hsm", flip)
    with pytest.raises(ModelCompatibilityError, match="the card belongs to another model"):
        load(forged)


def test_an_altered_card_is_refused(safe, tmp_path):
    def better(card):
        card["metrics"]["polarity_macro_f1"]["value"] = 0.99
    bad = rewrite(safe, tmp_path / "bad.hsm", edit_json("card.json", better), fix_manifest=False)
    with pytest.raises(ModelCompatibilityError, match="card.json does not match its manifest"):
        read_card(bad)
    with pytest.raises(ModelCompatibilityError, match="card.json does not match its manifest"):
        load(bad)


def test_an_extra_or_missing_member_is_refused(safe, tmp_path):
    extra = rewrite(safe, tmp_path / "extra.hsm",
                    lambda m: m.update({"run_me.py": b"print(1)"}), fix_manifest=False)
    with pytest.raises(ModelCompatibilityError, match="run_me.py are not as the manifest"):
        load(extra)
    named = rewrite(safe, tmp_path / "named.hsm", lambda m: m.update({"../x.npy": b"1"}))
    with pytest.raises(ModelCompatibilityError, match="unexpected member '../x.npy'"):
        load(named)


@pytest.mark.parametrize("change, message", [
    (lambda t: t["state"]["heads_"]["v"]["polarity"].update({"class": "os.system"}),
     "class tag 'os.system', which is not in the allow-list"),
    (lambda t: t["state"].update({"featurizer_": {"$": "pickle", "v": "gASV"}}),
     "unknown type tag 'pickle' at model.featurizer_"),
])
def test_an_unknown_tag_is_refused(safe, tmp_path, change, message):
    bad = rewrite(safe, tmp_path / "tag.hsm", edit_json("tree.json", change), fix_card=True)
    with pytest.raises(ModelCompatibilityError, match=message):
        load(bad)


def test_a_model_naming_a_pipeline_or_cue_file_needs_trust(safe, tmp_path, monkeypatch):
    def spacy_path(tree):
        tree["state"]["nlp"]["v"]["base"] = "/shared/drive/pipeline"
    bad = rewrite(safe, tmp_path / "pipe.hsm", edit_json("tree.json", spacy_path), fix_card=True)
    with pytest.raises(ModelCompatibilityError,
                       match="names spaCy pipeline '/shared/drive/pipeline'.*--trust-model"):
        load(bad)
    assert load(bad, trusted=True).estimator.nlp["base"] == "/shared/drive/pipeline"

    def cue_file(tree):
        tree["state"]["cues"] = ["/etc/hostname"]
        tree["state"].pop("cue_data_", None)
    bad = rewrite(safe, tmp_path / "cues.hsm", edit_json("tree.json", cue_file), fix_card=True)
    with pytest.raises(ModelCompatibilityError, match="names cue file '/etc/hostname'"):
        load(bad)

    def cue_string(tree):  # one path where a list belongs: named whole, not as '/'
        tree["state"]["cues"] = "/etc/hostname"
        tree["state"].pop("cue_data_", None)
    bad = rewrite(safe, tmp_path / "cue1.hsm", edit_json("tree.json", cue_string), fix_card=True)
    with pytest.raises(ModelCompatibilityError, match="names cue file '/etc/hostname'"):
        load(bad)


def test_a_schema_that_does_not_match_the_heads_is_refused_even_when_rehashed(safe, tmp_path):
    # before: loaded, then "unexpected IndexError ... This is a bug" when scoring
    def two_classes(tree):
        text = json.dumps(tree).replace('["bad", "neutral", "good"]', '["bad", "good"]')
        tree.clear()
        tree.update(json.loads(text))
    bad = rewrite(safe, tmp_path / "schema.hsm", edit_json("tree.json", two_classes),
                  fix_card=True)
    with pytest.raises(ModelCompatibilityError, match="does not match its polarity head"):
        load(bad)


@pytest.mark.parametrize("lib", ["scikit-learn", "spacy"])
def test_safe_file_from_other_versions_is_refused(safe, tmp_path, lib):
    def old(card):
        card["versions"][lib] = "0.1.0"
    other = rewrite(safe, tmp_path / "old.hsm", edit_json("card.json", old))
    with pytest.raises(ModelCompatibilityError, match=f"saved with {lib} 0.1.0"):
        load(other)


# ---------------------------------------------------------------------- pickles need trust
@pytest.mark.parametrize("command", ["score", "info", "evaluate", "suggest"])
def test_a_planted_pickle_is_refused_by_every_command(planted, tmp_path, capsys, command):
    evil, marker = planted
    rows = tmp_path / "rows.csv"
    pd.DataFrame({"text": ["Kind nurse.", "Rude staff."], "polarity": ["good", "bad"],
                  "trust": [0, -1], "safety": [1, 0], "seen": [1, -1],
                  "mattering": [0, 0]}).to_csv(rows, index=False)
    argv = {"score": ["score", str(rows), "-o", str(tmp_path / "out.csv"), "--quiet"],
            "info": ["info"],
            "evaluate": ["evaluate", str(rows)],
            "suggest": ["suggest", str(rows), "-o", str(tmp_path / "next.csv")]}[command]
    assert main(argv + ["--model", str(evil)]) == 1
    err = capsys.readouterr().err
    assert "evil.joblib is a pickle (joblib) model" in err and "--trust-model" in err
    assert "heartscore convert --trust-model evil.joblib -o evil.hsm" in err
    assert len(err.strip().splitlines()) == 1
    assert not marker.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evil.card.json", "evil.joblib",
                                                          "rows.csv"]


def test_a_planted_pickle_is_refused_by_the_library_and_runs_only_on_trust(planted):
    evil, marker = planted
    with pytest.raises(ModelCompatibilityError, match="trusted=True"):
        load(evil)
    with pytest.raises(ModelCompatibilityError, match="trusted=True"):
        read_card(evil)
    assert main(["convert", str(evil), "-o", str(evil.with_suffix(".hsm"))]) == 1
    assert not marker.exists() and not evil.with_suffix(".hsm").exists()
    # trusted, the pickle runs what it holds: the refusal above is what kept it from running
    model = load(evil, trusted=True)
    model.estimator.close()
    assert marker.exists()


def test_a_trusted_pickle_loads(saved, model, capsys):
    assert main(["info", "--model", str(saved), "--trust-model"]) == 0
    assert json.loads(capsys.readouterr().out)["artifact"]["file"] == "copy.joblib"
    again = load(saved, trusted=True)
    assert [r.to_dict(evidence=True) for r in again.score_many(TEXTS)] == \
        [r.to_dict(evidence=True) for r in model.score_many(TEXTS)]


def test_changed_pickle_is_refused_before_unpickling(saved, tmp_path):
    bad = tmp_path / "bad.joblib"
    shutil.copy(saved, bad)
    shutil.copy(card_path(saved), card_path(bad))
    with open(bad, "ab") as fh:
        fh.write(b"tampered")
    with pytest.raises(ModelCompatibilityError, match="does not match its card"):
        load(bad, trusted=True)


def test_missing_card_is_refused(saved, tmp_path):
    bare = tmp_path / "bare.joblib"
    shutil.copy(saved, bare)
    with pytest.raises(ModelCompatibilityError, match="no model card"):
        load(bare, trusted=True)


@pytest.mark.parametrize("lib", ["scikit-learn", "spacy"])
def test_incompatible_versions_are_refused(saved, tmp_path, lib):
    other = tmp_path / "old.joblib"
    shutil.copy(saved, other)
    card = json.loads(card_path(saved).read_text())
    card["versions"][lib] = "0.1.0"
    card_path(other).write_text(json.dumps(card))
    with pytest.raises(ModelCompatibilityError, match=f"saved with {lib} 0.1.0"):
        load(other, trusted=True)


def test_a_pickle_named_hsm_is_never_unpickled(planted, tmp_path):
    evil, marker = planted
    disguised = tmp_path / "disguised.hsm"
    shutil.copy(evil, disguised)
    for trusted in (False, True):
        with pytest.raises(ModelCompatibilityError, match="not a readable heartscore model"):
            load(disguised, trusted=trusted)
    assert not marker.exists()


def test_a_pickle_under_another_name_is_still_a_pickle_that_needs_trust(planted, tmp_path):
    evil, marker = planted
    renamed = tmp_path / "evil.bin"
    shutil.copy(evil, renamed)
    with pytest.raises(ModelCompatibilityError, match="evil.bin is a pickle"):
        load(renamed)
    assert not marker.exists()


@pytest.mark.parametrize("compress", [0, 3, "gzip", "bz2", "lzma", "xz", ("zlib", 9)])
def test_a_joblib_file_under_any_name_and_compression_is_known_as_a_pickle(tmp_path, compress):
    import joblib
    from heartscore.persistence import model_format
    path = tmp_path / "model.bin"
    joblib.dump({"a": 1}, path, compress=(compress, 3) if isinstance(compress, str) else compress)
    assert model_format(path) == "pickle"


@pytest.mark.parametrize("command", ["info", "score"])
def test_a_file_or_folder_that_is_no_model_is_not_called_a_pickle(tmp_path, capsys, command):
    # before: "s.csv is a pickle (joblib) model ... pass --trust-model"
    data = tmp_path / "s.csv"
    data.write_text("text\nGreat\n")
    for bad, said in ((data, "s.csv is not a heartscore model"),
                      (tmp_path, "is a folder, not a model file")):
        args = [command, "--model", str(bad)] + ([str(data), "-o", str(tmp_path / "o.csv")]
                                                 if command == "score" else [])
        assert main(args) == 1  # a model that cannot be loaded (README: exit codes)
        err = capsys.readouterr().err
        assert said in err and "--trust-model" not in err and "Traceback" not in err
    assert not (tmp_path / "o.csv").exists()


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ModelCompatibilityError, match="does not exist"):
        load(tmp_path / "nope.hsm")


# ---------------------------------------------------------------------- convert
def test_convert_keeps_every_prediction_and_the_model_id(model, tmp_path, capsys):
    from heartscore import Model, ModelCard
    # a user's pickle as 0.1.0 wrote it: no record of any earlier conversion
    card = ModelCard.from_dict({k: v for k, v in model.card.to_dict().items()
                                if k != "converted_from"})
    saved = save(Model(model.estimator, card), tmp_path / "old.joblib")
    assert load(saved, trusted=True).id.endswith("@" + file_sha256(saved)[:12])
    target = tmp_path / "converted.hsm"
    assert main(["convert", str(saved), "-o", str(target)]) == 1
    assert "--trust-model" in capsys.readouterr().err and not target.exists()
    assert main(["convert", "--trust-model", str(saved), "-o", str(target)]) == 0
    assert "converted.hsm" in capsys.readouterr().err
    old, new = load(saved, trusted=True), load(target)
    assert new.id == old.id and new.card.converted_from["sha256"] == file_sha256(saved)
    texts = pd.read_csv(ROOT / "corpora" / "real" / "real.csv")["text"].sample(
        300, random_state=17).tolist()
    a = old.score_columns(texts, evidence=True)
    b = new.score_columns(texts, evidence=True)
    assert list(a) == list(b)
    for name in a:
        assert np.array_equal(a[name], b[name]), name  # exactly equal, probabilities too
    assert any(name.startswith("p_") for name in a)


# ---------------------------------------------------------------------- shipped model, skops
def test_shipped_model_is_in_the_safe_format_and_agrees_with_its_corpus(model):
    from heartscore.corpus import corpus_path
    from heartscore.persistence import model_format
    assert default_model_path().suffix == ".hsm" and model_format(default_model_path()) == "safe"
    card = model.card
    # every data file the model was trained on is named with the hash it had then
    files = [card.corpus, *card.corpus.get("also", [])]
    root = corpus_path().parents[1]
    assert {f["file"] for f in files} == {"corpora/real/real.csv", "corpora/heartscore_corpus.csv",
                                          "corpora/real/distant.csv"}
    for f in files:
        assert f["sha256"] == file_sha256(root / f["file"]), f["file"]
    assert default_model_path().name == card.artifact["file"]
    for key in ("versions", "schema", "config", "thresholds", "metrics"):
        assert getattr(card, key) is not None


def test_skops_round_trip_and_untrusted_types_are_refused(model, tmp_path):
    import skops.io as sio
    path = tmp_path / "shared.skops"
    save(model, path)
    again = load(path)
    assert [r.to_dict() for r in again.score_many(TEXTS)] == \
        [r.to_dict() for r in model.score_many(TEXTS)]
    # a skops file carrying a type heartscore does not trust is refused, even with its card
    evil = tmp_path / "evil.skops"
    sio.dump(Smuggled(), evil)
    card = json.loads(card_path(path).read_text())
    card["artifact"]["sha256"] = file_sha256(evil)
    card_path(evil).write_text(json.dumps(card))
    with pytest.raises(ModelCompatibilityError, match="does not trust"):
        load(evil)


def test_saved_models_and_cards_get_the_usual_file_mode(tmp_path, model):
    """0.1.0 wrote models and cards with mkstemp's 0600: unreadable by a scoring service
    running as another user. Now 0666 less the umask, like any file the user writes."""
    old = os.umask(0o022)
    try:
        written = [save(model, tmp_path / "m.hsm"), save(model, tmp_path / "m.joblib"),
                   card_path(tmp_path / "m.joblib")]
    finally:
        os.umask(old)
    assert [oct(p.stat().st_mode & 0o777) for p in written] == ["0o644"] * 3


@pytest.mark.parametrize("name", ["m.hsm", "m.joblib"])
def test_save_refuses_a_fifo_and_leaves_it_a_fifo(model, tmp_path, name):
    # before: the temporary file renamed into place replaced the FIFO (or /dev/null), exit 0
    import stat
    from heartscore.errors import InputError
    fifo = tmp_path / name
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="is a named pipe"):
        save(model, fifo)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@pytest.mark.parametrize("command", ["train", "convert"])
def test_train_and_convert_refuse_a_fifo_output_before_any_work(saved, tmp_path, capsys,
                                                                command):
    import stat
    fifo = tmp_path / "out.hsm"
    os.mkfifo(fifo)
    labels = tmp_path / "labels.csv"
    labels.write_text("text,polarity,trust,safety,seen,mattering\nGreat,good,1,0,0,0\n")
    args = (["train", str(labels), "-o", str(fifo)] if command == "train" else
            ["convert", "--trust-model", str(saved), "-o", str(fifo)])
    assert main(args) == 2
    assert "is a named pipe" in capsys.readouterr().err  # refused before training on 1 row
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
