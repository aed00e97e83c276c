"""Who connects X and Y: name resolution, hub handling, paths with evidence."""

import json

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.analysis.card import card
from kg.cli import main
from kg.analysis.paths import (
    AmbiguousName, UnknownName, build_index, connect, resolve)
from kg.analysis.projection import project, save_graph


def _rel(s, p, o, st, ot, doc="a.txt", ev=None):
    return {"subject": s, "predicate": p, "object": o, "subject_type": st,
            "object_type": ot, "doc": doc, "doc_id": doc + "#",
            "evidence": ev or f"{s}{p}{o}。", "start": 0, "end": 1,
            "trigger": None, "confidence": 0.9, "title": None}


ENTITIES = [
    {"name": "西安交通大学", "type": "University", "aliases": ["西安交大", "交大"], "docs": []},
    {"name": "西安交通大学化学学院", "type": "Department", "aliases": [], "docs": []},
    {"name": "清远高新区", "type": "Park", "aliases": [], "docs": []},
    {"name": "清远高新区管委会", "type": "Government", "aliases": [], "docs": []},
    {"name": "华南师范大学（清远）科技创新研究院", "type": "Platform", "aliases": [], "docs": []},
]


def small():
    """陕西理工大学 reaches 清远高新区 through its man 殷晓练 (appointed
    ambassador of the zone), or through the fair 走进广东 via its vice
    president 王磊 and the zone's committee; 西安交通大学 is linked to the
    zone directly. The fair has more participants (degree 4) than the
    people and units on the first route (degree 2)."""
    rels = [
        _rel("陕西理工大学科技发展公司", "partOf", "陕西理工大学", "Company", "University"),
        _rel("殷晓练", "affiliatedWith", "陕西理工大学科技发展公司", "Person", "Company",
             ev="陕西理工大学科技发展公司总经理殷晓练"),
        _rel("殷晓练", "appointedAs", "招才引智大使", "Person", "Role",
             ev="殷晓练获聘清远高新区招才引智大使"),
        _rel("招才引智大使", "roleOf", "清远高新区", "Role", "Park"),
        _rel("王磊", "affiliatedWith", "陕西理工大学", "Person", "University"),
        _rel("王磊", "participatesIn", "走进广东", "Person", "Event"),
        _rel("伊春海", "participatesIn", "走进广东", "Person", "Event"),
        _rel("张亚男", "participatesIn", "走进广东", "Person", "Event"),
        _rel("清远高新区管委会", "organizes", "走进广东", "Government", "Event"),
        _rel("清远高新区管委会", "partOf", "清远高新区", "Government", "Park"),
        _rel("清远高新区", "cooperatesWith", "西安交通大学", "Park", "University"),
        _rel("清远高新区", "cooperatesWith", "西安交通大学", "Park", "University",
             doc="b.txt", ev="清远高新区与西安交通大学合作"),
        _rel("西安交通大学化学学院", "partOf", "西安交通大学", "Department", "University"),
        _rel("西安交通大学", "builds", "西安交通大学化学学院", "University", "Department"),
    ]
    return project(ENTITIES, rels)


# --- name resolution ----------------------------------------------------------

@pytest.mark.parametrize("query, name", [
    ("西安交通大学", "西安交通大学"),                 # canonical
    ("西安交大", "西安交通大学"),                     # alias
    (" 西安 交大 ", "西安交通大学"),                  # spaces ignored
    ("华南师范大学(清远)科技创新研究院", "华南师范大学（清远）科技创新研究院"),  # half-width brackets
    ("xianjiaotongdaxue", "西安交通大学"),           # pinyin
    ("XiAn JiaoTong DaXue", "西安交通大学"),         # pinyin, case and spaces
    ("xajtdx", "西安交通大学"),                      # initials
    ("yinxiaolian", "殷晓练"),
    ("殷晓", "殷晓练"),                              # unique part of a name
    ("陕西理工大学科技发展公", "陕西理工大学科技发展公司"),
    ("陕西理工大学科技发公司", "陕西理工大学科技发展公司"),  # typo: fuzzy
])
def test_resolve(query, name):
    G = small()
    assert resolve(G, query) == name
    assert resolve(G, query, index=build_index(G)) == name


def test_ambiguous_names_list_suggestions():
    G = small()
    with pytest.raises(AmbiguousName) as err:
        resolve(G, "清远高新")
    assert err.value.suggestions[:2] == ["清远高新区", "清远高新区管委会"]
    assert "清远高新区" in str(err.value) and "full name" in str(err.value)
    G.nodes["西安交通大学化学学院"]["aliases"] = ["交大"]   # alias shared by two
    with pytest.raises(AmbiguousName) as err:
        resolve(G, "交大")
    assert set(err.value.suggestions) == {"西安交通大学", "西安交通大学化学学院"}


def test_unknown_names_are_clear():
    G = small()
    with pytest.raises(UnknownName, match="matches no entity"):
        resolve(G, "北京大学医学部附属医院")
    with pytest.raises(UnknownName):
        resolve(G, "  ")
    with pytest.raises(AmbiguousName, match="did you mean: 殷晓练"):
        resolve(G, "殷小练")      # near miss, but too far to accept silently


