"""The on-disk store: opening safely, incremental builds, removal, records,
the CLI (build, remove, sparql, export, stats) and crash safety."""

from __future__ import annotations

import csv
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from click.testing import CliRunner

from kg.ingest.build import build, ingest_document, remove
from kg.cli import main
from kg.messages import KGError
from kg.store.rdf import entity_iri
from kg.store.backends import StoreError, open_store, query_kind

from seedgold import gold_results
from test_queries import QUERIES, load
from test_rdf import example

# pyshacl drives rdflib through deprecated Dataset APIs, once per triple.
pytestmark = pytest.mark.filterwarnings("ignore:Dataset:DeprecationWarning")

ROOT = Path(__file__).resolve().parents[1]
KG = str(Path(sys.executable).with_name("kg"))
NAMES = "甲乙丙丁戊庚辛壬癸"   # 己, 子 make 与己, 与子 words


def fake_extract(doc: dict) -> dict:
    """Extraction stand-in: each line 'A|type|B|type|predicate' is a relation."""
    ents, rels = {}, []
    text = doc["raw"]
    for line in text.splitlines():
        if not line.strip():
            continue
        s, st, o, ot, p = line.split("|")
        ents[(s, st)] = {"name": s, "type": st, "aliases": []}
        ents[(o, ot)] = {"name": o, "type": ot, "aliases": []}
        start = text.index(line)
        rels.append({"subject": s, "predicate": p, "object": o, "subject_type": st,
                     "object_type": ot, "evidence": line, "start": start,
                     "end": start + len(line), "trigger": None, "confidence": 0.5,
                     "title": None})
    return {"document": dict(doc, text=text), "entities": list(ents.values()),
            "relations": rels}


