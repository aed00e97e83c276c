"""Projection of the knowledge graph onto a networkx graph of entities.

The store holds documents, evidence sentences and literals as well as
entities; the analyses (brokers, clusters, paths) only need the entities and
the relations between them, each relation keeping the sentences that state
it. :func:`project` builds that graph from the plain records of
:mod:`kg.records`; :func:`to_undirected_simple` collapses it for centrality.

Examples
--------
>>> entities = [{"name": "西安交通大学", "type": "University",
...              "aliases": ["西安交大"], "docs": ["a.txt"]}]
>>> relations = [{"doc": "a.txt", "doc_id": "x", "subject": "张彦峰",
...               "predicate": "affiliatedWith", "object": "西安交大",
...               "subject_type": "Person", "object_type": "University",
...               "evidence": "西安交大张彦峰教授", "start": 0, "end": 9,
...               "trigger": "教授", "confidence": 0.9, "title": "教授"}]
>>> G = project(entities, relations)
>>> G.nodes["西安交通大学"]["pinyin"], G.nodes["西安交通大学"]["sector"]
('xianjiaotongdaxue', 'university')
>>> G["张彦峰"]["西安交通大学"]["affiliatedWith"]["count"]
1
"""

from __future__ import annotations

import pickle
import re
from pathlib import Path
from typing import Iterable

import networkx as nx

from kg.records import SECTOR, statement_key

__all__ = [
    "project", "to_undirected_simple", "pinyin_of", "initials_of",
    "load_graph", "save_graph", "relation_view",
]

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def pinyin_of(name: str) -> str:
    """Lowercase toneless pinyin of ``name``, syllables joined, other
    characters kept only if ASCII letters or digits.

    >>> pinyin_of("西安交通大学")
    'xianjiaotongdaxue'
    >>> pinyin_of("华南师范大学（清远）")
    'huananshifandaxueqingyuan'
    """
    from pypinyin import lazy_pinyin

    return _NON_ALNUM.sub("", "".join(lazy_pinyin(name)).lower())


