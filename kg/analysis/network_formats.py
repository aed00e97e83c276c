"""The graph in the formats researchers take it into: Gephi, Pajek, VOSviewer.

:func:`attributed_graph` builds one directed multigraph of the store's
entities and relations (as ``kg stats`` counts them: one node per entity,
one edge per distinct subject–predicate–object triple) and gives it the
attributes an analyst looks for:

* nodes: ``label`` (the name), ``type``, ``sector``, ``pinyin``,
  ``aliases`` and ``docs`` (joined by ``|``), ``cluster`` and
  ``cluster_label`` (the ids and labels ``kg clusters`` prints), and the
  broker scores of ``kg brokers`` — ``degree``, ``betweenness``,
  ``university_industry``, ``university_government``, ``triple_helix``,
  ``effective_size``, ``constraint`` (absent for an isolate: Burt's measure
  is undefined there) and the Gould–Fernandez role counts
  ``gf_coordinator`` … ``gf_liaison``;
* edges: ``label`` and ``predicate``, ``count`` and ``weight`` (the
  statements behind it), ``docs``, ``evidence`` (one sentence), ``title``;
* time: every statement covers the days of its date (a whole year for
  ``2021``, a month for ``2021-03``); an edge's ``spells`` are those days,
  overlapping ones merged, and a node's are the union of its edges'.
  An edge whose statements are all undated has none (Gephi shows it at all
  times), and neither has a node with such an edge, or with no edge.

Scores and clusters come from the store's saved analysis
(:func:`kg.analysis.analysis`, of the period if one is given), so they are
the numbers the other commands print.  The analysis projects entities by
name; two entities of one name but different types share its scores.

Writers (:data:`FORMATS`):

``gexf``
    GEXF 1.3 (Gephi), dynamic, ``timeformat="date"``, with node and edge
    spells and the attributes above.
``graphml``
    GraphML with the same attributes (spells as ``start`` and ``end``:
    the first and last day of any statement, and ``spells`` as text).
``pajek``
    Pajek ``.net``: ``*Vertices`` labelled by name (with the type in
    brackets where two entities share a name) and ``*Arcs`` weighted by
    statements, one per relation.
``vosviewer``
    A VOSviewer map file and network file (``map.txt`` and ``network.txt``
    in a directory), tab-separated as its manual describes: see
    :func:`write_vosviewer`.

Example
-------
>>> import os, tempfile
>>> from kg.store.backends import open_store
>>> store = open_store(os.path.join(tempfile.mkdtemp(), "s"), create=True)
>>> attributed_graph(store).number_of_nodes()
0
>>> merge_spans([("2021", "2021"), ("2021-03-04", "2021-03-04"), ("2023-02", "2023-02")])
[('2021-01-01', '2021-12-31'), ('2023-02-01', '2023-02-28')]
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path
from typing import IO, Iterable

import networkx as nx

from kg.analysis.brokerage import ROLES
from kg.analysis.cache import analysis
from kg.extraction.dates import date_range
from kg.records import SECTOR
from kg.store.backends import KGStore, StoreError, deliver, entity_graph

__all__ = ["FORMATS", "attributed_graph", "merge_spans", "export", "write_gexf",
           "write_graphml", "write_pajek", "write_vosviewer"]

#: ``kg export --format`` values written here (the RDF ones and ``csv`` are the store's).
FORMATS = ("graphml", "gexf", "pajek", "vosviewer")

#: Broker scores copied from ``kg brokers``' rows onto the nodes.
_SCORES = ("degree", "betweenness", "university_industry", "university_government",
           "triple_helix", "effective_size", "constraint")


def merge_spans(dates: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Day spans ``(first, last)``, ISO dates, covering ``dates`` (pairs of
    dates of any precision, each from its first to its last day), sorted,
    with overlapping and adjacent spans merged."""
    spans = sorted((date_range(a)[0], date_range(b)[1]) for a, b in dates)
    out: list[list] = []
    for start, end in spans:
        if out and (start - out[-1][1]).days <= 1:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a.isoformat(), b.isoformat()) for a, b in out]