def write(folder: Path, name: str, *lines: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def quads(store) -> set:
    return {str(q) for q in store.quads()}


# --- opening ----------------------------------------------------------------------------

def test_directory_that_is_not_a_store_is_refused_untouched(tmp_path):
    folder = tmp_path / "notes"
    write(folder, "mine.txt", "重要的笔记")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    with pytest.raises(StoreError, match="not a kg store") as info:
        open_store(folder, create=True)
    assert "\n" not in str(info.value)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before

    result = CliRunner().invoke(main, ["build", str(folder), "--store", str(folder)])
    assert result.exit_code != 0
    assert "not a kg store" in result.output
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_file_and_missing_store(tmp_path):
    file = write(tmp_path, "f.txt", "x")
    with pytest.raises(StoreError, match="is a file"):
        open_store(file, create=True)
    assert file.read_text(encoding="utf-8") == "x\n"
    with pytest.raises(StoreError, match="no store at"):
        open_store(tmp_path / "nothing")
    assert not (tmp_path / "nothing").exists()
    result = CliRunner().invoke(main, ["stats", "--store", str(tmp_path / "nothing")])
    assert result.exit_code == 2 and "no store at" in result.output


def test_store_persists_and_reopens(tmp_path):
    path = tmp_path / "s"
    with open_store(path, create=True) as store:
        ingest_document(store, {"doc": "a.txt", "doc_id": "0123456789abcdef", "raw": ""},
                        lambda d: example())
        before = quads(store)
    with open_store(path) as store:
        assert quads(store) == before
        assert store.stats()["documents"] == 1


def test_store_in_use_is_read_read_only_and_refuses_changes_in_one_line(tmp_path):
    store = open_store(tmp_path / "s", create=True)
    try:
        second = open_store(tmp_path / "s")      # held: read-only, queries answer
        assert second.read_only and second.query("ASK { }").boolean is True
        with pytest.raises(StoreError) as info:
            second.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
        assert info.value.code == "E113"
        assert "\n" not in str(info.value) and "in use by another process" in str(info.value)
        second.close()
    finally:
        store.close()


# --- incremental builds -----------------------------------------------------------------

@pytest.fixture
def corpus(tmp_path):
    docs = tmp_path / "docs"
    write(docs, "a.txt", "甲大学|University|甲研究院|Platform|builds",
          "张三|Person|甲大学|University|affiliatedWith")
    write(docs, "b.txt", "甲大学|University|乙公司|Company|signsWith",
          "乙公司|Company|清远高新区|Park|locatedIn")
    return docs


def test_build_twice_adds_nothing(tmp_path, corpus):
    store = open_store(tmp_path / "s", create=True)
    report = build([corpus], store, extract=fake_extract, progress=False)
    assert sorted(report.added) == ["a.txt", "b.txt"]
    first = quads(store)
    calls = []
    report = build([corpus], store, extract=lambda d: calls.append(d) or fake_extract(d),
                   progress=False)
    assert sorted(report.skipped) == ["a.txt", "b.txt"] and not report.added
    assert calls == []            # nothing re-extracted
    assert quads(store) == first


def _graph_of(store, name: str) -> str:
    (doc,) = [d for d in store.documents() if d["doc"] == name]
    return doc["doc_id"]


def test_changed_document_replaces_its_graph_only(tmp_path, corpus):
    store = open_store(tmp_path / "s", create=True)
    build([corpus], store, extract=fake_extract, progress=False)
    b_id = _graph_of(store, "b.txt")
    b_before = {q for q in quads(store) if b_id in q.split("> <")[-1]}
    write(corpus, "a.txt", "甲大学|University|丙孵化器|Platform|builds")
    report = build([corpus], store, extract=fake_extract, progress=False)
    assert report.replaced == ["a.txt"] and report.skipped == ["b.txt"]
    triples = {(r["subject"], r["predicate"], r["object"]) for r in store.relations()}
    assert ("甲大学", "builds", "丙孵化器") in triples
    assert ("甲大学", "builds", "甲研究院") not in triples
    assert "张三" not in {e["name"] for e in store.entities()}
    assert {q for q in quads(store) if b_id in q.split("> <")[-1]} == b_before
    assert len(store.documents()) == 2           # the old text of a.txt is gone


def test_remove_takes_exactly_the_documents_statements(tmp_path, corpus):
    both = open_store(tmp_path / "both", create=True)
    build([corpus], both, extract=fake_extract, progress=False)
    only_a = open_store(tmp_path / "a", create=True)
    build([corpus / "a.txt"], only_a, extract=fake_extract, progress=False)

    b_id = _graph_of(both, "b.txt")
    assert remove(both, "b.txt") == b_id
    assert quads(both) == quads(only_a)
    names = {e["name"]: e for e in both.entities()}
    assert "乙公司" not in names and "清远高新区" not in names   # only b mentioned them
    assert names["甲大学"]["docs"] == ["a.txt"]                   # shared: stays
    with pytest.raises(KGError, match="E201 no document 'b.txt'"):
        remove(both, "b.txt")


def test_cli_remove(tmp_path, corpus):
    store_dir = str(tmp_path / "s")
    with open_store(store_dir, create=True) as store:
        build([corpus], store, extract=fake_extract, progress=False)
    runner = CliRunner()
    result = runner.invoke(main, ["remove", "b.txt", "--store", store_dir])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["remove", "b.txt", "--store", store_dir])
    assert result.exit_code == 2 and "no document" in result.output
    with open_store(store_dir) as store:
        assert [d["doc"] for d in store.documents()] == ["a.txt"]


