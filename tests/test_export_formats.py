"""`kg export` in the researchers' formats, read back by readers that are
not ours: networkx's GEXF, GraphML and Pajek readers, and the VOSviewer
files against the columns of VOSviewer's manual.  The store is built by
`kg build` from invented, dated articles."""

from __future__ import annotations

import csv
import doctest
import io
import json

import networkx as nx
import pytest
from click.testing import CliRunner

import kg.analysis.network_formats
from kg.cli import main
from kg.analysis.network_formats import MAP_COLUMNS, merge_spans, write_pajek

ARTICLES = {
    "a.txt": "2021年3月8日，星河大学与蓝海新材料科技有限公司正式签约，双方将共建先进材料联合实验室。"
             "南湖高新区管委会主任王立新出席签约仪式。\n",
    "b.txt": "2022年9月15日，东岭理工大学与青山华达化工有限公司签署合作协议。"
             "青山华达化工有限公司总经理刘志强表示，公司将与高校共建研发中心。\n",
    "c.txt": "2023年6月2日，星河大学与南湖高新区管委会签署战略合作协议，"
             "双方将共建星河大学南湖创新研究院。\n",
}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("exports")
    (root / "in").mkdir()
    for name, text in ARTICLES.items():
        (root / "in" / name).write_text(text, encoding="utf-8")
    result = run("build", root / "in", "--store", root / "S", "--quiet")
    assert result.exit_code == 0, result.output
    return root / "S"


def stats(store, *period):
    return json.loads(run("stats", "--json", "--store", store, *period).output)


def exported(store, fmt, path, *period):
    result = run("export", "--format", fmt, "--store", store, "--out", path, *period)
    assert result.exit_code == 0, result.output
    return path


def test_gexf_graphml_and_pajek_read_back_with_the_counts_of_kg_stats(store, tmp_path):
    counts = stats(store)
    assert counts["entities"] > 5 and counts["relations"] > 3
    gexf = nx.read_gexf(exported(store, "gexf", tmp_path / "g.gexf"), version="1.3")
    graphml = nx.read_graphml(exported(store, "graphml", tmp_path / "g.graphml"))
    pajek = nx.read_pajek(exported(store, "pajek", tmp_path / "g.net"))
    for graph in (gexf, graphml, pajek):
        assert (graph.number_of_nodes(), graph.number_of_edges()) == \
            (counts["entities"], counts["relations"])


def test_gexf_has_node_and_edge_spells_from_the_statements_dates(store, tmp_path):
    path = exported(store, "gexf", tmp_path / "g.gexf")
    head = path.read_text(encoding="utf-8")[:600]
    assert 'version="1.3"' in head and 'mode="dynamic"' in head and 'timeformat="date"' in head
    assert 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"' in head
    graph = nx.read_gexf(path, version="1.3")
    by_label = {d["label"]: d for _, d in graph.nodes(data=True)}
    # the university of two articles has a tie in 2021 and one in 2023
    assert by_label["星河大学"]["spells"] == [("2021-03-08", "2021-03-08"),
                                              ("2023-06-02", "2023-06-02")]
    spans = {tuple(d["spells"]) for *_, d in graph.edges(data=True)}
    assert (("2022-09-15", "2022-09-15"),) in spans
    for n, d in graph.nodes(data=True):       # a node is there whenever one of its ties is
        ties = [e for *_, e in graph.in_edges(n, data=True)] + \
            [e for *_, e in graph.out_edges(n, data=True)]
        if ties and all("spells" in e for e in ties):
            assert d["spells"] == merge_spans(s for e in ties for s in e["spells"])
        else:
            assert "spells" not in d
    assert all(d["type"] and d["sector"] for d in by_label.values())


