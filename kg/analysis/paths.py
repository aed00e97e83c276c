"""Who connects X and Y: name resolution and evidence-backed paths.

:func:`resolve` finds an entity from what a user types (canonical name,
alias, pinyin, pinyin initials, a part of the name, or a near miss);
:func:`connect` lists the shortest simple paths between two entities with,
for every hop, the relation and the sentences that state it, and ranks the
intermediaries by how many of those paths pass through them.

Hubs
----
A few nodes (a city, a high-tech zone every article mentions, a large fair)
are tied to almost everything; left alone, every answer would be the
trivial "X – hub – Y". Two measures keep answers informative:

1. *Hard exclusion*: a node whose degree (in the undirected collapse) is
   above ``max(HUB_MIN_DEGREE, the HUB_QUANTILE quantile of all degrees)``
   is never an intermediary (it can still be X or Y). With the defaults
   (50, 0.99) that is the top 1 % of nodes, and never a node with 50 ties or
   fewer, so small graphs keep all their nodes. ``hub_degree`` overrides
   the threshold; ``--via TYPE`` readmits hubs of that type.
2. *Soft penalty*: the cost of a path is its number of hops plus
   ``log(degree)`` of every intermediary (edge cost
   ``1 + (log deg u + log deg v) / 2``), so among paths of similar length
   the one through specific actors (a person, a team, a branch) beats the
   one through a busy event or park.

Documents are never nodes of the projection (:func:`kg.analysis.projection.project`), so
they cannot be hubs.

References
----------
.. [1] Yen, J. Y. (1971). "Finding the K Shortest Loopless Paths in a
   Network." Management Science 17(11): 712–716 (via
   :func:`networkx.shortest_simple_paths`).
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice

import networkx as nx

from kg.analysis.projection import pinyin_of, relation_view, to_undirected_simple
from kg.messages import DetailError
from kg.records import ENTITY_TYPES, SECTOR

__all__ = [
    "HUB_MIN_DEGREE", "HUB_QUANTILE", "NameResolutionError", "UnknownName",
    "AmbiguousName", "ConnectIndex", "build_index", "resolve", "search", "connect",
]

HUB_MIN_DEGREE = 50
HUB_QUANTILE = 0.99
DEFAULT_MAX_HOPS = 5
DEFAULT_PATHS = 3
#: Yen's algorithm yields paths by cost; at most this many candidates per
#: requested path are examined for the hop and --via filters.
CANDIDATES_PER_PATH = 30
FUZZY_CUTOFF = 0.6

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


class NameResolutionError(DetailError, LookupError):
    """A name that matches no entity, or several (E501). ``suggestions``
    lists candidate canonical names, best first."""

    code = "E501"

    def __init__(self, message: str, query: str, suggestions: list[str]):
        super().__init__(message)
        self.query = query
        self.suggestions = suggestions

    def __reduce__(self):
        return (type(self), (self.message, self.query, self.suggestions))


class UnknownName(NameResolutionError):
    """No entity matches."""


class AmbiguousName(NameResolutionError):
    """Several entities match equally well."""


def _norm(text: str) -> str:
    """NFKC (full-width → half-width), casefolded, whitespace removed."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass
class ConnectIndex:
    """Everything :func:`connect` precomputes once per graph.

    Build it with :func:`build_index` and pass it to :func:`resolve` and
    :func:`connect` to answer many queries on one graph quickly.
    """

    graph: nx.MultiDiGraph
    search: nx.Graph
    hubs: set
    hub_degree: float
    names: dict = field(default_factory=dict)     # normalised name → {names}
    aliases: dict = field(default_factory=dict)   # normalised alias → {names}
    pinyin: dict = field(default_factory=dict)    # pinyin or initials → {names}
    keys: list = field(default_factory=list)      # (normalised key, name) for fuzzy


