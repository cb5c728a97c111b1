"""Record the fingerprints of what `heartscore score` writes in every output format
(tests/data/cli_outputs.json), for tests/io/test_cli_outputs.py. Run it only on purpose:
after a model change, or to pin the outputs of the code as it is before a refactor.

    python scripts/cli_outputs.py
"""
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "io"))

import heartscore  # noqa: E402
from cli_outputs import RECORD, run_all  # noqa: E402
from heartscore.cli import main  # noqa: E402

with tempfile.TemporaryDirectory() as tmp:
    outputs = run_all(Path(tmp), main)
RECORD.write_text(json.dumps({"model": heartscore.load().id, "outputs": outputs}, indent=2) + "\n")
print(f"recorded {len(outputs)} fingerprints in {RECORD}")
