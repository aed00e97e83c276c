"""Clusters of collaborating actors (community detection).

:func:`communities` partitions the undirected collapse of a projection with
Louvain (networkx, seeded) or Leiden (a networkx backend if one is
installed, otherwise the ``leidenalg`` package); :func:`clusters` describes
each part so a reader recognises it: its most central members, dominant
sectors, size, and internal and external edge counts.

References
----------
.. [1] Blondel, V. D., Guillaume, J.-L., Lambiotte, R. and Lefebvre, E.
   (2008). "Fast unfolding of communities in large networks." Journal of
   Statistical Mechanics: Theory and Experiment P10008.
.. [2] Traag, V. A., Waltman, L. and van Eck, N. J. (2019). "From Louvain to
   Leiden: guaranteeing well-connected communities." Scientific Reports 9:
   5233.
"""

from __future__ import annotations

from collections import Counter

import networkx as nx

from kg.analysis.projection import to_undirected_simple
from kg.messages import DetailError

__all__ = ["METHODS", "SEED", "ClusterBackendError", "communities",
           "clusters", "membership"]

#: Community detection methods :func:`communities` knows.
METHODS = ("louvain", "leiden")

#: Default seed: the same graph always gives the same clusters.
SEED = 42


class ClusterBackendError(DetailError, RuntimeError):
    """The requested method needs a package that is not installed (E503)."""

    code = "E503"


def _as_simple(G: nx.Graph) -> nx.Graph:
    if G.is_directed() or G.is_multigraph():
        return to_undirected_simple(G)
    return G


def _leiden(H: nx.Graph, weight: str | None, resolution: float, seed: int) -> list[set]:
    try:
        return [set(c) for c in nx.community.leiden_communities(
            H, weight=weight, resolution=resolution, seed=seed)]
    except NotImplementedError:
        pass                                   # no networkx backend installed
    try:
        import igraph
        import leidenalg
    except ImportError:
        raise ClusterBackendError(
            "Leiden needs a networkx backend that implements it or the "
            "'leidenalg' package (pip install leidenalg); use --method louvain"
        ) from None
    nodes = list(H)
    index = {n: i for i, n in enumerate(nodes)}
    g = igraph.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in H.edges()])
    weights = ([d.get(weight, 1) for _, _, d in H.edges(data=True)]
               if weight else None)
    part = leidenalg.find_partition(
        g, leidenalg.RBConfigurationVertexPartition, weights=weights,
        resolution_parameter=resolution, seed=seed, n_iterations=-1)
    return [{nodes[i] for i in members} for members in part]


def communities(G: nx.Graph, method: str = "louvain", *, seed: int = SEED,
                resolution: float = 1.0, weight: str | None = "weight") -> list[set]:
    """Partition the graph into communities.

    Parameters
    ----------
    G : networkx graph
        A projection (collapsed with :func:`kg.analysis.projection.to_undirected_simple`)
        or an undirected simple graph.
    method : {"louvain", "leiden"}
        Louvain (Blondel et al. 2008) via
        :func:`networkx.community.louvain_communities`; Leiden (Traag et al.
        2019) via :func:`networkx.community.leiden_communities` when a
        networkx backend implements it, else ``leidenalg`` with the
        modularity (RB configuration) quality function. Raises
        :class:`ClusterBackendError` if neither is installed.
    seed : int
        Random seed; the same graph and seed give the same partition.
    resolution : float
        Modularity resolution (higher: smaller clusters).
    weight : str or None
        Edge weight attribute (the collapse's ``weight`` is the number of
        evidence sentences), or None for unweighted.

    Returns
    -------
    list of set
        The communities, largest first (ties by smallest member name).

    Examples
    --------
    >>> G = nx.barbell_graph(4, 0)
    >>> [sorted(c) for c in communities(G)]
    [[0, 1, 2, 3], [4, 5, 6, 7]]
    """
    if method not in METHODS:
        raise ValueError(f"unknown clustering method {method!r}; choose from {', '.join(METHODS)}")
    H = _as_simple(G)
    if H.number_of_nodes() == 0:
        return []
    if method == "louvain":
        parts = nx.community.louvain_communities(H, weight=weight, resolution=resolution, seed=seed)
    else:
        parts = _leiden(H, weight, resolution, seed)
    parts = [set(p) for p in parts if p]
    parts.sort(key=lambda c: (-len(c), min(map(str, c))))
    return parts