def build_index(G: nx.MultiDiGraph, *, hub_degree: float | None = None) -> ConnectIndex:
    """Precompute the name lookup and the weighted search graph of ``G``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection (:func:`kg.analysis.projection.project`).
    hub_degree : float, optional
        Nodes of higher degree are hubs (see the module docstring); default
        ``max(HUB_MIN_DEGREE, HUB_QUANTILE quantile of degrees)``.

    Returns
    -------
    ConnectIndex
    """
    H = to_undirected_simple(G)
    deg = dict(H.degree())
    if hub_degree is None:
        values = sorted(deg.values())
        q = values[min(len(values) - 1, int(HUB_QUANTILE * len(values)))] if values else 0
        hub_degree = max(HUB_MIN_DEGREE, q)
    logdeg = {n: math.log(max(1, d)) for n, d in deg.items()}
    # the search graph holds the costs only (no attributes): it is saved
    # with the analysis and read by every `kg connect`
    S = nx.Graph()
    S.add_nodes_from(H)
    S.add_edges_from((u, v, {"cost": 1.0 + (logdeg[u] + logdeg[v]) / 2})
                     for u, v in H.edges())
    index = ConnectIndex(graph=G, search=S, hub_degree=hub_degree,
                         hubs={n for n, d in deg.items() if d > hub_degree})
    for n, data in G.nodes(data=True):
        index.names.setdefault(_norm(n), set()).add(n)
        index.keys.append((_norm(n), n))
        for alias in data.get("aliases") or ():
            index.aliases.setdefault(_norm(alias), set()).add(n)
            index.keys.append((_norm(alias), n))
            # the pinyin of an alias finds the entity too (xi an jiao da: 西安交大)
            index.pinyin.setdefault(pinyin_of(alias), set()).add(n)
        for key in (data.get("pinyin"), data.get("initials")):
            if key:
                index.pinyin.setdefault(key, set()).add(n)
    return index


def _rank(G, names) -> list[str]:
    """Candidates ordered by degree (better-known first), then name."""
    return sorted(set(names), key=lambda n: (-G.degree(n), len(n), n))


class Guess(str):
    """A name :func:`resolve` found only by fuzzy matching: the closest
    entity, not one the query names.  It is the name (a ``str``), and
    ``query`` is what was asked, so that every interface can say it guessed.

    >>> g = Guess("浙江大学", "浙江大雪")
    >>> g == "浙江大学", g.query
    (True, '浙江大雪')
    """

    def __new__(cls, name: str, query: str):
        made = super().__new__(cls, name)
        made.query = query
        return made

    def __reduce__(self):
        return (Guess, (str(self), self.query))


def guessed(card: dict, name: str) -> dict:
    """``card`` with ``guessed_from`` (the query) when ``name`` is a :class:`Guess`.

    >>> guessed({"name": "浙江大学"}, Guess("浙江大学", "浙江大雪"))
    {'name': '浙江大学', 'guessed_from': '浙江大雪'}
    """
    if isinstance(name, Guess):
        return dict(card, guessed_from=name.query)
    return card


