"""Projection of entity/relation records onto a networkx graph."""


import networkx as nx
import pytest

from kg.analysis.projection import (
    load_graph, project, relation_view, save_graph, to_undirected_simple)


def rel(s, p, o, st, ot, doc="a.txt", ev=None, start=0, title=None):
    return {"doc": doc, "doc_id": doc + "-id", "subject": s, "predicate": p,
            "object": o, "subject_type": st, "object_type": ot,
            "evidence": ev or f"{s}{p}{o}", "start": start,
            "end": start + len(ev or f"{s}{p}{o}"), "trigger": "t",
            "confidence": 0.9, "title": title}


ENTITIES = [
    {"name": "西安交通大学", "type": "University", "aliases": ["西安交大"],
     "docs": ["a.txt"]},
    {"name": "清远高新区", "type": "Park", "aliases": [], "docs": ["a.txt", "b.txt"]},
    {"name": "周岐贤", "type": "Person", "aliases": [], "docs": ["a.txt"]},
]


def test_nodes_carry_type_sector_aliases_pinyin_docs():
    G = project(ENTITIES, [])
    node = G.nodes["西安交通大学"]
    assert node["type"] == "University"
    assert node["sector"] == "university"
    assert node["aliases"] == ["西安交大"]
    assert node["pinyin"] == "xianjiaotongdaxue"
    assert node["initials"] == "xajtdx"
    assert node["docs"] == ["a.txt"]
    assert G.nodes["清远高新区"]["sector"] == "government"
    assert G.nodes["周岐贤"]["sector"] == "person"


def test_one_edge_per_subject_object_predicate_with_all_evidence():
    rels = [
        rel("周岐贤", "affiliatedWith", "清远高新区", "Person", "Park",
            ev="管委会主任周岐贤", title="主任"),
        rel("周岐贤", "affiliatedWith", "清远高新区", "Person", "Park",
            doc="b.txt", ev="党工委副书记周岐贤", title="副书记"),
        # the same sentence again (e.g. extracted twice): not double counted
        rel("周岐贤", "affiliatedWith", "清远高新区", "Person", "Park",
            ev="管委会主任周岐贤", title="主任"),
        rel("周岐贤", "participatesIn", "清远高新区", "Person", "Park"),
    ]
    G = project(ENTITIES, rels)
    assert G.number_of_edges() == 2
    data = G.edges["周岐贤", "清远高新区", "affiliatedWith"]
    assert data["predicate"] == "affiliatedWith"
    assert data["count"] == 2
    assert data["title"] == "主任；副书记"
    assert [e["sentence"] for e in data["evidence"]] == ["管委会主任周岐贤", "党工委副书记周岐贤"]
    first = data["evidence"][0]
    assert set(first) == {"doc", "doc_id", "sentence", "start", "end", "trigger", "confidence",
                          "date", "date_precision", "date_source"}
    assert first["doc"] == "a.txt" and first["doc_id"] == "a.txt-id"
    assert first["end"] - first["start"] == len(first["sentence"])


def test_alias_ends_map_to_the_entity_and_unknown_ends_become_nodes():
    rels = [rel("张彦峰", "affiliatedWith", "西安交大", "Person", "University",
                doc="c.txt")]
    G = project(ENTITIES, rels)
    assert "西安交大" not in G
    assert G.has_edge("张彦峰", "西安交通大学", "affiliatedWith")
    assert G.nodes["张彦峰"]["type"] == "Person"
    assert G.nodes["张彦峰"]["docs"] == ["c.txt"]
    assert G.nodes["西安交通大学"]["docs"] == ["a.txt", "c.txt"]


def test_symmetric_predicates_are_stored_once_and_self_loops_dropped():
    rels = [
        rel("西安交通大学", "signsWith", "清远高新区", "University", "Park"),
        rel("清远高新区", "signsWith", "西安交通大学", "Park", "University",
            ev="另一句"),
        rel("西安交通大学", "cooperatesWith", "西安交大", "University", "University"),
    ]
    G = project(ENTITIES, rels)
    assert G.number_of_edges() == 1
    (u, v, k, d), = G.edges(keys=True, data=True)
    assert k == "signsWith" and d["count"] == 2