def attributed_graph(store: KGStore, period=None) -> nx.MultiDiGraph:
    """The entities and relations of ``store`` (of the statements of
    ``period``, if given) with types, sectors, clusters, broker scores and
    time spells: see the module docstring.  Nodes are keyed by entity IRI,
    edges by predicate."""
    ents, edges = entity_graph(store, period)
    result = analysis(store, period=period) if ents else None
    rows = {r["name"]: r for r in result.ranked_brokers()} if result else {}
    clusters = {m: c for c in (result.cluster_result()["clusters"] if result else ())
                for m in c["members"]}
    graph = nx.MultiDiGraph(name="kg")
    for e in ents:
        attrs = {"label": e["name"], "type": e["type"], "sector": SECTOR.get(e["type"], "other"),
                 "pinyin": e["pinyin"] or "", "aliases": "|".join(e["aliases"]),
                 "docs": "|".join(e["docs"])}
        row = rows.get(e["name"], {})
        attrs["sector"] = row.get("sector") or attrs["sector"]   # a firm's department: industry
        attrs.update({k: row[k] for k in _SCORES if row.get(k) is not None})
        attrs.update({f"gf_{role}": row["gould_fernandez"][role] for role in ROLES
                      if "gould_fernandez" in row})
        if e["name"] in clusters:
            attrs["cluster"] = clusters[e["name"]]["id"]
            attrs["cluster_label"] = clusters[e["name"]]["label"]
        graph.add_node(e["iri"], **attrs)
    node_dates: dict[str, list | None] = {n: [] for n in graph}   # None: at all times
    for (s, o, p), attrs in sorted(edges.items()):
        dates = [(d, d) for d in sorted(attrs["dates"])]
        spells = merge_spans(dates)
        data = {"label": p, "predicate": p, "count": attrs["count"], "weight": attrs["count"],
                "docs": "|".join(sorted(attrs["docs"])), "evidence": attrs["evidence"],
                "title": attrs["title"]}
        if spells:
            data["spells"] = spells
        for n in (s, o):        # an edge without spells is there at all times: so is its node
            node_dates[n] = node_dates[n] + dates if spells and node_dates[n] is not None \
                else None
        graph.add_edge(s, o, key=p, **data)
    for n, dates in node_dates.items():
        if dates:
            graph.nodes[n]["spells"] = merge_spans(dates)
    return graph


