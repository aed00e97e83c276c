"""``kg build --jobs N``: extraction in worker processes gives exactly the
store that one process gives, stays incremental, and reports bad documents
the same way."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from kg.ingest.build import build, parallel_extract
from kg.store.backends import open_store

ROOT = Path(__file__).resolve().parent.parent
KG = str(Path(sys.executable).with_name("kg"))


def _corpus_module():
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_corpus"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    _corpus_module().write_corpus(24, folder, seed=11)
    return folder


def _snapshot(store_dir) -> dict:
    with open_store(store_dir) as store:
        return {"stats": store.stats(), "relations": store.relations(),
                "entities": store.entities(), "documents": store.documents()}


@pytest.fixture(scope="module")
def one_job(corpus_dir, tmp_path_factory):
    store_dir = tmp_path_factory.mktemp("one") / "s"
    with open_store(store_dir, create=True) as store:
        report = build([corpus_dir], store, progress=False, jobs=1)
    assert report.summary() == "added 24, replaced 0, skipped 0, failed 0"
    return _snapshot(store_dir)


def test_two_jobs_give_the_same_store_as_one(corpus_dir, one_job, tmp_path):
    with open_store(tmp_path / "s", create=True) as store:
        report = build([corpus_dir], store, progress=False, jobs=2)
    assert report.summary() == "added 24, replaced 0, skipped 0, failed 0"
    assert report.added == sorted(report.added)          # written in document order
    two = _snapshot(tmp_path / "s")
    assert two["stats"] == one_job["stats"]
    assert two["relations"] == one_job["relations"]
    assert two["entities"] == one_job["entities"]
    assert two["documents"] == one_job["documents"]
    assert one_job["stats"]["relations"] > 100


def test_command_with_jobs_is_incremental(corpus_dir, one_job, tmp_path):
    store_dir = str(tmp_path / "s")
    docs = tmp_path / "docs"
    docs.mkdir()
    for path in sorted(corpus_dir.glob("*.txt")):
        (docs / path.name).write_bytes(path.read_bytes())
    first = subprocess.run([KG, "build", str(docs), "--store", store_dir, "--quiet",
                            "--jobs", "2"], capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("added 24, replaced 0, skipped 0, failed 0")
    assert _snapshot(store_dir)["relations"] == one_job["relations"]
    # a changed document is replaced, the others skipped (no pool for one document)
    changed = docs / "00003.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n星河大学与蓝海科技有限公司签约。\n",
                       encoding="utf-8")
    second = subprocess.run([KG, "build", str(docs), "--store", store_dir, "--quiet",
                             "-j", "0"], capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith("added 0, replaced 1, skipped 23, failed 0")


def _failing_extract(doc):
    """Module level, so that worker processes can unpickle it."""
    if doc["doc"] == "bad.txt":
        raise ValueError("cannot read this one")
    from kg.extraction.document import extract_document
    return extract_document(doc)


def test_an_extraction_error_in_a_worker_fails_only_that_document(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for i, name in enumerate(("a.txt", "bad.txt", "c.txt")):
        (docs / name).write_text(f"星河{i}大学与蓝海科技有限公司签约。", encoding="utf-8")
    with open_store(tmp_path / "s", create=True) as store:
        report = build([docs], store, progress=False, jobs=2, extract=_failing_extract)
        assert report.added == ["a.txt", "c.txt"]
        assert report.failed == [f"{docs / 'bad.txt'}: ValueError: cannot read this one"]
        assert {d["doc"] for d in store.documents()} == {"a.txt", "c.txt"}


def test_parallel_extract_keeps_the_order_of_the_documents():
    docs = [{"doc": f"{i:02d}.txt", "doc_id": f"{i:016d}",
             "raw": f"星河{i}大学与蓝海{i}科技有限公司签约。"} for i in range(20)]
    out = list(parallel_extract(docs, jobs=2))
    assert [ok for ok, _ in out] == [True] * 20
    assert [r["document"]["doc"] for _, r in out] == [d["doc"] for d in docs]
    # each result holds its own document's parties (a symmetric relation may read either way)
    assert [{r["relations"][0]["subject"], r["relations"][0]["object"]} for _, r in out] == \
        [{f"星河{i}大学", f"蓝海{i}科技有限公司"} for i in range(20)]


# --- the build's label index answers as KGStore.resolver does -------------------------------

ALIAS_DOCS = {
    "x1.txt": "星河理工大学（以下简称“星河理工”）与青山蓝海新材料科技有限公司签约。",
    "x2.txt": "星河理工与南湖高新区管委会共建南湖智能制造产业创新中心。青山蓝海新材料科技有限公司落户南湖高新区。",
    "x3.txt": "蓝海新材料科技有限公司总经理刘志强获聘青山市招才引智大使。",
}


def _reference_build(folder, store) -> None:
    """What build() did before the index: store.resolver per document."""
    from kg.ingest.build import default_extractor, ingest_document
    from kg.extraction.reading import iter_documents

    known = store.doc_paths()
    for doc in iter_documents([str(folder)]):
        ingest_document(store, doc, default_extractor(), known)


def test_label_index_resolves_entities_as_the_store_resolver(corpus_dir, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for path in sorted(corpus_dir.glob("*.txt"))[:12]:
        (docs / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    for name, text in ALIAS_DOCS.items():
        (docs / name).write_text(text, encoding="utf-8")
    with open_store(tmp_path / "ref", create=True) as ref, \
            open_store(tmp_path / "new", create=True) as new:
        _reference_build(docs, ref)
        build([docs], new, progress=False)
        # change two documents (one that others resolve against) and build again
        (docs / "x1.txt").write_text("星河理工大学与青山蓝海新材料科技有限公司签署战略合作协议。",
                                     encoding="utf-8")
        (docs / "00002.txt").write_text((docs / "00005.txt").read_text(encoding="utf-8")
                                        + "\n星河理工与南湖高新区合作。", encoding="utf-8")
        _reference_build(docs, ref)
        report = build([docs], new, progress=False)
        assert report.replaced == ["00002.txt", "x1.txt"]
    assert _snapshot(tmp_path / "new") == _snapshot(tmp_path / "ref")


def test_same_file_name_twice_keeps_results_with_their_documents(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir(), two.mkdir()
    text = "星河大学与蓝海科技有限公司签约。"
    (one / "a.txt").write_text(text, encoding="utf-8")
    (two / "a.txt").write_text(text, encoding="utf-8")          # same name, same content
    (two / "b.txt").write_text("东岭理工大学与青山华达化工有限公司签约。", encoding="utf-8")
    with open_store(tmp_path / "s", create=True) as store:
        report = build([one, two], store, progress=False, jobs=2)
        # the same text twice is one document, read from both paths
        assert (report.added, report.linked) == (["a.txt", "b.txt"], ["a.txt"])
        assert sorted(len(d["paths"]) for d in store.documents()) == [1, 2]
        by_doc = {(r["doc"], r["subject"]) for r in store.relations()}
    assert ("b.txt", "东岭理工大学") in by_doc and ("a.txt", "星河大学") in by_doc
