"""Entity card: everything the graph knows about one entity.

Examples
--------
>>> from kg.analysis.projection import project
>>> r = {"subject": "周明远", "predicate": "appointedAs",
...      "object": "清远高新区招才引智大使", "subject_type": "Person",
...      "object_type": "Role", "doc": "a.txt", "evidence": "周明远获聘"}
>>> c = card(project([], [r]), "zhoumingyuan")
>>> c["name"], c["type"], c["out"][0]["predicate"], c["out"][0]["evidence"][0]["sentence"]
('周明远', 'Person', 'appointedAs', '周明远获聘')
"""

from __future__ import annotations

import networkx as nx

from kg.analysis.brokerage import bridged_sectors, brokers
from kg.analysis.clusters import clusters
from kg.analysis.paths import ConnectIndex, guessed, resolve

__all__ = ["card", "cards"]


def card(G: nx.MultiDiGraph, name: str, *, index: ConnectIndex | None = None,
         cluster_result: dict | None = None, broker_rows: list | None = None) -> dict:
    """The card of the entity ``name`` designates.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection (:func:`kg.analysis.projection.project`).
    name : str
        Resolved with :func:`kg.analysis.paths.resolve` (canonical name, alias,
        pinyin, part of a name, near miss); raises its errors.
    index : ConnectIndex, optional
        Reused for name resolution.
    cluster_result, broker_rows : optional
        Precomputed :func:`kg.analysis.clusters.clusters` and
        :func:`kg.analysis.brokerage.brokers` (``top=None, actors_only=False``)
        results, such as the saved ones of :mod:`kg.analysis.cache` (whose rows
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
        cluster; ``broker`` its scores from :func:`kg.analysis.brokerage.brokers`
        plus ``rank`` (1-based, by the triple-helix measure, among all
        entities).
    """
    n = resolve(G, name, index=index)
    if cluster_result is None:
        cluster_result = clusters(G)
    cluster = next((_cluster_summary(c) for c in cluster_result["clusters"]
                    if n in c["members"]), None)
    if broker_rows is None:
        broker_rows = brokers(G, top=None, actors_only=False)
    broker = next((_broker(row, rank, G.to_undirected(as_view=True))
                   for rank, row in enumerate(broker_rows, 1) if row["name"] == n), None)
    return guessed(_card(G, n, cluster, broker, list), n)


def cards(G: nx.MultiDiGraph, *, cluster_result: dict, broker_rows: list):
    """Every entity's card, as :func:`card` gives it, for saving.

    :mod:`kg.analysis.cache` saves them with the scores, so ``kg show`` reads one
    card instead of loading the whole projection.  Each relation's
    ``evidence`` is left as the graph holds it (a saved projection's lazy
    lists stay lazy); ``list()`` makes it :func:`card`'s.

    Yields
    ------
    (name, card)
        In the graph's node order.

    Examples
    --------
    >>> from kg.analysis.projection import project
    >>> r = {"subject": "周明远", "predicate": "appointedAs", "object": "大使",
    ...      "subject_type": "Person", "object_type": "Role", "doc": "a.txt"}
    >>> G = project([], [r])
    >>> rows = brokers(G, top=None, actors_only=False, bridges=0)
    >>> saved = dict(cards(G, cluster_result=clusters(G), broker_rows=rows))
    >>> saved["周明远"]["out"][0]["object"]
    '大使'
    >>> saved["大使"] == card(G, "大使", cluster_result=clusters(G), broker_rows=rows)
    True
    """
    from kg.analysis.projection import to_undirected_simple

    member = {m: _cluster_summary(c) for c in cluster_result["clusters"] for m in c["members"]}
    H = to_undirected_simple(G)
    rank = {row["name"]: (i, row) for i, row in enumerate(broker_rows, 1)}
    for n in G:
        found = rank.get(n)
        broker = _broker(found[1], found[0], H) if found else None
        yield n, _card(G, n, member.get(n), broker, lambda ev: ev if ev is not None else [])


def _cluster_summary(c: dict) -> dict:
    return {k: c[k] for k in ("id", "label", "size", "dominant_sectors")}


def _broker(row: dict, rank: int, U) -> dict:
    """A broker row as a card shows it: its rank, and the sectors it
    bridges (computed here for rows ranked without them, as
    :mod:`kg.analysis.cache` saves them), on the undirected graph ``U``."""
    broker = {k: v for k, v in row.items() if k not in ("name", "type", "sector")}
    if "bridges" not in broker:
        broker["bridges"] = bridged_sectors(U, row["name"])[:3]
    broker["rank"] = rank
    return broker


def _card(G, n, cluster, broker, evidence) -> dict:
    data = G.nodes[n]

    def rel(s, o, key, d):
        return {"subject": s, "predicate": key, "object": o,
                "title": d.get("title"), "count": d.get("count", 0),
                "evidence": evidence(d.get("evidence"))}

    out = sorted((rel(n, o, k, d) for _, o, k, d in G.out_edges(n, keys=True, data=True)),
                 key=lambda r: (r["predicate"], r["object"]))
    inn = sorted((rel(s, n, k, d) for s, _, k, d in G.in_edges(n, keys=True, data=True)),
                 key=lambda r: (r["predicate"], r["subject"]))
    return {"name": n, "type": data.get("type"), "sector": data.get("sector"),
            "aliases": list(data.get("aliases") or []), "pinyin": data.get("pinyin"),
            "initials": data.get("initials"), "docs": list(data.get("docs") or []),
            "degree": G.degree(n), "out": out, "in": inn,
            "cluster": cluster, "broker": broker}
