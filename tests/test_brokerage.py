"""Brokerage measures: Gould–Fernandez roles, subset betweenness, brokers."""

import itertools
import json
import math
import shutil
import subprocess
from pathlib import Path

import networkx as nx
import pytest

import kg.analysis.brokerage
from kg.analysis.brokerage import (
    ROLES, SNA_COLUMNS, betweenness, bridged_sectors, brokers, gould_fernandez,
    gould_fernandez_expected, gould_fernandez_global, gould_fernandez_sd,
    gould_fernandez_z, subset_betweenness,
    subset_betweenness_many)
from kg.analysis.projection import project


def counts(**kw):
    out = dict.fromkeys(ROLES, 0)
    out.update(kw)
    out["total"] = sum(out[r] for r in ROLES)
    return out


# Two references for Gould–Fernandez: counts enumerated by hand from the
# role definitions (below), and R's sna::brokerage itself on fixed graphs,
# including the example of its help page (tests/data/sna_brokerage.R writes
# tests/data/sna_brokerage.json; the last tests re-run it with Rscript).
DIRECTED_ARCS = [(1, 2), (2, 3), (4, 2), (2, 5), (2, 6), (5, 6), (1, 5), (6, 1)]
DIRECTED_GROUPS = {1: "A", 2: "A", 3: "A", 4: "B", 5: "B", 6: "C"}


def test_gould_fernandez_directed_hand_enumerated_example():
    """Groups A = {1, 2, 3}, B = {4, 5}, C = {6}; arcs
    1→2, 2→3, 4→2, 2→5, 2→6, 5→6, 1→5, 6→1.

    Every two-path a → b → c with a ≠ c, enumerated broker by broker
    (pred × succ), dropping those closed by an arc a → c:

    b = 1: pred {6}, succ {2, 5}
        6→1→2  (no 6→2)  C,A,A  gatekeeper
        6→1→5  (no 6→5)  C,A,B  liaison
    b = 2: pred {1, 4}, succ {3, 5, 6}
        1→2→3  (no 1→3)  A,A,A  coordinator
        1→2→5  closed by 1→5    —
        1→2→6  (no 1→6)  A,A,C  representative
        4→2→3  (no 4→3)  B,A,A  gatekeeper
        4→2→5  (no 4→5)  B,A,B  itinerant
        4→2→6  (no 4→6)  B,A,C  liaison
    b = 3: no successors; b = 4: no predecessors
    b = 5: pred {1, 2}, succ {6}
        1→5→6  (no 1→6)  A,B,C  liaison
        2→5→6  closed by 2→6    —
    b = 6: pred {2, 5}, succ {1}
        2→6→1  (no 2→1; the reverse arc 1→2 does not close it)  A,C,A  itinerant
        5→6→1  (no 5→1)  B,C,A  liaison
    """
    D = nx.DiGraph(DIRECTED_ARCS)
    got = gould_fernandez(D, DIRECTED_GROUPS)
    assert got == {
        1: counts(gatekeeper=1, liaison=1),
        2: counts(coordinator=1, representative=1, gatekeeper=1, itinerant=1, liaison=1),
        3: counts(),
        4: counts(),
        5: counts(liaison=1),
        6: counts(itinerant=1, liaison=1),
    }


def test_gould_fernandez_reads_groups_from_a_node_attribute_and_collapses_multiedges():
    M = nx.MultiDiGraph(DIRECTED_ARCS + [(1, 2), (2, 2)])
    nx.set_node_attributes(M, DIRECTED_GROUPS, "g")
    assert gould_fernandez(M, "g") == gould_fernandez(nx.DiGraph(DIRECTED_ARCS), DIRECTED_GROUPS)


