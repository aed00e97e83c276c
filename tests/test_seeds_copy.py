"""The repository's copy of the seed documents and their gold annotations is
the shared one: ``seeds/*.txt`` equals ``../shared/seeds/*.txt`` and
``seeds/gold/*.json`` equals ``../shared/gold/seeds/*.json``.

The repository must also work standalone, so the comparison is skipped
when ``../shared`` is absent; the copy itself is always checked for
completeness (one gold file per seed document)."""

from __future__ import annotations

import json

import pytest


def _files(folder, pattern):
    return {p.name: p.read_bytes() for p in sorted(folder.glob(pattern))}


def test_every_seed_has_a_gold_file(repo_root):
    texts = {p.stem for p in (repo_root / "seeds").glob("*.txt")}
    golds = {p.stem for p in (repo_root / "seeds" / "gold").glob("*.json")}
    assert texts, "no seed documents in seeds/"
    assert texts == golds
    for path in (repo_root / "seeds" / "gold").glob("*.json"):
        gold = json.loads(path.read_text(encoding="utf-8"))
        assert gold["doc"] == path.stem + ".txt"


@pytest.mark.parametrize("ours, theirs, pattern", [
    ("seeds", "seeds", "*.txt"),
    ("seeds/gold", "gold/seeds", "*.json"),
], ids=["documents", "gold"])
def test_copy_equals_shared(repo_root, shared_dir, ours, theirs, pattern):
    if not shared_dir.is_dir():
        pytest.skip("../shared is absent (standalone checkout)")
    shared = _files(shared_dir / theirs, pattern)
    local = _files(repo_root / ours, pattern)
    assert shared, f"no {pattern} in {shared_dir / theirs}"
    assert sorted(local) == sorted(shared), "different file names"
    differing = [name for name in shared if local[name] != shared[name]]
    assert not differing, f"files differ from ../shared/{theirs}: {differing}"
