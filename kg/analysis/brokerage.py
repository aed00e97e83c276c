"""Brokerage: who stands between universities, industry and government.

One function per measure, over plain networkx graphs:

- :func:`betweenness` — Brandes betweenness, exact below
  :data:`EXACT_BETWEENNESS_MAX_NODES` nodes, sampled above;
- :func:`subset_betweenness` — betweenness restricted to shortest paths
  from one set of nodes (e.g. universities) to another (e.g. companies);
  :func:`subset_betweenness_many` — the same for several target sets from
  one search per source;
- :func:`gould_fernandez` — Gould–Fernandez brokerage role counts over a
  partition (the triple-helix sectors), directed or undirected;
  :func:`gould_fernandez_expected`, :func:`gould_fernandez_sd` and
  :func:`gould_fernandez_z` — their expectation, standard deviation and
  z-score under a random graph of the same density, and
  :func:`gould_fernandez_global` — the same for the whole graph; all equal
  to R's ``sna::brokerage`` (tests/data/sna_brokerage.R);
- :func:`bridged_sectors` — which pairs of sectors a node bridges, with an
  example two-path;
- :func:`constraint` and :func:`effective_size` — Burt's structural-hole
  measures for undirected unweighted graphs (fast equivalents of
  :func:`networkx.constraint` and :func:`networkx.effective_size`);
- :func:`broker_measures` — all of the above for every entity of a
  projection, and :func:`rank_brokers` — those ranked, with the sector
  pairs each bridges; :func:`brokers` — both in one call.

References
----------
.. [1] Gould, R. V. and Fernandez, R. M. (1989). "Structures of Mediation: A
   Formal Approach to Brokerage in Transaction Networks." Sociological
   Methodology 19: 89–126.
.. [2] Burt, R. S. (1992). Structural Holes: The Social Structure of
   Competition. Harvard University Press.
.. [3] Brandes, U. (2001). "A Faster Algorithm for Betweenness Centrality."
   Journal of Mathematical Sociology 25(2): 163–177.
.. [4] Brandes, U. (2008). "On Variants of Shortest-Path Betweenness
   Centrality and their Generic Computation." Social Networks 30(2): 136–145.
.. [6] Borgatti, S. P. (1997). "Structural Holes: Unpacking Burt's
   Redundancy Measures." Connections 20(1): 35–38.
.. [5] Butts, C. T. sna: Tools for Social Network Analysis, R package,
   function ``brokerage`` (documentation of the role definitions).
"""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter, defaultdict
from typing import Callable, Hashable, Iterable, Mapping

import networkx as nx

from kg.analysis.projection import to_undirected_simple

__all__ = [
    "ROLES", "EXACT_BETWEENNESS_MAX_NODES", "BETWEENNESS_SAMPLES",
    "betweenness", "subset_betweenness", "subset_betweenness_many", "gould_fernandez",
    "gould_fernandez_expected", "gould_fernandez_sd", "gould_fernandez_z",
    "gould_fernandez_global", "SNA_COLUMNS", "bridged_sectors", "constraint",
    "effective_size", "broker_measures", "rank_brokers", "brokers",
]

#: Gould–Fernandez roles, in the order R's ``sna::brokerage`` reports them.
ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")

#: The column of ``sna::brokerage`` that holds each role (``t``: total).
SNA_COLUMNS = {"coordinator": "w_I", "itinerant": "w_O", "representative": "b_IO",
               "gatekeeper": "b_OI", "liaison": "b_O", "total": "t"}

#: Exact Brandes betweenness up to this many nodes; above it, ``k``-sampled.
EXACT_BETWEENNESS_MAX_NODES = 5000

#: Number of sampled sources for betweenness above the exact threshold.
BETWEENNESS_SAMPLES = 500

#: Seed of every sampled computation, so results are reproducible.
SEED = 42


def _group_of(groups: Mapping | str, G: nx.Graph) -> Callable[[Hashable], Hashable]:
    if isinstance(groups, str):
        attr = groups
        return lambda n: G.nodes[n].get(attr)
    return groups.__getitem__


def betweenness(G: nx.Graph, *, normalized: bool = True,
                exact_max_nodes: int = EXACT_BETWEENNESS_MAX_NODES,
                samples: int = BETWEENNESS_SAMPLES, seed: int = SEED) -> dict:
    """Shortest-path betweenness centrality, exact or sampled by graph size.

    Parameters
    ----------
    G : networkx.Graph
        Usually the undirected collapse of a projection (relations are not
        flows, so their direction is ignored).
    normalized : bool
        Normalise as :func:`networkx.betweenness_centrality` does.
    exact_max_nodes : int
        Exact computation (Brandes 2001) when ``G`` has at most this many
        nodes (default :data:`EXACT_BETWEENNESS_MAX_NODES` = 5000).
    samples, seed : int
        Above the threshold, ``samples`` pivot sources drawn with ``seed``
        (Brandes & Pich's estimator as implemented by networkx).

    Returns
    -------
    dict
        Node → betweenness.

    Examples
    --------
    >>> round(betweenness(nx.path_graph(3))[1], 3)
    1.0
    """
    if G.number_of_nodes() <= exact_max_nodes:
        return nx.betweenness_centrality(G, normalized=normalized)
    if G.is_directed() or G.is_multigraph():
        return nx.betweenness_centrality(G, k=min(samples, len(G)),
                                         normalized=normalized, seed=seed)
    # the sources networkx would draw, searched all at once (_brandes_batched)
    sources = random.Random(seed).sample(list(G.nodes()), min(samples, len(G)))
    raw = _brandes_batched(G, sources, {"": None})[""]
    return _rescale_sampled(raw, len(G), sources, normalized=normalized)