# --- paths --------------------------------------------------------------------

def test_paths_are_cheapest_first_with_evidence_per_hop():
    G = small()
    out = connect(G, "陕西理工大学", "清远高新区")
    assert out["source"] == "陕西理工大学" and out["target"] == "清远高新区"
    first, second = out["paths"][:2]
    assert first["nodes"] == ["陕西理工大学", "陕西理工大学科技发展公司", "殷晓练",
                              "招才引智大使", "清远高新区"]
    assert second["nodes"] == ["陕西理工大学", "王磊", "走进广东", "清远高新区管委会",
                               "清远高新区"]
    assert first["length"] == 4 and first["cost"] <= second["cost"]
    hop = first["hops"][1]
    assert (hop["subject"], hop["predicate"], hop["object"]) == (
        "殷晓练", "affiliatedWith", "陕西理工大学科技发展公司")   # stated direction
    assert hop["evidence"][0]["sentence"] == "陕西理工大学科技发展公司总经理殷晓练"
    assert hop["evidence"][0]["doc"] == "a.txt"
    assert dict(out["intermediaries"])["殷晓练"] == 1
    json.dumps(out, ensure_ascii=False)          # plain data, serialisable


def test_intermediaries_ranked_by_paths_through_them():
    # two branches of 甲 lead to 乙 via 中; a third path bypasses 中
    rels = [_rel("甲", "cooperatesWith", "支一", "Company", "Company"),
            _rel("甲", "cooperatesWith", "支二", "Company", "Company"),
            _rel("支一", "cooperatesWith", "中", "Company", "Company"),
            _rel("支二", "cooperatesWith", "中", "Company", "Company"),
            _rel("中", "cooperatesWith", "乙", "Company", "Company"),
            _rel("甲", "cooperatesWith", "旁", "Company", "Company"),
            _rel("旁", "cooperatesWith", "旁二", "Company", "Company"),
            _rel("旁二", "cooperatesWith", "乙", "Company", "Company")]
    out = connect(project([], rels), "甲", "乙", paths=3)
    assert len(out["paths"]) == 3
    assert out["intermediaries"][0] == ("中", 2)
    assert {n for n, c in out["intermediaries"]} == {"中", "支一", "支二", "旁", "旁二"}


def test_parallel_relations_are_one_hop_with_the_others_listed():
    out = connect(small(), "西安交通大学化学学院", "清远高新区")
    hop = out["paths"][0]["hops"][0]
    assert {hop["predicate"]} | {a["predicate"] for a in hop["also"]} == {"partOf", "builds"}
    coop = out["paths"][0]["hops"][1]
    assert coop["predicate"] == "cooperatesWith" and coop["count"] == 2


def test_max_hops_and_via():
    G = small()
    assert connect(G, "陕西理工大学", "清远高新区", max_hops=3)["paths"] == []
    via_event = connect(G, "陕西理工大学", "清远高新区", via="event")
    assert [p["nodes"][2] for p in via_event["paths"]] == ["走进广东"]
    via_person = connect(G, "陕西理工大学", "清远高新区", via="Person")
    assert all(any(G.nodes[n]["type"] == "Person" for n in p["nodes"][1:-1])
               for p in via_person["paths"])
    with pytest.raises(ValueError, match="unknown --via"):
        connect(G, "陕西理工大学", "清远高新区", via="City")
    with pytest.raises(ValueError):
        connect(G, "陕西理工大学", "清远高新区", max_hops=0)


def test_same_entity_and_disconnected():
    G = small()
    G.add_node("孤岛", type="Company", sector="industry", aliases=[],
               pinyin="gudao", initials="gd", docs=[])
    assert connect(G, "西安交大", "西安交通大学")["paths"][0]["nodes"] == ["西安交通大学"]
    assert connect(G, "孤岛", "西安交通大学")["paths"] == []


def hub_graph():
    """Ten pairs of companies; every company is located in one city (a hub
    of degree 20 + 2); the pair 甲0–乙9 is also linked by a real chain
    甲0 – 人 – 团队 – 乙9."""
    rels = [_rel(f"甲{i}", "locatedIn", "大城市", "Company", "Government") for i in range(10)]
    rels += [_rel(f"乙{i}", "locatedIn", "大城市", "Company", "Government") for i in range(10)]
    rels += [_rel("人", "affiliatedWith", "甲0", "Person", "Company"),
             _rel("人", "leads", "团队", "Person", "Team"),
             _rel("团队", "signsWith", "乙9", "Team", "Company"),
             _rel("大城市", "partOf", "省", "Government", "Government"),
             _rel("大城市", "cooperatesWith", "大学", "Government", "University")]
    return project([], rels)