def test_cross_document_identity_by_alias(tmp_path):
    store = open_store(tmp_path / "s", create=True)
    first = example(doc="a.txt")
    load(store, [first])
    second = {"document": {"doc": "b.txt", "doc_id": "fedcba9876543210", "text": "某大与乙公司签约。"},
              "entities": [{"name": "某大", "type": "University", "aliases": []},
                           {"name": "乙公司", "type": "Company", "aliases": []},
                           {"name": "某大", "type": "Company", "aliases": []}],
              "relations": [{"subject": "某大", "predicate": "signsWith", "object": "乙公司",
                             "subject_type": "University", "object_type": "Company",
                             "evidence": "某大与乙公司签约。", "start": 0, "end": 9,
                             "trigger": "签约", "confidence": 0.9, "title": None}]}
    load(store, [second])
    uni = entity_iri("某某大学", "University")
    rows = store.select(f"""SELECT DISTINCT ?o WHERE {{ GRAPH ?g {{ <{uni}> uic:signsWith ?o }} }}""")
    assert rows == [{"o": entity_iri("乙公司", "Company")}]
    ents = {(e["name"], e["type"]): e for e in store.entities()}
    assert ents[("某某大学", "University")]["docs"] == ["a.txt", "b.txt"]
    assert ("某大", "University") not in ents
    assert ("某大", "Company") in ents            # same label, other type: not merged
    rel = next(r for r in store.relations() if r["doc"] == "b.txt")
    assert rel["subject"] == "某某大学"


def _company_doc(doc: str, *names: str) -> dict:
    """A document result mentioning companies ``names`` and nothing else."""
    text = "、".join(names) + "签约。"
    return {"document": {"doc": doc, "doc_id": (doc.encode().hex() * 8)[:16], "text": text},
            "entities": [{"name": n, "type": "Company", "aliases": []} for n in names],
            "relations": []}


@pytest.mark.parametrize("path", ["resolver", "label-index"])
def test_cross_document_identity_of_a_company_by_its_core_name(tmp_path, path):
    """An article names a firm in full (广东星河新材料股份有限公司), another by
    its core name (星河新材料公司): one entity, in either order, and through
    both resolvers (the store's query and the build's label index). Two
    firms with the same core in different provinces make the core ambiguous:
    a later short mention then stays its own entity. Every entity keeps one
    prefLabel across graphs (the first stored name)."""
    from kg.store.rdf import document_quads
    from kg.store.backends import LabelIndex

    def run(folder, results):
        store = open_store(tmp_path / folder, create=True)
        index = LabelIndex(store)
        for result in results:
            resolve = (store.resolver(result) if path == "resolver" else index.resolver(result))
            quads = document_quads(result, resolve)
            store.replace_document(result["document"]["doc_id"], quads)
            index.written(result["document"]["doc_id"], quads)
        return store

    full_first = run("a", [_company_doc("a.txt", "广东星河新材料股份有限公司"),
                           _company_doc("b.txt", "星河新材料公司")])
    (ent,) = full_first.entities()
    assert ent["name"] == "广东星河新材料股份有限公司" and ent["aliases"] == ["星河新材料公司"]
    assert ent["docs"] == ["a.txt", "b.txt"]

    short_first = run("b", [_company_doc("a.txt", "星河新材料公司"),
                            _company_doc("b.txt", "广东星河新材料股份有限公司")])
    (ent,) = short_first.entities()
    assert ent["name"] == "星河新材料公司" and ent["aliases"] == ["广东星河新材料股份有限公司"]
    prefs = short_first.select("SELECT DISTINCT ?l WHERE { GRAPH ?g { ?e skos:prefLabel ?l } }")
    assert len(prefs) == 1

    ambiguous = run("c", [_company_doc("a.txt", "广东星河新材料股份有限公司"),
                          _company_doc("b.txt", "浙江星河新材料股份有限公司"),
                          _company_doc("c.txt", "星河新材料公司")])
    assert sorted(e["name"] for e in ambiguous.entities()) == [
        "广东星河新材料股份有限公司", "星河新材料公司", "浙江星河新材料股份有限公司"]