def _rescale_sampled(raw: dict, n: int, sources: list, *, normalized: bool) -> dict:
    """Scale the sums of shortest-path counts from ``sources`` (an undirected
    graph of ``n`` nodes, endpoints excluded) as networkx ≥ 3.6 scales
    ``betweenness_centrality(G, k=len(sources))``: a sampled source cannot
    lie on its own paths, so it is scaled by one source fewer.  Written here
    because networkx's ``_rescale`` is private (and before 3.6 had no
    ``sampled_nodes``).

    >>> _rescale_sampled({"a": 2.0, "b": 2.0}, 4, ["a", "c"], normalized=True)
    {'a': 1.0, 'b': 0.5}
    """
    N, k = n - 1, len(sources)     # N: the targets a path through v can have
    if N < 2:
        return raw
    if k == n:                     # every node a source: no sampling to correct
        scale = 1 / (N * (N - 1)) if normalized else N / (N * 2)
        if scale != 1:
            for v in raw:
                raw[v] *= scale
        return raw
    if normalized:
        scale_source = 1 / ((k - 1) * (N - 1)) if k > 1 else math.nan
        scale_other = 1 / (k * (N - 1))
    else:
        scale_source = N / ((k - 1) * 2) if k > 1 else math.nan
        scale_other = N / (k * 2)
    sampled = set(sources)
    for v in raw:
        raw[v] *= scale_source if v in sampled else scale_other
    return raw


def subset_betweenness(G: nx.Graph, sources: Iterable, targets: Iterable, *,
                       max_sources: int = BETWEENNESS_SAMPLES,
                       seed: int = SEED) -> dict:
    """Betweenness counted only on shortest paths from ``sources`` to ``targets``.

    For each pair (s, t), s in ``sources`` and t in ``targets``, every node
    strictly inside the shortest s–t paths receives the fraction of those
    paths that pass through it (Brandes 2008, "subset betweenness"), summed
    over pairs without normalisation.

    Parameters
    ----------
    G : networkx.Graph
    sources, targets : iterable of nodes
    max_sources : int
        With more sources than this, ``max_sources`` of them are drawn with
        ``seed`` and the result scaled by ``len(sources) / max_sources``.
    seed : int

    Returns
    -------
    dict
        Node → subset betweenness (0 for nodes on no such path).

    Examples
    --------
    >>> G = nx.path_graph(["uni", "tto", "firm"])
    >>> subset_betweenness(G, ["uni"], ["firm"])["tto"]
    1.0
    """
    return subset_betweenness_many(G, sources, {"": targets}, max_sources=max_sources,
                                   seed=seed)[""]


def subset_betweenness_many(G: nx.Graph, sources: Iterable, targets: Mapping[Hashable, Iterable],
                            *, max_sources: int = BETWEENNESS_SAMPLES,
                            seed: int = SEED) -> dict:
    """:func:`subset_betweenness` from one set of sources to several target
    sets, with one shortest-path search per source.

    Parameters
    ----------
    G : networkx.Graph
    sources : iterable of nodes
    targets : mapping
        Label → iterable of target nodes.
    max_sources, seed : int
        As for :func:`subset_betweenness` (the same sources are drawn).

    Returns
    -------
    dict
        Label → (node → subset betweenness), each equal to
        ``subset_betweenness(G, sources, targets[label])``.

    Notes
    -----
    The search from a source (Brandes' breadth-first stage: the order of
    the nodes, their shortest-path predecessors and path counts) does not
    depend on the targets; only the accumulation does.  Sharing it halves
    the cost of the two triple-helix measures of :func:`brokers`
    (universities → industry, universities → government).

    Examples
    --------
    >>> G = nx.path_graph(["uni", "tto", "firm", "gov"])
    >>> out = subset_betweenness_many(G, ["uni"], {"ind": ["firm"], "gov": ["gov"]})
    >>> out["ind"]["tto"], out["gov"]["firm"]
    (1.0, 1.0)
    """
    from networkx.algorithms.centrality.betweenness import (
        _single_source_shortest_path_basic)

    sources = sorted({s for s in sources if s in G}, key=str)
    target_sets = {label: {t for t in ts if t in G} for label, ts in targets.items()}
    out = {label: dict.fromkeys(G, 0.0) for label in target_sets}
    live = {label: ts for label, ts in target_sets.items() if ts}
    if not sources or not live:
        return out
    scale = 1.0
    if len(sources) > max_sources:
        scale = len(sources) / max_sources
        sources = random.Random(seed).sample(sources, max_sources)
    if len(G) > EXACT_BETWEENNESS_MAX_NODES and not (G.is_directed() or G.is_multigraph()):
        found = _brandes_batched(G, sources, live)
        for label, b in found.items():
            out[label] = b
    else:
        for s in sources:
            S, P, sigma, _ = _single_source_shortest_path_basic(G, s)
            for label, ts in live.items():
                _accumulate_subset(out[label], S, P, sigma, s, ts)
    # networkx halves undirected subset betweenness (it assumes each pair
    # is met from both ends); a source set and a disjoint target set meet
    # each pair once, so the sums here are not halved.
    return {label: {n: v * scale for n, v in b.items()} for label, b in out.items()}


