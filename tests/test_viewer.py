"""Tests of kg.web.viewer without a browser: the page's data, escaping, limits.

The behaviour in a real browser is tested in test_viewer_browser.py.
"""

from __future__ import annotations

import json
import math
import re

import networkx as nx
import pytest

from kg.analysis.paths import UnknownName
from kg.web import viewer

BAD_SCRIPT = "<script>alert(1)</script>"
BAD_IMG = '"><img src=x onerror=alert(2)>'


def small_graph() -> nx.MultiDiGraph:
    """Three entities, parallel edges, Chinese names, pinyin, hostile text."""
    G = nx.MultiDiGraph()
    G.add_node("西安交通大学", type="University", sector="university",
               aliases=["西安交大", BAD_IMG], pinyin="xianjiaotongdaxue",
               initials="xajtdx", docs=["000_a.txt"])
    G.add_node(BAD_SCRIPT, type="Company", sector="industry", aliases=[BAD_SCRIPT + "公司"],
               pinyin="", docs=["001_b.txt"])
    G.add_node("清远高新区", type="Park", sector="government",
               aliases=["清远高新技术产业开发区"], pinyin="qingyuangaoxinqu",
               docs=["000_a.txt"])
    G.add_edge("西安交通大学", BAD_SCRIPT, key="signsWith", predicate="signsWith", count=1,
               evidence=[{"doc": "001_b.txt", "sentence": f"西安交大与{BAD_SCRIPT}签约{BAD_IMG}",
                          "trigger": "签约", "confidence": 0.9}])
    G.add_edge("西安交通大学", "清远高新区", key="builds", predicate="builds", count=2,
               evidence=[{"doc": "000_a.txt", "sentence": "西安交大在清远高新区共建研究院。"},
                         {"doc": "002_c.txt", "sentence": "双方共建平台。"}])
    G.add_edge("清远高新区", "西安交通大学", key="supports", predicate="supports", count=1,
               evidence=[{"doc": "000_a.txt", "sentence": "高新区支持西安交大。"}])
    return G