def initials_of(name: str) -> str:
    """First letters of the pinyin syllables of ``name`` (``"xajtdx"``).

    >>> initials_of("西安交通大学")
    'xajtdx'
    """
    from pypinyin import Style, lazy_pinyin

    return _NON_ALNUM.sub(
        "", "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower())


def _evidence_items(relation: dict) -> list[dict]:
    """The evidence dicts of a relation record.

    Relation records carry one sentence in ``evidence`` (a string, with
    ``start``/``end``/``trigger``/``confidence`` beside it); a store may
    instead return a list of evidence dicts (or of strings). All three forms
    are accepted.
    """
    ev = relation.get("evidence")
    base = {
        "doc": relation.get("doc"), "doc_id": relation.get("doc_id"),
        "sentence": None, "start": relation.get("start"),
        "end": relation.get("end"), "trigger": relation.get("trigger"),
        "confidence": relation.get("confidence"),
        "date": relation.get("date"), "date_precision": relation.get("date_precision"),
        "date_source": relation.get("date_source"),
    }
    if isinstance(ev, list):
        items = []
        for item in ev:
            if isinstance(item, dict):
                merged = dict(base)
                merged.update({k: v for k, v in item.items() if v is not None})
                if "sentence" not in item and "evidence" in item:
                    merged["sentence"] = item["evidence"]
                merged.pop("evidence", None)
                items.append(merged)
            else:
                items.append(dict(base, sentence=item))
        return items
    return [dict(base, sentence=ev)]


def project(entities: Iterable[dict], relations: Iterable[dict]) -> nx.MultiDiGraph:
    """Project entity and relation records onto a directed multigraph.

    Parameters
    ----------
    entities : iterable of dict
        Entity records (``name``, ``type``, ``aliases``, ``docs``).
    relations : iterable of dict
        Relation records (``subject``, ``predicate``, ``object``,
        ``subject_type``, ``object_type``, ``doc``, ``doc_id``, ``evidence``,
        ``start``, ``end``, ``trigger``, ``confidence``, ``title``).

    Returns
    -------
    networkx.MultiDiGraph
        One node per entity, keyed by canonical name, with attributes
        ``type``, ``sector`` (:data:`kg.records.SECTOR`, ``"other"`` for an
        unknown type; a Department ``partOf`` parents of a single other
        sector takes that sector, e.g. a company's department is
        ``industry``), ``aliases`` (list), ``pinyin`` (lowercase, toneless,
        joined), ``initials`` (pinyin initials) and ``docs`` (sorted list).
        One edge per (subject, object, predicate), keyed by the predicate,
        with attributes ``predicate``, ``evidence`` (list of dicts
        ``{"doc", "doc_id", "sentence", "start", "end", "trigger",
        "confidence", "date", "date_precision", "date_source"}``,
        duplicates dropped), ``count`` (number of distinct
        evidence items) and ``title`` (distinct titles joined by "；", or
        ``None``).

    Notes
    -----
    Only entities become nodes: no document, evidence or literal nodes.
    A relation end that names an alias of exactly one entity is mapped to
    that entity; an end that names no entity becomes a node with the type
    the relation gives it. Symmetric predicates (:data:`kg.records.SYMMETRIC`)
    are stored once, from the lexicographically smaller name to the larger,
    so "A signsWith B" and "B signsWith A" are one edge. Self-loops are
    dropped.

    Examples
    --------
    >>> G = project([], [{"subject": "乙", "predicate": "signsWith",
    ...                   "object": "甲", "subject_type": "Company",
    ...                   "object_type": "University", "doc": "d",
    ...                   "evidence": "甲乙签约"}])
    >>> list(G.edges(keys=True))
    [('乙', '甲', 'signsWith')]
    >>> G.nodes["甲"]["sector"]
    'university'
    """
    G = nx.MultiDiGraph()
    alias_owner: dict[str, set[str]] = {}
    for ent in entities:
        name = ent["name"]
        if name in G:
            data = G.nodes[name]
            data["aliases"] = sorted(set(data["aliases"]) | set(ent.get("aliases") or []))
            data["docs"] = sorted(set(data["docs"]) | set(ent.get("docs") or []))
        else:
            _add_node(G, name, ent.get("type"), ent.get("aliases") or [],
                      ent.get("docs") or [])
        for alias in ent.get("aliases") or []:
            alias_owner.setdefault(alias, set()).add(name)

    def resolve(name: str, etype: str | None, doc: str | None) -> str:
        if name not in G:
            owners = alias_owner.get(name)
            if owners and len(owners) == 1:
                name = next(iter(owners))
            else:
                _add_node(G, name, etype, [], [])
        if doc and doc not in G.nodes[name]["docs"]:
            G.nodes[name]["docs"] = sorted(set(G.nodes[name]["docs"]) | {doc})
        return name

    for rel in relations:
        pred = rel["predicate"]
        s = resolve(rel["subject"], rel.get("subject_type"), rel.get("doc"))
        o = resolve(rel["object"], rel.get("object_type"), rel.get("doc"))
        if s == o:
            continue
        s, _, o = statement_key(s, pred, o)
        if G.has_edge(s, o, key=pred):
            data = G.edges[s, o, pred]
        else:
            G.add_edge(s, o, key=pred, predicate=pred, evidence=[], count=0,
                       title=None, _seen=set(), _titles=[])
            data = G.edges[s, o, pred]
        for item in _evidence_items(rel):
            ident = (item.get("doc"), item.get("start"), item.get("end"),
                     item.get("sentence"))
            if ident in data["_seen"]:
                continue
            data["_seen"].add(ident)
            data["evidence"].append(item)
        title = rel.get("title")
        if title and title not in data["_titles"]:
            data["_titles"].append(title)
    for _, _, data in G.edges(data=True):
        data["count"] = len(data["evidence"])
        data["title"] = "；".join(data["_titles"]) or None
        del data["_seen"], data["_titles"]
    _department_sectors(G)
    return G


def _department_sectors(G: nx.MultiDiGraph) -> None:
    """A Department is a unit of a university *or of another organisation*
    (annotation guide); give a department that is ``partOf`` exactly one
    sector of non-department parents that sector (a company's department is
    industry, a bureau of a zone is government)."""
    for n, data in G.nodes(data=True):
        if data.get("type") != "Department":
            continue
        parents = {G.nodes[o]["sector"] for _, o, k in G.out_edges(n, keys=True)
                   if k == "partOf" and G.nodes[o].get("type") != "Department"}
        if len(parents) == 1:
            data["sector"] = parents.pop()


def _add_node(G, name, etype, aliases, docs) -> None:
    G.add_node(name, type=etype, sector=SECTOR.get(etype, "other"),
               aliases=sorted(set(aliases)), pinyin=pinyin_of(name),
               initials=initials_of(name), docs=sorted(set(docs)))


def to_undirected_simple(G: nx.MultiDiGraph) -> nx.Graph:
    """Collapse the projection to an undirected simple graph for centrality.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection from :func:`project`.

    Returns
    -------
    networkx.Graph
        Same nodes and node attributes; one edge per pair of entities related
        in either direction, with ``weight`` (sum of the relations' counts,
        at least 1 per relation), ``predicates`` (sorted list) and
        ``relations`` (number of distinct relations collapsed).

    Examples
    --------
    >>> M = nx.MultiDiGraph()
    >>> M.add_edge("a", "b", key="builds", count=2)
    'builds'
    >>> M.add_edge("b", "a", key="partOf", count=1)
    'partOf'
    >>> H = to_undirected_simple(M)
    >>> H["a"]["b"]["weight"], H["a"]["b"]["predicates"]
    (3, ['builds', 'partOf'])
    """
    H = nx.Graph()
    H.add_nodes_from(G.nodes(data=True))
    for u, v, key, data in G.edges(keys=True, data=True):
        if u == v:
            continue
        w = max(1, data.get("count") or 0)
        if H.has_edge(u, v):
            e = H[u][v]
            e["weight"] += w
            e["relations"] += 1
            if key not in e["predicates"]:
                e["predicates"] = sorted(e["predicates"] + [key])
        else:
            H.add_edge(u, v, weight=w, predicates=[key], relations=1)
    return H


def relation_view(G: nx.MultiDiGraph, u: str, v: str) -> list[dict]:
    """Every relation between ``u`` and ``v`` in either direction.

    Returns a list of ``{"subject", "predicate", "object", "title",
    "count", "evidence"}`` sorted by decreasing count, then predicate.
    """
    out = []
    for s, o in ((u, v), (v, u)):
        if G.has_edge(s, o):
            for key, data in G[s][o].items():
                out.append({"subject": s, "predicate": key, "object": o,
                            "title": data.get("title"),
                            "count": data.get("count", 0),
                            "evidence": list(data.get("evidence") or [])})
    out.sort(key=lambda r: (-r["count"], r["predicate"], r["subject"]))
    return out


def save_graph(G: nx.MultiDiGraph, path: str | Path) -> None:
    """Write a projection to ``path`` (pickle) for fast reloading."""
    with open(path, "wb") as handle:
        pickle.dump(G, handle, protocol=pickle.HIGHEST_PROTOCOL)


def load_graph(path: str | Path) -> nx.MultiDiGraph:
    """Read a projection written by :func:`save_graph`.

    Only load files you wrote yourself: pickle runs code on load.
    """
    with open(path, "rb") as handle:
        G = pickle.load(handle)
    if not isinstance(G, nx.MultiDiGraph):
        raise ValueError(f"{path}: not a kg graph projection")
    return G