#: Sources searched together by :func:`_brandes_batched` (one matrix column each).
BATCH = 64


def _brandes_batched(G: nx.Graph, sources: list, targets: Mapping) -> dict:
    """Brandes' dependencies of ``sources``, summed, for each target set.

    The breadth-first searches and the accumulation of Brandes (2001,
    2008) run level by level for :data:`BATCH` sources at once, as sparse
    matrix products (scipy): the path counts of a level are the adjacency
    matrix times those of the level before, and a node's dependency the
    adjacency matrix times the next level's.  The sums are those of
    networkx's search per source (up to rounding), some thirty times
    faster: the sampled searches of a 10 000-article projection took ten
    minutes.

    Parameters
    ----------
    G : networkx.Graph
        Undirected, unweighted.
    sources : list of nodes
    targets : mapping
        Label → set of target nodes, or ``None`` for every node (plain
        betweenness).

    Returns
    -------
    dict
        Label → (node → summed dependency, the sources' own excluded),
        unscaled.

    Examples
    --------
    >>> G = nx.path_graph(["uni", "tto", "firm", "gov"])
    >>> out = _brandes_batched(G, ["uni"], {"ind": {"firm"}, "all": None})
    >>> out["ind"]["tto"], out["all"]["tto"], out["all"]["firm"]
    (1.0, 2.0, 1.0)
    """
    import numpy as np
    import scipy.sparse as sp

    nodes = list(G)
    where = {n: i for i, n in enumerate(nodes)}
    n = len(nodes)
    rows = [where[u] for u, v in G.edges() if u != v]
    cols = [where[v] for u, v in G.edges() if u != v]
    A = sp.csr_matrix((np.ones(2 * len(rows)), (rows + cols, cols + rows)), shape=(n, n))
    A.sum_duplicates()
    A.data[:] = 1.0
    wanted = {label: None if ts is None else np.isin(np.arange(n), [where[t] for t in ts])
              for label, ts in targets.items()}
    totals = {label: np.zeros(n) for label in targets}
    idx = [where[s] for s in sources]
    for start in range(0, len(idx), BATCH):
        batch = np.array(idx[start:start + BATCH])
        k = len(batch)
        cols_k = np.arange(k)
        dist = np.full((n, k), -1, dtype=np.int32)
        sigma = np.zeros((n, k))
        dist[batch, cols_k] = 0
        sigma[batch, cols_k] = 1.0
        frontier = sigma.copy()
        level = 0
        while True:
            reached = A @ frontier
            new = (dist < 0) & (reached > 0)
            if not new.any():
                break
            level += 1
            dist[new] = level
            sigma[new] = reached[new]
            frontier = np.where(new, reached, 0.0)
        safe = np.where(sigma > 0, sigma, 1.0)
        for label, mask in wanted.items():
            delta = np.zeros((n, k))
            gain = np.ones((n, 1)) if mask is None else mask[:, None].astype(float)
            for d in range(level, 0, -1):
                at = dist == d
                share = np.where(at, (gain + delta) / safe, 0.0)
                delta += np.where(dist == d - 1, sigma * (A @ share), 0.0)
            delta[batch, cols_k] = 0.0                  # a source's own dependency
            totals[label] += delta.sum(axis=1)
    return {label: dict(zip(nodes, b.tolist())) for label, b in totals.items()}


def _accumulate_subset(b: dict, S: list, P: dict, sigma: dict, s, targets: set) -> None:
    """Add the dependencies of source ``s`` on ``targets`` to ``b`` (Brandes
    2008, as ``networkx``'s subset betweenness does; ``S`` is left intact)."""
    delta = dict.fromkeys(S, 0.0)
    for w in reversed(S):
        coeff = ((delta[w] + 1.0) if (w in targets and w != s) else delta[w]) / sigma[w]
        for v in P[w]:
            delta[v] += sigma[v] * coeff
        if w != s:
            b[w] += delta[w]