def test_graphml_carries_the_gexf_attributes_clusters_and_scores(store, tmp_path):
    graphml = nx.read_graphml(exported(store, "graphml", tmp_path / "g.graphml"))
    gexf = nx.read_gexf(exported(store, "gexf", tmp_path / "g.gexf"), version="1.3")
    for n, d in graphml.nodes(data=True):
        assert {"cluster", "betweenness", "triple_helix", "gf_liaison", "sector"} <= set(d)
        assert set(d) - {"start", "end", "spells"} == set(gexf.nodes[n]) - {"spells"}
    clusters = json.loads(run("clusters", "--json", "--store", store).output)
    cluster_of = {d["label"]: d["cluster"] for _, d in graphml.nodes(data=True)}
    for c in clusters["clusters"]:
        assert {cluster_of[m] for m in c["members"]} == {c["id"]}
    brokers = json.loads(run("brokers", "--json", "--store", store, "--top", "3").output)
    top = brokers[0]
    node = next(d for _, d in graphml.nodes(data=True) if d["label"] == top["name"])
    assert node["betweenness"] == pytest.approx(top["betweenness"])
    star = next(d for _, d in graphml.nodes(data=True) if d["label"] == "星河大学")
    assert star["start"] == "2021-03-08" and star["end"] == "2023-06-02"


def test_vosviewer_map_and_network_files_have_the_documented_columns(store, tmp_path):
    folder = exported(store, "vosviewer", tmp_path / "vos")
    with open(folder / "map.txt", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))
    assert tuple(rows[0]) == MAP_COLUMNS
    assert rows[0][:2] == ["id", "label"] and {"x", "y", "cluster"} <= set(rows[0])
    assert all(c.startswith(("weight<", "score<")) and c.endswith(">") for c in rows[0][6:])
    items = [dict(zip(rows[0], r)) for r in rows[1:]]
    assert all(len(r) == len(MAP_COLUMNS) for r in rows)
    assert len(items) == stats(store)["entities"]
    assert [int(i["id"]) for i in items] == list(range(1, len(items) + 1))
    assert len({i["label"] for i in items}) == len(items)
    assert all(int(i["cluster"]) >= 1 for i in items)
    for i in items:
        float(i["x"]), float(i["y"]), float(i["score<Betweenness>"])
    with open(folder / "network.txt", encoding="utf-8", newline="") as fh:
        links = list(csv.reader(fh, delimiter="\t"))
    ids = {int(i["id"]) for i in items}
    assert links and all(len(r) == 3 for r in links)
    assert all(int(a) in ids and int(b) in ids and int(a) < int(b) and int(w) >= 1
               for a, b, w in links)
    strength = sum(int(i["weight<Total link strength>"]) for i in items)
    assert strength == 2 * sum(int(w) for *_, w in links)


def test_a_period_exports_the_counts_kg_stats_gives_for_it(store, tmp_path):
    period = ("--since", "2022", "--until", "2023")
    counts = stats(store, *period)
    graph = nx.read_gexf(exported(store, "gexf", tmp_path / "p.gexf", *period), version="1.3")
    assert 0 < graph.number_of_nodes() == counts["entities"] < stats(store)["entities"]
    assert graph.number_of_edges() == counts["relations"]


def test_vosviewer_needs_a_folder(store):
    result = run("export", "--format", "vosviewer", "--store", store)
    assert result.exit_code == 2
    assert result.stderr == ("kg: E503 vosviewer export writes map.txt and network.txt: "
                             "give --out DIR\n")


def test_pajek_labels_entities_of_one_name_apart():
    graph = nx.MultiDiGraph()
    graph.add_node("u", label="星河", type="University")
    graph.add_node("c", label="星河", type="Company")
    graph.add_edge("u", "c", key="invests", count=2)
    buf = io.BytesIO()
    write_pajek(graph, buf)
    back = nx.read_pajek(io.BytesIO(buf.getvalue()))
    assert sorted(back) == ["星河 (Company)", "星河 (University)"]
    assert [d["weight"] for *_, d in back.edges(data=True)] == [2.0]


def test_doctests():
    assert doctest.testmod(kg.analysis.network_formats).failed == 0