def test_gould_fernandez_undirected_counts_each_pair_in_both_orders():
    """Star centre 0 (group X) with leaves 1 (X), 2 (Y), 3 (Y), and the edge 2–3.

    Read as both arcs per edge (as sna reads a symmetric matrix). Through 0
    the ordered pairs of leaves not adjacent are (1,2), (2,1), (1,3), (3,1);
    (2,3) and (3,2) are closed by the edge 2–3.
        1–0–2: X,X,Y representative;  2–0–1: Y,X,X gatekeeper; same for 3.
    So 0 has representative 2, gatekeeper 2, total 4. Node 2's neighbours
    0 and 3 are adjacent, and so are node 3's: no brokerage. Leaf 1 has one
    neighbour: none.

    A path a–b–c all in one group gives coordinator 2 (both orders).
    """
    G = nx.Graph([(0, 1), (0, 2), (0, 3), (2, 3)])
    got = gould_fernandez(G, {0: "X", 1: "X", 2: "Y", 3: "Y"})
    assert got[0] == counts(representative=2, gatekeeper=2)
    assert got[1] == got[2] == got[3] == counts()
    path = gould_fernandez(nx.path_graph(3), {0: "X", 1: "X", 2: "X"})
    assert path[1] == counts(coordinator=2)


def test_gould_fernandez_undirected_equals_directed_on_symmetrised_graph():
    G = nx.gnm_random_graph(12, 25, seed=3)
    groups = {n: n % 3 for n in G}
    assert gould_fernandez(G, groups) == gould_fernandez(G.to_directed(), groups)


def test_gould_fernandez_expected_matches_exhaustive_enumeration():
    """On 4 nodes with groups A, A, B, C, every one of the 2^12 digraphs is
    weighted by p^m (1 − p)^(12 − m); the weighted mean of each role count
    must equal the closed form d²(1 − d) × (number of ordered pairs fitting
    the role) with d = p."""
    nodes = [0, 1, 2, 3]
    groups = {0: "A", 1: "A", 2: "B", 3: "C"}
    arcs = [(u, v) for u in nodes for v in nodes if u != v]
    p = 0.3
    mean = {n: dict.fromkeys(ROLES + ("total",), 0.0) for n in nodes}
    square = {n: dict.fromkeys(ROLES + ("total",), 0.0) for n in nodes}
    whole = {r: [0.0, 0.0] for r in ROLES + ("total",)}
    for mask in itertools.product((0, 1), repeat=len(arcs)):
        D = nx.DiGraph()
        D.add_nodes_from(nodes)
        D.add_edges_from(a for a, keep in zip(arcs, mask) if keep)
        m = sum(mask)
        w = p ** m * (1 - p) ** (len(arcs) - m)
        for n, c in gould_fernandez(D, groups).items():
            for role, v in c.items():
                mean[n][role] += w * v
                square[n][role] += w * v * v
        for role, v in gould_fernandez_global(D, groups)["raw"].items():
            whole[role][0] += w * v
            whole[role][1] += w * v * v
    D = nx.complete_graph(nodes, create_using=nx.DiGraph)
    expected = gould_fernandez_expected(D, groups, density=p)
    sd = gould_fernandez_sd(D, groups, density=p)
    for n in nodes:
        for role in ROLES + ("total",):
            assert expected[n][role] == pytest.approx(mean[n][role], abs=1e-12)
            # the node-level variance (sna's formula) is exact, covariance
            # of two-paths sharing an arc included
            variance = square[n][role] - mean[n][role] ** 2
            assert sd[n][role] ** 2 == pytest.approx(variance, abs=1e-12)
    # graph level: expectations exact; variances exact for itinerant and
    # liaison (the others are sna's approximations, see the docstring)
    formula = gould_fernandez_global(D, groups, density=p)
    for role, (m1, m2) in whole.items():
        assert formula["expected"][role] == pytest.approx(m1, abs=1e-12)
    for role in ("itinerant", "liaison"):
        assert formula["sd"][role] ** 2 == pytest.approx(whole[role][1] - whole[role][0] ** 2)
    assert formula["sd"]["representative"] == pytest.approx(0.5227, abs=1e-4)
    assert math.sqrt(whole["representative"][1] - whole["representative"][0] ** 2) \
        == pytest.approx(0.5072, abs=1e-4)
    # and, by hand, for node 0 (group A of size 2, N = 4, S = 0):
    q = p * p * (1 - p)
    assert expected[0]["representative"] == pytest.approx(2 * q)   # (2−1)(4−2)
    assert expected[0]["liaison"] == pytest.approx(2 * q)          # 2·1 − 0
    assert expected[2]["itinerant"] == pytest.approx(2 * q)        # S = 2·1
    assert expected[2]["liaison"] == pytest.approx(4 * q)          # 3·2 − 2