def gould_fernandez(G: nx.Graph, groups: Mapping | str) -> dict:
    """Gould–Fernandez brokerage role counts of every node.

    A node b *brokers* the ordered pair (a, c) when a → b, b → c, a ≠ c and
    there is no tie a → c (a tie c → a does not matter), following the
    definition of ``sna::brokerage`` [5]_ and Gould & Fernandez (1989) [1]_.
    With g(·) the group of a node, the two-path a → b → c is a

    ===============  ====================  =====================
    role             groups                sna name
    ===============  ====================  =====================
    coordinator      g(a) = g(b) = g(c)    w_I
    itinerant        g(a) = g(c) ≠ g(b)    w_O (consultant)
    representative   g(a) = g(b) ≠ g(c)    b_IO
    gatekeeper       g(b) = g(c) ≠ g(a)    b_OI
    liaison          all three different   b_O
    ===============  ====================  =====================

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
        Multigraphs are collapsed (parallel edges are one tie); self-loops
        are ignored. An undirected graph is read as the directed graph with
        both arcs for every edge, exactly as ``sna::brokerage`` reads a
        symmetric adjacency matrix: every unordered pair {a, c} brokered by
        b is then counted twice, once as (a, c) and once as (c, a). So in
        the undirected case coordinator, itinerant and liaison counts are
        twice the number of unordered pairs, and representative equals
        gatekeeper (each mixed pair counts once in each).
    groups : mapping or str
        Node → group, or the name of a node attribute holding the group
        (e.g. ``"sector"``).

    Returns
    -------
    dict
        Node → ``{"coordinator", "itinerant", "gatekeeper",
        "representative", "liaison", "total"}`` integer counts.

    Examples
    --------
    >>> D = nx.DiGraph([("uni", "tto"), ("tto", "firm")])
    >>> g = {"uni": "university", "tto": "intermediary", "firm": "industry"}
    >>> gould_fernandez(D, g)["tto"]["liaison"]
    1
    >>> gould_fernandez(D.to_undirected(), g)["tto"]["liaison"]
    2

    References
    ----------
    .. [1] Gould, R. V. and Fernandez, R. M. (1989). Sociological
       Methodology 19: 89–126.
    .. [5] Butts, C. T., R package sna, ``brokerage``.
    """
    group = _group_of(groups, G)
    directed = G.is_directed()
    if not directed:
        return _gould_fernandez_undirected(G, group)
    succ = {n: set(G.successors(n)) - {n} for n in G}
    pred = {n: set(G.predecessors(n)) - {n} for n in G}
    result = {}
    for b in G:
        counts = dict.fromkeys(ROLES, 0)
        gb = group(b)
        outs = [(c, group(c)) for c in succ[b]]
        for a in pred[b]:
            ga = group(a)
            tied = succ[a]
            for c, gc in outs:
                if c == a or c in tied:
                    continue
                if ga == gb:
                    counts["coordinator" if gc == gb else "representative"] += 1
                elif gc == gb:
                    counts["gatekeeper"] += 1
                elif gc == ga:
                    counts["itinerant"] += 1
                else:
                    counts["liaison"] += 1
        counts["total"] = sum(counts[r] for r in ROLES)
        result[b] = counts
    return result


def _gould_fernandez_undirected(G: nx.Graph, group: Callable) -> dict:
    """:func:`gould_fernandez` of an undirected graph, by counting.

    Every ordered pair of b's neighbours (a, c), a ≠ c, is brokered unless a
    and c are tied, so the count of a pair of groups is the product of the
    numbers of b's neighbours in them, less the ordered pairs of tied
    neighbours (found by one set intersection per neighbour, in C).  The
    pair-by-pair loop costs the square of each degree: some 10⁸ steps for
    the hubs of a 10 000-article projection, minutes where this takes
    seconds; the counts are the same.
    """
    nbrs = {n: set(G[n]) - {n} for n in G}
    of = {n: group(n) for n in G}
    result = {}
    for b, nb in nbrs.items():
        gb = of[b]
        sizes = Counter(of[a] for a in nb)
        tied = Counter()
        for a in nb:
            ga = of[a]
            for c in nbrs[a] & nb:
                tied[ga, of[c]] += 1
        counts = dict.fromkeys(ROLES, 0)
        for ga, na in sizes.items():
            for gc, nc in sizes.items():
                pairs = na * nc - (na if ga == gc else 0) - tied[ga, gc]
                if not pairs:
                    continue
                if ga == gb:
                    counts["coordinator" if gc == gb else "representative"] += pairs
                elif gc == gb:
                    counts["gatekeeper"] += pairs
                elif gc == ga:
                    counts["itinerant"] += pairs
                else:
                    counts["liaison"] += pairs
        counts["total"] = sum(counts[r] for r in ROLES)
        result[b] = counts
    return result


def _density(G: nx.Graph) -> float:
    """Share of the N(N − 1) ordered pairs joined by an arc, self-loops aside.

    An undirected edge is two arcs, as in a symmetric adjacency matrix.
    """
    N = G.number_of_nodes()
    if N < 2:
        return 0.0
    if G.is_directed():
        arcs = sum(1 for u, v in nx.DiGraph(G).edges() if u != v)
    else:
        arcs = 2 * sum(1 for u, v in nx.Graph(G).edges() if u != v)
    return arcs / (N * (N - 1))


def _group_moments(sizes: Mapping, N: int, d: float) -> dict:
    """Expectation and variance of each role count of a broker, by its group.

    The formulas of ``sna::brokerage`` (Butts), after Gould & Fernandez
    (1989): ``{group: {role: (expectation, variance)}}``.
    """
    p = d * d * (1 - d)
    q = d ** 3 * (1 - d) ** 3
    out = {}
    for g, n in sizes.items():
        others = [m for h, m in sizes.items() if h != g]
        pairs = {
            "coordinator": (n - 1) * (n - 2),
            "itinerant": sum(m * (m - 1) for m in others),
            "representative": (N - n) * (n - 1),
            "gatekeeper": (N - n) * (n - 1),
            "liaison": sum(others) ** 2 - sum(m * m for m in others),
            "total": (N - 1) * (N - 2),
        }
        extra = {
            "coordinator": 2 * (n - 1) * (n - 2) * (n - 3),
            "itinerant": 2 * sum(m * (m - 1) * (m - 2) for m in others),
            "representative": 2 * ((n - 1) * _choose2(N - n) + (N - n) * _choose2(n - 1)),
            "liaison": 4 * sum(m * _choose2(N - m - n) for m in others),
            "total": 2 * (N - 1) * (N - 2) * (N - 3),
        }
        extra["gatekeeper"] = extra["representative"]
        out[g] = {r: (p * pairs[r], p * pairs[r] * (1 - p) + extra[r] * q)
                  for r in ROLES + ("total",)}
    return out


def _choose2(x: float) -> float:
    return x * (x - 1) / 2