def membership(parts: list) -> dict:
    """Node → index of its community in ``parts`` (a list of sets, or the
    ``clusters`` list of :func:`clusters`).

    >>> membership([{"a", "b"}, {"c"}])["c"]
    1
    """
    out = {}
    for i, part in enumerate(parts):
        for n in (part["members"] if isinstance(part, dict) else part):
            out[n] = i
    return out


def clusters(G: nx.Graph, method: str = "louvain", *, seed: int = SEED,
             resolution: float = 1.0, label_size: int = 3,
             min_size: int = 1) -> dict:
    """Communities of a projection, each described for a reader.

    Parameters
    ----------
    G : networkx graph
        A projection (:func:`kg.analysis.projection.project`) or an undirected graph
        whose nodes may carry ``sector`` and ``type``.
    method, seed, resolution :
        As for :func:`communities`.
    label_size : int
        How many central members name the cluster.
    min_size : int
        Leave out clusters smaller than this (isolated pairs and singletons
        are usually noise).

    Returns
    -------
    dict
        ``{"method", "seed", "resolution", "modularity", "clusters"}``;
        ``clusters`` is a list, largest first, of ``{"id", "label",
        "size", "members", "central", "sectors", "dominant_sectors",
        "internal_edges", "external_edges"}``. ``members`` are sorted by
        weighted degree inside the cluster (most central first), ``central``
        is the first ``label_size`` of them and ``label`` joins them with
        " / ". ``sectors`` is a list of ``[sector, count]`` by decreasing
        count; ``dominant_sectors`` those holding at least a quarter of the
        members (always at least the first). Edge counts are of the simple
        undirected collapse: ``internal_edges`` within the cluster,
        ``external_edges`` leaving it. ``modularity`` is of the whole
        partition (before ``min_size`` filtering).

    Examples
    --------
    >>> G = nx.barbell_graph(4, 0)
    >>> out = clusters(G)
    >>> [(c["size"], c["internal_edges"], c["external_edges"]) for c in out["clusters"]]
    [(4, 6, 1), (4, 6, 1)]
    """
    H = _as_simple(G)
    parts = communities(H, method, seed=seed, resolution=resolution)
    q = nx.community.modularity(H, parts, weight="weight") if H.number_of_edges() else 0.0
    where = membership(parts)
    out = []
    for i, part in enumerate(parts):
        if len(part) < min_size:
            continue
        strength = Counter()
        internal = external = 0
        for u in part:
            for v, d in H[u].items():
                if v == u:
                    continue
                if where[v] == i:
                    strength[u] += d.get("weight", 1)
                    if str(u) < str(v):
                        internal += 1
                else:
                    external += 1
        members = sorted(part, key=lambda n: (-strength[n], -H.degree(n), str(n)))
        sectors = Counter(H.nodes[n].get("sector", "other") for n in part)
        ranked = sorted(sectors.items(), key=lambda kv: (-kv[1], kv[0]))
        dominant = [s for s, c in ranked if c * 4 >= len(part)] or [ranked[0][0]]
        central = members[:label_size]
        out.append({
            "id": i, "label": " / ".join(map(str, central)), "size": len(part),
            "members": members, "central": central,
            "sectors": [list(kv) for kv in ranked], "dominant_sectors": dominant,
            "internal_edges": internal, "external_edges": external,
        })
    return {"method": method, "seed": seed, "resolution": resolution,
            "modularity": q, "clusters": out}