def test_gould_fernandez_expected_uses_observed_density_by_default():
    D = nx.DiGraph(DIRECTED_ARCS)
    d = 8 / 30
    e = gould_fernandez_expected(D, DIRECTED_GROUPS)
    assert e[1]["total"] == pytest.approx(5 * 4 * d * d * (1 - d))
    # an undirected edge is two arcs: same density as the symmetrised digraph
    G = nx.path_graph(4)
    assert gould_fernandez_expected(G, dict.fromkeys(G, "x")) == \
        gould_fernandez_expected(G.to_directed(), dict.fromkeys(G, "x"))


SNA_DIR = Path(__file__).parent / "data"
SNA = json.loads((SNA_DIR / "sna_brokerage.json").read_text(encoding="utf-8"))
ROLE_OF_COLUMN = {col: role for role, col in SNA_COLUMNS.items()}


def _sna_graph(case):
    G = nx.DiGraph() if case["directed"] else nx.Graph()
    G.add_nodes_from(case["nodes"])
    G.add_edges_from(case["edges"])
    return G, dict(zip(case["nodes"], case["groups"]))


def _same(ours, theirs):
    if math.isnan(theirs):
        return math.isnan(ours)
    return ours == pytest.approx(theirs, rel=1e-9, abs=1e-12)


def test_roles_are_in_the_order_of_sna_columns():
    """ROLES follows the columns of sna::brokerage (w_I, w_O, b_IO, b_OI,
    b_O). sna's help text calls b_OI the gatekeeper (A → B → B) and b_IO
    the representative (A → A → B); R on the single two-path 0 → 1 → 2
    with groups (1, 2, 2) puts its count in b_OI, and the counts of every
    case below agree column by column."""
    for case in SNA["cases"].values():
        assert [ROLE_OF_COLUMN[c] for c in case["columns"]] == list(ROLES) + ["total"]


@pytest.mark.parametrize("name", sorted(SNA["cases"]))
def test_gould_fernandez_reproduces_sna_brokerage(name):
    """Every number sna::brokerage returns, reproduced: per node the observed
    role counts (exactly), their expectation, standard deviation and z-score
    (NaN where sna gives NaN); per group the expectation and sd; and the
    graph-level observed, expected, sd and z. The cases are the example of
    sna's help page (rgraph(15), three groups, seeded), an undirected graph
    with a one-node group, a sparse directed graph with reciprocated ties
    and five groups, and a named triple-helix graph with string groups."""
    case = SNA["cases"][name]
    G, groups = _sna_graph(case)
    raw = gould_fernandez(G, groups)
    exp = gould_fernandez_expected(G, groups)
    sd = gould_fernandez_sd(G, groups)
    z = gould_fernandez_z(G, groups)
    checked = 0
    for i, node in enumerate(case["nodes"]):
        for j, col in enumerate(case["columns"]):
            role = ROLE_OF_COLUMN[col]
            assert raw[node][role] == case["raw_nli"][i][j], (node, role)
            for ours, key in ((exp, "exp_nli"), (sd, "sd_nli"), (z, "z_nli")):
                assert _same(ours[node][role], case[key][i][j]), (node, role, key)
            checked += 1
    first_of_group = {g: case["groups"].index(g) for g in case["clid"]}
    for k, g in enumerate(case["clid"]):
        node = case["nodes"][first_of_group[g]]
        for j, col in enumerate(case["columns"]):
            role = ROLE_OF_COLUMN[col]
            assert _same(exp[node][role], case["exp_grp"][k][j])
            assert _same(sd[node][role], case["sd_grp"][k][j])
    whole = gould_fernandez_global(G, groups)
    for j, col in enumerate(case["columns"]):
        role = ROLE_OF_COLUMN[col]
        assert whole["raw"][role] == case["raw_gli"][j]
        for key, ref in (("expected", "exp_gli"), ("sd", "sd_gli"), ("z", "z_gli")):
            assert _same(whole[key][role], case[ref][j]), (role, key)
    assert checked == 6 * len(case["nodes"])
    assert sum(raw[n]["total"] for n in raw) > 0      # the case has brokerage