def _sd(variance: float) -> float:
    return math.sqrt(variance) if variance >= 0 else math.nan


def _z(raw: float, expected: float, sd: float) -> float:
    """(raw − expected) / sd with IEEE semantics: 0/0 is NaN, x/0 is ±inf."""
    diff = raw - expected
    if sd == 0 or math.isnan(sd):
        return math.nan if diff == 0 or math.isnan(sd) else math.copysign(math.inf, diff)
    return diff / sd


def gould_fernandez_expected(G: nx.Graph, groups: Mapping | str, *,
                             density: float | None = None) -> dict:
    """Expected Gould–Fernandez counts under a random graph of equal density.

    Under the null model in which every arc is present independently with
    probability d (the density of ``G`` unless ``density`` is given), an
    ordered pair (a, c) of two other nodes is brokered by b with probability
    d²(1 − d) (a → b and b → c present, a → c absent). The expectation of a
    role count is that probability times the number of ordered pairs whose
    groups fit the role. With N nodes, n_b the size of b's group and
    S = Σ n_k(n_k − 1) over the other groups::

        coordinator     (n_b − 1)(n_b − 2)
        itinerant       S
        gatekeeper      (N − n_b)(n_b − 1)
        representative  (n_b − 1)(N − n_b)
        liaison         (N − n_b)(N − n_b − 1) − S
        total           (N − 1)(N − 2)

    each multiplied by d²(1 − d). The density counts arcs between distinct
    nodes over N(N − 1); an undirected edge is two arcs, as ``sna`` reads a
    symmetric matrix. These equal ``sna::brokerage``'s ``exp.nli``
    (checked against sna 2.7-1 in the tests).

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
    groups : mapping or str
    density : float, optional

    Returns
    -------
    dict
        Node → expected counts (floats), same keys as :func:`gould_fernandez`.

    Examples
    --------
    >>> D = nx.DiGraph([(0, 1), (1, 2)])
    >>> e = gould_fernandez_expected(D, {0: "a", 1: "a", 2: "b"}, density=0.5)
    >>> e[1]["representative"], e[1]["total"]
    (0.125, 0.25)
    """
    group = _group_of(groups, G)
    d = _density(G) if density is None else density
    moments = _group_moments(Counter(group(n) for n in G), G.number_of_nodes(), d)
    return {b: {r: m[0] for r, m in moments[group(b)].items()} for b in G}


def gould_fernandez_sd(G: nx.Graph, groups: Mapping | str, *,
                       density: float | None = None) -> dict:
    """Standard deviation of each Gould–Fernandez count under the null model.

    The variance of a role count under independent arcs of probability d:
    the binomial term E(1 − d²(1 − d)) plus the covariance of two-paths that
    share an arc, as derived by Gould & Fernandez (1989) and computed by
    ``sna::brokerage`` (``sd.nli``). With q = d³(1 − d)³, n_b the size of
    b's group, N the number of nodes and m_k the sizes of the other groups,
    the covariance terms are::

        coordinator     2 (n_b − 1)(n_b − 2)(n_b − 3) q
        itinerant       2 Σ m_k (m_k − 1)(m_k − 2) q
        gatekeeper,
        representative  2 [(n_b − 1) C(N − n_b, 2) + (N − n_b) C(n_b − 1, 2)] q
        liaison         4 Σ m_k C(N − m_k − n_b, 2) q
        total           2 (N − 1)(N − 2)(N − 3) q

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
    groups : mapping or str
    density : float, optional
        Default: the density of ``G`` (see :func:`gould_fernandez_expected`).

    Returns
    -------
    dict
        Node → standard deviations, same keys as :func:`gould_fernandez`.

    Examples
    --------
    >>> D = nx.DiGraph([(0, 1), (1, 2), (2, 3)])
    >>> sd = gould_fernandez_sd(D, dict.fromkeys(range(4), "a"), density=0.5)
    >>> round(sd[0]["coordinator"], 4)   # sqrt(6·0.125·0.875 + 12·0.125²)
    0.9186
    """
    group = _group_of(groups, G)
    d = _density(G) if density is None else density
    moments = _group_moments(Counter(group(n) for n in G), G.number_of_nodes(), d)
    return {b: {r: _sd(m[1]) for r, m in moments[group(b)].items()} for b in G}


def gould_fernandez_z(G: nx.Graph, groups: Mapping | str, *, raw: Mapping | None = None
                      ) -> dict:
    """Standardised Gould–Fernandez scores: (observed − expected) / sd.

    A z-score well above 0 marks a node that brokers between those groups
    more than a random graph of the same density would make it. Where the
    standard deviation is 0 (a role no pair can fill, e.g. coordinator in
    a group of two) the score is NaN, as in ``sna::brokerage``'s
    ``z.nli``. Gould & Fernandez warn that normality of these scores is an
    approximation.

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
    groups : mapping or str
    raw : mapping, optional
        :func:`gould_fernandez` of ``G`` and ``groups`` if already counted
        (:func:`broker_measures` has them).

    Returns
    -------
    dict
        Node → z-scores (floats, possibly NaN), same keys as
        :func:`gould_fernandez`.

    Examples
    --------
    >>> G = nx.Graph([("uni", "tto"), ("tto", "firm"), ("firm", "bank")])
    >>> g = {"uni": "u", "tto": "i", "firm": "c", "bank": "c"}
    >>> z = gould_fernandez_z(G, g)
    >>> z["tto"]["liaison"] > 0, math.isnan(z["uni"]["coordinator"])
    (True, True)
    """
    raw = gould_fernandez(G, groups) if raw is None else raw
    group = _group_of(groups, G)
    moments = _group_moments(Counter(group(n) for n in G), G.number_of_nodes(),
                             _density(G))
    return {b: {r: _z(raw[b][r], e, _sd(v)) for r, (e, v) in moments[group(b)].items()}
            for b in G}