def test_entities_only_no_document_or_literal_nodes():
    G = project(ENTITIES, [rel("周岐贤", "affiliatedWith", "清远高新区", "Person", "Park")])
    assert set(G) == {"西安交通大学", "清远高新区", "周岐贤"}


def test_store_style_evidence_lists_are_accepted():
    record = rel("周岐贤", "affiliatedWith", "清远高新区", "Person", "Park")
    record["evidence"] = [
        {"doc": "a.txt", "doc_id": "x", "sentence": "句一", "start": 1, "end": 3,
         "trigger": "主任", "confidence": 0.8},
        {"doc": "b.txt", "doc_id": "y", "sentence": "句二", "start": 5, "end": 7,
         "trigger": "主任", "confidence": 0.7},
    ]
    G = project(ENTITIES, [record])
    data = G.edges["周岐贤", "清远高新区", "affiliatedWith"]
    assert data["count"] == 2
    assert [e["doc"] for e in data["evidence"]] == ["a.txt", "b.txt"]


def test_undirected_simple_collapse():
    rels = [
        rel("周岐贤", "affiliatedWith", "清远高新区", "Person", "Park"),
        rel("周岐贤", "affiliatedWith", "清远高新区", "Person", "Park", doc="b.txt"),
        rel("清远高新区", "recruits", "周岐贤", "Park", "Person"),
    ]
    H = to_undirected_simple(project(ENTITIES, rels))
    assert isinstance(H, nx.Graph) and not H.is_directed()
    assert H.number_of_edges() == 1
    e = H["清远高新区"]["周岐贤"]
    assert e["weight"] == 3 and e["relations"] == 2
    assert e["predicates"] == ["affiliatedWith", "recruits"]
    assert H.nodes["周岐贤"]["sector"] == "person"


def test_relation_view_lists_both_directions():
    rels = [rel("周岐贤", "affiliatedWith", "清远高新区", "Person", "Park"),
            rel("清远高新区", "recruits", "周岐贤", "Park", "Person")]
    G = project(ENTITIES, rels)
    view = relation_view(G, "清远高新区", "周岐贤")
    assert {(r["subject"], r["predicate"], r["object"]) for r in view} == {
        ("周岐贤", "affiliatedWith", "清远高新区"), ("清远高新区", "recruits", "周岐贤")}


def test_save_and_load_round_trip(tmp_path):
    G = project(ENTITIES, [rel("周岐贤", "affiliatedWith", "清远高新区", "Person", "Park")])
    save_graph(G, tmp_path / "g.pickle")
    H = load_graph(tmp_path / "g.pickle")
    assert nx.utils.graphs_equal(G, H)
    (tmp_path / "bad.pickle").write_bytes(__import__("pickle").dumps([1]))
    with pytest.raises(ValueError, match="not a kg graph"):
        load_graph(tmp_path / "bad.pickle")


def test_department_takes_the_sector_of_its_parent():
    rels = [
        rel("平安产险事业部", "partOf", "平安产险", "Department", "Company"),
        rel("清远高新区企业服务局", "partOf", "清远高新区", "Department", "Park"),
        rel("化学学院", "partOf", "西安交通大学", "Department", "University"),
        rel("课题组", "partOf", "化学学院", "Department", "Department"),
        rel("联合实验室", "partOf", "西安交通大学", "Department", "University"),
        rel("联合实验室", "partOf", "平安产险", "Department", "Company"),
    ]
    G = project(ENTITIES, rels)
    assert G.nodes["平安产险事业部"]["sector"] == "industry"
    assert G.nodes["清远高新区企业服务局"]["sector"] == "government"
    assert G.nodes["化学学院"]["sector"] == "university"
    assert G.nodes["课题组"]["sector"] == "university"      # no non-department parent
    assert G.nodes["联合实验室"]["sector"] == "university"  # two sectors: left as typed