def test_sna_reference_cases_cover_what_matters():
    """The reference exercises every role, directed and undirected graphs,
    NaN z-scores and both signs of z (a fixture of zeros would prove little)."""
    cases = SNA["cases"].values()
    assert {c["directed"] for c in cases} == {True, False}
    for j in range(5):
        assert any(row[j] > 0 for c in cases for row in c["raw_nli"]), ROLES[j]
    zs = [z for c in cases for row in c["z_nli"] for z in row]
    assert any(math.isnan(z) for z in zs)
    assert any(z > 1 for z in zs) and any(z < -1 for z in zs)


def test_sna_reference_is_what_installed_R_computes(tmp_path):
    """Re-run tests/data/sna_brokerage.R with R's sna (Debian r-cran-sna;
    .ci/run installs it) and compare with the committed reference, so the
    JSON above is sna's output and not a copy of ours."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        pytest.fail("Rscript not found: install Debian's r-base-core and "
                    "r-cran-sna (apt-get install r-cran-sna; .ci/run does it)")
    out = tmp_path / "sna.json"
    subprocess.run([rscript, str(SNA_DIR / "sna_brokerage.R"), str(out)],
                   check=True, capture_output=True, timeout=300)
    fresh = json.loads(out.read_text(encoding="utf-8"))
    assert fresh["cases"].keys() == SNA["cases"].keys()
    for name, case in fresh["cases"].items():
        ref = SNA["cases"][name]
        for key, value in case.items():
            flat_new = _flatten(value)
            flat_ref = _flatten(ref[key])
            assert len(flat_new) == len(flat_ref), (name, key)
            for a, b in zip(flat_new, flat_ref):
                if isinstance(a, float) and isinstance(b, float):
                    assert _same(a, b), (name, key)
                else:
                    assert a == b, (name, key)


def _flatten(x):
    if isinstance(x, list):
        return [y for v in x for y in _flatten(v)]
    return [x]


def test_betweenness_is_exact_below_threshold_and_seeded_above():
    G = nx.barabasi_albert_graph(200, 2, seed=1)
    exact = betweenness(G)
    assert exact == nx.betweenness_centrality(G)
    a = betweenness(G, exact_max_nodes=100, samples=50)
    b = betweenness(G, exact_max_nodes=100, samples=50)
    assert a == b and a != exact
    top_exact = max(exact, key=exact.get)
    assert top_exact in sorted(a, key=a.get, reverse=True)[:5]


def test_subset_betweenness_counts_each_source_target_pair_once():
    # uni1 – tto – firm, uni2 – tto; firm2 hangs off firm
    G = nx.Graph([("uni1", "tto"), ("uni2", "tto"), ("tto", "firm"), ("firm", "firm2")])
    bc = subset_betweenness(G, ["uni1", "uni2"], ["firm", "firm2"])
    # tto lies on all 4 uni→firm paths; firm lies inside the 2 paths to firm2
    assert bc["tto"] == 4
    assert bc["firm"] == 2
    assert bc["uni1"] == 0
    # sampling sources scales back up
    sampled = subset_betweenness(G, ["uni1", "uni2"], ["firm", "firm2"], max_sources=1)
    assert sampled["tto"] == 4


@pytest.mark.parametrize("max_sources", [500, 7])
def test_one_search_for_several_target_sets_equals_separate_runs(max_sources):
    """brokers() shares the search from each university between its two
    subset measures; the result is networkx's subset betweenness, per set."""
    G = nx.gnm_random_graph(60, 150, seed=3)
    sources, industry, government = range(0, 15), range(15, 35), range(35, 50)
    many = subset_betweenness_many(G, sources, {"ind": industry, "gov": government, "none": []},
                                   max_sources=max_sources)
    for label, targets in (("ind", industry), ("gov", government)):
        one = subset_betweenness(G, sources, targets, max_sources=max_sources)
        assert many[label] == pytest.approx(one)
        if max_sources > 15:
            ref = nx.betweenness_centrality_subset(G, list(sources), list(targets))
            assert many[label] == pytest.approx({n: 2 * v for n, v in ref.items()})
    assert set(many["none"].values()) == {0.0}