def test_records_follow_the_contract(tmp_path):
    store = open_store(tmp_path / "s", create=True)
    load(store, [example()])
    (doc,) = store.documents()
    assert {"doc", "doc_id", "path", "chars", "encoding", "text"} <= set(doc)
    assert doc["doc_id"] == "0123456789abcdef" and doc["chars"] == len(doc["text"])
    ents = store.entities()
    assert all({"name", "type", "aliases", "docs"} <= set(e) for e in ents)
    uni = next(e for e in ents if e["type"] == "University")
    assert uni == {"name": "某某大学", "type": "University", "aliases": ["某大"],
                   "docs": ["a.txt"], "pinyin": "mǒu mǒu dà xué",
                   "iri": entity_iri("某某大学", "University")}
    rels = store.relations()
    keys = {"doc", "doc_id", "subject", "predicate", "object", "subject_type",
            "object_type", "evidence", "start", "end", "trigger", "confidence", "title",
            "date", "date_precision", "date_source"}
    assert all(set(r) == keys for r in rels)
    aff = next(r for r in rels if r["predicate"] == "affiliatedWith")
    assert aff["title"] == "教授" and aff["object"] == "某某大学"
    assert doc["text"][aff["start"]:aff["end"]] == aff["evidence"]
    assert aff["confidence"] == 0.7 and isinstance(aff["start"], int)


# --- sparql, export, stats ------------------------------------------------------------------

@pytest.fixture(scope="module")
def gold_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("gold") / "s"
    with open_store(path, create=True) as store:
        load(store, gold_results())
    return str(path)


def test_query_kind():
    assert query_kind("# c\nPREFIX x: <http://x/>\nASK {}") == "ask"
    assert query_kind("construct { ?s ?p ?o } where { ?s ?p ?o }") == "construct"
    for update in ("INSERT DATA { <a:b> <a:c> <a:d> }", "PREFIX x: <http://x/> DROP ALL",
                   "CLEAR DEFAULT", "delete where { ?s ?p ?o }"):
        assert query_kind(update) == "update"


def test_sparql_is_read_only_without_update(gold_store):
    runner = CliRunner()
    drop = "DROP ALL"
    result = runner.invoke(main, ["sparql", drop, "--store", gold_store])
    assert result.exit_code != 0 and "--update" in result.output
    with open_store(gold_store) as store:
        assert store.stats()["documents"] == 5
        with pytest.raises(StoreError, match="update"):
            store.query("CLEAR ALL")
        assert store.stats()["documents"] == 5


def test_sparql_update_with_flag(tmp_path):
    path = str(tmp_path / "s")
    with open_store(path, create=True) as store:
        load(store, [example()])
    result = CliRunner().invoke(main, ["sparql", "--update", "--store", path,
                                       "DELETE WHERE { GRAPH ?g { ?s uic:builds ?o } }"])
    assert result.exit_code == 0, result.output
    with open_store(path) as store:
        assert "builds" not in store.stats()["relations_by_predicate"]


def test_sparql_formats_and_files(gold_store):
    runner = CliRunner()
    q = str(QUERIES / "ambassadors.rq")
    table = runner.invoke(main, ["sparql", q, "--store", gold_store])
    assert table.exit_code == 0 and "沈人杰" in table.output and "(5 rows)" in table.output
    out = runner.invoke(main, ["sparql", q, "--store", gold_store, "--format", "csv"]).output
    rows = list(csv.reader(out.splitlines()))
    assert rows[0] == ["person", "role", "appointedBy"] and len(rows) == 6
    data = json.loads(runner.invoke(main, ["sparql", q, "--store", gold_store,
                                           "--format", "json"]).output)
    assert data["head"]["vars"] == ["person", "role", "appointedBy"]
    assert {b["person"]["value"] for b in data["results"]["bindings"]} == \
        {"沈人杰", "殷晓练", "周雯", "冯鑫", "李勇"}
    ask = runner.invoke(main, ["sparql", "ASK { ?s uic:incubates ?o }", "--store", gold_store])
    assert ask.output.strip() == "true"
    bad = runner.invoke(main, ["sparql", "SELECT ?x WHERE { ?x", "--store", gold_store])
    assert bad.exit_code == 2 and "syntax" in bad.output.lower()


