"""The seeds' outputs are byte-identical to the ones recorded in
tests/data/identical (``bench/identical.py --record tests/data/identical``):
extraction, the store's N-Quads, and the JSON of the analysis commands.

A change meant to preserve behaviour keeps this passing; a change meant to
alter outputs records the folder again, and its diff shows what changed.
"""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORDED = ROOT / "tests" / "data" / "identical"

spec = importlib.util.spec_from_file_location("identical", ROOT / "bench" / "identical.py")
identical = importlib.util.module_from_spec(spec)
spec.loader.exec_module(identical)


def test_seed_outputs_are_byte_identical_to_the_recorded_ones(tmp_path):
    identical.run(tmp_path, ["seeds"])
    assert identical.differences(RECORDED, tmp_path, ["seeds"]) == []


def test_a_changed_byte_is_found(tmp_path):
    """The comparison itself can fail: one byte changed in one file is named."""
    fresh = tmp_path / "fresh"
    for path in RECORDED.rglob("*"):
        if path.is_file():
            target = fresh / path.relative_to(RECORDED)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    stats = fresh / "seeds-stats.json"
    stats.write_bytes(stats.read_bytes() + b" ")
    assert identical.differences(RECORDED, fresh, ["seeds"]) == ["seeds-stats.json"]
