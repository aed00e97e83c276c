"""`kg build --extracted` loads what `kg extract` — or the Dask recipe of the
README (scripts/dask_extract.py), run with Dask's local scheduler — wrote,
and gives the same store (same N-Quads) as `kg build` on the same files."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.store.backends import open_store

ROOT = Path(__file__).resolve().parents[1]
SEEDS = str(ROOT / "seeds")


def nquads(path) -> list[str]:
    with open_store(path) as store:
        return sorted(store.export("nq").decode("utf-8").splitlines())


def invoke(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    store = tmp_path_factory.mktemp("built") / "store"
    invoke("build", SEEDS, "--store", store, "--quiet")
    return nquads(store)


def test_kg_extract_then_build_extracted_is_kg_build(tmp_path, built):
    invoke("extract", SEEDS, "--out", tmp_path / "out")
    store = tmp_path / "store"
    assert "added 5" in invoke("build", "--extracted", tmp_path / "out", "--store", store, "--quiet")
    assert nquads(store) == built
    again = invoke("build", "--extracted", tmp_path / "out", "--store", store, "--quiet")
    assert "added 0, replaced 0, skipped 5" in again


def test_dask_recipe_with_the_local_scheduler_gives_the_same_store(tmp_path, built):
    pytest.importorskip("dask.bag")
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from dask_extract import dask_extract
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    parts = dask_extract(SEEDS, str(tmp_path / "out"), chunk=2, scheduler="processes")
    assert [Path(p).name for p in parts] == ["part-00000", "part-00001", "part-00002"]
    store = tmp_path / "store"
    invoke("build", "--extracted", *parts, "--store", store, "--quiet")
    assert nquads(store) == built


def test_not_an_extraction_directory_is_one_line(tmp_path):
    (tmp_path / "x").mkdir()
    result = CliRunner().invoke(main, ["build", "--extracted", str(tmp_path / "x"),
                                       "--store", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert "not an extraction directory" in result.output and result.output.count("\n") == 1