def test_bridged_sectors_lists_open_pairs_by_sector():
    G = nx.Graph([("u", "b"), ("b", "g"), ("b", "i"), ("g", "i"), ("b", "u2")])
    sec = {"u": "university", "u2": "university", "b": "intermediary",
           "g": "government", "i": "industry"}
    got = bridged_sectors(G, "b", sec)
    assert got[0] == {"sectors": ["government", "university"], "pairs": 2,
                      "example": ["g", "b", "u"]}
    assert {"sectors": ["industry", "university"], "pairs": 2,
            "example": ["i", "b", "u"]} in got
    # g and i are tied: that pair is not bridged by b
    assert all(r["sectors"] != ["government", "industry"] for r in got)


def _rel(s, p, o, st, ot):
    return {"subject": s, "predicate": p, "object": o, "subject_type": st,
            "object_type": ot, "doc": "d", "evidence": f"{s}{p}{o}"}


def test_brokers_ranks_the_bridge_between_university_and_industry_first():
    """Two universities reach three companies and a park only through a
    technology-transfer platform; the platform must rank first on the
    triple-helix measure and list university–industry among its bridges."""
    rels = [
        _rel("大学甲", "builds", "转移中心", "University", "Platform"),
        _rel("大学乙", "cooperatesWith", "转移中心", "University", "Platform"),
        _rel("大学甲", "cooperatesWith", "大学乙", "University", "University"),
        _rel("转移中心", "locatedIn", "高新区", "Platform", "Park"),
        _rel("转移中心", "signsWith", "公司一", "Platform", "Company"),
        _rel("转移中心", "signsWith", "公司二", "Platform", "Company"),
        _rel("公司二", "cooperatesWith", "公司三", "Company", "Company"),
        _rel("公司一", "locatedIn", "高新区", "Company", "Park"),
    ]
    rows = brokers(project([], rels), top=None)
    first = rows[0]
    assert first["name"] == "转移中心"
    assert first["sector"] == "intermediary"
    assert first["university_industry"] == pytest.approx(6)   # 2 unis × 3 firms
    assert first["university_government"] == pytest.approx(2)
    assert first["gould_fernandez"]["liaison"] > 0
    sectors = [b["sectors"] for b in first["bridges"]]
    assert ["industry", "university"] in sectors
    assert set(first) >= {"betweenness", "constraint", "effective_size", "degree"}
    assert len(brokers(project([], rels), top=2)) == 2
    assert brokers(project([], rels), sort="betweenness")[0]["name"] == "转移中心"
    with pytest.raises(ValueError, match="unknown broker measure"):
        brokers(project([], rels), sort="nonsense")