def test_export_formats(gold_store, tmp_path):
    runner = CliRunner()
    with open_store(gold_store) as store:
        stats = store.stats()
        n_quads = stats["quads"]
        entities = store.entities()
    nq = runner.invoke(main, ["export", "--format", "nq", "--store", gold_store]).stdout_bytes
    assert len([l for l in nq.decode().splitlines() if l.strip()]) == n_quads
    ttl = tmp_path / "g.ttl"
    assert runner.invoke(main, ["export", "--format", "ttl", "--store", gold_store,
                                "--out", str(ttl)]).exit_code == 0
    g = rdflib.Graph().parse(ttl)
    assert 0 < len(g) <= n_quads
    jsonld = runner.invoke(main, ["export", "--format", "jsonld", "--store", gold_store]).stdout_bytes
    assert len(json.loads(jsonld)) > 0
    gml = tmp_path / "g.graphml"
    runner.invoke(main, ["export", "--format", "graphml", "--store", gold_store, "--out", str(gml)])
    graph = nx.read_graphml(gml)
    assert graph.number_of_nodes() == len(entities)
    node = graph.nodes[entity_iri("西安交通大学", "University")]
    assert node["label"] == "西安交通大学" and node["type"] == "University"
    assert graph.number_of_edges() == stats["relations"]
    out = tmp_path / "neo4j"
    result = runner.invoke(main, ["export", "--format", "csv", "--store", gold_store, "--out", str(out)])
    assert result.exit_code == 0, result.output
    with open(out / "nodes.csv", encoding="utf-8") as fh:
        nodes = list(csv.DictReader(fh))
    with open(out / "relationships.csv", encoding="utf-8") as fh:
        rels = list(csv.DictReader(fh))
    assert len(nodes) == len(entities) and len(rels) == stats["relations"]
    ids = {n["id:ID"] for n in nodes}
    assert all(r[":START_ID"] in ids and r[":END_ID"] in ids for r in rels)
    assert runner.invoke(main, ["export", "--format", "csv", "--store", gold_store]).exit_code == 2


def test_stats_counts(gold_store):
    gold = gold_results()
    result = CliRunner().invoke(main, ["stats", "--json", "--store", gold_store])
    counts = json.loads(result.output)
    assert counts["documents"] == 5
    # names of one entity across documents (聚石化学 and its full name) count once
    with open_store(gold_store) as store:
        canonical = {(label, e["type"]): e["name"] for e in store.entities()
                     for label in [e["name"], *e["aliases"]]}
    triples = {(canonical.get((r["subject"], r["subject_type"]), r["subject"]), r["subject_type"],
                r["predicate"],
                canonical.get((r["object"], r["object_type"]), r["object"]), r["object_type"])
               for res in gold for r in res["relations"]}
    assert counts["relations"] == len(triples)
    assert counts["relations_by_predicate"]["appointedAs"] == 8
    assert counts["evidence"] == sum(len(res["relations"]) for res in gold)
    ents = {(e["name"], e["type"]) for res in gold for e in res["entities"]}
    assert counts["entities"] <= len(ents)
    text = CliRunner().invoke(main, ["stats", "--store", gold_store]).output
    assert re.search(r"documents\s+5", text) and "University" in text


# --- kg build on the real seeds ----------------------------------------------------------------

def test_kg_build_seeds_twice_and_queries(tmp_path):
    store_dir = str(tmp_path / "s")
    runner = CliRunner()
    first = runner.invoke(main, ["build", str(ROOT / "seeds"), "--store", store_dir, "--quiet"])
    assert first.exit_code == 0, first.output
    assert "added 5" in first.output
    with open_store(store_dir) as store:
        before = quads(store)
        rels = store.relations()
    second = runner.invoke(main, ["build", str(ROOT / "seeds"), "--store", store_dir, "--quiet"])
    assert "added 0, replaced 0, skipped 5" in second.output
    with open_store(store_dir) as store:
        assert quads(store) == before
        # the example queries agree with the stored records
        by_type = {(r["subject"], r["subject_type"], r["predicate"], r["object"], r["object_type"])
                   for r in rels}
        got = store.query((QUERIES / "universities_platforms.rq").read_text()).values()
        assert {(u, p) for u, p, _ in got} == \
            {(s, o) for s, st, p, o, ot in by_type if st == "University" and p == "builds"}
        got = store.query((QUERIES / "ambassadors.rq").read_text()).values()
        assert {r[0] for r in got} >= {"沈人杰", "殷晓练", "周雯", "冯鑫", "李勇"}
    conforms_check(store_dir)
    # README's sample is what `kg stats` prints on the seeds
    stats = runner.invoke(main, ["stats", "--store", store_dir]).stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sample = readme.split("    $ kg stats\n", 1)[1].split("\n\n", 1)[0] + "\n"
    assert "\n".join(line[4:] for line in sample.splitlines()) + "\n" == stats


