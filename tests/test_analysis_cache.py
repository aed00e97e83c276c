"""The analysis of a store (projection, broker and cluster scores) is
computed once per store state, read back by the analysis commands, and
dropped when a build or a removal changes the store."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from click.testing import CliRunner

import kg.analysis.cache
from kg.analysis.cache import analysis, is_cached, store_key
from kg.analysis.brokerage import brokers
from kg.ingest.build import build, remove
from kg.analysis.card import card
from kg.cli import main
from kg.analysis.clusters import clusters
from kg.analysis.projection import project, save_graph
from kg.messages import KGError
from kg.store.backends import open_store

from test_store import fake_extract, write


@pytest.fixture
def corpus(tmp_path):
    docs = tmp_path / "docs"
    write(docs, "a.txt", "甲大学|University|甲研究院|Platform|builds",
          "甲研究院|Platform|乙公司|Company|cooperatesWith",
          "张三|Person|甲大学|University|affiliatedWith")
    write(docs, "b.txt", "甲大学|University|乙公司|Company|signsWith",
          "乙公司|Company|清远高新区|Park|locatedIn",
          "清远高新区|Park|丙政府|Government|partOf")
    return docs


def test_computed_once_per_state_and_dropped_by_build_and_remove(tmp_path, corpus):
    store = open_store(tmp_path / "s", create=True)
    build([corpus / "a.txt"], store, extract=fake_extract, progress=False)
    first = analysis(store)
    assert first.computed and is_cached(store)
    again = analysis(store)
    assert not again.computed
    assert sorted(again.graph.edges(keys=True)) == sorted(first.graph.edges(keys=True))
    assert again.brokers == first.brokers and again.clusters == first.clusters

    key = store_key(store)
    build([corpus], store, extract=fake_extract, progress=False)      # adds b.txt
    assert not is_cached(store) and store_key(store) != key
    grown = analysis(store)
    assert grown.computed and "清远高新区" in grown.graph

    grown_key = store_key(store)
    remove(store, "b.txt")
    assert not is_cached(store) and store_key(store) not in (key, grown_key)
    shrunk = analysis(store)
    assert shrunk.computed and "清远高新区" not in shrunk.graph
    assert sorted(shrunk.graph.nodes) == sorted(first.graph.nodes)


def test_saved_scores_are_those_computed_from_the_store(tmp_path, corpus):
    """What the commands print from the saved analysis is what the analysis
    functions give on a fresh projection."""
    path = str(tmp_path / "s")
    with open_store(path, create=True) as store:
        build([corpus], store, extract=fake_extract, progress=False)
        G = project(store.entities(), store.relations())
    runner = CliRunner()
    for _ in range(2):          # computed, then read back
        out = runner.invoke(main, ["brokers", "--store", path, "--json", "--top", "5"])
        assert out.exit_code == 0, out.output
        assert json.loads(out.stdout) == json.loads(json.dumps(brokers(G, top=5), default=list))
        out = runner.invoke(main, ["show", "乙公司", "--store", path, "--json"])
        shown = json.loads(out.stdout)
        assert shown.pop("identity") == [["b.txt", "same name"]]    # kg.store.identity's reasons
        assert shown == json.loads(json.dumps(card(G, "乙公司"), default=list))
        out = runner.invoke(main, ["clusters", "--store", path, "--json", "--min-size", "1"])
        assert json.loads(out.stdout) == json.loads(json.dumps(clusters(G), default=list))


def test_commands_read_the_saved_analysis_instead_of_recomputing(tmp_path, corpus, monkeypatch):
    path = str(tmp_path / "s")
    with open_store(path, create=True) as store:
        build([corpus], store, extract=fake_extract, progress=False)
    runner = CliRunner()
    result = runner.invoke(main, ["build", str(corpus), "--store", path, "--scores"])
    assert result.exit_code == 0 and "scores computed in" in result.output

    def fail(*args, **kwargs):
        raise AssertionError("recomputed")

    monkeypatch.setattr(kg.analysis.cache, "compute", fail)
    for args in (["brokers"], ["clusters"], ["show", "甲大学"], ["connect", "张三", "丙政府"],
                 ["view", "--out", str(tmp_path / "g.html")]):
        result = runner.invoke(main, [*args, "--store", path])
        assert result.exit_code == 0, (args, result.output)


def test_state_is_the_same_for_the_same_builds_and_not_exported(tmp_path, corpus):
    stores = []
    for name in ("x", "y"):
        store = open_store(tmp_path / name, create=True)
        build([corpus], store, extract=fake_extract, progress=False)
        stores.append(store)
    assert stores[0].state() == stores[1].state() != ""
    before = stores[0].state()
    build([corpus], stores[0], extract=fake_extract, progress=False)     # nothing to do
    assert stores[0].state() == before
    # one triple in the default graph: not part of any document, not exported
    assert stores[0].query("SELECT ?s WHERE { GRAPH ?g { ?s uic:state ?o } }").rows == []
    assert len(stores[0].query("SELECT ?s WHERE { ?s uic:state ?o }").rows) == 1
    assert "ontology#state" not in stores[0].export("nq").decode()


def test_stats_are_saved_for_the_state(tmp_path, corpus, monkeypatch):
    from kg.analysis.cache import cached_stats

    store = open_store(tmp_path / "s", create=True)
    build([corpus / "a.txt"], store, extract=fake_extract, progress=False)
    first = cached_stats(store)
    monkeypatch.setattr(type(store), "stats", lambda self: {"recomputed": True})
    assert cached_stats(store) == first
    build([corpus], store, extract=fake_extract, progress=False)
    assert cached_stats(store) == {"recomputed": True}


def test_build_says_the_first_analysis_will_take_longer(tmp_path, corpus):
    path = str(tmp_path / "s")
    result = CliRunner().invoke(main, ["build", str(corpus), "--store", path])
    assert result.exit_code == 0
    assert "first analysis command" in result.output and "--scores" in result.output


def test_view_checks_its_size_before_clustering(tmp_path, monkeypatch):
    from kg.web import viewer

    G = project([], [{"subject": f"甲{i}", "predicate": "partOf", "object": "乙",
                      "subject_type": "Department", "object_type": "University"}
                     for i in range(viewer.MAX_NODES + 5)])
    saved = tmp_path / "g.pickle"
    save_graph(G, saved)

    def fail(*args, **kwargs):
        raise AssertionError("clustered a graph too big to draw")

    monkeypatch.setattr("kg.analysis.clusters.clusters", fail)
    result = CliRunner().invoke(main, ["view", "--graph", str(saved), "--out",
                                       str(tmp_path / "g.html")])
    assert result.exit_code == 2 and "too many" in result.output


def test_show_and_connect_read_the_saved_cards_not_the_projection(tmp_path, corpus, monkeypatch):
    """With the analysis saved, `kg show NAME` and `kg connect X Y` read the
    cards of the entities they need, never the whole projection, and print
    what they print from the projection."""
    path = str(tmp_path / "s")
    with open_store(path, create=True) as store:
        build([corpus], store, extract=fake_extract, progress=False)
    runner = CliRunner()
    args = (["show", "乙公司", "--json"], ["connect", "张三", "丙政府", "--json"],
            ["connect", "甲大学", "清远高新区", "--json", "--via", "Company"])
    from_projection = []
    for a in args:
        result = runner.invoke(main, [*a, "--store", path])   # computes and saves
        assert result.exit_code == 0, result.output
        with open_store(path) as store:       # the same, from the saved projection
            G = analysis(store).graph
        saved_graph = tmp_path / "g.pickle"
        save_graph(G, saved_graph)
        from_projection.append(runner.invoke(main, [*a, "--graph", str(saved_graph)]).stdout)

    def fail(*args, **kwargs):
        raise AssertionError("loaded the projection")

    monkeypatch.setattr(kg.analysis.cache, "_read", fail)
    monkeypatch.setattr(kg.analysis.cache, "compute", fail)
    for a, expected in zip(args, from_projection):
        result = runner.invoke(main, [*a, "--store", path])
        assert result.exit_code == 0, (a, result.output)
        if a[0] == "connect":
            assert json.loads(result.stdout) == json.loads(expected)
        else:     # the scores of a saved graph are computed again: compare the relations
            assert json.loads(result.stdout)["out"] == json.loads(expected)["out"]
            assert json.loads(result.stdout)["broker"]["rank"] == \
                json.loads(expected)["broker"]["rank"]
    # a name to resolve (pinyin, alias) is resolved on the saved name index
    exact = runner.invoke(main, ["show", "乙公司", "--json", "--store", path]).stdout
    assert runner.invoke(main, ["show", "yigongsi", "--json", "--store", path]).stdout == exact
    result = runner.invoke(main, ["show", "无此实体名", "--store", path])
    assert result.exit_code == 2 and "E501" in result.output


def test_saved_cards_answer_as_the_projection(tmp_path, corpus):
    from kg.analysis.cache import saved_cards
    from kg.analysis.projection import relation_view

    store = open_store(tmp_path / "s", create=True)
    build([corpus], store, extract=fake_extract, progress=False)
    a = analysis(store)
    cards = saved_cards(store)
    assert sorted(cards) == sorted(a.graph.nodes)
    for n in a.graph:
        assert cards.card(n) == card(a.graph, n, cluster_result=a.clusters, broker_rows=a.brokers)
        assert cards.degree(n) == a.graph.degree(n)
        assert cards.nodes[n]["sector"] == a.graph.nodes[n]["sector"]
        for m in a.graph.to_undirected(as_view=True)[n]:
            assert cards.relation_view(n, m) == relation_view(a.graph, n, m)
    build([corpus / "a.txt"], store, extract=fake_extract, progress=False)
    remove(store, "b.txt")
    assert saved_cards(store) is None          # the state changed: nothing saved for it


# --- kg.analysis.cache.entity_card and connection: what `kg show` and `kg connect` call ---------

def test_entity_card_from_the_projection_then_from_the_saved_card(tmp_path, corpus, monkeypatch):
    """Before the analysis is saved, the card is made from the projection
    (computed, saved, and reported through on_load); afterwards it is the
    saved card, without the projection; the two are the same card."""
    from kg.analysis.cache import entity_card

    path = str(tmp_path / "s")
    with open_store(path, create=True) as store:
        build([corpus], store, extract=fake_extract, progress=False)
    loaded = []
    with open_store(path) as store:
        first = entity_card(store, "yigongsi", on_load=loaded.append)   # pinyin, resolved
    assert [(a.computed, a.period) for a in loaded] == [(True, None)]
    a = loaded[0]
    assert first == card(a.graph, "乙公司", cluster_result=a.clusters, broker_rows=a.brokers)

    def fail(*args, **kwargs):
        raise AssertionError("loaded the projection")

    monkeypatch.setattr(kg.analysis.cache, "_read", fail)
    monkeypatch.setattr(kg.analysis.cache, "compute", fail)
    loaded.clear()
    assert entity_card(path, "乙公司", on_load=loaded.append) == first    # a location
    assert entity_card(path, "yigongsi") == first
    assert loaded == []                       # no projection read: nothing to report
    with pytest.raises(KGError) as err:
        entity_card(path, "无此实体名")
    assert err.value.code == "E501" and "无此实体名" in err.value.message


def test_entity_card_of_a_graph_file(tmp_path, corpus):
    """With graph_file the store is not opened (it need not exist) and the
    scores are computed for the file's graph."""
    from kg.analysis.cache import entity_card

    with open_store(tmp_path / "s", create=True) as store:
        build([corpus], store, extract=fake_extract, progress=False)
        G = project(store.entities(), store.relations())
    saved = tmp_path / "g.pickle"
    save_graph(G, saved)
    loaded = []
    c = entity_card(str(tmp_path / "no-store"), "乙公司", graph_file=str(saved),
                    on_load=loaded.append)
    assert json.loads(json.dumps(c, default=list)) == \
        json.loads(json.dumps(card(G, "乙公司"), default=list))
    assert [(a.computed, a.key) for a in loaded] == [(False, "")]
    for bad in (tmp_path / "missing.pickle", corpus / "a.txt"):
        with pytest.raises(KGError) as err:
            entity_card("no-store", "乙公司", graph_file=str(bad))
        assert err.value.code == "E504" and err.value.message.startswith("cannot load the graph")


