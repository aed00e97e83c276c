"""A document is its content, through the real ``kg`` command: two files of
the same name in two folders are two documents, a renamed or copied file is
one, a path whose text changed replaces its previous document, ``kg remove``
takes a path, an unambiguous file name or an id, and a store of the previous
version (documents named by file name) is read but refused for writing."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
from click.testing import CliRunner

from kg.cli import main
from kg.store.rdf import KG, document_iri, document_quads, insert_data
from kg.store.backends import open_store

A_TEXT = "星河大学与蓝海新材料科技有限公司正式签约。\n"
B_TEXT = "南湖理工大学与北辰电子科技有限公司正式签约。\n"


def kg(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def documents(store) -> list[dict]:
    with open_store(store) as s:
        return [{"doc": d["doc"], "paths": d["paths"]} for d in s.documents()]


def subjects(store) -> set[str]:
    with open_store(store) as s:
        return {r["subject"] for r in s.relations()}


def test_same_name_in_two_folders_is_two_documents_after_build_and_rebuild(tmp_path,
                                                                          monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("a").mkdir(), Path("b").mkdir()
    Path("a/news.txt").write_text(A_TEXT, encoding="utf-8")
    Path("b/news.txt").write_text(B_TEXT, encoding="utf-8")
    first = kg("build", "a", "b", "--store", "S", "--quiet")
    assert first.exit_code == 0, first.output
    assert first.stdout == ("added 2, replaced 0, skipped 0, failed 0; "
                            "store S: 2 documents, 4 entities, 2 relations\n")
    assert documents("S") == [{"doc": "news.txt", "paths": ["a/news.txt"]},
                              {"doc": "news.txt", "paths": ["b/news.txt"]}]
    assert subjects("S") == {"星河大学", "南湖理工大学"}
    again = kg("build", "a", "b", "--store", "S", "--quiet")
    assert again.exit_code == 0, again.output
    assert again.stdout.startswith("added 0, replaced 0, skipped 2, failed 0; store S: 2 documents")
    assert subjects("S") == {"星河大学", "南湖理工大学"}


def test_renamed_or_copied_file_is_one_document_with_both_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("in").mkdir()
    Path("in/news.txt").write_text(A_TEXT, encoding="utf-8")
    assert kg("build", "in", "--store", "S", "--quiet").exit_code == 0
    with open_store("S") as s:
        evidence = s.stats()["evidence"]
    Path("in/news.txt").rename("in/renamed.txt")
    Path("copy").mkdir()
    Path("copy/index.txt").write_text(A_TEXT, encoding="utf-8")
    out = kg("build", "in", "copy", "--store", "S", "--quiet")
    assert out.exit_code == 0, out.output
    assert out.stdout == ("added 0, replaced 0, skipped 0, failed 0, same text as a stored "
                          "document 2; store S: 1 document, 2 entities, 1 relation\n")
    assert documents("S") == [{"doc": "news.txt",
                               "paths": ["copy/index.txt", "in/news.txt", "in/renamed.txt"]}]
    with open_store("S") as s:
        assert s.stats()["evidence"] == evidence        # not doubled


def test_same_path_with_new_text_replaces_its_document_only(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("in").mkdir(), Path("keep").mkdir()
    Path("in/news.txt").write_text(A_TEXT, encoding="utf-8")
    Path("keep/other.txt").write_text(B_TEXT, encoding="utf-8")
    assert kg("build", "in", "keep", "--store", "S", "--quiet").exit_code == 0
    Path("in/news.txt").write_text("东岭大学与青山华达化工有限公司正式签约。\n", encoding="utf-8")
    out = kg("build", "in", "keep", "--store", "S", "--quiet")
    assert out.stdout.startswith("added 0, replaced 1, skipped 1, failed 0; store S: 2 documents")
    assert subjects("S") == {"东岭大学", "南湖理工大学"}


def test_a_changed_path_keeps_a_text_still_read_from_another_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("in").mkdir(), Path("copy").mkdir()
    Path("in/news.txt").write_text(A_TEXT, encoding="utf-8")
    Path("copy/news.txt").write_text(A_TEXT, encoding="utf-8")
    assert kg("build", "in", "copy", "--store", "S", "--quiet").exit_code == 0
    Path("in/news.txt").write_text(B_TEXT, encoding="utf-8")
    out = kg("build", "in", "copy", "--store", "S", "--quiet")
    assert out.stdout.startswith("added 1, replaced 0, skipped 1, failed 0; store S: 2 documents")
    by_subject = {}
    with open_store("S") as s:
        paths = {d["doc_id"]: d["paths"] for d in s.documents()}
        for r in s.relations():
            by_subject[r["subject"]] = paths[r["doc_id"]]
    assert by_subject == {"星河大学": ["copy/news.txt"], "南湖理工大学": ["in/news.txt"]}


def test_documents_query_lists_ids_names_and_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("a").mkdir(), Path("b").mkdir()
    Path("a/news.txt").write_text(A_TEXT, encoding="utf-8")
    Path("b/news.txt").write_text(A_TEXT, encoding="utf-8")
    assert run_ok("build", "a", "b", "--store", "S", "--quiet")
    with open_store("S") as s:
        (doc_id,) = s.doc_ids()
    query = Path(__file__).resolve().parents[1] / "ontology" / "queries" / "documents.rq"
    out = kg("sparql", query, "--store", "S", "--format", "csv")
    header, row = out.stdout.splitlines()
    ident, name, paths = row.split(",")
    assert (header, ident, name, sorted(paths.split())) == \
        ("id,file,paths", doc_id, "news.txt", ["a/news.txt", "b/news.txt"])


def run_ok(*args) -> bool:
    result = kg(*args)
    assert result.exit_code == 0, result.output
    return True


def test_remove_by_path_by_unambiguous_name_or_by_id(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("a").mkdir(), Path("b").mkdir()
    Path("a/news.txt").write_text(A_TEXT, encoding="utf-8")
    Path("b/news.txt").write_text(B_TEXT, encoding="utf-8")
    Path("b/only.txt").write_text("东岭大学与青山华达化工有限公司正式签约。\n", encoding="utf-8")
    assert kg("build", "a", "b", "--store", "S", "--quiet").exit_code == 0
    with open_store("S") as s:
        ids = {d["paths"][0]: d["doc_id"] for d in s.documents()}

    ambiguous = kg("remove", "news.txt", "--store", "S")
    assert ambiguous.exit_code == 2
    assert ambiguous.stderr == (
        f"kg: E202 'news.txt' names 2 documents: a/news.txt (id {ids['a/news.txt']}), "
        f"b/news.txt (id {ids['b/news.txt']}); give a path or an id\n")

    by_path = kg("remove", "b/news.txt", "--store", "S")
    assert by_path.exit_code == 0 and by_path.stdout == f"removed b/news.txt (id {ids['b/news.txt']})\n"
    by_name = kg("remove", "only.txt", "--store", "S")
    assert by_name.exit_code == 0 and by_name.stdout == f"removed only.txt (id {ids['b/only.txt']})\n"
    by_id = kg("remove", ids["a/news.txt"], "--store", "S")
    assert by_id.exit_code == 0
    assert documents("S") == []
    gone = kg("remove", "a/news.txt", "--store", "S")
    assert gone.exit_code == 2
    assert gone.stderr.startswith("kg: E201 no document 'a/news.txt' in store S (give its path")


def test_extract_writes_one_document_for_one_text_under_two_names(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("in").mkdir()
    Path("in/a.txt").write_text(A_TEXT, encoding="utf-8")
    Path("in/b.txt").write_text(A_TEXT, encoding="utf-8")
    out = kg("extract", "in", "--out", "out")
    assert out.exit_code == 0, out.output
    docs = [json.loads(line) for line in Path("out/documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(d["doc"], d["paths"]) for d in docs] == [("a.txt", ["in/a.txt", "in/b.txt"])]
    assert out.stdout.startswith("1 document, 2 entities, 1 relation → out/")


def _legacy_store(path: Path) -> None:
    """A store as the previous version wrote it: the document's graph (and
    the document) named by its file name."""
    result = {"document": {"doc": "a.txt", "doc_id": "0123456789abcdef", "path": "in/a.txt",
                           "text": "某某大学与某某公司签约。"},
              "entities": [{"name": "某某大学", "type": "University", "aliases": []},
                           {"name": "某某公司", "type": "Company", "aliases": []}],
              "relations": [{"subject": "某某大学", "predicate": "signsWith", "object": "某某公司",
                             "subject_type": "University", "object_type": "Company",
                             "evidence": "某某大学与某某公司签约。", "start": 0, "end": 12,
                             "trigger": "签约", "confidence": 0.9}]}
    new, old = document_iri("0123456789abcdef"), f"{KG}document/a.txt"

    def swap(term):
        if isinstance(term, ox.NamedNode) and term.value.startswith(new):
            return ox.NamedNode(old + term.value[len(new):])
        return term

    quads = [ox.Quad(swap(q.subject), q.predicate, swap(q.object),
                     ox.NamedNode(old) if q.graph_name.value == new else q.graph_name)
             for q in document_quads(result)]
    with open_store(path, create=True) as store:
        store.update(insert_data(quads))


def test_store_of_the_previous_version_is_read_and_refused_for_writing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _legacy_store(tmp_path / "old")
    stats = kg("stats", "--store", "old", "--json")
    assert stats.exit_code == 0 and json.loads(stats.stdout)["relations"] == 1
    Path("in").mkdir()
    Path("in/b.txt").write_text(A_TEXT, encoding="utf-8")
    message = ("kg: E108 store old was written by an earlier kg version (documents named by "
               "file name, not by content); it can be read but not changed: rebuild it with "
               "`rm -rf old && kg build PATH --store old`\n")
    build = kg("build", "in", "--store", "old", "--quiet")
    assert (build.exit_code, build.stderr, build.stdout) == (2, message, "")
    remove = kg("remove", "a.txt", "--store", "old")
    assert (remove.exit_code, remove.stderr) == (2, message)
    assert json.loads(kg("stats", "--store", "old", "--json").stdout)["documents"] == 1