def test_brokers_lists_actors_only_unless_asked():
    rels = [_rel("大学", "participatesIn", "大会", "University", "Event"),
            _rel("公司", "participatesIn", "大会", "Company", "Event"),
            _rel("公司", "locatedIn", "园区", "Company", "Park")]
    G = project([], rels)
    assert "大会" not in {r["name"] for r in brokers(G, top=None)}
    everything = brokers(G, top=None, actors_only=False)
    assert everything[0]["name"] == "大会"          # on every university path
    assert everything[0]["university_industry"] == 1


def test_brokers_carry_z_scores_and_rank_by_them():
    """Two liaisons with the same count, 2 (one pair, both orders): 平台一,
    in the intermediary sector of 3 nodes, and 园区, the only government
    node. Liaison pairs come from outside the broker's own sector, so the
    singleton 园区 has more pairs that could make it a liaison (N = 11:
    10² − (3² + 3² + 4²) = 66 against 8² − (3² + 4² + 1²) = 38), a larger
    expectation and hence the smaller z. Ranking by liaison_z puts it after
    both intermediaries; the scores are gould_fernandez_z on the collapse."""
    rels = [_rel("大学甲", "builds", "平台一", "University", "Platform"),
            _rel("平台一", "signsWith", "公司一", "Platform", "Company"),
            _rel("大学乙", "builds", "研究院二", "University", "ResearchInstitute"),
            _rel("研究院二", "signsWith", "公司二", "ResearchInstitute", "Company"),
            _rel("平台三", "cooperatesWith", "公司三", "Platform", "Company"),
            _rel("大学丙", "cooperatesWith", "园区", "University", "Park"),
            _rel("园区", "supports", "公司四", "Park", "Company")]
    G = project([], rels)
    rows = {r["name"]: r for r in brokers(G, top=None)}
    assert rows["平台一"]["gould_fernandez"]["liaison"] == 2
    assert rows["园区"]["gould_fernandez"]["liaison"] == 2
    z = gould_fernandez_z(nx.Graph(G.to_undirected()), "sector")
    for name in ("平台一", "园区"):
        assert rows[name]["gould_fernandez_z"]["liaison"] == pytest.approx(z[name]["liaison"])
    assert rows["平台一"]["gould_fernandez_z"]["liaison"] > rows["园区"]["gould_fernandez_z"]["liaison"] > 0
    ranked = [r["name"] for r in brokers(G, top=None, sort="liaison_z")]
    assert set(ranked[:2]) == {"平台一", "研究院二"} and ranked[2] == "园区"


def test_cli_brokers(tmp_path):
    import json

    from click.testing import CliRunner

    from kg.cli import main
    from kg.analysis.projection import save_graph

    rels = [_rel("大学甲", "builds", "转移中心", "University", "Platform"),
            _rel("转移中心", "locatedIn", "高新区", "Platform", "Park"),
            _rel("转移中心", "signsWith", "公司一", "Platform", "Company")]
    path = tmp_path / "g.pickle"
    save_graph(project([], rels), path)
    runner = CliRunner()
    res = runner.invoke(main, ["brokers", "--graph", str(path), "--top", "1"])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("  1. 转移中心 (Platform, intermediary)")
    assert "bridges " in res.output and "e.g. " in res.output
    assert "liaison" in res.output
    data = json.loads(runner.invoke(main, ["brokers", "--graph", str(path), "--json"]).output)
    assert data[0]["name"] == "转移中心"
    assert data[0]["gould_fernandez"]["liaison"] == 6      # 3 sectors, 3 pairs × 2 orders
    assert data[0]["gould_fernandez_z"]["liaison"] > 0
    assert data[0]["gould_fernandez_z"]["coordinator"] is None   # no pair could fill it
    res = runner.invoke(main, ["brokers", "--graph", str(path), "--top", "1"])
    assert "G–F (count, z): coordinator 0 (-), " in res.output
    res = runner.invoke(main, ["brokers", "--graph", str(path), "--sort", "liaison_z",
                               "--top", "1"])
    assert res.exit_code == 0 and res.output.startswith("  1. 转移中心")
    res = runner.invoke(main, ["brokers", "--graph", str(path), "--sort", "nope"])
    assert res.exit_code == 2 and "unknown broker measure" in res.output