def test_entity_card_reads_saved_cards_without_networkx(tmp_path, corpus):
    """`kg show`'s speed on a large store: the saved card is read without
    importing networkx (0.2–0.6 s of start-up at 10 000 articles)."""
    import subprocess
    import sys

    path = str(tmp_path / "s")
    with open_store(path, create=True) as store:
        build([corpus], store, extract=fake_extract, progress=False)
        analysis(store)
    code = ("import sys; from kg.analysis.cache import entity_card; "
            f"c = entity_card({path!r}, '乙公司'); "
            "print(c['name'], 'networkx' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["乙公司", "False"]


def test_connection_on_saved_cards_and_on_the_projection(tmp_path, corpus, monkeypatch):
    """connection answers from the projection (computing the analysis) the
    first time, from the saved cards afterwards, and from the projection
    again when it writes a page; the answers are the same."""
    from kg.analysis.cache import connection
    from kg.analysis.paths import connect

    path = str(tmp_path / "s")
    with open_store(path, create=True) as store:
        build([corpus], store, extract=fake_extract, progress=False)
        G = project(store.entities(), store.relations())
    expected = json.loads(json.dumps(connect(G, "张三", "丙政府"), default=list))
    loaded = []
    first = connection(path, "张三", "丙政府", on_load=loaded.append)
    assert [a.computed for a in loaded] == [True]
    assert json.loads(json.dumps(first, default=list)) == expected

    real_read = kg.analysis.cache._read
    reads = []
    monkeypatch.setattr(kg.analysis.cache, "_read", lambda *a, **k: reads.append(a) or real_read(*a, **k))
    loaded.clear()
    with open_store(path) as store:
        saved = connection(store, "zhangsan", "丙政府", on_load=loaded.append)
    assert json.loads(json.dumps(saved, default=list)) == expected
    assert loaded == [] and reads == []       # the saved cards, not the projection

    page = tmp_path / "p.html"
    from kg.web.viewer import write_connect_page

    with_page = connection(path, "张三", "丙政府", on_load=loaded.append,
                           draw=lambda G, answer, **colours: write_connect_page(
                               G, answer, page, **colours))
    assert json.loads(json.dumps(with_page, default=list)) == expected
    assert len(reads) == 1 and [a.computed for a in loaded] == [False]
    assert "丙政府" in page.read_text(encoding="utf-8")

    for x, y, via in (("张三", "无此实体名", None), ("张三", "丙政府", "Nonsense")):
        with pytest.raises(KGError) as err:
            connection(path, x, y, via=via)
        assert err.value.code == "E501"


def test_connection_of_a_graph_file(tmp_path, corpus):
    from kg.analysis.cache import connection
    from kg.analysis.paths import connect

    with open_store(tmp_path / "s", create=True) as store:
        build([corpus], store, extract=fake_extract, progress=False)
        G = project(store.entities(), store.relations())
    saved = tmp_path / "g.pickle"
    save_graph(G, saved)
    answer = connection("no-store", "甲大学", "清远高新区", via="Company", graph_file=str(saved))
    assert json.loads(json.dumps(answer, default=list)) == \
        json.loads(json.dumps(connect(G, "甲大学", "清远高新区", via="Company"), default=list))
    with pytest.raises(KGError) as err:
        connection("no-store", "甲大学", "清远高新区", graph_file=str(tmp_path / "none"))
    assert err.value.code == "E504"