def resolve(G: nx.MultiDiGraph, query: str, *, index: ConnectIndex | None = None,
            suggestions: int = 5) -> str:
    """The canonical name of the entity ``query`` designates.

    Tried in order, the first step that matches deciding:

    1. the canonical name, exactly;
    2. the canonical name or an alias after normalisation (full-width and
       half-width forms, case and spaces ignored);
    3. the pinyin (``xianjiaotongdaxue``) or the pinyin initials
       (``xajtdx``), for a query of ASCII letters;
    4. names and aliases containing the query (at least 2 characters);
    5. a fuzzy match (:func:`difflib.get_close_matches` on names, aliases
       and, for ASCII queries, pinyin), accepted only when one entity is
       clearly best; the name is then a :class:`Guess`, so that the
       interfaces say the closest match was shown.

    A step matching several entities raises :class:`AmbiguousName`;
    nothing matching raises :class:`UnknownName`. Both carry
    ``suggestions`` and say them in their message.

    Examples
    --------
    >>> from kg.analysis.projection import project
    >>> G = project([{"name": "西安交通大学", "type": "University",
    ...               "aliases": ["西安交大"], "docs": []}], [])
    >>> resolve(G, "西安交大"), resolve(G, "xajtdx"), resolve(G, "西安交通大")
    ('西安交通大学', '西安交通大学', '西安交通大学')
    """
    if query in G:
        return query
    index = index or build_index(G)
    q = _norm(query)
    if not q:
        raise UnknownName("empty name", query, [])

    def decide(found, how):
        found = _rank(G, found)
        if len(found) == 1:
            return found[0]
        shown = found[:suggestions]
        raise AmbiguousName(
            f"{query!r} {how} {len(found)} entities: " + ", ".join(shown)
            + (" …" if len(found) > len(shown) else "")
            + "; give the full name", query, shown)

    exact = index.names.get(q, set()) | index.aliases.get(q, set())
    if not exact:
        # a name typed in Traditional characters (陝西理工大學) is looked up
        # in Simplified, as the store keeps names
        from kg.extraction.cleaning import to_simplified

        simple = _norm(to_simplified(query))
        if simple != q:
            q = simple
            exact = index.names.get(q, set()) | index.aliases.get(q, set())
    if exact:
        return decide(exact, "names")
    ascii_query = q.isascii()
    if ascii_query:
        key = _NON_ALNUM.sub("", q)
        if key in index.pinyin:
            return decide(index.pinyin[key], "is the pinyin of")
    if len(q) >= 2:
        contains = {n for k, n in index.keys if q in k}
        if ascii_query:
            contains |= {n for k, ns in index.pinyin.items() if q in k for n in ns}
        if contains:
            return decide(contains, "is part of the names of")
    pool = [k for k, _ in index.keys]
    owners: dict[str, set] = {}
    for k, n in index.keys:
        owners.setdefault(k, set()).add(n)
    if ascii_query:
        pool += list(index.pinyin)
        for k, ns in index.pinyin.items():
            owners.setdefault(k, set()).update(ns)
    close = difflib.get_close_matches(q, pool, n=20, cutoff=FUZZY_CUTOFF)
    scored: dict[str, float] = {}
    for k in close:
        r = difflib.SequenceMatcher(None, q, k).ratio()
        for n in owners[k]:
            scored[n] = max(scored.get(n, 0.0), r)
    ranked = sorted(scored, key=lambda n: (-scored[n], -G.degree(n), n))
    if ranked and scored[ranked[0]] >= 0.75 and (
            len(ranked) == 1 or scored[ranked[0]] - scored[ranked[1]] >= 0.1):
        return Guess(ranked[0], query)
    shown = ranked[:suggestions]
    if shown:
        raise AmbiguousName(f"{query!r} is not an entity; did you mean: "
                            + ", ".join(shown) + "?", query, shown)
    raise UnknownName(f"{query!r} matches no entity (tried names, aliases, "
                      "pinyin and fuzzy matching)", query, [])