def gould_fernandez_global(G: nx.Graph, groups: Mapping | str, *,
                           density: float | None = None) -> dict:
    """Graph-level Gould–Fernandez brokerage: observed, expected, sd and z.

    The observed count of a role is its sum over all nodes; the expectation
    and variance under independent arcs of the graph's density are those of
    Gould & Fernandez (1989) as computed by ``sna::brokerage``
    (``raw.gli``, ``exp.gli``, ``sd.gli``, ``z.gli``). A positive z says
    the network as a whole has more brokerage of that kind than chance.

    The expectations are exact. Of the variances, those of itinerant and
    liaison are exact too, but sna's (and so these) representative,
    gatekeeper and total variances are approximations: on four nodes in
    groups (A, A, B, C) at d = 0.3, exhaustive enumeration gives an sd of
    0.507 for representative where the formula gives 0.523 (1.490 and 1.552
    for total). They are kept so that results agree with sna.

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
    groups : mapping or str
    density : float, optional
        Default: the density of ``G`` (see :func:`gould_fernandez_expected`).

    Returns
    -------
    dict
        ``{"raw": {role: int}, "expected": {role: float},
        "sd": {role: float}, "z": {role: float}}`` with the roles of
        :data:`ROLES` and ``"total"``.

    Examples
    --------
    >>> D = nx.DiGraph([(0, 1), (1, 2)])
    >>> gould_fernandez_global(D, {0: "a", 1: "a", 2: "b"})["raw"]["representative"]
    1
    """
    group = _group_of(groups, G)
    raw_nodes = gould_fernandez(G, groups)
    raw = {r: sum(c[r] for c in raw_nodes.values()) for r in ROLES + ("total",)}
    ns = [float(v) for v in Counter(group(n) for n in G).values()]
    N = float(G.number_of_nodes())
    d = _density(G) if density is None else density
    p = d * d * (1 - d)
    q3 = d ** 3 * (1 - d) ** 3
    q4 = d ** 4 * (1 - d) ** 2
    q5 = d ** 5 * (1 - d)
    E, V = {}, {}
    E["coordinator"] = p * sum(n * (n - 1) * (n - 2) for n in ns)
    V["coordinator"] = E["coordinator"] * (1 - p) + sum(
        n * (n - 1) * (n - 2) * ((4 * n - 10) * q3 - 4 * (n - 3) * q4 + (n - 3) * q5)
        for n in ns)
    E["itinerant"] = p * sum(n * (N - n) * (n - 1) for n in ns)
    V["itinerant"] = E["itinerant"] * (1 - p) + sum(
        x * y * (x - 1) * ((2 * x + 2 * y - 6) * q3 + (N - x - 1) * q5)
        for x in ns for y in ns) - sum(
        x * x * (x - 1) * ((4 * x - 6) * q3 + (N - x - 1) * q5) for x in ns)
    E["representative"] = E["gatekeeper"] = p * sum(n * (N - n) * (n - 1) for n in ns)
    V["representative"] = V["gatekeeper"] = E["gatekeeper"] * (1 - p) + sum(
        n * (N - n) * (n - 1) * ((N - 3) * q3 + (n - 2) * q5) for n in ns)
    E["liaison"] = p * (sum(x * y * (N - x - y) for x in ns for y in ns)
                        - sum(n * n * (N - 2 * n) for n in ns))
    V["liaison"] = E["liaison"] * (1 - p)
    for i, j, k in itertools.permutations(range(len(ns)), 3):
        a, b, c = ns[i], ns[j], ns[k]
        V["liaison"] += a * b * c * ((4 * (N - b) - 2 * (a + c + 1)) * q3
                                     - (4 * (N - c) - 2 * (a + b + 1)) * q4
                                     + (N - (a + c + 1)) * q5)
    E["total"] = p * N * (N - 1) * (N - 2)
    V["total"] = E["total"] * (1 - p) + N * (N - 1) * (N - 2) * (
        (4 * N - 10) * q3 - 4 * (N - 3) * q4 + (N - 3) * q5)
    sd = {r: _sd(V[r]) for r in V}
    return {"raw": raw, "expected": {r: E[r] for r in raw}, "sd": {r: sd[r] for r in raw},
            "z": {r: _z(raw[r], E[r], sd[r]) for r in raw}}