def conforms_check(store_dir):
    """The graph ``kg build`` made conforms to the SHACL shapes."""
    import pyshacl
    data = subprocess.run([KG, "export", "--format", "ttl", "--store", store_dir],
                          capture_output=True, check=True).stdout
    graph = rdflib.Graph().parse(data=data, format="turtle")
    conforms, _, text = pyshacl.validate(
        graph, shacl_graph=str(ROOT / "ontology" / "shapes.ttl"),
        ont_graph=str(ROOT / "ontology" / "uic.ttl"), inference="none")
    assert conforms, text


# --- crash safety: SIGKILL in the middle of a build ---------------------------------------------

def generated_corpus(folder: Path, n: int) -> None:
    folder.mkdir(parents=True)
    for i, (a, b, c) in enumerate(itertools.islice(itertools.product(NAMES, repeat=3), n)):
        (folder / f"{i:04d}.txt").write_text(
            f"{a}{b}{c}大学与{c}{b}{a}科技有限公司签约。"
            f"{a}{b}{c}大学与清远高新区合作共建{a}{b}{c}创新研究院。\n", encoding="utf-8")


def test_sigkill_mid_build_leaves_a_store_that_completes(tmp_path):
    n = 400
    docs = tmp_path / "docs"
    generated_corpus(docs, n)
    store_dir = str(tmp_path / "s")
    proc = subprocess.Popen([KG, "build", str(docs), "--store", store_dir],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = {"done": 0}

    def watch():
        buf = b""
        while True:
            chunk = proc.stderr.read1(4096) if hasattr(proc.stderr, "read1") else proc.stderr.read(64)
            if not chunk:
                return
            buf = (buf + chunk)[-400:]
            found = re.findall(rb"(\d+)/%d" % n, buf)
            if found:
                seen["done"] = int(found[-1])

    reader = threading.Thread(target=watch, daemon=True)
    reader.start()
    deadline = time.time() + 120
    while seen["done"] < 40 and proc.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "build finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    reader.join(5)

    def statements(store) -> dict:
        per_doc: dict = {}
        for r in store.relations():
            per_doc.setdefault(r["doc"], set()).add((r["subject"], r["predicate"], r["object"]))
        return per_doc

    # what a build that is never interrupted stores (whatever the extractor finds)
    with open_store(tmp_path / "whole", create=True) as whole:
        build([docs], whole, progress=False)
        expected, whole_stats = statements(whole), whole.stats()

    with open_store(store_dir) as store:           # opens after the crash
        stored = {d["doc"] for d in store.documents()}
        assert 40 <= len(stored) < n
        # every stored document is complete: all its statements, as in the whole build
        got = statements(store)
        assert {d: got.get(d) for d in stored} == {d: expected.get(d) for d in stored}
    result = subprocess.run([KG, "build", str(docs), "--store", store_dir, "--quiet"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"added {n - len(stored)}, replaced 0, skipped {len(stored)}" in result.stdout
    with open_store(store_dir) as store:
        assert len(store.documents()) == n
        got_stats = store.stats()
    # the resumed store holds what the uninterrupted build holds
    assert {k: v for k, v in got_stats.items() if k != "quads"} == {
        k: v for k, v in whole_stats.items() if k != "quads"}
    assert whole_stats["relations_by_predicate"]["builds"] >= n


# --- the data model: entity graph + document graphs ---------------------------------------

def _doc(doc: str, text: str, entities, relations) -> dict:
    return {"document": {"doc": doc, "doc_id": (doc.encode().hex() * 8)[:16], "text": text},
            "entities": [{"name": n, "type": t, "aliases": list(a)} for n, t, a in entities],
            "relations": [{"subject": s, "predicate": p, "object": o, "subject_type": st,
                           "object_type": ot, "evidence": text, "start": 0, "end": len(text),
                           "trigger": None, "confidence": 0.9, "title": title}
                          for s, st, p, o, ot, title in relations]}


BUILDS_A = _doc("a.txt", "某某大学（简称某大）建设甲研究院。",
                [("某某大学", "University", ["某大"]), ("甲研究院", "Platform", [])],
                [("某某大学", "University", "builds", "甲研究院", "Platform", None)])
BUILDS_B = _doc("b.txt", "某某大学建设甲研究院，张三任院长。",
                [("某某大学", "University", []), ("甲研究院", "Platform", []),
                 ("张三", "Person", [])],
                [("某某大学", "University", "builds", "甲研究院", "Platform", None),
                 ("张三", "Person", "leads", "甲研究院", "Platform", "院长")])
BUILDS_C = _doc("c.txt", "某大与乙公司签约。",
                [("某大", "University", []), ("乙公司", "Company", [])],
                [("某大", "University", "signsWith", "乙公司", "Company", None)])


def test_naive_query_over_all_documents_returns_each_answer_once(tmp_path):
    """Two articles say the same thing: a user's query without DISTINCT
    sees it once (descriptions and plain triples live once, in the entity
    graph), and the evidence still shows both sentences."""
    store = open_store(tmp_path / "s", create=True)
    load(store, [BUILDS_A, BUILDS_B, BUILDS_C])
    rows = store.query("SELECT ?u ?p WHERE { ?u a uic:University ; uic:builds ?p }").values()
    assert rows == [(entity_iri("某某大学", "University"), entity_iri("甲研究院", "Platform"))]
    rows = store.query("""SELECT ?name ?platform WHERE { ?u a uic:University ;
        skos:prefLabel ?name ; uic:builds ?p . ?p skos:prefLabel ?platform ; rdfs:label ?l }""").values()
    assert rows == [("某某大学", "甲研究院")] * 2           # two rdfs:labels (zh, pinyin), no more
    rows = store.query("""SELECT ?m ?r WHERE { ?m a org:Membership ; org:role ?r .
        ?r skos:prefLabel ?t }""").values()
    assert len(rows) == 1
    sentences = store.query("""SELECT ?s WHERE { ?ev rdf:predicate uic:builds ;
        uic:sentence ?s }""").values()
    assert len(sentences) == 2
    for name in ("universities_platforms", "teams_companies", "incubated", "ambassadors"):
        result = store.query((QUERIES / f"{name}.rq").read_text().replace("DISTINCT", ""))
        assert len(result.rows) == len(set(map(tuple, result.values()))), name


def test_entity_graph_is_the_union_of_what_stored_documents_support(tmp_path):
    """Removing or replacing a document leaves exactly the store that the
    remaining documents build: an entity only it mentioned goes with its
    description, an alias only it used goes, a shared entity stays."""
    def fresh(name, results):
        store = open_store(tmp_path / name, create=True)
        load(store, results)
        return store

    store = fresh("all", [BUILDS_A, BUILDS_B, BUILDS_C])
    ents = {e["name"]: e for e in store.entities()}
    assert ents["某某大学"]["aliases"] == ["某大"] and ents["某某大学"]["docs"] == [
        "a.txt", "b.txt", "c.txt"]

    assert store.remove_document(BUILDS_B["document"]["doc_id"])
    assert quads(store) == quads(fresh("ac", [BUILDS_A, BUILDS_C]))
    names = {e["name"] for e in store.entities()}
    assert "张三" not in names and "甲研究院" in names
    assert not store.query("ASK { ?m a org:Membership }").boolean

    # 某大 is still used by c.txt: the alias stays (and the entity keeps the
    # name it was first stored under, so this is not the store c.txt alone builds)
    assert store.remove_document(BUILDS_A["document"]["doc_id"])
    assert {e["name"] for e in store.entities()} == {"某某大学", "乙公司"}
    (uni,) = [e for e in store.entities() if e["type"] == "University"]
    assert uni["aliases"] == ["某大"] and uni["docs"] == ["c.txt"]
    assert "甲研究院" not in {e["name"] for e in store.entities()}
    assert "builds" not in store.stats()["relations_by_predicate"]

    # a changed document: its old names and statements go, the rest stays
    store = fresh("abc", [BUILDS_A, BUILDS_B])
    changed = _doc("a.txt", "某某大学建设甲研究院。",
                   [("某某大学", "University", []), ("甲研究院", "Platform", [])],
                   [("某某大学", "University", "builds", "甲研究院", "Platform", None)])
    changed["document"]["doc_id"] = "f" * 16
    load(store, [changed])      # the new text of a.txt; the old one goes (kg build drops its path)
    assert store.remove_document(BUILDS_A["document"]["doc_id"])
    assert quads(store) == quads(fresh("ab2", [changed, BUILDS_B]))
    assert all(e["aliases"] == [] for e in store.entities())   # 某大 went with the old a.txt


def test_store_of_the_old_model_is_refused_with_how_to_rebuild(tmp_path):
    import pyoxigraph as ox

    from kg.store.rdf import KG, SKOS, UIC, document_iri
    path = tmp_path / "old"
    old = ox.Store(str(path))
    g = ox.NamedNode(document_iri("a.txt"))
    old.add(ox.Quad(g, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                    ox.NamedNode(UIC + "Document"), g))
    old.add(ox.Quad(ox.NamedNode(KG + "entity/University/某某大学"),
                    ox.NamedNode(SKOS + "prefLabel"), ox.Literal("某某大学", language="zh"), g))
    old.flush()
    del old
    with pytest.raises(StoreError, match="older kg.*rebuild") as info:
        open_store(path)
    assert "\n" not in str(info.value) and f"kg build PATH --store {path}" in str(info.value)
    result = CliRunner().invoke(main, ["stats", "--store", str(path)])
    assert result.exit_code == 2 and "E111" in result.output and "rebuild" in result.output


def test_paths_added_and_dropped_move_the_state_and_keep_the_entity_graph_right(tmp_path):
    """add_path and drop_path are document writes too: each moves the store
    state (so the saved analysis is stale), and a text that loses its last
    path goes with what only it supported in the entity graph."""
    from kg.analysis.cache import analysis, is_cached, store_key

    store = open_store(tmp_path / "s", create=True)
    load(store, [dict(BUILDS_A, document=dict(BUILDS_A["document"], path="a.txt")), BUILDS_C])
    a_id = BUILDS_A["document"]["doc_id"]
    states = [store.state()]
    analysis(store)
    key = store_key(store)
    assert is_cached(store, key)
    store.add_path(a_id, "copy/a.txt")
    states.append(store.state())
    assert store_key(store) != key and not is_cached(store)   # what was saved is stale
    assert not store.drop_path(a_id, "copy/a.txt")          # a path is left
    states.append(store.state())
    assert len(set(states)) == 3
    assert store.drop_path(a_id, "a.txt")                    # no path left: the document goes
    assert store.state() not in states
    # as if the document had been removed (the entity graph keeps what c.txt supports)
    ref = open_store(tmp_path / "ref", create=True)
    load(ref, [BUILDS_A, BUILDS_C])
    assert ref.remove_document(a_id)
    assert quads(store) == quads(ref)
    assert "甲研究院" not in {e["name"] for e in store.entities()}