def data_block(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert match, "no data block"
    return json.loads(match.group(1))


def test_hostile_text_never_appears_raw_in_the_page():
    page = viewer.render_html(viewer.page_data(small_graph(), title=BAD_SCRIPT))
    for bad in (BAD_SCRIPT, BAD_IMG, "<img", "alert(1)</"):
        assert bad not in page
    # only the three script elements of the template are ever closed
    assert page.count("</script") == 3 and "<!--" not in page
    # and the text survives the round trip intact
    data = data_block(page)
    names = {n["name"] for n in data["nodes"]}
    assert BAD_SCRIPT in names
    assert any(BAD_IMG in n["aliases"] for n in data["nodes"])
    assert any(BAD_IMG in ev["sentence"] for e in data["edges"] for ev in e["evidence"])
    assert data["title"] == BAD_SCRIPT
    assert f"<title>{'&lt;script&gt;alert(1)&lt;/script&gt;'}</title>" in page


def test_template_placeholders_in_data_are_not_substituted():
    G = nx.MultiDiGraph()
    G.add_node("{{vis_js}}", type="Company")
    page = viewer.render_html(viewer.page_data(G, title="{{data}}"))
    data = data_block(page)
    assert data["nodes"][0]["name"] == "{{vis_js}}" and data["title"] == "{{data}}"
    assert page.count("vis-network") < 20  # vis-network was inserted once, not twice


def test_page_loads_nothing_from_outside():
    page = viewer.render_html(viewer.page_data(small_graph()))
    head = page.split("<script>", 1)[0]
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', head).group(1)
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    # no element outside the inline scripts points anywhere
    outside_scripts = re.sub(r"<script.*?</script>", "", page, flags=re.S)
    assert not re.search(r"\b(src|href)\s*=", outside_scripts)
    assert "<link" not in outside_scripts and "@import" not in outside_scripts


def test_viewer_script_builds_no_html_from_strings():
    script = (viewer.ASSETS / "viewer.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                 "eval(", "new Function", "setTimeout(\"", "setAttribute(\"on"):
        assert sink not in script


def test_nodes_coloured_by_sector_shaped_by_type_sized_by_score():
    style = viewer.load_style()
    data = viewer.page_data(small_graph(), score={"西安交通大学": 0.9, "清远高新区": 0.1})
    by_name = {n["name"]: n for n in data["nodes"]}
    uni, park, company = by_name["西安交通大学"], by_name["清远高新区"], by_name[BAD_SCRIPT]
    assert uni["vis"]["color"] == style["sector_colours"]["university"]
    assert park["vis"]["color"] == style["sector_colours"]["government"]
    assert park["vis"]["shape"] == style["type_shapes"]["Park"]
    assert uni["vis"]["size"] > park["vis"]["size"] > company["vis"]["size"]
    assert uni["vis"]["size"] == style["node_size"]["max"]
    assert company["vis"]["size"] == style["node_size"]["min"]
    assert uni["score"] == 0.9 and company["score"] is None
    assert "broker score" in data["size_note"]
    assert [s["sector"] for s in data["legend"]["sectors"]] == ["university", "industry", "government"]


def test_without_scores_size_follows_degree_and_says_so():
    data = viewer.page_data(small_graph())
    by_name = {n["name"]: n for n in data["nodes"]}
    assert by_name["西安交通大学"]["vis"]["size"] > by_name[BAD_SCRIPT]["vis"]["size"]
    assert "no broker scores" in data["size_note"]


def test_edges_labelled_with_evidence_and_parallel_edges_curved_apart():
    data = viewer.page_data(small_graph())
    edges = {e["predicate"]: e for e in data["edges"]}
    assert {p: e["vis"]["label"] for p, e in edges.items()} == {p: p for p in edges}
    assert edges["builds"]["count"] == 2
    assert [ev["doc"] for ev in edges["builds"]["evidence"]] == ["000_a.txt", "002_c.txt"]
    # builds (A→B) and supports (B→A) join the same pair: not drawn on top of each other
    assert "smooth" not in edges["builds"]["vis"]
    assert edges["supports"]["vis"]["smooth"]["type"] in ("curvedCW", "curvedCCW")
    # the symmetric predicate has no arrow head
    assert edges["signsWith"]["vis"]["arrows"] == {"to": {"enabled": False}}
    assert data["legend"]["predicates"] == ["builds", "signsWith", "supports"]


def test_node_tooltip_data_has_aliases_pinyin_docs_and_evidence():
    data = viewer.page_data(small_graph(), cluster={"西安交通大学": 3})
    uni = next(n for n in data["nodes"] if n["name"] == "西安交通大学")
    assert uni["aliases"] == ["西安交大", BAD_IMG]
    assert uni["pinyin"] == "xianjiaotongdaxue" and uni["initials"] == "xajtdx"
    assert uni["docs"] == ["000_a.txt"] and uni["cluster"] == 3
    assert uni["evidence_total"] == 4 and len(uni["evidence"]) == viewer.MAX_NODE_EVIDENCE
    assert data["legend"]["clusters"] == [3]


def test_evidence_is_capped_but_counted():
    G = nx.MultiDiGraph()
    ev = [{"doc": f"{i}.txt", "sentence": f"句子{i}"} for i in range(12)]
    G.add_edge("甲", "乙", key="builds", predicate="builds", count=12, evidence=ev)
    edge = viewer.page_data(G)["edges"][0]
    assert edge["count"] == 12 and len(edge["evidence"]) == viewer.MAX_EVIDENCE


def test_non_finite_scores_do_not_break_the_json():
    G = small_graph()
    page = viewer.render_html(viewer.page_data(G, score={"西安交通大学": math.nan,
                                                         "清远高新区": math.inf}))
    data = data_block(page)
    assert all(n["score"] is None for n in data["nodes"])


def test_around_reads_names_as_show_and_connect_do():
    """One resolver: name, alias, pinyin, initials and part of a name."""
    G = small_graph()
    G.add_edge("清远高新区", "远处", key="partOf", predicate="partOf")
    for name in ("西安交通大学", "西安交大", "xajtdx", "Xi'an Jiaotong Daxue", "西安交通大"):
        assert "远处" not in viewer.select_view(G, around=name, hops=1), name
        assert "西安交通大学" in viewer.select_view(G, around=name, hops=1), name
    assert "远处" in viewer.select_view(G, around="Qing Yuan Gao Xin Qu", hops=1)


def chain(n: int) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    for i in range(n - 1):
        G.add_edge(f"n{i}", f"n{i + 1}", key="partOf", predicate="partOf")
    return G


def test_select_around_hops_cluster_and_min_degree():
    G = chain(6)
    G.nodes["n2"]["aliases"] = ["二号"]
    assert sorted(viewer.select_view(G, around="二号", hops=1)) == ["n1", "n2", "n3"]
    assert sorted(viewer.select_view(G, around="n0", hops=2)) == ["n0", "n1", "n2"]
    clusters = {f"n{i}": i // 3 for i in range(6)}
    assert sorted(viewer.select_view(G, cluster=1, clusters=clusters)) == ["n3", "n4", "n5"]
    assert sorted(viewer.select_view(G, min_degree=2)) == ["n1", "n2", "n3", "n4"]
    # the centre stays even below the degree threshold
    assert sorted(viewer.select_view(G, around="n0", hops=1, min_degree=2)) == ["n0", "n1"]
    sub = viewer.select_view(G, around="n2", hops=1)
    assert sub.number_of_edges() == 2 and sub.edges["n1", "n2", "partOf"]["predicate"] == "partOf"


def test_select_unknown_entity_or_cluster_raises():
    G = chain(3)
    with pytest.raises(UnknownName, match="'nowhere' matches no entity"):
        viewer.select_view(G, around="nowhere")
    with pytest.raises(KeyError, match="no cluster 9"):
        viewer.select_view(G, cluster=9, clusters={"n0": 0})


def test_every_page_has_positions_and_large_ones_are_flagged():
    for n, large in ((viewer.LAYOUT_THRESHOLD, False), (viewer.LAYOUT_THRESHOLD + 1, True)):
        data = viewer.page_data(chain(n))
        assert data["large"] is large
        xy = [(node["vis"]["x"], node["vis"]["y"]) for node in data["nodes"]]
        assert len(set(xy)) == len(xy)  # every node has its own position


def test_layout_packs_disconnected_pieces_without_overlap():
    G = nx.MultiDiGraph()
    G.add_edges_from([("甲", "乙"), ("乙", "丙"), ("丁", "戊")])
    G.add_nodes_from(f"孤立实体{i}" for i in range(30))
    pos = viewer.layout_positions(G)
    assert sorted(pos) == sorted(G)
    # no two entities closer than half the spacing, and the picture is compact
    # (lone entities are packed in rows, not flung to a ring far away)
    points = list(pos.values())
    assert min(math.dist(a, b) for i, a in enumerate(points) for b in points[:i]) > 20
    width = max(x for x, _ in points) - min(x for x, _ in points)
    height = max(y for _, y in points) - min(y for _, y in points)
    assert width < 3000 and height < 3000 and 0.2 < width / max(height, 1) < 5


def test_layout_keeps_clusters_together():
    G = nx.MultiDiGraph(nx.planted_partition_graph(4, 25, 0.3, 0.005, seed=3))
    clusters = {n: n // 25 for n in G}
    pos = viewer.layout_positions(G, clusters)

    def dist(a, b):
        return math.dist(pos[a], pos[b])

    same = [dist(a, b) for a in G for b in G if a < b and clusters[a] == clusters[b]]
    other = [dist(a, b) for a in G for b in G if a < b and clusters[a] != clusters[b]]
    assert sum(same) / len(same) < 0.6 * sum(other) / len(other)
    assert viewer.layout_positions(G, clusters) == pos  # seeded: same picture every time


def test_too_large_graph_says_how_to_narrow(tmp_path, monkeypatch):
    monkeypatch.setattr(viewer, "MAX_NODES", 10)
    with pytest.raises(viewer.ViewTooLarge) as err:
        viewer.write_view(chain(11), tmp_path / "g.html")
    assert "--around" in str(err.value) and "--cluster" in str(err.value)
    assert not (tmp_path / "g.html").exists()
    assert viewer.write_view(chain(10), tmp_path / "g.html").exists()


def answer_for(G):
    return {"source": "西安交通大学", "target": "清远高新区",
            "paths": [{"nodes": ["西安交通大学", "清远高新区"],
                       "hops": [{"subject": "清远高新区", "predicate": "supports",
                                 "object": "西安交通大学", "evidence": []}]}],
            "intermediaries": []}


def test_connect_page_highlights_paths_and_fades_the_rest():
    G = small_graph()
    style = viewer.load_style()
    data = viewer.connect_page_data(G, answer_for(G))
    nodes = {n["name"]: n for n in data["nodes"]}
    assert nodes["西安交通大学"]["highlight"] and nodes["清远高新区"]["highlight"]
    assert not nodes[BAD_SCRIPT]["highlight"]
    assert nodes[BAD_SCRIPT]["vis"]["color"] == style["faded_colour"]
    edges = {e["predicate"]: e for e in data["edges"]}
    assert [p for p, e in edges.items() if e["highlight"]] == ["supports"]
    assert edges["supports"]["vis"]["color"]["color"] == style["highlight_colour"]
    assert edges["builds"]["vis"]["color"]["color"] == style["faded_colour"]
    assert "label" not in edges["builds"]["vis"] and edges["supports"]["vis"]["label"] == "supports"
    [path] = data["paths"]
    assert path["text"] == "西安交通大学 ←supports— 清远高新区"
    assert path["edges"] == [edges["supports"]["id"]]
    assert data["message"] is None


def test_connect_page_without_path_says_so(tmp_path):
    G = small_graph()
    out = viewer.write_connect_page(G, {"source": "西安交通大学", "target": BAD_SCRIPT,
                                        "paths": []}, tmp_path / "c.html")
    data = data_block(out.read_text(encoding="utf-8"))
    assert data["message"] == f"No path between 西安交通大学 and {BAD_SCRIPT}."
    assert {n["name"] for n in data["nodes"] if n["highlight"]} == {"西安交通大学", BAD_SCRIPT}


def test_connect_page_of_a_large_graph_keeps_paths_and_neighbours():
    G = chain(viewer.LAYOUT_THRESHOLD * 2)
    answer = {"source": "n10", "target": "n12",
              "paths": [{"nodes": ["n10", "n11", "n12"],
                         "hops": [{"subject": "n10", "predicate": "partOf", "object": "n11"},
                                  {"subject": "n11", "predicate": "partOf", "object": "n12"}]}]}
    data = viewer.connect_page_data(G, answer)
    names = {n["name"] for n in data["nodes"]}
    assert {"n9", "n10", "n11", "n12", "n13"} == names
    assert sum(e["highlight"] for e in data["edges"]) == 2


# --- command line ---------------------------------------------------------------

@pytest.fixture
def graph_file(tmp_path):
    from kg.analysis.projection import save_graph

    G = small_graph()
    G.add_edge("清远高新区", "清远市政府", key="partOf", predicate="partOf", count=1,
               evidence=[{"doc": "000_a.txt", "sentence": "高新区隶属清远市。"}])
    G.nodes["清远市政府"].update(type="Government", sector="government", aliases=[],
                                 pinyin="qingyuanshizhengfu", docs=["000_a.txt"])
    path = tmp_path / "g.pickle"
    save_graph(G, path)
    return path


def run_kg(*args):
    from click.testing import CliRunner

    from kg.cli import main

    return CliRunner().invoke(main, [str(a) for a in args])


def test_kg_view_writes_page_with_clusters_and_scores(tmp_path, graph_file):
    out = tmp_path / "v.html"
    result = run_kg("view", "--graph", graph_file, "--out", out)
    assert result.exit_code == 0, result.output
    assert "4 entities, 4 relations" in result.output
    data = data_block(out.read_text(encoding="utf-8"))
    assert len(data["nodes"]) == 4 and len(data["edges"]) == 4
    assert all(n["cluster"] is not None for n in data["nodes"])
    assert "broker score" in data["size_note"]
    scores = {n["name"]: n["score"] for n in data["nodes"]}
    # the university–government go-between brokers most
    assert max(scores, key=scores.get) == "清远高新区"


def test_kg_view_narrows_around_an_alias(tmp_path, graph_file):
    out = tmp_path / "v.html"
    result = run_kg("view", "--graph", graph_file, "--out", out,
                    "--around", "清远高新技术产业开发区", "--hops", 1)
    assert result.exit_code == 0, result.output
    data = data_block(out.read_text(encoding="utf-8"))
    assert sorted(n["name"] for n in data["nodes"]) == sorted(["清远高新区", "西安交通大学", "清远市政府"])
    assert "around 清远高新技术产业开发区" in data["title"]


def test_kg_view_cluster_and_min_degree(tmp_path, graph_file):
    out = tmp_path / "v.html"
    result = run_kg("view", "--graph", graph_file, "--out", out, "--min-degree", 2)
    assert result.exit_code == 0, result.output
    names = {n["name"] for n in data_block(out.read_text(encoding="utf-8"))["nodes"]}
    assert names == {"西安交通大学", "清远高新区"}
    result = run_kg("view", "--graph", graph_file, "--out", out, "--cluster", 0)
    assert result.exit_code == 0, result.output
    clusters = {n["cluster"] for n in data_block(out.read_text(encoding="utf-8"))["nodes"]}
    assert clusters == {0}


def test_kg_view_around_part_of_a_name_finds_the_university(tmp_path):
    """`kg view --around 西安交通大` finds the university, as `kg show` does
    (an invented article, built into a store)."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text(
        "星河日报讯 2024年3月5日，西安交通大学与星河新材料股份有限公司签署战略合作协议，"
        "双方将共建新材料联合实验室。", encoding="utf-8")
    store = tmp_path / "store"
    assert run_kg("build", tmp_path / "docs", "--store", store, "--quiet").exit_code == 0
    shown = run_kg("show", "西安交通大", "--store", store, "--json")
    assert shown.exit_code == 0, shown.output
    out = tmp_path / "v.html"
    result = run_kg("view", "--store", store, "--around", "西安交通大", "--out", out)
    assert result.exit_code == 0, result.output
    names = {n["name"] for n in data_block(out.read_text(encoding="utf-8"))["nodes"]}
    assert "西安交通大学" in names and len(names) >= 2


def test_kg_view_unknown_entity_or_cluster_fails_in_one_line(tmp_path, graph_file):
    result = run_kg("view", "--graph", graph_file, "--out", tmp_path / "v.html",
                    "--around", "北京大学")
    assert result.exit_code == 2
    assert result.output.strip().startswith("kg: E501 '北京大学' ")
    assert len(result.output.strip().splitlines()) == 1
    result = run_kg("view", "--graph", graph_file, "--out", tmp_path / "v.html",
                    "--cluster", 99)
    assert result.exit_code == 2 and "no cluster 99" in result.output
    assert not (tmp_path / "v.html").exists()


def test_kg_view_too_large_says_how_to_narrow(tmp_path, graph_file, monkeypatch):
    monkeypatch.setattr(viewer, "MAX_NODES", 3)
    result = run_kg("view", "--graph", graph_file, "--out", tmp_path / "v.html")
    assert result.exit_code == 2
    assert "--around" in result.output and "--cluster" in result.output
    assert not (tmp_path / "v.html").exists()
    result = run_kg("view", "--graph", graph_file, "--out", tmp_path / "v.html",
                    "--around", "清远市政府")
    assert result.exit_code == 0, result.output


def test_kg_connect_html_highlights_the_answer(tmp_path, graph_file):
    out = tmp_path / "c.html"
    result = run_kg("connect", "西安交大", "清远市政府", "--graph", graph_file,
                    "--html", out)
    assert result.exit_code == 0, result.output
    data = data_block(out.read_text(encoding="utf-8"))
    strong = {n["name"] for n in data["nodes"] if n["highlight"]}
    assert {"西安交通大学", "清远高新区", "清远市政府"} <= strong
    assert BAD_SCRIPT not in strong
    assert {e["predicate"] for e in data["edges"] if e["highlight"]} >= {"partOf"}
    assert data["paths"] and "清远市政府" in data["paths"][0]["text"]


def test_every_entity_type_has_its_own_shape_and_colour():
    """No two types share a (shape, colour) pair, a Department (which takes
    the sector of what it is part of) included in each of those sectors."""
    from kg.records import ENTITY_TYPES, SECTOR

    style = viewer.load_style()
    shapes, colours = style["type_shapes"], style["sector_colours"]
    drawn = {}
    for etype in ENTITY_TYPES:
        sectors = [SECTOR[etype]]
        if etype == "Department":
            sectors = ["university", "industry", "government", "intermediary"]
        for sector in sectors:
            pair = (shapes[etype], colours[sector])
            assert drawn.setdefault(pair, etype) == etype, f"{etype} looks like {drawn[pair]}"
    assert shapes["Platform"] != shapes["ResearchInstitute"]
    assert shapes["Department"] != shapes["University"]


def test_the_most_central_entities_are_ranked_for_labels():
    G = nx.MultiDiGraph()
    for i in range(60):
        G.add_edge("中心", f"机构{i}", key="cooperatesWith", predicate="cooperatesWith")
    data = viewer.page_data(G, score={"中心": 5.0, "机构3": 1.0})
    ranks = {n["name"]: n["rank"] for n in data["nodes"]}
    assert ranks["中心"] == 0 and ranks["机构3"] == 1
    assert sum(r is not None for r in ranks.values()) == viewer.CENTRAL_LABELS


def test_connect_answer_is_laid_out_as_its_paths():
    G = nx.barabasi_albert_graph(120, 2, seed=3)
    M = nx.MultiDiGraph()
    for u, v in G.edges():
        M.add_edge(f"机构{u}", f"机构{v}", key="cooperatesWith", predicate="cooperatesWith")
    paths = [["机构50", "机构0", "机构1", "机构90"], ["机构50", "机构7", "机构90"]]
    pos = viewer.path_positions(M, paths, source="机构50", target="机构90")
    assert pos["机构50"][0] < pos["机构0"][0] < pos["机构1"][0] < pos["机构90"][0]
    assert pos["机构50"][1] == pos["机构90"][1] == pos["机构0"][1] != pos["机构7"][1]
    lanes = {pos[n][1] for p in paths for n in p}
    assert all(pos[n][1] > max(lanes) for n in M if n not in {m for p in paths for m in p})