def test_constraint_and_effective_size_equal_networkx():
    from kg.analysis.brokerage import constraint, effective_size

    G = nx.powerlaw_cluster_graph(120, 3, 0.4, seed=5)
    G.add_node("isolate")
    nx_eff, nx_con = nx.effective_size(G), nx.constraint(G)
    eff, con = effective_size(G), constraint(G)
    assert eff["isolate"] is None and con["isolate"] is None
    for n in G:
        if n != "isolate":
            assert eff[n] == pytest.approx(nx_eff[n])
            assert con[n] == pytest.approx(nx_con[n])


@pytest.mark.parametrize("seed", range(10))
def test_bridged_sectors_counts_open_pairs_as_the_pairwise_definition(seed):
    """bridged_sectors counts open pairs from the ties among the neighbours
    (cost: their degrees); the definition checks every pair of neighbours."""
    import random
    from collections import defaultdict
    G = nx.gnm_random_graph(40, 200, seed=seed)
    group = {n: random.Random(seed * 100 + n).choice("abcd") for n in G}
    for node in G:
        nbrs = sorted(G.neighbors(node), key=str)
        found = defaultdict(lambda: [0, None])
        for i, a in enumerate(nbrs):
            for c in nbrs[i + 1:]:
                if c not in G[a]:
                    entry = found[tuple(sorted((group[a], group[c])))]
                    entry[0] += 1
                    entry[1] = entry[1] or [a, node, c]
        expected = sorted(({"sectors": list(k), "pairs": v[0], "example": v[1]}
                           for k, v in found.items()), key=lambda r: (-r["pairs"], r["sectors"]))
        assert bridged_sectors(G, node, group) == expected


def test_sampled_scores_searched_in_batches_equal_networkx_per_source(monkeypatch):
    """Above the exact threshold the sampled searches run as matrix products
    (kg.analysis.brokerage._brandes_batched); they sum what networkx's search from
    each source gives: the same sources, the same scores up to rounding."""
    import random

    from networkx.algorithms.centrality.betweenness import _single_source_shortest_path_basic

    from kg.analysis import brokerage

    G = nx.barabasi_albert_graph(300, 2, seed=3)
    G.add_edges_from([(300, 301), (301, 302)])                     # another component
    G = nx.relabel_nodes(G, {n: f"n{n}" for n in G})
    got = brokerage.betweenness(G, exact_max_nodes=100, samples=40)
    want = nx.betweenness_centrality(G, k=40, seed=brokerage.SEED)
    assert got.keys() == want.keys()
    assert max(abs(got[n] - want[n]) for n in G) < 1e-12

    monkeypatch.setattr(brokerage, "EXACT_BETWEENNESS_MAX_NODES", 100)
    sources = [f"n{i}" for i in range(0, 300, 4)]
    targets = {"odd": [f"n{i}" for i in range(1, 303, 2)], "few": ["n7", "n302"]}
    got = brokerage.subset_betweenness_many(G, sources, targets, max_sources=30)
    drawn = random.Random(brokerage.SEED).sample(sorted(sources, key=str), 30)
    for label, ts in targets.items():
        want = dict.fromkeys(G, 0.0)
        for s in drawn:
            S, P, sigma, _ = _single_source_shortest_path_basic(G, s)
            brokerage._accumulate_subset(want, S, P, sigma, s, set(ts))
        assert max(abs(got[label][n] - want[n] * len(sources) / 30) for n in G) < 1e-9
