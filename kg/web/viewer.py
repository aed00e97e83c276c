"""Interactive HTML view of the knowledge graph: one self-contained file.

People would rather look than read. :func:`write_view` turns a projection
(:func:`kg.analysis.projection.project`: a ``networkx.MultiDiGraph`` whose nodes carry
``type``, ``sector``, ``aliases``, ``pinyin``, ``docs`` and whose edges,
keyed by predicate, carry ``evidence`` and ``count``) into a single HTML page
that opens offline and can be mailed around:

* nodes coloured by sector, shaped by type, sized by broker score, laid out
  grouped by cluster; edges labelled by predicate;
* hovering a node or an edge shows its type, aliases and the evidence
  sentences with their documents;
* a search box finds a node by name, alias or pinyin and focuses it;
* a legend, and check boxes filtering by type, predicate and cluster.

:func:`write_connect_page` draws the answer of ``kg connect`` the same way,
with the paths highlighted and the rest faded.

The page makes no network request: vis-network (copied from pyvis into
``kg/web/viewer_assets/``), the style sheet and the viewer script are inlined,
and a Content-Security-Policy forbids every fetch. All graph text travels as
one JSON block with ``<``, ``>`` and ``&`` escaped, and the viewer script
only inserts it with ``textContent``: hostile names show as text.

Layout: positions are always computed here (:func:`layout_positions`:
grouped by cluster, disconnected pieces packed in rows) and physics is off,
so the page is usable at once and every entity stays where it was put;
above :data:`LAYOUT_THRESHOLD` nodes edges are also drawn straight and hidden
while dragging or zooming, to keep it smooth; above :data:`MAX_NODES`
:func:`write_view` raises :class:`ViewTooLarge`,
whose message says how to narrow the view (``--around``, ``--cluster``,
``--min-degree``).

Example
-------
>>> import networkx as nx, tempfile, os
>>> G = nx.MultiDiGraph()
>>> G.add_node("西安交通大学", type="University", sector="university",
...            aliases=["西安交大"], pinyin="xianjiaotongdaxue", docs=["a.txt"])
>>> G.add_node("华为", type="Company", sector="industry", aliases=[],
...            pinyin="huawei", docs=["a.txt"])
>>> _ = G.add_edge("西安交通大学", "华为", key="signsWith", predicate="signsWith",
...                count=1, evidence=[{"doc": "a.txt", "sentence": "西安交大与华为签约"}])
>>> path = os.path.join(tempfile.mkdtemp(), "graph.html")
>>> _ = write_view(G, path, score={"西安交通大学": 0.5})
>>> "西安交通大学" in open(path, encoding="utf-8").read()
True
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

import networkx as nx

from kg.analysis.paths import resolve
from kg.messages import DetailError, KGError
from kg.records import SECTOR, SYMMETRIC

__all__ = [
    "LAYOUT_THRESHOLD", "MAX_NODES", "ViewTooLarge",
    "select_view", "layout_positions",
    "check_size", "page_data", "connect_page_data", "path_positions", "ring_positions",
    "render_html", "write_view", "write_connect_page",
]

#: Above this many nodes edges are straight and hidden while dragging/zooming.
LAYOUT_THRESHOLD = 300
#: Above this many nodes no page is written: narrow the view first.
MAX_NODES = 5000
#: Evidence sentences kept per edge (the count shows how many there are).
MAX_EVIDENCE = 5
#: Evidence sentences shown in a node's tooltip (taken from its relations).
MAX_NODE_EVIDENCE = 3
#: Document names kept per node.
MAX_DOCS = 10
#: Entities labelled at every zoom: the most central ones (broker score,
#: else number of relations), their labels drawn at a readable size even
#: when the overview is zoomed out too far for the others'.
CENTRAL_LABELS = 25

ASSETS = Path(__file__).with_name("viewer_assets")


class ViewTooLarge(DetailError, ValueError):
    """The graph is too large for one page; the message says how to narrow it (E503)."""

    code = "E503"


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def load_style() -> dict:
    """Colours and shapes of the viewer (``viewer_assets/style.json``).

    >>> load_style()["sector_colours"]["university"]
    '#1f77b4'
    """
    return json.loads(_asset("style.json"))


# --- choosing what to show ----------------------------------------------------

def select_view(graph: nx.MultiDiGraph, *, around: str | None = None,
                hops: int = 1, cluster: int | None = None,
                clusters: Mapping | None = None,
                min_degree: int = 0, index=None) -> nx.MultiDiGraph:
    """The part of ``graph`` to draw, as a new graph.

    ``around`` keeps the entities within ``hops`` relations (either
    direction) of the entity it designates, read as ``kg show`` and ``kg
    connect`` read names (:func:`kg.analysis.paths.resolve`, with its
    ``index`` if given: name, alias, pinyin, part of a name); ``cluster``
    keeps the members of that cluster of ``clusters``; ``min_degree`` keeps
    entities with at least that many relations in the whole graph (the
    ``around`` entity always stays). Raises
    :class:`kg.analysis.paths.NameResolutionError` for a name that
    designates no entity or several, ``KeyError`` for an unknown cluster.

    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> sorted(select_view(G, around="b", hops=1))
    ['a', 'b', 'c']
    >>> sorted(select_view(G, min_degree=2))
    ['b', 'c']
    >>> G.add_edge("星河大学", "d")
    0
    >>> sorted(select_view(G, around="星河大"))
    ['d', '星河大学']
    """
    keep = set(graph)
    centre = None
    if around is not None:
        centre = resolve(graph, around, index=index)
        undirected = graph.to_undirected(as_view=True)
        keep &= set(nx.single_source_shortest_path_length(undirected, centre, cutoff=hops))
    if cluster is not None:
        if clusters is None:
            raise KeyError("no clusters computed: cannot select a cluster")
        members = {node for node, c in clusters.items() if c == cluster}
        if not members:
            raise UnknownCluster("E502", cluster=cluster, known=_known_clusters(clusters))
        keep &= members
    if min_degree:
        keep = {n for n in keep if graph.degree(n) >= min_degree or n == centre}
    return graph.subgraph(keep).copy()


class UnknownCluster(KGError, KeyError):
    """``--cluster`` names no cluster (a ``KeyError`` as before, with its
    message from :mod:`kg.messages`)."""

    def __str__(self) -> str:
        return Exception.__str__(self)


def _known_clusters(clusters: Mapping, min_size: int = 3) -> str:
    """The cluster ids as ``kg clusters`` lists them (those of at least
    ``min_size`` members, its default), and where the smaller ones are.

    >>> _known_clusters({"a": 0, "b": 0, "c": 0, "d": 1})
    '0; cluster 1 has fewer than 3 members (`kg clusters --min-size 1` lists it)'
    """
    from collections import Counter

    sizes = Counter(clusters.values())
    listed = sorted(c for c, n in sizes.items() if n >= min_size)
    small = sorted(c for c, n in sizes.items() if n < min_size)
    text = _ids(listed) if listed else "none"
    if small:
        text += (f"; {'cluster' if len(small) == 1 else 'clusters'} {_ids(small)} "
                 f"{'has' if len(small) == 1 else 'have'} fewer than {min_size} members "
                 f"(`kg clusters --min-size 1` lists {'it' if len(small) == 1 else 'them'})")
    return text


def _ids(ids: list[int]) -> str:
    """``0–26`` for a run of ids, else ``0, 3, 7``."""
    if len(ids) > 2 and ids == list(range(ids[0], ids[-1] + 1)):
        return f"{ids[0]}–{ids[-1]}"
    return ", ".join(map(str, ids))


# --- layout ---------------------------------------------------------------------

def _groups(graph: nx.Graph, clusters: Mapping | None, seed: int) -> list[list]:
    """Node groups for the layout: the given clusters, else Louvain
    communities; groups too big for a dense spring layout are split again."""
    if clusters:
        by: dict = {}
        rest = []
        for node in graph:
            if node in clusters:
                by.setdefault(clusters[node], []).append(node)
            else:
                rest.append(node)
        groups = list(by.values())
        if rest:
            groups += [list(c) for c in nx.connected_components(graph.subgraph(rest))]
    else:
        groups = [list(c) for c in nx.community.louvain_communities(graph, seed=seed)]
    out = []
    for group in groups:
        if len(group) >= 500:
            parts = [list(c) for c in nx.community.louvain_communities(
                graph.subgraph(group), seed=seed)]
            if len(parts) > 1 and max(map(len, parts)) < 500:
                out.extend(parts)
                continue
            out.extend(group[i:i + 400] for i in range(0, len(group), 400))
        else:
            out.append(group)
    return [sorted(g, key=str) for g in sorted(out, key=lambda g: (-len(g), str(min(g, key=str))))]


def _place_groups(radius, quotient, seed: int, spacing: float):
    """Centres of the groups of one connected piece of the graph of groups:
    seeded spring layout scaled so neighbouring groups just touch, then
    pushed apart until no two groups overlap."""
    import numpy as np

    n = len(radius)
    if n == 1:
        return np.zeros((1, 2))
    if n < 500:
        qpos = nx.spring_layout(quotient, seed=seed, iterations=80)
    else:
        qpos = nx.circular_layout(quotient)
    centres = np.array([qpos[i] for i in range(n)], dtype=float)
    gaps = np.sqrt(((centres[:, None, :] - centres[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(gaps, np.inf)
    nearest = float(np.median(gaps.min(1))) or 1.0
    centres *= (2 * float(np.median(radius)) + spacing) / nearest
    centres += np.random.default_rng(seed).normal(scale=1e-3, size=centres.shape)
    for _ in range(200):
        delta = centres[:, None, :] - centres[None, :, :]
        dist = np.sqrt((delta ** 2).sum(-1)) + 1e-9
        overlap = np.clip(radius[:, None] + radius[None, :] + spacing - dist, 0, None)
        np.fill_diagonal(overlap, 0)
        if overlap.max() < 1:
            break
        centres += (delta / dist[..., None] * overlap[..., None] / 2).sum(1)
    return centres


def _pack(pieces: list[dict], spacing: float) -> dict:
    """Shelf-pack pieces (``{node: (x, y)}`` each) side by side in rows,
    largest first, into a roughly square picture centred on the origin."""
    import numpy as np

    boxes = []
    for piece in pieces:
        xy = np.array(list(piece.values()), dtype=float)
        # labels are drawn centred under their node, about 14 px a character
        half = np.array([[max(len(str(n)) * 7.5 + 8, spacing / 2), spacing / 2] for n in piece])
        low, high = (xy - half).min(0), (xy + half).max(0)
        boxes.append((piece, low, high - low))
    boxes.sort(key=lambda b: (-b[2][1], -b[2][0]))
    area = sum(float(size[0] * size[1]) for _, _, size in boxes)
    row_width = max(math.sqrt(area) * 1.3, max(float(size[0]) for _, _, size in boxes))
    out = {}
    x = y = row_height = 0.0
    for piece, low, size in boxes:
        if x > 0 and x + size[0] > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        offset = np.array([x, y]) - low
        for node, p in piece.items():
            out[node] = np.asarray(p, dtype=float) + offset
        x += float(size[0])
        row_height = max(row_height, float(size[1]))
    centre = np.array(list(out.values())).mean(0)
    return {node: (round(float(p[0] - centre[0]), 1), round(float(p[1] - centre[1]), 1))
            for node, p in out.items()}


def layout_positions(graph: nx.Graph, clusters: Mapping | None = None, *,
                     seed: int = 7, spacing: float = 60.0) -> dict:
    """Positions ``{node: (x, y)}`` in screen units, clusters kept together.

    Each group (cluster, or Louvain community when no clusters are given) is
    laid out on its own with a seeded spring layout, scaled to its size; the
    groups of each connected piece of the graph are placed by a spring
    layout of the graph of groups and pushed apart until they no longer
    overlap; the pieces (and lone entities) are then packed in rows. Dense
    spring layouts of groups under 500 nodes keep this fast without scipy
    (2 000 nodes: about a second).

    >>> pos = layout_positions(nx.path_graph(4))
    >>> sorted(pos) == [0, 1, 2, 3] and all(len(p) == 2 for p in pos.values())
    True
    """
    import numpy as np

    simple = nx.Graph()
    simple.add_nodes_from(graph)
    simple.add_edges_from((u, v) for u, v in graph.edges() if u != v)
    if len(simple) == 0:
        return {}
    groups = _groups(simple, clusters, seed)
    local = []
    radius = np.zeros(len(groups))
    for i, group in enumerate(groups):
        if len(group) == 1:
            pos = {group[0]: np.zeros(2)}
        else:
            pos = nx.spring_layout(simple.subgraph(group), seed=seed, iterations=50)
        local.append(pos)
        radius[i] = max(spacing * math.sqrt(len(group)), spacing * 0.3)

    owner = {node: i for i, group in enumerate(groups) for node in group}
    quotient = nx.Graph()
    quotient.add_nodes_from(range(len(groups)))
    quotient.add_edges_from((owner[u], owner[v]) for u, v in simple.edges()
                            if owner[u] != owner[v])
    pieces = []
    for component in sorted(nx.connected_components(quotient), key=lambda c: min(c)):
        members = sorted(component)
        index = {g: k for k, g in enumerate(members)}
        sub = nx.relabel_nodes(quotient.subgraph(members), index)
        centres = _place_groups(radius[members], sub, seed, spacing)
        piece = {}
        for k, g in enumerate(members):
            for node, p in local[g].items():
                piece[node] = centres[k] + np.asarray(p) * radius[g]
        pieces.append(piece)
    return _pack(pieces, spacing)


# --- page data -------------------------------------------------------------------

def _finite(value) -> float | None:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _evidence(items: Iterable, limit: int) -> list[dict]:
    out = []
    for item in items or ():
        if not isinstance(item, Mapping):
            item = {"sentence": item}
        out.append({"doc": str(item.get("doc") or ""),
                    "sentence": str(item.get("sentence") or item.get("evidence") or ""),
                    "trigger": item.get("trigger") or None,
                    "confidence": _finite(item.get("confidence")),
                    "date": str(item["date"]) if item.get("date") else None})
        if len(out) >= limit:
            break
    return out


def _years(evidence) -> tuple[list[int], int]:
    """The years of an edge's dated statements, and how many are undated
    (for the page's period filter)."""
    years, undated = set(), 0
    for item in evidence or ():
        date = item.get("date") if isinstance(item, Mapping) else None
        if date and str(date)[:4].isdigit():
            years.add(int(str(date)[:4]))
        else:
            undated += 1
    return sorted(years), undated


def _text_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _search_keys(name: str, aliases: list[str]) -> list[str]:
    """More keys the page's search finds a node by: the pinyin of each
    alias (``xi an jiao da`` for 西安交大) and the Traditional spelling of
    the name and aliases (陝西理工大學).

    >>> _search_keys("西安交通大学", ["西安交大"])
    ['xianjiaoda', '西安交通大學']
    """
    from kg.analysis.projection import pinyin_of

    keys = [pinyin_of(a) for a in aliases]
    keys += [_to_traditional(t) for t in [name, *aliases]]
    return [k for k in dict.fromkeys(keys) if k and k != name and k not in aliases]


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def _to_traditional(text: str) -> str:
    return _s2t().convert(text)


def page_data(graph: nx.MultiDiGraph, *, cluster: Mapping | None = None,
              score: Mapping | None = None, title: str = "Knowledge graph",
              highlight_nodes: Iterable | None = None,
              highlight_edges: Iterable | None = None,
              paths: list[dict] | None = None, message: str | None = None,
              positions: Mapping | None = None) -> dict:
    """The JSON-ready description of a page: nodes, edges, legend, options.

    Pure function of the graph and the optional mappings ``cluster`` (node →
    cluster id) and ``score`` (node → broker score). Node and edge display
    options are built with pyvis (``vis`` key); the other keys carry the text
    the viewer script shows. ``highlight_nodes``/``highlight_edges``
    (``(u, v, key)`` triples) switch to connect mode: those are drawn
    strong, the rest faded. ``positions`` overrides the computed layout.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("清华大学", type="University", aliases=["清华"])
    >>> d = page_data(G, score={"清华大学": 1.0})
    >>> d["nodes"][0]["name"], d["nodes"][0]["sector"], d["large"]
    ('清华大学', 'university', False)
    """
    from pyvis.network import Network

    style = load_style()
    colours = style["sector_colours"]
    shapes = style["type_shapes"]
    sizes = style["node_size"]
    connect = highlight_nodes is not None or highlight_edges is not None
    hl_nodes = set(highlight_nodes or ())
    hl_edges = set(highlight_edges or ())
    large = graph.number_of_nodes() > LAYOUT_THRESHOLD
    if positions is None:
        positions = layout_positions(graph, cluster)

    if score:
        weights = {n: _finite(score.get(n)) or 0.0 for n in graph}
        size_note = "Node size: broker score. Colour: sector. Shape: type."
    else:
        weights = {n: float(graph.degree(n)) for n in graph}
        size_note = "Node size: number of relations (no broker scores given). Colour: sector. Shape: type."
    top = max((w for w in weights.values() if w > 0), default=1.0)
    # the most central entities keep a label at every zoom (viewer_assets/labels.js)
    central = sorted((n for n in graph if weights[n] > 0 or graph.degree(n)),
                     key=lambda n: (-weights[n], -graph.degree(n), str(n)))
    if connect:      # a connect page labels its paths first
        central = [n for n in central if n in hl_nodes] + [n for n in central if n not in hl_nodes]
    rank = {n: i for i, n in enumerate(central[:CENTRAL_LABELS])}

    net = Network(directed=True)
    ids = {}
    nodes = []
    for i, (node, attrs) in enumerate(graph.nodes(data=True)):
        ids[node] = i
        etype = str(attrs.get("type") or "Unknown")
        sector = str(attrs.get("sector") or SECTOR.get(etype, "unknown"))
        if sector not in colours:
            sector = "unknown"
        colour = colours[sector]
        faded = connect and node not in hl_nodes
        options = {
            "size": round(sizes["min"] + (sizes["max"] - sizes["min"])
                          * math.sqrt(max(weights[node], 0.0) / top), 1),
            "color": style["faded_colour"] if faded else colour,
        }
        if faded:
            options["font"] = {"color": "#c4c4c4", "size": 11}
        if connect and node in hl_nodes:
            options["borderWidth"] = 3
            options["color"] = {"background": colour, "border": style["highlight_colour"]}
        if positions is not None and node in positions:
            options["x"], options["y"] = positions[node]
        net.add_node(i, label=str(node), shape=shapes.get(etype, style["default_shape"]), **options)
        docs = _text_list(attrs.get("docs"))
        incident = [e for _, _, e in graph.in_edges(node, data="evidence")] + \
                   [e for _, _, e in graph.out_edges(node, data="evidence")]
        node_evidence = [item for ev in incident for item in (ev or ())]
        pinyin = attrs.get("pinyin")
        aliases = _text_list(attrs.get("aliases"))
        nodes.append({
            "id": i, "name": str(node), "type": etype, "sector": sector,
            "aliases": _text_list(attrs.get("aliases")),
            "pinyin": " ".join(_text_list(pinyin)) if pinyin else "",
            "initials": "".join(_text_list(attrs.get("initials"))),
            "keys": _search_keys(str(node), aliases),
            "docs": docs[:MAX_DOCS], "docs_total": len(docs),
            "cluster": cluster.get(node) if cluster and node in cluster else None,
            "score": _finite(score.get(node)) if score and node in score else None,
            "evidence": _evidence(node_evidence, MAX_NODE_EVIDENCE),
            "evidence_total": len(node_evidence),
            "highlight": node in hl_nodes,
            "rank": rank.get(node),
        })
    for node_record, vis_options in zip(nodes, net.nodes):
        node_record["vis"] = vis_options

    # parallel edges between one pair of nodes are drawn as separate curves
    pair_index: dict = {}
    edges = []
    for n, (u, v, key, attrs) in enumerate(graph.edges(keys=True, data=True)):
        predicate = str(attrs.get("predicate") or key)
        pair = tuple(sorted((ids[u], ids[v])))
        k = pair_index.get(pair, 0)
        pair_index[pair] = k + 1
        evidence = attrs.get("evidence") or []
        count = int(attrs.get("count") or len(evidence))
        strong = (u, v, key) in hl_edges
        faded = connect and not strong
        options = {
            "id": f"e{n}", "label": predicate,
            "width": (style["highlight_edge_width"] if strong
                      else round(1 + math.log2(max(count, 1)), 2)),
        }
        if predicate in SYMMETRIC:
            options["arrows"] = {"to": {"enabled": False}}
        if strong:
            options["color"] = {"color": style["highlight_colour"], "inherit": False}
            options["font"] = {"color": style["highlight_colour"], "size": 12}
        elif faded:
            # off the paths: faded, and no predicate written over the paths
            # (hovering still names it)
            options["color"] = {"color": style["faded_colour"], "inherit": False}
            del options["label"]
        if k:
            flip = (ids[u], ids[v]) != pair
            clockwise = (k % 2 == 1) != flip
            options["smooth"] = {"enabled": True,
                                 "type": "curvedCW" if clockwise else "curvedCCW",
                                 "roundness": round(0.2 * ((k + 1) // 2), 2)}
        net.add_edge(ids[u], ids[v], **options)
        years, undated = _years(evidence)
        edges.append({
            "id": f"e{n}", "subject": str(u), "object": str(v),
            "predicate": predicate, "count": count,
            "years": years, "undated": undated,
            "title": str(attrs["title"]) if attrs.get("title") else None,
            "evidence": _evidence(evidence, MAX_EVIDENCE),
            "highlight": strong,
        })
    for edge_record, vis_options in zip(edges, net.edges):
        edge_record["vis"] = vis_options

    present_sectors = {n["sector"] for n in nodes}
    present_types = sorted({n["type"] for n in nodes})
    symbols = style["shape_symbols"]
    legend = {
        "sectors": [{"sector": s, "colour": colours[s],
                     "label": style["sector_labels"].get(s, s)}
                    for s in colours if s in present_sectors],
        "types": [{"type": t, "symbol": symbols.get(shapes.get(t, style["default_shape"]), "●"),
                   "colour": colours.get(SECTOR.get(t, "unknown"), colours["unknown"])}
                  for t in present_types],
        "predicates": sorted({e["predicate"] for e in edges}),
        "clusters": sorted({n["cluster"] for n in nodes if n["cluster"] is not None},
                           key=lambda c: (str(type(c)), c)),
        "years": sorted({y for e in edges for y in e["years"]}),
        "undated": sum(e["undated"] for e in edges),
    }
    return {
        "title": str(title), "large": large,
        "nodes": nodes, "edges": edges, "legend": legend,
        "size_note": size_note, "paths": paths or [], "message": message,
        "style": {"edge_colour": style["edge_colour"],
                  "highlight_colour": style["highlight_colour"]},
    }


def connect_page_data(graph: nx.MultiDiGraph, answer: Mapping, *,
                      cluster: Mapping | None = None,
                      score: Mapping | None = None) -> dict:
    """Page data for a ``kg connect`` answer: the paths highlighted.

    ``answer`` is ``{"source", "target", "paths": [{"nodes": [...],
    "hops": [{"subject", "predicate", "object", "evidence"}]}], ...}``.
    The page shows the whole graph when it is small (≤
    :data:`LAYOUT_THRESHOLD` nodes), else the path entities and as many of
    their neighbours as fit; everything off the paths is faded.

    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("甲", "乙", key="builds", predicate="builds")
    >>> G.add_node("丙")
    >>> d = connect_page_data(G, {"source": "甲", "target": "乙", "paths": [
    ...     {"nodes": ["甲", "乙"], "hops": [{"subject": "甲",
    ...      "predicate": "builds", "object": "乙"}]}]})
    >>> [(n["name"], n["highlight"]) for n in d["nodes"]]
    [('甲', True), ('乙', True), ('丙', False)]
    >>> d["paths"][0]["text"]
    '甲 —builds→ 乙'
    """
    source, target = answer.get("source"), answer.get("target")
    raw_paths = answer.get("paths") or []
    hl_nodes: set = set()
    hl_edges: set = set()
    path_edges = []
    for path in raw_paths:
        hl_nodes.update(n for n in path.get("nodes") or () if n in graph)
        found = []
        for hop in path.get("hops") or ():
            s, p, o = hop.get("subject"), hop.get("predicate"), hop.get("object")
            hl_nodes.update(n for n in (s, o) if n in graph)
            for u, v in ((s, o), (o, s)):
                if u in graph and v in graph and graph.has_edge(u, v, key=p):
                    hl_edges.add((u, v, p))
                    found.append((u, v, p))
                    break
        path_edges.append(found)
    hl_nodes.update(n for n in (source, target) if n is not None and n in graph)

    if graph.number_of_nodes() <= LAYOUT_THRESHOLD:
        keep = set(graph)
    else:
        keep = set(hl_nodes)
        neighbours = set()
        for n in hl_nodes:
            neighbours.update(nx.all_neighbors(graph, n))
        neighbours -= keep
        room = max(LAYOUT_THRESHOLD - len(keep), 0)
        keep |= set(sorted(neighbours, key=lambda n: (-graph.degree(n), str(n)))[:room])
    view = graph.subgraph(keep)
    positions = path_positions(view, [p.get("nodes") or () for p in raw_paths],
                               source=source, target=target, cluster=cluster)
    order = {n: i for i, n in enumerate(view)}
    edge_order = {e: f"e{i}" for i, e in enumerate(view.edges(keys=True))}

    paths = []
    for path, found in zip(raw_paths, path_edges):
        names = [n for n in path.get("nodes") or () if n in order]
        sequence = list(path.get("nodes") or ())
        hops = list(path.get("hops") or ())
        parts = [str(sequence[0] if sequence else (hops[0]["subject"] if hops else ""))]
        for i, hop in enumerate(hops):
            after = sequence[i + 1] if i + 1 < len(sequence) else hop.get("object")
            if hop.get("subject") == after and hop.get("object") != after:
                parts.append(f"←{hop.get('predicate')}— {after}")
            else:
                parts.append(f"—{hop.get('predicate')}→ {after}")
        paths.append({"nodes": [order[n] for n in names],
                      "edges": [edge_order[e] for e in found if e in edge_order],
                      "text": " ".join(parts)})
    message = None
    if not raw_paths:
        message = f"No path between {source} and {target}."
    title = f"{source} ↔ {target}"
    return page_data(view, cluster=cluster, score=score, title=title,
                     highlight_nodes=hl_nodes, highlight_edges=hl_edges,
                     paths=paths, message=message, positions=positions)


#: Space between the lanes of two paths, and below them for the faded rest.
PATH_LANE = 130.0
#: Least horizontal distance between two entities of a path.
PATH_STEP = 170.0


def _label_width(name) -> float:
    """Width in screen units of a node label (14 px font: CJK characters
    about 14 px wide, others about 8)."""
    return sum(14.0 if ord(c) > 0x2e80 else 8.0 for c in str(name))


def path_positions(graph: nx.MultiDiGraph, paths: Iterable[Iterable], *,
                   source=None, target=None, cluster: Mapping | None = None) -> dict:
    """Positions that lay a ``kg connect`` answer out as its paths.

    The source sits at the left, the target at the right; each path runs
    left to right on a lane of its own (the first in the middle, the others
    alternately below and above), its entities spread evenly and at least
    their label's width apart, so no path entity covers another.  An
    entity on several paths stays where its first path put it.  The other
    entities of ``graph`` are laid out (:func:`layout_positions`) in a
    block below the lanes, where the page fades them.

    >>> G = nx.MultiDiGraph([("甲", "乙"), ("乙", "丙"), ("甲", "丁"), ("丁", "丙"), ("丙", "戊")])
    >>> pos = path_positions(G, [["甲", "乙", "丙"], ["甲", "丁", "丙"]])
    >>> pos["甲"][0] < pos["乙"][0] < pos["丙"][0], pos["甲"][1] == pos["丙"][1] != pos["丁"][1]
    (True, True)
    >>> pos["戊"][1] > max(pos[n][1] for n in "甲乙丙丁")
    True
    """
    paths = [[n for n in p if n in graph] for p in paths]
    paths = [p for p in paths if p]
    if not paths:
        return layout_positions(graph, cluster)
    source = source if source in graph else paths[0][0]
    target = target if target in graph else paths[0][-1]
    on_paths = {n for p in paths for n in p} | {source, target}
    step = max(PATH_STEP, max(_label_width(n) for n in on_paths) + 40.0)
    longest = max(len(p) for p in paths)
    width = step * max(longest - 1, 1)
    pos: dict = {source: (0.0, 0.0), target: (width, 0.0)}
    for i, p in enumerate(paths):
        lane = PATH_LANE * ((i + 1) // 2) * (1 if i % 2 else -1)
        inner = [n for n in p if n not in (source, target)]
        # evenly spread between the two ends; every entity a step apart at least
        gap = width / (len(inner) + 1)
        for j, n in enumerate(inner, 1):
            if n not in pos:
                pos[n] = (round(gap * j, 1), lane)
    rest = [n for n in graph if n not in pos]
    if rest:
        lanes = [y for _, y in pos.values()]
        placed = layout_positions(graph.subgraph(rest), cluster)
        xs = [x for x, _ in placed.values()]
        ys = [y for _, y in placed.values()]
        dx = width / 2 - (min(xs) + max(xs)) / 2
        dy = max(lanes) + 2 * PATH_LANE - min(ys)
        for n, (x, y) in placed.items():
            pos[n] = (round(x + dx, 1), round(y + dy, 1))
    return pos


def ring_positions(graph: nx.MultiDiGraph, centre, *, gap: float = 36.0,
                   step: float = 220.0) -> dict:
    """Positions that lay an entity's neighbourhood out around it.

    ``centre`` at the origin, the entities one relation away on a ring
    around it, those two away on a wider ring, and so on; each ring wide
    enough that its entities sit at least their label's width (plus
    ``gap``) apart, so no label covers another on the same ring.  The first
    ring is ordered by type (alike entities side by side), each later ring
    by the angle of the entities it is reached from, which keeps the
    relations between rings short and uncrossed.  Entities ``centre`` does
    not reach are put on the outermost ring.

    >>> G = nx.MultiDiGraph([("甲", "乙"), ("甲", "丙"), ("乙", "丁")])
    >>> pos = ring_positions(G, "甲")
    >>> pos["甲"], round(math.dist(pos["甲"], pos["乙"])) == round(math.dist(pos["甲"], pos["丙"]))
    ((0.0, 0.0), True)
    >>> math.dist(pos["甲"], pos["丁"]) > math.dist(pos["甲"], pos["乙"])
    True
    """
    U = graph.to_undirected(as_view=True)
    dist = nx.single_source_shortest_path_length(U, centre)
    far = max(dist.values(), default=0)
    rings: dict[int, list] = {}
    for node in graph:
        rings.setdefault(dist.get(node, far + 1), []).append(node)
    pos = {centre: (0.0, 0.0)}
    angle = {centre: 0.0}
    radius = 0.0
    for k in sorted(r for r in rings if r > 0):
        ring = rings[k]

        def order(node):
            before = [angle[p] for p in U[node] if p in angle and dist.get(p, -1) < k]
            if k == 1 or not before:
                return (0.0, str(graph.nodes[node].get("type") or ""), str(node))
            x = sum(math.cos(a) for a in before)
            y = sum(math.sin(a) for a in before)
            return (math.atan2(y, x) % (2 * math.pi), "", str(node))

        ring.sort(key=order)
        # a node is at most 80 units wide, its label about 20 high: on the
        # sides of a ring, where neighbours stack up, 90 keeps them apart
        widths = [max(_label_width(n), 90.0) + gap for n in ring]
        total = sum(widths)
        radius = max(radius + step, total / (2 * math.pi))
        along = 0.0
        for node, width in zip(ring, widths):
            theta = 2 * math.pi * (along + width / 2) / total - math.pi / 2
            along += width
            angle[node] = theta % (2 * math.pi)
            pos[node] = (round(radius * math.cos(theta), 1), round(radius * math.sin(theta), 1))
    return pos


# --- HTML -------------------------------------------------------------------------

def _script_json(data: dict) -> str:
    """JSON safe inside a <script> block: no ``<``, ``>``, ``&`` or line
    separators appear literally, so ``</script>`` in a name cannot end it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("&", "\\u0026").replace("\u2028", "\\u2028")
            .replace("\u2029", "\\u2029"))


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def render_html(data: dict) -> str:
    """The complete page for ``data`` (from :func:`page_data`) as a string.

    Everything is inline; the Content-Security-Policy allows exactly the two
    inline scripts (by hash) and no fetch of any kind.

    >>> page = render_html(page_data(nx.MultiDiGraph(), title="<b>x</b>"))
    >>> "<title>&lt;b&gt;x&lt;/b&gt;</title>" in page, "https://" in page.split("<script>")[0]
    (True, False)
    """
    vis_js = _asset("vis-network.min.js")
    viewer_js = _asset("labels.js") + _asset("viewer.js")
    for script in (vis_js, viewer_js):
        if "</script" in script.lower() or "<!--" in script:  # pragma: no cover
            raise ValueError("an inline script contains </script or <!--")
    csp = ("default-src 'none'; "
           f"script-src {_sha256(vis_js)} {_sha256(viewer_js)}; "
           "style-src 'unsafe-inline'; img-src data:; font-src data:; "
           "base-uri 'none'; form-action 'none'")
    values = {"title": html.escape(data["title"]), "csp": csp,
              "css": _asset("viewer.css"), "vis_js": vis_js,
              "data": _script_json(data), "viewer_js": viewer_js}
    # one pass over the template: inserted text is never scanned again
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], _asset("page.html"))


def check_size(graph: nx.MultiDiGraph) -> None:
    """Raise :class:`ViewTooLarge` if ``graph`` has more than :data:`MAX_NODES` nodes."""
    n = graph.number_of_nodes()
    if n > MAX_NODES:
        raise ViewTooLarge(
            f"{n} entities is too many for one page (limit {MAX_NODES}): narrow the "
            "view with --around NAME --hops N, --cluster ID or --min-degree N")


def write_view(graph: nx.MultiDiGraph, path: str | Path, *,
               cluster: Mapping | None = None, score: Mapping | None = None,
               title: str | None = None) -> Path:
    """Write the interactive page of ``graph`` to ``path``; return the path.

    Raises :class:`ViewTooLarge` above :data:`MAX_NODES` nodes.
    """
    check_size(graph)
    title = title or f"Knowledge graph: {graph.number_of_nodes()} entities"
    page = render_html(page_data(graph, cluster=cluster, score=score, title=title))
    path = Path(path)
    path.write_text(page, encoding="utf-8")
    return path


def write_connect_page(graph: nx.MultiDiGraph, answer: Mapping, path: str | Path, *,
                       cluster: Mapping | None = None,
                       score: Mapping | None = None) -> Path:
    """Write the page of a ``kg connect`` answer (paths highlighted) to ``path``."""
    page = render_html(connect_page_data(graph, answer, cluster=cluster, score=score))
    path = Path(path)
    path.write_text(page, encoding="utf-8")
    return path
