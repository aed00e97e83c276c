"""Community detection over a projection: Louvain and Leiden, described."""


import networkx as nx
import pytest

from kg.analysis.clusters import ClusterBackendError, clusters, communities, membership
from kg.analysis.projection import project


def _rel(s, p, o, st, ot):
    return {"subject": s, "predicate": p, "object": o, "subject_type": st,
            "object_type": ot, "doc": "d", "evidence": f"{s}{p}{o}"}


def two_hubs():
    """A Xi'an side (university, its tech-transfer centre and teams) and a
    Suzhou side (park, its committee and companies), joined by one tie."""
    xi = [
        _rel("西安交通大学", "builds", "技术转移中心", "University", "Platform"),
        _rel("技术转移中心", "partOf", "西安交通大学", "Platform", "University"),
        _rel("孙杨团队", "partOf", "西安交通大学", "Team", "University"),
        _rel("孙杨团队", "signsWith", "技术转移中心", "Team", "Platform"),
        _rel("孙杨", "leads", "孙杨团队", "Person", "Team"),
        _rel("孙杨", "affiliatedWith", "西安交通大学", "Person", "University"),
        _rel("分中心", "partOf", "技术转移中心", "Platform", "Platform"),
        _rel("分中心", "partOf", "西安交通大学", "Platform", "University"),
    ]
    su = [
        _rel("苏相合作区管委会", "partOf", "苏相合作区", "Government", "Park"),
        _rel("六九新材料", "locatedIn", "苏相合作区", "Company", "Park"),
        _rel("六九新材料", "signsWith", "苏相合作区管委会", "Company", "Government"),
        _rel("星空实验室", "locatedIn", "苏相合作区", "Company", "Park"),
        _rel("星空实验室", "cooperatesWith", "六九新材料", "Company", "Company"),
        _rel("张凤戈", "affiliatedWith", "六九新材料", "Person", "Company"),
        _rel("张凤戈", "participatesIn", "苏相合作区", "Person", "Park"),
    ]
    bridge = [_rel("分中心", "cooperatesWith", "苏相合作区", "Platform", "Park")]
    return project([], xi + su + bridge)


XI = {"西安交通大学", "技术转移中心", "孙杨团队", "孙杨", "分中心"}
SU = {"苏相合作区管委会", "苏相合作区", "六九新材料", "星空实验室", "张凤戈"}


@pytest.mark.parametrize("method", ["louvain", "leiden"])
def test_both_methods_find_the_two_hubs_reproducibly(method):
    parts = communities(two_hubs(), method)
    assert sorted(map(sorted, parts)) == sorted([sorted(XI), sorted(SU)])
    assert communities(two_hubs(), method) == parts


def test_clusters_are_described_by_central_members_sectors_and_edges():
    out = clusters(two_hubs())
    assert out["method"] == "louvain" and out["seed"] == 42
    assert 0.3 < out["modularity"] < 0.6
    by_members = {frozenset(c["members"]): c for c in out["clusters"]}
    xi = by_members[frozenset(XI)]
    assert xi["central"][0] == "西安交通大学"          # tied to all four others
    assert xi["label"].startswith("西安交通大学 / ")
    assert xi["size"] == 5
    assert xi["internal_edges"] == 7                   # 8 relations, builds+partOf collapse
    assert xi["external_edges"] == 1
    assert xi["sectors"] == [["intermediary", 2], ["person", 1], ["team", 1],
                             ["university", 1]]
    assert xi["dominant_sectors"] == ["intermediary"]   # only sector with >= 5/4 members
    su = by_members[frozenset(SU)]
    assert su["central"][0] in {"苏相合作区", "六九新材料"}
    assert su["dominant_sectors"] == ["government", "industry"]   # 2 each, park counts as government
    assert [c["id"] for c in out["clusters"]] == [0, 1]


def test_min_size_drops_small_clusters_and_membership_maps_nodes():
    G = two_hubs()
    G.add_node("孤立", type="Person", sector="person")
    out = clusters(G, min_size=2)
    assert all(c["size"] >= 2 for c in out["clusters"])
    where = membership(out["clusters"])
    assert where["孙杨"] == where["西安交通大学"] != where["苏相合作区"]
    assert clusters(G)["clusters"][-1]["members"] == ["孤立"]


def test_unknown_method_and_missing_backend_are_clear(monkeypatch):
    with pytest.raises(ValueError, match="unknown clustering method"):
        communities(two_hubs(), "girvan")
    import builtins
    real_import = builtins.__import__

    def no_leidenalg(name, *a, **kw):
        if name in {"leidenalg", "igraph"}:
            raise ImportError(name)
        return real_import(name, *a, **kw)

    monkeypatch.setattr(builtins, "__import__", no_leidenalg)
    with pytest.raises(ClusterBackendError, match="leidenalg"):
        communities(two_hubs(), "leiden")


def test_empty_graph():
    assert clusters(nx.Graph())["clusters"] == []


def test_cli_clusters(tmp_path):
    import json

    from click.testing import CliRunner

    from kg.cli import main
    from kg.analysis.projection import save_graph

    path = tmp_path / "g.pickle"
    save_graph(two_hubs(), path)
    runner = CliRunner()
    res = runner.invoke(main, ["clusters", "--graph", str(path)])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("2 clusters (louvain, seed 42, modularity ")
    assert "[0] " in res.output and "西安交通大学 / " in res.output
    assert "5 members; 7 internal, 1 external edge;" in res.output
    data = json.loads(runner.invoke(main, ["clusters", "--graph", str(path), "--json",
                                           "--method", "leiden"]).output)
    assert data["method"] == "leiden"
    assert sorted(c["size"] for c in data["clusters"]) == [5, 5]
