"""Entity card: everything the graph knows about one entity.

Examples
--------
>>> from kg.graph import project
>>> r = {"subject": "沈人杰", "predicate": "appointedAs",
...      "object": "清远高新区招才引智大使", "subject_type": "Person",
...      "object_type": "Role", "doc": "a.txt", "evidence": "沈人杰获聘"}
>>> c = card(project([], [r]), "shenrenjie")
>>> c["name"], c["type"], c["out"][0]["predicate"], c["out"][0]["evidence"][0]["sentence"]
('沈人杰', 'Person', 'appointedAs', '沈人杰获聘')
"""

from __future__ import annotations

import networkx as nx

from kg.brokerage import bridged_sectors, brokers
from kg.clusters import clusters
from kg.connect import ConnectIndex, resolve

__all__ = ["card"]


def card(G: nx.MultiDiGraph, name: str, *, index: ConnectIndex | None = None,
         cluster_result: dict | None = None, broker_rows: list | None = None) -> dict:
    """The card of the entity ``name`` designates.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection (:func:`kg.graph.project`).
    name : str
        Resolved with :func:`kg.connect.resolve` (canonical name, alias,
        pinyin, part of a name, near miss); raises its errors.
    index : ConnectIndex, optional
        Reused for name resolution.
    cluster_result, broker_rows : optional
        Precomputed :func:`kg.clusters.clusters` and
        :func:`kg.brokerage.brokers` (``top=None, actors_only=False``)
        results, such as the saved ones of :mod:`kg.analysis` (whose rows
        have no ``bridges``: those of this entity are computed here);
        computed here when not given (the whole graph is scored: slow on a
        large graph).

    Returns
    -------
    dict
        ``{"name", "type", "sector", "aliases", "pinyin", "initials",
        "docs", "degree", "out", "in", "cluster", "broker"}``. ``out`` and
        ``in`` list every relation from and to the entity as
        ``{"subject", "predicate", "object", "title", "count",
        "evidence"}``, sorted by predicate then other end. ``cluster`` is
        ``{"id", "label", "size", "dominant_sectors"}`` of its Louvain
        cluster; ``broker`` its scores from :func:`kg.brokerage.brokers`
        plus ``rank`` (1-based, by the triple-helix measure, among all
        entities).
    """
    n = resolve(G, name, index=index)
    data = G.nodes[n]

    def rel(s, o, key, d):
        return {"subject": s, "predicate": key, "object": o,
                "title": d.get("title"), "count": d.get("count", 0),
                "evidence": list(d.get("evidence") or [])}

    out = sorted((rel(n, o, k, d) for _, o, k, d in G.out_edges(n, keys=True, data=True)),
                 key=lambda r: (r["predicate"], r["object"]))
    inn = sorted((rel(s, n, k, d) for s, _, k, d in G.in_edges(n, keys=True, data=True)),
                 key=lambda r: (r["predicate"], r["subject"]))
    if cluster_result is None:
        cluster_result = clusters(G)
    cluster = next(({k: c[k] for k in ("id", "label", "size", "dominant_sectors")}
                    for c in cluster_result["clusters"] if n in c["members"]), None)
    if broker_rows is None:
        broker_rows = brokers(G, top=None, actors_only=False)
    broker = None
    for rank, row in enumerate(broker_rows, 1):
        if row["name"] == n:
            broker = {k: v for k, v in row.items() if k not in ("name", "type", "sector")}
            if "bridges" not in broker:     # rows ranked without them (kg.analysis)
                broker["bridges"] = bridged_sectors(G.to_undirected(as_view=True), n)[:3]
            broker["rank"] = rank
            break
    return {"name": n, "type": data.get("type"), "sector": data.get("sector"),
            "aliases": list(data.get("aliases") or []), "pinyin": data.get("pinyin"),
            "initials": data.get("initials"), "docs": list(data.get("docs") or []),
            "degree": G.degree(n), "out": out, "in": inn,
            "cluster": cluster, "broker": broker}