def search(G: nx.MultiDiGraph, query: str, *, index: ConnectIndex | None = None,
           limit: int = 10) -> list[dict]:
    """The entities ``query`` may designate, best first: for a search box.

    The steps of :func:`resolve` (name, alias, Traditional characters,
    pinyin or its initials, part of a name or of a pinyin, near miss), but
    every match is kept instead of one being chosen: exact matches first,
    then entities whose name, alias or pinyin starts with the query, then
    those that contain it; near misses only when nothing else matches;
    within each, better-known entities (higher degree) first.

    Returns
    -------
    list of dict
        ``{"name", "type", "sector", "aliases", "degree", "match"}`` where
        ``match`` says how it was found (``"name"``, ``"alias"``,
        ``"pinyin"``, ``"prefix"``, ``"part"``, ``"fuzzy"``).

    Examples
    --------
    >>> from kg.analysis.projection import project
    >>> G = project([{"name": "西安交通大学", "type": "University",
    ...               "aliases": ["西安交大"], "docs": []},
    ...              {"name": "西安市政府", "type": "Government", "docs": []}], [])
    >>> [(r["name"], r["match"]) for r in search(G, "西安交大")]
    [('西安交通大学', 'alias')]
    >>> [r["name"] for r in search(G, "xian")]
    ['西安市政府', '西安交通大学']
    """
    index = index or build_index(G)
    q = _norm(query)
    if not q or limit < 1:
        return []
    found: dict[str, tuple] = {}

    def add(names, rank, how):
        for n in names:
            if n not in found or found[n][0] > rank:
                found[n] = (rank, how)

    from kg.extraction.cleaning import to_simplified

    keys = {q, _norm(to_simplified(query))}
    for k in keys:
        add(index.names.get(k, ()), 0, "name")
        add(index.aliases.get(k, ()), 1, "alias")
    ascii_query = q.isascii()
    if ascii_query:
        key = _NON_ALNUM.sub("", q)
        add(index.pinyin.get(key, ()), 2, "pinyin")
        if key:
            for k, ns in index.pinyin.items():
                if k.startswith(key):
                    add(ns, 3, "prefix")
                elif len(key) >= 2 and key in k:
                    add(ns, 4, "part")
    for k, n in index.keys:
        for typed in keys:
            if k.startswith(typed):
                add((n,), 3, "prefix")
            elif len(typed) >= 2 and typed in k:
                add((n,), 4, "part")
    if not found:         # a typo: near misses (difflib over every key: the slow step)
        pool = {}
        for k, n in index.keys:
            pool.setdefault(k, set()).add(n)
        for k in difflib.get_close_matches(q, list(pool), n=limit, cutoff=FUZZY_CUTOFF):
            add(pool[k], 5, "fuzzy")
    ranked = sorted(found, key=lambda n: (found[n][0], -G.degree(n), len(n), n))[:limit]
    out = []
    for n in ranked:
        data = G.nodes[n]
        out.append({"name": n, "type": data.get("type"), "sector": data.get("sector"),
                    "aliases": list(data.get("aliases") or []), "degree": G.degree(n),
                    "match": found[n][1]})
    return out


def _via_matches(G, via: str | None):
    """Predicate on nodes for ``--via``: an entity type or a sector name."""
    if via is None:
        return None
    types = {t.casefold(): t for t in ENTITY_TYPES}
    sectors = set(SECTOR.values())
    v = via.casefold()
    if v in types:
        t = types[v]
        return lambda n: G.nodes[n].get("type") == t
    if v in sectors:
        return lambda n: G.nodes[n].get("sector") == v
    raise ValueError(f"unknown --via {via!r}: give an entity type "
                     f"({', '.join(ENTITY_TYPES)}) or a sector "
                     f"({', '.join(sorted(sectors))})")


def _ball(S, start, cutoff, blocked, limit=None) -> dict:
    """Hop distances from ``start`` up to ``cutoff``, never entering
    ``blocked``. With ``limit`` (hop distances from the other end), a node v
    reached at distance d is kept (and expanded) only if
    ``d + limit[v] <= cutoff``: it lies on a path of at most ``cutoff`` hops.
    """
    dist = {start: 0}
    frontier = [start]
    for d in range(1, cutoff + 1):
        nxt = []
        for u in frontier:
            for v in S[u]:
                if v in dist or v in blocked:
                    continue
                if limit is not None and (v not in limit or d + limit[v] > cutoff):
                    continue
                dist[v] = d
                nxt.append(v)
        frontier = nxt
        if not frontier:
            break
    return dist