#: networkx (3.6) writes GEXF 1.3 with the XML Schema instance namespace
#: misspelt; the right one is put back so that validators find the schema.
_XSI = (b'xmlns:xsi="http://w3.org/2001/XMLSchema-instance"',
        b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"')


def write_gexf(graph: nx.MultiDiGraph, out: IO[bytes]) -> None:
    """GEXF 1.3, dynamic where any element has spells."""
    buf = io.BytesIO()
    nx.write_gexf(graph, buf, encoding="utf-8", version="1.3")
    out.write(buf.getvalue().replace(*_XSI, 1))    # in the root element, met first


def write_graphml(graph: nx.MultiDiGraph, out: IO[bytes]) -> None:
    """GraphML with the GEXF attributes; spells become ``start``, ``end``
    (first and last day) and ``spells`` (``first/last`` pairs joined by ``|``)."""
    flat = graph.copy()
    for _, data in list(flat.nodes(data=True)) + [(None, d) for *_, d in flat.edges(data=True)]:
        spells = data.pop("spells", None)
        if spells:
            data.update(start=spells[0][0], end=spells[-1][1],
                        spells="|".join(f"{a}/{b}" for a, b in spells))
    nx.write_graphml(flat, out, encoding="utf-8")


def _unique_labels(graph: nx.MultiDiGraph) -> dict:
    """``{node: label}``: the name, with the type in brackets where two
    entities share it (Pajek and VOSviewer key items by label)."""
    counts = Counter(d["label"] for _, d in graph.nodes(data=True))
    return {n: d["label"] if counts[d["label"]] == 1 else f"{d['label']} ({d['type']})"
            for n, d in graph.nodes(data=True)}


def write_pajek(graph: nx.MultiDiGraph, out: IO[bytes]) -> None:
    """Pajek ``.net``: vertices labelled by :func:`_unique_labels`, one arc
    per relation weighted by its statements (UTF-8)."""
    labels = _unique_labels(graph)
    plain = nx.MultiDiGraph()
    plain.add_nodes_from(labels[n] for n in graph)
    plain.add_weighted_edges_from((labels[u], labels[v], d["count"])
                                  for u, v, d in graph.edges(data=True))
    nx.write_pajek(plain, out, encoding="utf-8")


#: Columns of the VOSviewer map file (VOSviewer Manual, "Map file").
MAP_COLUMNS = ("id", "label", "description", "x", "y", "cluster", "weight<Links>",
               "weight<Total link strength>", "weight<Statements>", "score<Betweenness>",
               "score<Triple helix brokerage>")


def write_vosviewer(graph: nx.MultiDiGraph, folder: Path, *, seed: int = 1) -> None:
    """A VOSviewer map file ``map.txt`` and network file ``network.txt``.

    Followed: the VOSviewer Manual (version 1.6), sections "Map file" and
    "Network file".  Both are tab-separated UTF-8 text.  The map file has a
    header line and the columns :data:`MAP_COLUMNS`: ``id`` (1, 2, …),
    ``label`` (unique), ``description`` (type and sector), ``x`` and ``y``
    (a seeded force-directed layout, networkx's Fruchterman–Reingold;
    VOSviewer's *Update layout* replaces it), ``cluster`` (the
    ``kg clusters`` id + 1: VOSviewer numbers clusters from 1), three
    weights (links, total link strength, statements) and two scores
    (betweenness, triple-helix brokerage: for the overlay visualisation).
    The network file has no header and the columns
    ``id1 id2 strength``: one line per linked pair (VOSviewer's networks
    are undirected), the strength the statements of every relation between
    them.
    """
    labels = _unique_labels(graph)
    ids = {n: i for i, n in enumerate(graph, 1)}
    strength: Counter = Counter()
    statements: Counter = Counter()
    for u, v, d in graph.edges(data=True):
        statements[u] += d["count"]
        statements[v] += d["count"]
        if u != v:
            strength[tuple(sorted((ids[u], ids[v])))] += d["count"]
    links: Counter = Counter()
    total: Counter = Counter()
    for (a, b), w in strength.items():
        links[a] += 1
        links[b] += 1
        total[a] += w
        total[b] += w
    undirected = nx.Graph()
    undirected.add_nodes_from(ids.values())
    undirected.add_weighted_edges_from((a, b, w) for (a, b), w in strength.items())
    layout = nx.spring_layout(undirected, seed=seed) if len(undirected) else {}
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "map.txt", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
        writer.writerow(MAP_COLUMNS)
        for n, d in graph.nodes(data=True):
            i = ids[n]
            writer.writerow([i, labels[n], f"{d['type']} · {d['sector']}",
                             f"{layout[i][0]:.4f}", f"{layout[i][1]:.4f}",
                             d.get("cluster", -1) + 1, links[i], total[i], statements[n],
                             f"{d.get('betweenness', 0.0):.6g}",
                             f"{d.get('triple_helix', 0.0):.6g}"])
    with open(folder / "network.txt", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
        writer.writerows((a, b, w) for (a, b), w in sorted(strength.items()))


def export(store: KGStore, fmt: str, out: str | Path | IO[bytes] | None = None,
           period=None) -> bytes | None:
    """Write :func:`attributed_graph` as ``fmt`` (one of :data:`FORMATS`) to
    ``out`` (a file, a binary stream, or ``None``: the bytes are returned;
    for ``vosviewer`` a directory, required)."""
    if fmt not in FORMATS:
        raise StoreError("E109", detail=f"unknown export format {fmt!r}")
    if fmt == "vosviewer" and not isinstance(out, (str, Path)):
        raise StoreError("E109", detail="vosviewer export writes map.txt and network.txt: "
                         "give a directory with --out DIR")
    graph = attributed_graph(store, period)
    if fmt == "vosviewer":
        write_vosviewer(graph, Path(out))
        return None
    buf = io.BytesIO()
    {"gexf": write_gexf, "graphml": write_graphml, "pajek": write_pajek}[fmt](graph, buf)
    return deliver(buf.getvalue(), out)
