"""`heartscore score` writes exactly what it wrote before the I/O layer was reorganised:
every output format's fingerprint equals the one recorded (tests/data/cli_outputs.json,
written by scripts/cli_outputs.py from the 0.1.0 code)."""
import json

import pytest

from cli_outputs import RECORD, run_all
from heartscore.cli import main


@pytest.fixture(scope="module")
def fingerprints(tmp_path_factory):
    return run_all(tmp_path_factory.mktemp("cli-outputs"), main)


def test_every_format_is_byte_identical_to_the_record(fingerprints, model):
    record = json.loads(RECORD.read_text())
    assert record["model"] == model.id, "the model changed: re-record with scripts/cli_outputs.py"
    changed = [k for k, v in record["outputs"].items() if fingerprints.get(k) != v]
    assert not changed and set(fingerprints) == set(record["outputs"]), changed