def test_hubs_do_not_make_every_answer_two_hops():
    G = hub_graph()
    # with a hub threshold of 10 the city (degree 22) is a hub: excluded
    index = build_index(G, hub_degree=10)
    assert index.hubs == {"大城市"}
    out = connect(G, "甲0", "乙9", index=index)
    assert [p["nodes"] for p in out["paths"]] == [["甲0", "人", "团队", "乙9"]]
    assert out["excluded_hubs"] == ["大城市"]
    # a hub is still a valid end point
    assert connect(G, "甲1", "大城市", index=index)["paths"][0]["nodes"] == ["甲1", "大城市"]
    # only the hub joins 甲1 and 乙2: no answer rather than a trivial one
    assert connect(G, "甲1", "乙2", index=index)["paths"] == []
    # asking for it explicitly readmits the hub
    via = connect(G, "甲1", "乙2", index=index, via="Government")
    assert via["paths"][0]["nodes"] == ["甲1", "大城市", "乙2"]


def test_soft_penalty_prefers_specific_intermediaries_over_busy_ones():
    """Below the hub threshold (default: degree > 50), the log-degree cost
    still ranks the 3-hop chain through a person and a team (cost 3 + log 2
    + log 2 + ...) before the 2-hop path through the degree-22 city."""
    out = connect(hub_graph(), "甲0", "乙9", paths=2)
    assert out["hub_degree"] == 50 and out["excluded_hubs"] == []
    assert [p["nodes"] for p in out["paths"]] == [
        ["甲0", "人", "团队", "乙9"], ["甲0", "大城市", "乙9"]]


def test_default_hub_threshold_is_the_99th_percentile_above_50():
    G = nx.MultiDiGraph()
    star = [_rel("中心", "cooperatesWith", f"点{i}", "Company", "Company") for i in range(300)]
    G = project([], star)
    index = build_index(G)
    assert index.hub_degree == 50 and index.hubs == {"中心"}


# --- entity card --------------------------------------------------------------

def test_card_lists_relations_cluster_and_broker_scores():
    c = card(small(), "yinxiaolian")
    assert c["name"] == "殷晓练" and c["type"] == "Person" and c["sector"] == "person"
    assert c["pinyin"] == "yinxiaolian" and c["initials"] == "yxl"
    assert [(r["predicate"], r["object"]) for r in c["out"]] == [
        ("affiliatedWith", "陕西理工大学科技发展公司"), ("appointedAs", "招才引智大使")]
    assert c["in"] == []
    assert c["out"][0]["evidence"][0]["sentence"] == "陕西理工大学科技发展公司总经理殷晓练"
    assert c["cluster"]["size"] >= 2
    assert c["broker"]["rank"] >= 1
    assert set(c["broker"]) >= {"betweenness", "constraint", "effective_size",
                                "gould_fernandez", "bridges", "triple_helix"}
    park = card(small(), "清远高新区")
    assert {r["subject"] for r in park["in"]} == {"招才引智大使", "清远高新区管委会"}


# --- command line -------------------------------------------------------------

@pytest.fixture
def graph_file(tmp_path):
    path = tmp_path / "g.pickle"
    save_graph(small(), path)
    return str(path)


def test_cli_connect_text_and_json(graph_file):
    runner = CliRunner()
    res = runner.invoke(main, ["connect", "--graph", graph_file, "陕西理工大学", "qygxq"])
    assert res.exit_code == 0, res.output
    assert "1. (4 hops) 陕西理工大学 – 陕西理工大学科技发展公司 – 殷晓练" in res.output
    assert "“殷晓练获聘清远高新区招才引智大使” [a.txt]" in res.output
    assert "Intermediaries: " in res.output
    res = runner.invoke(main, ["connect", "--graph", graph_file, "--json", "--paths", "1",
                               "陕西理工大学", "清远高新区"])
    data = json.loads(res.output)
    assert data["paths"][0]["nodes"][2] == "殷晓练"
    assert data["intermediaries"][0][1] == 1


def test_cli_connect_errors_are_one_line(graph_file):
    runner = CliRunner()
    res = runner.invoke(main, ["connect", "--graph", graph_file, "清远高新", "殷晓练"])
    assert res.exit_code == 2
    assert res.output.startswith("kg: E501 ") and "清远高新区管委会" in res.output
    res = runner.invoke(main, ["connect", "--graph", graph_file, "--max-hops", "2",
                               "陕西理工大学", "清远高新区"])
    assert res.exit_code == 0 and "No path" in res.output
    res = runner.invoke(main, ["connect", "--graph", graph_file + ".missing", "a", "b"])
    assert res.exit_code == 2 and "cannot load the graph" in res.output


def test_cli_show(graph_file):
    runner = CliRunner()
    res = runner.invoke(main, ["show", "--graph", graph_file, "殷晓练"])
    assert res.exit_code == 0, res.output
    assert "殷晓练  [Person, person]" in res.output
    assert "殷晓练 —appointedAs→ 招才引智大使" in res.output
    assert "broker rank" in res.output and "cluster [" in res.output
    assert "brokerage roles (count, z): coordinator " in res.output
    data = json.loads(runner.invoke(main, ["show", "--graph", graph_file, "--json", "交大"]).output)
    assert data["name"] == "西安交通大学" and "西安交大" in data["aliases"]