def connect(G: nx.MultiDiGraph, source: str, target: str, *,
            max_hops: int = DEFAULT_MAX_HOPS, paths: int = DEFAULT_PATHS,
            via: str | None = None, index: ConnectIndex | None = None,
            relations=None) -> dict:
    """How ``source`` and ``target`` are connected, with evidence.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection (:func:`kg.analysis.projection.project`).
    source, target : str
        What the user typed; resolved with :func:`resolve` (raises
        :class:`NameResolutionError` subclasses).
    max_hops : int
        Longest path considered, in relations.
    paths : int
        How many paths (K) to return.
    via : str, optional
        Keep only paths with an intermediary of this entity type (e.g.
        ``"Person"``) or sector (e.g. ``"intermediary"``); hubs of that
        type are then allowed as intermediaries.
    index : ConnectIndex, optional
        From :func:`build_index`, to reuse across queries.
    relations : callable, optional
        ``relations(u, v)``: what :func:`kg.analysis.projection.relation_view` gives on
        ``G``.  With it and ``index``, ``G`` need only answer ``n in G``,
        ``G.degree(n)`` and ``G.nodes[n]`` (type, sector): the saved cards
        of :class:`kg.analysis.cache.SavedCards` do, so ``kg connect`` runs
        without loading the projection.

    Returns
    -------
    dict
        ``{"source", "target", "paths", "intermediaries", "hub_degree",
        "excluded_hubs"}``. ``paths`` is a list, cheapest first, of
        ``{"nodes": [...], "length": hops, "cost": float, "hops": [...]}``
        and each hop is ``{"subject", "predicate", "object", "title",
        "count", "evidence": [{"doc", "doc_id", "sentence", ...}], "also":
        [other relations between the same two entities]}``, stated in the
        relation's own direction (which may run against the path).
        ``intermediaries`` is a list of ``(name, number of paths)``, most
        frequent first. ``excluded_hubs`` lists the hubs kept out (highest
        degree first, at most 10).

    Notes
    -----
    Paths are undirected simple paths over relation edges, enumerated by
    increasing cost with Yen's algorithm on the subgraph of nodes that lie
    on some path of at most ``max_hops`` hops (found by two bounded
    breadth-first searches). Cost and hub handling are described in the
    module docstring.

    Examples
    --------
    >>> from kg.analysis.projection import project
    >>> r = lambda s, p, o: {"subject": s, "predicate": p, "object": o,
    ...     "subject_type": "Person", "object_type": "Organization",
    ...     "doc": "d.txt", "evidence": s + p + o}
    >>> G = project([], [r("甲", "affiliatedWith", "协会"),
    ...                  r("乙", "affiliatedWith", "协会")])
    >>> out = connect(G, "甲", "乙")
    >>> out["paths"][0]["nodes"], out["intermediaries"]
    (['甲', '协会', '乙'], [('协会', 1)])
    >>> out["paths"][0]["hops"][1]["evidence"][0]["sentence"]
    '乙affiliatedWith协会'
    """
    if max_hops < 1 or paths < 1:
        raise ValueError("max_hops and paths must be at least 1")
    index = index or build_index(G)
    s = resolve(G, source, index=index)
    t = resolve(G, target, index=index)
    want = _via_matches(G, via)
    S = index.search
    blocked = set(index.hubs)
    if want is not None:
        blocked = {n for n in blocked if not want(n)}
    blocked -= {s, t}
    result = {"source": s, "target": t, "paths": [], "intermediaries": [],
              "hub_degree": index.hub_degree,
              "excluded_hubs": sorted(blocked, key=lambda n: (-S.degree(n), n))[:10]}
    if s == t:
        result["paths"] = [{"nodes": [s], "length": 0, "cost": 0.0, "hops": []}]
        return result
    # nodes on some path of at most max_hops hops: d(s, v) + d(v, t) <= max_hops
    dt = _ball(S, t, max_hops - 1, blocked)
    ds = _ball(S, s, max_hops, blocked, limit=dt)
    if t not in ds:
        return result
    keep = set(ds)
    sub = S.subgraph(keep)
    found = []
    candidates = nx.shortest_simple_paths(sub, s, t, weight="cost")
    for p in islice(candidates, CANDIDATES_PER_PATH * paths):
        if len(p) - 1 > max_hops:
            continue
        if want is not None and not any(want(n) for n in p[1:-1]):
            continue
        found.append(p)
        if len(found) == paths:
            break
    through = Counter()
    for p in found:
        cost = sum(S[u][v]["cost"] for u, v in zip(p, p[1:]))
        hops = []
        for u, v in zip(p, p[1:]):
            rels = relations(u, v) if relations is not None else relation_view(G, u, v)
            first = dict(rels[0])
            first["also"] = [{k: r[k] for k in ("subject", "predicate", "object")}
                             for r in rels[1:]]
            hops.append(first)
        result["paths"].append({"nodes": p, "length": len(p) - 1,
                                "cost": round(cost, 3), "hops": hops})
        through.update(p[1:-1])
    result["intermediaries"] = sorted(through.items(), key=lambda kv: (-kv[1], kv[0]))
    return result