def bridged_sectors(G: nx.Graph, node, groups: Mapping | str = "sector") -> list[dict]:
    """Pairs of groups that ``node`` bridges in an undirected graph.

    Every unordered pair {a, c} of neighbours of ``node`` that are not
    adjacent to each other is a two-path a – node – c that only ``node``
    closes. Pairs are grouped by their unordered pair of groups.

    Returns
    -------
    list of dict
        ``{"sectors": [g1, g2], "pairs": count, "example": [a, node, c]}``
        sorted by decreasing count; the example is the lexicographically
        first pair, so output is reproducible.

    Examples
    --------
    >>> G = nx.Graph([("uni", "tto"), ("tto", "park")])
    >>> g = {"uni": "university", "tto": "intermediary", "park": "government"}
    >>> bridged_sectors(G, "tto", g)
    [{'sectors': ['government', 'university'], 'pairs': 1, 'example': ['park', 'tto', 'uni']}]
    """
    group = _group_of(groups, G)
    nbrs = sorted((n for n in G.neighbors(node) if n != node), key=str)
    where = {n: i for i, n in enumerate(nbrs)}
    sector = [str(group(n)) for n in nbrs]
    # ties among the neighbours: the pairs the node does *not* bridge (cost:
    # the neighbours' degrees, not the square of the node's)
    later = [set() for _ in nbrs]
    for i, a in enumerate(nbrs):
        for c in where.keys() & set(G[a]):      # in C: a hub's neighbours are thousands
            j = where[c]
            if j > i:
                later[i].add(j)
    sizes = Counter(sector)
    closed = Counter()
    for i, js in enumerate(later):
        for j in js:
            closed[tuple(sorted((sector[i], sector[j])))] += 1
    out = []
    for g1, g2 in itertools.combinations_with_replacement(sorted(sizes), 2):
        pairs = (sizes[g1] * (sizes[g1] - 1) // 2 if g1 == g2 else sizes[g1] * sizes[g2])
        pairs -= closed[(g1, g2)]
        if pairs > 0:
            out.append({"sectors": [g1, g2], "pairs": pairs,
                        "example": _first_open_pair(nbrs, sector, later, (g1, g2), node)})
    out.sort(key=lambda r: (-r["pairs"], r["sectors"]))
    return out


def _first_open_pair(nbrs, sector, later, key, node) -> list:
    """The first pair (a, c), a before c in ``nbrs``, of sectors ``key`` and
    not tied to each other, as ``[a, node, c]``."""
    for i, a in enumerate(nbrs):
        if sector[i] not in key:
            continue
        want = key[1] if sector[i] == key[0] else key[0]
        for j in range(i + 1, len(nbrs)):
            if sector[j] == want and j not in later[i]:
                return [a, node, nbrs[j]]
    return []


def effective_size(G: nx.Graph) -> dict:
    """Burt's effective size of every node of an undirected unweighted graph.

    With n the degree of v and t the number of ties among v's neighbours,
    the effective size is ``n - 2 t / n`` (Borgatti 1997's simplification of
    Burt 1992); ``None`` for isolates. Equal to
    :func:`networkx.effective_size` (which is much slower: one ego graph per
    node).

    Examples
    --------
    >>> effective_size(nx.star_graph(3))[0], effective_size(nx.complete_graph(3))[0]
    (3.0, 1.0)
    """
    nbr = {v: set(G[v]) - {v} for v in G}     # once, not once per neighbour
    out = {}
    for v, nbrs in nbr.items():
        n = len(nbrs)
        if n == 0:
            out[v] = None
            continue
        ties = sum(len(nbrs & nbr[u]) for u in nbrs) / 2
        out[v] = n - 2 * ties / n
    return out


def constraint(G: nx.Graph) -> dict:
    """Burt's (1992) constraint of every node of an undirected unweighted graph.

    With p_ij = 1 / deg(i) the share of i's ties going to j,
    ``c(i) = Σ_j (p_ij + Σ_q p_iq p_qj)²`` over neighbours j of i and
    neighbours q of both; ``None`` for isolates. Low constraint: the node's
    contacts are not tied to each other (it spans structural holes). Equal
    to :func:`networkx.constraint` on unweighted graphs.

    Examples
    --------
    >>> constraint(nx.star_graph(3))[0]
    0.3333333333333333
    """
    nbr = {v: set(G[v]) - {v} for v in G}
    out = {}
    for i, ni in nbr.items():
        if not ni:
            out[i] = None
            continue
        pi = 1 / len(ni)
        total = 0.0
        for j in ni:
            indirect = sum(pi / len(nbr[q]) for q in ni & nbr[j])
            total += (pi + indirect) ** 2
        out[i] = total
    return out


#: Sector pairs whose subset betweenness :func:`brokers` reports.
SUBSET_PAIRS = {
    "university_industry": ("university", ("industry",)),
    "university_government": ("university", ("government",)),
}


#: Sectors of entities that are not actors (listed by :func:`brokers` only
#: with ``actors_only=False``; they still carry paths in every measure).
NON_ACTOR_SECTORS = frozenset({"event", "role", "project"})


def broker_measures(G: nx.Graph) -> list[dict]:
    """Every broker measure of every entity of a projection, unranked.

    Parameters
    ----------
    G : networkx graph
        A projection (:func:`kg.analysis.projection.project`); measured on its undirected
        simple collapse (:func:`kg.analysis.projection.to_undirected_simple`).

    Returns
    -------
    list of dict
        One row per entity, in the graph's node order, with the keys
        :func:`brokers` documents except ``bridges``.

    Notes
    -----
    This is the costly part of :func:`brokers` (sampled betweenness, one
    shortest-path search per university); :mod:`kg.analysis.cache` computes it
    once per store state and :func:`rank_brokers` ranks the saved rows.

    Examples
    --------
    >>> rows = broker_measures(nx.path_graph(["甲", "乙", "丙"]))
    >>> [(r["name"], r["betweenness"]) for r in rows]
    [('甲', 0.0), ('乙', 1.0), ('丙', 0.0)]
    """
    H = to_undirected_simple(G) if G.is_multigraph() or G.is_directed() else G
    by_sector: dict[str, list] = defaultdict(list)
    for n, s in H.nodes(data="sector"):
        by_sector[s].append(n)
    bc = betweenness(H)
    subset = subset_betweenness_many(
        H, by_sector.get("university", ()),
        {label: [n for s in dst for n in by_sector.get(s, ())]
         for label, (_, dst) in SUBSET_PAIRS.items()})
    gf = gould_fernandez(H, "sector")
    gfz = gould_fernandez_z(H, "sector", raw=gf)
    eff = effective_size(H)
    con = constraint(H)
    rows = []
    for n, data in H.nodes(data=True):
        ui = subset["university_industry"][n]
        ug = subset["university_government"][n]
        rows.append({
            "name": n, "type": data.get("type"), "sector": data.get("sector"),
            "degree": H.degree(n), "betweenness": bc[n],
            "university_industry": ui, "university_government": ug,
            "triple_helix": ui + ug,
            "constraint": con[n], "effective_size": eff[n],
            "gould_fernandez": gf[n],
            "gould_fernandez_z": {r: None if math.isnan(z) else z
                                  for r, z in gfz[n].items()},
        })
    return rows


def rank_brokers(rows: list[dict], G: nx.Graph, *, top: int | None = 20,
                 sort: str = "triple_helix", bridges: int = 3,
                 actors_only: bool = True) -> list[dict]:
    """Rank rows of :func:`broker_measures` and add the sectors each bridges.

    Parameters
    ----------
    rows : list of dict
        From :func:`broker_measures` (not modified).
    G : networkx graph
        The graph they were measured on (for :func:`bridged_sectors` of the
        ranked rows only).
    top, sort, bridges, actors_only :
        As for :func:`brokers`.

    Returns
    -------
    list of dict
        As :func:`brokers`.

    Examples
    --------
    >>> G = nx.path_graph(["甲", "乙", "丙"])
    >>> [r["name"] for r in rank_brokers(broker_measures(G), G, sort="betweenness", top=1)]
    ['乙']
    """
    roles = ROLES + ("total",)
    if (sort not in roles and not (sort.endswith("_z") and sort[:-2] in roles)
            and rows and sort not in rows[0]):
        raise ValueError(f"unknown broker measure {sort!r}")

    def key(r):
        if sort in roles:
            v = r["gould_fernandez"][sort]
        elif sort.endswith("_z") and sort[:-2] in roles:
            v = r["gould_fernandez_z"][sort[:-2]]
        else:
            v = r[sort]
        return (-(v or 0), -r["betweenness"], str(r["name"]))

    ranked = [r for r in rows
              if not (actors_only and r.get("sector") in NON_ACTOR_SECTORS)]
    ranked.sort(key=key)
    if top is not None:
        ranked = ranked[:top]
    if not bridges:
        return [dict(r) for r in ranked]
    U = G.to_undirected(as_view=True) if G.is_directed() else G
    return [dict(r, bridges=bridged_sectors(U, r["name"], "sector")[:bridges])
            for r in ranked]


def brokers(G: nx.MultiDiGraph, *, top: int | None = 20,
            sort: str = "triple_helix", bridges: int = 3,
            actors_only: bool = True) -> list[dict]:
    """Rank the entities of a projection as brokers.

    All measures are computed on the undirected simple collapse of ``G``
    (:func:`kg.analysis.projection.to_undirected_simple`): a relation such as "A partOf B"
    or "P affiliatedWith O" links the two ends whichever way it is stated.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection (:func:`kg.analysis.projection.project`).
    top : int or None
        How many brokers to return (None: all).
    sort : str
        Measure to rank by: ``"triple_helix"`` (default: subset betweenness
        from universities to industry and government, summed),
        ``"university_industry"``, ``"university_government"``,
        ``"betweenness"``, ``"effective_size"``, ``"liaison"`` or any other
        Gould–Fernandez role, or a role's z-score (``"liaison_z"``). Ties
        are broken by betweenness, then name.
    bridges : int
        How many bridged sector pairs to list per broker (0: no ``bridges``
        key at all, and no time spent on it).
    actors_only : bool
        List only actors: leave out events, roles and projects
        (:data:`NON_ACTOR_SECTORS`). Measures are computed on the whole
        graph either way.

    Returns
    -------
    list of dict
        One dict per entity: ``name``, ``type``, ``sector``, ``degree``,
        ``betweenness`` (normalised), ``university_industry``,
        ``university_government``, ``triple_helix`` (unnormalised subset
        betweenness), ``constraint`` (Burt 1992; ``None`` for isolates),
        ``effective_size``, ``gould_fernandez`` (role counts over the
        sector partition, undirected), ``gould_fernandez_z`` (their
        z-scores against a random graph of equal density, ``None`` where
        no pair of the graph could fill the role), ``bridges`` (from
        :func:`bridged_sectors`).

    Examples
    --------
    >>> from kg.analysis.projection import project
    >>> rels = [{"subject": "大学", "predicate": "builds", "object": "分中心",
    ...          "subject_type": "University", "object_type": "Platform"},
    ...         {"subject": "分中心", "predicate": "locatedIn", "object": "高新区",
    ...          "subject_type": "Platform", "object_type": "Park"}]
    >>> brokers(project([], rels), top=1)[0]["name"]
    '分中心'
    """
    return rank_brokers(broker_measures(G), G, top=top, sort=sort, bridges=bridges,
                        actors_only=actors_only)
